/*
 * store_sqlite_learn.c - the SQLite backend for learned models and their
 * predictions (migration 4): learned_models keeps every fitted model as
 * JSON by version, predictions one probability per lead beside its rules
 * score.
 *
 * These statements are prepared when used (learning is rare; a batch of
 * predictions prepares its insert once) rather than in the open-time
 * cache; values are always bound parameters.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"
#include "store/store_sqlite_learn.h"

static const char sql_learned_add[] =
	"INSERT INTO learned_models (outcome, created_at, json) "
	"VALUES (?1, ?2, ?3)";
static const char sql_learned_get[] =
	"SELECT version, outcome, created_at, json FROM learned_models "
	"WHERE version = ?1";
static const char sql_learned_newest[] =
	"SELECT version, outcome, created_at, json FROM learned_models "
	"ORDER BY version DESC LIMIT 1";
static const char sql_prediction_put[] =
	"INSERT OR REPLACE INTO predictions "
	"(lead_id, learned_version, probability, scored_at) "
	"VALUES (?1, ?2, ?3, ?4)";
static const char sql_prediction_get[] =
	"SELECT lead_id, learned_version, probability, scored_at "
	"FROM predictions WHERE lead_id = ?1";

static int prepare(lq_sqlite *q, const char *sql, sqlite3_stmt **st,
		   lq_error *err, const char *what)
{
	if (sqlite3_prepare_v2(q->db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	*st = NULL;
	return lq_store_sqlite_fail(q, NULL, err, what);
}

int lq_store_sqlite_learned_add(lq_store *s, const char *outcome,
				lq_time created_at, const char *json,
				int64_t *version, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	const char *what = "store learned model";
	sqlite3_stmt *st;
	int rc = prepare(q, sql_learned_add, &st, err, what);
	if (rc)
		return rc;
	if (sq_bind_text(st, 1, outcome) || sq_bind_int(st, 2, created_at) ||
	    sq_bind_text(st, 3, json))
		rc = lq_store_sqlite_fail(q, st, err, what);
	else
		rc = lq_store_sqlite_run(q, st, err, what);
	if (rc == 0)
		*version = sqlite3_last_insert_rowid(q->db);
	sqlite3_finalize(st);
	return rc;
}

int lq_store_sqlite_learned_get(lq_store *s, int64_t version,
				lq_learned_row *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	const char *what = "read learned model";
	sqlite3_stmt *st;
	int rc = prepare(q, version ? sql_learned_get : sql_learned_newest,
			 &st, err, what);
	if (rc)
		return rc;
	if (version)
		sq_bind_int(st, 1, version);
	rc = lq_store_sqlite_row(q, st, err, what);
	if (rc == 1) {
		out->version = sq_col_int(st, 0);
		out->outcome = sq_col_text(st, 1, 1);
		out->created_at = sq_col_int(st, 2);
		out->json = sq_col_text(st, 3, 1);
		rc = 0;
	} else if (rc == 0) {
		rc = LQ_ENOTFOUND;
		if (version)
			lq_error_set(err, rc, "no learned model v%lld",
				     (long long)version);
		else
			lq_error_set(err, rc, "no learned model yet: run "
				     "`leadq learn` first");
	}
	sqlite3_finalize(st);
	return rc;
}

int lq_store_sqlite_predictions_put(lq_store *s, const lq_prediction *p,
				    size_t n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	const char *what = "store prediction";
	sqlite3_stmt *st;
	int rc = prepare(q, sql_prediction_put, &st, err, what);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (sq_bind_int(st, 1, p[i].lead_id) ||
		    sq_bind_int(st, 2, p[i].learned_version) ||
		    sq_bind_real(st, 3, p[i].probability) ||
		    sq_bind_int(st, 4, p[i].scored_at))
			rc = lq_store_sqlite_fail(q, st, err, what);
		else
			rc = lq_store_sqlite_run(q, st, err, what);
	}
	sqlite3_finalize(st);
	return rc;
}

int lq_store_sqlite_prediction_get(lq_store *s, int64_t lead_id,
				   lq_prediction *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	const char *what = "read prediction";
	sqlite3_stmt *st;
	int rc = prepare(q, sql_prediction_get, &st, err, what);
	if (rc)
		return rc;
	sq_bind_int(st, 1, lead_id);
	rc = lq_store_sqlite_row(q, st, err, what);
	if (rc == 1) {
		out->lead_id = sq_col_int(st, 0);
		out->learned_version = sq_col_int(st, 1);
		out->probability = sq_col_real(st, 2);
		out->scored_at = sq_col_int(st, 3);
		rc = 0;
	} else if (rc == 0) {
		rc = lq_error_set(err, LQ_ENOTFOUND, "lead %lld has no "
				  "prediction: run `leadq score-predict`",
				  (long long)lead_id);
	}
	sqlite3_finalize(st);
	return rc;
}
