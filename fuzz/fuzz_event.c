/*
 * fuzz_event.c - libFuzzer harness for the NDJSON event decoder
 * (io/event_record.c, record_util.c) as `leadq import events` drives it:
 * the input is split into lines by io/ndjson_lines.c (32 KB per line) and
 * every line is decoded twice, with ISO 8601 times and with a strptime
 * --date-format. A bad line must be refused with a message naming the
 * field; what is decoded holds only UTF-8 text; nothing may crash, leak or
 * read out of bounds. Differential too: the fast way (lq_eventrec_decode,
 * no cJSON tree for plain lines, strings in an arena) must give exactly
 * what the cJSON way alone gives: the same event, or the same error; the
 * properties text it keeps (the cJSON way keeps none) decodes to them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fuzz_util.h"
#include "io/event_record.h"
#include "io/json_arena.h"
#include "io/ndjson_lines.h"

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_props(const lq_attrs *x, const lq_attrs *y)
{
	lq_buf a = LQ_BUF_INIT, b = LQ_BUF_INIT;
	lq_attrs_to_json(x, &a);
	lq_attrs_to_json(y, &b);
	int same = strcmp(lq_buf_str(&a), lq_buf_str(&b)) == 0;
	lq_buf_free(&a);
	lq_buf_free(&b);
	return same;
}

/* The line decoded the cJSON way alone and the fast way into an arena:
 * the same result. */
static void same_both_ways(const char *line, size_t len, const char *fmt)
{
	lq_event_input a, b;
	lq_error ea, eb;
	lq_eventrec_arena arena;
	lq_eventrec_init(&a);
	lq_eventrec_init(&b);
	lq_eventrec_arena_init(&arena);
	int ra = lq_eventrec_from_cjson(line, len, fmt, &a, &ea);
	int rb = lq_eventrec_decode(line, len, fmt, &arena, &b, &eb);
	if (ra != rb)
		abort();
	if (ra != 0 && strcmp(ea.msg, eb.msg) != 0)
		abort();
	if (ra == 0 && (!same_text(a.lead_key, b.lead_key) ||
			!same_text(a.event.type, b.event.type) ||
			!same_text(a.event.msg_id, b.event.msg_id) ||
			a.event.at != b.event.at || a.event.props_json ||
			!same_props(&a.event.props, &b.event.props)))
		abort();
	if (ra == 0 && b.event.props_json) {   /* kept text decodes to props */
		lq_attrs back = LQ_ATTRS_INIT;
		if (lq_attrs_from_json(b.event.props_json, &back) != 0 ||
		    !same_props(&back, &b.event.props))
			abort();
		lq_attrs_free(&back);
	}
	lq_eventrec_free(&a);
	lq_eventrec_free(&b);
	lq_eventrec_arena_free(&arena);
}

static void decode(const char *line, size_t len, const char *fmt)
{
	same_both_ways(line, len, fmt);
	lq_event_input in;
	lq_error err;
	lq_eventrec_init(&in);
	int rc = lq_eventrec_from_json(line, len, fmt, &in, &err);
	if (rc == 0 && (!in.lead_key || !in.event.type))
		abort();   /* a decoded event always has a lead and a type */
	if (rc == 0 && (!fz_utf8_ok(in.lead_key) || !fz_utf8_ok(in.event.type) ||
			!fz_utf8_ok(in.event.msg_id) || !fz_attrs_ok(&in.event.props)))
		abort();   /* and only UTF-8 text */
	if (rc != 0 && (!err.msg[0] || in.lead_key || in.event.type))
		abort();   /* a refusal says why and leaves out reset */
	lq_eventrec_free(&in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lq_json_arena_install();   /* as leadq's main: decodes in arenas */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the raw input as one line: no NUL-termination, exact length */
	decode((const char *)data, size, NULL);

	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	lq_ndjson_lines r;
	const char *line;
	size_t len;
	lq_error err;
	int rc;
	lq_ndjson_lines_init(&r, f, "fuzz.ndjson", LQ_EVENTREC_MAX_LINE);
	while ((rc = lq_ndjson_lines_next(&r, &line, &len, &err)) != 0) {
		if (rc < 0) {
			if (rc == LQ_EINVAL)
				continue;   /* an over-long line, skipped */
			break;
		}
		decode(line, len, NULL);
		decode(line, len, "%d-%m-%Y %H:%M");
	}
	lq_ndjson_lines_free(&r);
	fclose(f);
	return 0;
}
