# t_server_fold.sh - events the server stores are appended to the recent
# events and folded into the table clustered by lead in slices, between
# tracking passes (src/store/store_sqlite_fold.c, src/server/writer.c).
# The same generated history (6,000 leads, ~60,000 events with
# redeliveries) is imported by the CLI into one database and sent to a
# server through /v1/batch into another, with a low fold threshold so
# that several folds run while the events arrive: both databases must
# hold the same events, each once, and the same score for every lead; a
# rescore (`model apply`, from the stored events) must change none of
# them; the view `events` counts each event once at any time. A backlog
# found at start is applied in passes that double, and --cache-mb bounds
# the writer's page cache.
source "$(dirname "$0")/lib.sh"
export LEADQ_NOW=2026-03-01T00:00:00Z
bench="$here/../../bench"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

gen_data --accounts 400 --leads 6000 --events 60000

# scores DB: id, grade, fit, channel, engagement and score of every lead
scores() {
	"$LEADQ" --db "$1" leads --limit 0 --format csv |
		awk -F, 'NR > 1 { print $1, $8, $9, $10, $11, $12 }' | sort -n
}
# events DB: every event as lead, time, type, message id, properties
events_of() {
	sqlite3 "$1" "select lead_id, at, type, msg_id, props from events order by lead_id, at, msg_id"
}

# A: the CLI's import (events written straight into the clustered table)
export LEADQ_DB="$work/a.db"
lq init
lq model apply "$bench/model.yaml"
lq import leads "$work/data/leads.csv"
lq import events "$work/data/events.ndjson"
check_rc 0 "import the events with the CLI"

# B: the same events through the tracking API, 100 a request, in order
export LEADQ_DB="$work/b.db"
lq init
lq model apply "$bench/model.yaml"
lq import leads "$work/data/leads.csv"
admin=$("$LEADQ" key create --role admin --name fold 2>/dev/null | tail -n 1)
ingest=$("$LEADQ" key create --role ingest --name fold 2>/dev/null | tail -n 1)
start_server --fold-min-rows 2000
metric() { curl -s -H "Authorization: Bearer $admin" "$url/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }

sed -e 's/^{"id":\("[^"]*"\),"lead":\("[^"]*"\),"type":\("[^"]*"\),"at":\("[^"]*"\)/{"type":"track","messageId":\1,"userId":\2,"event":\3,"timestamp":\4/' \
	"$work/data/events.ndjson" >"$work/segment.ndjson"
split -l 100 -d -a 4 "$work/segment.ndjson" "$work/part."
sent=0 failed=0 views_ok=1 cache_default=0
# the writer's page cache, its largest while the events arrive (another
# connection's write empties it: SQLite's cache is per connection)
cache_peak() { local c; c=$(metric leadq_writer_cache_bytes); [ "${c:-0}" -gt "$1" ] && echo "$c" || echo "$1"; }
for part in "$work"/part.*; do
	body=$(paste -sd, "$part")
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ingest" \
		-H 'Content-Type: application/json' --data-binary "{\"batch\":[$body]}" "$url/v1/batch")
	[ "$code" = 200 ] && sent=$((sent + 1)) || failed=$((failed + 1))
	# now and then, while folds run: the view counts each event once
	if [ $((sent % 150)) = 0 ] && [ "$(sqlite3 "$LEADQ_DB" "select count(*) = count(distinct id) from events")" != 1 ]; then
		views_ok=0
	fi
	if [ $((sent % 50)) = 0 ]; then cache_default=$(cache_peak "$cache_default"); fi
done
check_eq "$failed" 0 "every batch acknowledged ($sent)"
for _ in $(seq 600); do
	[ "$(metric leadq_inbox_pending)" = 0 ] && [ "$(metric leadq_events_folding)" = 0 ] && break
	sleep 0.1
done
steps=$(metric leadq_fold_steps_total)
moved=$(metric leadq_events_folded_total)
[ "${steps:-0}" -ge 6 ] && ok "folds ran while the events arrived ($steps slices, $moved events moved)" ||
	not_ok "folds ran while the events arrived" "leadq_fold_steps_total ${steps:-none}"
check_eq "$views_ok" 1 "during the folds the view events counted each event once"
recent=$(sqlite3 "$LEADQ_DB" "select count(*) from events_recent")
main=$(sqlite3 "$LEADQ_DB" "select count(*) from events_main")
[ "$main" -gt 0 ] && [ "$recent" -lt "$main" ] && ok "most events folded ($main clustered, $recent recent)" ||
	not_ok "most events folded" "$main clustered, $recent recent"
check_eq "$(metric leadq_events_recent)" "$recent" "leadq_events_recent tells the recent rows"
check_eq "$moved" "$main" "leadq_events_folded_total counts the events moved"
cache_default=$(cache_peak "$cache_default")
kill "$spid"
wait "$spid" 2>/dev/null

events_of "$work/a.db" >"$work/a.events"
events_of "$work/b.db" >"$work/b.events"
if [ -s "$work/a.events" ] && cmp -s "$work/a.events" "$work/b.events"; then
	ok "the same events, each once ($(wc -l <"$work/a.events"))"
else
	not_ok "the same events, each once" "$(wc -l <"$work/a.events") vs $(wc -l <"$work/b.events"): $(diff "$work/a.events" "$work/b.events" | head -4)"
fi
check_eq "$(sqlite3 "$work/b.db" "select count(*) - count(distinct id) from events")" 0 "ids unique across both tables"
scores "$work/a.db" >"$work/a.scores"
scores "$work/b.db" >"$work/b.scores"
if cmp -s "$work/a.scores" "$work/b.scores"; then ok "the same score for every lead ($(wc -l <"$work/a.scores") leads)"
else not_ok "the same score for every lead" "$(diff "$work/a.scores" "$work/b.scores" | head -4)"; fi
lq model apply "$bench/model.yaml"
check_rc 0 "rescore the served database from its stored events"
scores "$work/b.db" >"$work/b2.scores"
if cmp -s "$work/b.scores" "$work/b2.scores"; then ok "a rescore (every event read back from both tables) changes no score"
else not_ok "a rescore changes no score" "$(diff "$work/b.scores" "$work/b2.scores" | head -4)"; fi
# A backlog found at start (requests acknowledged, then a crash): the
# writer's passes double while they leave requests behind, so the same
# 600 requests of 100 events again (redeliveries now) are applied in a
# handful of passes, not the ~30 of a fixed 2,048 events; once the inbox
# is empty the pass is back to 2,048.
for part in "$work"/part.*; do
	printf '{"batch":[%s]}' "$(paste -sd, "$part")" >"$part.json"
	echo "INSERT INTO inbox (kind, received_at, body) VALUES (6, 1772323200000, readfile('$part.json'));"
done >"$work/backlog.sql"
sqlite3 "$LEADQ_DB-inbox" <"$work/backlog.sql"
check_eq "$(sqlite3 "$LEADQ_DB-inbox" "select count(*) from inbox")" "$sent" "the backlog: $sent requests in the inbox (applied ones are deleted)"
before=$(sqlite3 "$LEADQ_DB" "select count(*) from events")
lq serve --cache-mb 0
check_rc 2 "serve --cache-mb 0 is refused"
check_err "cache-mb must be a whole number of MiB, 1 to 16384" "and says what it takes"
start_server --fold-min-rows 2000 --cache-mb 2
cache_small=0
for _ in $(seq 600); do
	cache_small=$(cache_peak "$cache_small")
	[ "$(metric leadq_inbox_pending)" = 0 ] && break
	sleep 0.1
done
check_eq "$(metric leadq_inbox_applied_total)" "$sent" "the backlog applied"
# the writer's page cache: the most the default let it hold, at most 2 MiB
# (and SQLite's per-page headers) at any time with --cache-mb 2
cache_small=$(cache_peak "$cache_small")
[ "${cache_default:-0}" -gt $((4 << 20)) ] && [ "${cache_small:-0}" -gt 0 ] &&
	[ "${cache_small:-0}" -le $((5 << 19)) ] && ok "--cache-mb bounds the writer's page cache ($cache_default bytes by default, $cache_small with 2 MiB)" ||
	not_ok "--cache-mb bounds the writer's page cache" "leadq_writer_cache_bytes ${cache_default:-none} by default, ${cache_small:-none} with --cache-mb 2"
passes=$(metric leadq_inbox_applies_total)
[ "${passes:-99}" -ge 4 ] && [ "${passes:-99}" -le 7 ] && ok "in passes that doubled ($passes passes for $sent requests)" ||
	not_ok "in passes that doubled" "leadq_inbox_applies_total ${passes:-none} (a fixed 2,048 events a pass takes 29 or more)"
check_eq "$(metric leadq_inbox_pass_size)" 2048 "the inbox empty, the next pass is 2,048 again"
check_eq "$(sqlite3 "$LEADQ_DB" "select count(*) from events")" "$before" "redeliveries stored nothing"
kill "$spid"
wait "$spid" 2>/dev/null
# a person forgotten loses events in both tables
lead=$(sqlite3 "$LEADQ_DB" "select lead_id from events_recent limit 1")
if [ -n "$lead" ]; then
	email=$(sqlite3 "$LEADQ_DB" "select email from leads where id = $lead")
	lq forget "$email"
	check_rc 0 "forget a lead with recent and clustered events"
	check_eq "$(sqlite3 "$LEADQ_DB" "select (select count(*) from events_main where lead_id = $lead) + (select count(*) from events_recent where lead_id = $lead)")" 0 \
		"forget erases a lead's events from both tables"
else
	not_ok "a lead with recent events to forget" "events_recent is empty"
fi

done_testing
