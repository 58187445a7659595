/*
 * model_yaml.c - the model loader's YAML helpers: diagnostics with
 * file:line:col from libyaml marks, key checks, typed scalars (integers,
 * numbers, booleans, durations, text, expressions) and the alias check.
 * Helpers report and return; they never stop the load, so every problem
 * in a model file is found in one pass. No I/O here.
 */
#include "model/model_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

void lq_diags_free(lq_diags *d)
{
	if (!d)
		return;
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

static void diags_push(lq_ml *ml, const lq_error *e)
{
	lq_diags *d = ml->diags;

	if (d->n >= LQ_MODEL_MAX_DIAGS)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->items = lq_xrealloc(d->items, d->cap * sizeof *d->items);
	}
	d->items[d->n++] = *e;
}

static void diag_v(lq_ml *ml, int line, int col, const char *fmt, va_list ap)
{
	lq_error e;
	char msg[sizeof e.msg];

	vsnprintf(msg, sizeof msg, fmt, ap);
	lq_error_at(&e, LQ_EINVAL, ml->file, line, col, "%s", msg);
	diags_push(ml, &e);
}

void lq_model_diag_at(lq_ml *ml, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_v(ml, line, col, fmt, ap);
	va_end(ap);
}

void lq_model_diag(lq_ml *ml, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;
	int line = at ? (int)at->start_mark.line + 1 : 1;
	int col = at ? (int)at->start_mark.column + 1 : 1;

	va_start(ap, fmt);
	diag_v(ml, line, col, fmt, ap);
	va_end(ap);
}

void lq_model_diag_err(lq_ml *ml, const lq_error *e)
{
	diags_push(ml, e);
}

static int diag_before(const lq_error *a, const lq_error *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

void lq_model_diags_sort(lq_diags *d)
{
	/* insertion sort: stable, and d->n is bounded by LQ_MODEL_MAX_DIAGS */
	for (size_t i = 1; i < d->n; i++) {
		lq_error e = d->items[i];
		size_t j = i;
		while (j > 0 && diag_before(&e, &d->items[j - 1])) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = e;
	}
}

int lq_model_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

yaml_node_t *lq_model_node(lq_ml *ml, int id)
{
	return yaml_document_get_node(&ml->doc, id);
}

const char *lq_model_scalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

int lq_model_is_null(const yaml_node_t *n)
{
	const char *s = lq_model_scalar(n);

	if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*s || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[40], cur[40];

	if (la >= 39 || lb >= 39)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t x = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t y = prev[j] + 1, z = cur[j - 1] + 1;
			x = x < y ? x : y;
			cur[j] = x < z ? x : z;
		}
		memcpy(prev, cur, (lb + 1) * sizeof cur[0]);
	}
	return prev[lb];
}

static void unknown_key(lq_ml *ml, const yaml_node_t *k, const char *key,
			const char *const *allowed, const char *where)
{
	const char *best = NULL;
	size_t best_d = 3;
	char hint[96] = "";

	for (size_t i = 0; allowed[i]; i++) {
		size_t d = distance(key, allowed[i]);
		if (d < best_d && d < strlen(key)) {
			best_d = d;
			best = allowed[i];
		}
	}
	if (best)
		snprintf(hint, sizeof hint, " (did you mean %s?)", best);
	if (where)
		lq_model_diag(ml, k, "unknown key '%.100s' %s%s", key, where, hint);
	else
		lq_model_diag(ml, k, "unknown top-level key '%.100s'%s", key, hint);
}

static int is_allowed(const char *key, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(key, allowed[i]) == 0)
			return 1;
	return 0;
}

int lq_model_check_keys(lq_ml *ml, const yaml_node_t *map,
			const char *const *allowed, const char *where)
{
	yaml_node_pair_t *p, *q;

	if (!map || map->type != YAML_MAPPING_NODE)
		return -1;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = lq_model_node(ml, p->key);
		const char *key = lq_model_scalar(k);
		if (!key) {
			lq_model_diag(ml, k, "keys must be plain text");
			continue;
		}
		if (!is_allowed(key, allowed)) {
			unknown_key(ml, k, key, allowed, where);
			continue;
		}
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = lq_model_node(ml, q->key);
			const char *key2 = lq_model_scalar(k2);
			if (key2 && strcmp(key, key2) == 0) {
				lq_model_diag(ml, k, "duplicate key '%.100s'%s%s (first at line %d)",
					      key, where ? " " : "", where ? where : "",
					      lq_model_line(k2));
				break;
			}
		}
	}
	return 0;
}

yaml_node_t *lq_model_get(lq_ml *ml, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = lq_model_scalar(lq_model_node(ml, p->key));
		if (k && strcmp(k, key) == 0)
			return lq_model_node(ml, p->value);
	}
	return NULL;
}

static const char *shown(const yaml_node_t *n)
{
	const char *s = lq_model_scalar(n);
	if (!s)
		return n && n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
	return s;
}

int lq_model_get_int(lq_ml *ml, const yaml_node_t *n, const char *what,
		     long min, long max, long *out)
{
	const char *s = lq_model_scalar(n);
	char *end;
	long x;

	if (!s || !*s)
		goto bad;
	errno = 0;
	x = strtol(s, &end, 10);
	if (*end || errno || isspace((unsigned char)*s))
		goto bad;
	if (x < min || x > max) {
		lq_model_diag(ml, n, "%s must be between %ld and %ld, got %ld",
			      what, min, max, x);
		return -1;
	}
	*out = x;
	return 0;
bad:
	lq_model_diag(ml, n, "%s must be an integer, got '%.60s'", what, shown(n));
	return -1;
}

int lq_model_get_num(lq_ml *ml, const yaml_node_t *n, const char *what,
		     double min, double max, double *out)
{
	const char *s = lq_model_scalar(n);
	double x;

	if (!s || lq_parse_number(s, &x) != 0) {
		lq_model_diag(ml, n, "%s must be a number, got '%.60s'", what,
			      shown(n));
		return -1;
	}
	if (x < min || x > max) {
		lq_model_diag(ml, n, "%s must be between %g and %g, got %g",
			      what, min, max, x);
		return -1;
	}
	*out = x;
	return 0;
}

int lq_model_get_bool(lq_ml *ml, const yaml_node_t *n, const char *what,
		      int *out)
{
	const char *s = lq_model_scalar(n);

	if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)) {
		*out = 1;
		return 0;
	}
	if (s && (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)) {
		*out = 0;
		return 0;
	}
	lq_model_diag(ml, n, "%s must be true or false, got '%.60s'", what,
		      shown(n));
	return -1;
}

int lq_model_get_dur(lq_ml *ml, const yaml_node_t *n, const char *what,
		     lq_dur *out)
{
	const char *s = lq_model_scalar(n);

	if (!s || !*s) {
		lq_model_diag(ml, n, "%s must be a duration like 30d, got '%.60s'",
			      what, s ? s : shown(n));
		return -1;
	}
	if (strcmp(s, "0") == 0 || strcasecmp(s, "none") == 0) {
		*out = 0;
		return 0;
	}
	if (s[0] == '-') {
		lq_model_diag(ml, n, "negative duration '%.60s' for %s", s, what);
		return -1;
	}
	if (strspn(s, "0123456789") == strlen(s)) {
		lq_model_diag(ml, n, "bad duration '%.60s' for %s (add a unit: s, m, h, d or w)",
			      s, what);
		return -1;
	}
	if (lq_dur_parse(s, out, NULL) != 0) {
		lq_model_diag(ml, n, "bad duration '%.60s' for %s (expected a whole number followed by s, m, h, d or w, e.g. 30d)",
			      s, what);
		return -1;
	}
	return 0;
}

char *lq_model_get_str(lq_ml *ml, const yaml_node_t *n, const char *what,
		       size_t max)
{
	const char *s = lq_model_scalar(n);

	if (!s || !*s) {
		lq_model_diag(ml, n, "%s must be non-empty text", what);
		return NULL;
	}
	if (strlen(s) > max) {
		lq_model_diag(ml, n, "%s is too long (%zu bytes at most)", what, max);
		return NULL;
	}
	return lq_xstrdup(s);
}

/* Where the text of scalar n starts (block scalars start a line below). */
static lq_src_pos scalar_pos(const lq_ml *ml, const yaml_node_t *n)
{
	lq_src_pos pos = {ml->file, (int)n->start_mark.line + 1,
			  (int)n->start_mark.column + 1};
	yaml_scalar_style_t st = n->data.scalar.style;

	if (st == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    st == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		pos.col++;
	if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
		size_t i = n->start_mark.index;
		while (i < ml->len && ml->text[i] != '\n')
			i++;
		pos.line++;
		pos.col = 1;
		for (i++; i < ml->len && ml->text[i] == ' '; i++)
			pos.col++;
	}
	return pos;
}

lq_expr *lq_model_get_expr(lq_ml *ml, const yaml_node_t *n, unsigned ctx,
			   const char *what)
{
	const char *s = lq_model_scalar(n);
	lq_buf b = LQ_BUF_INIT;
	lq_error err;
	lq_expr *e;

	if (!s || !*s) {
		lq_model_diag(ml, n, "%s must be an expression (text)", what);
		return NULL;
	}
	lq_buf_adds(&b, s);
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.data[--b.len] = '\0';
	e = lq_expr_parse(b.data, ctx, ml->m->lists, ml->m->nlists,
			  scalar_pos(ml, n), &err);
	if (!e)
		lq_model_diag_err(ml, &err);
	lq_buf_free(&b);
	return e;
}

static void push_id(int **stack, size_t *top, size_t *cap, int id)
{
	if (*top == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*stack = lq_xrealloc(*stack, *cap * sizeof **stack);
	}
	(*stack)[(*top)++] = id;
}

int lq_model_check_aliases(lq_ml *ml)
{
	size_t nnodes = (size_t)(ml->doc.nodes.top - ml->doc.nodes.start);
	unsigned char *seen = lq_xcalloc(nnodes + 1, 1);
	int *stack = NULL, rc = 0;
	size_t top = 0, cap = 0;

	/* each node is expanded once, so the work is bounded by the edges */
	push_id(&stack, &top, &cap, 1);
	while (top) {
		int id = stack[--top];
		yaml_node_t *n = lq_model_node(ml, id);
		if (!n)
			continue;
		if (seen[id]) {
			lq_model_diag(ml, n, "aliases (*name) are not supported in model files");
			rc = -1;
			break;
		}
		seen[id] = 1;
		if (n->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = n->data.sequence.items.start;
			     it < n->data.sequence.items.top; it++)
				push_id(&stack, &top, &cap, *it);
		} else if (n->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
			     p < n->data.mapping.pairs.top; p++) {
				push_id(&stack, &top, &cap, p->key);
				push_id(&stack, &top, &cap, p->value);
			}
		}
	}
	free(seen);
	free(stack);
	return rc;
}
