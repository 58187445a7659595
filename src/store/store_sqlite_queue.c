/*
 * store_sqlite_queue.c - the SQLite backend's sales queue: the MQLs of one
 * rank group (grade at the last scoring, or unscored) walked down the
 * partial index leads_queue (or leads_queue_owner when an owner is given)
 * by the engagement stored at the last scoring, highest first; the count
 * of a group; and the MQLs scored after a given time (leads_queue_at).
 *
 * Rows are stepped one at a time and handed to the caller, who may stop
 * early: reading the top of a queue costs the rows read, not the MQLs.
 * The rank columns are kept by the triggers of migration 5 (and by
 * store_sqlite_rank.c while a rescore writes every score); this file only
 * reads them.
 */
#include <math.h>

#include "store/store_sqlite.h"

/* ?1 the group's grade ('' scored without one, NULL unscored), ?2 source,
 * ?3 owner (the _OWNER statements only). */
static int bind_group(sqlite3_stmt *st, const lq_queue_group *g)
{
	int rc;

	if (!g->scored)
		rc = sqlite3_bind_null(st, 1);
	else
		rc = sqlite3_bind_text(st, 1, g->grade ? &g->grade : "",
				       g->grade ? 1 : 0, SQLITE_STATIC);
	return rc || sq_bind_text(st, 2, g->source) ||
	       (g->owner && sq_bind_text(st, 3, g->owner));
}

/* The count statement for a filter's shape. */
static enum sq_stmt count_stmt(const lq_queue_filter *f)
{
	if (f->grade)
		return f->owner ? SQ_QUEUE_COUNT_OWNER : SQ_QUEUE_COUNT;
	if (f->owner)
		return SQ_QUEUE_COUNT_ANY_OWNER;
	return f->source ? SQ_QUEUE_COUNT_ANY : SQ_QUEUE_COUNT_ALL;
}

int lq_store_sqlite_queue_count(lq_store *s, const lq_queue_filter *f,
				int64_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	enum sq_stmt which = count_stmt(f);
	sqlite3_stmt *st = q->stmt[which];
	lq_queue_group g = {1, f->grade, f->owner, f->source};
	int rc;

	if (which != SQ_QUEUE_COUNT_ALL && bind_group(st, &g))
		return lq_store_sqlite_fail(q, st, err, "count the queue");
	rc = lq_store_sqlite_row(q, st, err, "count the queue");
	if (rc < 0)
		return rc;
	if (rc == 0)
		return lq_error_set(err, LQ_EINTERNAL, "count returned no row");
	*n = sq_col_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* Read the current row (lead, account, score, rank) as borrowed records
 * and call fn. */
static int call_with_row(sqlite3_stmt *st, lq_queue_fn fn, void *ctx,
			 lq_error *err)
{
	const int rcol = SQ_LEAD_NCOLS + SQ_ACCOUNT_NCOLS + SQ_SCORE_NCOLS;
	sq_listing_row r;
	int rc = lq_store_sqlite_read_listing(st, &r, err);
	if (rc)
		return rc;
	rc = fn(ctx, &r.lead, r.has_account ? &r.account : NULL,
		r.has_score ? &r.score : NULL, sq_col_real(st, rcol));
	lq_store_sqlite_release_listing(&r);
	return rc;
}

/* Step st (bound) to its end, calling fn per row; fn's non-zero answer
 * stops the walk and is returned. */
static int walk(lq_sqlite *q, sqlite3_stmt *st, lq_queue_fn fn, void *ctx,
		lq_error *err)
{
	int rc;

	while ((rc = lq_store_sqlite_row(q, st, err, "read the queue")) == 1) {
		rc = call_with_row(st, fn, ctx, err);
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc;
}

int lq_store_sqlite_queue_each(lq_store *s, const lq_queue_group *g,
			       lq_queue_fn fn, void *ctx, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[g->owner ? SQ_QUEUE_EACH_OWNER
					    : SQ_QUEUE_EACH];

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot walk the queue "
				    "from inside a walk of the queue");
	if (bind_group(st, g))
		return lq_store_sqlite_fail(q, st, err, "read the queue");
	return walk(q, st, fn, ctx, err);
}

int lq_store_sqlite_queue_scored_after(lq_store *s, lq_time t,
				       const char *owner, const char *source,
				       lq_queue_fn fn, void *ctx, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_QUEUE_AFTER];

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot walk the queue "
				    "from inside a walk of the queue");
	if (sq_bind_int(st, 1, t) || sq_bind_text(st, 2, source) ||
	    sq_bind_text(st, 3, owner))
		return lq_store_sqlite_fail(q, st, err, "read the queue");
	return walk(q, st, fn, ctx, err);
}
