/*
 * segment_span.c - the size in bytes of each item of a /v1/batch body as
 * the sender wrote it, so the 32 KB limit per event means the same as in
 * Segment's libraries (which measure JSON.stringify of the event). cJSON
 * keeps no positions, so this walks the raw text, which cJSON has already
 * accepted as valid JSON, and pairs the k-th member or item found with
 * cJSON's k-th child. If the walk ever disagrees, an item's size is that
 * of its compact re-serialisation instead. Reads only; never allocates
 * except in that fallback.
 */
#include "io/segment_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at '"': just past the closing quote, NULL when unterminated. */
static const char *skip_str(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

static int ends_scalar(char c)
{
	return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' ||
	       c == '\n' || c == '\r';
}

/* Just past the value starting at p, NULL when malformed. */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_str(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && !ends_scalar(*p))
			p++;
		return p;
	}
	while (p < end) {
		if (*p == '"') {
			if (!(p = skip_str(p, end)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

/* The value of the k-th member of the object at p: [*vs, *ve). */
static int member_value(const char *p, const char *end, size_t k,
			const char **vs, const char **ve)
{
	p = ws(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	for (size_t i = 0;; i++) {
		p = ws(p, end);
		if (p >= end || *p != '"' || !(p = skip_str(p, end)))
			return -1;
		p = ws(p, end);
		if (p >= end || *p++ != ':')
			return -1;
		p = ws(p, end);
		const char *start = p;
		if (!(p = skip_value(p, end)))
			return -1;
		if (i == k) {
			*vs = start;
			*ve = p;
			return 0;
		}
		p = ws(p, end);
		if (p >= end || *p++ != ',')
			return -1;
	}
}

/* Sizes of the n items of the array in [p, end). */
static int array_sizes(const char *p, const char *end, size_t *sizes,
		       size_t n)
{
	p = ws(p, end);
	if (p >= end || *p++ != '[')
		return -1;
	for (size_t i = 0; i < n; i++) {
		p = ws(p, end);
		const char *start = p;
		if (!(p = skip_value(p, end)))
			return -1;
		sizes[i] = (size_t)(p - start);
		p = ws(p, end);
		if (p >= end || *p++ != (i + 1 < n ? ',' : ']'))
			return -1;
	}
	return 0;
}

static void printed_sizes(const cJSON *arr, size_t *sizes, size_t n)
{
	const cJSON *it;
	size_t i = 0;

	cJSON_ArrayForEach(it, arr) {
		if (i >= n)
			break;
		char *s = cJSON_PrintUnformatted(it);
		sizes[i++] = s ? strlen(s) : 0;
		cJSON_free(s);
	}
}

void lq_segment_item_sizes(const char *body, size_t len, size_t member_index,
			   const cJSON *arr, size_t *sizes, size_t n)
{
	const char *end = body + len, *vs, *ve;

	if (member_value(body, end, member_index, &vs, &ve) == 0 &&
	    array_sizes(vs, ve, sizes, n) == 0)
		return;
	printed_sizes(arr, sizes, n);
}
