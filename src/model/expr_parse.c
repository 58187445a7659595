/*
 * expr_parse.c - the recursive-descent parser of the rule expression
 * language and the public lq_expr_* entry points (parse, text, free).
 *
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' or ')' | compare
 *   compare := NAME ( op value | 'between' value 'and' value
 *              | ['not'] 'in' (list | $name) | contains value
 *              | starts_with value | ends_with value | matches "re"
 *              | 'exists' )
 *
 * Nesting (parentheses and nots) is bounded by LQ_EXPR_MAX_DEPTH so no
 * input can overflow the stack; and/or chains are built iteratively.
 * Names, lists, regexes and types are checked here (via expr_check.c): a
 * parsed expression never fails at evaluation.
 */
#include "model/expr_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

static lq_node *parse_or(lq_xp *p);

static lq_node *node_new(lq_node_kind kind)
{
	lq_node *n = lq_xcalloc(1, sizeof *n);
	n->kind = kind;
	return n;
}

static void node_add_kid(lq_node *n, lq_node *kid)
{
	n->kids = lq_xrealloc(n->kids, (n->nkids + 1) * sizeof *n->kids);
	n->kids[n->nkids++] = kid;
}

static int advance(lq_xp *p)
{
	return lq_expr_lex(p, 0);
}

static int unexpected(lq_xp *p, const char *what)
{
	char got[80];
	lq_expr_tok_describe(p, &p->tok, got, sizeof got);
	return lq_expr_fail(p, p->tok.off, "expected %s but found %s", what, got);
}

static int is_literal(lq_tok_kind k)
{
	return k == T_NUM || k == T_DUR || k == T_STR;
}

/* true and false stand for the strings "true" and "false" (how JSON
 * booleans arrive in attributes and event properties). */
static int is_bool_word(const lq_xp *p)
{
	const char *s = p->text + p->tok.off;
	return (p->tok.len == 4 && strncasecmp(s, "true", 4) == 0) ||
	       (p->tok.len == 5 && strncasecmp(s, "false", 5) == 0);
}

/* The value after an operator; op names the operator for messages. */
static int parse_value(lq_xp *p, lq_node *n, const lq_tok *op, int which)
{
	char opname[80];

	lq_expr_tok_describe(p, op, opname, sizeof opname);
	if (p->tok.kind == T_LBRACK)
		return lq_expr_fail(p, p->tok.off,
				    "%s needs a single value, not a list (use in [...])",
				    opname);
	if (p->tok.kind == T_NAME && is_bool_word(p))
		return lq_expr_take_lit(p, n, &p->tok, which) ? LQ_EINVAL : advance(p);
	if (p->tok.kind == T_NAME)
		return lq_expr_fail(p, p->tok.off,
				    "expected a value after %s but found '%.*s' (quote text: \"%.*s\")",
				    opname, (int)(p->tok.len > 60 ? 60 : p->tok.len),
				    p->text + p->tok.off,
				    (int)(p->tok.len > 60 ? 60 : p->tok.len),
				    p->text + p->tok.off);
	if (!is_literal(p->tok.kind)) {
		char what[128];
		snprintf(what, sizeof what, "a value after %s", opname);
		return unexpected(p, what);
	}
	if (lq_expr_take_lit(p, n, &p->tok, which))
		return LQ_EINVAL;
	return advance(p);
}

static int parse_list_literal(lq_xp *p, lq_node *n)
{
	size_t open = p->tok.off, count = 0;

	if (lq_expr_lex(p, 1))
		return LQ_EINVAL;
	while (p->tok.kind != T_RBRACK) {
		if (p->tok.kind == T_EOF)
			return lq_expr_fail(p, open, "missing ']' for this list");
		if (p->tok.kind == T_COMMA)
			return lq_expr_fail(p, p->tok.off, "empty item in list");
		if (++count > LQ_EXPR_MAX_ITEMS)
			return lq_expr_fail(p, open, "list has too many items (%d at most)",
					    LQ_EXPR_MAX_ITEMS);
		if (lq_expr_add_item(p, n, &p->tok) || lq_expr_lex(p, 1))
			return LQ_EINVAL;
		if (p->tok.kind == T_COMMA) {
			if (lq_expr_lex(p, 1))
				return LQ_EINVAL;
		} else if (p->tok.kind != T_RBRACK) {
			if (p->tok.kind == T_EOF)
				return lq_expr_fail(p, open, "missing ']' for this list");
			return unexpected(p, "',' or ']' in list");
		}
	}
	lq_expr_finish_set(n);
	return advance(p);
}

static int parse_in(lq_xp *p, lq_node *n)
{
	if (advance(p))
		return LQ_EINVAL;
	if (p->tok.kind == T_LBRACK)
		return parse_list_literal(p, n);
	if (p->tok.kind == T_LISTREF) {
		if (lq_expr_add_list(p, n, &p->tok))
			return LQ_EINVAL;
		lq_expr_finish_set(n);
		return advance(p);
	}
	return unexpected(p, "a list after in ([a, b] or $name)");
}

static int parse_between(lq_xp *p, lq_node *n, const lq_tok *op)
{
	if (advance(p) || parse_value(p, n, op, 0))
		return LQ_EINVAL;
	if (p->tok.kind != T_AND)
		return unexpected(p, "'and' in between ... and ...");
	if (advance(p) || parse_value(p, n, op, 1))
		return LQ_EINVAL;
	if (n->a.numeric && n->b.numeric && n->a.num > n->b.num)
		return lq_expr_fail(p, op->off, "between bounds are reversed: %s is greater than %s",
				    n->a.text, n->b.text);
	return 0;
}

static int parse_matches(lq_xp *p, lq_node *n)
{
	if (advance(p))
		return LQ_EINVAL;
	if (p->tok.kind != T_STR)
		return unexpected(p, "a quoted regex after matches");
	if (lq_expr_compile_re(p, n, &p->tok))
		return LQ_EINVAL;
	return advance(p);
}

static const struct {
	lq_tok_kind tok;
	lq_op op;
} op_table[] = {
	{T_EQ, OP_EQ}, {T_NE, OP_NE}, {T_LT, OP_LT}, {T_LE, OP_LE},
	{T_GT, OP_GT}, {T_GE, OP_GE}, {T_BETWEEN, OP_BETWEEN}, {T_IN, OP_IN},
	{T_CONTAINS, OP_CONTAINS}, {T_STARTS, OP_STARTS}, {T_ENDS, OP_ENDS},
	{T_MATCHES, OP_MATCHES}, {T_EXISTS, OP_EXISTS},
};

/* Read the operator at p->tok into n->op; "not in" becomes OP_NOT_IN. */
static int parse_operator(lq_xp *p, lq_node *n, lq_tok *op)
{
	*op = p->tok;
	if (p->tok.kind == T_NOT) {
		if (advance(p))
			return LQ_EINVAL;
		if (p->tok.kind != T_IN)
			return unexpected(p, "in after not (x not in [...])");
		n->op = OP_NOT_IN;
		op->len = p->tok.off + p->tok.len - op->off;
		return 0;
	}
	for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++)
		if (op_table[i].tok == p->tok.kind) {
			n->op = op_table[i].op;
			return 0;
		}
	char what[160];
	snprintf(what, sizeof what, "an operator after %s", n->name);
	return unexpected(p, what);
}

static int parse_operand(lq_xp *p, lq_node *n, const lq_tok *op)
{
	switch (n->op) {
	case OP_EXISTS:
		return advance(p);
	case OP_IN:
	case OP_NOT_IN:
		return parse_in(p, n);
	case OP_BETWEEN:
		return parse_between(p, n, op);
	case OP_MATCHES:
		return parse_matches(p, n);
	default:
		return advance(p) || parse_value(p, n, op, 0) ? LQ_EINVAL : 0;
	}
}

static lq_node *parse_compare(lq_xp *p)
{
	lq_node *n = node_new(N_CMP);
	const char *key = NULL;
	size_t keylen = 0;
	lq_tok op;

	n->name = lq_xstrndup(p->text + p->tok.off, p->tok.len);
	n->field = lq_field_find(n->name, p->tok.len, p->ctx, &key, &keylen,
				 p->err);
	if (!n->field) {
		lq_expr_fail(p, p->tok.off, "%s", p->err->msg);
		goto fail;
	}
	n->key = key;  /* points into n->name */
	(void)keylen;
	if (n->field->id >= LQ_F_EVENT_TYPE && n->field->id <= LQ_F_EVENT_PROP)
		p->uses_event = 1;
	if (advance(p) || parse_operator(p, n, &op) ||
	    lq_expr_check_op(p, n, &op) || parse_operand(p, n, &op))
		goto fail;
	return n;
fail:
	lq_expr_node_free(n);
	return NULL;
}

static int enter(lq_xp *p)
{
	if (++p->depth > LQ_EXPR_MAX_DEPTH)
		return lq_expr_fail(p, p->tok.off,
				    "expression nested too deeply (%d levels at most)",
				    LQ_EXPR_MAX_DEPTH);
	return 0;
}

static lq_node *parse_unary(lq_xp *p)
{
	lq_node *n = NULL, *kid;

	if (p->tok.kind == T_NOT || p->tok.kind == T_LPAREN) {
		lq_tok open = p->tok;
		if (enter(p) || advance(p))
			return NULL;
		kid = open.kind == T_NOT ? parse_unary(p) : parse_or(p);
		p->depth--;
		if (!kid)
			return NULL;
		if (open.kind == T_LPAREN) {
			if (p->tok.kind != T_RPAREN) {
				lq_expr_node_free(kid);
				if (p->tok.kind == T_EOF)
					lq_expr_fail(p, open.off, "missing ')' for this '('");
				else
					unexpected(p, "')' or an operator");
				return NULL;
			}
			if (advance(p)) {
				lq_expr_node_free(kid);
				return NULL;
			}
			return kid;
		}
		n = node_new(N_NOT);
		node_add_kid(n, kid);
		return n;
	}
	if (p->tok.kind == T_NAME)
		return parse_compare(p);
	unexpected(p, "a field name, not or '('");
	return NULL;
}

/* and (level 0) and or (level 1): left-associative n-ary chains. */
static lq_node *parse_chain(lq_xp *p, int level)
{
	lq_tok_kind sep = level ? T_OR : T_AND;
	lq_node *first = level ? parse_chain(p, 0) : parse_unary(p), *n;

	if (!first || p->tok.kind != sep)
		return first;
	n = node_new(level ? N_OR : N_AND);
	node_add_kid(n, first);
	while (p->tok.kind == sep) {
		lq_node *kid = NULL;
		if (!advance(p))
			kid = level ? parse_chain(p, 0) : parse_unary(p);
		if (!kid) {
			lq_expr_node_free(n);
			return NULL;
		}
		node_add_kid(n, kid);
	}
	return n;
}

static lq_node *parse_or(lq_xp *p)
{
	return parse_chain(p, 1);
}

static int check_text(const char *text, lq_xp *p)
{
	size_t len = strlen(text);

	if (len > LQ_EXPR_MAX_TEXT)
		return lq_expr_fail(p, 0, "expression too long (%d bytes at most)",
				    LQ_EXPR_MAX_TEXT);
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || text[i] == '\r')
			return lq_expr_fail(p, i, "expression must fit on one line");
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t')
			return 0;
	return lq_expr_fail(p, 0, "empty expression");
}

lq_expr *lq_expr_parse(const char *text, unsigned ctx,
		       const lq_named_list *lists, size_t nlists,
		       lq_src_pos pos, lq_error *err)
{
	lq_error local;
	lq_xp p = {0};
	lq_node *root;
	lq_expr *e;

	p.err = err ? err : &local;
	lq_error_clear(p.err);
	p.pos = pos;
	if (p.pos.line < 1)
		p.pos.line = 1;
	if (p.pos.col < 1)
		p.pos.col = 1;
	p.ctx = ctx;
	p.lists = lists;
	p.nlists = nlists;
	if (!text) {
		lq_expr_fail(&p, 0, "empty expression");
		return NULL;
	}
	if (check_text(text, &p))
		return NULL;
	p.text = text;
	p.len = strlen(text);
	if (advance(&p) || !(root = parse_or(&p)))
		return NULL;
	if (p.tok.kind != T_EOF) {
		unexpected(&p, "and, or or the end of the expression");
		lq_expr_node_free(root);
		return NULL;
	}
	e = lq_xcalloc(1, sizeof *e);
	e->text = lq_xstrdup(text);
	e->root = root;
	e->uses_event = p.uses_event;
	return e;
}

int lq_expr_eval(const lq_expr *e, const lq_eval_env *env)
{
	if (!e || !env)
		return 0;
	return lq_expr_eval_node(e->root, env);
}

const char *lq_expr_text(const lq_expr *e)
{
	return e ? e->text : "";
}

int lq_expr_uses_event(const lq_expr *e)
{
	return e ? e->uses_event : 0;
}

static void node_event_keys(const lq_node *n,
			    void (*fn)(void *ctx, const char *key), void *ctx)
{
	if (n->kind != N_CMP) {
		for (size_t i = 0; i < n->nkids; i++)
			node_event_keys(n->kids[i], fn, ctx);
		return;
	}
	if (n->field && n->field->id == LQ_F_EVENT_PROP && n->key)
		fn(ctx, n->key);
}

void lq_expr_event_keys(const lq_expr *e,
			void (*fn)(void *ctx, const char *key), void *ctx)
{
	if (e && e->root)
		node_event_keys(e->root, fn, ctx);
}

void lq_expr_free(lq_expr *e)
{
	if (!e)
		return;
	lq_expr_node_free(e->root);
	free(e->text);
	free(e);
}
