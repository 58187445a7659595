/*
 * fuzz_event.c - libFuzzer harness for the NDJSON event decoder
 * (io/event_record.c, record_util.c) as `leadq import events` drives it:
 * the input is split into lines by io/ndjson_lines.c (32 KB per line) and
 * every line is decoded twice, with ISO 8601 times and with a strptime
 * --date-format. A bad line must be refused with a message naming the
 * field; what is decoded holds only UTF-8 text; nothing may crash, leak or
 * read out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "io/event_record.h"
#include "io/ndjson_lines.h"

static void decode(const char *line, size_t len, const char *fmt)
{
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
