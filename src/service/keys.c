/*
 * keys.c - API keys: roles and what they allow, making a key
 * ("lq_<prefix>_<secret>"), checking one a request presents, revoking and
 * listing them. The secret part exists in clear only in the string
 * lq_service_key_create hands back once; it is never stored, logged or put
 * in an error message, and it is compared in constant time.
 */
#include "service/service.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/buf.h"

#define SECRET_BYTES 32
#define HASH_BYTES 32
#define HASH_HEX (2 * HASH_BYTES)
#define NAME_MAX_LEN 100
#define PREFIX_TRIES 8

static const char bad_key_msg[] = "invalid api key";

/* ---- roles ---------------------------------------------------------------- */

static const struct {
	lq_role role;
	const char *name;
} roles[] = {
	{LQ_ROLE_ADMIN, "admin"},
	{LQ_ROLE_SALES, "sales"},
	{LQ_ROLE_MARKETING, "marketing"},
	{LQ_ROLE_INGEST, "ingest"},
};

#define NROLES (sizeof roles / sizeof roles[0])

lq_role lq_role_parse(const char *s)
{
	for (size_t i = 0; s && i < NROLES; i++)
		if (strcasecmp(s, roles[i].name) == 0)
			return roles[i].role;
	return 0;
}

const char *lq_role_name(lq_role r)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "unknown";
}

static int is_role(lq_role r)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].role == r)
			return 1;
	return 0;
}

int lq_role_allows(lq_role have, unsigned needed_mask)
{
	if (!is_role(have))   /* 0 or a mix of bits is no role at all */
		return 0;
	return have == LQ_ROLE_ADMIN || ((unsigned)have & needed_mask) != 0;
}

/* ---- key text ------------------------------------------------------------- */

/* Why BLAKE2b and not argon2: every API request verifies a key, and a
 * password hash costs tens of milliseconds and megabytes by design. That
 * cost only protects low-entropy secrets people choose; these secrets are
 * 256 random bits, so no amount of guessing gets anywhere against a leaked
 * hash and a fast cryptographic hash is exactly as safe. */
static void hash_secret_hex(const unsigned char secret[SECRET_BYTES],
			    char out[HASH_HEX + 1])
{
	unsigned char h[HASH_BYTES];
	crypto_generichash(h, sizeof h, secret, SECRET_BYTES, NULL, 0);
	sodium_bin2hex(out, HASH_HEX + 1, h, sizeof h);
	sodium_memzero(h, sizeof h);
}

static void random_prefix(char out[LQ_KEY_PREFIX_LEN + 1])
{
	unsigned char b[LQ_KEY_PREFIX_LEN / 2];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, LQ_KEY_PREFIX_LEN + 1, b, sizeof b);
}

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return 1;
}

/* Split key into its prefix and the decoded secret; 0 when it has exactly
 * the shape "lq_" 12-lowercase-hex "_" 43-base64url (canonical, so one key
 * has one spelling), -1 otherwise. */
static int parse_key(const char *key, char prefix[LQ_KEY_PREFIX_LEN + 1],
		     unsigned char secret[SECRET_BYTES])
{
	const char *sec, *end = NULL;
	size_t len = 0;

	if (!key || strnlen(key, LQ_KEY_LEN + 1) != LQ_KEY_LEN ||
	    memcmp(key, "lq_", 3) != 0 || key[3 + LQ_KEY_PREFIX_LEN] != '_' ||
	    !is_lower_hex(key + 3, LQ_KEY_PREFIX_LEN))
		return -1;
	sec = key + 3 + LQ_KEY_PREFIX_LEN + 1;
	if (sodium_base642bin(secret, SECRET_BYTES, sec, LQ_KEY_SECRET_LEN,
			      NULL, &len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != SECRET_BYTES || end != sec + LQ_KEY_SECRET_LEN)
		return -1;
	memcpy(prefix, key + 3, LQ_KEY_PREFIX_LEN);
	prefix[LQ_KEY_PREFIX_LEN] = '\0';
	return 0;
}

static char *format_key(const char *prefix, const unsigned char secret[SECRET_BYTES])
{
	char *key = lq_xmalloc(LQ_KEY_LEN + 1);
	memcpy(key, "lq_", 3);
	memcpy(key + 3, prefix, LQ_KEY_PREFIX_LEN);
	key[3 + LQ_KEY_PREFIX_LEN] = '_';
	sodium_bin2base64(key + 3 + LQ_KEY_PREFIX_LEN + 1, LQ_KEY_SECRET_LEN + 1,
			  secret, SECRET_BYTES,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return key;
}

/* ---- operations ------------------------------------------------------------ */

static int check_name(const char *name, lq_error *err)
{
	if (!name)
		return 0;
	if (strlen(name) > NAME_MAX_LEN)
		return lq_error_set(err, LQ_EINVAL, "key name longer than %d bytes",
				    NAME_MAX_LEN);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return lq_error_set(err, LQ_EINVAL,
					    "key name holds a control character");
	return 0;
}

/* A random prefix no stored key has (48 random bits: a clash is already
 * unlikely, the check makes it impossible). */
static int fresh_prefix(lq_service *svc, char prefix[LQ_KEY_PREFIX_LEN + 1],
			lq_error *err)
{
	for (int i = 0; i < PREFIX_TRIES; i++) {
		lq_api_key k;
		memset(&k, 0, sizeof k);
		random_prefix(prefix);
		int rc = lq_store_key_by_prefix(svc->store, prefix, &k, err);
		lq_api_key_free(&k);
		if (rc == LQ_ENOTFOUND) {
			lq_error_clear(err);
			return 0;
		}
		if (rc)
			return rc;
	}
	return lq_error_set(err, LQ_EINTERNAL, "no free api key prefix after %d tries",
			    PREFIX_TRIES);
}

static int store_new_key(lq_service *svc, lq_role role, const char *name,
			 const char *prefix, const char *hash, int64_t *id,
			 lq_error *err)
{
	lq_api_key k = {
		.name = (char *)name, .role = (char *)lq_role_name(role),
		.prefix = (char *)prefix, .hash = (char *)hash,
		.created_at = svc->now,
	};
	int rc = lq_store_key_add(svc->store, &k, err);
	if (rc == 0)
		*id = k.id;
	return rc;
}

int lq_service_key_create(lq_service *svc, const char *role, const char *name,
			  char **key_out, int64_t *id, lq_error *err)
{
	unsigned char secret[SECRET_BYTES];
	char prefix[LQ_KEY_PREFIX_LEN + 1], hash[HASH_HEX + 1];
	lq_role r = lq_role_parse(role);
	int rc;

	*key_out = NULL;
	if (!r)
		return lq_error_set(err, LQ_EINVAL,
				    "unknown role '%s' (roles: admin, sales, marketing, ingest)",
				    role ? role : "");
	if ((rc = check_name(name, err)))
		return rc;
	if ((rc = lq_store_begin(svc->store, err)))
		return rc;
	randombytes_buf(secret, sizeof secret);
	hash_secret_hex(secret, hash);
	rc = fresh_prefix(svc, prefix, err);
	if (rc == 0)
		rc = store_new_key(svc, r, name, prefix, hash, id, err);
	if (rc == 0)
		rc = lq_store_commit(svc->store, err);
	if (rc)
		lq_store_rollback(svc->store);
	else
		*key_out = format_key(prefix, secret);
	sodium_memzero(secret, sizeof secret);
	return rc;
}

/* 0 when the stored record matches the secret and is still valid. */
static int key_matches(const lq_api_key *k, const unsigned char secret[SECRET_BYTES])
{
	char hash[HASH_HEX + 1];
	int same;

	hash_secret_hex(secret, hash);
	same = k->hash && strlen(k->hash) == HASH_HEX &&
	       sodium_memcmp(hash, k->hash, HASH_HEX) == 0;
	return (same && k->revoked_at == 0 && lq_role_parse(k->role)) ? 0 : -1;
}

/* Only the secret's comparison has to take constant time: the prefix is
 * public, so answering an unknown prefix sooner gives nothing away. */
int lq_service_key_verify(lq_service *svc, const char *key, lq_api_key *out,
			  lq_error *err)
{
	unsigned char secret[SECRET_BYTES];
	char prefix[LQ_KEY_PREFIX_LEN + 1];
	lq_api_key k;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&k, 0, sizeof k);
	if (parse_key(key, prefix, secret) != 0)
		return lq_error_set(err, LQ_ENOTFOUND, "%s", bad_key_msg);
	rc = lq_store_key_by_prefix(svc->store, prefix, &k, err);
	if (rc == 0 && key_matches(&k, secret) != 0)
		rc = LQ_ENOTFOUND;
	sodium_memzero(secret, sizeof secret);
	if (rc) {
		lq_api_key_free(&k);
		return rc == LQ_ENOTFOUND ? lq_error_set(err, LQ_ENOTFOUND, "%s", bad_key_msg)
					  : rc;
	}
	free(k.hash);
	k.hash = NULL;
	*out = k;
	return 0;
}

int lq_service_key_revoke(lq_service *svc, int64_t id, lq_error *err)
{
	int rc = lq_store_key_revoke(svc->store, id, svc->now, err);
	if (rc == LQ_ENOTFOUND)
		return lq_error_set(err, LQ_ENOTFOUND,
				    "no valid api key %lld (unknown or revoked already)",
				    (long long)id);
	return rc;
}

int lq_service_keys(lq_service *svc, lq_api_key **out, size_t *n, lq_error *err)
{
	int rc;

	*out = NULL;
	*n = 0;
	rc = lq_store_keys(svc->store, out, n, err);
	for (size_t i = 0; rc == 0 && i < *n; i++) {
		free((*out)[i].hash);
		(*out)[i].hash = NULL;
	}
	return rc;
}
