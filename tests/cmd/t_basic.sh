# t_basic.sh - the main path on the built binary: init, model apply,
# import leads and events, then leads / show / explain with exact numbers.
source "$(dirname "$0")/lib.sh"

lq --help
check_rc 0 "leadq --help exits 0"
check_out "import" "--help lists the commands"

lq leads
check_rc 2 "a command before init fails as a user error"
check_err "no database at .*leadq init" "and says to run leadq init"

lq init
check_rc 0 "init creates the database"
check_out "initialised .*schema" "init reports the schema"
lq init
check_rc 0 "init again is harmless"

lq model check "$data/model.yaml"
check_rc 0 "model check accepts the test model"
check_out "6 rules \(2 undesirable, 1 disqualifier\)" "check summarises the fit rules"
check_out "A >= 50, B >= 30, C >= 15, D >= 0" "check prints the grade bands"

lq model apply "$data/model.yaml"
check_rc 0 "model apply"
check_out "as version 1" "the first model is version 1"

lq import leads "$data/leads.csv"
check_rc 0 "import leads"
check_out "5 records, 5 leads created, 0 updated, 0 rejected, 1 automatic" "import reports what it did"
check_eq "$(sql 'select group_concat(domain) from (select domain from accounts order by domain)')" "acme.io,bigcorp.com,rival.example" "accounts by domain, none for free mail"

lq import events "$data/events.ndjson"
check_rc 0 "import events"
check_out "11 records, 10 events stored, 1 duplicates, 1 new leads, 0 rejected, 2 automatic" "events: duplicate counted once, unknown email creates a lead, two MQLs"

lq show ana@acme.io
check_rc 0 "show by email"
check_out "^lead #1  Ana Lima <ana@acme.io>" "show names the lead"
check_out "score 100.0 = fit 50 \+ channel 10 \+ engagement 40.0, grade A" "ana: fit 50, channel 10, engagement 30 (capped) + 10"
check_out "capped at 30" "the pricing cap is explained"
check_out "lead +-> mql +model: mql criteria" "ana became an MQL by the criteria"
check_out "2026-03-10T00:00:00Z  lead" "at the time of the event that qualified her"

lq explain L3 --format json
check_rc 0 "explain by external id, as JSON"
check_out '"grade":"C"' "cy is grade C"
check_out '"rule":"demo request","when":null,"points":24.71' "the demo request decayed 12h: 25 * 2^(-0.5/30)"
lq show L3
check_out "lead +-> mql +model: hand-raiser: demo_request" "a grade C demo request is fast-tracked"
check_out "2026-03-09T12:00:00Z  lead" "at the time of the demo request"

lq show bob@gmail.com
check_out "stage +lead" "a grade F demo request stays a lead"
check_out "free mail" "the free-mail undesirable is explained"

lq show spy@rival.example
check_out "stage +disqualified" "a competitor is disqualified"
check_out "DISQUALIFIED  competitor" "and the explanation says by which rule"

lq show new@newco.io --format json
check_rc 0 "an event for an unknown email created the lead"
check_out '"email_domain":"newco.io"' "with its email domain"

lq leads --format csv --limit 0
check_rc 0 "leads as CSV"
check_eq "$(wc -l <<<"$out")" "7" "a header and six leads"
check_eq "$(sed -n 2p <<<"$out" | cut -d, -f3,7,8,12)" "ana@acme.io,mql,A,100.00" "best first: ana, MQL, A, 100"
check_out "^5,L5,dee@acme.io,Dee,Ray,Acme,lead,B,35,0,5.00,40.00,email$" "dee's pricing view decayed one half-life to 5"

lq leads --stage mql --format json
check_out '"total":2' "two MQLs"
lq leads --grade f
check_out "bob@gmail.com" "filter by grade (case-insensitive)"
lq leads --sort fit --limit 1
check_out "Ana Lima" "sort by fit"
check_out "\(1 of 6 leads; --limit to see more\)" "the table says when it is cut"

lq leads --stage nope
check_rc 2 "an unknown stage is a user error"
check_err "unknown stage 'nope' \(stages: subscriber" "naming the valid stages"

lq show nobody@nowhere.io
check_rc 2 "an unknown lead is a user error"
check_err "no lead 'nobody@nowhere.io'" "naming the key"

lq --now 2026-04-09T00:00:00Z explain ana@acme.io
check_out "engagement 25.0" "a month later (one half-life): pricing 40 -> 20, ebooks 10 -> 5"

done_testing
