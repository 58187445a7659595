/*
 * test_value.c - core helpers: values from text, lists, attribute maps and
 * their JSON round trip, JSON/CSV escaping in lq_buf, the int64 map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/imap.h"
#include "core/lead.h"
#include "core/value.h"

static void test_value_from_text(void **state)
{
	lq_value v = lq_value_from_text("42");
	assert_int_equal(v.kind, LQ_V_NUM);
	assert_float_equal(v.num, 42, 0);
	v = lq_value_from_text("-1.5e3");
	assert_float_equal(v.num, -1500, 0);
	assert_int_equal(lq_value_from_text("").kind, LQ_V_ABSENT);
	v = lq_value_from_text("nan");
	assert_int_equal(v.kind, LQ_V_STR);
	lq_value_free(&v);
	v = lq_value_from_text("0x10");
	assert_int_equal(v.kind, LQ_V_STR);
	lq_value_free(&v);
	v = lq_value_from_text("12 apples");
	assert_int_equal(v.kind, LQ_V_STR);
	assert_string_equal(v.str, "12 apples");
	lq_value_free(&v);
	assert_int_equal(v.kind, LQ_V_ABSENT);
}

static void test_list_split(void **state)
{
	lq_value v = lq_value_list_split(" salesforce ; hubspot;;", ';');
	assert_int_equal(v.kind, LQ_V_LIST);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.items[0].str, "salesforce");
	assert_string_equal(v.items[1].str, "hubspot");
	lq_value_free(&v);
	v = lq_value_list_split(" ; ", ';');
	assert_int_equal(v.kind, LQ_V_ABSENT);
}

static void test_attrs_json_round_trip(void **state)
{
	lq_attrs a = LQ_ATTRS_INIT, b = LQ_ATTRS_INIT;
	lq_buf json = LQ_BUF_INIT;
	lq_attrs_set(&a, "plan", lq_value_str("pro \"gold\"\n"));
	lq_attrs_set(&a, "seats", lq_value_num(12));
	lq_attrs_set(&a, "tags", lq_value_list_split("a;b", ';'));
	lq_attrs_set(&a, "seats", lq_value_num(13));  /* replaces */
	assert_int_equal(a.n, 3);
	lq_attrs_to_json(&a, &json);
	assert_string_equal(lq_buf_str(&json),
			    "{\"plan\":\"pro \\\"gold\\\"\\n\",\"seats\":13,\"tags\":[\"a\",\"b\"]}");
	assert_int_equal(lq_attrs_from_json(lq_buf_str(&json), &b), 0);
	assert_string_equal(lq_attrs_get(&b, "plan")->str, "pro \"gold\"\n");
	assert_float_equal(lq_attrs_get(&b, "seats")->num, 13, 0);
	assert_int_equal(lq_attrs_get(&b, "tags")->n, 2);
	assert_null(lq_attrs_get(&b, "missing"));
	lq_attrs_free(&b);
	assert_int_equal(lq_attrs_from_json("{\"utm\":{\"source\":\"x\"},\"ok\":true}", &b), 0);
	assert_string_equal(lq_attrs_get(&b, "utm.source")->str, "x");
	assert_string_equal(lq_attrs_get(&b, "ok")->str, "true");
	assert_int_equal(lq_attrs_from_json("[1]", &b), -1);
	lq_attrs_free(&b);

	/* Only the keys asked for, nested ones by their flattened name; a
	 * key repeated in the object keeps its last value, as without keys. */
	static const char *const keys[] = {"url", "utm.source", NULL};
	assert_int_equal(lq_attrs_from_json_keys("{\"url\":\"/a\",\"seconds\":3,"
		"\"utm\":{\"source\":\"x\",\"medium\":\"y\"},\"url\":\"/b\"}",
		keys, &b), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(lq_attrs_get(&b, "url")->str, "/b");
	assert_string_equal(lq_attrs_get(&b, "utm.source")->str, "x");
	assert_null(lq_attrs_get(&b, "seconds"));
	lq_attrs_free(&b);
	static const char *const none[] = {NULL};
	assert_int_equal(lq_attrs_from_json_keys("{\"url\":\"/a\"}", none, &b), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(lq_attrs_from_json_keys("{\"url\":", keys, &b), -1);
	lq_attrs_free(&a);
	lq_attrs_free(&b);
	lq_buf_free(&json);
}

static void test_buf_escaping(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_add_csv_cell(&b, "plain");
	lq_buf_addc(&b, ',');
	lq_buf_add_csv_cell(&b, "a,\"b\"");
	assert_string_equal(lq_buf_str(&b), "plain,\"a,\"\"b\"\"\"");
	lq_buf_reset(&b);
	lq_buf_add_json_str(&b, "tab\there\x01");
	assert_string_equal(lq_buf_str(&b), "\"tab\\there\\u0001\"");
	char *s = lq_buf_take(&b);
	assert_null(b.data);
	free(s);
}

static void test_email_helpers(void **state)
{
	char *d = lq_email_domain("Ana@Acme.IO");
	assert_string_equal(d, "acme.io");
	free(d);
	assert_null(lq_email_domain("nobody"));
	assert_true(lq_looks_like_email("a@b.io"));
	assert_false(lq_looks_like_email("a@b"));
	assert_false(lq_looks_like_email("a b@c.io"));
	assert_false(lq_looks_like_email("@c.io"));
	assert_false(lq_looks_like_email("a@b@c.io"));
}

static void test_imap(void **state)
{
	lq_imap m = LQ_IMAP_INIT;
	static int vals[1000];
	for (int i = 0; i < 1000; i++)
		lq_imap_put(&m, (int64_t)i * 7919 + 1, &vals[i]);
	assert_int_equal(m.n, 1000);
	for (int i = 0; i < 1000; i++)
		assert_ptr_equal(lq_imap_get(&m, (int64_t)i * 7919 + 1), &vals[i]);
	assert_null(lq_imap_get(&m, 2));
	lq_imap_put(&m, 1, &vals[5]);
	assert_int_equal(m.n, 1000);
	assert_ptr_equal(lq_imap_get(&m, 1), &vals[5]);
	lq_imap_clear(&m);
	assert_null(lq_imap_get(&m, 1));
	lq_imap_free(&m);
}

/* swap: the value before (NULL when absent), the new one after; a key
 * swapped in counts once; key 0 is never stored. */
static void test_imap_swap(void **state)
{
	lq_imap m = LQ_IMAP_INIT;
	static int vals[3000];
	for (int i = 0; i < 3000; i++)
		assert_null(lq_imap_swap(&m, (int64_t)i * 104729 + 3, &vals[i]));
	assert_int_equal(m.n, 3000);
	for (int i = 0; i < 3000; i++)
		assert_ptr_equal(lq_imap_swap(&m, (int64_t)i * 104729 + 3,
					      &vals[2999 - i]), &vals[i]);
	assert_int_equal(m.n, 3000);
	for (int i = 0; i < 3000; i++)
		assert_ptr_equal(lq_imap_get(&m, (int64_t)i * 104729 + 3),
				 &vals[2999 - i]);
	assert_null(lq_imap_swap(&m, 0, &vals[0]));
	assert_null(lq_imap_get(&m, 0));
	assert_int_equal(m.n, 3000);
	lq_imap_free(&m);
}

/* lq_map_hash64: the same string and seed, the same hash; a change of
 * the seed, or of any one byte at any length of 0-40 bytes (the word
 * loop and its tail), another: no two of 4,001 distinct strings collide.
 * String v of length len is len 'a's with byte v % len set to
 * 'b' + v / len: distinct for distinct (len, v). */
static void test_map_hash(void **state)
{
	enum { LEN = 40, PER_LEN = 100 };
	static uint64_t seen[1 + LEN * PER_LEN];
	char s[LEN + 1];
	size_t k = 0;

	assert_int_equal(lq_map_hash64("ana@acme.io", 7),
			 lq_map_hash64("ana@acme.io", 7));
	assert_true(lq_map_hash64("ana@acme.io", 7) !=
		    lq_map_hash64("ana@acme.io", 8));
	seen[k++] = lq_map_hash64("", LQ_HASH_SEED);
	for (int len = 1; len <= LEN; len++)
		for (int v = 0; v < PER_LEN; v++) {
			memset(s, 'a', (size_t)len);
			s[len] = 0;
			s[v % len] = (char)('b' + v / len);
			seen[k++] = lq_map_hash64(s, LQ_HASH_SEED);
		}
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			if (seen[i] == seen[j])
				fail_msg("strings %zu and %zu collide", i, j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_from_text),
		cmocka_unit_test(test_list_split),
		cmocka_unit_test(test_attrs_json_round_trip),
		cmocka_unit_test(test_buf_escaping),
		cmocka_unit_test(test_email_helpers),
		cmocka_unit_test(test_imap),
		cmocka_unit_test(test_imap_swap),
		cmocka_unit_test(test_map_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
