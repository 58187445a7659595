/*
 * expr_eval.c - evaluation of checked rule expressions against an
 * lq_eval_env. Total: never fails, never allocates except PCRE2 match
 * data (one per regex match, so concurrent calls on one expression are
 * safe), never reads the clock.
 *
 * Semantics (see also expr.h):
 *   - an absent value makes every comparison false, != and not in included;
 *     only `not` flips a result;
 *   - numbers compare numerically; a string that is a whole number compares
 *     as that number; otherwise strings compare ignoring ASCII case;
 *   - grade letters order A < B < C < D < F;
 *   - a list value satisfies ==, ordering, in, starts_with, ends_with and
 *     matches when one of its items does; contains means "has an item equal
 *     to"; != and not in mean "no item is equal / in".
 */
#include "model/expr_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/time.h"

int lq_expr_value_num(const lq_value *v, int as_time, double *out)
{
	lq_time t;

	if (v->kind == LQ_V_NUM) {
		*out = v->num;
		return 1;
	}
	if (v->kind != LQ_V_STR || !v->str)
		return 0;
	if (lq_parse_number(v->str, out) == 0)
		return 1;
	if (as_time && lq_time_parse_iso(v->str, &t, NULL) == 0) {
		*out = (double)t;
		return 1;
	}
	return 0;
}

static int grade_rank(const char *s)
{
	static const char order[] = "ABCDFabcdf";
	const char *g;

	if (!s || !s[0] || s[1])
		return 0;
	g = strchr(order, s[0]);
	return g ? (int)((g - order) % 5) + 1 : 0;
}

static int scalar_eq(const lq_value *v, const lq_lit *l)
{
	double x;
	int vnum = lq_expr_value_num(v, l->is_time, &x);

	if (l->numeric)
		return vnum && x == l->num;
	if (v->kind != LQ_V_STR || vnum)
		return 0;
	return strcasecmp(v->str, l->text) == 0;
}

/* Order v against l into *res (<0, 0, >0); 0 when they do not compare. */
static int scalar_cmp(const lq_value *v, const lq_lit *l, int *res)
{
	double x;

	if (l->numeric) {
		if (!lq_expr_value_num(v, l->is_time, &x))
			return 0;
		*res = (x > l->num) - (x < l->num);
		return 1;
	}
	if (l->grade && v->kind == LQ_V_STR) {
		int g = grade_rank(v->str);
		if (!g)
			return 0;
		*res = (g > l->grade) - (g < l->grade);
		return 1;
	}
	return 0;
}

static int cmp_str(const void *key, const void *item)
{
	return strcasecmp((const char *)key, *(char *const *)item);
}

static int cmp_num(const void *key, const void *item)
{
	double x = *(const double *)key, y = *(const double *)item;
	return (x > y) - (x < y);
}

static int in_set(const lq_value *v, const lq_set *s)
{
	double x;

	if (lq_expr_value_num(v, 0, &x))
		return s->nnums &&
		       bsearch(&x, s->nums, s->nnums, sizeof x, cmp_num) != NULL;
	if (v->kind != LQ_V_STR || !s->nstrs)
		return 0;
	return bsearch(v->str, s->strs, s->nstrs, sizeof *s->strs, cmp_str) != NULL;
}

/*
 * Whether s holds t, ignoring ASCII case (what strcasestr does in the C
 * locale, which leadq never leaves). glibc's strcasestr factorises the
 * needle on every call, 3.5% of a rescore whose page views are tested for
 * "/pricing"; short texts (URLs, titles) are searched here at the
 * positions that start with t's first letter. Long texts keep glibc's
 * linear-time search: this loop is O(len(s) * len(t)).
 */
#define CONTAINS_SHORT 256

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int contains_nocase(const char *s, const char *t)
{
	size_t lt = strlen(t);
	int first;

	if (lt == 0)
		return 1;
	if (strnlen(s, CONTAINS_SHORT) == CONTAINS_SHORT)
		return strcasestr(s, t) != NULL;
	first = ascii_lower((unsigned char)t[0]);
	for (; *s; s++) {
		size_t i = 1;
		if (ascii_lower((unsigned char)*s) != first)
			continue;
		while (i < lt && ascii_lower((unsigned char)s[i]) ==
					 ascii_lower((unsigned char)t[i]))
			i++;   /* stops at s's end too: t has no NUL before lt */
		if (i == lt)
			return 1;
	}
	return 0;
}

static int str_test(const lq_node *n, const char *s)
{
	const char *t = n->a.text;
	size_t ls, lt;
	pcre2_match_data *md;
	int rc;

	switch (n->op) {
	case OP_CONTAINS:
		return contains_nocase(s, t);
	case OP_STARTS:
		return strncasecmp(s, t, strlen(t)) == 0;
	case OP_ENDS:
		ls = strlen(s);
		lt = strlen(t);
		return ls >= lt && strcasecmp(s + ls - lt, t) == 0;
	case OP_MATCHES:
		md = pcre2_match_data_create(1, NULL);
		if (!md)
			return 0;
		rc = pcre2_match(n->re, (PCRE2_SPTR)s, strlen(s), 0, 0, md,
				 n->mctx);
		pcre2_match_data_free(md);
		return rc >= 0;
	default:
		return 0;
	}
}

/* The comparison for one scalar (number or string). */
static int scalar_test(const lq_node *n, const lq_value *v)
{
	int r;

	switch (n->op) {
	case OP_EQ:
	case OP_NE:
		return scalar_eq(v, &n->a);
	case OP_IN:
	case OP_NOT_IN:
		return in_set(v, &n->set);
	case OP_LT: return scalar_cmp(v, &n->a, &r) && r < 0;
	case OP_LE: return scalar_cmp(v, &n->a, &r) && r <= 0;
	case OP_GT: return scalar_cmp(v, &n->a, &r) && r > 0;
	case OP_GE: return scalar_cmp(v, &n->a, &r) && r >= 0;
	case OP_BETWEEN:
		return scalar_cmp(v, &n->a, &r) && r >= 0 &&
		       scalar_cmp(v, &n->b, &r) && r <= 0;
	case OP_CONTAINS:
		if (v->kind == LQ_V_STR)
			return str_test(n, v->str);
		return 0;
	case OP_STARTS:
	case OP_ENDS:
	case OP_MATCHES:
		return v->kind == LQ_V_STR && str_test(n, v->str);
	default:
		return 0;
	}
}

/* True when v (or, for a list, one of its items) passes the test. */
static int any_test(const lq_node *n, const lq_value *v)
{
	if (v->kind != LQ_V_LIST)
		return scalar_test(n, v);
	for (size_t i = 0; i < v->n; i++) {
		const lq_value *it = &v->items[i];
		if (it->kind == LQ_V_LIST || it->kind == LQ_V_ABSENT)
			continue;
		if (n->op == OP_CONTAINS ? scalar_eq(it, &n->a)
					 : scalar_test(n, it))
			return 1;
	}
	return 0;
}

static int eval_cmp(const lq_node *n, const lq_eval_env *env)
{
	lq_value v = lq_field_get(n->field, n->key, env);

	if (v.kind == LQ_V_ABSENT)
		return 0;
	switch (n->op) {
	case OP_EXISTS:
		return 1;
	case OP_NE:
	case OP_NOT_IN:
		return !any_test(n, &v);
	default:
		return any_test(n, &v);
	}
}

int lq_expr_eval_node(const lq_node *n, const lq_eval_env *env)
{
	switch (n->kind) {
	case N_AND:
		for (size_t i = 0; i < n->nkids; i++)
			if (!lq_expr_eval_node(n->kids[i], env))
				return 0;
		return 1;
	case N_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (lq_expr_eval_node(n->kids[i], env))
				return 1;
		return 0;
	case N_NOT:
		return !lq_expr_eval_node(n->kids[0], env);
	case N_CMP:
		return eval_cmp(n, env);
	}
	return 0;
}
