# lib.sh - helpers for command tests: run the built leadq, check exit
# status and output, print TAP ("ok N - what" / "not ok N - what").
# Sourced by tests/cmd/t_*.sh; $LEADQ is the binary under test.
set -u
: "${LEADQ:?set LEADQ to the leadq binary}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data="$here/../data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LEADQ_DB="$work/leadq.db"
export LEADQ_NOW="${LEADQ_NOW:-2026-03-10T00:00:00Z}"
tap_n=0
out=""
err=""
rc=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do printf '#   %s\n' "$line"; done
}

# lq ARGS...: run leadq, keep stdout in $out, stderr in $err, status in $rc.
lq() {
	out=$("$LEADQ" "$@" 2>"$work/.stderr")
	rc=$?
	err=$(cat "$work/.stderr")
}

check_rc() { # EXPECTED DESCRIPTION
	if [ "$rc" -eq "$1" ]; then ok "$2"; else
		not_ok "$2" "exit status $rc, expected $1" "stdout: ${out:0:400}" "stderr: ${err:0:400}"; fi
}
check_out() { # REGEX DESCRIPTION  (extended regex, searched in stdout)
	if grep -Eq -- "$1" <<<"$out"; then ok "$2"; else
		not_ok "$2" "stdout does not match /$1/" "stdout: ${out:0:600}" "stderr: ${err:0:300}"; fi
}
check_err() { # REGEX DESCRIPTION  (searched in stderr)
	if grep -Eq -- "$1" <<<"$err"; then ok "$2"; else
		not_ok "$2" "stderr does not match /$1/" "stderr: ${err:0:600}"; fi
}
check_eq() { # ACTUAL EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3" "got '$1'" "expected '$2'"; fi
}

# db_hash: a digest of the whole database content (schema and rows).
db_hash() { sqlite3 "$LEADQ_DB" .dump | sha256sum | cut -d' ' -f1; }
# sql QUERY: one value from the database (tests may read it directly).
sql() { sqlite3 "$LEADQ_DB" "$1"; }

done_testing() { echo "1..$tap_n"; }

# start_server ARGS...: `leadq serve` on a free loopback port in the
# background with ARGS; sets spid, port, url and adds spid to $pids (the
# test's EXIT trap kills them). stderr goes to $work/server.err.
start_server() {
	rm -f "$work/port"
	"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/port" --quiet "$@" \
		2>>"$work/server.err" &
	spid=$!
	pids="${pids:-} $spid"
	for _ in $(seq 250); do [ -s "$work/port" ] && break; sleep 0.02; done
	port=$(cat "$work/port" 2>/dev/null)
	url=http://127.0.0.1:$port
}

# gen_data ARGS...: build bench/gen.c and generate a data set into
# $work/data (leads.csv, events.ndjson...) with ARGS, at $LEADQ_NOW; a
# generator that does not build ends the test.
gen_data() {
	if ! cc -O2 -std=c11 -o "$work/gen" "$here/../../bench/gen.c" -lm 2>"$work/cc.err"; then
		not_ok "build the data generator" "$(cat "$work/cc.err")"
		done_testing
		exit 1
	fi
	"$work/gen" "$work/data" "$@" --now "$LEADQ_NOW" 2>/dev/null
}
