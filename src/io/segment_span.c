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

#include "io/json_span.h"

#include <stdlib.h>
#include <string.h>

/* Where the value of the k-th member of the object at p starts: the
 * members before it are skipped, the k-th value itself is not (it is the
 * batch's array, walked once by array_sizes). */
static const char *member_value(const char *p, const char *end, size_t k)
{
	lq_json_member m;
	for (size_t i = 0; i < k; i++)
		if (lq_json_next_member(&p, end, &m) != 1)
			return NULL;
	return lq_json_member_start(&p, end, &m) == 1 ? m.value : NULL;
}

/* Sizes of the n items of the array in [p, end). */
static int array_sizes(const char *p, const char *end, size_t *sizes,
		       size_t n)
{
	p = lq_json_ws(p, end);
	if (p >= end || *p++ != '[')
		return -1;
	for (size_t i = 0; i < n; i++) {
		p = lq_json_ws(p, end);
		const char *start = p;
		if (!(p = lq_json_skip_value(p, end)))
			return -1;
		sizes[i] = (size_t)(p - start);
		p = lq_json_ws(p, end);
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
	const char *end = body + len, *vs = member_value(body, end, member_index);

	if (vs && array_sizes(vs, end, sizes, n) == 0)
		return;
	printed_sizes(arr, sizes, n);
}
