/*
 * queue.c - the sales queue: the MQLs awaiting sales, best first (grade,
 * then engagement at now, then the oldest in the stage, then the lowest
 * id), one page of it at a time.
 *
 * A page is a threshold top-k. The store keeps each MQL's grade and
 * engagement at its last scoring (its rank) in an index and hands the
 * MQLs over one grade group at a time, highest stored engagement first.
 * Engagement never rises with time (decay and expiry only lower it), so
 * the stored value bounds the engagement at any later `now`: once the
 * page's k-th best engagement at now is above the next stored value,
 * nothing further down the group can enter the page. Rows read: about
 * the page, not the MQLs.
 *
 * The bound holds from the time of the scoring on: MQLs scored after
 * `now` (a query with an earlier `now`, or a write that committed while
 * the request began) are read apart, first, and enter their group's
 * page on their engagement at now whatever their rank. When the bound
 * cannot hold at all - a model whose negative points fade (the total then
 * rises as they fade) - and when every row is asked for (limit 0), the
 * queue reads and sorts every matching MQL, as the reference order is
 * defined.
 */
#include "service/service.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/followup.h"

/* The walk's "stop" answer; store errors are negative. */
#define TOPK_FULL 1

static int grade_rank(const lq_lead_row *r)
{
	return r->scored ? r->grade : 'Z';
}

/* The queue order: grade, engagement at now (highest first), time in the
 * stage (oldest first), id. */
static int cmp_queue(const void *pa, const void *pb)
{
	const lq_queue_row *a = pa, *b = pb;
	int ga = grade_rank(&a->row), gb = grade_rank(&b->row);
	if (ga != gb)
		return ga - gb;
	if (a->row.engagement != b->row.engagement)
		return a->row.engagement > b->row.engagement ? -1 : 1;
	if (a->row.lead.stage_at != b->row.lead.stage_at)
		return a->row.lead.stage_at < b->row.lead.stage_at ? -1 : 1;
	return a->row.lead.id < b->row.lead.id ? -1 : 1;
}

static void free_queue_row(lq_queue_row *r)
{
	lq_lead_free(&r->row.lead);
	lq_account_free(&r->row.account);
}

void lq_queue_free(lq_queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		free_queue_row(&q->rows[i]);
	free(q->rows);
	memset(q, 0, sizeof *q);
}

/* Keep rows [offset, offset + limit) (limit 0: to the end). */
static void queue_window(lq_queue *q, size_t offset, size_t limit)
{
	size_t start = offset < q->n ? offset : q->n;
	size_t end = limit && limit < q->n - start ? start + limit : q->n;
	for (size_t i = 0; i < q->n; i++)
		if (i < start || i >= end)
			free_queue_row(&q->rows[i]);
	memmove(q->rows, q->rows + start, (end - start) * sizeof *q->rows);
	q->n = end - start;
}

/* ---- every matching MQL, sorted ----------------------------------------- */

static int queue_sorted(lq_service *svc, const lq_queue_query *q,
			lq_queue *out, lq_error *err)
{
	lq_lead_query query = {.filter = {.stage = LQ_STAGE_MQL, .owner = q->owner,
					  .grade = q->grade, .source = q->source}};
	lq_lead_list list;
	int rc = lq_service_leads(svc, &query, &list, err);
	if (rc)
		return rc;
	out->rows = lq_xcalloc(list.n ? list.n : 1, sizeof *out->rows);
	out->n = out->total = out->read = list.n;
	for (size_t i = 0; i < list.n; i++) {
		out->rows[i].row = list.rows[i];
		out->rows[i].due = lq_sla_due(svc->model, &list.rows[i].lead);
	}
	free(list.rows);
	qsort(out->rows, out->n, sizeof *out->rows, cmp_queue);
	queue_window(out, q->offset, q->limit);
	return 0;
}

/* ---- the threshold top-k ------------------------------------------------- */

/* Engagement at a later time is never above the engagement now unless a
 * rule with negative points fades (decay or expiry). */
static int engagement_never_rises(const lq_model *m)
{
	for (size_t i = 0; m && i < m->nactions; i++)
		if (m->actions[i].points < 0 &&
		    (m->actions[i].half_life > 0 || m->actions[i].expires > 0))
			return 0;
	return 1;
}

/* The best k rows read so far, as a heap whose root is the worst of them
 * (the k-th best once full). */
typedef struct topk {
	lq_service *svc;
	lq_queue_row *rows;
	size_t n, k;
	size_t read;          /* rows offered from the walk */
} topk;

static void heap_swap(lq_queue_row *a, lq_queue_row *b)
{
	lq_queue_row t = *a;
	*a = *b;
	*b = t;
}

static void heap_up(topk *t, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (cmp_queue(&t->rows[i], &t->rows[parent]) <= 0)
			return;
		heap_swap(&t->rows[i], &t->rows[parent]);
		i = parent;
	}
}

static void heap_down(topk *t, size_t i)
{
	for (;;) {
		size_t worst = i, l = 2 * i + 1, r = l + 1;
		if (l < t->n && cmp_queue(&t->rows[l], &t->rows[worst]) > 0)
			worst = l;
		if (r < t->n && cmp_queue(&t->rows[r], &t->rows[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		heap_swap(&t->rows[i], &t->rows[worst]);
		i = worst;
	}
}

/* Whether a stored rank is below the k-th best engagement at now, so that
 * this row and every later one of the group (ranked no higher) is worse
 * than the rows kept. Strictly below: a tie at now may still win on time
 * in the stage or id. The margin absorbs rounding in the decay maths (a
 * rank the engagement at now might exceed by an ulp); an unknown rank
 * (unscored) bounds nothing. */
static int rank_below_kth(const topk *t, double rank)
{
	if (t->n < t->k || isnan(rank))
		return 0;
	double kth = t->rows[0].row.engagement;
	return rank + 1e-9 * fabs(rank) + 1e-12 < kth;
}

/* Keep row (taken over) if it is among the best k so far; 0 when it is
 * not (freed). */
static int heap_offer(topk *t, lq_queue_row *row)
{
	if (t->n < t->k) {
		t->rows[t->n++] = *row;
		heap_up(t, t->n - 1);
	} else if (cmp_queue(row, &t->rows[0]) < 0) {
		free_queue_row(&t->rows[0]);
		t->rows[0] = *row;
		heap_down(t, 0);
	} else {
		free_queue_row(row);
		return 0;
	}
	return 1;
}

static void make_row(lq_service *svc, const lq_lead *lead,
		     const lq_account *account, const lq_score_row *score,
		     lq_queue_row *row)
{
	lq_service_lead_row(svc, lead, account, score, &row->row);
	row->due = lq_sla_due(svc->model, &row->row.lead);
}

/* Whether no later row of the walk can have a higher engagement at now
 * than this one: its engagement at now is its stored one (nothing of it
 * faded: engagement 0, or scored at now), or it is unscored (engagement
 * 0, as every unscored row). A later row's stored engagement is no
 * higher, and its engagement at now no higher than that: each rule's
 * points only fade (a model whose negative points fade walks no index),
 * and the engagement at now is computed from the stored state by the
 * same sum, term by term no larger. */
static int settled(const lq_queue_row *row, const lq_score_row *score,
		   double rank)
{
	return !score || row->row.engagement == rank;
}

/* A row of the walk: rows scored after now were read apart (late). The
 * walk comes in the queue's order among equal stored engagements (the
 * oldest in the stage, then the lowest id): a settled row that misses the
 * page is better than every row after it, so they all miss it too. */
static int take_row(void *ctx, const lq_lead *lead, const lq_account *account,
		    const lq_score_row *score, double rank)
{
	topk *t = ctx;
	lq_queue_row row;
	if (score && score->scored_at > t->svc->now)
		return 0;
	if (rank_below_kth(t, rank))
		return TOPK_FULL;
	make_row(t->svc, lead, account, score, &row);
	int last = settled(&row, score, rank);
	t->read++;
	if (!heap_offer(t, &row) && last)
		return TOPK_FULL;
	return 0;
}

/* The MQLs scored after now, read before the walks; each group offers its
 * own to its page first (taken[i] then). */
typedef struct late_rows {
	lq_service *svc;
	char grade;           /* the query's grade filter, 0: any */
	lq_queue_row *rows;
	char *taken;
	size_t n, cap;
} late_rows;

static int take_late(void *ctx, const lq_lead *lead, const lq_account *account,
		     const lq_score_row *score, double rank)
{
	late_rows *l = ctx;
	if (!score || (l->grade && score->grade != l->grade))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->rows = lq_xrealloc(l->rows, l->cap * sizeof *l->rows);
		l->taken = lq_xrealloc(l->taken, l->cap);
	}
	make_row(l->svc, lead, account, score, &l->rows[l->n]);
	l->taken[l->n++] = 0;
	return 0;
}

static void late_rows_free(late_rows *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->taken[i])
			free_queue_row(&l->rows[i]);
	free(l->rows);
	free(l->taken);
}

/* Append the best `need` rows of group g to out->rows (room for them). */
static int take_group(lq_service *svc, const lq_queue_group *g, size_t need,
		      late_rows *late, lq_queue *out, lq_error *err)
{
	topk t = {.svc = svc, .rows = out->rows + out->n, .k = need};
	for (size_t i = 0; i < late->n; i++)
		if (g->scored && !late->taken[i] &&
		    late->rows[i].row.grade == g->grade) {
			late->taken[i] = 1;
			heap_offer(&t, &late->rows[i]);
		}
	int rc = lq_store_queue_each(svc->store, g, take_row, &t, err);
	if (rc < 0) {
		for (size_t i = 0; i < t.n; i++)
			free_queue_row(&t.rows[i]);
		return rc;
	}
	qsort(t.rows, t.n, sizeof *t.rows, cmp_queue);
	out->n += t.n;
	out->read += t.read;
	return 0;
}

/* The groups in queue order: scored without a grade (none in practice),
 * A..F, then the unscored; or the one grade asked for. */
static size_t queue_groups(const lq_queue_query *q, lq_queue_group *g)
{
	static const char grades[] = {0, 'A', 'B', 'C', 'D', 'E', 'F'};
	size_t n = 0;
	if (q->grade) {
		g[n++] = (lq_queue_group){1, q->grade, q->owner, q->source};
		return n;
	}
	for (size_t i = 0; i < sizeof grades; i++)
		g[n++] = (lq_queue_group){1, grades[i], q->owner, q->source};
	g[n++] = (lq_queue_group){0, 0, q->owner, q->source};
	return n;
}

static int queue_topk_read(lq_service *svc, const lq_queue_query *q,
			   lq_queue *out, lq_error *err)
{
	lq_queue_filter f = {q->owner, q->source, q->grade};
	late_rows late = {.svc = svc, .grade = q->grade};
	lq_queue_group g[8];
	int64_t total;
	size_t ng = queue_groups(q, g), k;
	int rc = lq_store_queue_count(svc->store, &f, &total, err);

	if (!rc)
		rc = lq_store_queue_scored_after(svc->store, svc->now, q->owner,
						 q->source, take_late, &late,
						 err);
	if (rc) {
		late_rows_free(&late);
		return rc;
	}
	out->total = (size_t)total;
	if (q->offset >= out->total)
		k = 0;
	else
		k = q->limit < out->total - q->offset ? q->offset + q->limit
						       : out->total;
	out->rows = lq_xcalloc(k ? k : 1, sizeof *out->rows);
	for (size_t i = 0; i < ng && out->n < k && !rc; i++)
		rc = take_group(svc, &g[i], k - out->n, &late, out, err);
	out->read += late.n;
	late_rows_free(&late);
	if (rc) {
		lq_queue_free(out);
		return rc;
	}
	queue_window(out, q->offset, q->limit);
	return 0;
}

/* The count, the MQLs scored after now and the walks read one snapshot:
 * a write committed meanwhile cannot make them disagree. */
static int queue_topk(lq_service *svc, const lq_queue_query *q,
		      lq_queue *out, lq_error *err)
{
	int rc = lq_store_begin_read(svc->store, err);
	if (rc)
		return rc;
	rc = queue_topk_read(svc, q, out, err);
	lq_store_rollback(svc->store);
	return rc;
}

int lq_service_queue(lq_service *svc, const lq_queue_query *q,
		     lq_queue *out, lq_error *err)
{
	memset(out, 0, sizeof *out);
	if (q->limit && engagement_never_rises(svc->model))
		return queue_topk(svc, q, out, err);
	return queue_sorted(svc, q, out, err);
}
