/*
 * backtest_report.c - counting replayed leads into a backtest report: the
 * per-lead records kept while the service streams leads, the capacity cut
 * (top N MQLs by score per ISO week), and the weekly and total counts,
 * precision, recall and median lead time. Pure: no clock, no I/O.
 * Semantics are written down in backtest.h.
 */
#include "engine/backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* What is kept of one lead that qualified under some model or was won in
 * the window. */
typedef struct bt_rec {
	lq_time sql_at, won_at;
	lq_time mql_at[LQ_BACKTEST_MAX_MODELS];   /* NEVER: no MQL */
	double score[LQ_BACKTEST_MAX_MODELS];
	size_t seq;                               /* input order */
} bt_rec;

struct lq_backtest {
	lq_backtest_opts o;
	bt_rec *recs;
	size_t n, cap;
	size_t leads, events;
};

/* One model's view while a report is made. */
typedef struct bt_pass {
	const lq_backtest *b;
	size_t k;                 /* model index */
	unsigned char *kept;      /* per record: its MQL survived capacity */
	lq_time first;            /* Monday of the report's first week */
	lq_backtest_report *out;
} bt_pass;

void lq_backtest_opts_init(lq_backtest_opts *o, size_t nmodels)
{
	memset(o, 0, sizeof *o);
	o->nmodels = nmodels;
	o->from = LQ_TIME_MIN;
	o->to = LQ_BACKTEST_NEVER;
}

lq_backtest *lq_backtest_new(const lq_backtest_opts *opts)
{
	lq_backtest *b = lq_xcalloc(1, sizeof *b);
	b->o = *opts;
	if (b->o.nmodels < 1)
		b->o.nmodels = 1;
	if (b->o.nmodels > LQ_BACKTEST_MAX_MODELS)
		b->o.nmodels = LQ_BACKTEST_MAX_MODELS;
	return b;
}

void lq_backtest_free(lq_backtest *b)
{
	if (!b)
		return;
	free(b->recs);
	free(b);
}

static int in_window(const lq_backtest *b, lq_time t)
{
	return t != LQ_BACKTEST_NEVER && t >= b->o.from && t < b->o.to;
}

/* An MQL at m led to an outcome at o. */
static int led_to(lq_time m, lq_time o)
{
	return m != LQ_BACKTEST_NEVER && o != LQ_BACKTEST_NEVER && m <= o;
}

void lq_backtest_add(lq_backtest *b, const lq_backtest_outcome *o,
		     const lq_backtest_hit *hits)
{
	int keep = in_window(b, o->won_at);
	size_t seq = b->leads++;

	for (size_t k = 0; k < b->o.nmodels; k++) {
		b->events += hits[k].events;
		keep |= hits[k].mql;
	}
	if (!keep)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->recs = lq_xrealloc(b->recs, b->cap * sizeof *b->recs);
	}
	bt_rec *r = &b->recs[b->n++];
	memset(r, 0, sizeof *r);
	r->sql_at = o->sql_at;
	r->won_at = o->won_at;
	r->seq = seq;
	for (size_t k = 0; k < LQ_BACKTEST_MAX_MODELS; k++) {
		int q = k < b->o.nmodels && hits[k].mql;
		r->mql_at[k] = q ? hits[k].at : LQ_BACKTEST_NEVER;
		r->score[k] = q ? hits[k].score : 0;
	}
}

/* ---- capacity: the N best MQLs of every week ----------------------------- */

typedef struct rank_item {
	lq_time week;
	double score;
	lq_time at;
	size_t seq;
	size_t rec;
} rank_item;

static int rank_cmp(const void *pa, const void *pb)
{
	const rank_item *a = pa, *b = pb;
	if (a->week != b->week)
		return a->week < b->week ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static lq_backtest_week *week_of(const bt_pass *p, lq_time t)
{
	lq_time w = lq_backtest_week_start(t);
	if (w < p->first)
		return NULL;
	size_t i = (size_t)((w - p->first) / LQ_MS_WEEK);
	return i < p->out->nweeks ? &p->out->weeks[i] : NULL;
}

/* Mark kept MQLs of one week's ranked group [g, end); note the cutoff and
 * the score a fixed threshold would have to beat. */
static void cut_group(bt_pass *p, const rank_item *g, size_t len)
{
	size_t cap = p->b->o.capacity, k = p->k;
	int in_win = 0;

	for (size_t i = 0; i < len; i++) {
		p->kept[g[i].rec] = i < cap;
		in_win |= in_window(p->b, g[i].at);
	}
	if (len <= cap || !in_win)
		return;
	lq_backtest_week *w = week_of(p, g[0].at);
	if (w)
		w->m[k].cutoff = g[cap - 1].score;
	if (!p->out->has_threshold[k] || g[cap].score > p->out->threshold[k]) {
		p->out->has_threshold[k] = 1;
		p->out->threshold[k] = g[cap].score;
	}
}

static void apply_capacity(bt_pass *p)
{
	const lq_backtest *b = p->b;
	rank_item *items = lq_xmalloc((b->n ? b->n : 1) * sizeof *items);
	size_t n = 0, start = 0;

	for (size_t i = 0; i < b->n; i++) {
		const bt_rec *r = &b->recs[i];
		if (r->mql_at[p->k] == LQ_BACKTEST_NEVER)
			continue;
		items[n++] = (rank_item){lq_backtest_week_start(r->mql_at[p->k]),
					 r->score[p->k], r->mql_at[p->k],
					 r->seq, i};
	}
	qsort(items, n, sizeof *items, rank_cmp);
	for (size_t i = 1; i <= n; i++) {
		if (i == n || items[i].week != items[start].week) {
			cut_group(p, items + start, i - start);
			start = i;
		}
	}
	free(items);
}

/* ---- counting ------------------------------------------------------------ */

/* Lead times (ms) tagged with their week, for medians. */
typedef struct lead_time {
	lq_time week;
	lq_time ms;
} lead_time;

static int lead_time_cmp(const void *pa, const void *pb)
{
	const lead_time *a = pa, *b = pb;
	if (a->week != b->week)
		return a->week < b->week ? -1 : 1;
	return a->ms < b->ms ? -1 : a->ms > b->ms;
}

static double median_days(const lead_time *v, size_t n)
{
	if (n == 0)
		return NAN;
	double mid = n % 2 ? (double)v[n / 2].ms
			   : ((double)v[n / 2 - 1].ms + (double)v[n / 2].ms) / 2;
	return mid / (double)LQ_MS_DAY;
}

/* Per-week medians from times sorted by (week, ms); the total median from
 * the same times sorted by ms alone. */
static void set_medians(bt_pass *p, lead_time *v, size_t n)
{
	size_t start = 0;
	for (size_t i = 1; i <= n; i++) {
		if (i < n && v[i].week == v[start].week)
			continue;
		lq_backtest_week *w = week_of(p, v[start].week);
		if (w)
			w->m[p->k].median_days = median_days(v + start, i - start);
		start = i;
	}
	for (size_t i = 0; i < n; i++)
		v[i].week = 0;
	qsort(v, n, sizeof *v, lead_time_cmp);
	p->out->total[p->k].median_days = median_days(v, n);
}

static void count_mql(bt_pass *p, const bt_rec *r, size_t i, lead_time *lt,
		      size_t *nlt)
{
	lq_time at = r->mql_at[p->k];
	lq_backtest_stats *t = &p->out->total[p->k];
	lq_backtest_week *w = week_of(p, at);
	lq_backtest_stats *s = &w->m[p->k];

	s->candidates++;
	t->candidates++;
	if (!p->kept[i])
		return;
	s->mqls++;
	t->mqls++;
	if (led_to(at, r->sql_at)) {
		s->to_sql++;
		t->to_sql++;
	}
	if (led_to(at, r->won_at)) {
		s->to_won++;
		t->to_won++;
		lt[(*nlt)++] = (lead_time){w->start, r->won_at - at};
	}
}

static void count_won(bt_pass *p, const bt_rec *r, size_t i)
{
	lq_backtest_stats *t = &p->out->total[p->k];
	lq_backtest_stats *s = &week_of(p, r->won_at)->m[p->k];
	int caught = led_to(r->mql_at[p->k], r->won_at);

	s->won++;
	t->won++;
	s->caught_uncapped += caught;
	t->caught_uncapped += caught;
	s->caught += caught && p->kept[i];
	t->caught += caught && p->kept[i];
}

static double ratio(size_t num, size_t den)
{
	return den ? (double)num / (double)den : NAN;
}

static void set_ratios(lq_backtest_stats *s)
{
	s->precision_sql = ratio(s->to_sql, s->mqls);
	s->precision_won = ratio(s->to_won, s->mqls);
	s->recall = ratio(s->caught, s->won);
	s->recall_uncapped = ratio(s->caught_uncapped, s->won);
}

static void count_model(bt_pass *p)
{
	const lq_backtest *b = p->b;
	lead_time *lt = lq_xmalloc((b->n ? b->n : 1) * sizeof *lt);
	size_t nlt = 0;

	for (size_t i = 0; i < b->n; i++)
		p->kept[i] = b->recs[i].mql_at[p->k] != LQ_BACKTEST_NEVER;
	if (b->o.capacity)
		apply_capacity(p);
	for (size_t i = 0; i < b->n; i++) {
		const bt_rec *r = &b->recs[i];
		if (in_window(b, r->mql_at[p->k]))
			count_mql(p, r, i, lt, &nlt);
		if (in_window(b, r->won_at))
			count_won(p, r, i);
	}
	qsort(lt, nlt, sizeof *lt, lead_time_cmp);
	set_medians(p, lt, nlt);
	free(lt);
	set_ratios(&p->out->total[p->k]);
	for (size_t i = 0; i < p->out->nweeks; i++)
		set_ratios(&p->out->weeks[i].m[p->k]);
}

/* ---- the week range and the report --------------------------------------- */

static void widen(const lq_backtest *b, lq_time t, lq_time *lo, lq_time *hi)
{
	if (!in_window(b, t))
		return;
	lq_time w = lq_backtest_week_start(t);
	if (w < *lo)
		*lo = w;
	if (w > *hi)
		*hi = w;
}

static void init_stats(lq_backtest_stats *s)
{
	memset(s, 0, sizeof *s);
	s->median_days = NAN;
	s->cutoff = NAN;
	s->precision_sql = s->precision_won = NAN;
	s->recall = s->recall_uncapped = NAN;
}

static void make_weeks(const lq_backtest *b, lq_backtest_report *out,
		       lq_time *first)
{
	lq_time lo = LQ_BACKTEST_NEVER, hi = LQ_TIME_MIN;

	for (size_t i = 0; i < b->n; i++) {
		widen(b, b->recs[i].won_at, &lo, &hi);
		for (size_t k = 0; k < b->o.nmodels; k++)
			widen(b, b->recs[i].mql_at[k], &lo, &hi);
	}
	*first = lo;
	if (lo > hi)
		return;
	out->nweeks = (size_t)((hi - lo) / LQ_MS_WEEK) + 1;
	out->weeks = lq_xcalloc(out->nweeks, sizeof *out->weeks);
	for (size_t i = 0; i < out->nweeks; i++) {
		lq_backtest_week *w = &out->weeks[i];
		w->start = lo + (lq_time)i * LQ_MS_WEEK;
		lq_backtest_iso_week(w->start, &w->iso_year, &w->iso_week);
		for (size_t k = 0; k < LQ_BACKTEST_MAX_MODELS; k++)
			init_stats(&w->m[k]);
	}
}

void lq_backtest_report_make(const lq_backtest *b, lq_backtest_report *out)
{
	bt_pass p = {.b = b, .out = out};

	memset(out, 0, sizeof *out);
	out->nmodels = b->o.nmodels;
	out->capacity = b->o.capacity;
	out->leads = b->leads;
	out->events = b->events;
	for (size_t k = 0; k < LQ_BACKTEST_MAX_MODELS; k++)
		init_stats(&out->total[k]);
	make_weeks(b, out, &p.first);
	p.kept = lq_xcalloc(b->n ? b->n : 1, 1);
	for (p.k = 0; p.k < b->o.nmodels; p.k++)
		count_model(&p);
	free(p.kept);
}

void lq_backtest_report_free(lq_backtest_report *r)
{
	if (!r)
		return;
	free(r->weeks);
	r->weeks = NULL;
	r->nweeks = 0;
}
