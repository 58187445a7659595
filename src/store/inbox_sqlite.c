/*
 * inbox_sqlite.c - the tracking API's inbox (inbox.h) as a SQLite file
 * beside the database: one table of requests in arrival order, appended
 * to by the server's inbox thread and read and trimmed as the writer
 * applies them. The same durability as the database (WAL,
 * synchronous=NORMAL): a committed append survives the process dying.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/inbox.h"

#define INBOX_BUSY_TIMEOUT_MS 5000

enum {
	IB_BEGIN,
	IB_COMMIT,
	IB_ROLLBACK,
	IB_APPEND,
	IB_TRIM,
	IB_EACH,
	IB_LAST,
	IB_RAISE,
	IB_SEED,
	IB_BYTES,
	IB_N_STMTS
};

static const char *const inbox_sql[IB_N_STMTS] = {
	[IB_BEGIN] = "BEGIN IMMEDIATE",
	[IB_COMMIT] = "COMMIT",
	[IB_ROLLBACK] = "ROLLBACK",
	[IB_APPEND] = "INSERT INTO inbox (kind, received_at, body) "
		      "VALUES (?1, ?2, ?3)",
	[IB_TRIM] = "DELETE FROM inbox WHERE id IN"
		    " (SELECT id FROM inbox WHERE id <= ?1 ORDER BY id LIMIT ?2)",
	[IB_EACH] = "SELECT id, kind, received_at, body FROM inbox "
		    "WHERE id > ?1 ORDER BY id LIMIT ?2",
	[IB_LAST] = "SELECT coalesce((SELECT seq FROM sqlite_sequence "
		    "WHERE name = 'inbox'), 0)",
	[IB_RAISE] = "UPDATE sqlite_sequence SET seq = ?1 "
		     "WHERE name = 'inbox' AND seq < ?1",
	[IB_SEED] = "INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox', ?1 "
		    "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence "
		    "WHERE name = 'inbox')",
	/* pages in use: what the rows not deleted yet take */
	[IB_BYTES] = "SELECT (p.page_count - f.freelist_count) * s.page_size "
		     "FROM pragma_page_count() p, pragma_freelist_count() f, "
		     "pragma_page_size() s",
};

/* auto_vacuum before the table: a new file can give its free pages back
 * (lq_inbox_compact); a file made before keeps what it has (see
 * adopt_auto_vacuum). */
static const char schema[] =
	"PRAGMA auto_vacuum = INCREMENTAL;"
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = NORMAL;"
	"PRAGMA secure_delete = ON;"
	"CREATE TABLE IF NOT EXISTS inbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind INTEGER NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  body BLOB NOT NULL"
	");";

struct lq_inbox {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[IB_N_STMTS];
	int wal_frames;           /* after the last commit (manual mode) */
};

static int fail(lq_inbox *ib, sqlite3_stmt *st, lq_error *err,
		const char *what)
{
	int code = (sqlite3_errcode(ib->db) & 0xff) == SQLITE_NOMEM ? LQ_ENOMEM
								    : LQ_EIO;
	lq_error_set(err, code, "cannot %s (inbox %s): %s", what, ib->path,
		     sqlite3_errmsg(ib->db));
	if (st)
		sqlite3_reset(st);
	return code;
}

static int run(lq_inbox *ib, int which, lq_error *err, const char *what)
{
	sqlite3_stmt *st = ib->stmt[which];
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(ib, st, err, what);
	sqlite3_reset(st);
	return 0;
}

char *lq_inbox_path(const char *db_path)
{
	lq_buf b = {0};
	lq_buf_addf(&b, "%s-inbox", db_path);
	return lq_buf_take(&b);
}

/* An inbox file made without auto_vacuum (before leadq set it) takes it
 * when it holds no request: VACUUM of an empty table costs nothing. Best
 * effort: a busy file is converted at a later open. */
static void adopt_auto_vacuum(lq_inbox *ib)
{
	sqlite3_stmt *st = NULL;
	int mode = -1, rows = -1;

	if (sqlite3_prepare_v2(ib->db, "SELECT (SELECT auto_vacuum FROM "
			       "pragma_auto_vacuum), (SELECT count(*) FROM "
			       "(SELECT 1 FROM inbox LIMIT 1))", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		mode = sqlite3_column_int(st, 0);
		rows = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (mode == 0 && rows == 0)
		sqlite3_exec(ib->db, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM",
			     NULL, NULL, NULL);
}

int lq_inbox_open(const char *db_path, lq_inbox **out, lq_error *err)
{
	lq_inbox *ib = lq_xcalloc(1, sizeof *ib);
	int rc = 0;

	ib->path = lq_inbox_path(db_path);
	if (sqlite3_open_v2(ib->path, &ib->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = fail(ib, NULL, err, "open");
		goto fail_open;
	}
	sqlite3_extended_result_codes(ib->db, 1);
	sqlite3_busy_timeout(ib->db, INBOX_BUSY_TIMEOUT_MS);
	if (sqlite3_exec(ib->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail(ib, NULL, err, "set up");
		goto fail_open;
	}
	adopt_auto_vacuum(ib);
	for (int i = 0; i < IB_N_STMTS; i++) {
		if (sqlite3_prepare_v3(ib->db, inbox_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &ib->stmt[i],
				       NULL) != SQLITE_OK) {
			rc = fail(ib, NULL, err, "prepare a statement");
			goto fail_open;
		}
	}
	*out = ib;
	return 0;
fail_open:
	lq_inbox_close(ib);
	return rc;
}

void lq_inbox_close(lq_inbox *ib)
{
	if (!ib)
		return;
	for (int i = 0; i < IB_N_STMTS; i++)
		sqlite3_finalize(ib->stmt[i]);
	sqlite3_close(ib->db);
	free(ib->path);
	free(ib);
}

int lq_inbox_begin(lq_inbox *ib, lq_error *err)
{
	return run(ib, IB_BEGIN, err, "begin a transaction");
}

int lq_inbox_commit(lq_inbox *ib, lq_error *err)
{
	int rc = run(ib, IB_COMMIT, err, "commit");
	if (rc)
		lq_inbox_rollback(ib);
	return rc;
}

void lq_inbox_rollback(lq_inbox *ib)
{
	if (sqlite3_get_autocommit(ib->db))
		return;
	sqlite3_step(ib->stmt[IB_ROLLBACK]);
	sqlite3_reset(ib->stmt[IB_ROLLBACK]);
}

int lq_inbox_append(lq_inbox *ib, int kind, lq_time received_at,
		    const char *body, size_t len, int64_t *id, lq_error *err)
{
	sqlite3_stmt *st = ib->stmt[IB_APPEND];
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, received_at);
	if (sqlite3_bind_blob64(st, 3, body, len, SQLITE_STATIC) != SQLITE_OK)
		return fail(ib, st, err, "append a request");
	int rc = run(ib, IB_APPEND, err, "append a request");
	sqlite3_clear_bindings(st);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(ib->db);
	return rc;
}

int lq_inbox_trim(lq_inbox *ib, int64_t upto, size_t max_rows,
		  size_t *deleted, lq_error *err)
{
	sqlite3_bind_int64(ib->stmt[IB_TRIM], 1, upto);
	sqlite3_bind_int64(ib->stmt[IB_TRIM], 2,
			   max_rows ? (sqlite3_int64)max_rows : -1);
	int rc = run(ib, IB_TRIM, err, "delete applied requests");
	if (rc == 0 && deleted)
		*deleted = (size_t)sqlite3_changes(ib->db);
	return rc;
}

int lq_inbox_each(lq_inbox *ib, int64_t after, size_t limit, lq_inbox_fn fn,
		  void *ctx, lq_error *err)
{
	sqlite3_stmt *st = ib->stmt[IB_EACH];
	int rc;

	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lq_inbox_row row = {
			.id = sqlite3_column_int64(st, 0),
			.kind = sqlite3_column_int(st, 1),
			.received_at = sqlite3_column_int64(st, 2),
			.body = sqlite3_column_blob(st, 3),
			.len = (size_t)sqlite3_column_bytes(st, 3),
		};
		if (!row.body)
			row.body = "";
		int stop = fn(ctx, &row);
		if (stop) {
			sqlite3_reset(st);
			return stop;
		}
	}
	if (rc != SQLITE_DONE)
		return fail(ib, st, err, "read requests");
	sqlite3_reset(st);
	return 0;
}

/* The one integer statement which answers. */
static int one_int(lq_inbox *ib, int which, int64_t *out, lq_error *err,
		   const char *what)
{
	sqlite3_stmt *st = ib->stmt[which];
	if (sqlite3_step(st) != SQLITE_ROW)
		return fail(ib, st, err, what);
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int lq_inbox_last_id(lq_inbox *ib, int64_t *id, lq_error *err)
{
	return one_int(ib, IB_LAST, id, err, "read the last id");
}

int lq_inbox_bytes(lq_inbox *ib, int64_t *bytes, lq_error *err)
{
	return one_int(ib, IB_BYTES, bytes, err, "measure the inbox");
}

int lq_inbox_ids_after(lq_inbox *ib, int64_t id, lq_error *err)
{
	int rc = lq_inbox_begin(ib, err);
	sqlite3_bind_int64(ib->stmt[IB_RAISE], 1, id);
	sqlite3_bind_int64(ib->stmt[IB_SEED], 1, id);
	if (rc == 0)
		rc = run(ib, IB_RAISE, err, "raise the next id");
	if (rc == 0)
		rc = run(ib, IB_SEED, err, "raise the next id");
	if (rc == 0)
		return lq_inbox_commit(ib, err);
	lq_inbox_rollback(ib);
	return rc;
}

/* The WAL hook that replaces the automatic checkpoint: it only notes
 * the WAL's size. */
static int note_wal_frames(void *arg, sqlite3 *db, const char *name,
			   int frames)
{
	(void)db;
	(void)name;
	((lq_inbox *)arg)->wal_frames = frames;
	return SQLITE_OK;
}

void lq_inbox_manual_checkpoints(lq_inbox *ib)
{
	sqlite3_wal_hook(ib->db, note_wal_frames, ib);
}

int lq_inbox_wal_frames(const lq_inbox *ib)
{
	return ib->wal_frames;
}

int lq_inbox_checkpoint(lq_inbox *ib, lq_error *err)
{
	int rc = sqlite3_wal_checkpoint_v2(ib->db, NULL,
					   SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc == SQLITE_OK || rc == SQLITE_BUSY)
		return 0;
	return fail(ib, NULL, err, "checkpoint");
}

int lq_inbox_compact(lq_inbox *ib, int64_t upto, lq_error *err)
{
	int rc = lq_inbox_begin(ib, err);
	if (rc == 0)
		rc = lq_inbox_trim(ib, upto, 0, NULL, err);
	if (rc == 0)
		rc = lq_inbox_commit(ib, err);
	else
		lq_inbox_rollback(ib);
	if (rc)
		return rc;
	/* The pages a burst of requests took go back to the file system
	 * (the file shrinks at the checkpoint below). */
	if (sqlite3_exec(ib->db, "PRAGMA incremental_vacuum", NULL, NULL,
			 NULL) != SQLITE_OK)
		return fail(ib, NULL, err, "free unused pages");
	rc = sqlite3_wal_checkpoint_v2(ib->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
				       NULL, NULL);
	/* Busy: the inbox thread writes; the checkpointer's rounds follow. */
	if (rc == SQLITE_OK || rc == SQLITE_BUSY)
		return 0;
	return fail(ib, NULL, err, "checkpoint");
}
