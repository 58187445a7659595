# t_diskfull.sh - a full disk and a failing one, on a real small file
# system (a 16 MB tmpfs mounted for the test; skipped, saying why, where
# mounting is not allowed). The database lives there, a filler file takes
# all but a few hundred KB, and then:
#   - `leadq import` that does not fit exits 1 naming the failure
#     ("database or disk is full"); the database is unchanged and passes
#     integrity_check; with space again the same import succeeds;
#   - `leadq serve` under load answers 500 (a generic JSON error; the
#     details in its log) once the disk is full, keeps serving reads and
#     /healthz, loses no acknowledged event (what the tracking inbox
#     acknowledged is applied once there is space), accepts events again
#     once space is freed, and stops cleanly;
#   - the file system remounted read-only (writes fail, EROFS): a write
#     command exits 1 naming the failure, nothing changes, and once
#     writable again writes work.
source "$(dirname "$0")/lib.sh"
loadgen="$(dirname "$LEADQ")/tests/tools/loadgen"
mnt="$work/mnt"
mounted=0
spid=""
cleanup() {
	[ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
	wait 2>/dev/null
	[ "$mounted" = 1 ] && umount "$mnt" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

skip_all() { echo "ok 1 # skip $1"; echo "1..1"; exit 0; }
[ "$(id -u)" = 0 ] || skip_all "mounting a small tmpfs needs root"
command -v mount >/dev/null || skip_all "no mount command"
mkdir -p "$mnt"
mount -t tmpfs -o size=16m,mode=0700 tmpfs "$mnt" 2>"$work/mount.err" ||
	skip_all "cannot mount a tmpfs here: $(head -c 200 "$work/mount.err")"
mounted=1
[ -x "$loadgen" ] || { echo "not ok 1 - tests/tools/loadgen is built next to leadq"; echo "1..1"; exit 1; }

export LEADQ_DB="$mnt/leadq.db"
lq init
check_rc 0 "init on a 16 MB file system"
lq model apply "$data/model_lifecycle.yaml"
lq import leads "$data/leads.csv"
lq import events "$data/events.ndjson"
ingest=$("$LEADQ" key create --role ingest --name full 2>/dev/null)
sales=$("$LEADQ" key create --role sales --name full 2>/dev/null)
# Leave the WAL folded into the database, so free space is what we say.
sql "pragma wal_checkpoint(truncate)" >/dev/null

# fill KB: take all free space, then give back KB kilobytes
fill() {
	rm -f "$mnt/filler"
	dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null
	truncate -s "-$1K" "$mnt/filler"
	sync
}
free_kb() { df -k --output=avail "$mnt" | tail -n 1 | tr -d ' '; }

# ---- an import that does not fit --------------------------------------------------
awk 'BEGIN {
	for (i = 0; i < 30000; i++)
		printf "{\"id\":\"full-%d\",\"lead\":\"ana@acme.io\",\"type\":\"page_view\",\"at\":\"2026-03-09T10:00:00Z\",\"properties\":{\"url\":\"/docs/page-%d\"}}\n", i, i
}' >"$work/events.ndjson"
fill 256
before=$(db_hash)
events_before=$(sql "select count(*) from events")
lq import events "$work/events.ndjson"
check_rc 1 "import on a full disk exits 1 (free: $(free_kb) KB)"
check_err "^leadq: .*database or disk is full" "naming the failure"
check_eq "$(sql 'pragma integrity_check')" "ok" "the database passes integrity_check"
check_eq "$(sql "select count(*) from events")" "$events_before" "no event of the file is stored"
check_eq "$(db_hash)" "$before" "nothing changed at all"
lq leads --format json
check_rc 0 "reads work on the full disk"

# ---- the server on a full disk ----------------------------------------------------------
rm -f "$work/port"
"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/port" --access-log "$work/access.log" \
	2>"$work/server.err" &
spid=$!
for _ in $(seq 250); do [ -f "$work/port" ] && break; sleep 0.02; done
port=$(cat "$work/port")
url="http://127.0.0.1:$port"
"$loadgen" --port "$port" --key "$ingest" --prefix dfa --conns 4 --seconds 2 --batch 10 \
	--sent "$work/sent" --acked "$work/acked" >"$work/load.out" 2>&1
load=$(cat "$work/load.out")
if grep -Eq ' 2xx=[1-9]' <<<"$load" && grep -Eq ' 5xx=[1-9]' <<<"$load"; then
	ok "under load the disk fills: first 200s, then 500s ($load)"
else
	not_ok "under load the disk fills" "$load" "$(df -k "$mnt" | tail -1)"
fi
# A rolled-back transaction can free a few pages: a small write may still
# fit once or twice; the disk is full again within a few tries.
for i in $(seq 1 40); do
	body=$(curl -s -u "$ingest:" -H 'Content-Type: application/json' \
		--data-binary "{\"userId\":\"L1\",\"event\":\"x\",\"messageId\":\"after-full-$i\"}" "$url/v1/track")
	[ "$body" = '{"success":true}' ] || break
done
check_eq "$body" '{"error":{"code":"internal","message":"internal error (see the server log)"}}' \
	"a write on the full disk gets a generic 500, nothing internal"
grep -q "leadq: internal error: .*database or disk is full" "$work/server.err" &&
	ok "the server log names the failure" || not_ok "the server log names the failure" "$(tail -3 "$work/server.err")"
check_eq "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")" "200" "healthz still answers"
check_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $sales" "$url/api/leads")" "200" \
	"reads still answer"
check_eq "$(sql 'pragma integrity_check')" "ok" "integrity_check passes while full"
acked=$(sort -u "$work/acked" | wc -l)
# Applying the inbox fails too while the disk is full: an acknowledged
# request is in the database, or still in the inbox.
inbox_ids() { sqlite3 "$LEADQ_DB-inbox" "select body from inbox" | grep -o '"messageId":"[^"]*"' | cut -d'"' -f4; }
check_eq "$(comm -23 <(sort -u "$work/acked") <({ sql "select msg_id from events where msg_id glob 'df*'"; inbox_ids; } | sort -u) | wc -l)" "0" \
	"every acknowledged event is stored, in the database or the inbox ($acked)"

rm -f "$mnt/filler"
sync
"$loadgen" --port "$port" --key "$ingest" --prefix dfb --conns 4 --seconds 5 --requests 50 --batch 10 \
	--sent "$work/sent" --acked "$work/acked" >"$work/load.out" 2>&1
load=$(cat "$work/load.out")
grep -Eq ' 2xx=[1-9][0-9]* 4xx=0 5xx=0 ' <<<"$load" && ok "space freed: events are accepted again ($load)" ||
	not_ok "space freed: events accepted again" "$load" "$(tail -3 "$work/server.err")"
kill -TERM "$spid"
wait "$spid"
check_eq "$?" "0" "the server stops cleanly"
spid=""
check_eq "$(sql 'pragma integrity_check')" "ok" "integrity_check passes"
check_eq "$(comm -23 <(sort -u "$work/acked") <(sql "select msg_id from events where msg_id glob 'df*'" | sort) | wc -l)" "0" \
	"every acknowledged event is stored ($(sort -u "$work/acked" | wc -l))"
check_eq "$(sql "select count(*) - count(distinct msg_id) from events where msg_id glob 'df*'")" "0" "each once"
check_eq "$(comm -13 <(sort -u "$work/sent") <(sql "select msg_id from events where msg_id glob 'df*'" | sort) | wc -l)" "0" \
	"nothing stored that was never sent"

lq import events "$work/events.ndjson"
check_rc 0 "with space again the import succeeds"
check_eq "$(sql "select count(*) from events where msg_id glob 'full-*'")" "30000" "all of it"

# ---- a file system that fails writes (read-only remount: EROFS) ---------------------------
before=$(db_hash)
if mount -o remount,ro "$mnt" 2>/dev/null; then
	lq note L1 "written on a read-only disk"
	check_rc 1 "a write on a read-only file system exits 1"
	# With no process holding the database, SQLite cannot create the
	# WAL index (-shm) and says so at open; otherwise the write fails.
	check_err "^leadq: cannot (open database .*leadq.db|.*readonly)" "naming the failure"
	lq import events "$data/events.ndjson"
	check_rc 1 "so does an import"
	mount -o remount,rw "$mnt"
	check_eq "$(db_hash)" "$before" "nothing changed"
	check_eq "$(sql 'pragma integrity_check')" "ok" "integrity_check passes"
	lq note L1 "written again"
	check_rc 0 "writable again: writes work"
else
	ok "read-only remount # skip remount not permitted"
fi

done_testing
