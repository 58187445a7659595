/*
 * store_sqlite_server.c - what the HTTP server keeps in SQLite: API keys
 * (a hash of the secret part only) and the links from anonymous visitor
 * ids to leads.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"

/* ---- API keys ---------------------------------------------------------------- */

static int read_key(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_api_key *k = row;
	memset(k, 0, sizeof *k);
	k->id = sq_col_int(st, 0);
	k->name = sq_col_text(st, 1, 1);
	k->role = sq_col_text(st, 2, 1);
	k->prefix = sq_col_text(st, 3, 1);
	k->hash = sq_col_text(st, 4, 1);
	k->created_at = sq_col_int(st, 5);
	k->revoked_at = sq_col_int(st, 6);
	return 0;
}

static void release_keys(void *rows, size_t n)
{
	lq_api_keys_free(rows, n);
}

int lq_store_sqlite_key_add(lq_store *s, lq_api_key *k, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_KEY_ADD];
	int rc;

	if (sq_bind_text(st, 1, k->name) || sq_bind_text(st, 2, k->role) ||
	    sq_bind_text(st, 3, k->prefix) || sq_bind_text(st, 4, k->hash) ||
	    sq_bind_int0(st, 5, k->created_at))
		return lq_store_sqlite_fail(q, st, err, "store api key");
	rc = lq_store_sqlite_run(q, st, err, "store api key");
	if (rc == 0)
		k->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

int lq_store_sqlite_key_by_prefix(lq_store *s, const char *prefix,
				  lq_api_key *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_KEY_BY_PREFIX];
	int rc;

	if (sq_bind_text(st, 1, prefix))
		return lq_store_sqlite_fail(q, st, err, "read api key");
	rc = lq_store_sqlite_row(q, st, err, "read api key");
	if (rc == 0)
		return LQ_ENOTFOUND;
	if (rc < 0)
		return rc;
	read_key(st, out, err);
	sqlite3_reset(st);
	return 0;
}

int lq_store_sqlite_keys(lq_store *s, lq_api_key **out, size_t *n,
			 lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	void *rows = NULL;
	int rc = lq_store_sqlite_collect(q, q->stmt[SQ_KEYS], sizeof(lq_api_key),
					 read_key, release_keys, &rows, n, err,
					 "read api keys");
	if (rc == 0)
		*out = rows;
	return rc;
}

int lq_store_sqlite_key_revoke(lq_store *s, int64_t id, lq_time at,
			       lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_KEY_REVOKE];
	int rc;

	if (sq_bind_int(st, 1, id) || sq_bind_int(st, 2, at))
		return lq_store_sqlite_fail(q, st, err, "revoke api key");
	rc = lq_store_sqlite_run(q, st, err, "revoke api key");
	if (rc == 0 && sqlite3_changes(q->db) == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no valid api key %lld",
				    (long long)id);
	return rc;
}

/* ---- identities ------------------------------------------------------------- */

int lq_store_sqlite_identity_get(lq_store *s, const char *anonymous_id,
				 int64_t *lead_id, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_IDENTITY_GET];
	int rc;

	if (sq_bind_text(st, 1, anonymous_id))
		return lq_store_sqlite_fail(q, st, err, "read identity");
	rc = lq_store_sqlite_row(q, st, err, "read identity");
	if (rc == 0)
		return LQ_ENOTFOUND;
	if (rc < 0)
		return rc;
	*lead_id = sq_col_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

int lq_store_sqlite_identity_link(lq_store *s, const char *anonymous_id,
				  int64_t lead_id, lq_time at, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_IDENTITY_LINK];

	if (sq_bind_text(st, 1, anonymous_id) || sq_bind_int(st, 2, lead_id) ||
	    sq_bind_int0(st, 3, at))
		return lq_store_sqlite_fail(q, st, err, "link identity");
	return lq_store_sqlite_run(q, st, err, "link identity");
}
