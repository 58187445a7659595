# t_lifecycle.sh - the sales handoff on the built binary: routing when a
# lead becomes an MQL, the queue and its SLA, accept / reject / qualify
# (BANT) / opportunity (SQO) / won, refused transitions naming the allowed
# ones, recycle with reset engagement and re-qualification, notes, tasks.
source "$(dirname "$0")/lib.sh"
export LEADQ_ACTOR=rep1

lq init
lq model apply "$data/model_lifecycle.yaml"
lq import leads "$data/leads.csv"
lq import events "$data/events.ndjson"
check_rc 0 "setup: leads and events scored under the lifecycle model"

lq show ana@acme.io --format json
check_out '"stage":"mql","stage_at":"2026-03-10T00:00:00Z","owner":"ben","cycle":1' "ana (BR) routed by round robin to ben, first cycle"
lq show cy@bigcorp.com --format json
check_out '"owner":"anna"' "cy (DE) routed by the country rule to anna"

lq queue --format csv
check_rc 0 "queue"
check_eq "$(sed -n 2p <<<"$out" | cut -d, -f1,4,7,8)" "1,A,ben,1d left" "best first: grade A ana, a day of SLA left"
check_eq "$(sed -n 3p <<<"$out" | cut -d, -f1,4,7,8)" "3,C,anna,12h left" "then cy (grade C), 12h left"
lq queue --owner anna --format json
check_out '"total":1' "the queue filters by owner"
check_out '"sla_left_seconds":43200' "and gives the SLA in seconds"

lq --now 2026-03-10T13:00:00Z sla --format csv
check_rc 0 "sla"
check_eq "$(tail -n +2 <<<"$out" | cut -d, -f1,8)" "3,1h late" "at 13:00 only cy is overdue, by 1h"
lq --now 2026-03-10T11:59:59Z sla
check_out "overdue MQLs: 0" "a second before her due time nothing is overdue"

before=$(db_hash)
lq won ana@acme.io
check_rc 2 "won on an MQL is refused"
check_err "cannot move from mql to won \(allowed next stages from mql: sal, nurture, disqualified\)" "naming the allowed next stages"
lq qualify ana@acme.io --budget yes
check_rc 2 "qualify before accept is refused"
check_err "qualification answers need the lead in sal, it is mql" "saying why"
lq reject cy@bigcorp.com
check_rc 2 "reject without a reason is refused"
check_err "a reason is required" "saying a reason is required"
lq reject bob@gmail.com --reason "not a fit"
check_rc 2 "reject of a lead that is not with sales"
check_err "cannot reject a lead in lead \(only mql and sal leads can be rejected\)" "says which can be rejected"
check_eq "$(db_hash)" "$before" "refused actions change nothing"

lq accept ana@acme.io --owner dana --actor sam
check_rc 0 "accept"
check_out "now sal" "ana is SAL"
lq accept ana@acme.io
check_rc 2 "accepting twice is refused"
check_err "cannot move from sal to sal \(allowed next stages from sal: sql, lost, nurture, disqualified\)" "with the allowed next stages"

lq qualify ana@acme.io --budget yes --authority no
check_rc 0 "partial BANT is recorded"
check_out "still sal, sql needs: authority is no, need, timing" "and says what is missing"
lq qualify ana@acme.io --authority yes --need yes --urgency yes
check_out "lead is now sql" "complete BANT (urgency is ANUM for timing) makes an SQL"
lq qualify ana@acme.io --budget maybe
check_rc 2 "a bad answer is refused"
check_err "budget must be yes, no or unknown" "naming the allowed answers"

lq opportunity ana@acme.io --buy-cycle yes --influencer yes --time-frame 2026-06-30
check_out "still sql, sqo needs: opportunity_size, follow_up" "an incomplete SQO checklist"
lq opportunity ana@acme.io --size 50000 --follow-up yes
check_out "lead is now sqo" "a complete one makes an SQO"
lq won ana@acme.io --amount 50000
check_rc 0 "won"
lq show ana@acme.io --format json
check_out '"stage":"won"' "ana is won"
check_out '"owner":"dana"' "owned by the rep who accepted"
check_out '"checklist":\{"authority":"yes","budget":"yes","buy_cycle":"yes","follow_up":"yes","influencer":"yes","need":"yes","opportunity_size":"50000","time_frame":"2026-06-30","timing":"yes","won_amount":"50000"\}' "every answer of the cycle kept"
check_eq "$(sql "select group_concat(to_stage || ':' || actor, ' ') from (select * from stage_changes where lead_id = 1 order by id)")" "lead:import mql:model sal:sam sql:rep1 sqo:rep1 won:rep1" "every transition recorded with its actor"

lq note cy@bigcorp.com "asked to call back in Q3"
check_rc 0 "note"
lq reject cy@bigcorp.com --reason "no budget this year"
check_rc 0 "reject recycles to nurture"
lq explain cy@bigcorp.com
check_out "engagement 0.0" "on_recycle: reset_engagement - earlier activity no longer counts"

echo '{"id":"r1","lead":"cy@bigcorp.com","type":"demo_request","at":"2026-03-10T20:00:00Z"}' > "$work/again.ndjson"
lq --now 2026-03-11T00:00:00Z import events "$work/again.ndjson"
check_out "1 automatic stage changes" "a new demo request re-qualifies cy"
lq show cy@bigcorp.com --format json
check_out '"stage":"mql","stage_at":"2026-03-10T20:00:00Z","owner":"anna","cycle":2' "second cycle, same owner"
check_out '"notes":\[\{"id":1,"cycle":1,' "the note stays with the first cycle"

lq task cy@bigcorp.com --due 2026-03-12T09:00:00Z "send the pricing deck"
check_rc 0 "task"
lq --now 2026-03-12T08:00:00Z tasks --overdue
check_eq "$(wc -l <<<"$out")" "1" "not overdue before its due time (header only)"
lq --now 2026-03-12T10:00:00Z tasks --overdue --format csv
check_out '^1,3,anna,2026-03-12T09:00:00Z,1h late,send the pricing deck$' "overdue an hour later, owned by the lead's owner"
lq --now 2026-03-12T10:00:00Z sla
check_out "overdue tasks: 1" "sla lists the overdue task"
lq task done 1
lq --now 2026-03-12T10:00:00Z tasks --overdue --format json
check_eq "$out" '{"tasks":[]}' "a done task is no longer open"

done_testing
