# t_bad_input.sh - bad input gets a clear error naming where, exit 2, and
# leaves the database exactly as it was; --skip-bad loads the rest and
# reports every rejected line.
source "$(dirname "$0")/lib.sh"
bad="$data/bad"

lq init
lq model apply "$data/model.yaml"
lq import leads "$data/leads.csv"
check_rc 0 "setup: a database with the test leads"
before=$(db_hash)

unchanged() { check_eq "$(db_hash)" "$before" "$1 leaves the database unchanged"; }

lq import leads "$bad/unbalanced.csv"
check_rc 2 "a CSV with an unbalanced quote is refused"
check_err "unbalanced.csv:3" "naming the line where the bad row starts"
unchanged "the unbalanced quote"

lq import leads "$bad/columns.csv"
check_rc 2 "a CSV row with a missing column is refused"
check_err "columns.csv:3: .*expected 3 columns, found 2" "naming the line and the counts"
unchanged "the short row"

lq import leads "$bad/email.csv"
check_rc 2 "an invalid email is refused"
check_err "email.csv:3: .*invalid email" "naming the line"
unchanged "the invalid email"

lq import events "$bad/events.ndjson"
check_rc 2 "an invalid JSON line is refused"
check_err "events.ndjson:2: .*invalid JSON" "naming the line"
unchanged "the invalid JSON line"

lq import events "$bad/unknown_lead.ndjson"
check_rc 2 "an event for a lead that is neither an id nor an email is refused"
check_err "unknown_lead.ndjson:2: unknown lead 'CRM-404': neither a known external id nor an email" "with the documented message"
unchanged "the unknown lead"

lq import events "$bad/future.ndjson"
check_rc 2 "an event from the future is refused"
check_err "future.ndjson:2: event time 2027-01-01T00:00:00Z is later than now" "naming the line and the times"
unchanged "the future event"

lq model apply "$bad/model.yaml"
check_rc 2 "a model with errors is refused"
check_err "model.yaml:5:[0-9]+: .*contains" "type mismatch at its line"
check_err "model.yaml:7:[0-9]+: .*duplicate rule" "duplicate rule name at its line"
check_err "model.yaml:8:[0-9]+: .*unknown field 'employees'" "unknown field at its line"
check_err "model.yaml:11:[0-9]+: .*unknown list" "unknown list at its line"
check_err "model.yaml:13:5: fit rule .title. needs .points." "a rule without points at its line"
check_err "model.yaml:14:25: bad regex \"\(unclosed\": missing closing parenthesis" "bad regex at its column, with PCRE2's reason"
check_err "model.yaml:15:5: unknown key .pointz." "unknown key at its line"
check_err "model.yaml:17:14: bad duration .30x." "bad duration at its line"
unchanged "the broken model"
lq model check "$bad/model.yaml"
check_rc 2 "model check exits 2 on errors"
check_eq "$(grep -c '^.*model.yaml:[0-9]*:[0-9]*: ' <<<"$err")" "8" "and prints all eight problems as FILE:LINE:COL: message"

lq import leads "$bad/email.csv" --skip-bad
check_rc 0 "--skip-bad loads the good rows"
check_err "skipped .*email.csv:3: .*invalid email" "and reports the bad one with its line"
check_out "3 records, 2 leads created, 0 updated, 1 rejected" "counting what it did"
check_eq "$(sql "select count(*) from leads where external_id in ('B1','B3')")" "2" "both good rows are stored"

lq import events "$bad/events.ndjson" --skip-bad
check_rc 0 "--skip-bad on events"
check_out "3 records, 2 events stored, 0 duplicates, 0 new leads, 1 rejected" "stores the two good lines"
lq import events "$bad/events.ndjson" --skip-bad
check_out "3 records, 0 events stored, 2 duplicates" "importing the same file again counts every event once"

done_testing
