/*
 * store_sqlite_scan.c - bulk reading for passes over every lead (the
 * rescore of `model apply`, learning): leads and their events by ranges of
 * lead ids, a second connection for a reading thread, and read
 * transactions that pin one snapshot without blocking writers.
 *
 * A pass reads leads in id order a range at a time and the events of the
 * same range in (lead_id, at, id) order, so both walks move forward
 * through their tables and indexes instead of seeking once per lead.
 */
#include <string.h>

#include "io/json_attrs.h"
#include "store/store_sqlite.h"

/* The current SQ_LEADS_RANGE row as owned records, handed to fn. */
static int take_lead_row(sqlite3_stmt *st, lq_lead_take_fn fn, void *ctx,
			 lq_error *err)
{
	lq_lead lead;
	lq_account account;
	int has_account = !sq_is_null(st, SQ_LEAD_NCOLS);
	int rc = lq_store_sqlite_read_lead(st, 0, 1, &lead, err);

	if (rc)
		return rc;
	lq_account_init(&account);
	if (has_account)
		rc = lq_store_sqlite_read_account(st, SQ_LEAD_NCOLS, 1, &account,
						  err);
	if (rc == 0)
		rc = fn(ctx, &lead, has_account ? &account : NULL);
	lq_lead_free(&lead);
	lq_account_free(&account);
	return rc;
}

int lq_store_sqlite_leads_range(lq_store *s, int64_t from, int64_t to,
				lq_lead_take_fn fn, void *ctx, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEADS_RANGE];
	int rc;

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot read a range of "
				    "leads from inside another");
	if (sq_bind_int(st, 1, from) || sq_bind_int(st, 2, to))
		return lq_store_sqlite_fail(q, st, err, "read leads");
	while ((rc = lq_store_sqlite_row(q, st, err, "read leads")) == 1) {
		rc = take_lead_row(st, fn, ctx, err);
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc;
}

/* Whether the props of an event of this type are wanted. */
static int type_wanted(const lq_props_wanted *want, const char *type)
{
	if (!want || !want->types)
		return 1;
	for (const char *const *t = want->types; *t; t++)
		if (strcmp(*t, type) == 0)
			return 1;
	return 0;
}

/* The current SQ_EVENTS_RANGE row, borrowed (props owned when decoded). */
static int read_range_event(sqlite3_stmt *st, const lq_props_wanted *want,
			    lq_event *e, lq_error *err)
{
	const char *json = (const char *)sqlite3_column_text(st, 4);
	lq_event_init(e);
	e->id = sq_col_int(st, 0);
	e->lead_id = sq_col_int(st, 1);
	e->type = sq_col_text(st, 2, 0);
	e->at = sq_col_int(st, 3);
	if (!json || !e->type || !type_wanted(want, e->type))
		return 0;
	if (lq_json_attrs_keys(json, (size_t)sqlite3_column_bytes(st, 4),
			       want ? want->keys : NULL, &e->props) == 0)
		return 0;
	return lq_error_set(err, LQ_EIO, "event %lld has malformed properties "
			    "in the database", (long long)e->id);
}

int lq_store_sqlite_events_range(lq_store *s, int64_t from, int64_t to,
				 const lq_props_wanted *want,
				 lq_event_fn fn, void *ctx, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_EVENTS_RANGE];
	lq_event e;
	int rc;

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot read a range of "
				    "events from inside another");
	if (sq_bind_int(st, 1, from) || sq_bind_int(st, 2, to))
		return lq_store_sqlite_fail(q, st, err, "read events");
	while ((rc = lq_store_sqlite_row(q, st, err, "read events")) == 1) {
		rc = read_range_event(st, want, &e, err);
		if (rc == 0)
			rc = fn(ctx, &e);
		lq_attrs_free(&e.props);
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc;
}

int lq_store_sqlite_lead_id_max(lq_store *s, int64_t *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEAD_ID_MAX];
	int rc = lq_store_sqlite_row(q, st, err, "read the largest lead id");

	if (rc < 0)
		return rc;
	*out = rc == 1 ? sq_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return 0;
}

/* In-memory and temporary databases have no file another connection could
 * open: their callers read on the one connection. */
/*
 * A peer reads ranges of the database end to end, so it maps the file
 * (up to SQLite's 2 GB build limit): pages come straight from the OS page
 * cache, not copied by a read() each; a rescore takes 10% less CPU. Only
 * peers do: mapped pages count in a process's resident size, which would
 * blur what an import or the server holds.
 */
#define PEER_MMAP_SQL "PRAGMA mmap_size = 2147418112"

int lq_store_sqlite_open_peer(lq_store *s, lq_store **out, lq_error *err)
{
	const char *path = sqlite3_db_filename(sq_handle(s)->db, "main");
	int rc;

	*out = NULL;
	if (!path || !*path)
		return lq_error_set(err, LQ_ENOTFOUND, "the database has no file "
				    "a second connection could open");
	rc = lq_store_sqlite_open(path, 0, out, err);
	if (rc == 0)   /* an optimisation: without it the peer still works */
		sqlite3_exec(sq_handle(*out)->db, PEER_MMAP_SQL, NULL, NULL, NULL);
	return rc;
}

/* BEGIN DEFERRED takes no lock; the first read fixes the snapshot (WAL). */
int lq_store_sqlite_begin_read(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	return lq_store_sqlite_run(q, q->stmt[SQ_BEGIN_READ], err,
				   "start a read transaction");
}
