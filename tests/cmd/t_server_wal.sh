# t_server_wal.sh - the server's WAL is checkpointed by bytes, whatever
# the page size (src/server/writer.c): a commit that leaves more than
# 4 MiB in the WAL asks the checkpointer for a round, and the next
# transaction starts the log over. A rescore through PUT /api/model over
# 20,000 leads writes some 6 MB: 400 pages of 16 KiB, under SQLite's
# 1000-page habit, which left two such commits (12 MB) unchecked.
source "$(dirname "$0")/lib.sh"
export LEADQ_NOW=2026-03-01T00:00:00Z
bench="$here/../../bench"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
metric() { # NAME: its value from /metrics
	curl -s -H "Authorization: Bearer $admin" "$url/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}
put_model() { # FILE: the HTTP status of PUT /api/model
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $admin" \
		-H 'Content-Type: text/yaml' --data-binary @"$1" "$url/api/model"
}

gen_data --accounts 2000 --leads 20000 --events 1000
lq init
lq model apply "$bench/model.yaml"
lq import leads "$work/data/leads.csv"
check_eq "$(sql 'PRAGMA page_size')" "16384" "a new database has 16 KiB pages"
admin=$("$LEADQ" key create --role admin --name wal 2>/dev/null | tail -n 1)
start_server
check_eq "$(metric leadq_checkpoints_total)" "0" "no checkpoint before any write"

check_eq "$(put_model "$bench/model2.yaml")" "200" "a model applied through the API"
first=$(metric leadq_wal_pages)
awk -v p="$first" 'BEGIN { exit !(p * 16384 > 4 * 1048576 && p < 1000) }' \
	&& ok "its rescore left $first pages in the WAL: past 4 MiB, under 1000 pages" \
	|| not_ok "a rescore between 4 MiB and 1000 pages" "$first pages"
for _ in $(seq 100); do
	[ "$(metric leadq_checkpoints_total)" -ge 1 ] && break
	sleep 0.1
done
cps=$(metric leadq_checkpoints_total)
[ "${cps:-0}" -ge 1 ] && ok "the checkpointer ran a round ($cps)" \
	|| not_ok "the checkpointer ran a round" "leadq_checkpoints_total=$cps"

check_eq "$(put_model "$bench/model.yaml")" "200" "the first model again"
second=$(metric leadq_wal_pages)
awk -v a="$first" -v b="$second" 'BEGIN { exit !(b < a + a / 2) }' \
	&& ok "the WAL started over: $second pages after the second rescore (not $first and more)" \
	|| not_ok "the WAL started over" "$first pages, then $second"
check_eq "$(metric leadq_inline_checkpoints_total)" "0" "the writer never checkpointed itself"

done_testing
