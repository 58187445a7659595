/*
 * store_sqlite_events.c - events in SQLite: the hot insert path with
 * msg_id de-duplication, a lead's events, and the ordered walk over every
 * event.
 *
 * event_add is what bulk ingestion runs hundreds of thousands of times a
 * second: one reused statement, bound parameters, the props JSON encoded
 * into a buffer the store keeps, no allocation per call.
 */
#include <stdlib.h>

#include "store/store_sqlite.h"

/* Fill out from the current row (SQ_EVENT_COLS at column 0). Without copy
 * the strings are borrowed from st and only props must be released. */
static int read_event(sqlite3_stmt *st, int copy, lq_event *out,
		      lq_error *err)
{
	lq_event_init(out);
	out->id = sq_col_int(st, 0);
	out->lead_id = sq_col_int(st, 1);
	out->msg_id = sq_col_text(st, 2, copy);
	out->type = sq_col_text(st, 3, copy);
	out->at = sq_col_int(st, 4);
	if (lq_store_sqlite_col_attrs(st, 5, &out->props) == 0)
		return 0;
	if (copy) {
		lq_event_free(out);
	} else {
		lq_attrs_free(&out->props);
	}
	return lq_error_set(err, LQ_EIO, "event %lld has malformed properties "
			    "in the database", (long long)sq_col_int(st, 0));
}

int lq_store_sqlite_event_add(lq_store *s, lq_event *e, int *duplicate,
			      lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_EVENT_ADD];
	int rc = lq_store_sqlite_bind_attrs(st, 4, &e->props, &q->json[0], err);

	if (rc)
		return rc;
	if (sq_bind_int(st, 1, e->lead_id) || sq_bind_int(st, 2, e->at) ||
	    sq_bind_text(st, 3, e->type) || sq_bind_text(st, 5, e->msg_id))
		return lq_store_sqlite_fail(q, st, err, "store event");
	rc = lq_store_sqlite_run(q, st, err, "store event");
	if (rc)
		return rc;
	/* ON CONFLICT DO NOTHING: no row changed means the msg_id is known. */
	if (sqlite3_changes(q->db) == 0) {
		*duplicate = 1;
		return 0;
	}
	e->id = sqlite3_last_insert_rowid(q->db);
	return 0;
}

int lq_store_sqlite_lead_events(lq_store *s, int64_t lead_id, lq_event **out,
				size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEAD_EVENTS];
	lq_event *ev = NULL;
	size_t len = 0, cap = 0;
	int rc;

	sq_bind_int(st, 1, lead_id);
	while ((rc = lq_store_sqlite_row(q, st, err, "read events")) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			ev = lq_xrealloc(ev, cap * sizeof *ev);
		}
		rc = read_event(st, 1, &ev[len], err);
		if (rc) {
			sqlite3_reset(st);
			goto free_events;
		}
		len++;
	}
	if (rc < 0)
		goto free_events;
	*out = ev;
	*n = len;
	return 0;
free_events:
	lq_events_free(ev, len);
	return rc;
}

int lq_store_sqlite_events_each(lq_store *s, lq_event_fn fn, void *ctx,
				lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_EVENTS_EACH];
	lq_event e;
	int rc;

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot walk events from "
				    "inside a walk over events");
	while ((rc = lq_store_sqlite_row(q, st, err, "read events")) == 1) {
		rc = read_event(st, 0, &e, err);
		if (!rc) {
			rc = fn(ctx, &e);
			lq_attrs_free(&e.props);
		}
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc;
}

/* ---- anonymous visitors ----------------------------------------------------- */

int lq_store_sqlite_anon_event_add(lq_store *s, const char *anonymous_id,
				   lq_event *e, int *duplicate, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ANON_EVENT_ADD];
	int rc = lq_store_sqlite_bind_attrs(st, 4, &e->props, &q->json[0], err);

	if (rc)
		return rc;
	if (sq_bind_text(st, 1, anonymous_id) || sq_bind_int(st, 2, e->at) ||
	    sq_bind_text(st, 3, e->type) || sq_bind_text(st, 5, e->msg_id))
		return lq_store_sqlite_fail(q, st, err, "store anonymous event");
	rc = lq_store_sqlite_run(q, st, err, "store anonymous event");
	if (rc)
		return rc;
	*duplicate = sqlite3_changes(q->db) == 0;
	if (!*duplicate)
		e->id = sqlite3_last_insert_rowid(q->db);
	return 0;
}

static int read_anon_event(sqlite3_stmt *st, void *row, lq_error *err)
{
	return read_event(st, 1, row, err);
}

static void release_events(void *rows, size_t n)
{
	lq_events_free(rows, n);
}

int lq_store_sqlite_anon_events_take(lq_store *s, const char *anonymous_id,
				     lq_event **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ANON_EVENTS_OF];
	void *rows = NULL;
	int rc;

	if (sq_bind_text(st, 1, anonymous_id))
		return lq_store_sqlite_fail(q, st, err, "read anonymous events");
	rc = lq_store_sqlite_collect(q, st, sizeof(lq_event), read_anon_event,
				     release_events, &rows, n, err,
				     "read anonymous events");
	if (rc)
		return rc;
	st = q->stmt[SQ_ANON_EVENTS_DELETE];
	if (sq_bind_text(st, 1, anonymous_id) ||
	    (rc = lq_store_sqlite_run(q, st, err, "delete anonymous events"))) {
		lq_events_free(rows, *n);
		return rc ? rc : lq_store_sqlite_fail(q, st, err, "delete anonymous events");
	}
	*out = rows;
	return 0;
}
