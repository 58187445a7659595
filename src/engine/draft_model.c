/*
 * draft_model.c - turning a learned model into a readable, editable
 * scoring model in YAML (see draft_model.h). Writes text only; every rule
 * expression is checked by the expression parser before it is written,
 * so `leadq model check` accepts the draft. Never does I/O.
 */
#include "engine/draft_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/expr.h"

#define MAX_RULE_NAME 150

enum { SEC_FIT, SEC_CHANNEL, SEC_ENGAGEMENT, SEC_NONE };

typedef struct draft_rule {
	size_t j;            /* feature index */
	long points;         /* coefficient on the draft's scale */
	int section;
	char *when;          /* fit and channel */
	long per_event;      /* engagement: points per event */
} draft_rule;

typedef struct draft {
	const lq_learned *m;
	draft_rule *rules;
	size_t n;
	size_t dropped;      /* |points| < 1 */
	size_t inexpressible;
	lq_buf skipped;      /* comments on rules left out */
} draft;

long lq_draft_points(double coef)
{
	double p = coef * LQ_DRAFT_POINTS_DOUBLE / M_LN2;
	if (!isfinite(p))
		return 0;
	if (p > 1e6)
		p = 1e6;
	if (p < -1e6)
		p = -1e6;
	return lround(p);
}

/* ---- quoting -------------------------------------------------------------- */

/* A YAML single-quoted scalar: only ' needs doubling. */
static void add_sq(lq_buf *b, const char *s)
{
	lq_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			lq_buf_addc(b, '\'');
		lq_buf_addc(b, *s);
	}
	lq_buf_addc(b, '\'');
}

/* An expression string literal: "..." with \" and \\ escaped. */
static void add_lit(lq_buf *b, const char *s)
{
	lq_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			lq_buf_addc(b, '\\');
		lq_buf_addc(b, *s);
	}
	lq_buf_addc(b, '"');
}

/* ---- expressions ---------------------------------------------------------- */

static void range_expr(lq_buf *b, const lq_feature *f)
{
	if (!isinf(f->lo))
		lq_buf_addf(b, "%s >= %.15g", f->attr, f->lo);
	if (!isinf(f->lo) && !isinf(f->hi))
		lq_buf_adds(b, " and ");
	if (!isinf(f->hi))
		lq_buf_addf(b, "%s < %.15g", f->attr, f->hi);
}

/* The `when` text of a profile feature; NULL when there is none. */
static char *when_of(const lq_feature *f)
{
	lq_buf b = LQ_BUF_INIT;
	switch (f->kind) {
	case LQ_FEAT_EQ:
		lq_buf_addf(&b, "%s == ", f->attr);
		add_lit(&b, f->level);
		break;
	case LQ_FEAT_CONTAINS:
		lq_buf_addf(&b, "%s contains ", f->attr);
		add_lit(&b, f->level);
		break;
	case LQ_FEAT_OTHER:
		lq_buf_addf(&b, "%s not in [", f->attr);
		for (size_t i = 0; i < f->nkept; i++) {
			if (i)
				lq_buf_adds(&b, ", ");
			add_lit(&b, f->kept[i]);
		}
		lq_buf_addc(&b, ']');
		break;
	case LQ_FEAT_MISSING:
		lq_buf_addf(&b, "not %s exists", f->attr);
		break;
	case LQ_FEAT_RANGE:
		range_expr(&b, f);
		break;
	case LQ_FEAT_LINEAR:
		break;
	}
	return b.len ? lq_buf_take(&b) : NULL;
}

static int parses(const char *text)
{
	lq_error err;
	lq_src_pos pos = {NULL, 1, 1};
	lq_expr *e = lq_expr_parse(text, LQ_CTX_FIT, NULL, 0, pos, &err);
	lq_expr_free(e);
	return e != NULL;
}

/* ---- choosing the rules --------------------------------------------------- */

static int section_of(const lq_feature *f)
{
	if (f->attr_kind == LQ_ATTR_EVENTS)
		return f->kind == LQ_FEAT_LINEAR ? SEC_ENGAGEMENT : SEC_NONE;
	if (f->attr_kind == LQ_ATTR_RECENT)
		return f->kind == LQ_FEAT_RANGE && f->lo >= 1 && isinf(f->hi)
			? SEC_ENGAGEMENT : SEC_NONE;
	return strcmp(f->attr, "source") == 0 ? SEC_CHANNEL : SEC_FIT;
}

static void skip(draft *d, const lq_feature *f, const char *why)
{
	d->inexpressible++;
	lq_buf_adds(&d->skipped, "#   ");
	lq_buf_adds(&d->skipped, f->label);
	lq_buf_addf(&d->skipped, " (%s)\n", why);
}

static void choose(draft *d)
{
	const lq_learned *m = d->m;
	d->rules = lq_xcalloc(m->fs.n + 1, sizeof *d->rules);
	for (size_t j = 0; j < m->fs.n && j < m->res.nw; j++) {
		const lq_feature *f = &m->fs.items[j];
		draft_rule r = {j, lq_draft_points(m->res.w[j]), section_of(f),
				NULL, 0};
		if (r.points == 0) {
			d->dropped++;
			continue;
		}
		if (r.section == SEC_NONE) {
			skip(d, f, "no rule form");
			continue;
		}
		if (r.section == SEC_ENGAGEMENT) {
			double per = f->kind == LQ_FEAT_LINEAR
				? (double)r.points / f->cap : (double)r.points;
			r.per_event = lround(per);
			if (r.per_event == 0)
				r.per_event = r.points > 0 ? 1 : -1;
		} else if (!(r.when = when_of(f)) || !parses(r.when)) {
			free(r.when);
			skip(d, f, "not expressible as a rule");
			continue;
		}
		d->rules[d->n++] = r;
	}
}

static int cmp_rule(const void *pa, const void *pb)
{
	const draft_rule *a = pa, *b = pb;
	if (a->section != b->section)
		return a->section - b->section;
	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	return (a->j > b->j) - (a->j < b->j);
}

/* ---- points of the training leads ----------------------------------------- */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Fit (or total) points of every row, ascending. */
static long *row_points(const draft *d, const lq_matrix *x, int fit_only)
{
	double *pts = lq_xcalloc(d->m->fs.n + 1, sizeof *pts);
	long *v = lq_xcalloc(x->nrows + 1, sizeof *v);
	for (size_t k = 0; k < d->n; k++)
		if (!fit_only || d->rules[k].section == SEC_FIT)
			pts[d->rules[k].j] = (double)d->rules[k].points;
	for (size_t i = 0; i < x->nrows; i++) {
		double s = 0;
		for (size_t e = x->start[i]; e < x->start[i + 1]; e++)
			s += pts[x->col[e]] * x->val[e];
		v[i] = lround(s);
	}
	free(pts);
	qsort(v, x->nrows, sizeof *v, cmp_long);
	return v;
}

/* Value below which `share` of the sorted values lie. */
static long quantile(const long *v, size_t n, double share)
{
	if (n == 0)
		return 0;
	size_t i = (size_t)(share * (double)n);
	return v[i < n ? i : n - 1];
}

static void write_grades(lq_buf *b, const draft *d, const lq_matrix *x)
{
	static const double at[4] = {0.90, 0.70, 0.40, 0.15};
	long *v = row_points(d, x, 1), g[4];
	for (int i = 0; i < 4; i++) {
		g[i] = quantile(v, x->nrows, at[i]);
		if (i && g[i] >= g[i - 1])
			g[i] = g[i - 1] - 1;
	}
	lq_buf_addf(b, "# Grades from the fit points of the training leads: A is "
		    "about the top\n# 10%%, B the next 20%%, C the next 30%%, D "
		    "the next 25%%.\ngrades: {A: %ld, B: %ld, C: %ld, D: %ld}\n\n",
		    g[0], g[1], g[2], g[3]);
	free(v);
}

/* ---- writing -------------------------------------------------------------- */

static void rule_comment(lq_buf *b, const lq_feature *f, double w,
			 const char *outcome)
{
	lq_buf_addf(b, "  # coef %+.3f; %zu leads, %zu %s\n", w, f->support,
		    f->support_pos, outcome);
}

static void rule_name(lq_buf *b, const char *label, size_t j)
{
	char name[MAX_RULE_NAME + 32];
	snprintf(name, sizeof name, "%.*s", MAX_RULE_NAME, label);
	if (strlen(label) > MAX_RULE_NAME)
		snprintf(name + MAX_RULE_NAME, 32, "... #%zu", j + 1);
	add_sq(b, name);
}

static void write_rule(lq_buf *b, const draft *d, const draft_rule *r)
{
	const lq_feature *f = &d->m->fs.items[r->j];
	lq_buf_adds(b, "  - rule: ");
	rule_name(b, f->label, r->j);
	rule_comment(b, f, d->m->res.w[r->j], d->m->outcome);
	lq_buf_adds(b, "    when: ");
	add_sq(b, r->when);
	lq_buf_addf(b, "\n    points: %ld\n", r->points);
}

static void write_action(lq_buf *b, const draft *d, const draft_rule *r)
{
	const lq_feature *f = &d->m->fs.items[r->j];
	const char *type = strchr(f->attr, '.') + 1;
	lq_buf_adds(b, "    - rule: ");
	rule_name(b, f->label, r->j);
	lq_buf_adds(b, "\n    ");
	rule_comment(b, f, d->m->res.w[r->j], d->m->outcome);
	lq_buf_adds(b, "      on: ");
	add_sq(b, type);
	lq_buf_addf(b, "\n      points: %ld\n", r->per_event);
	if (r->points > 0)
		lq_buf_addf(b, "      max: %ld\n", r->points);
	else
		lq_buf_adds(b, "      # no max: a cap only limits positive totals\n");
	if (f->attr_kind == LQ_ATTR_RECENT)
		lq_buf_adds(b, "      expires: " LQ_LEARN_RECENT_TEXT "\n");
}

static void write_section(lq_buf *b, const draft *d, int section)
{
	static const char *const head[] = {"fit:\n", "channel:\n",
		("engagement:\n  half_life: none   # the features counted events "
		 "without decay\n  actions:\n")};
	int any = 0;
	for (size_t k = 0; k < d->n; k++) {
		if (d->rules[k].section != section)
			continue;
		if (!any++)
			lq_buf_adds(b, head[section]);
		if (section == SEC_ENGAGEMENT)
			write_action(b, d, &d->rules[k]);
		else
			write_rule(b, d, &d->rules[k]);
	}
	if (any)
		lq_buf_addc(b, '\n');
}

static void write_folds(lq_buf *b, const lq_learn_result *r)
{
	lq_buf_addf(b, "#   AUC %.3f (folds", r->auc_mean);
	for (int f = 0; f < r->folds; f++)
		lq_buf_addf(b, " %.3f", r->fold_auc[f]);
	lq_buf_addf(b, "), log-loss %.4f\n", r->logloss);
	if (r->nlift)
		lq_buf_addf(b, "#   top decile: %.1f%% reached it, lift %.1f\n",
			    100 * r->lift[0].rate, r->lift[0].lift);
}

static void write_header(lq_buf *b, const draft *d)
{
	const lq_learned *m = d->m;
	char when[LQ_TIME_STRLEN], asof[LQ_TIME_STRLEN];
	lq_time_format(m->created_at, when);
	lq_buf_addf(b, "# Draft scoring model learned by `leadq learn` (learned "
		    "model v%lld, %s).\n#\n", (long long)m->version, when);
	lq_buf_addf(b, "# Outcome: %s. %zu of %zu leads (%.1f%%) reached it.\n",
		    m->outcome, m->res.npos, m->res.nrows,
		    100 * m->res.base_rate);
	if (m->as_of) {
		lq_time_format(m->as_of, asof);
		lq_buf_addf(b, "# Only leads that entered before %s.\n", asof);
	}
	lq_buf_adds(b, "# Features are taken as of each lead's entry into the "
		    "funnel (its first\n# mql or later stage, else created_at); "
		    "events after it never count.\n");
	lq_buf_addf(b, "# Logistic regression, %s, C = %g; %d-fold "
		    "cross-validation:\n", m->opts.l1 ? "L1" : "L2", m->opts.c,
		    m->res.folds);
	write_folds(b, &m->res);
	lq_buf_addf(b, "# Points: %d points double the odds of %s (points = "
		    "coefficient x %.2f).\n", LQ_DRAFT_POINTS_DOUBLE, m->outcome,
		    LQ_DRAFT_POINTS_DOUBLE / M_LN2);
	lq_buf_addf(b, "# Each rule notes its coefficient and support (leads "
		    "with the feature,\n# of them %s). %zu features under one "
		    "point were left out.\n", m->outcome, d->dropped);
	if (d->inexpressible)
		lq_buf_addf(b, "# Left out, no rule can say them:\n%s",
			    lq_buf_str(&d->skipped));
	lq_buf_adds(b, "#\n# A draft: read it, edit it, backtest it, then "
		    "`leadq model apply` it.\n");
}

static void write_mql(lq_buf *b, const draft *d, const lq_matrix *x)
{
	long *v = row_points(d, x, 0);
	long t = quantile(v, x->nrows, 0.80);
	size_t above = 0;
	for (size_t i = 0; i < x->nrows; i++)
		above += v[i] >= t;
	lq_buf_addf(b, "stages:\n  # about the top 20%% of the training leads "
		    "by points (%zu of %zu)\n  mql: 'score >= %ld'\n", above,
		    x->nrows, t);
	free(v);
}

static void write_name(lq_buf *b, const lq_learned *m)
{
	char name[160];
	snprintf(name, sizeof name, "learned: %.100s (v%lld)", m->outcome,
		 (long long)m->version);
	lq_buf_adds(b, "version: 1\nname: ");
	add_sq(b, name);
	lq_buf_adds(b, "\n\n");
}

char *lq_draft_model_yaml(const lq_learned *m, const lq_matrix *x)
{
	draft d = {.m = m};
	lq_buf b = LQ_BUF_INIT;
	choose(&d);
	qsort(d.rules, d.n, sizeof *d.rules, cmp_rule);
	write_header(&b, &d);
	write_name(&b, m);
	write_section(&b, &d, SEC_FIT);
	write_section(&b, &d, SEC_CHANNEL);
	write_grades(&b, &d, x);
	write_section(&b, &d, SEC_ENGAGEMENT);
	write_mql(&b, &d, x);
	for (size_t k = 0; k < d.n; k++)
		free(d.rules[k].when);
	free(d.rules);
	lq_buf_free(&d.skipped);
	return lq_buf_take(&b);
}
