/*
 * test_signature.c - webhook signatures (HMAC-SHA256 against the RFC 4231
 * vectors), signature checking (accept, reject, malformed headers) and
 * UUID v4 delivery ids.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "io/signature.h"

static void expect_hmac(const char *key, const void *data, size_t len,
			const char *hex)
{
	char out[65];
	memset(out, 'x', sizeof out);
	lq_sign_hmac_sha256_hex(key, data, len, out);
	assert_string_equal(out, hex);
}

static void fill(char *buf, int c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

static int setup_crypto(void **state)
{
	return lq_crypto_init();
}

static void test_crypto_init_twice(void **state)
{
	assert_int_equal(lq_crypto_init(), 0);
	assert_int_equal(lq_crypto_init(), 0);
}

/* RFC 4231 4.2: key = 20 bytes of 0x0b, data = "Hi There". */
static void test_rfc4231_case1(void **state)
{
	char key[21];
	fill(key, 0x0b, 20);
	expect_hmac(key, "Hi There", 8,
		    "b0344c61d8db38535ca8afceaf0bf12b"
		    "881dc200c9833da726e9376c2e32cff7");
}

/* RFC 4231 4.3: key shorter than the output. */
static void test_rfc4231_case2(void **state)
{
	const char *data = "what do ya want for nothing?";
	expect_hmac("Jefe", data, strlen(data),
		    "5bdcc146bf60754e6a042426089575c7"
		    "5a003f089d2739839dec58b964ec3843");
}

/* RFC 4231 4.4 and 4.5: binary data, 20- and 25-byte keys. */
static void test_rfc4231_case3_case4(void **state)
{
	char key[26], data[51];
	fill(key, 0xaa, 20);
	fill(data, 0xdd, 50);
	expect_hmac(key, data, 50,
		    "773ea91e36800e46854db8ebd09181a7"
		    "2959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		key[i] = (char)(i + 1);
	key[25] = '\0';
	fill(data, 0xcd, 50);
	expect_hmac(key, data, 50,
		    "82558a389a443c0ea4cc819899f2083a"
		    "85f0faa3e578f8077a2e3ff46729665b");
}

/* RFC 4231 4.7 and 4.8: a 131-byte key, longer than the hash block. */
static void test_rfc4231_long_key(void **state)
{
	const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	const char *d7 = "This is a test using a larger than block-size key "
			 "and a larger than block-size data. The key needs to "
			 "be hashed before being used by the HMAC algorithm.";
	char key[132];
	fill(key, 0xaa, 131);
	expect_hmac(key, d6, strlen(d6),
		    "60e431591ee0b67f0d8a26aacbf5b77f"
		    "8e0bc6213728c5140546040f0ee37f54");
	expect_hmac(key, d7, strlen(d7),
		    "9b09ffa71b942fcb27635fbcd5b0e944"
		    "bfdc63644f0713938a7f51535c3a35e2");
}

/* Empty key (NULL counts as "") and empty body. */
static void test_empty_key_and_body(void **state)
{
	const char *want = "b613679a0814d9ec772f95d778c35fc5"
			   "ff1697c493715653c6c712144292c5ad";
	expect_hmac("", "", 0, want);
	expect_hmac(NULL, "", 0, want);
}

static void header_for(const char *secret, const char *body, char *hdr,
		       size_t cap)
{
	char hex[65];
	lq_sign_hmac_sha256_hex(secret, body, strlen(body), hex);
	assert_true(strlen("sha256=") + 64 < cap);
	memcpy(hdr, "sha256=", 7);
	memcpy(hdr + 7, hex, 65);
}

static void test_verify_accepts(void **state)
{
	const char *body = "{\"lead\":42,\"event\":\"mql\"}";
	char hdr[80];
	header_for("s3cret", body, hdr, sizeof hdr);
	assert_int_equal(lq_sign_verify("s3cret", body, strlen(body), hdr), 0);
	/* upper-case hex digits are the same digest */
	for (char *p = hdr + 7; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(lq_sign_verify("s3cret", body, strlen(body), hdr), 0);
}

static void test_verify_rejects_wrong_secret(void **state)
{
	const char *body = "{\"lead\":42}";
	char hdr[80];
	header_for("s3cret", body, hdr, sizeof hdr);
	assert_int_equal(lq_sign_verify("s3cre", body, strlen(body), hdr),
			 LQ_EINVAL);
	assert_int_equal(lq_sign_verify("s3cret!", body, strlen(body), hdr),
			 LQ_EINVAL);
	assert_int_equal(lq_sign_verify("", body, strlen(body), hdr), LQ_EINVAL);
}

static void test_verify_rejects_altered_body(void **state)
{
	const char *body = "{\"lead\":42}";
	const char *altered = "{\"lead\":43}";
	char hdr[80];
	header_for("s3cret", body, hdr, sizeof hdr);
	assert_int_equal(lq_sign_verify("s3cret", altered, strlen(altered), hdr),
			 LQ_EINVAL);
	/* a truncated body is a different body */
	assert_int_equal(lq_sign_verify("s3cret", body, strlen(body) - 1, hdr),
			 LQ_EINVAL);
	/* one flipped digit in the header */
	hdr[10] = hdr[10] == '0' ? '1' : '0';
	assert_int_equal(lq_sign_verify("s3cret", body, strlen(body), hdr),
			 LQ_EINVAL);
}

static void test_verify_rejects_malformed(void **state)
{
	const char *body = "x";
	char hex[65], hdr[100];
	const char *bad[] = {
		"", "sha256=", "sha256", "sha1=abcd", "SHA256=", hex,
	};
	lq_sign_hmac_sha256_hex("k", body, 1, hex);

	assert_int_equal(lq_sign_verify("k", body, 1, NULL), LQ_EINVAL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(lq_sign_verify("k", body, 1, bad[i]), LQ_EINVAL);

	header_for("k", body, hdr, sizeof hdr);
	assert_int_equal(lq_sign_verify("k", body, 1, hdr), 0);
	hdr[7 + 63] = '\0'; /* 63 digits */
	assert_int_equal(lq_sign_verify("k", body, 1, hdr), LQ_EINVAL);
	header_for("k", body, hdr, sizeof hdr);
	memcpy(hdr + 71, "0", 2); /* 65 digits */
	assert_int_equal(lq_sign_verify("k", body, 1, hdr), LQ_EINVAL);
	header_for("k", body, hdr, sizeof hdr);
	memcpy(hdr + 71, " ", 2); /* trailing space */
	assert_int_equal(lq_sign_verify("k", body, 1, hdr), LQ_EINVAL);
	header_for("k", body, hdr, sizeof hdr);
	hdr[20] = 'g'; /* not a hex digit */
	assert_int_equal(lq_sign_verify("k", body, 1, hdr), LQ_EINVAL);
	header_for("k", body, hdr, sizeof hdr);
	hdr[6] = ':'; /* "sha256:" */
	assert_int_equal(lq_sign_verify("k", body, 1, hdr), LQ_EINVAL);
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void check_uuid_v4(const char *id)
{
	assert_int_equal(strlen(id), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(id[i], '-');
		else
			assert_true(is_hex(id[i]));
	}
	assert_int_equal(id[14], '4');
	assert_non_null(strchr("89ab", id[19]));
}

static void test_delivery_id_format(void **state)
{
	char a[37], b[37];
	for (int i = 0; i < 200; i++) {
		memset(a, 'x', sizeof a);
		lq_random_delivery_id(a);
		check_uuid_v4(a);
	}
	lq_random_delivery_id(b);
	check_uuid_v4(b);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_init_twice),
		cmocka_unit_test(test_rfc4231_case1),
		cmocka_unit_test(test_rfc4231_case2),
		cmocka_unit_test(test_rfc4231_case3_case4),
		cmocka_unit_test(test_rfc4231_long_key),
		cmocka_unit_test(test_empty_key_and_body),
		cmocka_unit_test(test_verify_accepts),
		cmocka_unit_test(test_verify_rejects_wrong_secret),
		cmocka_unit_test(test_verify_rejects_altered_body),
		cmocka_unit_test(test_verify_rejects_malformed),
		cmocka_unit_test(test_delivery_id_format),
	};
	return cmocka_run_group_tests(tests, setup_crypto, NULL);
}
