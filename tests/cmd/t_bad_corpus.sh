# t_bad_corpus.sh - the bad-input corpus (tests/bad/, plus large inputs
# generated here: 1 MB strings, 100,000-level nesting, 5 MB and 10,000-rule
# models) against every way in: the importers (leads CSV and NDJSON,
# events NDJSON, stages CSV), the model loader (model check / apply) and
# the HTTP API (PUT /api/model, POST /v1/track, /v1/batch, /api/leads).
# Each case must be refused with a clear message naming what is wrong
# (exit 2, or a 4xx JSON error), and leave the database exactly as it was
# (sqlite3 .dump | sha256sum before and after).
source "$(dirname "$0")/lib.sh"
bad="$here/../bad"
gen="$work/gen"
mkdir -p "$gen"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

lq init
lq model apply "$data/model.yaml"
lq import leads "$data/leads.csv"
lq import events "$data/events.ndjson"
check_rc 0 "setup: a database with the test model, leads and events"
before=$(db_hash)
unchanged() { check_eq "$(db_hash)" "$before" "$1: the database is unchanged"; }

# refused WHAT FILE REGEX [ARGS...]: `leadq WHAT FILE` (import leads|events|
# stages, model apply) exits 2, says REGEX on stderr, changes nothing.
refused() {
	local what=$1 file=$2 re=$3 name
	shift 3
	name=$(basename "$file")
	# shellcheck disable=SC2086
	lq $what "$file" "$@"
	check_rc 2 "$what $name is refused"
	check_err "$re" "$name: $re"
	unchanged "$name"
}

# ---- text: UTF-8, NUL bytes, truncation ------------------------------------
refused "import leads" "$bad/leads_invalid_utf8.csv" "leads_invalid_utf8.csv:2: invalid UTF-8 in cell 3"
refused "import leads" "$bad/leads_truncated_utf8.csv" "leads_truncated_utf8.csv:2: invalid UTF-8 in cell 3"
refused "import leads" "$bad/leads_overlong_utf8.csv" "leads_overlong_utf8.csv:2: invalid UTF-8 in cell 3"
refused "import leads" "$bad/leads_nul.csv" "leads_nul.csv:2:16: NUL byte in input"
refused "import leads" "$bad/leads_invalid_utf8.ndjson" "leads_invalid_utf8.ndjson:1: invalid UTF-8 at column 57"
refused "import leads" "$bad/leads_surrogate.ndjson" "leads_surrogate.ndjson:1: invalid UTF-8 at column 57"
refused "import leads" "$bad/leads_nul.ndjson" "leads_nul.ndjson:1: NUL byte at column 57"
refused "import leads" "$bad/leads_nul_escape.ndjson" "leads_nul_escape.ndjson:1: NUL byte at column 38"
refused "import leads" "$bad/leads_truncated.ndjson" "leads_truncated.ndjson:1: invalid JSON at column"
refused "import events" "$bad/events_invalid_utf8.ndjson" "events_invalid_utf8.ndjson:1: invalid UTF-8 at column 36"
refused "import events" "$bad/events_truncated_utf8.ndjson" "events_truncated_utf8.ndjson:1: invalid UTF-8 at column 97"
refused "import events" "$bad/events_nul_escape.ndjson" "events_nul_escape.ndjson:1: NUL byte at column 22"
refused "import events" "$bad/events_truncated.ndjson" "events_truncated.ndjson:2: invalid JSON at column 32"
refused "import events" "$bad/events_not_object.ndjson" "events_not_object.ndjson:1: event must be a JSON object"
refused "import stages" "$bad/stages_invalid_utf8.csv" "stages_invalid_utf8.csv:2: invalid UTF-8 in cell 4"

# ---- CSV structure ------------------------------------------------------------
refused "import leads" "$bad/leads_quote_at_eof.csv" "leads_quote_at_eof.csv:3: unbalanced quote"
refused "import leads" "$bad/leads_quote_inside.csv" "leads_quote_inside.csv:2:15: quote inside an unquoted cell"
refused "import leads" "$bad/leads_text_after_quote.csv" "leads_text_after_quote.csv:2:17: text after a closing quote"
refused "import leads" "$bad/leads_extra_column.csv" "leads_extra_column.csv:3: expected 3 columns, found 4"
refused "import stages" "$bad/stages_unbalanced.csv" "stages_unbalanced.csv:3: unbalanced quote"
refused "import stages" "$bad/stages_missing_column.csv" "stages_missing_column.csv:3: expected 3 columns, found 2"
refused "import stages" "$bad/stages_unknown_stage.csv" "stages_unknown_stage.csv:3: unknown stage 'closed' \(valid: subscriber"

# ---- numbers and dates ------------------------------------------------------
refused "import leads" "$bad/leads_huge_number.csv" "leads_huge_number.csv:2: account.employees: '1e400' is not a number"
refused "import leads" "$bad/leads_long_number.csv" "leads_long_number.csv:2: account.revenue: '9{64}' is not a number"
refused "import leads" "$bad/leads_huge_number.ndjson" "leads_huge_number.ndjson:1: account.employees: 'inf' is not a number"
refused "import events" "$bad/events_huge_number.ndjson" "events_huge_number.ndjson:1: attribute seconds is not a finite number"
refused "import leads" "$bad/leads_date_before_1900.csv" "leads_date_before_1900.csv:2: created_at: '1899-12-31T23:59:59Z': year out of range 1900-9999"
refused "import leads" "$bad/leads_date_before_1900.ndjson" "leads_date_before_1900.ndjson:1: created_at: '0001-01-01T00:00:00Z': year out of range 1900-9999"
refused "import leads" "$bad/leads_date_after_9999.csv" "leads_date_after_9999.csv:2: created_at: '10000-01-01' is not an ISO 8601 time"
refused "import leads" "$bad/leads_date_feb30.csv" "leads_date_feb30.csv:2: created_at: '2026-02-30' is not an ISO 8601 time"
refused "import leads" "$bad/leads_date_future.csv" "leads_date_future.csv:2: created_at is later than now"
refused "import events" "$bad/events_date_before_1900.ndjson" "events_date_before_1900.ndjson:1: at: '1899-12-31T23:59:59Z': year out of range 1900-9999"
refused "import events" "$bad/events_date_month_13.ndjson" "events_date_month_13.ndjson:1: at: '2026-13-01T00:00:00Z' is not an ISO 8601 time"
refused "import stages" "$bad/stages_date_before_1900.csv" "stages_date_before_1900.csv:2: at: '1899-01-01': year out of range 1900-9999"
refused "import stages" "$bad/stages_future.csv" "stages_future.csv:2: stage change time is later than now"

# ---- large and deep (generated) ---------------------------------------------
repeat() { head -c "$2" /dev/zero | tr '\0' "$1"; }   # CHAR COUNT
mb=1048576
{ echo "external_id,email,title"; printf 'X1,x1@ok.io,'; repeat x $((mb + 1)); echo; } >"$gen/leads_1mb_cell.csv"
refused "import leads" "$gen/leads_1mb_cell.csv" "leads_1mb_cell.csv:2: cell larger than 1048576 bytes"
{ echo "external_id,email,title"; printf 'X1,x1@ok.io,'; repeat x $mb; echo; } >"$gen/leads_1mb_title.csv"
refused "import leads" "$gen/leads_1mb_title.csv" "leads_1mb_title.csv:2: title: longer than 4096 bytes"
{ printf '{"external_id":"X1","title":"'; repeat x $mb; echo '"}'; } >"$gen/leads_1mb.ndjson"
refused "import leads" "$gen/leads_1mb.ndjson" "leads_1mb.ndjson:1: line is longer than 1048576 bytes"
{ printf '{"id":"b1","lead":"L1","type":"page_view","at":"2026-03-01T00:00:00Z","properties":{"x":"'
  repeat x $mb; echo '"}}'; } >"$gen/events_1mb.ndjson"
refused "import events" "$gen/events_1mb.ndjson" "events_1mb.ndjson:1: line is longer than 32768 bytes"
deep=100000
{ printf '{"external_id":"X1","attr":'; repeat '[' $deep; repeat ']' $deep; echo '}'; } >"$gen/leads_deep.ndjson"
refused "import leads" "$gen/leads_deep.ndjson" "leads_deep.ndjson:1: invalid JSON at column"
{ printf '{"external_id":"X1","attr":{"a":'; for _ in $(seq 10); do printf '{"a":'; done
  printf 1; repeat '}' 12; echo; } >"$gen/leads_deep10.ndjson"
refused "import leads" "$gen/leads_deep10.ndjson" "leads_deep10.ndjson:1: lead is nested deeper than 8 levels"
{ printf '{"id":"b1","lead":"L1","type":"page_view","at":"2026-03-01T00:00:00Z","properties":'
  for _ in $(seq 20); do printf '{"a":'; done; printf 1; repeat '}' 21; echo; } >"$gen/events_deep20.ndjson"
refused "import events" "$gen/events_deep20.ndjson" "events_deep20.ndjson:1: event is nested deeper than 16 levels"

# ---- models -------------------------------------------------------------------
# refused_model FILE REGEX: model check and model apply both refuse it.
refused_model() {
	local name
	name=$(basename "$1")
	lq model check "$1"
	check_rc 2 "model check $name exits 2"
	check_err "$2" "$name: $2"
	refused "model apply" "$1" "$2"
}
refused_model "$bad/model_alias_cycle.yaml" "model_alias_cycle.yaml:4:9: aliases \(\*name\) are not supported"
refused_model "$bad/model_billion_laughs.yaml" "model_billion_laughs.yaml:4:7: aliases \(\*name\) are not supported"
refused_model "$bad/model_merge_key.yaml" "model_merge_key.yaml:3:7: aliases \(\*name\) are not supported"
refused_model "$bad/model_negative_durations.yaml" "model_negative_durations.yaml:4:14: negative duration '-30d' for engagement half_life"
check_err "model_negative_durations.yaml:9:16: negative duration '-7d' for expires" "and the negative expires"
check_err "model_negative_durations.yaml:11:12: negative duration '-24h' for stages.sal_sla" "and the negative sal_sla"
refused_model "$bad/model_negative_duration_expr.yaml" "model_negative_duration_expr.yaml:7:30: negative duration '-30s'"
refused_model "$bad/model_huge_numbers.yaml" "model_huge_numbers.yaml:6:13: points in fit rule 'big' must be an integer, got '9{23}'"
check_err "model_huge_numbers.yaml:8:31: number '1e400' is out of range" "a number literal that overflows is refused"
check_err "model_huge_numbers.yaml:10:13: grade A must be an integer, got '1e308'" "so is a huge grade band"
refused_model "$bad/model_invalid_utf8.yaml" "model_invalid_utf8.yaml:2:11: yaml syntax error: invalid trailing UTF-8 octet"
refused_model "$bad/model_truncated_utf8.yaml" "model_truncated_utf8.yaml:2:12: yaml syntax error: incomplete UTF-8 octet sequence"
refused_model "$bad/model_nul.yaml" "model_nul.yaml:2:10: yaml syntax error: control characters are not allowed"
refused_model "$bad/model_nul_escape.yaml" "model_nul_escape.yaml:2:7: NUL character \(\\\\0\) in a value"
refused_model "$bad/model_truncated.yaml" "model_truncated.yaml:7:1: yaml syntax error: did not find expected ',' or ']'"

{ printf 'version: 1\nname: deep\nlists:\n  l: '; repeat '[' $deep; repeat ']' $deep; echo; } >"$gen/model_deep.yaml"
start=$SECONDS
refused_model "$gen/model_deep.yaml" "model_deep.yaml:4:68: model is nested deeper than 64 levels"
[ $((SECONDS - start)) -lt 10 ] && ok "and refuses 100,000 levels quickly (libyaml alone takes minutes)" ||
	not_ok "100,000 levels refused quickly" "took $((SECONDS - start)) s"
{ echo "version: 1"; echo "name: big"; repeat '#' $((4 * mb)); echo; } >"$gen/model_5mb.yaml"
refused_model "$gen/model_5mb.yaml" "model_5mb.yaml: model file (too large|is larger than).*4 MB"
{ printf 'version: 1\nname: long\nfit:\n  - rule: r\n    when: title == "'; repeat x $mb; printf '"\n    points: 1\n'; } >"$gen/model_1mb_expr.yaml"
refused_model "$gen/model_1mb_expr.yaml" "model_1mb_expr.yaml:5:11: expression too long \(4096 bytes at most\)"

# The limit is 10,000 rules per section: 10,000 are accepted, 10,001 not.
rules() { # N FILE
	{ printf 'version: 1\nname: many rules\nfit:\n'
	  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "  - rule: r%d\n    when: account.employees > %d\n    points: 1\n", i, i }'; } >"$2"
}
rules 10001 "$gen/model_10001_rules.yaml"
refused_model "$gen/model_10001_rules.yaml" "model_10001_rules.yaml:4:3: too many fit rules \(10000 at most\)"

# ---- the HTTP API -------------------------------------------------------------
key() { "$LEADQ" key create --role "$1" --name "$1 bad corpus" 2>/dev/null | tail -n 1; }
marketing=$(key marketing); sales=$(key sales); ingest=$(key ingest)
before=$(db_hash)   # the keys are in now
rm -f "$work/port"
"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/port" --quiet 2>"$work/serve.err" &
pids="$pids $!"
for _ in $(seq 250); do [ -f "$work/port" ] && break; sleep 0.02; done
url="http://127.0.0.1:$(cat "$work/port" 2>/dev/null)"

# http_refused METHOD PATH KEY FILE CONTENT-TYPE STATUS REGEX
http_refused() {
	local status body name
	name="$1 $2 $(basename "$4")"
	status=$(curl -s -o "$work/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		-H "Content-Type: $5" --data-binary "@$4" "$url$2")
	body=$(cat "$work/body")
	check_eq "$status" "$6" "$name: $6"
	if grep -Eq -- "$7" <<<"$body"; then ok "$name: says $7"; else
		not_ok "$name: says $7" "body: ${body:0:400}"; fi
	unchanged "$name"
}
y=text/yaml j=application/json
http_refused PUT /api/model "$marketing" "$bad/model_alias_cycle.yaml" $y 422 '"line":4,"col":9,"message":"aliases'
http_refused PUT /api/model "$marketing" "$bad/model_invalid_utf8.yaml" $y 422 'invalid trailing UTF-8 octet'
http_refused PUT /api/model "$marketing" "$bad/model_nul_escape.yaml" $y 422 'NUL character'
http_refused PUT /api/model "$marketing" "$bad/model_negative_durations.yaml" $y 422 '"problems":\[.*negative duration.*negative duration.*negative duration'
http_refused PUT /api/model "$marketing" "$gen/model_deep.yaml" $y 422 'nested deeper than 64 levels'
http_refused PUT /api/model "$marketing" "$gen/model_10001_rules.yaml" $y 422 'too many fit rules \(10000 at most\)'
http_refused PUT /api/model "$marketing" "$gen/model_5mb.yaml" $y 413 '"code":"too_large"'

t() { printf '%s' "$2" >"$gen/$1"; }   # NAME BODY: a request body file
t track_utf8.json $'{"userId":"L1","event":"Demo \xff Requested"}'
t track_nul.json '{"userId":"L1\u0000x","event":"Demo Requested"}'
t track_truncated.json '{"userId":"L1","event":"Demo Req'
t track_date.json '{"userId":"L1","event":"x","timestamp":"1899-12-31T00:00:00Z"}'
t track_skew.json '{"userId":"L1","event":"x","originalTimestamp":"2026-03-09T10:00:00Z","sentAt":"4052-03-09T10:00:00Z"}'
t track_number.json '{"userId":"L1","event":"x","properties":{"n":1e999}}'
{ printf '{"userId":"L1","event":"x","properties":'; for _ in $(seq 20); do printf '{"a":'; done
  printf 1; repeat '}' 21; } >"$gen/track_deep.json"
{ printf '{"userId":"L1","event":"x","properties":'; repeat "[" 10000; repeat "]" 10000; printf "}"; } >"$gen/track_deeper.json"
{ printf '{"userId":"L1","event":"x","properties":{"x":"'; repeat x $mb; printf '"}}'; } >"$gen/track_1mb.json"
http_refused POST /v1/track "$ingest" "$gen/track_utf8.json" $j 400 'invalid UTF-8 at column 30'
http_refused POST /v1/track "$ingest" "$gen/track_nul.json" $j 400 'NUL byte at column 14'
http_refused POST /v1/track "$ingest" "$gen/track_truncated.json" $j 400 'invalid JSON at column'
http_refused POST /v1/track "$ingest" "$gen/track_date.json" $j 400 "timestamp: '1899-12-31T00:00:00Z': year out of range 1900-9999"
http_refused POST /v1/track "$ingest" "$gen/track_skew.json" $j 400 'originalTimestamp falls outside the years 1900-9999'
http_refused POST /v1/track "$ingest" "$gen/track_number.json" $j 400 'not a finite number'
http_refused POST /v1/track "$ingest" "$gen/track_deep.json" $j 400 'nested deeper than 16 levels'
http_refused POST /v1/track "$ingest" "$gen/track_deeper.json" $j 400 'invalid JSON at column'
http_refused POST /v1/track "$ingest" "$gen/track_1mb.json" $j 413 '"code":"too_large"'
t batch_item.json '{"batch":[{"type":"track","userId":"L1","event":"ok","timestamp":"2026-03-09T00:00:00Z"},{"type":"track","userId":"L1","event":"bad","timestamp":"2026-02-30"}]}'
t batch_utf8.json $'{"batch":[{"type":"identify","userId":"L1","traits":{"title":"caf\xc3"}}]}'
{ printf '{"batch":['; for i in $(seq 20); do printf '{"type":"track","userId":"L1","event":"e","properties":{"x":"'; repeat x 30000; printf '"}},'; done
  printf '{"type":"track","userId":"L1","event":"e"}]}'; } >"$gen/batch_600k.json"
http_refused POST /v1/batch "$ingest" "$gen/batch_item.json" $j 400 "batch\[1\]: timestamp: '2026-02-30' is not an ISO 8601 time"
http_refused POST /v1/batch "$ingest" "$gen/batch_utf8.json" $j 400 'invalid UTF-8 at column'
http_refused POST /v1/batch "$ingest" "$gen/batch_600k.json" $j 413 '"code":"too_large"'
http_refused POST /api/leads "$sales" "$bad/leads_invalid_utf8.ndjson" $j 400 'invalid UTF-8 at column 57'
http_refused POST /api/leads "$sales" "$bad/leads_nul_escape.ndjson" $j 400 'NUL byte at column 38'
http_refused POST /api/leads "$sales" "$bad/leads_date_before_1900.ndjson" $j 400 'year out of range 1900-9999'
http_refused POST /api/leads "$sales" "$bad/leads_huge_number.ndjson" $j 400 "account.employees: 'inf' is not a number"
http_refused POST /api/leads "$sales" "$gen/leads_deep10.ndjson" $j 400 'lead is nested deeper than 8 levels'
http_refused POST /api/leads "$sales" "$gen/leads_1mb.ndjson" $j 413 '"code":"too_large"'
status=$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")
check_eq "$status" 200 "the server is still answering after the bad requests"

# ---- the accepted side of the rule limit ------------------------------------
rules 10000 "$gen/model_10000_rules.yaml"
lq model check "$gen/model_10000_rules.yaml"
check_rc 0 "a model with 10,000 fit rules (the limit) is accepted"
check_out "fit: +10000 rules" "and counted"
lq model apply "$gen/model_10000_rules.yaml"
check_rc 0 "and applied"
check_eq "$(sql "select count(*) from scores")" "$(sql "select count(*) from leads")" "every lead is rescored under it"

done_testing
