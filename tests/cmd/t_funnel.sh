# t_funnel.sh - `leadq funnel` on the built binary: a small hand-built
# history (recycle, skipped stages, lost, grouping, dates), then the Olist
# data, where cohort sizes, won counts, MQL->won rates per origin, the
# median days from first contact to won and a month's MQL count must match
# an independent count over the two CSV files.
source "$(dirname "$0")/lib.sh"
olist="${LEADQ_TEST_DATA:-$here/../../../shared/data}/olist-marketing-funnel"

# csv_col NAME: the column number of NAME in the CSV header on stdin's
# first line. csv_get GROUP PERIOD NAME: that cell of the row for GROUP
# and PERIOD in $out (the funnel's CSV).
csv_col() { head -1 | tr ',' '\n' | grep -nx -- "$1" | cut -d: -f1; }
csv_get() {
	local c
	c=$(csv_col "$3" <<<"$out")
	awk -F, -v g="$1" -v p="$2" -v c="$c" '$1 == g && $2 == p { print $c }' <<<"$out"
}

# ---- a small history, by hand -------------------------------------------
export LEADQ_NOW=2026-03-10T00:00:00Z
lq init
cat >"$work/leads.csv" <<'EOF'
external_id,email,source,created_at,attr.plan
h1,h1@ex.com,web,2026-01-02,pro
h2,h2@ex.com,web,2026-01-03,free
h3,h3@ex.com,,2026-01-04,pro
EOF
cat >"$work/stages.csv" <<'EOF'
lead,stage,at
h1,mql,2026-01-05T00:00:00Z
h1,nurture,2026-01-10T00:00:00Z
h1,mql,2026-02-01T00:00:00Z
h1,sal,2026-02-03T00:00:00Z
h1,won,2026-02-20T00:00:00Z
h2,mql,2026-01-06T00:00:00Z
h2,won,2026-01-16T00:00:00Z
h3,mql,2026-01-07T00:00:00Z
h3,sal,2026-01-08T00:00:00Z
h3,lost,2026-01-09T00:00:00Z
EOF
lq import leads "$work/leads.csv"
check_rc 0 "import the hand-built leads"
lq import stages "$work/stages.csv"
check_rc 0 "import their history"

lq funnel --format csv
check_rc 0 "funnel as CSV"
check_eq "$(csv_get '(all)' '' entries),$(csv_get '(all)' '' leads)" "4,3" \
	"a recycled lead that re-qualifies is a second mql entry"
check_eq "$(csv_get '(all)' '' reached_sal),$(csv_get '(all)' '' reached_sqo),$(csv_get '(all)' '' reached_won)" \
	"3,2,2" "monotone: mql -> won counts for sal, sql and sqo"
check_eq "$(csv_get '(all)' '' lost),$(csv_get '(all)' '' nurture),$(csv_get '(all)' '' open)" \
	"1,1,0" "how the other entries ended"
check_eq "$(csv_get '(all)' '' rate_mql_sql),$(csv_get '(all)' '' rate_mql_won)" "0.5,0.5" \
	"MQL->SQL and MQL->won as fractions"
check_eq "$(csv_get '(all)' '' days_mql_sal_median),$(csv_get '(all)' '' days_mql_sal_n)" "1.5,2" \
	"mql -> sal: 2 and 1 days, median 1.5; the skip has no time"
check_eq "$(csv_get '(all)' '' days_entry_won_median),$(csv_get '(all)' '' days_entry_won_p90)" "14.5,19" \
	"days to won from the entry: 10 and 19 (from the second mql entry)"

lq funnel --by attr.plan --format csv
check_eq "$(csv_get pro '' entries),$(csv_get free '' entries)" "3,1" "grouped by a custom attribute"
lq funnel --by source --format csv
check_eq "$(csv_get web '' entries),$(csv_get '(none)' '' entries)" "3,1" "an empty source is (none)"
lq funnel --by grade --format csv
check_eq "$(csv_get - '' entries)" "4" "unscored leads have grade -"
lq funnel --by month --format csv
check_eq "$(csv_get 2026-01 '' entries),$(csv_get 2026-02 '' entries)" "3,1" "grouped by the month of entry"
lq funnel --by week --format csv
check_eq "$(csv_get 2026-W02 '' entries),$(csv_get 2026-W05 '' entries),$(csv_get 2026-W03 '' entries)" \
	"3,1,0" "ISO weeks of entry, empty weeks included"
lq funnel --from 2026-02-01 --to 2026-03-01 --format csv
check_eq "$(csv_get '(all)' '' entries),$(csv_get '(all)' '' reached_won)" "1,1" \
	"--from/--to select entries by entry time"
lq funnel --to 2026-01-06 --format csv
check_eq "$(csv_get '(all)' '' entries)" "1" "--to is exclusive"
lq funnel --cohort created --format csv
check_eq "$(csv_get '(all)' '' entries),$(csv_get '(all)' '' reached_lead),$(csv_get '(all)' '' reached_won)" \
	"3,3,2" "cohort created: one entry per lead"

lq funnel --by source
check_rc 0 "funnel as a table"
check_out "^web +3 +2 +2 +2 +2 +66.7% +100.0% +100.0% +100.0% +66.7% +66.7%\$" \
	"the table shows counts and percentages"
check_out "recycled leads count once per mql entry: 4 entries from 3 leads" "a note on recycles"
lq funnel --trend month --format json
check_rc 0 "funnel as JSON"
check_out '^\{"cohort":"mql","from":null,"to":null,"by":null,"trend":"month","stages":\["mql","sal","sql","sqo","won"\],"total":\{"group":"\(all\)","period":null,"entries":4,' \
	"JSON opens with the query and the total"
check_out '"group":"\(all\)","period":"2026-02","entries":1,"leads":1,"reached":\{"mql":1,"sal":1,"sql":1,"sqo":1,"won":1\}' \
	"a trend row per month"
check_out '"conversion":\{"mql_sal":0.75,"sal_sql":0.6667,"sql_sqo":1,"sqo_won":1,"mql_won":0.5,"sal_won":0.6667,"sql_won":1,"mql_sql":0.5,"entry_won":0.5\}' \
	"conversion as fractions, mql_sql among them"
check_out '"entry_won":\{"n":2,"median":14.5,"p90":19,"left_out":0\}' "days as numbers"

lq funnel --by colour
check_rc 2 "an unknown grouping is a user error"
check_err "unknown grouping 'colour'" "and says so"
lq funnel --from 2026-13-01
check_rc 2 "a bad date is a user error"
check_err "invalid from date '2026-13-01'" "naming the option"
lq funnel --from 2026-03-01 --to 2026-02-01
check_rc 2 "--from after --to is a user error"
check_err "empty date range" "and says why"
lq funnel --trend day
check_rc 2 "an unknown trend period is a user error"
lq funnel --by month --trend week
check_rc 2 "--by month with --trend is refused"
lq funnel --cohort sql
check_rc 2 "an unknown cohort is a user error"
lq funnel --help
check_rc 0 "funnel --help"
check_out "mean of the two middle values" "--help defines the median"

# ---- Olist ----------------------------------------------------------------
if [ ! -f "$olist/marketing_qualified_leads.csv" ]; then
	not_ok "Olist data present at $olist"
	done_testing
	exit 1
fi
export LEADQ_DB="$work/olist.db"
export LEADQ_NOW=2019-01-01T00:00:00Z
lq init
lq import leads "$olist/marketing_qualified_leads.csv" --stage mql \
	--map mql_id=external_id,first_contact_date=created_at,origin=source,landing_page_id=attr.landing_page_id \
	--date-format %d-%m-%Y
check_rc 0 "import the 8,000 MQLs"
ignore="seller_id=-,sdr_id=-,sr_id=-,business_segment=-,lead_type=-,lead_behaviour_profile=-,has_company=-,has_gtin=-,average_stock=-,business_type=-,declared_product_catalog_size=-,declared_monthly_revenue=-"
lq import stages "$olist/closed_deals.csv" --stage won \
	--map "mql_id=lead,won_date=at,$ignore" --date-format "%d-%m-%Y %H:%M"
check_rc 0 "import the 842 won deals"

# Independent count per origin: MQLs, won deals, rate with 4 decimals.
# The files end their lines with CRLF: strip the CR before splitting.
expected=$(awk -F, '{ sub(/\r$/, ""); $0 = $0 }
	NR == FNR { if (FNR > 1) { o = $4 == "" ? "(none)" : $4; origin[$1] = o; n[o]++ }; next }
	FNR > 1 { won[origin[$1]]++ }
	END { for (o in n) printf "%s,%d,%d,%.4f\n", o, n[o], won[o], won[o] / n[o] }' \
	"$olist/marketing_qualified_leads.csv" "$olist/closed_deals.csv" | sort)

start=$(date +%s%N)
lq funnel --by source --format csv
elapsed=$((($(date +%s%N) - start) / 1000000))
check_rc 0 "funnel --by source on Olist (${elapsed} ms)"
cg=$(csv_col group <<<"$out"); ce=$(csv_col entries <<<"$out")
cw=$(csv_col reached_won <<<"$out"); cr=$(csv_col rate_mql_won <<<"$out")
actual=$(tail -n +2 <<<"$out" | awk -F, -v g="$cg" -v e="$ce" -v w="$cw" -v r="$cr" \
	'$g != "(all)" { printf "%s,%d,%d,%.4f\n", $g, $e, $w, $r }' | sort)
check_eq "$actual" "$expected" "per origin: MQLs, won and MQL->won rate match the independent count"
grep -q '^organic_search,2296,271,0.1180$' <<<"$actual" && ok "organic_search: 271 won of 2,296" ||
	not_ok "organic_search: 271 won of 2,296" "$actual"
check_eq "$(csv_get '(all)' '' entries),$(csv_get '(all)' '' reached_won)" "8000,842" "8,000 MQLs, 842 won"

# Days from first contact to won, computed apart: civil dates to day
# numbers, minutes added, negative durations left out (the funnel's rule);
# median = the mean of the two middle values for an even count.
durations() { # ORIGIN ("" for every origin): one duration in ms per line
	awk -F, -v want="$1" '
	function days(y, m, d) { y -= m <= 2; era = int((y >= 0 ? y : y - 399) / 400)
		yoe = y - era * 400; mp = m > 2 ? m - 3 : m + 9
		doy = int((153 * mp + 2) / 5) + d - 1
		doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
		return era * 146097 + doe - 719468 }
	{ sub(/\r$/, ""); $0 = $0 }
	NR == FNR { if (FNR > 1) { split($2, a, "-"); first[$1] = days(a[3], a[2], a[1]); origin[$1] = $4 }; next }
	FNR > 1 && (want == "" || origin[$1] == want) {
		split($5, dt, " "); split(dt[1], a, "-"); split(dt[2], hm, ":")
		ms = ((days(a[3], a[2], a[1]) - first[$1]) * 1440 + hm[1] * 60 + hm[2]) * 60000
		printf "%.0f\n", ms }' "$olist/marketing_qualified_leads.csv" "$olist/closed_deals.csv"
}
stats() { # median and p90 (nearest rank) in days, 4 decimals, of ms on stdin
	awk '$1 >= 0' | sort -n | awk '{ v[NR] = $1 }
	END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		r = int((9 * NR + 9) / 10)
		printf "%.4f,%.4f,%d\n", m / 86400000, v[r] / 86400000, NR }'
}
fmt_stat() { # GROUP: median,p90,n from the funnel CSV, same format
	printf '%s,%s,%s\n' "$(csv_get "$1" '' days_entry_won_median)" \
		"$(csv_get "$1" '' days_entry_won_p90)" "$(csv_get "$1" '' days_entry_won_n)" |
		awk -F, '{ printf "%.4f,%.4f,%d\n", $1, $2, $3 }'
}
check_eq "$(durations '' | awk '$1 < 0' | wc -l)" "1" "one deal is won before its first contact"
check_eq "$(fmt_stat '(all)')" "$(durations '' | stats)" "median and p90 days from first contact to won, overall"
check_eq "$(fmt_stat organic_search)" "$(durations organic_search | stats)" "median and p90 days to won, organic_search"
check_eq "$(csv_get '(all)' '' days_left_out)" "1" "the negative duration is left out of the times"
lq funnel --by source
check_out "note: 1 duration below zero left out of time statistics" "and the notes say so"

# MQLs of one month, counted apart (first contact dd-mm-yyyy).
march=$(awk -F, 'FNR > 1 && $2 ~ /-03-2018$/' "$olist/marketing_qualified_leads.csv" | wc -l)
months=$(awk -F, 'FNR > 1 { split($2, a, "-"); k = a[3] * 12 + a[2]
		if (min == "" || k < min) min = k; if (k > max) max = k }
	END { print max - min + 1 }' "$olist/marketing_qualified_leads.csv")
lq funnel --trend month --format csv
check_eq "$(csv_get '(all)' 2018-03 entries)" "$march" "--trend month: the MQLs of 2018-03"
check_eq "$(($(wc -l <<<"$out") - 2))" "$months" "one row per month from the first to the last"
lq funnel --from 2018-03-01 --to 2018-04-01 --format csv
check_eq "$(csv_get '(all)' '' entries)" "$march" "--from/--to select the same month"

done_testing
