/*
 * json_span.c - positions of values in JSON text (see json_span.h).
 */
#include <stddef.h>

#include "io/json_span.h"

/* cJSON takes every byte from 1 to 32 as white space, not only JSON's
 * four: so do these walkers, or a value written after, say, a 0x0b would
 * be misplaced in text cJSON accepted. NUL is not space (lines with one
 * are left to cJSON by every caller). */
static int is_space(char c)
{
	return c != 0 && (unsigned char)c <= 32;
}

const char *lq_json_ws(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

const char *lq_json_skip_string(const char *p, const char *end)
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
	return c == ',' || c == ']' || c == '}' || (unsigned char)c <= 32;
}

const char *lq_json_skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return NULL;
	if (*p == '"')
		return lq_json_skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && !ends_scalar(*p))
			p++;
		return p;
	}
	while (p < end) {
		if (*p == '"') {
			if (!(p = lq_json_skip_string(p, end)))
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

/* *pos is at the object's '{' on the first call, then past a value. */
int lq_json_member_start(const char **pos, const char *end, lq_json_member *m)
{
	const char *p = lq_json_ws(*pos, end);
	if (p >= end)
		return -1;
	if (*p == '{') {
		p = lq_json_ws(p + 1, end);
		if (p < end && *p == '}')
			return 0;
	} else if (*p == ',') {
		p = lq_json_ws(p + 1, end);
	} else {
		return *p == '}' ? 0 : -1;
	}
	if (p >= end || *p != '"')
		return -1;
	m->key = p + 1;
	if (!(p = lq_json_skip_string(p, end)))
		return -1;
	m->key_len = (size_t)(p - 1 - m->key);
	p = lq_json_ws(p, end);
	if (p >= end || *p++ != ':')
		return -1;
	m->value = lq_json_ws(p, end);
	m->value_end = NULL;
	*pos = m->value;
	return 1;
}

int lq_json_next_member(const char **pos, const char *end, lq_json_member *m)
{
	int rc = lq_json_member_start(pos, end, m);
	if (rc != 1)
		return rc;
	if (!(m->value_end = lq_json_skip_value(m->value, end)))
		return -1;
	*pos = m->value_end;
	return 1;
}
