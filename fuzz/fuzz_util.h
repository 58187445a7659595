/*
 * fuzz_util.h - helpers shared by the libFuzzer harnesses in fuzz/: a
 * NUL-terminated copy of the input, and a sample lead, account and events
 * (decoded with the real record decoders) that parsed expressions and
 * loaded models are evaluated against, so evaluation is fuzzed too.
 * Harness code only: never linked into leadq.
 */
#ifndef LQ_FUZZ_UTIL_H
#define LQ_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/event_record.h"
#include "io/lead_record.h"

/* 2026-03-10T00:00:00Z, the clock of the command tests. */
#define FZ_NOW ((lq_time)1773100800000LL)

/* A NUL-terminated copy of the fuzz input (caller frees). */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* 1 when s (NULL ok) is well-formed UTF-8: no stray or missing
 * continuation bytes, overlong forms, surrogates or code points past
 * U+10FFFF. Written independently of io/record_util.c's check, which the
 * decoders use, so the two keep each other honest. */
static inline int fz_utf8_ok(const char *s)
{
	static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		uint32_t cp;
		int n;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			n = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			n = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			cp = *p & 0x07;
			n = 3;
		} else {
			return 0;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Every key and text value of attrs is UTF-8. */
static inline int fz_attrs_ok(const lq_attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		const lq_value *v = &a->items[i].val;
		if (!fz_utf8_ok(a->items[i].key) ||
		    (v->kind == LQ_V_STR && !fz_utf8_ok(v->str)))
			return 0;
		for (size_t k = 0; v->kind == LQ_V_LIST && k < v->n; k++)
			if (v->items[k].kind == LQ_V_STR && !fz_utf8_ok(v->items[k].str))
				return 0;
	}
	return 1;
}

/* A lead with an account, custom attributes and events of several types. */
typedef struct fz_sample {
	lq_lead_input who;
	lq_event_input ev[3];
} fz_sample;

static inline void fz_sample_init(fz_sample *s)
{
	static const char *lead =
		"{\"external_id\":\"L1\",\"email\":\"Ana@Acme.io\",\"first_name\":\"Ana\","
		"\"title\":\"VP Procurement\",\"seniority\":\"vp\",\"department\":\"it\","
		"\"country\":\"BR\",\"source\":\"referral\",\"created_at\":\"2026-03-01T09:00:00Z\","
		"\"account\":{\"domain\":\"acme.io\",\"name\":\"Acme\",\"employees\":200,"
		"\"revenue\":1e6,\"industry\":\"saas\",\"tech\":[\"salesforce\",\"hubspot\"],"
		"\"traffic\":5000,\"ad_spend\":100},"
		"\"attr\":{\"plan\":\"pro\",\"seats\":12,\"tags\":[\"a\",\"b\"],\"beta\":true}}";
	static const char *events[3] = {
		"{\"id\":\"e1\",\"lead\":\"L1\",\"type\":\"page_view\",\"at\":\"2026-03-09T00:00:00Z\","
		"\"properties\":{\"url\":\"/pricing\",\"seconds\":40}}",
		"{\"id\":\"e2\",\"lead\":\"L1\",\"type\":\"demo_request\",\"at\":\"2026-03-01T00:00:00Z\"}",
		"{\"id\":\"e3\",\"lead\":\"L1\",\"type\":\"content_download\",\"at\":\"2025-01-01T00:00:00Z\","
		"\"properties\":{\"asset\":{\"name\":\"ebook\",\"pages\":[1,2]}}}",
	};
	lq_error err;
	lq_leadrec_init(&s->who);
	if (lq_leadrec_from_json(lead, strlen(lead), NULL, NULL, &s->who, &err))
		abort();
	for (int i = 0; i < 3; i++) {
		lq_eventrec_init(&s->ev[i]);
		if (lq_eventrec_from_json(events[i], strlen(events[i]), NULL,
					  &s->ev[i], &err))
			abort();
	}
}

#endif
