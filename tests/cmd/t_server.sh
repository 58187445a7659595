# t_server.sh - `leadq serve` through real HTTP (curl against a server on a
# free loopback port): every route, roles (401/403), errors as JSON, the
# tracking API (Basic auth with the write key, messageId de-duplication,
# anonymous visitors stitched on identify, limits), rate limiting, model
# replacement, erasure, metrics, and a shutdown that loses no acknowledged
# event.
source "$(dirname "$0")/lib.sh"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

start_server() { # NAME ARGS...; sets url_NAME and pid_NAME
	local name=$1
	shift
	rm -f "$work/$name.port"
	"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/$name.port" \
		--access-log "$work/$name.log" "$@" 2>"$work/$name.err" &
	local pid=$!
	pids="$pids $pid"
	eval "pid_$name=$pid"
	for _ in $(seq 200); do [ -f "$work/$name.port" ] && break; sleep 0.02; done
	eval "url_$name=http://127.0.0.1:$(cat "$work/$name.port")"
}

# call METHOD PATH KEY [BODY] [CURL ARGS...]: $status and $body
call() {
	local method=$1 path=$2 key=$3 data=${4:-}
	shift 4 2>/dev/null || shift $#
	local auth=()
	[ -n "$key" ] && auth=(-H "Authorization: Bearer $key")
	status=$(curl -s -o "$work/body" -w '%{http_code}' -X "$method" "${auth[@]}" \
		-H 'Content-Type: application/json' ${data:+--data-binary "$data"} "$@" "$url$path")
	body=$(cat "$work/body")
}
check_status() { # EXPECTED DESCRIPTION
	if [ "$status" = "$1" ]; then ok "$2"; else not_ok "$2" "status $status, expected $1" "body: ${body:0:300}"; fi
}
check_body() { # REGEX DESCRIPTION
	if grep -Eq -- "$1" <<<"$body"; then ok "$2"; else not_ok "$2" "body does not match /$1/" "body: ${body:0:500}"; fi
}
key() { "$LEADQ" key create --role "$1" --name "$1 test" 2>/dev/null | tail -n 1; }

lq init
lq model apply "$data/model_lifecycle.yaml"
lq import leads "$data/leads.csv"
lq import events "$data/events.ndjson"
admin=$(key admin); sales=$(key sales); marketing=$(key marketing); ingest=$(key ingest)
[[ "$admin" == lq_* ]] && ok "keys created for every role" || not_ok "keys created" "$admin"

start_server main
url=$url_main
call GET /healthz "" ""
check_status 200 "healthz needs no key"
check_body '"status":"ok","schema":[0-9]+,"model_version":1' "and reports the schema and model"

# ---- authentication and roles -------------------------------------------
call GET /api/leads "" ""
check_status 401 "no key: 401"
check_body '^\{"error":\{"code":"unauthorized","message":"an api key is required' "errors are JSON with a code and a message"
call GET /api/leads "lq_000000000000_$(printf 'x%.0s' $(seq 43))" ""
check_status 401 "an unknown key: 401"
call GET /api/leads "$ingest" ""
check_status 403 "an ingest key may not read leads"
check_body '"code":"forbidden"' "403 says forbidden"
call GET /api/model "$sales" ""
check_status 403 "a sales key may not read the model"
call POST /api/leads/ana@acme.io/accept "$marketing" '{}'
check_status 403 "a marketing key may not act on the lifecycle"
call POST /v1/track "$sales" '{"userId":"u1","event":"x"}'
check_status 403 "a sales key may not send events"
call GET /metrics "$sales" ""
check_status 403 "metrics are for admins"
for k in "$sales" "$marketing" "$admin"; do
	call GET /api/leads "$k" ""
	[ "$status" = 200 ] || break
done
check_status 200 "sales, marketing and admin read leads"

# ---- leads ---------------------------------------------------------------
call GET "/api/leads?stage=mql&sort=score" "$sales" ""
check_status 200 "list with filters"
check_body '"total":2' "two MQLs"
call GET "/api/leads?stage=nope" "$sales" ""
check_status 400 "a bad filter is 400"
check_body '"field":"stage"' "naming the field"
call GET /api/leads/ana@acme.io "$sales" ""
check_status 200 "get one lead"
check_body '"explanation":\{"at":"2026-03-10T00:00:00Z","fit":50,"channel":10,"engagement":40,"score":100,"grade":"A"' "with its explanation, as the CLI shows it"
check_body '"history":\[' "and its history"
check_body '"sql_requires":\["budget","authority","need","timing"\],"sqo_requires":\["buy_cycle"' "and the model's checklists"
call GET /api/leads/nobody@nowhere.io "$sales" ""
check_status 404 "an unknown lead is 404"
check_body '"code":"not_found","message":"no lead' "with the CLI's message"

# ---- lifecycle -------------------------------------------------------------
call POST /api/leads/ana@acme.io/accept "$sales" '{"owner":"dana","actor":"sam"}'
check_status 200 "accept"
check_body '"stage":"sal"' "the lead is now SAL"
call POST /api/leads/ana@acme.io/accept "$sales" '{}'
check_status 409 "accepting twice is a conflict"
check_body 'cannot move from sal to sal \(allowed next stages from sal: sql, lost, nurture, disqualified\)' "with the same message as the CLI"
call POST /api/leads/ana@acme.io/qualify "$sales" '{"budget":"yes","authority":"no"}'
check_status 200 "partial BANT"
check_body '"result":\{"moved":false,"stage":"sal","missing":"authority is no, need, timing"\}' "says what is missing"
call POST /api/leads/ana@acme.io/qualify "$sales" '{"authority":"yes","need":"yes","timing":"yes"}'
check_body '"moved":true,"stage":"sql"' "complete BANT makes an SQL"
call POST /api/leads/cy@bigcorp.com/reject "$sales" '{}'
check_status 400 "reject without a reason is 400"
call POST /api/leads/cy@bigcorp.com/notes "$sales" '{"text":"call in Q3"}'
check_status 200 "note"
call POST /api/leads/cy@bigcorp.com/tasks "$sales" '{"due":"2026-03-09T12:00:00Z","text":"send deck"}'
check_status 200 "task"
call GET "/api/tasks?overdue=1" "$sales" ""
check_body '"tasks":\[\{"id":1,"lead_id":3,"owner":"anna","due":"2026-03-09T12:00:00Z","overdue":true' "overdue tasks"
call POST /api/tasks/1/done "$sales" '{}'
check_status 200 "task done"
call POST /api/leads/cy@bigcorp.com/frobnicate "$sales" '{}'
check_status 404 "an unknown action is 404"
call GET /api/queue "$sales" ""
check_body '"total":1' "the queue holds the one MQL left"
call GET "/api/queue?grade=A" "$sales" ""
check_body '^\{"total":0,"leads":\[\]\}$' "the queue filters by grade"
call GET "/api/queue?grade=c&source=organic_search&offset=1" "$sales" ""
check_body '^\{"total":1,"leads":\[\]\}$' "by source, and pages with offset (total counts every match)"
call GET "/api/queue?grade=Z" "$sales" ""
check_status 400 "a bad grade is 400"
call GET /api/sla "$sales" ""
check_body '"overdue":\{"total":0' "nothing overdue at now"
call GET /api/accounts "$sales" ""
check_body '"domain":"acme.io"' "accounts"

# ---- the model ---------------------------------------------------------------
call GET /api/model "$marketing" ""
check_status 200 "marketing reads the model"
check_body '"version":1,"name":"ICP lifecycle test"' "version and name"
status=$(curl -s -o "$work/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $marketing" \
	-H 'Content-Type: text/yaml' --data-binary @"$data/bad/model.yaml" "$url/api/model"); body=$(cat "$work/body")
check_status 422 "a broken model is 422"
check_body '"problems":\[\{"line":5,"col":29,"message":"type mismatch' "every problem with its line and column"
sql "update leads set rank_engagement = -1 where stage = 'mql'"   # the rescore ranks anew
status=$(curl -s -o "$work/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $marketing" \
	-H 'Content-Type: text/yaml' --data-binary @"$data/model_lifecycle.yaml" "$url/api/model"); body=$(cat "$work/body")
check_status 200 "a good model is applied"
check_body '"version":2,"leads_rescored":6' "as version 2, every lead rescored"
# the rescore set the queue's per-score triggers aside: back, every MQL ranked
check_eq "$(sql "select count(*) from sqlite_schema where type = 'trigger' and name like 'scores_rank_%'")" \
	"3" "the queue's triggers are back after the rescore"
check_eq "$(sql "select count(*) from leads l left join scores s on s.lead_id = l.id
	where l.stage = 'mql' and (l.rank_grade is not coalesce(s.grade, '')
	or l.rank_engagement is not s.engagement or l.rank_at is not s.scored_at)")" \
	"0" "every MQL ranked by its new score"
check_eq "$(sql "select count(*) > 0 from leads where stage = 'mql'")" "1" "(there are MQLs)"
call GET /healthz "" ""
check_body '"model_version":2' "readers see the new model"

call GET /api/model/versions "$marketing" ""
check_body '^\{"versions":\[\{"version":2,"name":"ICP lifecycle test","applied_at":"2026-03-10T00:00:00Z"\},\{"version":1' "model versions, newest first"
status=$(curl -s -o "$work/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $marketing" \
	-H 'Content-Type: text/yaml' --data-binary @"$data/bad/model.yaml" "$url/api/model/check"); body=$(cat "$work/body")
check_status 422 "model check over HTTP finds the problems"
check_body '"line":17,"col":14' "down to the bad duration"
call POST /api/model/check "$marketing" '{"text":"version: 1\nname: tiny\n"}'
check_status 200 "a valid model checks out (JSON body)"
check_body '"valid":true,"name":"tiny"' "and says so"
check_eq "$(sql 'select count(*) from models')" "2" "checking applies nothing"
status=$(curl -s -o "$work/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $marketing" \
	-H 'Content-Type: text/yaml' --data-binary @"$data/model.yaml" "$url/api/backtest"); body=$(cat "$work/body")
check_status 200 "backtest an uploaded model against the current one"
check_body '"models":\[\{"label":"base","file":"uploaded model","name":"ICP test"' "the upload first"
check_body '\{"label":"vs","file":"@current","name":"ICP lifecycle test"' "the current model beside it"
call POST /api/backtest "$sales" 'version: 1'
check_status 403 "sales may not backtest models"
call GET "/api/funnel?by=source" "$sales" ""
check_status 200 "funnel"
check_body '"cohort":"mql"' "as leadq funnel --format json"
call GET "/api/funnel?by=nonsense" "$sales" ""
check_status 400 "a bad funnel grouping is 400"
call GET /api/me "$sales" ""
check_body '^\{"role":"sales","key_id":[0-9]+\}$' "/api/me names the role"

# ---- create, update, erase ------------------------------------------------------
call POST /api/leads "$sales" '{"email":"new.person@widgets.io","first_name":"New","title":"VP Sales","seniority":"vp"}'
check_status 200 "create a lead"
new_id=$(grep -o '[0-9]*' <<<"$body")
call POST /api/leads "$sales" '{"email":"not-an-email"}'
check_status 400 "a bad lead record is 400"
check_body '"field":"email"' "naming the field"
call DELETE "/api/leads/new.person@widgets.io" "$sales" ""
check_status 403 "only admins erase"
call DELETE "/api/leads/new.person@widgets.io" "$admin" ""
check_status 200 "erase"
call GET "/api/leads/$new_id" "$admin" ""
check_body '"email":null,"email_domain":null,"first_name":null' "the personal fields are gone"
check_eq "$(sql "select count(*) from leads where id=$new_id")" "1" "the anonymous row stays for the funnel"

# ---- tracking API ----------------------------------------------------------------
seg() { # PATH BODY [CURL ARGS]: Segment style, write key as Basic user
	local path=$1 data=$2
	shift 2
	status=$(curl -s -o "$work/body" -w '%{http_code}' -u "$ingest:" -H 'Content-Type: application/json' \
		--data-binary "$data" "$@" "$url$path")
	body=$(cat "$work/body")
	# an API read waits until the writer applied what was acknowledged
	curl -s -o /dev/null -u "$ingest:" "$url/api/me"
}
seg /v1/track '{"userId":"L1","event":"Content Download","messageId":"s1","timestamp":"2026-03-09T23:00:00Z"}'
check_status 200 "track with the write key as Basic user"
check_body '^\{"success":true\}$' "answers success"
seg /v1/track '{"userId":"L1","event":"Content Download","messageId":"s1","timestamp":"2026-03-09T23:00:00Z"}'
check_status 200 "the same messageId again"
check_eq "$(sql "select count(*) from events where msg_id='s1'")" "1" "counts once"
check_eq "$(sql "select type from events where msg_id='s1'")" "content_download" "event names are normalised to types"
seg /v1/page '{"anonymousId":"anon-7","properties":{"url":"https://x.io/pricing"},"messageId":"p1","timestamp":"2026-03-09T20:00:00Z"}'
check_status 200 "an anonymous page view"
check_eq "$(sql "select count(*) from anon_events where anonymous_id='anon-7'")" "1" "is kept until the visitor identifies"
seg /v1/identify '{"userId":"crm-77","anonymousId":"anon-7","traits":{"email":"vera@acme.io","firstName":"Vera","title":"Director","seniority":"director"}}'
check_status 200 "identify"
check_eq "$(sql "select count(*) from anon_events")" "0" "the visitor's events joined the lead"
call GET /api/leads/vera@acme.io "$sales" ""
check_body '"external_id":"crm-77"' "identify made the lead with its user id"
check_body '"type":"page_view","at":"2026-03-09T20:00:00Z"' "the earlier page view kept its original time"
check_body '"rule":"pricing page"' "and is scored"
seg /v1/page '{"anonymousId":"anon-7","properties":{"url":"https://x.io/pricing"},"messageId":"p1","timestamp":"2026-03-09T20:00:00Z"}'
check_status 200 "the anonymous page view delivered again, after identify"
check_eq "$(sql "select count(*) from events where msg_id='p1'")|$(sql "select count(*) from anon_events")" "1|0" \
	"counts once: the visitor is the lead now"
seg /v1/track '{"userId":"crm-77","event":"Content Download","messageId":"s1","timestamp":"2026-03-09T23:00:00Z"}'
check_eq "$(sql "select count(*) from events where msg_id='s1'")" "2" \
	"a messageId counts once per lead: another lead's s1 is stored"
seg /v1/batch '{"batch":[{"type":"track","userId":"crm-77","event":"Demo Request","messageId":"b1"},{"type":"page","userId":"crm-77","messageId":"b2","properties":{"url":"/docs"}}]}'
check_status 200 "batch"
check_eq "$(sql "select count(*) from events where msg_id in ('b1','b2')")" "2" "both batch items stored"
seg /v1/batch '{"batch":[{"type":"track","userId":"crm-77","event":"ok","messageId":"b3"},{"type":"track","userId":"crm-77"}]}'
check_status 400 "a batch with a bad item is refused"
check_body 'batch\[1\]: track requires event' "naming the item"
check_eq "$(sql "select count(*) from events where msg_id='b3'")" "0" "and nothing of it is applied"
seg /v1/track '{"event":"x"}'
check_status 400 "userId or anonymousId is required"
seg /v1/track '{"userId":"u1"}'
check_status 400 "track requires event"
big=$(head -c 40000 /dev/zero | tr '\0' 'a')
seg /v1/track "{\"userId\":\"u1\",\"event\":\"x\",\"properties\":{\"p\":\"$big\"}}"
check_status 413 "an event over 32 KB is 413"
check_body '"code":"too_large"' "with code too_large"
status=$(curl -s -o "$work/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "{\"writeKey\":\"$ingest\",\"userId\":\"L1\",\"event\":\"beacon\",\"messageId\":\"w1\"}" "$url/v1/track")
check_status 200 "writeKey in the body (sendBeacon)"

call GET /t.js "" ""
check_status 200 "the tracking snippet"

# The dashboard's files: the page is revalidated on every load and names
# its files under /ui/VERSION/, which a browser keeps for good (their URL
# changes with their content); the API is never stored.
hdr() { curl -s -D - -o "$work/body" "$url$1" | tr -d '\r'; }
hdr / | grep -qi '^cache-control: no-cache$' && ok "the page is revalidated on every load" \
	|| not_ok "the page is revalidated on every load" "$(hdr / | head -8)"
refs=$(grep -o '"/ui/[^"]*"' "$work/body" | tr -d '"')
vrefs=$(echo "$refs" | grep -cE '^/ui/v[0-9a-f]{12}/[a-z-]+\.(js|css)$')
check_eq "$vrefs" "$(echo "$refs" | wc -l)" "the page names its files under /ui/VERSION/ ($vrefs)"
bad=""
for r in $refs; do
	plain=/ui/${r##*/}
	hdr "$r" | grep -qi '^cache-control: public, max-age=31536000, immutable$' || bad="$bad $r(cache)"
	curl -s "$url$plain" | cmp -s - "$work/body" || bad="$bad $r(content)"
	hdr "$plain" | grep -qi '^cache-control: no-cache$' || bad="$bad $plain(cache)"
done
check_eq "$bad" "" "each is served immutable, the same bytes as its plain /ui/ path (revalidated)"
# a tab opened before an upgrade loads a page's module under its old
# version: the current file, revalidated, never cached for good
hdr /ui/v000000000000/lead.js | grep -qi '^cache-control: no-cache$' && curl -s "$url/ui/lead.js" | cmp -s - "$work/body" \
	&& ok "another build's /ui/VERSION/ path gets the current file, revalidated" \
	|| not_ok "another build's /ui/VERSION/ path gets the current file, revalidated" "$(hdr /ui/v000000000000/lead.js | head -3)"
call GET /ui/v000000000000/nosuch.js "" ""
check_status 404 "no such file under a version: 404"
call GET /ui/vXYZ/lead.js "" ""
check_status 404 "not a version: 404"
curl -s -D - -o /dev/null -H "Authorization: Bearer $sales" "$url/api/queue" | tr -d '\r' | grep -qi '^cache-control: no-store$' \
	&& ok "API answers are never stored" || not_ok "API answers are never stored"
call GET /metrics "$admin" ""
check_body 'leadq_events_ingested_total [1-9]' "metrics count ingested events"
check_body 'leadq_queue_depth [0-9]+' "queue depth"
check_body 'leadq_outbox_pending [0-9]+' "outbox pending"
grep -Eq 'method=GET path=/healthz status=200 bytes=[0-9]+ us=[0-9]+' "$work/main.log" && ok "one access log line per request" || not_ok "access log" "$(head -3 "$work/main.log")"
grep -q "$ingest" "$work/main.log" "$work/main.err" && not_ok "keys never appear in the logs" || ok "keys never appear in the logs"

# ---- rate limit ------------------------------------------------------------------
start_server limited --rate 1 --burst 2
url=$url_limited
call GET /api/leads "$sales" ""; call GET /api/leads "$sales" ""; call GET /api/leads "$sales" ""
check_status 429 "the third request in a burst of 2 is 429"
grep -qi '^retry-after: [0-9]' <(curl -s -D - -o /dev/null -H "Authorization: Bearer $sales" "$url/api/leads") \
	&& ok "with Retry-After" || not_ok "with Retry-After"
kill "$pid_limited"

# ---- shutdown under load loses nothing acknowledged ---------------------------
url=$url_main
(
	for i in $(seq 1 400); do
		code=$(curl -s -o /dev/null -w '%{http_code}' -u "$ingest:" -H 'Content-Type: application/json' \
			--data-binary "{\"userId\":\"L2\",\"event\":\"load\",\"messageId\":\"load-$i\"}" "$url/v1/track")
		[ "$code" = 200 ] && echo "load-$i" >> "$work/acked"
	done
) &
loader=$!
for _ in $(seq 200); do [ "$(cat "$work/acked" 2>/dev/null | wc -l)" -ge 40 ] && break; sleep 0.02; done
kill -TERM "$pid_main"
wait "$pid_main"
check_eq "$?" "0" "SIGTERM: the server exits 0"
wait "$loader" 2>/dev/null
grep -q "stopped cleanly" "$work/main.err" && ok "after finishing in-flight requests" || not_ok "stopped cleanly" "$(cat "$work/main.err")"
acked=$(wc -l < "$work/acked")
stored=$(sql "select count(*) from events where msg_id like 'load-%'")
missing=$(comm -23 <(sort "$work/acked") <(sql "select msg_id from events where msg_id like 'load-%'" | sort) | wc -l)
[ "$acked" -ge 40 ] && [ "$acked" -lt 400 ] && ok "shut down mid-load ($acked of 400 acknowledged)" || not_ok "mid-load" "acked $acked"
check_eq "$missing" "0" "every acknowledged event is stored"
check_eq "$(sql "select count(distinct msg_id) = count(*) from events where msg_id like 'load-%'")" "1" "exactly once"
[ "$stored" -ge "$acked" ] && ok "nothing acknowledged was lost ($stored stored)" || not_ok "stored >= acked" "$stored < $acked"
check_eq "$(sql 'pragma integrity_check')" "ok" "the database passes integrity_check"

done_testing
