#!/usr/bin/env bash
# gen_history.sh DIR [LEADS] [EVENTS_PER_LEAD] - write a deterministic
# synthetic history for measuring `leadq backtest` by hand:
#   DIR/leads.csv       LEADS leads (default 100000) over 26 weeks of 2025
#   DIR/events.ndjson   about LEADS * EVENTS_PER_LEAD events (default 20):
#                       page views (a third on /pricing), downloads,
#                       webinars, a rare demo request
#   DIR/stages.csv      sales history: ~10% reach sql, ~4% are won
# The same arguments always give the same files (a Park-Miller generator in
# plain awk, no rand()). Not run by the tests: it is for the README note.
#
#   bench/gen_history.sh /tmp/bt 100000 20
#   export LEADQ_DB=/tmp/bt/leadq.db LEADQ_NOW=2026-01-01T00:00:00Z
#   leadq init && leadq model apply tests/data/model.yaml
#   leadq import leads /tmp/bt/leads.csv
#   leadq import events /tmp/bt/events.ndjson
#   leadq import stages /tmp/bt/stages.csv
#   time leadq backtest tests/data/model.yaml
set -eu
dir=${1:?usage: gen_history.sh DIR [LEADS] [EVENTS_PER_LEAD]}
leads=${2:-100000}
per=${3:-20}
mkdir -p "$dir"
awk -v N="$leads" -v PER="$per" -v dir="$dir" '
function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
function iso(t,   d, s) {       # seconds since 2025-01-01 -> ISO 8601
	d = int(t / 86400); s = t % 86400
	return sprintf("%sT%02d:%02d:%02dZ", day[d], int(s / 3600),
		       int(s % 3600 / 60), s % 60)
}
BEGIN {
	seed = 42
	split("31 28 31 30 31 30 31 31 30 31 30 31", ml, " ")
	d = 0
	for (y = 2025; y <= 2026; y++)
		for (m = 1; m <= 12; m++)
			for (k = 1; k <= ml[m]; k++)
				day[d++] = sprintf("%d-%02d-%02d", y, m, k)
	nsen = split("staff manager director vp c_level", sen, " ")
	nind = split("software saas retail manufacturing internet", ind, " ")
	nsrc = split("referral organic_search paid_search email direct", src, " ")
	lf = dir "/leads.csv"; ef = dir "/events.ndjson"; sf = dir "/stages.csv"
	print "external_id,email,seniority,source,created_at,account.domain,account.employees,account.industry" > lf
	print "lead,stage,at" > sf
	span = 26 * 7 * 86400
	ev = 0
	for (i = 1; i <= N; i++) {
		c = int((i - 1) * span / N)
		printf "G%d,u%d@c%d.example,%s,%s,%s,c%d.example,%d,%s\n", i, i,
		       i % 20000, sen[rnd(nsen) + 1], src[rnd(nsrc) + 1], iso(c),
		       i % 20000, 10 + rnd(2000), ind[rnd(nind) + 1] > lf
		n = rnd(2 * PER + 1)
		t = c
		for (k = 0; k < n; k++) {
			t += rnd(4 * 86400)
			r = rnd(1000)
			if (r < 2) type = "demo_request"
			else if (r < 60) type = "webinar_attended"
			else if (r < 200) type = "content_download"
			else type = "page_view"
			url = rnd(3) ? "/blog/" rnd(50) : "/pricing"
			printf "{\"id\":\"g%d\",\"lead\":\"G%d\",\"type\":\"%s\",\"at\":\"%s\",\"properties\":{\"url\":\"%s\"}}\n",
			       ++ev, i, type, iso(t), url > ef
		}
		r = rnd(100)
		if (r < 10)
			printf "G%d,sql,%s\n", i, iso(t + 86400 * (1 + rnd(20))) > sf
		if (r < 4)
			printf "G%d,won,%s\n", i, iso(t + 86400 * (21 + rnd(40))) > sf
	}
}'
wc -l "$dir"/leads.csv "$dir"/events.ndjson "$dir"/stages.csv
