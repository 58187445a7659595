# t_webhooks.sh - alerts through outbound webhooks against a real local
# receiver (tests/tools/hook_receiver on 127.0.0.1): signatures verify,
# failures are retried with backoff until they succeed exactly once, a
# receiver that never succeeds ends dead, SLA alerts are raised once, and
# a deliverer killed mid-pass loses nothing (at least once, same ids).
source "$(dirname "$0")/lib.sh"
receiver="$(dirname "$LEADQ")/tests/tools/hook_receiver"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

start_receiver() { # NAME ARGS... ; sets port_NAME
	local name=$1
	shift
	"$receiver" --port 0 --port-file "$work/$name.port" --log "$work/$name.log" "$@" 2>>"$work/receivers.err" &
	pids="$pids $!"
	for _ in $(seq 100); do [ -f "$work/$name.port" ] && break; sleep 0.05; done
	eval "port_$name=$(cat "$work/$name.port")"
}
log_count() { # FILE PATTERN
	grep -c -- "$2" "$1" 2>/dev/null || true
}

start_receiver a --secret s3cret-key-a --fail 2
start_receiver b --secret s3cret-key-b --always-fail
start_receiver slow --secret s3cret-key-s --delay-ms 250

lq init
lq model apply "$data/model_lifecycle.yaml"
lq webhook add "http://127.0.0.1:$port_a/hooks/sales" --secret s3cret-key-a --events mql,stage_changed
check_rc 0 "webhook add"
check_out "webhook 1 added" "prints the webhook id"
lq webhook add "ftp://127.0.0.1/x" --secret s3cret-key-a
check_rc 2 "a non-http webhook url is refused"
lq webhook add "http://127.0.0.1:$port_a/" --secret short
check_rc 2 "a short secret is refused"
check_err "secret must be 8 to 256 bytes" "saying why"

lq import leads "$data/leads.csv"
lq import events "$data/events.ndjson"
check_eq "$(sql "select count(*) from outbox where status='pending'")" "5" "changes wrote outbox rows in their transaction: spy disqualified, ana and cy (stage_changed + mql)"

lq deliver
check_rc 0 "deliver"
check_out "delivered 3 of 5 attempted, 2 to retry, 0 dead" "the receiver failed twice: two rows to retry"
lq outbox pending
check_eq "$(grep -c 'HTTP 500' <<<"$out")" "2" "the retries are visible with their error"
lq deliver
check_out "delivered 0 of 0 attempted" "nothing is due again before the backoff"
lq --now 2026-03-10T02:00:00Z deliver
check_out "delivered 2 of 2 attempted, 0 to retry" "after the backoff both succeed"
check_eq "$(sql "select count(*) from outbox where status='delivered'")" "5" "every row delivered"

check_eq "$(log_count "$work/a.log" '"signature":"ok"')" "7" "every request (5 + 2 retries) carries a valid signature"
ok_ids=$(grep '"status":200' "$work/a.log" | grep -o '"delivery_id":"[^"]*"' | sort | uniq -c | awk '$1 != 1' | wc -l)
check_eq "$ok_ids" "0" "each delivery id succeeded exactly once"
check_eq "$(grep '"status":200' "$work/a.log" | grep -o '"delivery_id":"[^"]*"' | cut -d'"' -f4 | sort | tr '\n' ' ')" \
	"$(sql "select delivery_id from outbox order by delivery_id" | tr '\n' ' ')" "the ids received are the outbox's ids"
retried=$(grep '"status":500' "$work/a.log" | grep -o '"delivery_id":"[^"]*"' | sort)
check_eq "$(grep -c . <<<"$retried")" "2" "two deliveries failed first"
check_eq "$(grep -F "$retried" "$work/a.log" | grep -c '"status":200')" "2" "and were retried with the same delivery id"
grep -q '"event":"mql"' "$work/a.log" && grep '"event":"mql"' "$work/a.log" | grep -q 'ana@acme.io' \
	&& ok "an mql alert names the lead" || not_ok "an mql alert names the lead"

lq webhook add "http://127.0.0.1:$port_b/" --secret s3cret-key-b --events stage_changed
lq accept ana@acme.io
lq deliver --max-attempts 2
check_out "delivered 1 of 2 attempted, 1 to retry" "receiver a takes the accept, b fails"
lq --now 2026-03-10T02:00:00Z deliver --max-attempts 2
check_out "1 dead" "b fails again: the row is dead after 2 attempts"
lq outbox dead
check_rc 0 "outbox dead"
check_out "stage_changed .* dead .* 2 .*HTTP 500" "lists the dead row with its error"
dead_id=$(sql "select id from outbox where status='dead'")
lq outbox retry "$dead_id"
check_out "is due again" "outbox retry"
check_eq "$(sql "select status || ',' || attempts from outbox where id=$dead_id")" "pending,0" "the dead row is pending again"
lq outbox retry 9999
check_rc 2 "retrying an unknown row is a user error"

lq webhook add "http://127.0.0.1:$port_a/" --secret s3cret-key-a --events sla_overdue
lq --now 2026-03-10T13:00:00Z deliver --max-attempts 2
check_out "1 sla alerts raised" "cy waited past her SLA: one sla_overdue alert"
lq --now 2026-03-10T14:00:00Z deliver --max-attempts 2
check_out "0 sla alerts raised" "raised once per MQL entry"
check_eq "$(log_count "$work/a.log" '"event":"sla_overdue"')" "1" "the receiver got it once"

lq webhook remove 1
lq webhook remove 2
lq webhook remove 3
lq webhook list
check_eq "$(wc -l <<<"$out")" "1" "webhooks removed"
lq webhook add "http://127.0.0.1:$port_slow/" --secret s3cret-key-s --events stage_changed
slow_id=$(grep -o '[0-9]*' <<<"$out")
lq import leads "$data/leads_hot.csv"
echo > "$work/hot.ndjson"
for i in 1 2 3 4 5 6; do
	echo "{\"id\":\"hot$i\",\"lead\":\"h$i@hot.io\",\"type\":\"demo_request\",\"at\":\"2026-03-09T00:00:00Z\"}" >> "$work/hot.ndjson"
done
lq import events "$work/hot.ndjson"
check_out "6 automatic stage changes" "six hand-raisers became MQLs"
"$LEADQ" deliver >/dev/null 2>&1 &
dpid=$!
for _ in $(seq 200); do [ "$(log_count "$work/slow.log" '"n"')" -ge 2 ] && break; sleep 0.02; done
{ kill -9 "$dpid"; wait "$dpid"; } 2>/dev/null
partial=$(sql "select count(*) from outbox where webhook_id=$slow_id and status='delivered'")
[ "$partial" -lt 6 ] && ok "the deliverer was killed mid-pass ($partial of 6 recorded)" || not_ok "killed mid-pass" "$partial"
lq deliver
check_rc 0 "a new pass after the kill"
check_eq "$(sql "select count(*) from outbox where webhook_id=$slow_id and status='delivered'")" "6" "every pending row is delivered"
check_eq "$(grep '"status":200' "$work/slow.log" | grep -o '"delivery_id":"[^"]*"' | cut -d'"' -f4 | sort -u | tr '\n' ' ')" \
	"$(sql "select delivery_id from outbox where webhook_id=$slow_id order by delivery_id" | tr '\n' ' ')" \
	"the receiver saw every delivery id (at least once, same ids)"

# leadq serve delivers by itself (every --deliver-every).
lq webhook add "http://127.0.0.1:$port_a/served" --secret s3cret-key-a --events stage_changed
"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/serve.port" --quiet --deliver-every 1s \
	2>"$work/serve.err" &
serve_pid=$!
pids="$pids $serve_pid"
for _ in $(seq 200); do [ -f "$work/serve.port" ] && break; sleep 0.02; done
lq reject cy@bigcorp.com --reason "served delivery"
for _ in $(seq 150); do grep -q '"path":"/served"' "$work/a.log" && break; sleep 0.02; done
grep '"path":"/served"' "$work/a.log" | grep -q '"signature":"ok"' \
	&& ok "the server's delivery thread posts new alerts within a pass" \
	|| not_ok "the server delivers" "$(tail -2 "$work/a.log")"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null

# The SLA sweep finds overdue MQLs from indexes, a batch at a time: 2,500
# of them (more than one batch) are each alerted once, then none again.
export LEADQ_DB="$work/many.db"
lq init
lq model apply "$data/model_lifecycle.yaml"
{ echo "email,created_at"
  for i in $(seq 1 2500); do echo "p$i@acme$((i % 7)).io,2026-02-01T00:00:00Z"; done
} >"$work/many.csv"
lq import leads "$work/many.csv" --stage mql
lq --now 2026-02-01T23:00:00Z deliver
check_out "0 sla alerts raised" "no MQL is overdue before its SLA (24h)"
lq --now 2026-02-02T01:00:00Z deliver
check_out "2500 sla alerts raised" "2,500 overdue MQLs alerted, over several batches"
lq --now 2026-02-03T00:00:00Z deliver
check_out "0 sla alerts raised" "and none of them twice"
check_eq "$(sql "select count(distinct lead_id) from alerts where kind='sla_overdue'")" "2500" "one alert row per MQL"

done_testing
