/*
 * features.c - planning features from learning data and evaluating them
 * into a sparse matrix (see features.h). Deterministic: the same data in
 * the same order gives the same features in the same order. Reads only
 * what learn_data collected, so it can never see an event after a row's
 * entry time.
 */
#include "engine/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/value.h"

/* ---- feature sets --------------------------------------------------------- */

void lq_feature_set_push(lq_feature_set *fs, const lq_feature *f)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->items = lq_xrealloc(fs->items, fs->cap * sizeof *fs->items);
	}
	fs->items[fs->n++] = *f;
}

static void feature_free(lq_feature *f)
{
	free(f->attr);
	free(f->level);
	for (size_t i = 0; i < f->nkept; i++)
		free(f->kept[i]);
	free(f->kept);
	free(f->label);
}

void lq_feature_set_free(lq_feature_set *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		feature_free(&fs->items[i]);
	free(fs->items);
	memset(fs, 0, sizeof *fs);
}

static void add_num(lq_buf *b, double x)
{
	lq_buf_addf(b, "%.15g", x);
}

static void label_events(lq_buf *b, const lq_feature *f, const char *type)
{
	if (f->kind == LQ_FEAT_LINEAR) {
		lq_buf_addf(b, "%s events (each, up to %.15g)", type, f->cap);
	} else if (f->attr_kind == LQ_ATTR_RECENT) {
		lq_buf_addf(b, "%s in the %s before entry", type,
			    LQ_LEARN_RECENT_TEXT);
	} else if (isinf(f->lo) && f->hi <= 1) {
		lq_buf_addf(b, "no %s events", type);
	} else if (isinf(f->hi)) {
		lq_buf_addf(b, "%s events >= %.15g", type, f->lo);
	} else if (isinf(f->lo)) {
		lq_buf_addf(b, "%s events <= %.15g", type, f->hi - 1);
	} else if (f->hi - f->lo <= 1) {
		lq_buf_addf(b, "%s events == %.15g", type, f->lo);
	} else {
		lq_buf_addf(b, "%s events %.15g..%.15g", type, f->lo, f->hi - 1);
	}
}

static void label_range(lq_buf *b, const lq_feature *f)
{
	if (isinf(f->lo)) {
		lq_buf_addf(b, "%s < ", f->attr);
		add_num(b, f->hi);
	} else if (isinf(f->hi)) {
		lq_buf_addf(b, "%s >= ", f->attr);
		add_num(b, f->lo);
	} else {
		add_num(b, f->lo);
		lq_buf_addf(b, " <= %s < ", f->attr);
		add_num(b, f->hi);
	}
}

void lq_feature_label(lq_feature *f)
{
	lq_buf b = LQ_BUF_INIT;
	const char *dot = strchr(f->attr, '.');
	if (f->attr_kind == LQ_ATTR_EVENTS || f->attr_kind == LQ_ATTR_RECENT) {
		label_events(&b, f, dot ? dot + 1 : f->attr);
	} else {
		switch (f->kind) {
		case LQ_FEAT_EQ:
			lq_buf_addf(&b, "%s == %s", f->attr, f->level);
			break;
		case LQ_FEAT_OTHER:
			lq_buf_addf(&b, "%s: another value", f->attr);
			break;
		case LQ_FEAT_MISSING:
			lq_buf_addf(&b, "%s missing", f->attr);
			break;
		case LQ_FEAT_CONTAINS:
			lq_buf_addf(&b, "%s contains %s", f->attr, f->level);
			break;
		case LQ_FEAT_RANGE:
		case LQ_FEAT_LINEAR:
			label_range(&b, f);
			break;
		}
	}
	free(f->label);
	f->label = lq_buf_take(&b);
}

/* ---- quantile cuts ------------------------------------------------------- */

/* Standard cuts: values at ranks k*n/bins above the minimum. */
static size_t rank_cuts(const double *v, size_t n, int bins, double *cuts,
			size_t k)
{
	for (int i = 1; i < bins; i++) {
		double c = v[(size_t)i * n / (size_t)bins];
		if (c > v[0] && (k == 0 || c > cuts[k - 1]))
			cuts[k++] = c;
	}
	return k;
}

size_t lq_features_quantile_cuts(const double *sorted, size_t n, int bins,
				 double *cuts)
{
	size_t m = 0;
	if (n == 0 || bins < 2)
		return 0;
	while (m < n && sorted[m] == sorted[0])
		m++;
	if (m == n)
		return 0;
	if (m * (size_t)bins < n || bins < 3)
		return rank_cuts(sorted, n, bins, cuts, 0);
	/* The minimum fills a bin or more (zero counts, "0" revenue): it is
	 * a bin of its own and the other values share the rest. */
	cuts[0] = sorted[m];
	return rank_cuts(sorted + m, n - m, bins - 1, cuts, 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ---- planning ------------------------------------------------------------ */

static lq_feature base(const lq_learn_attr *a, lq_feat_kind kind)
{
	lq_feature f;
	memset(&f, 0, sizeof f);
	f.kind = kind;
	f.attr = lq_xstrdup(a->name);
	f.attr_kind = a->kind;
	f.lo = -INFINITY;
	f.hi = INFINITY;
	return f;
}

static void push_new(lq_feature_set *fs, lq_feature *f)
{
	lq_feature_label(f);
	lq_feature_set_push(fs, f);
}

typedef struct level_count {
	uint32_t level;
	size_t rows;
	const char *text;
} level_count;

static int cmp_level(const void *pa, const void *pb)
{
	const level_count *a = pa, *b = pb;
	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	return strcmp(a->text, b->text);
}

/* Values of a categorical or list attribute, most frequent first. */
static level_count *levels_by_rows(const lq_learn_attr *a)
{
	level_count *lv = lq_xcalloc(a->levels.n + 1, sizeof *lv);
	for (uint32_t i = 0; i < a->levels.n; i++)
		lv[i] = (level_count){i, a->level_rows[i],
				      lq_strtab_str(&a->levels, i)};
	qsort(lv, a->levels.n, sizeof *lv, cmp_level);
	return lv;
}

static void plan_levels(const lq_learn_data *d, const lq_learn_attr *a,
			const lq_plan_opts *o, lq_feature_set *fs)
{
	level_count *lv = levels_by_rows(a);
	size_t kept = 0, rest = 0;
	lq_feature other = base(a, LQ_FEAT_OTHER);
	for (uint32_t i = 0; i < a->levels.n; i++) {
		if (lv[i].rows >= o->min_support && kept < o->max_levels) {
			lq_feature f = base(a, a->kind == LQ_ATTR_LIST
					    ? LQ_FEAT_CONTAINS : LQ_FEAT_EQ);
			f.level = lq_xstrdup(lv[i].text);
			push_new(fs, &f);
			other.kept = lq_xrealloc(other.kept, (kept + 1) * sizeof(char *));
			other.kept[kept++] = lq_xstrdup(lv[i].text);
			other.nkept = kept;
		} else {
			rest += lv[i].rows;
		}
	}
	if (rest && a->kind == LQ_ATTR_CAT)
		push_new(fs, &other);
	else
		feature_free(&other);
	free(lv);
	(void)d;
}

/* Every row's number for attribute ai (0 for rows without one when
 * zero_absent, else only rows with one), ascending; *n gets the count. */
static double *numbers_of(const lq_learn_data *d, uint32_t ai, int zero_absent,
			  size_t *n)
{
	double *v = lq_xcalloc(d->nrows + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < d->nrows; i++) {
		const lq_raw *r = lq_learn_row_get(&d->rows[i], ai);
		if (r && r->level == LQ_STRTAB_NONE)
			v[k++] = r->num;
		else if (zero_absent)
			v[k++] = 0;
	}
	qsort(v, k, sizeof *v, cmp_double);
	*n = k;
	return v;
}

static void plan_bins(const lq_learn_data *d, uint32_t ai,
		      const lq_plan_opts *o, lq_feature_set *fs)
{
	const lq_learn_attr *a = &d->attrs[ai];
	size_t n;
	double *v = numbers_of(d, ai, a->kind == LQ_ATTR_EVENTS, &n);
	double *cuts = lq_xcalloc((size_t)o->bins + 1, sizeof *cuts);
	size_t k = lq_features_quantile_cuts(v, n, o->bins, cuts);
	for (size_t i = 0; k && i <= k; i++) {
		lq_feature f = base(a, LQ_FEAT_RANGE);
		f.lo = i ? cuts[i - 1] : -INFINITY;
		f.hi = i < k ? cuts[i] : INFINITY;
		push_new(fs, &f);
	}
	free(cuts);
	free(v);
}

/* LINEAR count feature, capped at the 90th percentile of non-zero counts. */
static void plan_linear(const lq_learn_data *d, uint32_t ai,
			lq_feature_set *fs)
{
	size_t n;
	double *v = numbers_of(d, ai, 0, &n);
	if (n) {
		lq_feature f = base(&d->attrs[ai], LQ_FEAT_LINEAR);
		f.cap = ceil(v[(n - 1) * 9 / 10]);
		if (f.cap < 1)
			f.cap = 1;
		push_new(fs, &f);
	}
	free(v);
}

static void plan_attr(const lq_learn_data *d, uint32_t ai,
		      const lq_plan_opts *o, lq_feature_set *fs)
{
	const lq_learn_attr *a = &d->attrs[ai];
	switch (a->kind) {
	case LQ_ATTR_CAT:
	case LQ_ATTR_LIST:
		plan_levels(d, a, o, fs);
		break;
	case LQ_ATTR_NUM:
		plan_bins(d, ai, o, fs);
		break;
	case LQ_ATTR_EVENTS:
		if (o->insights)
			plan_bins(d, ai, o, fs);
		else
			plan_linear(d, ai, fs);
		return;
	case LQ_ATTR_RECENT: {
		lq_feature f = base(a, LQ_FEAT_RANGE);
		f.lo = 1;
		push_new(fs, &f);
		return;
	}
	}
	if (a->present < d->nrows) {
		lq_feature f = base(a, LQ_FEAT_MISSING);
		push_new(fs, &f);
	}
}

static void count_support(const lq_learn_data *d, lq_feature_set *fs)
{
	lq_matrix m;
	lq_features_matrix(d, fs, &m);
	for (size_t j = 0; j < fs->n; j++)
		fs->items[j].support = fs->items[j].support_pos = 0;
	for (size_t i = 0; i < m.nrows; i++)
		for (size_t k = m.start[i]; k < m.start[i + 1]; k++) {
			lq_feature *f = &fs->items[m.col[k]];
			f->support++;
			f->support_pos += d->rows[i].label == 1;
		}
	lq_matrix_free(&m);
}

void lq_features_plan(const lq_learn_data *d, const lq_plan_opts *o,
		      lq_feature_set *out)
{
	lq_feature_set all = {0};
	memset(out, 0, sizeof *out);
	for (uint32_t ai = 0; ai < d->nattrs; ai++)
		if (!d->attrs[ai].excluded)
			plan_attr(d, ai, o, &all);
	count_support(d, &all);
	for (size_t j = 0; j < all.n; j++) {
		lq_feature *f = &all.items[j];
		if (f->support >= o->min_support && f->support < d->nrows)
			lq_feature_set_push(out, f);
		else
			feature_free(f);
	}
	free(all.items);
}

/* ---- evaluation ---------------------------------------------------------- */

/* A feature resolved against one dataset. */
typedef struct resolved {
	uint32_t attr;       /* LQ_STRTAB_NONE when d lacks the attribute */
	uint32_t level;      /* EQ/CONTAINS level index, or NONE */
	uint32_t *kept;      /* OTHER: kept level indexes (NONE skipped) */
	size_t nkept;
} resolved;

typedef struct evaluator {
	const lq_learn_data *d;
	const lq_feature_set *fs;
	resolved *res;
	size_t *group_start;   /* features by attribute (CSR over attrs) */
	uint32_t *group;
	uint32_t *absent;      /* features that fire when the attr is absent */
	size_t nabsent;
	size_t *stamp;         /* per attr: row + 1 when the row has it */
} evaluator;

static int fires_absent(const lq_feature *f)
{
	if (f->kind == LQ_FEAT_MISSING)
		return 1;
	return f->kind == LQ_FEAT_RANGE &&
	       (f->attr_kind == LQ_ATTR_EVENTS || f->attr_kind == LQ_ATTR_RECENT) &&
	       f->lo <= 0 && 0 < f->hi;
}

static void resolve(evaluator *ev, size_t j)
{
	const lq_feature *f = &ev->fs->items[j];
	resolved *r = &ev->res[j];
	r->attr = lq_strtab_find(&ev->d->names, f->attr);
	r->level = LQ_STRTAB_NONE;
	if (r->attr == LQ_STRTAB_NONE)
		return;
	const lq_strtab *lv = &ev->d->attrs[r->attr].levels;
	if (f->level)
		r->level = lq_strtab_find(lv, f->level);
	r->kept = lq_xcalloc(f->nkept + 1, sizeof *r->kept);
	for (size_t i = 0; i < f->nkept; i++) {
		uint32_t k = lq_strtab_find(lv, f->kept[i]);
		if (k != LQ_STRTAB_NONE)
			r->kept[r->nkept++] = k;
	}
}

static void evaluator_init(evaluator *ev, const lq_learn_data *d,
			   const lq_feature_set *fs)
{
	size_t na = d->nattrs;
	memset(ev, 0, sizeof *ev);
	ev->d = d;
	ev->fs = fs;
	ev->res = lq_xcalloc(fs->n + 1, sizeof *ev->res);
	ev->group_start = lq_xcalloc(na + 2, sizeof *ev->group_start);
	ev->group = lq_xcalloc(fs->n + 1, sizeof *ev->group);
	ev->absent = lq_xcalloc(fs->n + 1, sizeof *ev->absent);
	ev->stamp = lq_xcalloc(na + 1, sizeof *ev->stamp);
	for (size_t j = 0; j < fs->n; j++) {
		resolve(ev, j);
		if (fires_absent(&fs->items[j]))
			ev->absent[ev->nabsent++] = (uint32_t)j;
		if (ev->res[j].attr != LQ_STRTAB_NONE)
			ev->group_start[ev->res[j].attr + 1]++;
	}
	for (size_t a = 0; a < na; a++)
		ev->group_start[a + 1] += ev->group_start[a];
	size_t *fill = lq_xcalloc(na + 1, sizeof *fill);
	for (size_t j = 0; j < fs->n; j++) {
		uint32_t a = ev->res[j].attr;
		if (a != LQ_STRTAB_NONE)
			ev->group[ev->group_start[a] + fill[a]++] = (uint32_t)j;
	}
	free(fill);
}

static void evaluator_free(evaluator *ev)
{
	for (size_t j = 0; j < ev->fs->n; j++)
		free(ev->res[j].kept);
	free(ev->res);
	free(ev->group_start);
	free(ev->group);
	free(ev->absent);
	free(ev->stamp);
}

/* The raw value as a number; 0 when it is text that is not one. */
static int raw_num(const lq_learn_data *d, const lq_raw *v, double *x)
{
	if (v->level == LQ_STRTAB_NONE) {
		*x = v->num;
		return 1;
	}
	return lq_parse_number(lq_strtab_str(&d->attrs[v->attr].levels,
					     v->level), x) == 0;
}

/* The raw value equals level (index lv in d, text s). */
static int raw_is(const lq_raw *v, uint32_t lv, const char *s)
{
	char num[64];
	if (v->level != LQ_STRTAB_NONE)
		return lv != LQ_STRTAB_NONE && v->level == lv;
	snprintf(num, sizeof num, "%.15g", v->num);
	return s && strcmp(num, s) == 0;
}

static int raw_is_other(const lq_feature *f, const resolved *r,
			const lq_raw *v)
{
	for (size_t i = 0; i < r->nkept; i++)
		if (v->level == r->kept[i])
			return 0;
	for (size_t i = 0; v->level == LQ_STRTAB_NONE && i < f->nkept; i++)
		if (raw_is(v, LQ_STRTAB_NONE, f->kept[i]))
			return 0;
	return 1;
}

/* The value of feature j for raw value v (0 when it does not fire). */
static double value_of(const evaluator *ev, size_t j, const lq_raw *v)
{
	const lq_feature *f = &ev->fs->items[j];
	const resolved *r = &ev->res[j];
	double x;
	switch (f->kind) {
	case LQ_FEAT_EQ:
	case LQ_FEAT_CONTAINS:
		return raw_is(v, r->level, f->level);
	case LQ_FEAT_OTHER:
		return raw_is_other(f, r, v);
	case LQ_FEAT_MISSING:
		return 0;
	case LQ_FEAT_RANGE:
		return raw_num(ev->d, v, &x) && f->lo <= x && x < f->hi;
	case LQ_FEAT_LINEAR:
		if (!raw_num(ev->d, v, &x) || x <= 0)
			return 0;
		return (x < f->cap ? x : f->cap) / f->cap;
	}
	return 0;
}

typedef struct entry {
	uint32_t col;
	double val;
} entry;

typedef struct entries {
	entry *e;
	size_t n, cap;
} entries;

static void emit(entries *es, uint32_t col, double val)
{
	if (val == 0)
		return;
	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 64;
		es->e = lq_xrealloc(es->e, es->cap * sizeof *es->e);
	}
	es->e[es->n++] = (entry){col, val};
}

static int cmp_entry(const void *a, const void *b)
{
	uint32_t x = ((const entry *)a)->col, y = ((const entry *)b)->col;
	return (x > y) - (x < y);
}

static void eval_row(evaluator *ev, size_t i, entries *es)
{
	const lq_learn_row *row = &ev->d->rows[i];
	es->n = 0;
	for (uint32_t k = 0; k < row->n; k++) {
		const lq_raw *v = &row->vals[k];
		ev->stamp[v->attr] = i + 1;
		for (size_t g = ev->group_start[v->attr];
		     g < ev->group_start[v->attr + 1]; g++)
			emit(es, ev->group[g], value_of(ev, ev->group[g], v));
	}
	for (size_t k = 0; k < ev->nabsent; k++) {
		uint32_t j = ev->absent[k], a = ev->res[j].attr;
		if (a == LQ_STRTAB_NONE || ev->stamp[a] != i + 1)
			emit(es, j, 1);
	}
	qsort(es->e, es->n, sizeof *es->e, cmp_entry);
	/* A list value may fire a feature twice: keep it once, at its largest. */
	size_t k = 0;
	for (size_t j = 0; j < es->n; j++) {
		if (k && es->e[k - 1].col == es->e[j].col) {
			if (es->e[j].val > es->e[k - 1].val)
				es->e[k - 1].val = es->e[j].val;
			continue;
		}
		es->e[k++] = es->e[j];
	}
	es->n = k;
}

void lq_features_matrix(const lq_learn_data *d, const lq_feature_set *fs,
			lq_matrix *out)
{
	evaluator ev;
	entries es = {0};
	size_t cap = d->nrows * 4 + 16, nnz = 0;
	evaluator_init(&ev, d, fs);
	memset(out, 0, sizeof *out);
	out->nrows = d->nrows;
	out->ncols = fs->n;
	out->start = lq_xcalloc(d->nrows + 1, sizeof *out->start);
	out->col = lq_xmalloc(cap * sizeof *out->col);
	out->val = lq_xmalloc(cap * sizeof *out->val);
	for (size_t i = 0; i < d->nrows; i++) {
		eval_row(&ev, i, &es);
		if (nnz + es.n > cap) {
			cap = (nnz + es.n) * 2;
			out->col = lq_xrealloc(out->col, cap * sizeof *out->col);
			out->val = lq_xrealloc(out->val, cap * sizeof *out->val);
		}
		for (size_t k = 0; k < es.n; k++) {
			out->col[nnz] = es.e[k].col;
			out->val[nnz++] = es.e[k].val;
		}
		out->start[i + 1] = nnz;
	}
	free(es.e);
	evaluator_free(&ev);
}

void lq_matrix_free(lq_matrix *m)
{
	free(m->start);
	free(m->col);
	free(m->val);
	memset(m, 0, sizeof *m);
}
