/*
 * expr_internal.h - private to src/model/expr_*.c: the tokens the lexer
 * produces, the parser state, and the checked syntax tree the evaluator
 * walks. Nothing outside the expression language may include it.
 */
#ifndef LQ_EXPR_INTERNAL_H
#define LQ_EXPR_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stddef.h>

#include "model/expr.h"
#include "model/fields.h"

#define LQ_EXPR_MAX_TEXT 4096   /* bytes of expression text */
#define LQ_EXPR_MAX_DEPTH 64    /* nested parentheses and nots */
#define LQ_EXPR_MAX_ITEMS 10000 /* items in one list literal */

/* ---- tokens (expr_lex.c) ---- */

typedef enum lq_tok_kind {
	T_EOF, T_NAME, T_NUM, T_DUR, T_STR, T_WORD, T_LISTREF,
	T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_COMMA,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_AND, T_OR, T_NOT, T_IN, T_BETWEEN, T_CONTAINS, T_STARTS, T_ENDS,
	T_MATCHES, T_EXISTS,
} lq_tok_kind;

typedef struct lq_tok {
	lq_tok_kind kind;
	size_t off;   /* byte offset of the token in the text */
	size_t len;   /* bytes of source text */
	double num;   /* T_NUM; T_DUR in seconds */
} lq_tok;

/* Parser state, shared by the lexer and the parser. */
typedef struct lq_xp {
	const char *text;
	size_t len;
	lq_tok tok;                 /* current token */
	unsigned ctx;
	const lq_named_list *lists;
	size_t nlists;
	lq_src_pos pos;
	lq_error *err;
	int depth;
	int uses_event;
} lq_xp;

/* Fill p->err for the text at byte offset off; returns LQ_EINVAL. */
int lq_expr_fail(lq_xp *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Lex the token after the current one into p->tok. In list mode bare words
 * are strings (T_WORD) and only literals, ',' and ']' are tokens.
 * Returns 0 or LQ_EINVAL (p->err filled). */
int lq_expr_lex(lq_xp *p, int list_mode);

/* The value of a T_STR (quotes removed, \" \' \\ unescaped, any other
 * backslash kept) or the text of any other token. Caller frees. */
char *lq_expr_tok_text(const lq_xp *p, const lq_tok *t);

/* Printable name of a token for messages ("end of expression", "'=='"). */
void lq_expr_tok_describe(const lq_xp *p, const lq_tok *t, char *out,
			  size_t outsz);

/* ---- syntax tree (expr_parse.c builds, expr_eval.c walks) ---- */

typedef enum lq_node_kind { N_AND, N_OR, N_NOT, N_CMP } lq_node_kind;

typedef enum lq_op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_BETWEEN, OP_IN,
	OP_NOT_IN, OP_CONTAINS, OP_STARTS, OP_ENDS, OP_MATCHES, OP_EXISTS,
} lq_op;

/* A checked literal. numeric: compares as num (numbers, durations in
 * seconds, numeric strings, times in ms); else text compares ignoring
 * case, and grade (1..5 for A..F, 0 when not a letter) orders it. */
typedef struct lq_lit {
	char *text;
	double num;
	int numeric;
	int grade;
	int is_time;  /* num is a time (ms) that string values parse to */
} lq_lit;

/* The right side of in / not in: sorted for binary search. */
typedef struct lq_set {
	char **strs;     /* non-numeric items, sorted with strcasecmp */
	size_t nstrs, capstrs;
	double *nums;    /* numeric items, sorted */
	size_t nnums, capnums;
} lq_set;

typedef struct lq_node {
	lq_node_kind kind;
	struct lq_node **kids;    /* N_AND, N_OR: n >= 2; N_NOT: 1 */
	size_t nkids;
	lq_op op;                 /* N_CMP */
	const lq_field *field;
	char *name;               /* the field as written (account.attr.x) */
	const char *key;          /* dynamic fields: points into name */
	lq_lit a, b;              /* b: upper bound of between */
	lq_set set;               /* in / not in */
	pcre2_code *re;           /* matches */
	pcre2_match_context *mctx;
} lq_node;

struct lq_expr {
	char *text;
	lq_node *root;
	int uses_event;
};

/* ---- checks and literals (expr_check.c) ---- */

/* Operator classes for type checks. */
int lq_expr_check_op(lq_xp *p, const lq_node *n, const lq_tok *op);
/* Turn a literal token into n->a (which = 0) or n->b (which = 1), checked
 * against the field's type and converted (dates to ms, letters to grades). */
int lq_expr_take_lit(lq_xp *p, lq_node *n, const lq_tok *t, int which);
/* Add a list literal item / every item of $name to the in-set under
 * construction; lq_expr_finish_set sorts it. */
int lq_expr_add_item(lq_xp *p, lq_node *n, const lq_tok *t);
int lq_expr_add_list(lq_xp *p, lq_node *n, const lq_tok *ref);
void lq_expr_finish_set(lq_node *n);
/* Compile the regex in string token t for n (matches). */
int lq_expr_compile_re(lq_xp *p, lq_node *n, const lq_tok *t);
void lq_expr_node_free(lq_node *n);

/* expr_eval.c */
int lq_expr_eval_node(const lq_node *n, const lq_eval_env *env);
/* 1 and *out set when v is a number or a string holding one (or, with
 * as_time, an ISO 8601 time, read as ms). */
int lq_expr_value_num(const lq_value *v, int as_time, double *out);

#endif
