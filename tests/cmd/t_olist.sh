# t_olist.sh - the public Olist marketing funnel: 8,000 MQLs and 842 won
# deals. Importing them must reproduce the won count per origin that an
# independent count over the CSV files gives.
source "$(dirname "$0")/lib.sh"
olist="${LEADQ_TEST_DATA:-$here/../../../shared/data}/olist-marketing-funnel"
export LEADQ_NOW=2019-01-01T00:00:00Z
if [ ! -f "$olist/marketing_qualified_leads.csv" ]; then
	not_ok "Olist data present at $olist"
	done_testing
	exit 1
fi

lq init
lq model apply "$here/../../examples/model.yaml"
check_rc 0 "the example model applies to an empty database"

lq import leads "$olist/marketing_qualified_leads.csv" --stage mql \
	--map mql_id=external_id,first_contact_date=created_at,origin=source,landing_page_id=attr.landing_page_id \
	--date-format %d-%m-%Y
check_rc 0 "import the 8,000 MQLs"
check_out "8000 records, 8000 leads created" "every MQL becomes a lead"
check_eq "$(sql "select count(*) from leads where stage='mql'")" "8000" "all enter as MQL"

ignore="seller_id=-,sdr_id=-,sr_id=-,business_segment=-,lead_type=-,lead_behaviour_profile=-,has_company=-,has_gtin=-,average_stock=-,business_type=-,declared_product_catalog_size=-,declared_monthly_revenue=-"
lq import stages "$olist/closed_deals.csv" --stage won \
	--map "mql_id=lead,won_date=at,$ignore" --date-format "%d-%m-%Y %H:%M"
check_rc 0 "import the 842 won deals as stage changes"
check_out "842 records, 842 stage changes stored" "every deal is recorded"

attrs="mql_id=external_id,won_date=-,seller_id=-,sdr_id=-,sr_id=-,business_segment=attr.business_segment,lead_type=attr.lead_type,lead_behaviour_profile=attr.lead_behaviour_profile,has_company=attr.has_company,has_gtin=attr.has_gtin,average_stock=attr.average_stock,business_type=attr.business_type,declared_product_catalog_size=attr.declared_product_catalog_size,declared_monthly_revenue=attr.declared_monthly_revenue"
lq import leads "$olist/closed_deals.csv" --map "$attrs"
check_rc 0 "deal attributes join their leads"
check_out "842 records, 0 leads created, 842 updated" "by external id"

check_eq "$(sql 'select count(*) from leads')" "8000" "8,000 leads in all"
check_eq "$(sql "select count(*) from leads where stage='won'")" "842" "842 won"
check_eq "$(sql "select count(*) from stage_changes where to_stage='won' and actor='import'")" "842" "each won change in the history, actor import"

# Independent count: origin of every won mql_id, straight from the CSVs.
# The files end their lines with CRLF: strip the CR before splitting.
expected=$(awk -F, '{ sub(/\r$/, ""); $0 = $0 }
	NR==FNR { if (FNR > 1) origin[$1] = $4; next }
	FNR > 1 { n[origin[$1]]++ }
	END { for (o in n) { k = o; if (k == "") k = "(none)"; print k "," n[o] } }' \
	"$olist/marketing_qualified_leads.csv" "$olist/closed_deals.csv" | sort)
lq leads --stage won --limit 0 --format csv
check_rc 0 "list the won leads"
actual=$(tail -n +2 <<<"$out" | awk -F, '{ s = $NF; n[s == "" ? "(none)" : s]++ }
	END { for (s in n) print s "," n[s] }' | sort)
check_eq "$actual" "$expected" "won leads per origin match the independent count"
grep -q '^organic_search,271$' <<<"$actual" && ok "organic_search: 271 won" || not_ok "organic_search: 271 won" "$actual"

lq show 5420aad7fec3549a85876ba1c529bd84 --format json
check_out '"business_segment":"pet"' "a deal's segment is on its lead"
check_out '"to":"won","at":"2018-02-26T19:58:00Z"' "with its won date"

done_testing
