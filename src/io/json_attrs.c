/*
 * json_attrs.c - stored JSON objects to lq_attrs without a cJSON tree
 * (see json_attrs.h). The general decoder (core/value.c) defines the
 * result; this one takes the common shape only and says so otherwise.
 */
#include "io/json_attrs.h"

#include <stdlib.h>
#include <string.h>

#include "io/json_span.h"

/* cJSON reads at most this many characters of a number. */
#define NUMBER_MAX 63

enum { FLAT_OK = 0, FLAT_GIVE_UP = 1 };

/* A number exactly as cJSON reads it: the whole span, strtod. */
static int number_value(const char *p, const char *end, lq_value *out)
{
	char text[NUMBER_MAX + 1], *stop;
	size_t n = (size_t)(end - p);

	if (n == 0 || n > NUMBER_MAX || strspn(p, "0123456789+-eE.") < n)
		return FLAT_GIVE_UP;     /* strtod alone takes 0x10, inf, nan */
	memcpy(text, p, n);
	text[n] = '\0';
	double x = strtod(text, &stop);
	if (stop != text + n)
		return FLAT_GIVE_UP;
	*out = lq_value_num(x);
	return FLAT_OK;
}

static int is_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) == n && memcmp(p, word, n) == 0;
}

/* A scalar: a string without escapes, a number, true, false (as the
 * strings cJSON's decoder makes of them) or null (absent). */
static int scalar_value(const char *p, const char *end, lq_value *out)
{
	*out = LQ_VALUE_ABSENT;
	if (*p == '"') {
		if (end - p < 2 || end[-1] != '"' ||
		    memchr(p + 1, '\\', (size_t)(end - p - 1)))
			return FLAT_GIVE_UP;
		*out = lq_value_strn(p + 1, (size_t)(end - p - 2));
		return FLAT_OK;
	}
	if (is_word(p, end, "true") || is_word(p, end, "false")) {
		*out = lq_value_strn(p, (size_t)(end - p));
		return FLAT_OK;
	}
	if (is_word(p, end, "null"))
		return FLAT_OK;
	if (*p == '-' || (*p >= '0' && *p <= '9'))
		return number_value(p, end, out);
	return FLAT_GIVE_UP;
}

/* An array of scalars: a list of its strings and numbers (nulls left
 * out, as cJSON's decoder does). */
static int list_value(const char *p, const char *end, lq_value *out)
{
	lq_value list = LQ_VALUE_ABSENT, item;

	list.kind = LQ_V_LIST;
	p = lq_json_ws(p + 1, end);
	if (p < end && *p == ']')
		return *out = list, FLAT_OK;
	while (p < end) {
		const char *item_end = lq_json_skip_value(p, end);
		if (!item_end || *p == '[' || *p == '{' ||
		    scalar_value(p, item_end, &item) != FLAT_OK)
			break;
		if (item.kind != LQ_V_ABSENT)
			lq_value_list_push(&list, item);
		p = lq_json_ws(item_end, end);
		if (p < end && *p == ']')
			return *out = list, FLAT_OK;
		if (p >= end || *p != ',')
			break;
		p = lq_json_ws(p + 1, end);
	}
	lq_value_free(&list);
	return FLAT_GIVE_UP;
}

static int value_flat(const char *p, const char *end, lq_value *out)
{
	*out = LQ_VALUE_ABSENT;
	if (p >= end)
		return FLAT_GIVE_UP;
	return *p == '[' ? list_value(p, end, out) : scalar_value(p, end, out);
}

/* Whether c can start a JSON value. Checked for skipped members too:
 * after anything else the span walker's place in the text could differ
 * from cJSON's reading of it (text cJSON accepts never has one). */
static int value_start(char c)
{
	return c && strchr("\"{[-0123456789tfn", c) != NULL;
}

/* One member into attrs, if wanted. */
static int take_member(const lq_json_member *m, const char *const *keys,
		       lq_attrs *attrs)
{
	char key[256];
	lq_value v;

	if (m->key_len >= sizeof key || memchr(m->key, '\\', m->key_len) ||
	    !value_start(*m->value))
		return FLAT_GIVE_UP;
	if (*m->value == '{') {  /* nested: flattened names, the general way */
		int nested = lq_attrs_key_wanted(keys, m->key, m->key_len, 1);
		return nested ? FLAT_GIVE_UP : FLAT_OK;
	}
	if (!lq_attrs_key_wanted(keys, m->key, m->key_len, 0))
		return FLAT_OK;
	if (value_flat(m->value, m->value_end, &v) != FLAT_OK)
		return FLAT_GIVE_UP;
	if (v.kind == LQ_V_ABSENT)
		return FLAT_OK;
	memcpy(key, m->key, m->key_len);
	key[m->key_len] = '\0';
	lq_attrs_set(attrs, key, v);
	return FLAT_OK;
}

static void attrs_move(lq_attrs *dst, lq_attrs *src)
{
	if (dst->n == 0) {
		lq_attrs_free(dst);
		*dst = *src;
		*src = (lq_attrs){0};
		return;
	}
	for (size_t i = 0; i < src->n; i++) {
		lq_attrs_set(dst, src->items[i].key, src->items[i].val);
		src->items[i].val = LQ_VALUE_ABSENT;
	}
	lq_attrs_free(src);
}

int lq_json_attrs_flat(const char *json, size_t len, const char *const *keys,
		       lq_attrs *out)
{
	const char *pos = json, *end = json + len;
	lq_attrs got = {0};
	lq_json_member m;
	int more;

	while ((more = lq_json_next_member(&pos, end, &m)) == 1)
		if (take_member(&m, keys, &got) != FLAT_OK)
			break;
	if (more != 0) {
		lq_attrs_free(&got);
		return FLAT_GIVE_UP;
	}
	attrs_move(out, &got);
	return FLAT_OK;
}

int lq_json_value_flat(const char *json, size_t len, lq_value *out)
{
	const char *end = json + len, *p = lq_json_ws(json, end);
	const char *value_end = lq_json_skip_value(p, end);

	*out = LQ_VALUE_ABSENT;
	if (!value_end || *p == '{' || lq_json_ws(value_end, end) != end)
		return FLAT_GIVE_UP;
	return value_flat(p, value_end, out);
}

int lq_json_attrs_keys(const char *json, size_t len, const char *const *keys,
		       lq_attrs *out)
{
	if (lq_json_attrs_flat(json, len, keys, out) == FLAT_OK)
		return 0;
	return lq_attrs_from_json_keys(json, keys, out);
}
