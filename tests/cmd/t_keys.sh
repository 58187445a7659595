# t_keys.sh - API keys on the built binary: key create prints the key once
# (alone on stdout, a note on stderr), key list never shows a key or its
# hash, only a BLAKE2b hash of the secret reaches the database, revoke,
# and exit codes and messages for bad roles, ids and options.
source "$(dirname "$0")/lib.sh"

check_no() { # TEXT HAYSTACK DESCRIPTION  (fixed string must not appear)
	if grep -Fq -- "$1" <<<"$2"; then not_ok "$3" "found '$1'" "in: ${2:0:400}"; else ok "$3"; fi
}
key_re='^lq_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$'

lq key create --role admin
check_rc 2 "key create before init is a user error"
check_err "no database at .*leadq init" "and says to run leadq init"

lq init
lq key --help
check_rc 0 "key --help"
check_out "leadq key create --role ROLE" "names create"
check_out "leadq key revoke ID" "names revoke"
check_out "ingest +send events only" "and explains the roles"
lq key create --help
check_rc 0 "key create --help"
check_out "usage: leadq key create --role admin\|sales\|marketing\|ingest" "create has its own help"
lq key list --help
check_out "usage: leadq key list" "list has its own help"
lq key revoke --help
check_out "usage: leadq key revoke ID" "revoke has its own help"
lq --help
check_out "^  key +create, list or revoke API keys" "leadq --help lists the key command"

# ---- create ----------------------------------------------------------------
lq key create --role admin --name ci
check_rc 0 "key create --role admin"
k1=$out
check_eq "$(wc -l <<<"$out")" "1" "stdout is one line"
check_out "$key_re" "the key alone: lq_, 12 hex digits, _, 43 base64url"
check_err "api key 1 created \(role admin\): this is the only time it is shown" "stderr says it is shown once"
check_no "$k1" "$err" "the note does not repeat the key"
secret1=${k1:16}
prefix1=${k1:3:12}

lq key create --role Sales --format json
check_rc 0 "key create --format json"
check_out '^\{"id":2,"name":null,"role":"sales","prefix":"[0-9a-f]{12}","key":"lq_[0-9a-f]{12}_[A-Za-z0-9_-]{43}"\}$' "JSON: id, name, canonical role, prefix and the key"
k2=$(grep -o 'lq_[0-9a-f]*_[A-Za-z0-9_-]*' <<<"$out")
check_eq "$(grep -o '"prefix":"[0-9a-f]*"' <<<"$out" | cut -d'"' -f4)" "${k2:3:12}" "the JSON prefix is the key's"
check_err "this is the only time it is shown" "JSON create warns too"

KEY=$("$LEADQ" key create --role ingest --name "web tracker" 2>/dev/null)
check_eq "$(grep -Ec "$key_re" <<<"$KEY")" "1" "a script captures the key with \$(...)"
k3=$KEY
check_no "$k1" "$k2$k3" "every key is different"

# ---- storage: a hash, never the key --------------------------------------------
check_eq "$(sql "select count(*) from api_keys")" "3" "three keys stored"
check_eq "$(sql "select role || ',' || name from api_keys where id = 1")" "admin,ci" "role and name stored"
check_eq "$(sql "select prefix from api_keys where id = 1")" "$prefix1" "the prefix is stored"
expected_hash=$(printf '%s=' "$secret1" | tr '_-' '/+' | base64 -d | b2sum -l 256 | cut -d' ' -f1)
check_eq "$(sql "select hash from api_keys where id = 1")" "$expected_hash" "the hash is BLAKE2b-256 of the secret bytes"
dump=$(sqlite3 "$LEADQ_DB" .dump)
for k in "$k1" "$k2" "$k3"; do
	check_no "${k:16}" "$dump" "the secret of ${k:0:15} is not in the database"
done
raw=$(cat "$LEADQ_DB"* | grep -aFc -- "$secret1" || true)
check_eq "$raw" "0" "nor anywhere in the database files' bytes"

# ---- list --------------------------------------------------------------------
lq key list
check_rc 0 "key list"
check_out "^ID +NAME +ROLE +PREFIX +CREATED +REVOKED$" "list columns: id, name, role, prefix, created, revoked"
check_out "^ 1  ci +admin +$prefix1  2026-03-10T00:00:00Z *$" "key 1 with its prefix and time"
check_out "^ 3  web tracker +ingest " "key 3 with its name"
list_table=$out
lq key list --format json
check_rc 0 "key list --format json"
check_out '^\{"keys":\[\{"id":1,"name":"ci","role":"admin","prefix":"'"$prefix1"'","created_at":"2026-03-10T00:00:00Z","revoked_at":null\},' "JSON list"
list_json=$out
for k in "$k1" "$k2" "$k3"; do
	check_no "${k:16}" "$list_table$list_json" "list never shows the secret of ${k:0:15}"
done
check_no "$expected_hash" "$list_table$list_json" "list never shows a hash"
check_no '"key":' "$list_json" "JSON list has no key field"
check_no '"hash"' "$list_json" "nor a hash field"

# ---- revoke ------------------------------------------------------------------
lq --now 2026-03-11T09:30:00Z key revoke 1
check_rc 0 "key revoke 1"
check_out "^api key 1 revoked$" "says so"
check_eq "$(sql "select revoked_at from api_keys where id = 1")" "1773221400000" "revoked at --now"
lq key list
check_out "^ 1  ci +admin +$prefix1  2026-03-10T00:00:00Z  2026-03-11T09:30:00Z$" "list shows when it was revoked"
lq key revoke 1
check_rc 2 "revoking twice is a user error"
check_err "no valid api key 1 \(unknown or revoked already\)" "naming the id"
lq key revoke 99
check_rc 2 "an unknown id is a user error"
check_err "no valid api key 99" "naming the id"
lq key revoke abc
check_rc 2 "a non-numeric id is a user error"
check_err "'abc' is not a key id" "saying so"
lq key revoke 0
check_rc 2 "id 0 is not an id"
lq key revoke
check_rc 2 "revoke without an id"
check_err "usage: leadq key revoke ID" "prints the usage"
lq key revoke 2 3
check_rc 2 "revoke takes one id"

# ---- bad input -----------------------------------------------------------------
before=$(db_hash)
lq key create --role boss
check_rc 2 "an unknown role is a user error"
check_err "^leadq key create: unknown role 'boss' \(roles: admin, sales, marketing, ingest\)$" "naming the valid roles"
check_eq "$out" "" "and prints no key"
lq key create
check_rc 2 "create without --role"
check_err "--role is required \(admin, sales, marketing, ingest\)" "says --role is required"
lq key create --role
check_rc 2 "--role without a value"
lq key create --role ""
check_rc 2 "an empty role"
check_err "unknown role ''" "is an unknown role"
lq key create --role admin --format xml
check_rc 2 "an unknown format"
check_err "unknown format 'xml'" "is named"
lq key create --role admin extra
check_rc 2 "a stray argument"
check_err "unexpected argument 'extra'" "is named"
lq key create --role admin --name "$(printf 'two\nlines')"
check_rc 2 "a name with a control character"
check_err "key name holds a control character" "is refused"
lq key create --role admin --name "$(printf 'n%.0s' $(seq 101))"
check_rc 2 "a name over 100 bytes"
lq key list --format csv
check_rc 2 "list has no csv format"
lq key frobnicate
check_rc 2 "an unknown subcommand"
check_err "unknown subcommand 'frobnicate' \(create, list, revoke\)" "names the subcommands"
lq key
check_rc 2 "key alone is a usage error"
check_err "usage: leadq key create" "and prints the usage"
check_eq "$(db_hash)" "$before" "refused commands change nothing"

done_testing
