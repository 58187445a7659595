/*
 * test_event_json.c - decoding NDJSON event lines (io/event_record).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "io/event_record.h"
#include "io/json_arena.h"

#define T_2026_03_01 1772323200000LL          /* 2026-03-01T00:00:00Z */
#define T_2026_03_01_1000 1772359200000LL     /* 2026-03-01T10:00:00Z */
#define T_2026_03_01_1030 1772361000000LL     /* 2026-03-01T10:30:00Z */

static int decode(const char *line, const char *fmt, lq_event_input *out,
		  lq_error *err)
{
	lq_error_clear(err);
	return lq_eventrec_from_json(line, strlen(line), fmt, out, err);
}

static void expect_error(const char *line, const char *fmt, const char *msg,
			 const char *field)
{
	lq_event_input in;
	lq_error err;
	lq_eventrec_init(&in);
	assert_int_equal(decode(line, fmt, &in, &err), LQ_EINVAL);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	assert_string_equal(err.field, field ? field : "");
	assert_int_equal(err.line, 0);
	assert_null(in.lead_key);
	assert_null(in.event.type);
	assert_null(in.event.msg_id);
	assert_int_equal(in.event.props.n, 0);
	lq_eventrec_free(&in);
}

static void test_all_fields(void **state)
{
	lq_event_input in;
	lq_error err;
	lq_eventrec_init(&in);
	assert_int_equal(decode("{\"id\": \"msg-1\", \"lead\": \"Ana@Acme.io\", "
				"\"type\": \"page_view\", \"at\": "
				"\"2026-03-01T10:00:00Z\", \"properties\": "
				"{\"url\": \"/pricing\", \"seconds\": 40, "
				"\"utm\": {\"source\": \"google\"}}}",
				NULL, &in, &err), 0);
	assert_string_equal(in.event.msg_id, "msg-1");
	assert_string_equal(in.lead_key, "ana@acme.io");
	assert_string_equal(in.event.type, "page_view");
	assert_int_equal(in.event.at, T_2026_03_01_1000);
	assert_int_equal(in.event.id, 0);
	assert_int_equal(in.event.lead_id, 0);
	const lq_value *url = lq_attrs_get(&in.event.props, "url");
	assert_non_null(url);
	assert_int_equal(url->kind, LQ_V_STR);
	assert_string_equal(url->str, "/pricing");
	const lq_value *secs = lq_attrs_get(&in.event.props, "seconds");
	assert_non_null(secs);
	assert_int_equal(secs->kind, LQ_V_NUM);
	assert_true(secs->num == 40);
	const lq_value *src = lq_attrs_get(&in.event.props, "utm.source");
	assert_non_null(src);
	assert_string_equal(src->str, "google");
	lq_eventrec_free(&in);
	assert_null(in.lead_key);
}

static void test_optional_fields_and_keys(void **state)
{
	lq_event_input in;
	lq_error err;
	lq_eventrec_init(&in);

	/* no id, no properties; email key; type trimmed, kept as given */
	assert_int_equal(decode("{\"email\": \"BO@X.IO\", \"type\": "
				"\" Demo_Request \", \"at\": \"2026-03-01\"}",
				NULL, &in, &err), 0);
	assert_string_equal(in.lead_key, "bo@x.io");
	assert_string_equal(in.event.type, "Demo_Request");
	assert_int_equal(in.event.at, T_2026_03_01);
	assert_null(in.event.msg_id);
	assert_int_equal(in.event.props.n, 0);

	/* decoding again resets the previous event; numeric id as text */
	assert_int_equal(decode("{\"ID\": 12345, \"external_id\": \"CRM-1\", "
				"\"type\": \"call\", \"at\": \"01-03-2026 "
				"10:30\", \"properties\": null}",
				"%d-%m-%Y %H:%M", &in, &err), 0);
	assert_string_equal(in.event.msg_id, "12345");
	assert_string_equal(in.lead_key, "CRM-1");
	assert_int_equal(in.event.at, T_2026_03_01_1030);

	/* lead wins over email and external_id */
	assert_int_equal(decode("{\"external_id\": \"e\", \"email\": "
				"\"m@x.io\", \"lead\": \"l@x.io\", \"type\": "
				"\"t\", \"at\": \"2026-03-01\"}",
				NULL, &in, &err), 0);
	assert_string_equal(in.lead_key, "l@x.io");
	assert_int_equal(decode("{\"external_id\": \"e\", \"email\": "
				"\"m@x.io\", \"type\": \"t\", \"at\": "
				"\"2026-03-01\"}", NULL, &in, &err), 0);
	assert_string_equal(in.lead_key, "m@x.io");
	lq_eventrec_free(&in);
}

static void test_missing_fields(void **state)
{
	expect_error("{\"type\": \"page_view\", \"at\": \"2026-03-01\"}", NULL,
		     "missing lead (give lead, email or external_id)", "lead");
	expect_error("{\"lead\": \"  \", \"type\": \"page_view\", \"at\": "
		     "\"2026-03-01\"}", NULL, "missing lead", "lead");
	expect_error("{\"lead\": \"a@b.io\", \"at\": \"2026-03-01\"}", NULL,
		     "missing type", "type");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \" \", \"at\": "
		     "\"2026-03-01\"}", NULL, "missing type", "type");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\"}", NULL,
		     "missing at", "at");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": null}",
		     NULL, "missing at", "at");
}

static void test_bad_values(void **state)
{
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		     "\"last tuesday\"}", NULL, "at: 'last tuesday' is not an "
		     "ISO 8601 time", "at");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		     "\"2026-03-01\"}", "%d-%m-%Y", "at: '2026-03-01' does not "
		     "match the date format '%d-%m-%Y'", "at");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		     "1772323200000}", NULL, "at: expected a time string",
		     "at");
	expect_error("{\"lead\": \"a@b.io\", \"type\": 5, \"at\": "
		     "\"2026-03-01\"}", NULL, "type: expected a string",
		     "type");
	expect_error("{\"lead\": [\"a\"], \"type\": \"x\", \"at\": "
		     "\"2026-03-01\"}", NULL, "lead: expected a string",
		     "lead");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		     "\"2026-03-01\", \"properties\": [1, 2]}", NULL,
		     "properties: expected an object", "properties");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		     "\"2026-03-01\", \"properties\": \"url=/x\"}", NULL,
		     "properties: expected an object", "properties");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"type\": \"y\","
		     " \"at\": \"2026-03-01\"}", NULL, "type: given twice",
		     "type");
	expect_error("{\"lead\": \"a@b.io\", \"type\": \"x\", \"properties\": {},"
		     " \"properties\": {\"a\": 1}}", NULL,
		     "properties: given twice", "properties");
	expect_error("{\"lead\": \"a@b.io\", \"kind\": \"x\", \"at\": "
		     "\"2026-03-01\"}", NULL, "unknown field 'kind' (accepted: "
		     "id, lead, email, external_id, type, at, properties)",
		     "kind");
}

static void test_bounds(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	lq_event_input in;
	lq_error err;

	lq_buf_adds(&b, "{\"lead\": \"a@b.io\", \"type\": \"");
	for (int i = 0; i < LQ_EVENTREC_MAX_TYPE + 1; i++)
		lq_buf_addc(&b, 't');
	lq_buf_adds(&b, "\", \"at\": \"2026-03-01\"}");
	expect_error(b.data, NULL, "type: longer than 64 bytes", "type");

	lq_buf_reset(&b);
	lq_buf_adds(&b, "{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		    "\"2026-03-01\", \"id\": \"");
	for (int i = 0; i < LQ_EVENTREC_MAX_ID + 1; i++)
		lq_buf_addc(&b, 'i');
	lq_buf_adds(&b, "\"}");
	expect_error(b.data, NULL, "id: longer than 256 bytes", "id");

	/* a line of exactly the limit is read; one byte more is refused */
	lq_buf_reset(&b);
	lq_buf_adds(&b, "{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
		    "\"2026-03-01\", \"properties\": {\"pad\": \"");
	while (b.len < LQ_EVENTREC_MAX_LINE - 3)
		lq_buf_addc(&b, 'p');
	lq_buf_adds(&b, "\"}}");
	assert_int_equal(b.len, LQ_EVENTREC_MAX_LINE);
	lq_eventrec_init(&in);
	assert_int_equal(decode(b.data, NULL, &in, &err), 0);
	lq_eventrec_free(&in);
	lq_buf_addc(&b, ' ');
	expect_error(b.data, NULL, "event line is longer than 32768 bytes",
		     NULL);

	/* nesting: 16 levels below the top are fine, 17 are not */
	for (int depth = 16; depth <= 17; depth++) {
		lq_buf_reset(&b);
		lq_buf_adds(&b, "{\"lead\": \"a@b.io\", \"type\": \"x\", "
			    "\"at\": \"2026-03-01\", \"properties\": ");
		for (int i = 1; i < depth; i++)
			lq_buf_adds(&b, "{\"k\": ");
		lq_buf_adds(&b, "{\"leaf\": 1}");
		for (int i = 1; i < depth; i++)
			lq_buf_addc(&b, '}');
		lq_buf_addc(&b, '}');
		int rc = decode(b.data, NULL, &in, &err);
		if (depth == 16) {
			assert_int_equal(rc, 0);
			lq_eventrec_free(&in);
		} else {
			assert_int_equal(rc, LQ_EINVAL);
			assert_string_equal(err.msg, "event is nested deeper "
					    "than 16 levels");
		}
	}
	lq_buf_free(&b);
}

static void test_invalid_json(void **state)
{
	lq_event_input in;
	lq_error err;
	lq_eventrec_init(&in);
	assert_int_equal(decode("{\"lead\": \"a@b.io\", \"type\": tru}", NULL,
				&in, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "invalid JSON at column 28");
	assert_int_equal(err.col, 28);
	assert_string_equal(err.field, "");
	assert_int_equal(decode("", NULL, &in, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "invalid JSON at column 1");
	lq_eventrec_free(&in);
	expect_error("\"page_view\"", NULL, "event must be a JSON object",
		     NULL);
	expect_error("{\"lead\": \"a@b.io\"}{}", NULL, "invalid JSON at "
		     "column 19", NULL);

	/* only len bytes are read */
	const char *text = "{\"lead\": \"a@b.io\", \"type\": \"x\", \"at\": "
			   "\"2026-03-01\"} trailing junk";
	size_t len = strchr(text, '}') - text + 1;
	assert_int_equal(lq_eventrec_from_json(text, len, NULL, &in, &err), 0);
	assert_string_equal(in.event.type, "x");
	lq_eventrec_free(&in);
}

/* Text that C strings cannot hold faithfully is refused before cJSON
 * sees it: bytes that are not UTF-8, raw NUL bytes, \u0000 escapes. */
static void test_text_encoding(void **state)
{
	lq_event_input in;
	lq_error err;
	lq_eventrec_init(&in);
	assert_int_equal(decode("{\"lead\": \"a\xff" "b\"}", NULL, &in, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "invalid UTF-8 at column 12");
	assert_int_equal(err.col, 12);
	expect_error("{\"lead\": \"L1\", \"type\": \"caf\xc3\"}", NULL,
		     "invalid UTF-8 at column 28", NULL);
	expect_error("{\"lead\": \"L1\\u0000x\", \"type\": \"t\"}", NULL,
		     "NUL byte at column 13", NULL);
	assert_int_equal(lq_eventrec_from_json("{\"lead\": \"L\0\"}", 15, NULL,
					       &in, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "NUL byte at column 12");
	/* an escaped backslash before u0000 is text, not a NUL */
	assert_int_equal(decode("{\"lead\": \"L\\\\u0000\", \"type\": \"t\", "
				"\"at\": \"2026-03-01\"}", NULL, &in, &err), 0);
	assert_string_equal(in.lead_key, "L\\u0000");
	/* three backslashes: an escaped one, then the escape of a NUL (the
	 * column of its backslash) */
	expect_error("{\"lead\": \"L\\\\\\u0000\", \"type\": \"t\"}", NULL,
		     "NUL byte at column 14", NULL);
	/* a cut escape is not a NUL: cJSON refuses it */
	expect_error("{\"lead\": \"L\\u000", NULL, "invalid JSON", NULL);
	/* the first bad byte wherever it falls in the runs of ASCII bytes the
	 * scan takes eight at a time; a NUL byte or escape before it wins */
	for (int at = 10; at < 40; at++) {
		char line[64], want[64];
		snprintf(line, sizeof line, "{\"lead\": \"%.*s\xff\"}", at - 10,
			 "abcdefghijklmnopqrstuvwxyz0123456789");
		snprintf(want, sizeof want, "invalid UTF-8 at column %d", at + 1);
		assert_int_equal(decode(line, NULL, &in, &err), LQ_EINVAL);
		assert_string_equal(err.msg, want);
		line[at - 2] = '\0';
		assert_int_equal(lq_eventrec_from_json(line, (size_t)at + 3, NULL,
						       &in, &err), LQ_EINVAL);
		snprintf(want, sizeof want, "NUL byte at column %d", at - 1);
		assert_string_equal(err.msg, want);
	}
	/* UTF-8 itself is fine */
	assert_int_equal(decode("{\"lead\": \"Jos\xc3\xa9\", \"type\": \"\xe2\x82\xac\", "
				"\"at\": \"2026-03-01\"}", NULL, &in, &err), 0);
	assert_string_equal(in.event.type, "\xe2\x82\xac");
	lq_eventrec_free(&in);
	expect_error("{\"lead\": \"L1\", \"type\": \"t\", \"at\": \"1899-12-31\"}", NULL,
		     "at: '1899-12-31': year out of range 1900-9999", "at");
}

/* props_json: the line's own text of a flat properties object, which
 * decodes to exactly the props; NULL whenever that is not certain. */
static void expect_props_text(const char *line, const char *text)
{
	lq_event_input in;
	lq_error err;
	lq_attrs back = LQ_ATTRS_INIT;
	lq_buf a = LQ_BUF_INIT, b = LQ_BUF_INIT;

	lq_eventrec_init(&in);
	assert_int_equal(decode(line, NULL, &in, &err), 0);
	if (!text) {
		assert_null(in.event.props_json);
		lq_eventrec_free(&in);
		return;
	}
	assert_non_null(in.event.props_json);
	assert_string_equal(in.event.props_json, text);
	assert_int_equal(lq_attrs_from_json(in.event.props_json, &back), 0);
	lq_attrs_to_json(&back, &a);
	lq_attrs_to_json(&in.event.props, &b);
	assert_string_equal(lq_buf_str(&a), lq_buf_str(&b));
	lq_attrs_free(&back);
	lq_buf_free(&a);
	lq_buf_free(&b);
	lq_eventrec_free(&in);
}

static void test_props_text(void **state)
{
	const char *head = "{\"lead\": \"a@b.io\", \"type\": \"properties\", "
			   "\"at\": \"2026-03-01T10:00:00Z\", ";
	char line[512];
	static const struct {
		const char *props, *kept;
	} cases[] = {
		{"\"properties\": {\"url\": \"/pricing\", \"seconds\": 4e1}}",
		 "{\"url\": \"/pricing\", \"seconds\": 4e1}"},
		{"\"Properties\" :  {\"u\":\"a}b{[\"} , \"id\": 7}",
		 "{\"u\":\"a}b{[\"}"},
		/* escapes, or numbers only cJSON takes: encoded again */
		{"\"properties\": {\"u\":\"a}\\\"b{[\"}}", NULL},
		{"\"properties\": {\"n\": 01}}", NULL},
		{"\"properties\": {}}", NULL},
		{"\"properties\": {\"utm\": {\"source\": \"x\"}}}", NULL},
		{"\"properties\": {\"a\": 1, \"a\": 2}}", NULL},
		{"\"properties\": {\"a\": true}}", NULL},
		{"\"properties\": {\"a\": null, \"b\": 1}}", NULL},
		{"\"properties\": {\"a\": [1, 2]}}", NULL},
		{"\"propert\\u0069es\": {\"a\": 1}}", NULL},
		{"\"properties\": null}", NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(line, sizeof line, "%s%s", head, cases[i].props);
		expect_props_text(line, cases[i].kept);
	}
}

/* The fast way (no cJSON tree for plain lines, strings in an arena) and
 * the cJSON way alone give the same event or the same error; the fuzz
 * target fuzz_event compares them on random lines. */
static void test_fast_and_cjson_agree(void **state)
{
	static const char *const lines[] = {
		"{\"id\":\"m1\",\"lead\":\"A@B.io\",\"type\":\"page_view\","
		"\"at\":\"2026-03-01T10:00:00Z\",\"properties\":{\"url\":\"/p\","
		"\"seconds\":-0,\"n\":1e400,\"x\":123456789012345678}}",
		"{ \"ID\" : 12 , \"email\":\" a@b.io \",\"type\":\"t\"}",
		"{\"lead\":\"a@b.io\",\"type\":\"t\",\"properties\":{}}",
		"{\"lead\":\"a@b.io\",\"type\":\"t\",\"properties\":null,"
		"\"properties\":{\"a\":\"b\"}}",
		"{\"lead\":\"a@b.io\",\"type\":\"t\",\"properties\":{\"a\":1},"
		"\"properties\":{}}",
		"{\"lead\":\"a@b.io\",\"type\":\"t\",\"at\":\"2026-03-01\"} x",
		"{\"lead\":\"a@b.io\",\"type\":\"t\"\x0b}",
		"{\"lead\":\"caf\xc3\xa9@b.io\",\"type\":\"t\"}",
		"{\"lead\":\"caf\xc3@b.io\",\"type\":\"t\"}",
		"{\"lead\":\"a@b.io\",\"type\":\"t\",\"properties\":{\"a\":01}}",
		"{\"lead\":\"a@b.io\",\"type\":\"\"}",
		"{\"lead\":\"a@b.io\",\"Type\":\"t\",\"type\":\"u\"}",
		"{\"lead\":null,\"external_id\":7,\"type\":\"t\"}",
		"[1]",
		"",
	};
	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		lq_event_input a, b;
		lq_error ea, eb;
		lq_eventrec_arena arena;
		size_t len = strlen(lines[i]);
		lq_eventrec_init(&a);
		lq_eventrec_init(&b);
		lq_eventrec_arena_init(&arena);
		int ra = lq_eventrec_from_cjson(lines[i], len, NULL, &a, &ea);
		int rb = lq_eventrec_decode(lines[i], len, NULL, &arena, &b, &eb);
		assert_int_equal(ra, rb);
		if (ra) {
			assert_string_equal(ea.msg, eb.msg);
		} else {
			lq_buf pa = LQ_BUF_INIT, pb = LQ_BUF_INIT;
			lq_attrs_to_json(&a.event.props, &pa);
			lq_attrs_to_json(&b.event.props, &pb);
			assert_string_equal(lq_buf_str(&pa), lq_buf_str(&pb));
			assert_string_equal(a.lead_key, b.lead_key);
			assert_string_equal(a.event.type, b.event.type);
			assert_true(a.event.at == b.event.at);
			if (a.event.msg_id || b.event.msg_id)
				assert_string_equal(a.event.msg_id, b.event.msg_id);
			assert_null(a.event.props_json);   /* the cJSON way */
			if (b.event.props_json) {      /* kept: it decodes to props */
				lq_attrs back = LQ_ATTRS_INIT;
				lq_buf pk = LQ_BUF_INIT;
				assert_int_equal(lq_attrs_from_json(b.event.props_json,
								    &back), 0);
				lq_attrs_to_json(&back, &pk);
				assert_string_equal(lq_buf_str(&pk), lq_buf_str(&pb));
				lq_attrs_free(&back);
				lq_buf_free(&pk);
			}
			lq_buf_free(&pa);
			lq_buf_free(&pb);
		}
		lq_eventrec_free(&a);
		lq_eventrec_free(&b);
		lq_eventrec_arena_free(&arena);
	}
}

int main(void)
{
	lq_json_arena_install();   /* as leadq's main: decodes in arenas */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fields),
		cmocka_unit_test(test_optional_fields_and_keys),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_invalid_json),
		cmocka_unit_test(test_text_encoding),
		cmocka_unit_test(test_props_text),
		cmocka_unit_test(test_fast_and_cjson_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
