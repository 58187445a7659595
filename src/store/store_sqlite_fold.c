/*
 * store_sqlite_fold.c - the recent events moved into the clustered table,
 * a slice at a time (migration 8).
 *
 * Why: a tracked event written into events_main dirties its lead's page
 * of the table and of the de-duplication index, at random; under a
 * stream of events spread over many leads that is one or two pages
 * written (to the WAL, then by the checkpoint) per event, half of the
 * server's cost. The server appends to events_recent instead and the fold
 * moves many events per page: sorted by (lead_id, at, id), each slice
 * walks its part of events_main forward once.
 *
 * How: a fold starts when events_recent holds enough rows (see
 * lq_store_events_fold_step); it takes every row up to the last rowid
 * then (counter events_fold_rowid) and moves them by ranges of leads in
 * increasing id (counter events_fold_lead: the first lead not moved
 * yet), one transaction per slice, so that the writer applies tracked
 * events between slices. Rows of leads below events_fold_lead are in both
 * tables until the fold ends; readers count them in events_main only
 * (SQ_EVENT_LIVE). When every lead is moved (events_fold_lead INT64_MAX)
 * the moved rows are deleted from the front of events_recent, a slice at
 * a time, and the fold ends (both counters 0). Rows appended meanwhile
 * wait for the next fold. Any step can fail and roll back alone: the
 * counters move in the same transaction as the rows.
 */
#include <stdint.h>

#include "store/store_sqlite.h"

/* About this many rows a slice: ~0.1 s of the writer at 200k leads. */
#define FOLD_STEP_ROWS 16384
/* A fold starts once events_recent holds an eighth of the events ever
 * stored: a fold touches about every page of events_main, so it moves
 * several events per page whatever the table's size. */
#define FOLD_RATIO 8

#define ALL_MOVED INT64_MAX

typedef struct fold_state {
	int64_t last_rowid;   /* the fold's last row, 0: no fold */
	int64_t next_lead;    /* first lead not moved (ALL_MOVED: deleting) */
	int64_t first_row, end_row;   /* events_recent's rowids (0: empty) */
	int64_t events_ever;  /* the next event id */
} fold_state;

static int read_state(lq_sqlite *q, fold_state *f, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_FOLD_STATE];
	int rc = lq_store_sqlite_row(q, st, err, "read the fold's state");
	if (rc == 1) {
		f->last_rowid = sqlite3_column_int64(st, 0);
		f->next_lead = sqlite3_column_int64(st, 1);
		f->first_row = sqlite3_column_int64(st, 2);
		f->end_row = sqlite3_column_int64(st, 3);
		f->events_ever = sqlite3_column_int64(st, 4);
		sqlite3_reset(st);
		return 0;
	}
	return rc ? rc : lq_error_set(err, LQ_EINTERNAL, "no fold state");
}

/* Rows of events_recent (deleted ones of an erase counted: an estimate
 * from above, rows are appended and deleted from the front). */
static int64_t recent_rows(const fold_state *f)
{
	return f->end_row ? f->end_row - f->first_row + 1 : 0;
}

static int should_start(const fold_state *f, int64_t min_rows)
{
	int64_t want = f->events_ever / FOLD_RATIO;
	if (want < min_rows)
		want = min_rows;
	return f->last_rowid == 0 && recent_rows(f) > 0 &&
	       recent_rows(f) >= want;
}

static int set_counter(lq_sqlite *q, const char *name, int64_t v,
		       lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_COUNTER_SET];
	if (sq_bind_text(st, 1, name) || sq_bind_int(st, 2, v))
		return lq_store_sqlite_fail(q, st, err, "record the fold");
	return lq_store_sqlite_run(q, st, err, "record the fold");
}

static int set_state(lq_sqlite *q, int64_t last_rowid, int64_t next_lead,
		     lq_error *err)
{
	int rc = set_counter(q, "events_fold_rowid", last_rowid, err);
	return rc ? rc : set_counter(q, "events_fold_lead", next_lead, err);
}

/* The first lead of the next slice: FOLD_STEP_ROWS rows after `from`
 * (ALL_MOVED when fewer remain). A lead is never split: when one lead
 * has more rows than a slice, the slice is that lead. */
static int slice_end(lq_sqlite *q, const fold_state *f, int64_t *end,
		     lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_FOLD_BOUND];
	int rc;
	if (sq_bind_int(st, 1, f->next_lead) ||
	    sq_bind_int(st, 2, f->last_rowid) ||
	    sq_bind_int(st, 3, FOLD_STEP_ROWS))
		return lq_store_sqlite_fail(q, st, err, "plan a fold");
	rc = lq_store_sqlite_row(q, st, err, "plan a fold");
	if (rc < 0)
		return rc;
	*end = rc == 1 ? sqlite3_column_int64(st, 0) : ALL_MOVED;
	if (rc == 1)
		sqlite3_reset(st);
	if (*end <= f->next_lead)
		*end = f->next_lead + 1;
	return 0;
}

static int move_slice(lq_sqlite *q, const fold_state *f, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_FOLD_MOVE];
	int64_t end = ALL_MOVED;
	int rc = slice_end(q, f, &end, err);
	if (rc)
		return rc;
	if (sq_bind_int(st, 1, f->next_lead) || sq_bind_int(st, 2, end) ||
	    sq_bind_int(st, 3, f->last_rowid))
		return lq_store_sqlite_fail(q, st, err, "fold events");
	rc = lq_store_sqlite_run(q, st, err, "fold events");
	return rc ? rc : set_state(q, f->last_rowid, end, err);
}

/* Delete moved rows from the front; the fold ends with the last. */
static int delete_slice(lq_sqlite *q, const fold_state *f, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_FOLD_DELETE];
	int64_t upto = f->first_row + FOLD_STEP_ROWS - 1;
	int done = f->first_row == 0 || upto >= f->last_rowid;
	int rc;
	if (done)
		upto = f->last_rowid;
	if (sq_bind_int(st, 1, upto))
		return lq_store_sqlite_fail(q, st, err, "fold events");
	rc = lq_store_sqlite_run(q, st, err, "fold events");
	return rc || !done ? rc : set_state(q, 0, 0, err);
}

static int fold_once(lq_sqlite *q, int64_t min_rows, int *more,
		     lq_error *err)
{
	fold_state f;
	int rc = read_state(q, &f, err);
	if (rc)
		return rc;
	if (f.last_rowid == 0) {
		if (!should_start(&f, min_rows)) {
			*more = 0;
			return 0;
		}
		f.last_rowid = f.end_row;
		f.next_lead = 0;
	}
	rc = f.next_lead == ALL_MOVED ? delete_slice(q, &f, err)
				      : move_slice(q, &f, err);
	if (rc)
		return rc;
	rc = read_state(q, &f, err);
	*more = rc == 0 && f.last_rowid != 0;
	return rc;
}

int lq_store_sqlite_events_fold_step(lq_store *s, int64_t min_rows,
				     int *more, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	fold_state f;
	int rc = read_state(q, &f, err);   /* outside: most calls stop here */
	*more = 0;
	if (rc || (f.last_rowid == 0 && !should_start(&f, min_rows)))
		return rc;
	rc = lq_store_sqlite_run(q, q->stmt[SQ_BEGIN], err,
				 "start a transaction");
	if (rc)
		return rc;
	rc = lq_store_sqlite_finish(q, fold_once(q, min_rows, more, err), err);
	if (rc)
		*more = 0;
	return rc;
}

void lq_store_sqlite_events_recent(lq_store *s, int on)
{
	sq_handle(s)->events_recent = on != 0;
}

int lq_store_sqlite_events_recent_rows(lq_store *s, int64_t *rows,
				       int *folding, lq_error *err)
{
	fold_state f;
	int rc = read_state(sq_handle(s), &f, err);
	if (rc == 0) {
		*rows = recent_rows(&f);
		*folding = f.last_rowid != 0;
	}
	return rc;
}
