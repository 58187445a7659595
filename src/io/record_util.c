/*
 * record_util.c - shared helpers of the io/ record decoders: messages,
 * bounded strings, times, stages and NDJSON line parsing.
 */
#include "io/record_util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/lead.h"

int lq_rec_fail(lq_error *err, const char *field, const char *fmt, ...)
{
	char msg[sizeof err->msg];
	va_list ap;

	if (!err)
		return LQ_EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lq_error_set(err, LQ_EINVAL, "%s", msg);
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	return LQ_EINVAL;
}

int lq_rec_str(const char *field, const char *s, size_t max, char **out,
	       lq_error *err)
{
	*out = NULL;
	return s ? lq_rec_strn(field, s, strlen(s), max, out, err) : 0;
}

void lq_rec_trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

int lq_rec_strn(const char *field, const char *s, size_t n, size_t max,
		char **out, lq_error *err)
{
	*out = NULL;
	lq_rec_trim(&s, &n);
	if (n > max)
		return lq_rec_fail(err, field, "%s: longer than %zu bytes",
				   field, max);
	if (n)
		*out = lq_xstrndup(s, n);
	return 0;
}

int lq_rec_time(const char *field, const char *s, const char *fmt,
		lq_time *out, lq_error *err)
{
	lq_error why;

	if (lq_time_parse(s, fmt, out, &why) == 0)
		return 0;
	const char *range = strstr(why.msg, "year out of range");
	if (range)   /* well formed, but a year leadq cannot store */
		return lq_rec_fail(err, field, "%s: '%.64s': %s", field, s, range);
	if (fmt && *fmt)
		return lq_rec_fail(err, field, "%s: '%.64s' does not match the "
				   "date format '%.64s'", field, s, fmt);
	return lq_rec_fail(err, field, "%s: '%.64s' is not an ISO 8601 time "
			   "(e.g. 2026-03-01T10:00:00Z)", field, s);
}

int lq_rec_stage(const char *field, const char *s, lq_stage *out,
		 lq_error *err)
{
	lq_stage st = lq_stage_parse(s);

	if (st == LQ_STAGE_NONE)
		return lq_rec_fail(err, field, "unknown stage '%.64s' (valid: "
				   "%s)", s, lq_stage_all_names());
	*out = st;
	return 0;
}

/* True when j holds arrays/objects nested more than `left` levels deep. */
static int too_deep(const cJSON *j, int left)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, j) {
		if (!cJSON_IsArray(it) && !cJSON_IsObject(it))
			continue;
		if (left == 0 || too_deep(it, left - 1))
			return 1;
	}
	return 0;
}

static int json_error(lq_error *err, const char *line, const char *at)
{
	int col = at ? (int)(at - line) + 1 : 1;
	lq_rec_fail(err, NULL, "invalid JSON at column %d", col);
	if (err)
		err->col = col;
	return LQ_EINVAL;
}

/* Past the ASCII bytes from i: eight at a time while none has its high
 * bit set (most of a JSON body is ASCII). */
static size_t ascii_run_end(const unsigned char *u, size_t i, size_t len)
{
	uint64_t eight;
	while (len - i >= 8) {
		memcpy(&eight, u + i, 8);
		if (eight & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < len && u[i] < 0x80)
		i++;
	return i;
}

size_t lq_rec_utf8_bad(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = u[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;   /* range of the second byte */
		if (c < 0x80) {
			i = ascii_run_end(u, i + 1, len);
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;   /* overlong */
			else if (c == 0xED)
				hi = 0x9F;   /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;   /* overlong */
			else if (c == 0xF4)
				hi = 0x8F;   /* past U+10FFFF */
		} else {
			return i;
		}
		if (len - i <= n)
			return i;   /* cut short */
		for (size_t k = 1; k <= n; k++) {
			unsigned b = u[i + k];
			if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
				return i;
		}
		i += n + 1;
	}
	return len;
}

/* Where the first \u0000 escape starts in s[0, n) (its backslash), or n.
 * A backslash escapes the next character, so it is one when it ends an
 * odd run of backslashes. Outside strings a backslash is not JSON at
 * all (cJSON refuses it), so strings need not be told apart. The escape
 * may end past n, not past len. */
static size_t first_nul_escape(const char *s, size_t n, size_t len)
{
	const char *p = s, *end = s + n;
	while ((p = memchr(p, '\\', (size_t)(end - p)))) {
		const char *q = p;
		while (q < end && *q == '\\')
			q++;
		if (((q - p) & 1) && (size_t)(q - s) + 5 <= len &&
		    memcmp(q, "u0000", 5) == 0)
			return (size_t)(q - 1 - s);
		if (q >= end)
			break;
		p = q;
	}
	return n;
}

/* Refuse what cJSON would take but C strings cannot hold: bytes that are
 * not UTF-8, NUL bytes and \u0000 escapes. */
static int check_json_text(const char *line, size_t len, lq_error *err)
{
	size_t bad = lq_rec_utf8_bad(line, len);
	const char *nul_byte = memchr(line, '\0', bad);
	size_t nul = nul_byte ? (size_t)(nul_byte - line) : bad;

	nul = first_nul_escape(line, nul, len);
	if (nul < bad) {
		lq_rec_fail(err, NULL, "NUL byte at column %zu", nul + 1);
		bad = nul;
	} else if (bad < len) {
		lq_rec_fail(err, NULL, "invalid UTF-8 at column %zu", bad + 1);
	} else {
		return 0;
	}
	if (err)
		err->col = (int)bad + 1;
	return LQ_EINVAL;
}

int lq_rec_json_object(const char *line, size_t len, const char *what,
		       int max_depth, cJSON **out, lq_error *err)
{
	const char *end = NULL;
	cJSON *j;

	*out = NULL;
	if (check_json_text(line, len, err))
		return LQ_EINVAL;
	j = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (!j)
		return json_error(err, line, end);
	for (; end && end < line + len; end++) {
		if (!isspace((unsigned char)*end)) {
			cJSON_Delete(j);
			return json_error(err, line, end);
		}
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return lq_rec_fail(err, NULL, "%s must be a JSON object", what);
	}
	if (too_deep(j, max_depth)) {
		cJSON_Delete(j);
		return lq_rec_fail(err, NULL, "%s is nested deeper than %d "
				   "levels", what, max_depth);
	}
	*out = j;
	return 0;
}

size_t lq_rec_num_text(double x, char out[LQ_REC_NUM_TEXT])
{
	int n;
	if (x == floor(x) && fabs(x) < 1e15)
		n = snprintf(out, LQ_REC_NUM_TEXT, "%.0f", x);
	else
		n = snprintf(out, LQ_REC_NUM_TEXT, "%.17g", x);
	return n < 0 ? 0 : (size_t)n;
}

char *lq_rec_json_text(const cJSON *j)
{
	char num[LQ_REC_NUM_TEXT];

	if (cJSON_IsString(j))
		return lq_xstrdup(j->valuestring);
	if (!cJSON_IsNumber(j))
		return NULL;
	lq_rec_num_text(j->valuedouble, num);
	return lq_xstrdup(num);
}

void lq_rec_lead_key(char *key)
{
	if (key && strchr(key, '@'))
		lq_str_lower(key);
}
