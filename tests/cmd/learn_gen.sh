#!/usr/bin/env bash
# learn_gen.sh N SEED DIR - generate N leads with a known rule for the
# learning tests and the 100k benchmark: DIR/leads.csv, DIR/events.ndjson,
# DIR/stages.csv (deterministic for a given awk and seed).
#
# Lead i is created at 2025-01-01 + i minutes, enters mql two days later
# and, when it converts, is won a day after that. Before entry it may have
# page views (noise), content downloads (noise) and a webinar attendance
# (a driver); after entry everyone has a page view and converted leads a
# contract_signed event, which a model must never see. Drivers:
#   logit P(won) = -3 + 2.5 [source == referral] + 2.0 [webinar attended]
#                     + 1.8 [attr.segment == enterprise]
# Other columns (country, attr.color, account.employees) are noise.
set -eu
n=$1 seed=$2 dir=$3
mkdir -p "$dir"
awk -v n="$n" -v seed="$seed" -v dir="$dir" '
function iso(t) { return strftime("%Y-%m-%dT%H:%M:%SZ", t, 1) }
function ev(id, lead, type, t) {
	printf "{\"id\":\"e%d-%s\",\"lead\":\"g%d\",\"type\":\"%s\",\"at\":\"%s\"}\n", \
		id, type, lead, type, iso(t) > (dir "/events.ndjson")
}
BEGIN {
	srand(seed)
	split("organic_search paid_search referral social email", src, " ")
	split("enterprise mid smb smb", seg, " ")
	split("us de fr br", ctry, " ")
	split("red green blue", col, " ")
	t0 = 1735689600
	print "external_id,source,country,created_at,attr.segment,attr.color,account.domain,account.employees" > (dir "/leads.csv")
	print "lead,stage,at" > (dir "/stages.csv")
	k = 0
	for (i = 0; i < n; i++) {
		s = 1 + int(rand() * 5); g = 1 + int(rand() * 4)
		c = 1 + int(rand() * 4); o = 1 + int(rand() * 3)
		web = rand() < 0.3; pages = int(rand() * 6); dl = int(rand() * 3)
		created = t0 + i * 60; entry = created + 2 * 86400
		z = -3 + 2.5 * (s == 3) + 2.0 * web + 1.8 * (g == 1)
		won = rand() < 1 / (1 + exp(-z))
		printf "g%d,%s,%s,%s,%s,%s,acct%d.example,%d\n", i, src[s], ctry[c], \
			iso(created), seg[g], col[o], i % 500, 10 + (i % 500) * 2 > (dir "/leads.csv")
		for (p = 0; p < pages; p++) ev(k++, i, "page_view", created + p * 3600)
		for (p = 0; p < dl; p++) ev(k++, i, "content_download", created + 7200 + p)
		if (web) ev(k++, i, "webinar_attended", created + 86400)
		ev(k++, i, "page_view", entry + 3 * 86400)
		printf "g%d,mql,%s\n", i, iso(entry) > (dir "/stages.csv")
		if (won) {
			ev(k++, i, "contract_signed", entry + 10 * 86400)
			printf "g%d,won,%s\n", i, iso(entry + 86400) > (dir "/stages.csv")
		}
	}
}'
