/*
 * value.c - rule values and attribute maps: construction, copying, JSON
 * round trip. Used by the expression evaluator, the importers and the store.
 */
#include "core/value.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

lq_value lq_value_num(double x)
{
	lq_value v = LQ_VALUE_ABSENT;
	v.kind = LQ_V_NUM;
	v.num = x;
	return v;
}

lq_value lq_value_strn(const char *s, size_t n)
{
	lq_value v = LQ_VALUE_ABSENT;
	if (!s)
		return v;
	v.kind = LQ_V_STR;
	v.str = lq_xstrndup(s, n);
	return v;
}

lq_value lq_value_str(const char *s)
{
	return s ? lq_value_strn(s, strlen(s)) : LQ_VALUE_ABSENT;
}

int lq_parse_number(const char *s, double *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	/* Reject hex, inf and nan spellings: data cells like "nan" are text. */
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return -1;
	errno = 0;
	double x = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

lq_value lq_value_from_text(const char *s)
{
	double x;
	if (!s || !*s)
		return LQ_VALUE_ABSENT;
	if (lq_parse_number(s, &x) == 0)
		return lq_value_num(x);
	return lq_value_str(s);
}

void lq_value_list_push(lq_value *list, lq_value item)
{
	if (list->kind != LQ_V_LIST) {
		lq_value_free(list);
		list->kind = LQ_V_LIST;
	}
	list->items = lq_xrealloc(list->items, (list->n + 1) * sizeof *list->items);
	list->items[list->n++] = item;
}

lq_value lq_value_list_split(const char *s, char sep)
{
	lq_value list = LQ_VALUE_ABSENT;
	if (!s)
		return list;
	list.kind = LQ_V_LIST;
	while (*s) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *a = s, *b = s + len;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (b > a)
			lq_value_list_push(&list, lq_value_strn(a, (size_t)(b - a)));
		s += len + (end ? 1 : 0);
	}
	if (list.n == 0)
		list.kind = LQ_V_ABSENT;
	return list;
}

int lq_value_finite(const lq_value *v)
{
	if (v->kind == LQ_V_NUM)
		return isfinite(v->num);
	for (size_t i = 0; v->kind == LQ_V_LIST && i < v->n; i++)
		if (!lq_value_finite(&v->items[i]))
			return 0;
	return 1;
}

lq_value lq_value_copy(const lq_value *v)
{
	lq_value c = *v;
	if (v->kind == LQ_V_STR)
		c.str = lq_xstrdup(v->str);
	if (v->kind == LQ_V_LIST) {
		c.items = lq_xcalloc(v->n, sizeof *c.items);
		for (size_t i = 0; i < v->n; i++)
			c.items[i] = lq_value_copy(&v->items[i]);
	}
	return c;
}

void lq_value_free(lq_value *v)
{
	if (!v)
		return;
	free(v->str);
	for (size_t i = 0; i < v->n; i++)
		lq_value_free(&v->items[i]);
	free(v->items);
	*v = LQ_VALUE_ABSENT;
}

static void add_number(lq_buf *out, double x)
{
	if (x == floor(x) && fabs(x) < 1e15)
		lq_buf_addf(out, "%.0f", x);
	else
		lq_buf_addf(out, "%.17g", x);
}

void lq_value_to_json(const lq_value *v, lq_buf *out)
{
	switch (v->kind) {
	case LQ_V_ABSENT: lq_buf_adds(out, "null"); break;
	case LQ_V_NUM: add_number(out, v->num); break;
	case LQ_V_STR: lq_buf_add_json_str(out, v->str); break;
	case LQ_V_LIST:
		lq_buf_addc(out, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				lq_buf_addc(out, ',');
			lq_value_to_json(&v->items[i], out);
		}
		lq_buf_addc(out, ']');
		break;
	}
}

void lq_value_to_text(const lq_value *v, lq_buf *out)
{
	switch (v->kind) {
	case LQ_V_ABSENT: break;
	case LQ_V_NUM: add_number(out, v->num); break;
	case LQ_V_STR: lq_buf_adds(out, v->str); break;
	case LQ_V_LIST:
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				lq_buf_addc(out, ';');
			lq_value_to_text(&v->items[i], out);
		}
		break;
	}
}

const lq_value *lq_attrs_get(const lq_attrs *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].key, key) == 0)
			return &a->items[i].val;
	return NULL;
}

void lq_attrs_set(lq_attrs *a, const char *key, lq_value val)
{
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->items[i].key, key) == 0) {
			lq_value_free(&a->items[i].val);
			a->items[i].val = val;
			return;
		}
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		a->items = lq_xrealloc(a->items, a->cap * sizeof *a->items);
	}
	a->items[a->n].key = lq_xstrdup(key);
	a->items[a->n].val = val;
	a->n++;
}

void lq_attrs_copy(lq_attrs *dst, const lq_attrs *src)
{
	lq_attrs_free(dst);
	for (size_t i = 0; i < src->n; i++)
		lq_attrs_set(dst, src->items[i].key,
			     lq_value_copy(&src->items[i].val));
}

void lq_attrs_free(lq_attrs *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].key);
		lq_value_free(&a->items[i].val);
	}
	free(a->items);
	a->items = NULL;
	a->n = a->cap = 0;
}

void lq_attrs_to_json(const lq_attrs *a, lq_buf *out)
{
	lq_buf_addc(out, '{');
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			lq_buf_addc(out, ',');
		lq_buf_add_json_str(out, a->items[i].key);
		lq_buf_addc(out, ':');
		lq_value_to_json(&a->items[i].val, out);
	}
	lq_buf_addc(out, '}');
}

static lq_value value_from_cjson(const cJSON *j)
{
	if (cJSON_IsNumber(j))
		return lq_value_num(j->valuedouble);
	if (cJSON_IsString(j))
		return lq_value_str(j->valuestring);
	if (cJSON_IsBool(j))
		return lq_value_str(cJSON_IsTrue(j) ? "true" : "false");
	if (cJSON_IsArray(j)) {
		lq_value list = LQ_VALUE_ABSENT;
		list.kind = LQ_V_LIST;
		const cJSON *it;
		cJSON_ArrayForEach(it, j) {
			lq_value item = value_from_cjson(it);
			if (item.kind == LQ_V_NUM || item.kind == LQ_V_STR)
				lq_value_list_push(&list, item);
			else
				lq_value_free(&item);
		}
		return list;
	}
	return LQ_VALUE_ABSENT;
}

int lq_attrs_key_wanted(const char *const *keys, const char *name, size_t len,
			int prefix)
{
	if (!keys)
		return 1;
	for (; *keys; keys++) {
		if (strncmp(*keys, name, len) != 0)
			continue;
		if (prefix ? (*keys)[len] == '.' : (*keys)[len] == '\0')
			return 1;
	}
	return 0;
}

static int key_wanted(const char *const *keys, const char *name, int prefix)
{
	return lq_attrs_key_wanted(keys, name, strlen(name), prefix);
}

static void attrs_add_object(lq_attrs *out, const cJSON *obj, lq_buf *prefix,
			     int depth, const char *const *keys)
{
	const cJSON *it;
	size_t mark = prefix->len;
	cJSON_ArrayForEach(it, obj) {
		if (!it->string)
			continue;
		if (mark)
			lq_buf_addc(prefix, '.');
		lq_buf_adds(prefix, it->string);
		if (cJSON_IsObject(it) && depth < 4) {
			if (key_wanted(keys, lq_buf_str(prefix), 1))
				attrs_add_object(out, it, prefix, depth + 1, keys);
		} else if (key_wanted(keys, lq_buf_str(prefix), 0)) {
			lq_value v = value_from_cjson(it);
			if (v.kind != LQ_V_ABSENT)
				lq_attrs_set(out, lq_buf_str(prefix), v);
		}
		prefix->len = mark;
		if (prefix->data)
			prefix->data[mark] = '\0';
	}
}

int lq_attrs_from_cjson(const void *obj, lq_attrs *out)
{
	const cJSON *j = obj;
	lq_buf prefix = LQ_BUF_INIT;
	if (!cJSON_IsObject(j))
		return -1;
	attrs_add_object(out, j, &prefix, 0, NULL);
	lq_buf_free(&prefix);
	return 0;
}

int lq_attrs_from_json_keys(const char *json, const char *const *keys,
			    lq_attrs *out)
{
	cJSON *j = cJSON_Parse(json);
	lq_buf prefix = LQ_BUF_INIT;
	int rc = cJSON_IsObject(j) ? 0 : -1;
	if (rc == 0)
		attrs_add_object(out, j, &prefix, 0, keys);
	lq_buf_free(&prefix);
	cJSON_Delete(j);
	return rc;
}

int lq_attrs_from_json(const char *json, lq_attrs *out)
{
	return lq_attrs_from_json_keys(json, NULL, out);
}
