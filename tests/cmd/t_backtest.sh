# t_backtest.sh - `leadq backtest` on the test data plus crafted sales
# history: exact weekly MQLs, precision, recall and lead times for the test
# model and a looser --vs model, the capacity cut, the window, the output
# formats, broken model files refused at their line, and a database left
# exactly as it was.
source "$(dirname "$0")/lib.sh"
export LEADQ_NOW=2026-04-01T00:00:00Z

lq init
lq model apply "$data/model.yaml"
lq import leads "$data/leads.csv"
lq import events "$data/events.ndjson"
# Sales history: ana (L1) reached sql and was lost; cy (L3) won; bob (L2)
# won without ever qualifying; dee (L5) won (only the loose model
# qualifies her). A won row alone implies sql (monotone funnel).
cat >"$work/sales.csv" <<'EOF'
lead,stage,at
L1,sql,2026-03-12T00:00:00Z
L1,lost,2026-03-20T00:00:00Z
L3,sql,2026-03-11T00:00:00Z
L3,won,2026-03-23T12:00:00Z
L2,won,2026-03-18T00:00:00Z
L5,won,2026-03-16T00:00:00Z
EOF
lq import stages "$work/sales.csv"
check_rc 0 "setup: test data and sales history"
# The loose model: the same with the MQL bar at engagement 5 instead of 40.
sed -e 's/engagement >= 40/engagement >= 5/' -e 's/^name: ICP test/name: ICP loose/' \
	"$data/model.yaml" >"$work/loose.yaml"
before=$(db_hash)

# By hand, test model (grade <= B and engagement >= 40; hand-raiser grade
# <= C). Weeks: W10 from Mon 03-02, W11 03-09, W12 03-16, W13 03-23.
#  ana  A, 4 pricing views (capped 30) + 2 ebooks at 03-10 00:00 -> 40:
#       MQL 03-10 (W11), score 50+10+40 = 100; sql 03-12; never won
#  cy   C, demo request 03-09 12:00: hand-raiser MQL (W11), score 15+25 =
#       40; sql 03-11, won 03-23 12:00: lead time 14.0 days
#  bob  F (free mail, purchasing): never; won 03-18 (W12)
#  dee  B 35, one pricing view 02-08, created 03-05: 10*2^(-25/30) = 5.6
#       at 03-05: not 40, never; won 03-16 (W12)
#  spy  disqualified; new@newco.io D: never
#  W11: 2 MQLs, to sql 2, to won 1; W12: 2 won, 0 caught; W13: 1 won
#  (cy), caught. Total precision sql 2/2, won 1/2, recall 1/3, median 14.
lq backtest "$data/model.yaml" --format csv
check_rc 0 "backtest the test model"
check_eq "$out" "model,week,start,mqls,to_sql,to_won,precision_sql,precision_won,won,caught,recall,median_lead_days
base,2026-W11,2026-03-09,2,2,1,1,0.5,0,0,,14
base,2026-W12,2026-03-16,0,0,0,,,2,0,0,
base,2026-W13,2026-03-23,0,0,0,,,1,1,1,
base,total,,2,2,1,1,0.5,3,1,0.333333,14" "weekly MQLs, precision, recall and lead time as computed by hand"

lq backtest "$data/model.yaml"
check_rc 0 "the same as a table"
check_out "^model: 'ICP test' \(.*model.yaml\)$" "names the model and its file"
check_out "6 leads, 10 events read, 10 replayed; MQLs and wins at any time" "says what was replayed"
check_out "^2026-W11 +2026-03-09 +2 +2 +1 +100.0% +50.0% +0 +0 +- +14.0$" "a week row"
check_out "^total +2 +2 +1 +100.0% +50.0% +3 +1 +33.3% +14.0$" "the total row"

# --vs: the loose model also qualifies dee at 03-05 (W10, 5.6 >= 5): her
# win 11.0 days later is caught; ana qualifies at her first view (score
# 70), cy as before. Total 3 MQLs, 3 to sql, 2 to won, recall 2/3, median
# of 11 and 14 = 12.5.
lq backtest "$data/model.yaml" --vs "$work/loose.yaml" --format csv
check_rc 0 "backtest side by side"
check_eq "$(grep '^vs,' <<<"$out")" "vs,2026-W10,2026-03-02,1,1,1,1,1,0,0,,11
vs,2026-W11,2026-03-09,2,2,1,1,0.5,0,0,,14
vs,2026-W12,2026-03-16,0,0,0,,,2,1,0.5,
vs,2026-W13,2026-03-23,0,0,0,,,1,1,1,
vs,total,,3,3,2,1,0.666667,3,2,0.666667,12.5" "the --vs model's rows, by hand"
check_out "^base,2026-W10,2026-03-02,0,0,0,,,0,0,,$" "the base model gets the vs model's weeks too"
lq backtest "$data/model.yaml" --vs "$work/loose.yaml"
check_out "^vs:   'ICP loose'" "the table names both models"
check_out "mqls +mqls_vs +to_sql +to_sql_vs" "with side-by-side columns"
check_out "^total +2 +3 +2 +3 +1 +2 +100.0% +100.0% +50.0% +66.7% +3 +1 +2 +33.3% +66.7% +14.0 +12.5$" "and both totals"

# Capacity 1/week: in W11 ana (100) beats cy (40): cy, the one winner, is
# given up. Base recall 0/3 against 1/3; a fixed rule needs score > 40.
lq backtest "$data/model.yaml" --capacity 1/week --format csv
check_rc 0 "backtest with a capacity"
check_out "^base,2026-W11,2026-03-09,2,1,100,1,0,1,0,0,0,0,,,$" "W11: 2 candidates, 1 kept, cutoff 100, no winner kept"
check_out "^base,total,,2,1,,1,0,1,0,3,0,1,0,0.333333,$" "total: recall 0 against 0.33 uncapped"
lq backtest "$data/model.yaml" --vs "$work/loose.yaml" --capacity 1
check_out "capacity 1/week \(base\): 1 of 2 MQLs kept; recall 0.0% against 33.3% uncapped \(1 won lead given up\); as a fixed rule: score > 40.0" "says what capacity gives up"
check_out "capacity 1/week \(vs\): 2 of 3 MQLs kept; recall 33.3% against 66.7% uncapped" "for both models"
lq backtest "$data/model.yaml" --capacity 2
check_out "every week within capacity, nothing given up" "a capacity that does not bind"

# Window [03-09, 03-17): MQLs of W11 only; wins: dee (03-16) only. The
# loose model caught her with its MQL of 03-05, before the window.
lq backtest "$data/model.yaml" --vs "$work/loose.yaml" --from 2026-03-09 --to 2026-03-17 --format json
check_rc 0 "backtest a window, as JSON"
check_out '"from":"2026-03-09T00:00:00Z","to":"2026-03-17T00:00:00Z","capacity":null' "the window is echoed"
check_out '"label":"base".*"totals":\{"mqls":2,"to_sql":2,"to_won":1,"precision_sql":1,"precision_won":0.5,"won":1,"caught":0,"recall":0,"median_lead_days":14\}' "base totals in the window"
check_out '"label":"vs".*"totals":\{"mqls":2,"to_sql":2,"to_won":1,"precision_sql":1,"precision_won":0.5,"won":1,"caught":1,"recall":1,' "vs: dee's MQL before the window catches her win"
check_eq "$(grep -o '"week":"2026-W[0-9]*"' <<<"$out" | sort -u | tr '\n' ' ')" '"week":"2026-W11" "week":"2026-W12" ' "only the window's weeks"

lq backtest @current --format csv
check_eq "$(tail -1 <<<"$out")" "base,total,,2,2,1,1,0.5,3,1,0.333333,14" "@current backtests the applied model"

lq backtest "$data/bad/model.yaml"
check_rc 2 "a broken model is refused"
check_err "model.yaml:5:29: type mismatch" "with its line and column"
check_eq "$(grep -c 'model.yaml:[0-9]*:[0-9]*: ' <<<"$err")" "8" "every problem, as model check prints them"
lq backtest "$data/model.yaml" --vs "$data/bad/model.yaml"
check_rc 2 "a broken --vs model is refused too"
check_err "bad/model.yaml:17:14: bad duration" "naming its file"
lq backtest "$work/missing.yaml"
check_rc 2 "a missing model file is a user error"
check_err "missing.yaml: cannot open model file" "naming the file"
lq backtest "$data/model.yaml" --capacity 0
check_rc 2 "a zero capacity is refused"
lq backtest "$data/model.yaml" --from 2026-03-20 --to 2026-03-10
check_rc 2 "an empty window is refused"
check_err "--from must be before --to" "saying why"
lq backtest --help
check_rc 0 "backtest --help"
check_out "usage: leadq backtest MODEL" "prints the usage"

check_eq "$(db_hash)" "$before" "backtests leave the database unchanged"

done_testing
