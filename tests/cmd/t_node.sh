# t_node.sh - the tracking API driven by the real @segment/analytics-node
# library from npm and the browser snippet (tests/node/), against a
# `leadq serve` on a free loopback port. Events sent must show up scored.
source "$(dirname "$0")/lib.sh"
unset LEADQ_NOW          # the library stamps events with the real clock
nodedir="$here/../node"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	not_ok "node and npm are installed (scripts/bootstrap installs them)"
	done_testing
	exit 1
fi
if ! (cd "$nodedir" && npm ci --silent --no-audit --no-fund >"$work/npm.log" 2>&1); then
	not_ok "npm ci in tests/node" "$(tail -5 "$work/npm.log")"
	done_testing
	exit 1
fi
ok "npm ci installed @segment/analytics-node"

lq init
lq model apply "$here/../../examples/model.yaml"
check_rc 0 "the example model (with its event_map) applies"
admin=$("$LEADQ" key create --role admin 2>/dev/null | tail -n 1)
ingest=$("$LEADQ" key create --role ingest 2>/dev/null | tail -n 1)
"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/port" --quiet 2>"$work/serve.err" &
pids="$pids $!"
for _ in $(seq 200); do [ -f "$work/port" ] && break; sleep 0.02; done

LEADQ_URL="http://127.0.0.1:$(cat "$work/port")" LEADQ_WRITE_KEY="$ingest" \
	LEADQ_ADMIN_KEY="$admin" node --test --test-reporter=tap "$nodedir"/ \
	>"$work/node.tap" 2>&1
node_rc=$?
# Flatten node's nested TAP into this file's lines (file-level lines too).
while read -r line; do
	case "$line" in
	"not ok"*) not_ok "node: ${line#not ok * - }" "$(grep -A12 -F "$line" "$work/node.tap" | head -14)" ;;
	*) ok "node: ${line#ok * - }" ;;
	esac
done < <(sed -n 's/^ *\(\(not \)\{0,1\}ok [0-9]* - .*\)$/\1/p' "$work/node.tap")
check_eq "$node_rc" "0" "node --test exits 0"
done_testing
