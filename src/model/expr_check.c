/*
 * expr_check.c - parse-time checks of the rule expression language: which
 * operators a field's type allows, which literals it can be compared with
 * (converting dates to ms and letters to grades once, here), the sets
 * behind in / not in, named lists ($name) and PCRE2 regexes. Everything
 * that can be wrong with an expression is found here, never at evaluation.
 */
#include "model/expr_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/time.h"

#define RE_MATCH_LIMIT 1000000  /* backtracking steps per match */
#define RE_DEPTH_LIMIT 10000

typedef enum op_class { C_EQ, C_ORD, C_TEXT, C_NONE } op_class;

static const char *const op_names[] = {
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
	[OP_GT] = ">", [OP_GE] = ">=", [OP_BETWEEN] = "between",
	[OP_IN] = "in", [OP_NOT_IN] = "not in", [OP_CONTAINS] = "contains",
	[OP_STARTS] = "starts_with", [OP_ENDS] = "ends_with",
	[OP_MATCHES] = "matches", [OP_EXISTS] = "exists",
};

static op_class class_of(lq_op op)
{
	switch (op) {
	case OP_EQ: case OP_NE: case OP_IN: case OP_NOT_IN:
		return C_EQ;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_BETWEEN:
		return C_ORD;
	case OP_CONTAINS: case OP_STARTS: case OP_ENDS: case OP_MATCHES:
		return C_TEXT;
	default:
		return C_NONE;
	}
}

int lq_expr_check_op(lq_xp *p, const lq_node *n, const lq_tok *op)
{
	lq_ftype t = n->field->type;
	op_class c = class_of(n->op);

	if (c == C_TEXT && (t == LQ_FT_NUM || t == LQ_FT_TIME || t == LQ_FT_GRADE))
		return lq_expr_fail(p, op->off,
				    "type mismatch: %s needs text or a list, %s is %s",
				    op_names[n->op], n->name, lq_field_type_name(t));
	if (c == C_ORD && t == LQ_FT_LIST)
		return lq_expr_fail(p, op->off,
				    "type mismatch: %s needs a single value, %s is a list",
				    op_names[n->op], n->name);
	return 0;
}

static int grade_rank(const char *s)
{
	static const char order[] = "ABCDF";
	const char *g;

	if (!s[0] || s[1])
		return 0;
	g = strchr(order, toupper((unsigned char)s[0]));
	return g ? (int)(g - order) + 1 : 0;
}

static void lit_set_text(lq_lit *l, char *text, int is_number, double num)
{
	l->text = text;
	l->numeric = is_number || lq_parse_number(text, &l->num) == 0;
	if (is_number)
		l->num = num;
	l->grade = is_number ? 0 : grade_rank(text);
}

static void lit_from_tok(lq_xp *p, const lq_tok *t, lq_lit *l)
{
	memset(l, 0, sizeof *l);
	lit_set_text(l, lq_expr_tok_text(p, t),
		     t->kind == T_NUM || t->kind == T_DUR, t->num);
}

/* A named list item; 0 when it is not a scalar. */
static int lit_from_value(const lq_value *v, lq_lit *l)
{
	char tmp[64];

	memset(l, 0, sizeof *l);
	if (v->kind == LQ_V_NUM) {
		snprintf(tmp, sizeof tmp, "%.15g", v->num);
		lit_set_text(l, lq_xstrdup(tmp), 1, v->num);
		return 1;
	}
	if (v->kind == LQ_V_STR && v->str) {
		lit_set_text(l, lq_xstrdup(v->str), 0, 0);
		return 1;
	}
	return 0;
}

static void lit_free(lq_lit *l)
{
	free(l->text);
	memset(l, 0, sizeof *l);
}

/* Read the literal as a date; 1 on success. */
static int lit_to_time(lq_lit *l)
{
	lq_time t;

	if (lq_time_parse_iso(l->text, &t, NULL) != 0)
		return 0;
	l->num = (double)t;
	l->numeric = 1;
	l->is_time = 1;
	l->grade = 0;
	return 1;
}

/* Check l against n's field type and operator; describe it as what. */
static int check_lit(lq_xp *p, const lq_node *n, lq_lit *l, size_t off,
		     const char *list)
{
	op_class c = class_of(n->op);
	char what[160];

	if (list)
		snprintf(what, sizeof what, "'%.60s' (in $%.60s)", l->text, list);
	else
		snprintf(what, sizeof what, "'%.60s'", l->text);
	if (c != C_EQ && c != C_ORD)
		return 0;
	switch (n->field->type) {
	case LQ_FT_NUM:
		if (!l->numeric)
			return lq_expr_fail(p, off, "type mismatch: %s is a number, %s is not",
					    n->name, what);
		return 0;
	case LQ_FT_TIME:
		if (!lit_to_time(l))
			return lq_expr_fail(p, off, "type mismatch: %s is a time, %s is not a date (write one like \"2026-03-01\")",
					    n->name, what);
		return 0;
	case LQ_FT_GRADE:
		if (!l->grade)
			return lq_expr_fail(p, off, "type mismatch: %s is a grade letter (A, B, C, D or F), %s is not",
					    n->name, what);
		return 0;
	case LQ_FT_TEXT:
	case LQ_FT_ANY:
		if (c != C_ORD || l->numeric || (l->grade && n->field->type == LQ_FT_ANY))
			return 0;
		if (n->field->type == LQ_FT_ANY && lit_to_time(l))
			return 0;
		return lq_expr_fail(p, off, "type mismatch: %s compares numbers, times or grades, %s is text",
				    op_names[n->op], what);
	case LQ_FT_LIST:
		return 0;
	}
	return 0;
}

int lq_expr_take_lit(lq_xp *p, lq_node *n, const lq_tok *t, int which)
{
	lq_lit l;

	lit_from_tok(p, t, &l);
	if (check_lit(p, n, &l, t->off, NULL)) {
		lit_free(&l);
		return LQ_EINVAL;
	}
	if (which)
		n->b = l;
	else
		n->a = l;
	return 0;
}

/* Move l into the set (l is emptied). */
static void set_add(lq_set *s, lq_lit *l)
{
	if (l->numeric) {
		if (s->nnums == s->capnums) {
			s->capnums = s->capnums ? 2 * s->capnums : 8;
			s->nums = lq_xrealloc(s->nums, s->capnums * sizeof *s->nums);
		}
		s->nums[s->nnums++] = l->num;
		lit_free(l);
		return;
	}
	if (s->nstrs == s->capstrs) {
		s->capstrs = s->capstrs ? 2 * s->capstrs : 8;
		s->strs = lq_xrealloc(s->strs, s->capstrs * sizeof *s->strs);
	}
	s->strs[s->nstrs++] = l->text;
	l->text = NULL;
}

int lq_expr_add_item(lq_xp *p, lq_node *n, const lq_tok *t)
{
	lq_lit l;

	lit_from_tok(p, t, &l);
	if (check_lit(p, n, &l, t->off, NULL)) {
		lit_free(&l);
		return LQ_EINVAL;
	}
	set_add(&n->set, &l);
	return 0;
}

static const lq_named_list *find_list(const lq_xp *p, const char *name,
				      size_t len)
{
	for (size_t i = 0; i < p->nlists; i++)
		if (p->lists[i].name && strlen(p->lists[i].name) == len &&
		    memcmp(p->lists[i].name, name, len) == 0)
			return &p->lists[i];
	return NULL;
}

int lq_expr_add_list(lq_xp *p, lq_node *n, const lq_tok *ref)
{
	const char *name = p->text + ref->off + 1;
	size_t len = ref->len - 1;
	const lq_named_list *nl = find_list(p, name, len);

	if (!nl)
		return lq_expr_fail(p, ref->off, "unknown list $%.*s",
				    (int)(len > 100 ? 100 : len), name);
	if (nl->items.kind != LQ_V_LIST)
		return 0;
	for (size_t i = 0; i < nl->items.n; i++) {
		lq_lit l;
		if (!lit_from_value(&nl->items.items[i], &l))
			continue;
		if (check_lit(p, n, &l, ref->off, nl->name)) {
			lit_free(&l);
			return LQ_EINVAL;
		}
		set_add(&n->set, &l);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_num(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void lq_expr_finish_set(lq_node *n)
{
	if (n->set.nstrs > 1)
		qsort(n->set.strs, n->set.nstrs, sizeof *n->set.strs, cmp_str);
	if (n->set.nnums > 1)
		qsort(n->set.nums, n->set.nnums, sizeof *n->set.nums, cmp_num);
}

int lq_expr_compile_re(lq_xp *p, lq_node *n, const lq_tok *t)
{
	int code;
	PCRE2_SIZE eoff;
	PCRE2_UCHAR msg[256];

	lit_from_tok(p, t, &n->a);
	n->re = pcre2_compile((PCRE2_SPTR)n->a.text, PCRE2_ZERO_TERMINATED, 0,
			      &code, &eoff, NULL);
	if (!n->re) {
		pcre2_get_error_message(code, msg, sizeof msg);
		return lq_expr_fail(p, t->off, "bad regex \"%.80s\": %s at offset %zu",
				    n->a.text, (const char *)msg, (size_t)eoff);
	}
	(void)pcre2_jit_compile(n->re, PCRE2_JIT_COMPLETE);
	n->mctx = pcre2_match_context_create(NULL);
	if (!n->mctx)
		return lq_expr_fail(p, t->off, "out of memory compiling regex");
	pcre2_set_match_limit(n->mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(n->mctx, RE_DEPTH_LIMIT);
	return 0;
}

void lq_expr_node_free(lq_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		lq_expr_node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	lit_free(&n->a);
	lit_free(&n->b);
	for (size_t i = 0; i < n->set.nstrs; i++)
		free(n->set.strs[i]);
	free(n->set.strs);
	free(n->set.nums);
	if (n->re)
		pcre2_code_free(n->re);
	if (n->mctx)
		pcre2_match_context_free(n->mctx);
	free(n);
}
