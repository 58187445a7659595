/*
 * store_sqlite_alerts.c - the alerting tables in SQLite: webhooks, the
 * outbox of deliveries to make (one row per webhook and event, retried
 * until delivered or dead), the record of alerts already raised so each is
 * raised once, and named counters for round-robin routing.
 *
 * The outbox is written in the same transaction as the change it reports;
 * delivery happens later, outside the store. Outbox rows are never deleted
 * here (they are the delivery log), nor tied to their webhook by a foreign
 * key. Statement text lives in store_sqlite_sql.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"

/* Outbox statuses as stored, by enum lq_outbox_status. */
static const char *const status_names[] = {
	[LQ_OUTBOX_PENDING] = "pending",
	[LQ_OUTBOX_DELIVERED] = "delivered",
	[LQ_OUTBOX_DEAD] = "dead",
};
#define N_STATUSES (sizeof status_names / sizeof status_names[0])

/* The status named s, or -1 when s names none. */
static int status_parse(const char *s)
{
	for (size_t i = 0; s && i < N_STATUSES; i++)
		if (strcmp(s, status_names[i]) == 0)
			return (int)i;
	return -1;
}

/* SQLite's LIMIT: -1 for none (0 asks for no limit). */
static int64_t sq_limit(size_t limit)
{
	return limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
}

/* ---- webhooks --------------------------------------------------------------- */

static int read_webhook(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_webhook *w = row;

	w->id = sq_col_int(st, 0);
	w->url = sq_col_text(st, 1, 1);
	w->events = sq_col_text(st, 2, 1);
	w->secret = sq_col_text(st, 3, 1);
	w->origin = sq_col_text(st, 4, 1);
	w->created_at = sq_col_int(st, 5);
	w->max_attempts = (int)sq_col_int(st, 6);
	return 0;
}

static void release_webhooks(void *rows, size_t n)
{
	lq_webhooks_free(rows, n);
}

int lq_store_sqlite_webhook_add(lq_store *s, lq_webhook *w, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_WEBHOOK_ADD];
	int rc;

	if (sq_bind_text(st, 1, w->url) || sq_bind_text(st, 2, w->events) ||
	    sq_bind_text(st, 3, w->secret) || sq_bind_text(st, 4, w->origin) ||
	    sq_bind_int0(st, 5, w->created_at) ||
	    sq_bind_int0(st, 6, w->max_attempts))
		return lq_store_sqlite_fail(q, st, err, "store webhook");
	rc = lq_store_sqlite_run(q, st, err, "store webhook");
	if (!rc)
		w->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

int lq_store_sqlite_webhook_remove(lq_store *s, int64_t id, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_WEBHOOK_REMOVE];
	int rc;

	sq_bind_int(st, 1, id);
	rc = lq_store_sqlite_run(q, st, err, "remove webhook");
	if (!rc && sqlite3_changes(q->db) == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no webhook %lld",
				    (long long)id);
	return rc;
}

int lq_store_sqlite_webhooks_remove_origin(lq_store *s, const char *origin,
					   lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_WEBHOOKS_REMOVE_ORIGIN];

	if (sq_bind_text(st, 1, origin))
		return lq_store_sqlite_fail(q, st, err, "remove webhooks");
	return lq_store_sqlite_run(q, st, err, "remove webhooks");
}

int lq_store_sqlite_webhooks(lq_store *s, lq_webhook **out, size_t *n,
			     lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	void *rows;
	int rc = lq_store_sqlite_collect(q, q->stmt[SQ_WEBHOOKS], sizeof **out,
					 read_webhook, release_webhooks, &rows,
					 n, err, "read webhooks");

	if (!rc)
		*out = rows;
	return rc;
}

/* ---- outbox ----------------------------------------------------------------- */

/* Current row (SQ_OUTBOX_COLS at column 0) into row, owned strings. */
static int read_outbox(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_outbox_row *r = row;
	int status = status_parse((const char *)sqlite3_column_text(st, 11));

	memset(r, 0, sizeof *r);
	r->id = sq_col_int(st, 0);
	if (status < 0)
		return lq_error_set(err, LQ_EIO, "outbox row %lld has an unknown "
				    "status in the database", (long long)r->id);
	r->delivery_id = sq_col_text(st, 1, 1);
	r->webhook_id = sq_col_int(st, 2);
	r->url = sq_col_text(st, 3, 1);
	r->secret = sq_col_text(st, 4, 1);
	r->event = sq_col_text(st, 5, 1);
	r->lead_id = sq_col_int(st, 6);
	r->payload = sq_col_text(st, 7, 1);
	r->created_at = sq_col_int(st, 8);
	r->attempts = (int)sq_col_int(st, 9);
	r->next_at = sq_col_int(st, 10);
	r->status = (lq_outbox_status)status;
	r->last_error = sq_col_text(st, 12, 1);
	r->delivered_at = sq_col_int(st, 13);
	r->max_attempts = (int)sq_col_int(st, 14);
	return 0;
}

static void release_outbox_rows(void *rows, size_t n)
{
	lq_outbox_rows_free(rows, n);
}

/* After a failed outbox insert: a delivery id already stored is
 * LQ_ECONFLICT naming the row that holds it. */
static int outbox_add_failed(lq_sqlite *q, sqlite3_stmt *st,
			     const lq_outbox_row *r, lq_error *err)
{
	sqlite3_stmt *look = q->stmt[SQ_OUTBOX_ID_BY_DELIVERY];
	int64_t owner = 0;

	if (sqlite3_extended_errcode(q->db) != SQLITE_CONSTRAINT_UNIQUE)
		return lq_store_sqlite_fail(q, st, err, "store outbox row");
	sqlite3_reset(st);
	if (sq_bind_text(look, 1, r->delivery_id) == SQLITE_OK &&
	    sqlite3_step(look) == SQLITE_ROW)
		owner = sq_col_int(look, 0);
	sqlite3_reset(look);
	lq_error_set(err, LQ_ECONFLICT, "delivery id %s already belongs to "
		     "outbox row %lld", r->delivery_id, (long long)owner);
	if (err)
		snprintf(err->field, sizeof err->field, "delivery_id");
	return LQ_ECONFLICT;
}

int lq_store_sqlite_outbox_add(lq_store *s, lq_outbox_row *r, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_OUTBOX_ADD];

	if (sq_bind_text(st, 1, r->delivery_id) ||
	    sq_bind_int0(st, 2, r->webhook_id) || sq_bind_text(st, 3, r->url) ||
	    sq_bind_text(st, 4, r->secret) || sq_bind_text(st, 5, r->event) ||
	    sq_bind_int0(st, 6, r->lead_id) ||
	    sq_bind_text(st, 7, r->payload) ||
	    sq_bind_int0(st, 8, r->created_at) ||
	    sq_bind_int(st, 9, r->attempts) || sq_bind_int(st, 10, r->next_at) ||
	    sq_bind_text(st, 11, status_names[r->status]) ||
	    sq_bind_text(st, 12, r->last_error) ||
	    sq_bind_int0(st, 13, r->delivered_at) ||
	    sq_bind_int0(st, 14, r->max_attempts))
		return lq_store_sqlite_fail(q, st, err, "store outbox row");
	if (sqlite3_step(st) != SQLITE_DONE)
		return outbox_add_failed(q, st, r, err);
	sqlite3_reset(st);
	r->id = sqlite3_last_insert_rowid(q->db);
	return 0;
}

static int outbox_collect(lq_sqlite *q, sqlite3_stmt *st,
			  lq_outbox_row **out, size_t *n, lq_error *err)
{
	void *rows;
	int rc = lq_store_sqlite_collect(q, st, sizeof **out, read_outbox,
					 release_outbox_rows, &rows, n, err,
					 "read the outbox");

	if (!rc)
		*out = rows;
	return rc;
}

int lq_store_sqlite_outbox_due(lq_store *s, lq_time now, size_t limit,
			       lq_outbox_row **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_OUTBOX_DUE];

	if (sq_bind_int(st, 1, now) || sq_bind_int(st, 2, sq_limit(limit)) ||
	    sq_bind_text(st, 3, status_names[LQ_OUTBOX_PENDING]))
		return lq_store_sqlite_fail(q, st, err, "read the outbox");
	return outbox_collect(q, st, out, n, err);
}

int lq_store_sqlite_outbox_list(lq_store *s, int status, size_t limit,
				lq_outbox_row **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_OUTBOX_LIST];
	const char *name = status < 0 ? NULL : status_names[status];

	if (sq_bind_text(st, 1, name) || sq_bind_int(st, 2, sq_limit(limit)))
		return lq_store_sqlite_fail(q, st, err, "read the outbox");
	return outbox_collect(q, st, out, n, err);
}

int lq_store_sqlite_outbox_get(lq_store *s, int64_t id, lq_outbox_row *out,
			       lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_OUTBOX_GET];
	int rc;

	memset(out, 0, sizeof *out);
	sq_bind_int(st, 1, id);
	rc = lq_store_sqlite_row(q, st, err, "read the outbox");
	if (rc < 0)
		return rc;
	if (rc == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no outbox row %lld",
				    (long long)id);
	rc = read_outbox(st, out, err);
	sqlite3_reset(st);
	return rc;
}

int lq_store_sqlite_outbox_update(lq_store *s, const lq_outbox_row *r,
				  lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_OUTBOX_UPDATE];
	int rc;

	if (sq_bind_int(st, 1, r->id) || sq_bind_int(st, 2, r->attempts) ||
	    sq_bind_int(st, 3, r->next_at) ||
	    sq_bind_text(st, 4, status_names[r->status]) ||
	    sq_bind_text(st, 5, r->last_error) ||
	    sq_bind_int0(st, 6, r->delivered_at))
		return lq_store_sqlite_fail(q, st, err, "update outbox row");
	rc = lq_store_sqlite_run(q, st, err, "update outbox row");
	if (!rc && sqlite3_changes(q->db) == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no outbox row %lld",
				    (long long)r->id);
	return rc;
}

/* ---- alerts raised once ----------------------------------------------------- */

int lq_store_sqlite_alert_once(lq_store *s, int64_t lead_id,
			       const char *kind, int64_t key, int *first,
			       lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ALERT_ONCE];
	int rc;

	if (sq_bind_int(st, 1, lead_id) || sq_bind_text(st, 2, kind) ||
	    sq_bind_int(st, 3, key))
		return lq_store_sqlite_fail(q, st, err, "record alert");
	rc = lq_store_sqlite_run(q, st, err, "record alert");
	if (!rc)
		*first = sqlite3_changes(q->db) != 0;
	return rc;
}

static int read_id(sqlite3_stmt *st, void *row, lq_error *err)
{
	*(int64_t *)row = sq_col_int(st, 0);
	return 0;
}

static void release_ids(void *rows, size_t n)
{
	free(rows);
}

int lq_store_sqlite_mqls_unalerted(lq_store *s, lq_time before,
				   const char *kind, size_t limit,
				   int64_t **ids, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_MQLS_UNALERTED];
	void *rows = NULL;
	int rc;

	if (sq_bind_int(st, 1, before) || sq_bind_text(st, 2, kind) ||
	    sq_bind_int(st, 3, limit ? (int64_t)limit : -1))
		return lq_store_sqlite_fail(q, st, err, "find overdue MQLs");
	rc = lq_store_sqlite_collect(q, st, sizeof(int64_t), read_id,
				     release_ids, &rows, n, err,
				     "find overdue MQLs");
	if (rc == 0)
		*ids = rows;
	return rc;
}

/* ---- counters --------------------------------------------------------------- */

int lq_store_sqlite_counter_next(lq_store *s, const char *name,
				 int64_t *value, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_COUNTER_NEXT];
	int rc;

	if (sq_bind_text(st, 1, name))
		return lq_store_sqlite_fail(q, st, err, "advance counter");
	rc = lq_store_sqlite_row(q, st, err, "advance counter");
	if (rc < 0)
		return rc;
	if (rc == 0)
		return lq_error_set(err, LQ_EINTERNAL, "counter %s returned no "
				    "value", name);
	*value = sq_col_int(st, 0);
	/* RETURNING rows come first; step to the end before reuse. */
	return lq_store_sqlite_run(q, st, err, "advance counter");
}

int lq_store_sqlite_counter_get(lq_store *s, const char *name,
				int64_t *value, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_COUNTER_GET];
	int rc;

	if (sq_bind_text(st, 1, name))
		return lq_store_sqlite_fail(q, st, err, "read counter");
	rc = lq_store_sqlite_row(q, st, err, "read counter");
	if (rc < 0)
		return rc;
	*value = rc ? sq_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return 0;
}

int lq_store_sqlite_counter_set(lq_store *s, const char *name,
				int64_t value, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_COUNTER_SET];

	if (sq_bind_text(st, 1, name) || sqlite3_bind_int64(st, 2, value))
		return lq_store_sqlite_fail(q, st, err, "set counter");
	return lq_store_sqlite_run(q, st, err, "set counter");
}
