/*
 * test_event_map.c - unit tests of the model's event_map section (Segment
 * event names -> leadq event types): entries load in file order, the
 * lookup matches exactly first and then ignoring case, every mistake
 * (non-mapping, bad type, duplicate, too many, empty or long names) is
 * reported at its line:col, and the example model's event_map loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/model.h"
#include "test_model_fixtures.h"

#define EXAMPLE LQ_TEST_DATA "/../../examples/model.yaml"

static void test_entries_and_lookup(void **state)
{
	(void)state;
	lq_model *m = load_ok("version: 1\n"
			      "event_map:\n"
			      "  \"Demo Requested\": demo_request\n"
			      "  Contact Sales Clicked: contact_sales\n"
			      "  'Whitepaper Downloaded': content_download\n"
			      "  signup: trial_signup_2\n");
	assert_int_equal(m->nevent_map, 4);
	assert_string_equal(m->event_map[0].name, "Demo Requested");
	assert_string_equal(m->event_map[0].type, "demo_request");
	assert_int_equal(m->event_map[0].line, 3);
	assert_string_equal(m->event_map[1].name, "Contact Sales Clicked");
	assert_string_equal(m->event_map[3].type, "trial_signup_2");
	assert_string_equal(lq_model_event_type(m, "Demo Requested"), "demo_request");
	assert_string_equal(lq_model_event_type(m, "demo requested"), "demo_request");
	assert_string_equal(lq_model_event_type(m, "CONTACT SALES CLICKED"),
			    "contact_sales");
	assert_string_equal(lq_model_event_type(m, "Whitepaper Downloaded"),
			    "content_download");
	assert_string_equal(lq_model_event_type(m, "SignUp"), "trial_signup_2");
	assert_null(lq_model_event_type(m, "Demo Requested "));
	assert_null(lq_model_event_type(m, "Demo"));
	assert_null(lq_model_event_type(m, ""));
	assert_null(lq_model_event_type(m, "zzz"));
	assert_null(lq_model_event_type(m, NULL));
	assert_null(lq_model_event_type(NULL, "Demo Requested"));
	lq_model_free(m);
}

static void test_exact_before_nocase(void **state)
{
	(void)state;
	lq_model *m = load_ok("event_map:\n"
			      "  demo requested: lower_first\n"
			      "  DEMO REQUESTED: upper\n"
			      "  Demo Requested: exact\n");
	assert_string_equal(lq_model_event_type(m, "Demo Requested"), "exact");
	assert_string_equal(lq_model_event_type(m, "DEMO REQUESTED"), "upper");
	assert_string_equal(lq_model_event_type(m, "demo requested"), "lower_first");
	/* no exact entry: the first one in file order ignoring case */
	assert_string_equal(lq_model_event_type(m, "Demo requested"), "lower_first");
	lq_model_free(m);
}

static void test_empty_and_absent(void **state)
{
	(void)state;
	lq_model *m = load_ok("version: 1\n");
	assert_int_equal(m->nevent_map, 0);
	assert_null(lq_model_event_type(m, "Demo Requested"));
	lq_model_free(m);
	m = load_ok("event_map:\n");
	assert_int_equal(m->nevent_map, 0);
	assert_null(lq_model_event_type(m, "x"));
	lq_model_free(m);
	m = load_ok("event_map: {}\n");
	assert_int_equal(m->nevent_map, 0);
	lq_model_free(m);
}

static void test_not_a_mapping(void **state)
{
	(void)state;
	expect_one("event_map: [demo_request]\n", 1, 12,
		   "event_map must be a mapping of Segment event names to event types");
	expect_one("version: 1\nevent_map: demo_request\n", 2, 12,
		   "event_map must be a mapping");
}

static void test_bad_types(void **state)
{
	(void)state;
	expect_one("event_map:\n  \"Demo Requested\": Demo_Request\n", 2, 21,
		   "bad event type 'Demo_Request' for 'Demo Requested' in event_map "
		   "(use 1 to 64 of a-z, 0-9 and _)");
	expect_one("event_map:\n  x: demo request\n", 2, 6,
		   "bad event type 'demo request' for 'x'");
	expect_one("event_map:\n  x: demo-request\n", 2, 6, "bad event type");
	expect_one("event_map:\n  x: \"\"\n", 2, 6, "bad event type '' for 'x'");
	expect_one("event_map:\n  x:\n", 2, 5,
		   "missing event type for 'x' in event_map");
	expect_one("event_map:\n  x: [a, b]\n", 2, 6,
		   "event type for 'x' in event_map must be a name like "
		   "demo_request, not a list");
	expect_one("event_map:\n  x: {a: b}\n", 2, 6, "not a mapping");

	char yaml[200], type[70];
	memset(type, 'a', 65);
	type[65] = '\0';
	snprintf(yaml, sizeof yaml, "event_map:\n  x: %s\n", type);
	expect_one(yaml, 2, 6, "bad event type 'aaaa");
	type[64] = '\0';   /* 64 bytes is fine */
	snprintf(yaml, sizeof yaml, "event_map:\n  x: %s\n", type);
	lq_model *m = load_ok(yaml);
	assert_string_equal(lq_model_event_type(m, "x"), type);
	lq_model_free(m);
}

static void test_bad_names(void **state)
{
	(void)state;
	expect_one("event_map:\n  \"\": demo_request\n", 2, 3,
		   "empty event name in event_map");
	expect_one("event_map:\n  ~: demo_request\n", 2, 3,
		   "empty event name in event_map");
	expect_one("event_map:\n  [a, b]: demo_request\n", 2, 3,
		   "event names in event_map must be text");

	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "event_map:\n  \"");
	for (int i = 0; i < LQ_MODEL_MAX_SEGMENT_EVENT + 1; i++)
		lq_buf_addc(&b, 'E');
	lq_buf_adds(&b, "\": x\n");
	expect_one(lq_buf_str(&b), 2, 3,
		   "event name in event_map is longer than 256 bytes");
	lq_buf_reset(&b);
	lq_buf_adds(&b, "event_map:\n  \"");
	for (int i = 0; i < LQ_MODEL_MAX_SEGMENT_EVENT; i++)
		lq_buf_addc(&b, 'E');
	lq_buf_adds(&b, "\": x\n");
	lq_model *m = load_ok(lq_buf_str(&b));
	assert_int_equal(m->nevent_map, 1);
	lq_model_free(m);
	lq_buf_free(&b);
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_one("event_map:\n"
		   "  \"Demo Requested\": demo_request\n"
		   "  Other: other\n"
		   "  Demo Requested: demo_again\n", 4, 3,
		   "duplicate event 'Demo Requested' in event_map (first at line 2)");

	lq_diags d = load_bad("event_map:\n"
			      "  a: x\n"
			      "  b: y\n"
			      "  a: x\n"
			      "  b: y\n"
			      "  a: z\n");
	assert_int_equal(d.n, 3);
	expect_diag(&d, 0, 4, 3, "duplicate event 'a' in event_map (first at line 2)");
	expect_diag(&d, 1, 5, 3, "duplicate event 'b' in event_map (first at line 3)");
	expect_diag(&d, 2, 6, 3, "duplicate event 'a' in event_map (first at line 4)");
	lq_diags_free(&d);

	/* differing only in case is not a duplicate */
	lq_model *m = load_ok("event_map: {Demo: a, demo: b}\n");
	assert_int_equal(m->nevent_map, 2);
	lq_model_free(m);
}

/* event_map with n entries "Event N": type_N. */
static void many_entries(lq_buf *b, int n)
{
	lq_buf_reset(b);
	lq_buf_adds(b, "version: 1\nevent_map:\n");
	for (int i = 0; i < n; i++)
		lq_buf_addf(b, "  \"Event %d\": type_%d\n", i, i);
}

static void test_limits(void **state)
{
	(void)state;
	lq_buf b = LQ_BUF_INIT;

	many_entries(&b, LQ_MODEL_MAX_EVENT_MAP);
	lq_model *m = load_ok(lq_buf_str(&b));
	assert_int_equal(m->nevent_map, 1000);
	assert_string_equal(lq_model_event_type(m, "Event 0"), "type_0");
	assert_string_equal(lq_model_event_type(m, "event 999"), "type_999");
	assert_string_equal(lq_model_event_type(m, "EVENT 500"), "type_500");
	assert_null(lq_model_event_type(m, "Event 1000"));
	for (int i = 0; i < 1000; i += 37) {
		char name[32], type[32];
		snprintf(name, sizeof name, "Event %d", i);
		snprintf(type, sizeof type, "type_%d", i);
		assert_string_equal(lq_model_event_type(m, name), type);
	}
	lq_model_free(m);

	many_entries(&b, LQ_MODEL_MAX_EVENT_MAP + 1);
	expect_one(lq_buf_str(&b), 3, 3,
		   "too many entries in event_map (1001, 1000 at most)");
	lq_buf_free(&b);
}

static void test_several_problems(void **state)
{
	(void)state;
	lq_diags d = load_bad("version: 1\n"
			      "event_map:\n"
			      "  A: Bad\n"
			      "  B: ok\n"
			      "  \"\": x\n"
			      "  B: ok2\n"
			      "fit: 3\n");
	assert_true(d.n >= 4);
	expect_diag(&d, 0, 3, 6, "bad event type 'Bad' for 'A'");
	expect_diag(&d, 1, 5, 3, "empty event name");
	expect_diag(&d, 2, 6, 3, "duplicate event 'B'");
	lq_diags_free(&d);
}

static void test_example_model(void **state)
{
	(void)state;
	lq_model *m = NULL;
	lq_diags d = {0};
	lq_error err;
	int rc = lq_model_load_file(EXAMPLE, &m, &d, &err);
	if (rc) {
		char out[700];
		lq_error_format(&err, out, sizeof out);
		fail_msg("example model does not load: %s", out);
	}
	assert_true(m->nevent_map >= 3);
	assert_string_equal(lq_model_event_type(m, "Demo Requested"), "demo_request");
	assert_string_equal(lq_model_event_type(m, "contact sales clicked"),
			    "contact_sales");
	assert_string_equal(lq_model_event_type(m, "Whitepaper Downloaded"),
			    "content_download");
	assert_null(lq_model_event_type(m, "Pricing Viewed"));
	lq_model_free(m);
	lq_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_lookup),
		cmocka_unit_test(test_exact_before_nocase),
		cmocka_unit_test(test_empty_and_absent),
		cmocka_unit_test(test_not_a_mapping),
		cmocka_unit_test(test_bad_types),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_several_problems),
		cmocka_unit_test(test_example_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
