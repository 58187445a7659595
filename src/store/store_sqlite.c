/*
 * store_sqlite.c - the SQLite backend's core: opening (pragmas, schema
 * migrations), closing, transactions, the prepared statement cache (the
 * text of every statement is in store_sqlite_sql.c), and the helpers the
 * other store_sqlite_*.c files share (error mapping, stepping, collecting
 * rows, JSON columns).
 *
 * Statements are prepared once, at open, and reused for the life of the
 * store; values are always bound parameters. The only SQL text built at
 * run time is `PRAGMA user_version = N` from the code's own migration
 * count (PRAGMA takes no parameters).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/json_attrs.h"
#include "store/store_sqlite.h"
#include "store/store_sqlite_learn.h"

/* A page cache of about 64 MiB (negative cache_size counts KiB): the hot
 * parts of the event indexes stay in memory during bulk ingestion. */
#define SQ_CACHE_KIB 65536
#define SQ_BUSY_TIMEOUT_MS 5000

/* ---- errors and stepping -------------------------------------------------- */

int lq_store_sqlite_fail(lq_sqlite *q, sqlite3_stmt *st, lq_error *err,
			 const char *what)
{
	int code = (sqlite3_errcode(q->db) & 0xff) == SQLITE_NOMEM ? LQ_ENOMEM
								   : LQ_EIO;

	lq_error_set(err, code, "cannot %s: %s", what, sqlite3_errmsg(q->db));
	if (st)
		sqlite3_reset(st);
	return code;
}

int lq_store_sqlite_row(lq_sqlite *q, sqlite3_stmt *st, lq_error *err,
			const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	return lq_store_sqlite_fail(q, st, err, what);
}

int lq_store_sqlite_run(lq_sqlite *q, sqlite3_stmt *st, lq_error *err,
			const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return lq_store_sqlite_fail(q, st, err, what);
	sqlite3_reset(st);
	return 0;
}

int lq_store_sqlite_collect(lq_sqlite *q, sqlite3_stmt *st, size_t size,
			    lq_sqlite_reader read, lq_sqlite_releaser release,
			    void **out, size_t *n, lq_error *err,
			    const char *what)
{
	char *rows = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = lq_store_sqlite_row(q, st, err, what)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			rows = lq_xrealloc(rows, cap * size);
		}
		rc = read(st, rows + len * size, err);
		if (rc) {
			sqlite3_reset(st);
			goto release_rows;
		}
		len++;
	}
	if (rc < 0)
		goto release_rows;
	*out = rows;
	*n = len;
	return 0;
release_rows:
	release(rows, len);
	return rc;
}

static int exec(lq_sqlite *q, const char *sql, lq_error *err,
		const char *what)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	return lq_store_sqlite_fail(q, NULL, err, what);
}

/* ---- JSON columns --------------------------------------------------------- */

static int bind_failed(sqlite3_stmt *st, lq_error *err)
{
	return lq_error_set(err, LQ_EIO, "cannot bind json: %s",
			    sqlite3_errmsg(sqlite3_db_handle(st)));
}

/* buf NULL: bind NULL. */
static int bind_json(sqlite3_stmt *st, int idx, const lq_buf *buf,
		     lq_error *err)
{
	int rc = buf ? sqlite3_bind_text(st, idx, buf->data, (int)buf->len,
					 SQLITE_STATIC)
		     : sqlite3_bind_null(st, idx);

	return rc == SQLITE_OK ? 0 : bind_failed(st, err);
}

int lq_store_sqlite_bind_attrs(sqlite3_stmt *st, int idx, const lq_attrs *a,
			       lq_buf *buf, lq_error *err)
{
	if (a->n == 0)
		return bind_json(st, idx, NULL, err);
	for (size_t i = 0; i < a->n; i++)
		if (!lq_value_finite(&a->items[i].val))
			return lq_error_set(err, LQ_EINVAL, "attribute %s is not "
					    "a finite number", a->items[i].key);
	lq_buf_reset(buf);
	lq_attrs_to_json(a, buf);
	return bind_json(st, idx, buf, err);
}

int lq_store_sqlite_bind_value(sqlite3_stmt *st, int idx, const lq_value *v,
			       lq_buf *buf, lq_error *err)
{
	if (v->kind == LQ_V_ABSENT)
		return bind_json(st, idx, NULL, err);
	if (!lq_value_finite(v))
		return lq_error_set(err, LQ_EINVAL, "list holds a number that "
				    "is not finite");
	lq_buf_reset(buf);
	lq_value_to_json(v, buf);
	return bind_json(st, idx, buf, err);
}

int lq_store_sqlite_col_attrs(sqlite3_stmt *st, int i, lq_attrs *out)
{
	const char *json = (const char *)sqlite3_column_text(st, i);

	if (!json)
		return 0;
	return lq_json_attrs_keys(json, (size_t)sqlite3_column_bytes(st, i),
				  NULL, out) == 0 ? 0 : -1;
}

int lq_store_sqlite_col_value(sqlite3_stmt *st, int i, lq_value *out)
{
	const char *json = (const char *)sqlite3_column_text(st, i);
	lq_attrs tmp = LQ_ATTRS_INIT;
	cJSON *wrap, *val;
	int rc = -1;
	size_t len;

	*out = LQ_VALUE_ABSENT;
	if (!json)
		return 0;
	len = (size_t)sqlite3_column_bytes(st, i);
	if (lq_json_value_flat(json, len, out) == 0)
		return 0;
	val = cJSON_ParseWithLength(json, len);
	if (!val)
		return -1;
	/* Reuse the attrs decoder: {"v": <column>} holds one value. */
	wrap = cJSON_CreateObject();
	if (!wrap) {
		cJSON_Delete(val);
		return -1;
	}
	cJSON_AddItemToObject(wrap, "v", val);
	if (lq_attrs_from_cjson(wrap, &tmp) == 0) {
		rc = 0;
		if (tmp.n == 1) {
			*out = tmp.items[0].val;
			tmp.items[0].val = LQ_VALUE_ABSENT;
		}
	}
	lq_attrs_free(&tmp);
	cJSON_Delete(wrap);
	return rc;
}

/* ---- schema migrations ---------------------------------------------------- */

static int read_user_version(lq_sqlite *q, int *out, lq_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &st, NULL))
		return lq_store_sqlite_fail(q, NULL, err,
					    "read the schema version");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = lq_store_sqlite_fail(q, NULL, err,
					  "read the schema version");
		goto finalize;
	}
	*out = sqlite3_column_int(st, 0);
	rc = 0;
finalize:
	sqlite3_finalize(st);
	return rc;
}

static int newer_schema(int v, int known, lq_error *err)
{
	return lq_error_set(err, LQ_ECONFLICT, "database schema %d is newer "
			    "than this leadq (%d)", v, known);
}

/* Apply migrations user_version+1 .. known in one transaction. */
static int migrate(lq_sqlite *q, lq_error *err)
{
	size_t n;
	const char *const *m = lq_store_sqlite_migrations(&n);
	int known = (int)n, v, rc;
	char what[64], sql[64];

	rc = read_user_version(q, &v, err);
	if (rc)
		return rc;
	if (v > known)
		return newer_schema(v, known, err);
	if (v < known) {
		rc = exec(q, "BEGIN IMMEDIATE", err, "start the schema "
			  "migration");
		if (rc)
			return rc;
		/* Again under the write lock: another process may have
		 * migrated in between. */
		rc = read_user_version(q, &v, err);
		if (rc)
			goto rollback;
		if (v > known) {
			rc = newer_schema(v, known, err);
			goto rollback;
		}
		for (int i = v; i < known; i++) {
			snprintf(what, sizeof what, "apply schema migration %d",
				 i + 1);
			rc = exec(q, m[i], err, what);
			if (rc)
				goto rollback;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", known);
		rc = exec(q, sql, err, "record the schema version");
		if (rc)
			goto rollback;
		rc = exec(q, "COMMIT", err, "commit the schema migration");
		if (rc)
			goto rollback;
	}
	q->version = known;
	return 0;
rollback:
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- open and close ------------------------------------------------------- */

static void sqlite_close(lq_store *s)
{
	lq_sqlite *q = sq_handle(s);

	for (int i = 0; i < SQ_N_STMTS; i++)
		sqlite3_finalize(q->stmt[i]);
	/* Rolls back an open transaction; the last connection to close
	 * checkpoints the WAL into the database file. */
	sqlite3_close(q->db);
	lq_store_sqlite_rank_forget(q);
	lq_store_sqlite_fresh_forget(q);
	lq_buf_free(&q->json[0]);
	lq_buf_free(&q->json[1]);
	free(q);
}

static int prepare_all(lq_sqlite *q, lq_error *err)
{
	for (int i = 0; i < SQ_N_STMTS; i++) {
		if (!lq_store_sqlite_sql[i])
			return lq_error_set(err, LQ_EINTERNAL, "statement %d has "
					    "no sql text", i);
		if (sqlite3_prepare_v3(q->db, lq_store_sqlite_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &q->stmt[i],
				       NULL) != SQLITE_OK)
			return lq_error_set(err, LQ_EINTERNAL, "cannot prepare "
					    "statement %d: %s", i,
					    sqlite3_errmsg(q->db));
	}
	return 0;
}

/*
 * synchronous=NORMAL in WAL mode: a commit survives the process crashing
 * (it is in the WAL file); only a power loss or OS crash may lose the last
 * commits, never corrupt the database. foreign_keys is per connection and
 * off by default in SQLite, hence set here. secure_delete: deleted and
 * overwritten content is zeroed in the file, not left in free space, so an
 * erased lead (lq_store_lead_erase) leaves no trace once the WAL is
 * checkpointed; whatever the SQLite build's default, it is set here.
 *
 * page_size applies only to a database created now (before its first
 * table; an existing file keeps its pages, and a WAL file fixes them):
 * 16 KiB pages make the B-trees of clustered events shallower and each
 * read bring more of a lead's events. The bench at 200k leads, same code
 * and machine, 4 KiB -> 16 KiB: rescore 3.44 -> 2.74 s, import ratio to
 * the bare append unchanged (0.16), queue p99 3.12 -> 2.55 ms, /v1/batch
 * 279,400 -> 324,800 events/s acknowledged and 23,225 -> 25,175 applied
 * end to end (docs/performance.md, session 10).
 */
static const char pragmas[] =
	"PRAGMA page_size = 16384;"
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = NORMAL;"
	"PRAGMA foreign_keys = ON;"
	"PRAGMA secure_delete = ON;"
	"PRAGMA temp_store = MEMORY;";

static int configure(lq_sqlite *q, const char *path, lq_error *err)
{
	char sql[64], what[300];
	int rc;

	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, SQ_BUSY_TIMEOUT_MS);
	snprintf(what, sizeof what, "open database %s", path);
	if (lq_store_sqlite_events_setup(q) != SQLITE_OK)
		return lq_store_sqlite_fail(q, NULL, err, what);
	rc = exec(q, pragmas, err, what);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", SQ_CACHE_KIB);
	return exec(q, sql, err, what);
}

static int check_exists(const char *path, lq_error *err)
{
	struct stat sb;

	if (strcmp(path, ":memory:") == 0 || stat(path, &sb) == 0)
		return 0;
	if (errno == ENOENT)
		return lq_error_set(err, LQ_ENOTFOUND, "no database at %s: run "
				    "`leadq init` first", path);
	return lq_error_set(err, LQ_EIO, "cannot open database %s: %s", path,
			    strerror(errno));
}

static const struct lq_store_ops sqlite_ops;

int lq_store_sqlite_open(const char *path, int create, lq_store **out,
			 lq_error *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	lq_sqlite *q;
	int rc;

	*out = NULL;
	if (!create && (rc = check_exists(path, err)))
		return rc;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	q = lq_xcalloc(1, sizeof *q);
	q->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		rc = lq_error_set(err, LQ_EIO, "cannot open database %s: %s",
				  path, q->db ? sqlite3_errmsg(q->db)
					      : "out of memory");
		goto close_store;
	}
	rc = configure(q, path, err);
	if (!rc)
		rc = migrate(q, err);
	if (!rc)
		rc = prepare_all(q, err);
	if (rc)
		goto close_store;
	*out = &q->base;
	return 0;
close_store:
	sqlite_close(&q->base);
	return rc;
}

/* ---- transactions --------------------------------------------------------- */

static int sqlite_schema_version(lq_store *s)
{
	return sq_handle(s)->version;
}

static int sqlite_begin(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);

	return lq_store_sqlite_run(q, q->stmt[SQ_BEGIN], err,
				   "start a transaction");
}

/* On failure (e.g. the database is busy) the transaction stays open: the
 * caller rolls it back. */
static int sqlite_commit(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	int rc = lq_store_sqlite_events_sync(q, err);   /* the event ids */

	if (rc == 0)   /* the queue's triggers, if a bulk write left them aside */
		rc = lq_store_sqlite_rank_put_back(q, err);
	return rc ? rc : lq_store_sqlite_run(q, q->stmt[SQ_COMMIT], err,
					     "commit the transaction");
}

/* kib 0: the default. PRAGMA takes no parameters: the number is ours. */
static int sqlite_cache_size(lq_store *s, int64_t kib, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld",
		 (long long)(kib > 0 ? kib : SQ_CACHE_KIB));
	return exec(q, sql, err, "size the page cache");
}

static int64_t sqlite_cache_bytes(lq_store *s)
{
	int used = 0, highwater = 0;
	if (sqlite3_db_status(sq_handle(s)->db, SQLITE_DBSTATUS_CACHE_USED,
			      &used, &highwater, 0) != SQLITE_OK)
		return 0;
	return used;
}

static void sqlite_rollback(lq_store *s)
{
	lq_sqlite *q = sq_handle(s);

	lq_store_sqlite_rank_forget(q);   /* the triggers are back */
	/* SQLite may have rolled back by itself after an I/O error. */
	if (sqlite3_get_autocommit(q->db))
		return;
	sqlite3_step(q->stmt[SQ_ROLLBACK]);
	sqlite3_reset(q->stmt[SQ_ROLLBACK]);
}

int lq_store_sqlite_finish(lq_sqlite *q, int rc, lq_error *err)
{
	if (rc == 0)
		rc = sqlite_commit(&q->base, err);
	if (rc)
		sqlite_rollback(&q->base);
	return rc;
}

static int sqlite_mark(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	return lq_store_sqlite_run(q, q->stmt[SQ_MARK], err, "set a savepoint");
}

static int sqlite_release(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	return lq_store_sqlite_run(q, q->stmt[SQ_RELEASE], err,
				   "release a savepoint");
}

static void sqlite_undo(lq_store *s)
{
	lq_sqlite *q = sq_handle(s);
	if (sqlite3_get_autocommit(q->db))
		return;
	sqlite3_step(q->stmt[SQ_UNDO]);
	sqlite3_reset(q->stmt[SQ_UNDO]);
	sqlite3_step(q->stmt[SQ_RELEASE]);
	sqlite3_reset(q->stmt[SQ_RELEASE]);
}

static int sqlite_checkpoint(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	if (sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
				      NULL, NULL) == SQLITE_OK)
		return 0;
	return lq_store_sqlite_fail(q, NULL, err, "checkpoint the write-ahead log");
}

static int sqlite_checkpoint_passive(lq_store *s, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	int rc = sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
					   NULL, NULL);
	if (rc == SQLITE_OK || rc == SQLITE_BUSY)
		return 0;       /* busy: another checkpoint runs; it does the job */
	return lq_store_sqlite_fail(q, NULL, err, "checkpoint the write-ahead log");
}

static int sqlite_wal_cb(void *arg, sqlite3 *db, const char *name, int pages)
{
	lq_sqlite *q = arg;
	q->wal_fn(q->wal_ctx, pages, q->page_size);
	return SQLITE_OK;
}

/* Replaces the automatic checkpoint (itself a WAL hook). */
static int page_size_of(sqlite3 *db)
{
	sqlite3_stmt *st;
	int size = 4096;   /* SQLite's default, if the pragma cannot answer */
	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) != SQLITE_OK)
		return size;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
		size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return size;
}

static void sqlite_wal_hook(lq_store *s, lq_wal_fn fn, void *ctx)
{
	lq_sqlite *q = sq_handle(s);
	q->wal_fn = fn;
	q->wal_ctx = ctx;
	q->page_size = page_size_of(q->db);
	if (fn)
		sqlite3_wal_hook(q->db, sqlite_wal_cb, q);
	else
		sqlite3_wal_autocheckpoint(q->db, 1000);   /* SQLite's default */
}

static const struct lq_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.schema_version = sqlite_schema_version,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.mark = sqlite_mark,
	.release = sqlite_release,
	.undo = sqlite_undo,
	.model_add = lq_store_sqlite_model_add,
	.model_current = lq_store_sqlite_model_current,
	.account_get = lq_store_sqlite_account_get,
	.account_by_domain = lq_store_sqlite_account_by_domain,
	.account_put = lq_store_sqlite_account_put,
	.lead_get = lq_store_sqlite_lead_get,
	.lead_by_email = lq_store_sqlite_lead_by_email,
	.lead_by_external_id = lq_store_sqlite_lead_by_external_id,
	.lead_id_by_key = lq_store_sqlite_lead_id_by_key,
	.lead_put = lq_store_sqlite_lead_put,
	.event_add = lq_store_sqlite_event_add,
	.events_add = lq_store_sqlite_events_add,
	.events_dups = lq_store_sqlite_events_dups,
	.events_insert = lq_store_sqlite_events_insert,
	.events_recent = lq_store_sqlite_events_recent,
	.events_fold_step = lq_store_sqlite_events_fold_step,
	.cache_size = sqlite_cache_size,
	.cache_bytes = sqlite_cache_bytes,
	.lead_events = lq_store_sqlite_lead_events,
	.leads_range = lq_store_sqlite_leads_range,
	.events_range = lq_store_sqlite_events_range,
	.lead_id_max = lq_store_sqlite_lead_id_max,
	.open_peer = lq_store_sqlite_open_peer,
	.scores_bulk = lq_store_sqlite_scores_bulk,
	.scores_ranked = lq_store_sqlite_scores_ranked,
	.begin_read = lq_store_sqlite_begin_read,
	.stage_changes_each = lq_store_sqlite_stage_changes_each,
	.accounts = lq_store_sqlite_accounts,
	.models = lq_store_sqlite_models,
	.lead_erase = lq_store_sqlite_lead_erase,
	.checkpoint = sqlite_checkpoint,
	.checkpoint_passive = sqlite_checkpoint_passive,
	.wal_hook = sqlite_wal_hook,
	.key_add = lq_store_sqlite_key_add,
	.key_by_prefix = lq_store_sqlite_key_by_prefix,
	.keys = lq_store_sqlite_keys,
	.key_revoke = lq_store_sqlite_key_revoke,
	.anon_event_add = lq_store_sqlite_anon_event_add,
	.anon_events_take = lq_store_sqlite_anon_events_take,
	.identity_get = lq_store_sqlite_identity_get,
	.identity_link = lq_store_sqlite_identity_link,
	.score_put = lq_store_sqlite_score_put,
	.score_get = lq_store_sqlite_score_get,
	.queue_count = lq_store_sqlite_queue_count,
	.queue_each = lq_store_sqlite_queue_each,
	.queue_scored_after = lq_store_sqlite_queue_scored_after,
	.stage_add = lq_store_sqlite_stage_add,
	.stage_history = lq_store_sqlite_stage_history,
	.leads_each = lq_store_sqlite_leads_each,
	.count = lq_store_sqlite_count,
	.gauges = lq_store_sqlite_gauges,
	.answer_set = lq_store_sqlite_answer_set,
	.answers = lq_store_sqlite_answers,
	.note_add = lq_store_sqlite_note_add,
	.notes = lq_store_sqlite_notes,
	.task_add = lq_store_sqlite_task_add,
	.task_done = lq_store_sqlite_task_done,
	.tasks = lq_store_sqlite_tasks,
	.webhook_add = lq_store_sqlite_webhook_add,
	.webhook_remove = lq_store_sqlite_webhook_remove,
	.webhooks_remove_origin = lq_store_sqlite_webhooks_remove_origin,
	.webhooks = lq_store_sqlite_webhooks,
	.outbox_add = lq_store_sqlite_outbox_add,
	.outbox_due = lq_store_sqlite_outbox_due,
	.outbox_list = lq_store_sqlite_outbox_list,
	.outbox_get = lq_store_sqlite_outbox_get,
	.outbox_update = lq_store_sqlite_outbox_update,
	.alert_once = lq_store_sqlite_alert_once,
	.mqls_unalerted = lq_store_sqlite_mqls_unalerted,
	.counter_next = lq_store_sqlite_counter_next,
	.counter_get = lq_store_sqlite_counter_get,
	.counter_set = lq_store_sqlite_counter_set,
	.learned_add = lq_store_sqlite_learned_add,
	.learned_get = lq_store_sqlite_learned_get,
	.predictions_put = lq_store_sqlite_predictions_put,
	.prediction_get = lq_store_sqlite_prediction_get,
};
