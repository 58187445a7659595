# t_crash.sh - crash safety: `leadq serve` killed with SIGKILL at random
# moments during sustained ingest (tests/tools/loadgen: keep-alive
# connections on loopback, unique messageIds, each written to a file only
# after its 200 arrived), restarted (which applies what the tracking
# inbox acknowledged), and checked: every acknowledged event is stored
# exactly once, nothing is stored that was never sent, the
# database passes PRAGMA integrity_check, and a client re-sending what it
# was not sure of gets everything stored exactly once. The server folds
# its recent events at a low threshold (--fold-min-rows 300), so kills
# also land inside folds (store_sqlite_fold.c). Then `leadq import`
# killed mid-file: the database holds none of the file or, if the commit
# happened, all of it; a re-run imports it fully, duplicates counted once.
#
# What "durable" means here: the server answers only after the commit,
# and the database runs in WAL mode with synchronous=NORMAL. A committed
# transaction is in the WAL file (written with write(2), so in the
# operating system's page cache) before the answer is sent, and a killed
# process cannot lose what the kernel already holds: after SIGKILL (or any
# crash of leadq itself) every acknowledged event is there. synchronous=
# NORMAL does not fsync the WAL at each commit, so a power loss or an
# operating system crash may lose the last commits (never corrupt the
# database); this test kills the process, it does not pull the plug. See
# docs/security.md, "Durability".
#
# Random choices come from $RANDOM seeded by LEADQ_CRASH_SEED (default: the
# process id); the seed is printed so a failure can be replayed.
source "$(dirname "$0")/lib.sh"
loadgen="$(dirname "$LEADQ")/tests/tools/loadgen"
pids=""
cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
seed=${LEADQ_CRASH_SEED:-$$}
RANDOM=$seed
echo "# seed $seed (LEADQ_CRASH_SEED=$seed replays these kill times)"

if [ ! -x "$loadgen" ]; then
	echo "not ok 1 - tests/tools/loadgen is built next to leadq ($loadgen)"
	echo "1..1"
	exit 1
fi

# rand_ms LOW HIGH: a random number of milliseconds in [LOW, HIGH]
rand_ms() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }


lq init
lq model apply "$data/model_lifecycle.yaml"
lq import leads "$data/leads.csv"
ingest=$("$LEADQ" key create --role ingest --name crash 2>/dev/null)
[[ "$ingest" == lq_* ]] && ok "an ingest key" || not_ok "an ingest key" "$ingest"

# ids stored for the load's prefixes (r1-..., r2-...)
stored_ids() { sql "select msg_id from events where msg_id glob 'r[0-9]*-*'" | sort; }

# ---- the server, killed during sustained ingest -----------------------------
rounds=4
: >"$work/sent"
: >"$work/acked"
: >"$work/replay"
for r in $(seq 1 $rounds); do
	start_server --fold-min-rows 300
	if [ -z "$port" ]; then
		not_ok "round $r: the server starts on the database the last kill left" "$(tail -5 "$work/server.err")"
		break
	fi
	batch=$((r % 2 ? 1 : 10))
	"$loadgen" --port "$port" --key "$ingest" --prefix "r$r" --conns 8 \
		--seconds 20 --batch "$batch" --user crash \
		--sent "$work/sent" --acked "$work/acked" --replay "$work/replay" \
		>"$work/load.out" 2>&1 &
	lpid=$!
	pids="$pids $lpid"
	before=$(wc -l <"$work/acked")
	t=$(rand_ms 300 1500)
	sleep "$(secs "$t")"
	kill -KILL "$spid"
	wait "$spid" 2>/dev/null
	# bounded: the load generator gives up on a refused connection at
	# once and on a silent one after 10 s
	wait "$lpid"
	acked_now=$(($(wc -l <"$work/acked") - before))
	if [ "$acked_now" -gt 0 ] && [ -s "$work/acked" ]; then
		ok "round $r: SIGKILL after $(secs "$t") s of load (batch $batch), $acked_now events acknowledged in this round ($(cat "$work/load.out"))"
	else
		not_ok "round $r: load was acknowledged before the kill" "$(cat "$work/load.out")"
	fi
	check_eq "$(sql 'pragma integrity_check')" "ok" "round $r: integrity_check passes after the kill"
	# What was acknowledged and not applied yet waits in the inbox: the
	# next start applies it (an API read waits for that).
	start_server --fold-min-rows 300
	status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ingest" "http://127.0.0.1:$port/api/me")
	kill -TERM "$spid"
	wait "$spid"
	check_eq "$status:$?" "200:0" "round $r: the next start applies the inbox the kill left"
	stored_ids >"$work/stored"
	missing=$(comm -23 <(sort -u "$work/acked") "$work/stored" | wc -l)
	check_eq "$missing" "0" "round $r: every acknowledged event so far is stored ($(sort -u "$work/acked" | wc -l) acknowledged)"
	check_eq "$(sql "select count(*) - count(distinct msg_id) from events where msg_id glob 'r[0-9]*-*'")" "0" \
		"round $r: each exactly once"
	phantom=$(comm -13 <(sort -u "$work/sent") "$work/stored" | wc -l)
	check_eq "$phantom" "0" "round $r: nothing is stored that was never sent"
	# Next round, the client first re-sends what it was not sure of
	# (sent, not acknowledged) and a sample of what was acknowledged.
	{
		comm -23 <(sort -u "$work/sent") <(sort -u "$work/acked")
		sort -u "$work/acked" | awk 'NR % 97 == 0'
	} >"$work/replay"
done

# The last restart: re-send everything never acknowledged, stop cleanly.
# (A re-sent message is the same message: same messageId, same userId -
# messages count once per lead - so every round sends as one user.)
start_server --fold-min-rows 300
comm -23 <(sort -u "$work/sent") <(sort -u "$work/acked") >"$work/replay"
unsure=$(wc -l <"$work/replay")
"$loadgen" --port "$port" --key "$ingest" --prefix "final" --conns 4 --seconds 0.01 \
	--user crash --sent "$work/sent" --acked "$work/acked" \
	--replay "$work/replay" >"$work/load.out" 2>&1
kill -TERM "$spid"
wait "$spid"
check_eq "$?" "0" "after the kills the server still stops cleanly"
stored_ids >"$work/stored"
sent_n=$(sort -u "$work/sent" | grep -c '^r')
check_eq "$(comm -3 <(sort -u "$work/sent" | grep '^r') "$work/stored" | wc -l)" "0" \
	"re-sending the $unsure unacknowledged ids stores every sent event ($sent_n)"
check_eq "$(sql "select count(*) from events where msg_id glob 'r[0-9]*-*'")" "$sent_n" "exactly once each"
folded=$(sql "select count(*) from events_main where msg_id glob 'r[0-9]*-*'")
[ "$folded" -gt 0 ] && ok "folds ran between the kills ($folded events moved)" ||
	not_ok "folds ran between the kills" "no event in events_main"
check_eq "$(sql 'pragma integrity_check')" "ok" "integrity_check passes at the end"

# ---- imports killed mid-file: all or nothing ---------------------------------
# 60,000 events (every 1000th line repeats an earlier id: 59 in-file
# duplicates) for 3,000 leads that do not exist yet: the import creates
# them, so leads are all-or-nothing too.
awk 'BEGIN {
	for (i = 0; i < 60000; i++) {
		j = (i % 1000 || i == 0) ? i : i - 500
		printf "{\"id\":\"imp-%d\",\"lead\":\"person%d@crash%d.example\",\"type\":\"page_view\",\"at\":\"2026-03-0%dT10:00:00Z\",\"properties\":{\"url\":\"/pricing/%d\"}}\n", j, j % 3000, j % 30, 1 + j % 9, j
	}
}' >"$work/events.ndjson"
# 20,000 leads as CSV
awk 'BEGIN {
	print "external_id,email,first_name,last_name,title,seniority,country,source,created_at"
	for (i = 0; i < 20000; i++)
		printf "X%d,bulk%d@bulk%d.example,First%d,Last%d,Director,director,US,referral,2026-03-01\n", i, i, i % 100, i, i
}' >"$work/leads.csv"
ev_total=59941   # 60,000 lines - 59 repeated ids
ld_total=20000

# One timed run on a copy gives the kill window.
cp "$LEADQ_DB" "$work/copy.db"
t0=$(date +%s%N)
"$LEADQ" --db "$work/copy.db" import events "$work/events.ndjson" >/dev/null 2>&1
t1=$(date +%s%N)
"$LEADQ" --db "$work/copy.db" import leads "$work/leads.csv" >/dev/null 2>&1
t2=$(date +%s%N)
rm -f "$work/copy.db"*
ev_ms=$(((t1 - t0) / 1000000))
ld_ms=$(((t2 - t1) / 1000000))
echo "# a full events import takes ${ev_ms} ms, a leads import ${ld_ms} ms"

# kill_import WHAT FILE TOTAL MS ROUND [commit]: one import killed at a
# random moment within 110% of its full duration, or with "commit" while
# its commit is being written: as soon as the WAL holds 1 MB of its
# frames, before the commit record (the file's transaction does not spill
# before: the page cache holds it), so recovery must drop those frames.
counted() { # WHAT: rows of the file in the database
	if [ "$1" = events ]; then sql "select count(*) from events where msg_id glob 'imp-*'"
	else sql "select count(*) from leads where external_id glob 'X[0-9]*'"; fi
}
outcomes=""
kill_import() {
	local what=$1 file=$2 total=$3 full=$4 n=$5 mode=${6:-random}
	local leads_before ev_before t got krc when wal=0
	leads_before=$(sql "select count(*) from leads")
	ev_before=$(sql "select count(*) from events")
	t=$(rand_ms 20 $((full * 11 / 10 + 20)))
	sql "pragma wal_checkpoint(truncate)" >/dev/null   # an empty WAL to watch
	"$LEADQ" import "$what" "$file" >"$work/imp.out" 2>&1 &
	local ipid=$!
	pids="$pids $ipid"
	if [ "$mode" = commit ]; then
		# bounded by the import itself: the loop ends when it does
		while kill -0 "$ipid" 2>/dev/null; do
			wal=$(stat -c %s "$LEADQ_DB-wal" 2>/dev/null || echo 0)
			[ "$wal" -gt 1048576 ] && break
		done
		when="while writing its commit ($wal bytes of WAL)"
	else
		sleep "$(secs "$t")"
		when="at $(secs "$t") s"
	fi
	kill -KILL "$ipid" 2>/dev/null
	wait "$ipid" 2>/dev/null
	krc=$?
	got=$(counted "$what")
	check_eq "$(sql 'pragma integrity_check')" "ok" "import $what #$n killed $when: integrity_check passes"
	if [ "$got" = 0 ] || [ "$got" = "$total" ]; then
		local outcome="nothing"
		[ "$got" = "$total" ] && outcome="all (the commit had happened)"
		[ "$krc" = 0 ] && outcome="$outcome, exit 0 before the kill"
		outcomes="$outcomes $got"
		ok "import $what #$n: all or nothing: $outcome ($got of $total)"
	else
		not_ok "import $what #$n: all or nothing" "$got of $total rows stored" "exit $krc: $(cat "$work/imp.out")"
	fi
	if [ "$got" = 0 ]; then
		check_eq "$(sql "select count(*) from leads"),$(sql "select count(*) from events")" \
			"$leads_before,$ev_before" "import $what #$n: no lead or event of it is left behind"
	fi
	# The re-run: everything, duplicates counted once.
	lq import "$what" "$file"
	check_rc 0 "import $what #$n: the re-run succeeds"
	check_eq "$(counted "$what")" "$total" "import $what #$n: and stores all of it"
	if [ "$what" = events ]; then
		local dups=$((60000 - total))
		[ "$got" = "$total" ] && dups=60000
		check_out "imported .*: 60000 records, $((60000 - dups)) events stored, $dups duplicates" \
			"import events #$n: the report counts each duplicate once"
		check_eq "$(sql "select count(*) - count(distinct msg_id) from events where msg_id glob 'imp-*'")" "0" \
			"import events #$n: each event once"
	fi
	# Undo for the next round (a fresh start of the same file).
	if [ "$what" = events ]; then
		sql "delete from events where msg_id glob 'imp-*'; delete from leads where email glob 'person*@crash*.example'; delete from stage_changes where lead_id not in (select id from leads); delete from scores where lead_id not in (select id from leads)" >/dev/null
	else
		sql "delete from leads where external_id glob 'X[0-9]*'; delete from stage_changes where lead_id not in (select id from leads); delete from scores where lead_id not in (select id from leads)" >/dev/null
	fi
}
for n in 1 2; do kill_import events "$work/events.ndjson" "$ev_total" "$ev_ms" "$n"; done
kill_import events "$work/events.ndjson" "$ev_total" "$ev_ms" 3 commit
kill_import leads "$work/leads.csv" "$ld_total" "$ld_ms" 1
kill_import leads "$work/leads.csv" "$ld_total" "$ld_ms" 2 commit
echo "# import outcomes (rows stored at the kill):$outcomes"
check_eq "$(sql 'pragma integrity_check')" "ok" "integrity_check passes after every import kill"

done_testing
