# t_browser.sh - the dashboard in Debian's headless chromium, driven by
# playwright-core from npm (tests/browser/, node's test runner): sign-in,
# the queue (accept, reject with a reason, filters across the live
# refresh, first paint), a lead's BANT making it an SQL, the funnel against
# the API's numbers, a broken model shown at its line, a backtest, roles.
# The data: the Olist funnel plus scripts/demo-data's generated activity,
# served by `leadq serve` on a free loopback port. Screenshots of every
# page go to $LEADQ_SCREENSHOTS (default: the repo's build/screenshots).
source "$(dirname "$0")/lib.sh"
browserdir="$here/../browser"
root=$(cd "$here/../.." && pwd)
olist="${LEADQ_TEST_DATA:-$here/../../../shared/data}/olist-marketing-funnel"
shots="${LEADQ_SCREENSHOTS:-$root/build/screenshots}"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

missing=""
command -v node >/dev/null && command -v npm >/dev/null || missing="node and npm"
[ -x /usr/bin/chromium ] || missing="${missing:+$missing, }/usr/bin/chromium"
[ -f "$olist/marketing_qualified_leads.csv" ] || missing="${missing:+$missing, }the Olist data at $olist"
if [ -n "$missing" ]; then
	not_ok "browser test prerequisites (scripts/bootstrap installs node, npm and chromium)" "missing: $missing"
	done_testing
	exit 1
fi

# ---- the data: Olist history plus a generated live set at LEADQ_NOW -------
lq init
lq model apply "$root/examples/model.yaml"
check_rc 0 "the example model applies"
lq import leads "$olist/marketing_qualified_leads.csv" --stage mql \
	--map mql_id=external_id,first_contact_date=created_at,origin=source,landing_page_id=attr.landing_page_id \
	--date-format %d-%m-%Y
lq import stages "$olist/closed_deals.csv" --stage won --date-format "%d-%m-%Y %H:%M" \
	--map mql_id=lead,won_date=at,seller_id=-,sdr_id=-,sr_id=-,business_segment=-,lead_type=-,lead_behaviour_profile=-,has_company=-,has_gtin=-,average_stock=-,business_type=-,declared_product_catalog_size=-,declared_monthly_revenue=-
check_rc 0 "the Olist MQLs and won deals import"
"$root/scripts/demo-data" "$work/demo" "$(date -u -d "$LEADQ_NOW" +%s)"
lq import leads "$work/demo/leads.csv"
lq import events "$work/demo/events.ndjson"
check_rc 0 "the generated leads and their activity import"
key() { "$LEADQ" key create --role "$1" --name "browser $1" 2>/dev/null | tail -n 1; }
admin=$(key admin); sales=$(key sales); marketing=$(key marketing); ingest=$(key ingest)

"$LEADQ" serve --listen 127.0.0.1:0 --port-file "$work/port" --quiet 2>"$work/serve.err" &
pids="$pids $!"
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.02; done
[ -s "$work/port" ] && ok "the server listens" || not_ok "the server listens" "$(cat "$work/serve.err")"

if ! (cd "$browserdir" && npm ci --silent --no-audit --no-fund >"$work/npm.log" 2>&1); then
	not_ok "npm ci in tests/browser" "$(tail -5 "$work/npm.log")"
	done_testing
	exit 1
fi
ok "npm ci installed playwright-core"

mkdir -p "$shots"
# The queue's first paint must be under 200 ms; under ASan it is reported only.
budget=200
grep -q __asan_init "$LEADQ" && budget=3000
LEADQ_URL="http://127.0.0.1:$(cat "$work/port")" LEADQ_ADMIN_KEY="$admin" LEADQ_SALES_KEY="$sales" \
	LEADQ_MARKETING_KEY="$marketing" LEADQ_INGEST_KEY="$ingest" LEADQ_SCREENSHOTS="$shots" \
	LEADQ_BROWSER_TMP="$work" LEADQ_PAINT_BUDGET_MS=$budget node --test --test-reporter=tap "$browserdir"/ >"$work/node.tap" 2>&1
node_rc=$?
# Flatten node's nested TAP into this file's lines (file-level lines too).
while read -r line; do
	case "$line" in
	"not ok"*) not_ok "browser: ${line#not ok * - }" "$(grep -A16 -F "$line" "$work/node.tap" | head -18)" ;;
	*) ok "browser: ${line#ok * - }" ;;
	esac
done < <(sed -n 's/^ *\(\(not \)\{0,1\}ok [0-9]* - .*\)$/\1/p' "$work/node.tap")
check_eq "$node_rc" "0" "node --test exits 0"
grep -o -e 'queue first paint: .*' -e 'machine busy.*' "$work/node.tap" | sed 's/^/# /'
[ "$node_rc" = 0 ] || sed 's/^/#   /' "$work/node.tap" | grep -v '^#   *ok ' | head -40
echo "# screenshots in $shots"
done_testing
