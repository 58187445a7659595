# t_ingest_batch.sh - `import events` scores events in batches (32768)
# in file order and stores them sorted, many batches in one write
# (--hold-mb): a file crossing several batch and hold boundaries gives the
# same leads, scores, stages and counts as the same file imported in small
# pieces; duplicates across batches and holds count once, per lead; a
# bad line deep in the file is named and, with --skip-bad, skipped alone,
# without the memory of refused lines or of held events adding up.
source "$(dirname "$0")/lib.sh"

gen() { # N: N event lines over 800 leads; every 997th after 40000 repeats
	# the id of an earlier one for the same lead (a redelivery)
	awk -v n="$1" 'BEGIN {
		split("page_view content_download page_view demo_request page_view", types, " ")
		for (i = 1; i <= n; i++) {
			id = (i % 997 == 0 && i > 40000) ? i - 40000 : i
			lead = "u" (id * 7919 % 400) "@" (id % 3 ? "acme.io" : "gmail.com")
			t = types[i % 5 + 1]
			url = (i % 4 == 0) ? "/pricing" : "/blog/" (i % 13)
			s = int(i / 80); d = 1 + int(s / 86400); s = s % 86400
			printf "{\"id\":\"m-%d\",\"lead\":\"%s\",\"type\":\"%s\",\"at\":\"2026-03-%02dT%02d:%02d:%02dZ\",\"properties\":{\"url\":\"%s\",\"seconds\":%d}}\n",
				id, lead, t, d, int(s / 3600), int(s % 3600 / 60), s % 60, url, i % 90
		}
	}'
}
fresh() {
	rm -f "$LEADQ_DB" "$LEADQ_DB-wal" "$LEADQ_DB-shm"
	lq init; lq model apply "$data/model.yaml"; lq import leads "$data/leads.csv"
}
state() { # what must not depend on how the file was cut
	sql "SELECT count(*), sum(id), count(DISTINCT msg_id) FROM events"
	sql "SELECT l.email, l.stage, l.owner, s.grade, printf('%.9f', s.score) FROM leads l LEFT JOIN scores s ON s.lead_id = l.id ORDER BY l.email"
	sql "SELECT l.email, c.from_stage, c.to_stage, c.at FROM stage_changes c JOIN leads l ON l.id = c.lead_id ORDER BY l.email, c.at, c.to_stage"
}

gen 70000 >"$work/events.ndjson"
fresh
lq import events "$work/events.ndjson"
check_rc 0 "70,000 events over three batches"
check_out "70000 records, 69970 events stored, 30 duplicates, 800 new leads, 0 rejected, [1-9][0-9]* automatic stage changes" "duplicates across batches count once; leads qualify"
whole=$(state)

fresh
split -l 7000 "$work/events.ndjson" "$work/piece."
for p in "$work"/piece.*; do lq import events "$p" || break; done
check_rc 0 "the same file in ten pieces"
check_eq "$(state)" "$whole" "the same events, scores, stages and stage changes"

lq import events "$work/events.ndjson"
check_out "70000 records, 0 events stored, 70000 duplicates" "a second import of the file stores nothing"

# scored events are held and stored sorted by lead, many batches in one
# write (--hold-mb): a hold of 1 MiB is written after every batch, and
# gives the same database; a duplicate of an event stored by an earlier
# hold counts once like one still held
fresh
lq import events "$work/events.ndjson" --hold-mb 1
check_rc 0 "an import holding 1 MiB of events at a time"
check_out "70000 records, 69970 events stored, 30 duplicates, 800 new leads" "duplicates across holds count once"
check_eq "$(state)" "$whole" "the same events, scores, stages and stage changes"
LEADQ_IMPORT_HOLD_MB=0 lq import events "$work/events.ndjson"
check_rc 2 "a hold under 1 MiB is refused"
check_err "the events held must be 1 to 16384 MiB, not '0' \(--hold-mb or LEADQ_IMPORT_HOLD_MB\)" "saying the bounds and where"

# a message id counts once per lead: a sender reusing ids across people
# loses nothing, and a redelivery (same lead) is still one event
printf '%s\n' '{"id":"x-1","lead":"u1@acme.io","type":"page_view","at":"2026-03-02T10:00:00Z"}' \
	'{"id":"x-1","lead":"u2@acme.io","type":"page_view","at":"2026-03-02T10:00:00Z"}' \
	'{"id":"x-1","lead":"u1@acme.io","type":"page_view","at":"2026-03-02T10:00:00Z"}' >"$work/shared_id.ndjson"
lq import events "$work/shared_id.ndjson"
check_out "3 records, 2 events stored, 1 duplicates" "the same id for two leads is two events, the redelivery one"
lq import events "$work/shared_id.ndjson"
check_out "3 records, 0 events stored, 3 duplicates" "and once stored, each counts once"

# a bad line after two full batches
fresh
sed '50001s/.*/{"lead":"x@acme.io","type":"page_view","at":"nope"}/' "$work/events.ndjson" >"$work/bad.ndjson"
before=$(sql "SELECT count(*) FROM events")
lq import events "$work/bad.ndjson"
check_rc 2 "a bad line after two batches fails the import"
check_err "bad.ndjson:50001: " "naming its line"
check_eq "$(sql "SELECT count(*) FROM events")" "$before" "and stores nothing"
lq import events "$work/bad.ndjson" --skip-bad
check_rc 0 "--skip-bad imports the rest"
check_out "70000 records, 69969 events stored, 30 duplicates, 800 new leads, 1 rejected" "skipping exactly that line"
check_err "bad.ndjson:50001: " "reporting it"

# refused lines take no memory: lines are decoded into the batch's arena,
# and a refused line (--skip-bad) gives its part back at once (before, the
# arena kept it until the next batch was written: 220 MB for 400k lines)
refused() { # N: N lines naming unknown external ids, 300-byte properties
	awk -v n="$1" -v pad="$(printf '%0250d' 0)" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"id\":\"r-%d\",\"lead\":\"ext-%d\",\"type\":\"page_view\",\"at\":\"2026-03-01T10:00:00Z\",\"properties\":{\"url\":\"/%s\"}}\n", i, i, pad
	}'
}
peak_kb() { # FILE: peak resident KB of importing it with --skip-bad
	# (an ASan build: its quarantine of freed memory would count too)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
		/usr/bin/time -f "%M" -o "$work/peak" "$LEADQ" import events "$1" \
		--skip-bad >/dev/null 2>&1
	cat "$work/peak"
}
refused 20000 >"$work/refused_small.ndjson"
refused 300000 >"$work/refused_big.ndjson"
small=$(peak_kb "$work/refused_small.ndjson")
big=$(peak_kb "$work/refused_big.ndjson")
if [ "$big" -lt $((small + 16384)) ]; then
	ok "300,000 refused lines take no more memory than 20,000 ($big KB, $small KB)"
else
	not_ok "300,000 refused lines take no more memory than 20,000" "peak $big KB against $small KB"
fi
rm -f "$work/refused_small.ndjson" "$work/refused_big.ndjson"

# memory: the events held are bounded by --hold-mb, not by the file (an
# unbounded hold would keep all 150,000 events, some 100 MB, until the end)
stored_big() { # N: N events of 2,000 leads, 250-byte properties
	awk -v n="$1" -v pad="$(printf '%0250d' 0)" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"id\":\"h-%d\",\"lead\":\"h%d@acme.io\",\"type\":\"page_view\",\"at\":\"2026-03-01T10:00:00Z\",\"properties\":{\"url\":\"/%s\"}}\n", i, i % 2000, pad
	}'
}
peak_hold_kb() { # FILE: peak resident KB of importing it into a fresh database, 8 MiB held
	fresh
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
		/usr/bin/time -f "%M" -o "$work/peak" "$LEADQ" import events "$1" \
		--hold-mb 8 --cache-mb 16 >/dev/null 2>&1
	cat "$work/peak"
}
stored_big 15000 >"$work/held_small.ndjson"
stored_big 150000 >"$work/held_big.ndjson"
small=$(peak_hold_kb "$work/held_small.ndjson")
big=$(peak_hold_kb "$work/held_big.ndjson")
check_eq "$(sql "SELECT count(*) FROM events WHERE msg_id GLOB 'h-*'")" "150000" "150,000 events stored in holds of 8 MiB"
if [ "$big" -lt $((small + 40960)) ]; then
	ok "150,000 held events take no more memory than 15,000 plus a batch ($big KB, $small KB)"
else
	not_ok "150,000 held events take no more memory than 15,000 plus a batch" "peak $big KB against $small KB"
fi
rm -f "$work/held_small.ndjson" "$work/held_big.ndjson"

# the import's page cache: a small one gives the same database
fresh
lq import events "$work/events.ndjson" --cache-mb 16
check_rc 0 "an import with a 16 MiB page cache"
check_out "70000 records, 69970 events stored, 30 duplicates" "stores the same events"
lq import events "$work/events.ndjson" --cache-mb 8
check_rc 2 "a page cache under 16 MiB is refused"
check_err "must be 16 to 16384 MiB, not '8'" "saying the bounds"
LEADQ_IMPORT_CACHE_MB=lots lq import events "$work/events.ndjson"
check_rc 2 "so is a LEADQ_IMPORT_CACHE_MB that is not a number"

done_testing
