/*
 * query.c - read operations: lead listings with scores evaluated at now,
 * and one lead in full (profile, history, events, explanation).
 *
 * A listing with a limit keeps only the best rows seen so far (a heap of
 * limit rows): every lead is read and its sort key evaluated at now, but
 * only the rows that enter the heap are copied. Copying every lead and
 * sorting them all took 1.1-1.7 s for the first row of 200k leads, most
 * of it malloc and free.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/engagement.h"

/* The order of a listing: scored leads first, then by the sort key
 * (highest first), then by id. index is where the row is. */
typedef struct keyed_row {
	double key;
	int scored;
	int64_t id;
	size_t index;
} keyed_row;

typedef struct list_ctx {
	lq_service *svc;
	lq_lead_list *out;
	size_t cap;
	lq_lead_sort sort;
	size_t limit;             /* 0: every row, sorted at the end */
	keyed_row *heap;          /* limit > 0: the worst kept row on top */
} list_ctx;

static double engagement_now(lq_service *svc, const lq_score_row *s)
{
	lq_engagement eng;
	if (!svc->model || s->model_version != svc->model_version ||
	    lq_engagement_decode(s->state, s->state_len, svc->model, &eng))
		return s->engagement;
	double v = lq_engagement_at(&eng, svc->model, svc->now);
	lq_engagement_free(&eng);
	return v;
}

static void copy_lead(lq_lead *dst, const lq_lead *src)
{
	*dst = *src;
	dst->external_id = lq_xstrdup(src->external_id);
	dst->email = lq_xstrdup(src->email);
	dst->email_domain = lq_xstrdup(src->email_domain);
	dst->first_name = lq_xstrdup(src->first_name);
	dst->last_name = lq_xstrdup(src->last_name);
	dst->title = lq_xstrdup(src->title);
	dst->seniority = lq_xstrdup(src->seniority);
	dst->department = lq_xstrdup(src->department);
	dst->country = lq_xstrdup(src->country);
	dst->source = lq_xstrdup(src->source);
	dst->owner = lq_xstrdup(src->owner);
	memset(&dst->attrs, 0, sizeof dst->attrs);
	lq_attrs_copy(&dst->attrs, &src->attrs);
}

static void copy_account(lq_account *dst, const lq_account *src)
{
	*dst = *src;
	dst->domain = lq_xstrdup(src->domain);
	dst->name = lq_xstrdup(src->name);
	dst->industry = lq_xstrdup(src->industry);
	dst->tech = lq_value_copy(&src->tech);
	memset(&dst->attrs, 0, sizeof dst->attrs);
	lq_attrs_copy(&dst->attrs, &src->attrs);
}

void lq_service_lead_row(lq_service *svc, const lq_lead *lead,
			 const lq_account *account, const lq_score_row *score,
			 lq_lead_row *r)
{
	memset(r, 0, sizeof *r);
	copy_lead(&r->lead, lead);
	lq_account_init(&r->account);
	if (account)
		copy_account(&r->account, account);
	if (score) {
		r->scored = 1;
		r->fit = score->fit;
		r->channel = score->channel;
		r->grade = score->grade;
		r->engagement = engagement_now(svc, score);
		r->score = r->fit + r->channel + r->engagement;
		r->updated_at = score->scored_at;
	}
}

static double sort_key(const lq_lead_row *r, lq_lead_sort sort)
{
	switch (sort) {
	case LQ_SORT_SCORE: return r->score;
	case LQ_SORT_ENGAGEMENT: return r->engagement;
	case LQ_SORT_FIT: return r->fit;
	case LQ_SORT_UPDATED: return (double)r->updated_at;
	}
	return 0;
}

/* The sort key of a stored row without copying it: what
 * lq_service_lead_row would compute. */
static double stored_key(lq_service *svc, const lq_score_row *score,
			 lq_lead_sort sort)
{
	switch (sort) {
	case LQ_SORT_SCORE:
		return score->fit + score->channel + engagement_now(svc, score);
	case LQ_SORT_ENGAGEMENT: return engagement_now(svc, score);
	case LQ_SORT_FIT: return score->fit;
	case LQ_SORT_UPDATED: return (double)score->scored_at;
	}
	return 0;
}

/* qsort has no context argument: sort on a precomputed key instead. */
static int cmp_keyed(const void *pa, const void *pb)
{
	const keyed_row *a = pa, *b = pb;
	if (a->scored != b->scored)
		return b->scored - a->scored;
	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void free_row(lq_lead_row *r);

/* The heap (of c->out->n rows) with its worst row on top: a row goes
 * down while a child is worse. */
static void heap_down(keyed_row *h, size_t n, size_t i)
{
	for (;;) {
		size_t worst = i, l = 2 * i + 1, r = l + 1;
		if (l < n && cmp_keyed(&h[l], &h[worst]) > 0)
			worst = l;
		if (r < n && cmp_keyed(&h[r], &h[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		keyed_row t = h[i];
		h[i] = h[worst];
		h[worst] = t;
		i = worst;
	}
}

static void heap_up(keyed_row *h, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (cmp_keyed(&h[i], &h[parent]) <= 0)
			return;
		keyed_row t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

/* Keep the row if it is among the limit best so far. */
static void keep_best(list_ctx *c, const lq_lead *lead,
		      const lq_account *account, const lq_score_row *score)
{
	lq_lead_list *l = c->out;
	keyed_row k = {score ? stored_key(c->svc, score, c->sort) : 0,
		       score != NULL, lead->id, 0};
	if (l->n < c->limit) {
		k.index = l->n;
		lq_service_lead_row(c->svc, lead, account, score, &l->rows[l->n]);
		c->heap[l->n] = k;
		heap_up(c->heap, l->n++);
		return;
	}
	if (cmp_keyed(&k, &c->heap[0]) >= 0)
		return;                 /* not better than the worst kept */
	k.index = c->heap[0].index;
	free_row(&l->rows[k.index]);
	lq_service_lead_row(c->svc, lead, account, score, &l->rows[k.index]);
	c->heap[0] = k;
	heap_down(c->heap, l->n, 0);
}

static int add_row(void *ctx, const lq_lead *lead, const lq_account *account,
		   const lq_score_row *score)
{
	list_ctx *c = ctx;
	lq_lead_list *l = c->out;
	l->total++;
	if (c->limit) {
		keep_best(c, lead, account, score);
		return 0;
	}
	if (l->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		l->rows = lq_xrealloc(l->rows, c->cap * sizeof *l->rows);
	}
	lq_service_lead_row(c->svc, lead, account, score, &l->rows[l->n++]);
	return 0;
}

static void sort_rows(lq_lead_list *l, lq_lead_sort sort)
{
	keyed_row *keys = lq_xcalloc(l->n ? l->n : 1, sizeof *keys);
	lq_lead_row *sorted = lq_xcalloc(l->n ? l->n : 1, sizeof *sorted);
	for (size_t i = 0; i < l->n; i++)
		keys[i] = (keyed_row){sort_key(&l->rows[i], sort),
				      l->rows[i].scored, l->rows[i].lead.id, i};
	qsort(keys, l->n, sizeof *keys, cmp_keyed);
	for (size_t i = 0; i < l->n; i++)
		sorted[i] = l->rows[keys[i].index];
	free(l->rows);
	l->rows = sorted;
	free(keys);
}

static void free_row(lq_lead_row *r)
{
	lq_lead_free(&r->lead);
	lq_account_free(&r->account);
}

int lq_lead_sort_parse(const char *name, lq_lead_sort *out)
{
	static const struct { const char *name; lq_lead_sort sort; } sorts[] = {
		{"score", LQ_SORT_SCORE}, {"engagement", LQ_SORT_ENGAGEMENT},
		{"fit", LQ_SORT_FIT}, {"updated", LQ_SORT_UPDATED}};
	for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
		if (strcmp(name, sorts[i].name) == 0) {
			*out = sorts[i].sort;
			return 0;
		}
	return -1;
}

/* Larger limits (an export of everything, in effect) read every row and
 * sort them: the heap's rows are allocated up front. */
#define LIST_HEAP_MAX 10000

int lq_service_leads(lq_service *svc, const lq_lead_query *q,
		     lq_lead_list *out, lq_error *err)
{
	list_ctx c = {.svc = svc, .out = out, .sort = q->sort,
		      .limit = q->limit <= LIST_HEAP_MAX ? q->limit : 0};
	memset(out, 0, sizeof *out);
	if (c.limit) {
		out->rows = lq_xcalloc(c.limit, sizeof *out->rows);
		c.heap = lq_xcalloc(c.limit, sizeof *c.heap);
	}
	int rc = lq_store_leads_each(svc->store, &q->filter, add_row, &c, err);
	free(c.heap);
	if (rc) {
		lq_lead_list_free(out);
		return rc;
	}
	sort_rows(out, q->sort);
	if (q->limit && out->n > q->limit) {
		for (size_t i = q->limit; i < out->n; i++)
			free_row(&out->rows[i]);
		out->n = q->limit;
	}
	return 0;
}

void lq_lead_list_free(lq_lead_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free_row(&l->rows[i]);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

int lq_service_lead_detail(lq_service *svc, const char *key,
			   lq_lead_detail *out, lq_error *err)
{
	int rc;
	memset(out, 0, sizeof *out);
	lq_lead_init(&out->lead);
	lq_account_init(&out->account);
	rc = lq_service_find_lead(svc, key, &out->lead, err);
	if (rc == 0 && out->lead.account_id) {
		rc = lq_store_account_get(svc->store, out->lead.account_id,
					  &out->account, err);
		out->has_account = rc == 0;
	}
	if (rc == 0)
		rc = lq_store_stage_history(svc->store, out->lead.id,
					    &out->history, &out->nhistory, err);
	if (rc == 0)
		rc = lq_store_lead_events(svc->store, out->lead.id,
					  &out->events, &out->nevents, err);
	if (rc == 0)
		rc = lq_store_answers(svc->store, out->lead.id, out->lead.cycle,
				      &out->answers, &out->nanswers, err);
	if (rc == 0)
		rc = lq_store_notes(svc->store, out->lead.id, &out->notes,
				    &out->nnotes, err);
	if (rc == 0) {
		lq_task_filter f = {.lead_id = out->lead.id};
		rc = lq_store_tasks(svc->store, &f, &out->tasks, &out->ntasks, err);
	}
	if (rc == 0) {
		int p = lq_store_prediction_get(svc->store, out->lead.id,
						&out->prediction, err);
		out->predicted = p == 0;
		if (p == LQ_ENOTFOUND)
			lq_error_clear(err);
		else if (p)
			rc = p;
	}
	if (rc) {
		lq_lead_detail_free(out);
		return rc;
	}
	if (svc->model) {
		lq_explain_lead(svc->model, &out->lead,
				out->has_account ? &out->account : NULL,
				out->events, out->nevents, svc->now,
				&out->explanation);
		out->explained = 1;
		out->model_version = svc->model_version;
		out->model_name = svc->model->name;
		out->model = svc->model;
	}
	return 0;
}

void lq_lead_detail_free(lq_lead_detail *d)
{
	lq_lead_free(&d->lead);
	lq_account_free(&d->account);
	lq_stage_changes_free(d->history, d->nhistory);
	lq_events_free(d->events, d->nevents);
	lq_answers_free(d->answers, d->nanswers);
	lq_notes_free(d->notes, d->nnotes);
	lq_tasks_free(d->tasks, d->ntasks);
	if (d->explained)
		lq_explanation_free(&d->explanation);
	memset(d, 0, sizeof *d);
}
