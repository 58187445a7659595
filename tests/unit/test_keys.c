/*
 * test_keys.c - API keys through a real temporary database: the key
 * format, create/verify round trips, wrong secrets, malformed keys of
 * every shape, revocation, that only a hash reaches the database file
 * (its bytes are searched for the secret), and roles with their
 * permission matrix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>

#include "io/signature.h"
#include "service/service.h"

#define T0 1772323200000LL   /* 2026-03-01T00:00:00Z */

typedef struct kfix {
	char dir[64];
	char path[128];
	lq_service *svc;
} kfix;

static int setup(void **state)
{
	kfix *f = calloc(1, sizeof *f);
	lq_error err = {0};

	if (!f || lq_crypto_init())
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/leadq-keys-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/leadq.db", f->dir);
	if (lq_service_open(f->path, 1, T0, &f->svc, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static void remove_files(const kfix *f)
{
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[160];
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
}

static int teardown(void **state)
{
	kfix *f = *state;
	lq_service_close(f->svc);
	remove_files(f);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Create a key (the test fails otherwise); caller frees. */
static char *create(lq_service *svc, const char *role, const char *name,
		    int64_t *id)
{
	lq_error err = {0};
	char *key = NULL;
	int64_t dummy;
	int rc = lq_service_key_create(svc, role, name, &key, id ? id : &dummy, &err);
	if (rc)
		fail_msg("key create: %s", err.msg);
	assert_non_null(key);
	return key;
}

static void expect_invalid(lq_service *svc, const char *key)
{
	lq_api_key k;
	lq_error err = {0};
	int rc = lq_service_key_verify(svc, key, &k, &err);
	if (rc != LQ_ENOTFOUND)
		fail_msg("key '%s' verified with %d, expected LQ_ENOTFOUND",
			 key ? key : "(null)", rc);
	assert_string_equal(err.msg, "invalid api key");
	assert_int_equal(err.code, LQ_ENOTFOUND);
	assert_int_equal(k.id, 0);
	assert_null(k.role);
}

static int is_b64url(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* ---- format ------------------------------------------------------------- */

static void test_key_format(void **state)
{
	kfix *f = *state;
	int64_t id1 = 0, id2 = 0;
	char *a = create(f->svc, "admin", "ci", &id1);
	char *b = create(f->svc, "ingest", NULL, &id2);
	unsigned char bin[64];
	size_t len = 0;

	assert_int_equal(strlen(a), 59);
	assert_int_equal(LQ_KEY_LEN, 59);
	assert_memory_equal(a, "lq_", 3);
	for (int i = 3; i < 15; i++)
		assert_true((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
	assert_int_equal(a[15], '_');
	for (int i = 16; i < 59; i++)
		assert_true(is_b64url(a[i]));
	assert_int_equal(sodium_base642bin(bin, sizeof bin, a + 16, 43, NULL, &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(len, 32);
	assert_true(id1 > 0);
	assert_int_equal(id2, id1 + 1);
	assert_true(memcmp(a + 3, b + 3, 12) != 0);    /* random prefixes */
	assert_true(memcmp(a + 16, b + 16, 43) != 0);  /* random secrets */
	free(a);
	free(b);
}

/* ---- create / verify ---------------------------------------------------- */

static void test_round_trip(void **state)
{
	kfix *f = *state;
	int64_t id = 0;
	char *key = create(f->svc, "Marketing", "campaign tool", &id);
	lq_api_key k;
	lq_error err = {0};

	assert_int_equal(lq_service_key_verify(f->svc, key, &k, &err), 0);
	assert_int_equal(k.id, id);
	assert_string_equal(k.name, "campaign tool");
	assert_string_equal(k.role, "marketing");          /* canonical name */
	assert_int_equal(lq_role_parse(k.role), LQ_ROLE_MARKETING);
	assert_int_equal(strlen(k.prefix), 12);
	assert_memory_equal(k.prefix, key + 3, 12);
	assert_null(k.hash);                               /* never handed out */
	assert_int_equal(k.created_at, T0);
	assert_int_equal(k.revoked_at, 0);
	lq_api_key_free(&k);
	free(key);
}

static void test_survives_reopen(void **state)
{
	kfix *f = *state;
	int64_t id = 0;
	char *key = create(f->svc, "sales", "crm", &id);
	lq_api_key k;
	lq_error err = {0};

	lq_service_close(f->svc);
	f->svc = NULL;
	assert_int_equal(lq_service_open(f->path, 0, T0 + 1000, &f->svc, &err), 0);
	assert_int_equal(lq_service_key_verify(f->svc, key, &k, &err), 0);
	assert_int_equal(k.id, id);
	assert_string_equal(k.role, "sales");
	lq_api_key_free(&k);
	free(key);
}

static void test_wrong_secret(void **state)
{
	kfix *f = *state;
	char *a = create(f->svc, "admin", NULL, NULL);
	char *b = create(f->svc, "admin", NULL, NULL);
	char mixed[LQ_KEY_LEN + 1];

	/* One character of the secret changed (position 20 is a full 6 bits,
	 * so any other letter is still a canonical encoding). */
	memcpy(mixed, a, sizeof mixed);
	mixed[20] = mixed[20] == 'A' ? 'B' : 'A';
	expect_invalid(f->svc, mixed);
	/* a's prefix with b's secret: a real secret, the wrong key */
	memcpy(mixed, a, 16);
	memcpy(mixed + 16, b + 16, 44);
	expect_invalid(f->svc, mixed);
	/* a valid shape with a prefix no key has */
	memcpy(mixed, a, sizeof mixed);
	memcpy(mixed + 3, a[3] == '0' ? "111111111111" : "000000000000", 12);
	expect_invalid(f->svc, mixed);
	free(a);
	free(b);
}

static void test_malformed(void **state)
{
	kfix *f = *state;
	char *key = create(f->svc, "admin", NULL, NULL);
	char buf[256], *big;
	lq_api_key k;
	lq_error err = {0};

	expect_invalid(f->svc, NULL);
	expect_invalid(f->svc, "");
	expect_invalid(f->svc, "lq_");
	expect_invalid(f->svc, "lq__");
	expect_invalid(f->svc, "Bearer");
	snprintf(buf, sizeof buf, "%.15s", key);            /* prefix only */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%.16s", key);            /* empty secret */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%.58s", key);            /* one char short */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%sA", key);              /* one char long */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s=", key);              /* padding */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, " %s", key);              /* blanks */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s\n", key);
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s", key);
	buf[0] = 'L';                                       /* LQ_ */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s", key);
	buf[2] = '-';                                       /* lq- */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s", key);
	buf[15] = '-';                                      /* no separator */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s", key);
	buf[5] = 'g';                                       /* not hex */
	expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s", key);
	for (int i = 3; i < 15; i++)                        /* upper-case hex */
		if (buf[i] >= 'a' && buf[i] <= 'f')
			buf[i] = (char)(buf[i] - 'a' + 'A');
	if (memcmp(buf, key, 15) != 0)
		expect_invalid(f->svc, buf);
	snprintf(buf, sizeof buf, "%s", key);
	buf[30] = '+';                                      /* standard base64 */
	expect_invalid(f->svc, buf);
	buf[30] = '/';
	expect_invalid(f->svc, buf);
	buf[30] = '.';
	expect_invalid(f->svc, buf);
	/* Non-canonical: the last character carries 4 data bits and 2 bits
	 * that must be zero ('B' = 000001 has a padding bit set). */
	snprintf(buf, sizeof buf, "%s", key);
	buf[58] = 'B';
	expect_invalid(f->svc, buf);
	/* the right key with the secret cut into the prefix's place */
	snprintf(buf, sizeof buf, "lq_%s", key + 16);
	expect_invalid(f->svc, buf);
	/* a huge header */
	big = malloc(100001);
	memset(big, 'a', 100000);
	big[100000] = '\0';
	memcpy(big, key, 59);
	expect_invalid(f->svc, big);
	free(big);
	/* and the real key still works after all that */
	assert_int_equal(lq_service_key_verify(f->svc, key, &k, &err), 0);
	lq_api_key_free(&k);
	free(key);
}

static void test_error_does_not_echo_the_key(void **state)
{
	kfix *f = *state;
	char *key = create(f->svc, "admin", NULL, NULL);
	lq_api_key k;
	lq_error err = {0};

	key[40] = key[40] == 'x' ? 'y' : 'x';
	assert_int_equal(lq_service_key_verify(f->svc, key, &k, &err), LQ_ENOTFOUND);
	assert_null(strstr(err.msg, key + 16));
	assert_null(strstr(err.msg, key + 3 + 6));
	free(key);
}

/* ---- revoke / list ------------------------------------------------------ */

static void test_revoked(void **state)
{
	kfix *f = *state;
	int64_t id = 0, other = 0;
	char *key = create(f->svc, "sales", "rep", &id);
	char *keep = create(f->svc, "sales", "rep 2", &other);
	lq_api_key *list = NULL, k;
	lq_error err = {0};
	size_t n = 0;

	f->svc->now = T0 + 5000;
	assert_int_equal(lq_service_key_revoke(f->svc, id, &err), 0);
	expect_invalid(f->svc, key);
	assert_int_equal(lq_service_key_verify(f->svc, keep, &k, &err), 0);
	assert_int_equal(k.id, other);
	lq_api_key_free(&k);
	assert_int_equal(lq_service_key_revoke(f->svc, id, &err), LQ_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no valid api key"));
	assert_int_equal(lq_service_key_revoke(f->svc, 999, &err), LQ_ENOTFOUND);

	assert_int_equal(lq_service_keys(f->svc, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id);
	assert_int_equal(list[0].revoked_at, T0 + 5000);
	assert_int_equal(list[1].revoked_at, 0);
	assert_string_equal(list[1].name, "rep 2");
	for (size_t i = 0; i < n; i++) {
		assert_null(list[i].hash);
		assert_int_equal(strlen(list[i].prefix), 12);
	}
	lq_api_keys_free(list, n);
	free(key);
	free(keep);
}

static void test_bad_role_and_name(void **state)
{
	kfix *f = *state;
	char *key = (char *)"untouched", long_name[200];
	lq_error err = {0};
	int64_t id = -1;
	lq_api_key *list = NULL;
	size_t n = 9;

	assert_int_equal(lq_service_key_create(f->svc, "boss", NULL, &key, &id, &err),
			 LQ_EINVAL);
	assert_null(key);
	assert_string_equal(err.msg, "unknown role 'boss' (roles: admin, sales, marketing, ingest)");
	assert_int_equal(lq_service_key_create(f->svc, NULL, NULL, &key, &id, &err),
			 LQ_EINVAL);
	assert_int_equal(lq_service_key_create(f->svc, "", NULL, &key, &id, &err),
			 LQ_EINVAL);
	memset(long_name, 'n', 101);
	long_name[101] = '\0';
	assert_int_equal(lq_service_key_create(f->svc, "admin", long_name, &key, &id, &err),
			 LQ_EINVAL);
	assert_int_equal(lq_service_key_create(f->svc, "admin", "two\nlines", &key, &id, &err),
			 LQ_EINVAL);
	assert_null(key);
	assert_int_equal(lq_service_keys(f->svc, &list, &n, &err), 0);
	assert_int_equal(n, 0);   /* nothing was stored */
	lq_api_keys_free(list, n);
	long_name[100] = '\0';    /* exactly 100 bytes is fine */
	key = create(f->svc, "admin", long_name, NULL);
	free(key);
}

/* ---- the database holds a hash, not the key ------------------------------ */

static int file_contains(const char *path, const void *needle, size_t len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, cap = 0, got;
	int found;

	if (!fp)
		return 0;
	do {
		if (cap - n < 65536)
			data = realloc(data, cap = cap * 2 + 65536);
		got = fread(data + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	found = memmem(data, n, needle, len) != NULL;
	free(data);
	return found;
}

static int db_contains(const kfix *f, const void *needle, size_t len)
{
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	return file_contains(f->path, needle, len) || file_contains(wal, needle, len);
}

static void test_hash_stored_not_key(void **state)
{
	kfix *f = *state;
	char *key = create(f->svc, "admin", "root", NULL);
	unsigned char secret[32], h[32];
	char hex[65], prefix[13];
	lq_api_key *list = NULL;
	lq_error err = {0};
	size_t n = 0, len = 0;

	assert_int_equal(sodium_base642bin(secret, sizeof secret, key + 16, 43, NULL,
					   &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	crypto_generichash(h, sizeof h, secret, sizeof secret, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	assert_int_equal(lq_store_keys(f->svc->store, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].hash, hex);            /* BLAKE2b-256, hex */
	lq_api_keys_free(list, n);

	lq_service_close(f->svc);                          /* flush to the file */
	f->svc = NULL;
	memcpy(prefix, key + 3, 12);
	prefix[12] = '\0';
	/* the search works: what is stored is found */
	assert_true(db_contains(f, prefix, 12));
	assert_true(db_contains(f, hex, 64));
	/* and the secret is nowhere, in any spelling */
	assert_false(db_contains(f, key, strlen(key)));
	assert_false(db_contains(f, key + 16, 43));
	assert_false(db_contains(f, key + 16, 12));
	assert_false(db_contains(f, secret, sizeof secret));
	assert_false(db_contains(f, secret, 8));
	assert_int_equal(lq_service_open(f->path, 0, T0, &f->svc, &err), 0);
	free(key);
}

/* ---- roles ---------------------------------------------------------------- */

static void test_role_parse(void **state)
{
	assert_int_equal(lq_role_parse("admin"), LQ_ROLE_ADMIN);
	assert_int_equal(lq_role_parse("sales"), LQ_ROLE_SALES);
	assert_int_equal(lq_role_parse("marketing"), LQ_ROLE_MARKETING);
	assert_int_equal(lq_role_parse("ingest"), LQ_ROLE_INGEST);
	assert_int_equal(lq_role_parse("ADMIN"), LQ_ROLE_ADMIN);
	assert_int_equal(lq_role_parse("Sales"), LQ_ROLE_SALES);
	assert_int_equal(lq_role_parse(NULL), 0);
	assert_int_equal(lq_role_parse(""), 0);
	assert_int_equal(lq_role_parse("adm"), 0);
	assert_int_equal(lq_role_parse("admin "), 0);
	assert_int_equal(lq_role_parse("administrator"), 0);
	assert_int_equal(lq_role_parse("root"), 0);
	assert_string_equal(lq_role_name(LQ_ROLE_ADMIN), "admin");
	assert_string_equal(lq_role_name(LQ_ROLE_SALES), "sales");
	assert_string_equal(lq_role_name(LQ_ROLE_MARKETING), "marketing");
	assert_string_equal(lq_role_name(LQ_ROLE_INGEST), "ingest");
	assert_string_equal(lq_role_name(0), "unknown");
	assert_string_equal(lq_role_name(LQ_ROLE_SALES | LQ_ROLE_ADMIN), "unknown");
	for (lq_role r = 1; r <= 8; r <<= 1)
		assert_int_equal(lq_role_parse(lq_role_name(r)), r);
}

static void test_role_allows_matrix(void **state)
{
	/* routes: events, read leads, lifecycle, model, admin only */
	const unsigned need[] = {
		LQ_ROLE_INGEST,
		LQ_ROLE_SALES | LQ_ROLE_MARKETING,
		LQ_ROLE_SALES,
		LQ_ROLE_MARKETING,
		0,
	};
	const lq_role have[] = {LQ_ROLE_INGEST, LQ_ROLE_SALES, LQ_ROLE_MARKETING,
				LQ_ROLE_ADMIN};
	const int expect[4][5] = {
		/*            events leads life model admin */
		/* ingest */ {1,     0,    0,   0,    0},
		/* sales */  {0,     1,    1,   0,    0},
		/* mktg */   {0,     1,    0,   1,    0},
		/* admin */  {1,     1,    1,   1,    1},
	};
	for (size_t r = 0; r < 4; r++)
		for (size_t c = 0; c < 5; c++)
			if (lq_role_allows(have[r], need[c]) != expect[r][c])
				fail_msg("role %s, route %zu: got %d, expected %d",
					 lq_role_name(have[r]), c,
					 lq_role_allows(have[r], need[c]), expect[r][c]);
	/* no role, or a forged mix of bits, is allowed nothing */
	assert_int_equal(lq_role_allows(0, LQ_ROLE_INGEST), 0);
	assert_int_equal(lq_role_allows(0, 0), 0);
	assert_int_equal(lq_role_allows(LQ_ROLE_SALES | LQ_ROLE_ADMIN, LQ_ROLE_SALES), 0);
	assert_int_equal(lq_role_allows((lq_role)16, 0xffu), 0);
	/* a route may list admin explicitly: same answer */
	assert_int_equal(lq_role_allows(LQ_ROLE_ADMIN, LQ_ROLE_ADMIN), 1);
	assert_int_equal(lq_role_allows(LQ_ROLE_SALES, LQ_ROLE_SALES | LQ_ROLE_ADMIN), 1);
	assert_int_equal(lq_role_allows(LQ_ROLE_INGEST, LQ_ROLE_SALES | LQ_ROLE_ADMIN), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_does_not_echo_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_role_and_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_stored_not_key, setup, teardown),
		cmocka_unit_test(test_role_parse),
		cmocka_unit_test(test_role_allows_matrix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
