/*
 * funnel.c - funnel maths: cut each lead's history into cohort entries,
 * then count, rate and time them per group (definitions in funnel.h).
 * Pure: the histories come in, numbers go out; no I/O, no clock.
 */
#include "engine/funnel.h"
#include "engine/funnel_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/stage_machine.h"

#define TO_WON (LQ_FUNNEL_MAX_STAGES - 1)   /* dur[] slot of entry -> won */

enum { OUT_OPEN, OUT_WON, OUT_LOST, OUT_NURTURE, OUT_DISQUALIFIED };

/* One cohort entry, reduced to what the rows need. */
typedef struct entry {
	const char *group;     /* borrowed from the lead ("" when by period) */
	int64_t pkey;          /* period key of the entry time, 0 when none */
	size_t lead;
	int reached;           /* highest main-path rank, -1 none */
	int outcome;
	unsigned has;          /* bit i: dur[i] is set */
	lq_dur dur[LQ_FUNNEL_MAX_STAGES];  /* steps 0..nstages-2, TO_WON */
} entry;

typedef struct entries {
	entry *v;
	size_t n, cap;
} entries;

/* What the extraction needs besides the lead. */
typedef struct cut_ctx {
	const lq_funnel_opts *opts;
	const lq_funnel_result *res;
	lq_funnel_period period;       /* group_period or trend */
	entries *out;
} cut_ctx;

/* ---- cutting a history into entries ------------------------------------ */

/* Stages a lead stands in before (or outside) the sales funnel. */
static int outside_funnel(lq_stage s)
{
	return s == LQ_STAGE_NONE || lq_stage_rank(s) == 0 ||
	       lq_stage_rank(s) == 1 || s == LQ_STAGE_NURTURE ||
	       s == LQ_STAGE_DISQUALIFIED;
}

static int starts_mql_entry(lq_stage prev, lq_stage to)
{
	if (to == LQ_STAGE_MQL)
		return prev != LQ_STAGE_MQL;
	return lq_stage_rank(to) > 2 && outside_funnel(prev);
}

static int first_index(const lq_funnel_lead *l, size_t from, size_t end,
		       lq_stage s)
{
	for (size_t i = from; i < end; i++)
		if (l->steps[i].to == s)
			return (int)i;
	return -1;
}

static int outcome_of(const lq_funnel_lead *l, size_t a, size_t b,
		      int reached)
{
	if (reached == lq_stage_rank(LQ_STAGE_WON))
		return OUT_WON;
	if (b == a)
		return OUT_OPEN;
	switch (l->steps[b - 1].to) {
	case LQ_STAGE_LOST: return OUT_LOST;
	case LQ_STAGE_NURTURE: return OUT_NURTURE;
	case LQ_STAGE_DISQUALIFIED: return OUT_DISQUALIFIED;
	default: return OUT_OPEN;
	}
}

/* Times between consecutive stages and to won, within steps [a, b). */
static void time_steps(const lq_funnel_lead *l, size_t a, size_t b,
		       lq_time t0, const lq_funnel_result *res, entry *e)
{
	for (size_t k = 0; k + 1 < res->nstages; k++) {
		int i = first_index(l, a, b, res->stages[k]);
		int j = i < 0 ? -1 : first_index(l, (size_t)i + 1, b,
						 res->stages[k + 1]);
		if (j < 0)
			continue;
		e->dur[k] = l->steps[j].at - l->steps[i].at;
		e->has |= 1u << k;
	}
	int w = first_index(l, a, b, LQ_STAGE_WON);
	if (w >= 0) {
		e->dur[TO_WON] = l->steps[w].at - t0;
		e->has |= 1u << TO_WON;
	}
}

static int in_window(const lq_funnel_opts *o, lq_time t)
{
	return (!o->has_from || t >= o->from) && (!o->has_to || t < o->to);
}

static entry *push_entry(entries *es)
{
	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 256;
		es->v = lq_xrealloc(es->v, es->cap * sizeof *es->v);
	}
	entry *e = &es->v[es->n++];
	memset(e, 0, sizeof *e);
	return e;
}

/* One entry from steps [a, b) starting at time t0; 1 when kept. */
static int emit(cut_ctx *c, size_t li, const lq_funnel_lead *l, size_t a,
		size_t b, lq_time t0)
{
	if (!in_window(c->opts, t0))
		return 0;
	entry *e = push_entry(c->out);
	e->group = c->opts->group_period || !l->group ? "" : l->group;
	e->pkey = lq_funnel_period_key(c->period, t0);
	e->lead = li;
	e->reached = -1;
	for (size_t i = a; i < b; i++)
		if (lq_stage_rank(l->steps[i].to) > e->reached)
			e->reached = lq_stage_rank(l->steps[i].to);
	e->outcome = outcome_of(l, a, b, e->reached);
	time_steps(l, a, b, t0, c->res, e);
	return 1;
}

/* Cut lead li into entries; returns how many were kept. */
static size_t cut_lead(cut_ctx *c, size_t li, const lq_funnel_lead *l)
{
	size_t kept = 0;
	if (c->opts->cohort == LQ_FUNNEL_CREATED) {
		lq_time t0 = l->created_at ? l->created_at
					   : l->nsteps ? l->steps[0].at : 0;
		if (!l->created_at && !l->nsteps)
			return 0;
		return (size_t)emit(c, li, l, 0, l->nsteps, t0);
	}
	lq_stage prev = LQ_STAGE_NONE;
	size_t start = 0;
	int open = 0;
	for (size_t i = 0; i < l->nsteps; i++) {
		if (starts_mql_entry(prev, l->steps[i].to)) {
			if (open)
				kept += (size_t)emit(c, li, l, start, i,
						     l->steps[start].at);
			start = i;
			open = 1;
		}
		prev = l->steps[i].to;
	}
	if (open)
		kept += (size_t)emit(c, li, l, start, l->nsteps,
				     l->steps[start].at);
	return kept;
}

/* ---- aggregating entries into rows ------------------------------------- */

static int cmp_entry(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int c = strcmp(a->group, b->group);
	if (c)
		return c;
	if (a->pkey != b->pkey)
		return a->pkey < b->pkey ? -1 : 1;
	return (a->lead > b->lead) - (a->lead < b->lead);
}

static void count_entry(lq_funnel_row *r, const entry *e,
			const lq_funnel_result *res)
{
	int base = lq_stage_rank(res->stages[0]);
	r->entries++;
	for (size_t k = 0; k < res->nstages; k++)
		if (e->reached >= base + (int)k)
			r->reached[k]++;
	switch (e->outcome) {
	case OUT_WON: r->won++; break;
	case OUT_LOST: r->lost++; break;
	case OUT_NURTURE: r->nurture++; break;
	case OUT_DISQUALIFIED: r->disqualified++; break;
	default: r->open++; break;
	}
}

/* Median and p90 of duration slot k over es[0..n), negatives left out. */
static void stat_of(const entry *es, size_t n, int k, int64_t *scratch,
		    lq_funnel_stat *st)
{
	size_t m = 0;
	memset(st, 0, sizeof *st);
	for (size_t i = 0; i < n; i++) {
		if (!(es[i].has & (1u << k)))
			continue;
		if (es[i].dur[k] < 0)
			st->left_out++;
		else
			scratch[m++] = es[i].dur[k];
	}
	st->n = m;
	st->median = lq_funnel_median(scratch, m);
	st->p90 = lq_funnel_p90(scratch, m);
}

/* Fill r from es[0..n) (sorted by lead for the distinct count). */
static void fill_row(lq_funnel_row *r, const entry *es, size_t n,
		     const lq_funnel_result *res, int64_t *scratch)
{
	for (size_t i = 0; i < n; i++) {
		count_entry(r, &es[i], res);
		if (i == 0 || es[i].lead != es[i - 1].lead)
			r->leads++;
	}
	for (size_t k = 0; k + 1 < res->nstages; k++)
		stat_of(es, n, (int)k, scratch, &r->step[k]);
	for (size_t k = res->nstages - 1; k < TO_WON; k++)
		r->step[k] = (lq_funnel_stat){0, 0, NAN, NAN};
	stat_of(es, n, TO_WON, scratch, &r->to_won);
}

typedef struct rows_out {
	lq_funnel_row *v;
	size_t n, cap;
} rows_out;

static lq_funnel_row *push_row(rows_out *ro, const char *group,
			       const char *period)
{
	if (ro->n == ro->cap) {
		ro->cap = ro->cap ? ro->cap * 2 : 16;
		ro->v = lq_xrealloc(ro->v, ro->cap * sizeof *ro->v);
	}
	lq_funnel_row *r = &ro->v[ro->n++];
	memset(r, 0, sizeof *r);
	r->group = lq_xstrdup(group);
	r->period = lq_xstrdup(period);
	return r;
}

/* A run of entries with the same group: [a, b). */
typedef struct span {
	size_t a, b;
} span;

static int cmp_span_size(const void *pa, const void *pb, const entry *es)
{
	const span *a = pa, *b = pb;
	size_t na = a->b - a->a, nb = b->b - b->a;
	if (na != nb)
		return na > nb ? -1 : 1;
	return strcmp(es[a->a].group, es[b->a].group);
}

/* Insertion sort: qsort has no context and groups are few. */
static void sort_spans(span *sp, size_t n, const entry *es)
{
	for (size_t i = 1; i < n; i++) {
		span x = sp[i];
		size_t j = i;
		while (j > 0 && cmp_span_size(&sp[j - 1], &x, es) > 0) {
			sp[j] = sp[j - 1];
			j--;
		}
		sp[j] = x;
	}
}

static span *group_spans(const entries *es, size_t *nspans)
{
	span *sp = lq_xcalloc(es->n ? es->n : 1, sizeof *sp);
	size_t n = 0;
	for (size_t i = 0; i < es->n; i++) {
		if (i == 0 || strcmp(es->v[i].group, es->v[i - 1].group) != 0)
			sp[n++] = (span){i, i};
		sp[n - 1].b = i + 1;
	}
	*nspans = n;
	return sp;
}

typedef struct row_ctx {
	const lq_funnel_opts *opts;
	const lq_funnel_result *res;
	lq_funnel_period period;
	int64_t kmin, kmax;            /* period keys over every entry */
	int64_t *scratch;
	rows_out *out;
} row_ctx;

/* One row per period from kmin to kmax for the group in s. */
static void period_rows(row_ctx *c, const entry *es, span s)
{
	size_t i = s.a;
	char label[32];
	for (int64_t k = c->kmin; k <= c->kmax;
	     k = lq_funnel_period_next(c->period, k)) {
		size_t j = i;
		while (j < s.b && es[j].pkey == k)
			j++;
		lq_funnel_period_key_label(c->period, k, label, sizeof label);
		lq_funnel_row *r = c->opts->group_period
			? push_row(c->out, label, NULL)
			: push_row(c->out, es[s.a].group, label);
		fill_row(r, es + i, j - i, c->res, c->scratch);
		i = j;
	}
}

/* Rows would be groups x periods: refuse what no chart can show. */
#define MAX_ROWS 100000

static int build_rows(row_ctx *c, const entries *es, lq_error *err)
{
	size_t nspans;
	span *sp = group_spans(es, &nspans);
	if (c->period) {
		int64_t periods = c->kmax - c->kmin;
		periods = (c->period == LQ_PERIOD_WEEK ? periods / 7 : periods) + 1;
		if (nspans && periods > MAX_ROWS / (int64_t)nspans) {
			free(sp);
			return lq_error_set(err, LQ_EINVAL, "too many rows: %zu "
					    "groups over %lld periods; narrow the "
					    "dates or the grouping", nspans,
					    (long long)periods);
		}
	}
	sort_spans(sp, nspans, es->v);
	for (size_t g = 0; g < nspans; g++) {
		if (c->period) {
			period_rows(c, es->v, sp[g]);
		} else {
			lq_funnel_row *r = push_row(c->out, es->v[sp[g].a].group,
						    NULL);
			fill_row(r, es->v + sp[g].a, sp[g].b - sp[g].a, c->res,
				 c->scratch);
		}
	}
	free(sp);
	return 0;
}

/* ---- the whole computation --------------------------------------------- */

static void set_stages(lq_funnel_result *r, lq_funnel_cohort cohort)
{
	lq_stage first = cohort == LQ_FUNNEL_CREATED ? LQ_STAGE_SUBSCRIBER
						     : LQ_STAGE_MQL;
	r->cohort = cohort;
	r->nstages = 0;
	for (int s = first; s <= LQ_STAGE_WON; s++)
		r->stages[r->nstages++] = (lq_stage)s;
}

static int check_opts(const lq_funnel_opts *o, lq_error *err)
{
	if (o->group_period && o->trend)
		return lq_error_set(err, LQ_EINVAL, "cannot group by period and "
				    "show a trend at once (the trend is per period already)");
	if (o->has_from && o->has_to && o->from >= o->to)
		return lq_error_set(err, LQ_EINVAL, "empty date range: from must "
				    "be before to");
	return 0;
}

/* The total row: every entry; leads counted while cutting. */
static void fill_total(lq_funnel_result *out, const entries *es,
		       size_t leads, int64_t *scratch)
{
	out->total.group = lq_xstrdup(LQ_FUNNEL_ALL);
	for (size_t i = 0; i < es->n; i++)
		count_entry(&out->total, &es->v[i], out);
	out->total.leads = leads;
	for (size_t k = 0; k + 1 < out->nstages; k++)
		stat_of(es->v, es->n, (int)k, scratch, &out->total.step[k]);
	for (size_t k = out->nstages - 1; k < TO_WON; k++)
		out->total.step[k] = (lq_funnel_stat){0, 0, NAN, NAN};
	stat_of(es->v, es->n, TO_WON, scratch, &out->total.to_won);
}

static void key_range(const entries *es, int64_t *kmin, int64_t *kmax)
{
	*kmin = *kmax = 0;
	for (size_t i = 0; i < es->n; i++) {
		if (i == 0 || es->v[i].pkey < *kmin)
			*kmin = es->v[i].pkey;
		if (i == 0 || es->v[i].pkey > *kmax)
			*kmax = es->v[i].pkey;
	}
}

int lq_funnel_compute(const lq_funnel_lead *leads, size_t n,
		      const lq_funnel_opts *opts, lq_funnel_result *out,
		      lq_error *err)
{
	entries es = {0};
	rows_out ro = {0};
	size_t with_entries = 0;

	memset(out, 0, sizeof *out);
	int rc = check_opts(opts, err);
	if (rc)
		return rc;
	set_stages(out, opts->cohort);
	cut_ctx cc = {opts, out, opts->group_period ? opts->group_period
						     : opts->trend, &es};
	for (size_t i = 0; i < n; i++) {
		if (opts->cohort == LQ_FUNNEL_CREATED && !leads[i].created_at &&
		    !leads[i].nsteps)
			out->no_time++;
		else if (cut_lead(&cc, i, &leads[i]))
			with_entries++;
	}
	int64_t *scratch = lq_xcalloc(es.n ? es.n : 1, sizeof *scratch);
	fill_total(out, &es, with_entries, scratch);
	if (es.n)
		qsort(es.v, es.n, sizeof *es.v, cmp_entry);
	row_ctx rctx = {opts, out, cc.period, 0, 0, scratch, &ro};
	key_range(&es, &rctx.kmin, &rctx.kmax);
	rc = build_rows(&rctx, &es, err);
	out->rows = ro.v;
	out->nrows = ro.n;
	free(scratch);
	free(es.v);
	if (rc)
		lq_funnel_result_free(out);
	return rc;
}

static void row_free(lq_funnel_row *r)
{
	free(r->group);
	free(r->period);
}

void lq_funnel_result_free(lq_funnel_result *r)
{
	if (!r)
		return;
	row_free(&r->total);
	for (size_t i = 0; i < r->nrows; i++)
		row_free(&r->rows[i]);
	free(r->rows);
	memset(r, 0, sizeof *r);
}
