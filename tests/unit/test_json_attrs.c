/*
 * test_json_attrs.c - the fast stored-JSON decoder (io/json_attrs.c)
 * against the general one (lq_attrs_from_json_keys, cJSON): the same map
 * for every text, whichever of them decodes it; the shapes the fast one
 * takes and the ones it leaves to the general decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/value.h"
#include "io/json_attrs.h"

/* The map as JSON text, for comparing two maps. */
static char *attrs_text(const lq_attrs *a)
{
	lq_buf b = LQ_BUF_INIT;
	lq_attrs_to_json(a, &b);
	char *s = lq_xstrdup(lq_buf_str(&b));
	lq_buf_free(&b);
	return s;
}

/* Decode json both ways; assert the same result and return whether the
 * fast decoder took it itself. */
static int same_both_ways(const char *json, const char *const *keys)
{
	lq_attrs fast = LQ_ATTRS_INIT, general = LQ_ATTRS_INIT;
	int rc_general = lq_attrs_from_json_keys(json, keys, &general);
	int flat = lq_json_attrs_flat(json, strlen(json), keys, &fast) == 0;
	if (!flat)
		assert_int_equal(fast.n, 0);     /* left as it was */
	int rc_fast = flat ? 0 : lq_json_attrs_keys(json, strlen(json), keys,
						    &fast);
	if (rc_fast != rc_general)
		fail_msg("%s: fast rc %d, general rc %d", json, rc_fast, rc_general);
	char *a = attrs_text(&fast), *b = attrs_text(&general);
	if (strcmp(a, b) != 0)
		fail_msg("%s: fast %s, general %s", json, a, b);
	free(a);
	free(b);
	lq_attrs_free(&fast);
	lq_attrs_free(&general);
	return flat;
}

static const char *const url_only[] = {"url", NULL};
static const char *const url_and_plan[] = {"url", "plan.name", NULL};

static void test_flat_objects_taken(void **state)
{
	assert_true(same_both_ways("{\"url\":\"/pricing\",\"seconds\":40}", NULL));
	assert_true(same_both_ways("{\"url\":\"/pricing\",\"seconds\":40}", url_only));
	assert_true(same_both_ways(" { \"a\" : -1.5e3 , \"b\" : true,\"c\":false, "
				   "\"d\":null } ", NULL));
	assert_true(same_both_ways("{}", NULL));
	assert_true(same_both_ways("{\"a\":1,\"a\":\"two\"}", NULL)); /* last wins */
	assert_true(same_both_ways("{\"\":1}", NULL));
	assert_true(same_both_ways("{\"url\":\"caf\xc3\xa9\"}", url_only));
	/* cJSON takes 0x01-0x20 as space, and so does the walker: the
	 * nested url is not read as the outer object's */
	assert_true(same_both_ways("{\"k\":\x13 {\"url\":\"x\"},\"u\":1}", url_only));
	assert_true(same_both_ways("{\"a\":1\x0b,\x01\"b\"\x1f:\"x\"}", NULL));
	assert_true(same_both_ways("{\"tags\":[\"a\", 2, true, null, -1e2],"
				   "\"none\":[ ]}", NULL));
	/* unwanted nested values are skipped, not decoded */
	assert_true(same_both_ways("{\"utm\":{\"source\":\"x\"},\"list\":[1,2],"
				   "\"url\":\"/\"}", url_only));
}

static void test_other_shapes_left_to_cjson(void **state)
{
	assert_false(same_both_ways("{\"url\":\"a\\\"b\"}", url_only));
	assert_false(same_both_ways("{\"u\\u0072l\":\"x\"}", url_only));
	assert_false(same_both_ways("{\"plan\":{\"name\":\"pro\"}}", url_and_plan));
	assert_false(same_both_ways("{\"plan\":{\"name\":\"pro\"}}", NULL));
	assert_false(same_both_ways("{\"tags\":[[1]]}", NULL));
	assert_false(same_both_ways("{\"tags\":[{\"a\":1}]}", NULL));
	assert_false(same_both_ways("{\"tags\":[\"a\\\"\"]}", NULL));
	assert_false(same_both_ways("[1,2]", NULL));
	assert_false(same_both_ways("\"text\"", NULL));
	assert_false(same_both_ways("{\"a\":1", NULL));
	assert_false(same_both_ways("{\"a\":tru}", NULL));
	assert_false(same_both_ways("{\"a\":1.2.3}", NULL));
	assert_false(same_both_ways("{\"a\":0x10}", NULL));

	assert_false(same_both_ways("{\"a\":-inf}", NULL));
	assert_false(same_both_ways("{\"a\":-nan}", NULL));
}

/* Random valid objects (as cJSON reads them: it also takes "01" and "1."):
 * either decoder gives the same map. */
static void test_random_flat_objects(void **state)
{
	static const char *const names[] = {"url", "seconds", "plan", "a.b",
					    "title", "u"};
	static const char *const values[] = {"\"/pricing\"", "\"\"", "40",
					     "-0", "1e-3", "12345678901234567890",
					     "true", "false", "null", "\"x y\"",
					     "\"\\n\"", "{\"b\":1}", "[]", "0.5",
					     "-1E+2", "1.", "01", "[\"a\",1]",
					     "[]", "[null, true]"};
	static const char *const *key_sets[] = {NULL, url_only, url_and_plan};
	const size_t nn = sizeof names / sizeof *names;
	const size_t nv = sizeof values / sizeof *values;
	unsigned seed = 12345;
	char json[1024];

	for (int round = 0; round < 4000; round++) {
		size_t len = 0;
		int members = (int)(rand_r(&seed) % 6);
		len += (size_t)snprintf(json + len, sizeof json - len, "{");
		for (int i = 0; i < members; i++)
			len += (size_t)snprintf(json + len, sizeof json - len,
						"%s%s\"%s\":%s", i ? "," : "",
						rand_r(&seed) % 4 ? "" : " ",
						names[rand_r(&seed) % nn],
						values[rand_r(&seed) % nv]);
		snprintf(json + len, sizeof json - len, "}");
		same_both_ways(json, key_sets[rand_r(&seed) % 3]);
	}
}

/* One value, as lq_store_sqlite_col_value reads a column: the same as
 * the general decoder gives for {"v": value}. */
static void same_value(const char *text, int flat_expected)
{
	char json[256];
	lq_attrs general = LQ_ATTRS_INIT;
	lq_value fast;
	int flat = lq_json_value_flat(text, strlen(text), &fast) == 0;

	assert_int_equal(flat, flat_expected);
	if (!flat) {
		assert_int_equal(fast.kind, LQ_V_ABSENT);
		return;
	}
	snprintf(json, sizeof json, "{\"v\":%s}", text);
	assert_int_equal(lq_attrs_from_json_keys(json, NULL, &general), 0);
	lq_attrs fast_map = LQ_ATTRS_INIT;
	if (fast.kind != LQ_V_ABSENT)
		lq_attrs_set(&fast_map, "v", fast);
	char *a = attrs_text(&fast_map), *b = attrs_text(&general);
	assert_string_equal(a, b);
	free(a);
	free(b);
	lq_attrs_free(&fast_map);
	lq_attrs_free(&general);
}

static void test_single_values(void **state)
{
	same_value("[\"Salesforce\",\"HubSpot\"]", 1);
	same_value(" [ ] ", 1);
	same_value("42", 1);
	same_value("\"text\"", 1);
	same_value("null", 1);
	same_value("[1,null,\"x\"]", 1);
	same_value("{\"a\":1}", 0);
	same_value("[1,", 0);
	same_value("[1] x", 0);
	same_value("", 0);
	same_value("\"a\\u0041\"", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_objects_taken),
		cmocka_unit_test(test_other_shapes_left_to_cjson),
		cmocka_unit_test(test_random_flat_objects),
		cmocka_unit_test(test_single_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
