/*
 * store_sqlite_fold.c - the recent events folded into the clustered table,
 * a range of leads at a time (migration 8).
 *
 * Why: a tracked event written into events_main dirties its lead's page
 * of the table and of the de-duplication index, at random; under a
 * stream of events spread over many leads that is two pages written (to
 * the WAL, then by the checkpoint) per event, half of the server's cost.
 * The server writes into events_recent instead (lq_store_events_recent):
 * one page per event, of a table a fraction of the size, its key
 * (lead_id, msg_hash, id) serving the de-duplication and a lead's reads.
 * The fold then moves many events per page of events_main.
 *
 * How: a fold starts when events_recent holds enough rows (see
 * should_start) and walks the leads in increasing id, about
 * FOLD_STEP_ROWS rows a slice: each slice moves every recent row of its
 * range of leads into events_main, sorted by (lead_id, at, id) so that
 * the range's pages of the table are walked forward once, and deletes
 * them from events_recent (one range of its key), in one transaction: an
 * event is in exactly one of the tables at any time, and a slice that
 * fails changes nothing. The counter events_fold_next is the first lead
 * not moved yet (-1: no fold); events arriving for leads already passed
 * wait for the next fold. The counter events_recent is the number of
 * recent rows, kept in the transactions that change it.
 */
#include <stdint.h>

#include "store/store_sqlite.h"

/* About this many rows a slice: ~0.1-0.2 s of the writer at 200k leads. */
#define FOLD_STEP_ROWS 16384
/* A fold starts once events_recent holds an eighth of the events ever
 * stored: a fold touches about every page of events_main, so it moves
 * several events per page whatever the table's size. */
#define FOLD_RATIO 8

#define NO_FOLD (-1)

typedef struct fold_state {
	int64_t next_lead;    /* first lead not moved, NO_FOLD: none */
	int64_t recent;       /* rows of events_recent */
	int64_t events_ever;  /* the next event id */
} fold_state;

static int read_state(lq_sqlite *q, fold_state *f, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_FOLD_STATE];
	int rc = lq_store_sqlite_row(q, st, err, "read the fold's state");
	if (rc == 1) {
		f->next_lead = sqlite3_column_int64(st, 0);
		f->recent = sqlite3_column_int64(st, 1);
		f->events_ever = sqlite3_column_int64(st, 2);
		sqlite3_reset(st);
		return 0;
	}
	return rc ? rc : lq_error_set(err, LQ_EINTERNAL, "no fold state");
}

static int should_start(const fold_state *f, int64_t min_rows)
{
	int64_t want = f->events_ever / FOLD_RATIO;
	if (want < min_rows)
		want = min_rows;
	return f->next_lead == NO_FOLD && f->recent > 0 && f->recent >= want;
}

int lq_store_sqlite_recent_count_add(lq_sqlite *q, int64_t n, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_RECENT_COUNT_ADD];
	if (n == 0)
		return 0;
	if (sq_bind_int(st, 1, n))
		return lq_store_sqlite_fail(q, st, err, "count recent events");
	return lq_store_sqlite_run(q, st, err, "count recent events");
}

static int set_next_lead(lq_sqlite *q, int64_t next, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_COUNTER_SET];
	if (sq_bind_text(st, 1, "events_fold_next") || sq_bind_int(st, 2, next))
		return lq_store_sqlite_fail(q, st, err, "record the fold");
	return lq_store_sqlite_run(q, st, err, "record the fold");
}

/* The first lead of the next slice: FOLD_STEP_ROWS rows after `from`
 * (INT64_MAX when fewer remain). A lead is never split: when one lead
 * has more rows than a slice, the slice is that lead. */
static int slice_end(lq_sqlite *q, int64_t from, int64_t *end, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_FOLD_BOUND];
	int rc;
	if (sq_bind_int(st, 1, from) || sq_bind_int(st, 2, FOLD_STEP_ROWS))
		return lq_store_sqlite_fail(q, st, err, "plan a fold");
	rc = lq_store_sqlite_row(q, st, err, "plan a fold");
	if (rc < 0)
		return rc;
	*end = rc == 1 ? sqlite3_column_int64(st, 0) : INT64_MAX;
	if (rc == 1)
		sqlite3_reset(st);
	if (*end <= from)
		*end = from + 1;
	return 0;
}

/* Run a statement on the lead range [from, end). */
static int on_range(lq_sqlite *q, int which, int64_t from, int64_t end,
		    lq_error *err)
{
	sqlite3_stmt *st = q->stmt[which];
	if (sq_bind_int(st, 1, from) || sq_bind_int(st, 2, end))
		return lq_store_sqlite_fail(q, st, err, "fold events");
	return lq_store_sqlite_run(q, st, err, "fold events");
}

/* Move and delete one slice (*moved: its rows); the fold ends with the
 * last (*more 0). */
static int fold_slice(lq_sqlite *q, int64_t from, int64_t *moved, int *more,
		      lq_error *err)
{
	int64_t end = INT64_MAX;
	int rc = slice_end(q, from, &end, err);
	if (rc == 0)
		rc = on_range(q, SQ_FOLD_MOVE, from, end, err);
	if (rc == 0)
		rc = on_range(q, SQ_FOLD_DELETE, from, end, err);
	if (rc == 0) {
		*moved = sqlite3_changes64(q->db);
		rc = lq_store_sqlite_recent_count_add(q, -*moved, err);
	}
	if (rc == 0)
		rc = set_next_lead(q, end == INT64_MAX ? NO_FOLD : end, err);
	*more = rc == 0 && end != INT64_MAX;
	return rc;
}

static int fold_once(lq_sqlite *q, int64_t min_rows, int64_t *moved,
		     int *more, lq_error *err)
{
	fold_state f = {NO_FOLD, 0, 0};
	int rc = read_state(q, &f, err);
	if (rc)
		return rc;
	if (f.next_lead == NO_FOLD) {
		if (!should_start(&f, min_rows)) {
			*more = 0;
			return 0;
		}
		f.next_lead = 0;
	}
	return fold_slice(q, f.next_lead, moved, more, err);
}

int lq_store_sqlite_events_fold_step(lq_store *s, int64_t min_rows,
				     int64_t *moved, int *more, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	fold_state f = {NO_FOLD, 0, 0};
	int rc = read_state(q, &f, err);   /* outside: most calls stop here */
	*more = 0;
	*moved = 0;
	if (rc || (f.next_lead == NO_FOLD && !should_start(&f, min_rows)))
		return rc;
	rc = lq_store_sqlite_run(q, q->stmt[SQ_BEGIN], err,
				 "start a transaction");
	if (rc)
		return rc;
	rc = lq_store_sqlite_finish(q, fold_once(q, min_rows, moved, more, err),
				    err);
	if (rc)
		*more = 0, *moved = 0;
	return rc;
}

void lq_store_sqlite_events_recent(lq_store *s, int on)
{
	sq_handle(s)->events_recent = on != 0;
}

int lq_store_sqlite_events_recent_rows(lq_store *s, int64_t *rows,
				       int *folding, lq_error *err)
{
	fold_state f = {NO_FOLD, 0, 0};
	int rc = read_state(sq_handle(s), &f, err);
	if (rc == 0) {
		*rows = f.recent;
		*folding = f.next_lead != NO_FOLD;
	}
	return rc;
}
