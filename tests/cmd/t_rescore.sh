# t_rescore.sh - `leadq model apply` rescores every lead from its stored
# events, and gets exactly what scoring the same events live under that
# model gets. The rescore reads leads a range of ids at a time, on a
# second connection in a second thread (src/service/rescore.c): the data
# here spans several ranges and holds leads without events and forgotten
# leads (their events erased), so every path of that pipeline is crossed.
source "$(dirname "$0")/lib.sh"
export LEADQ_NOW=2026-03-01T00:00:00Z
bench="$here/../../bench"

gen_data --accounts 400 --leads 6000 --events 60000
gone="L17 L2100 L2101 L4500"

# scores DB: id, grade, fit, channel, engagement and score of every lead
# but the forgotten ones (a rescore scores them again from what is left,
# forgetting deleted their score: not what this test is about)
scores() {
	"$LEADQ" --db "$1" leads --limit 0 --format csv |
		awk -F, 'NR > 1 && $3 != "" { print $1, $8, $9, $10, $11, $12 }' |
		sort -n
}

# A: scored live under model 1, then model 2 applied (the rescore).
export LEADQ_DB="$work/a.db"
lq init
lq model apply "$bench/model.yaml"
lq import leads "$work/data/leads.csv"
lq import events "$work/data/events.ndjson"
check_rc 0 "events imported under model 1"
for key in $gone; do lq forget "$key"; done
check_eq "$(sql 'select count(*) from leads where email is null')" "4" "four leads forgotten"
leads_a=$(sql 'select count(*) from leads')
lq model apply "$bench/model2.yaml"
check_rc 0 "model 2 applied"
check_out "$leads_a leads rescored" "every lead rescored ($leads_a)"
check_eq "$(sql 'select count(*) from scores s join models m on m.version = (select max(version) from models) where s.model_version = m.version')" \
	"$leads_a" "every score row is from model 2"

# B: model 2 from the start, the same events scored live.
export LEADQ_DB="$work/b.db"
lq init
lq model apply "$bench/model2.yaml"
lq import leads "$work/data/leads.csv"
lq import events "$work/data/events.ndjson"
for key in $gone; do lq forget "$key"; done

scores "$work/a.db" >"$work/a.txt"
scores "$work/b.db" >"$work/b.txt"
if cmp -s "$work/a.txt" "$work/b.txt"; then
	ok "rescored = scored live, lead by lead ($(wc -l <"$work/a.txt") leads)"
else
	not_ok "rescored = scored live, lead by lead" \
		"$(diff "$work/a.txt" "$work/b.txt" | head -8)"
fi
check_eq "$(awk '$5 > 0' "$work/a.txt" | wc -l | awk '$1 > 1000 { print "many" }')" "many" \
	"the comparison covers engaged leads"

# Applying the same model again gives the same scores (a second rescore).
export LEADQ_DB="$work/a.db"
lq model apply "$bench/model2.yaml"
check_rc 0 "model 2 applied again"
scores "$work/a.db" >"$work/a2.txt"
if cmp -s "$work/a.txt" "$work/a2.txt"; then ok "a second rescore changes no score"
else not_ok "a second rescore changes no score" "$(diff "$work/a.txt" "$work/a2.txt" | head -4)"; fi

done_testing
