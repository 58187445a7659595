/*
 * store_sqlite_scores.c - the SQLite backend's smaller tables: cached
 * scores (one row per lead, replaced on every rescore; an MQL's queue
 * rank follows them, see migration 5), the append-only stage history,
 * scoring model versions, and table counts.
 *
 * Stage history is never updated or deleted here: funnel analytics reads
 * it as the record of what happened.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"

/* ---- scores ----------------------------------------------------------------- */

void lq_store_sqlite_read_score(sqlite3_stmt *st, int col, int copy,
				lq_score_row *out)
{
	const char *grade = (const char *)sqlite3_column_text(st, col + 4);
	const void *state;
	int len;

	memset(out, 0, sizeof *out);
	out->lead_id = sq_col_int(st, col);
	out->model_version = sq_col_int(st, col + 1);
	out->fit = sq_col_real(st, col + 2);
	out->channel = sq_col_real(st, col + 3);
	out->grade = grade ? grade[0] : 0;
	out->engagement = sq_col_real(st, col + 5);
	out->score = sq_col_real(st, col + 6);
	out->scored_at = sq_col_int(st, col + 7);
	out->disqualified_by = sq_col_text(st, col + 8, copy);
	state = sqlite3_column_blob(st, col + 9);
	len = sqlite3_column_bytes(st, col + 9);
	if (!state || len <= 0)
		return;
	out->state_len = (size_t)len;
	if (copy)
		out->state = memcpy(lq_xmalloc((size_t)len), state, (size_t)len);
	else
		out->state = (void *)state;
}

/* Writing (or erasing) a score also writes the lead's queue rank when the
 * lead is an MQL: the triggers of migration 5 do it in the same
 * statement, so every writer of scores keeps the queue in step. */
int lq_store_sqlite_score_put(lq_store *s, const lq_score_row *r,
			      lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_SCORE_PUT];
	int grade_rc = r->grade ? sqlite3_bind_text(st, 5, &r->grade, 1,
						     SQLITE_STATIC)
				: sqlite3_bind_null(st, 5);
	int state_rc = r->state_len
			       ? sqlite3_bind_blob64(st, 10, r->state,
						     r->state_len, SQLITE_STATIC)
			       : sqlite3_bind_null(st, 10);

	if (grade_rc || state_rc || sq_bind_int(st, 1, r->lead_id) ||
	    sq_bind_int0(st, 2, r->model_version) ||
	    sq_bind_real(st, 3, r->fit) || sq_bind_real(st, 4, r->channel) ||
	    sq_bind_real(st, 6, r->engagement) ||
	    sq_bind_real(st, 7, r->score) || sq_bind_int(st, 8, r->scored_at) ||
	    sq_bind_text(st, 9, r->disqualified_by))
		return lq_store_sqlite_fail(q, st, err, "store score");
	return lq_store_sqlite_run(q, st, err, "store score");
}

int lq_store_sqlite_score_get(lq_store *s, int64_t lead_id,
			      lq_score_row *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_SCORE_GET];
	int rc;

	memset(out, 0, sizeof *out);
	sq_bind_int(st, 1, lead_id);
	rc = lq_store_sqlite_row(q, st, err, "read score");
	if (rc < 0)
		return rc;
	if (rc == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "lead %lld was never "
				    "scored", (long long)lead_id);
	lq_store_sqlite_read_score(st, 0, 1, out);
	sqlite3_reset(st);
	return 0;
}

/* ---- stage history ---------------------------------------------------------- */

int lq_store_sqlite_stage_add(lq_store *s, lq_stage_change *c, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_STAGE_ADD];
	const char *from = c->from == LQ_STAGE_NONE ? NULL
						    : lq_stage_name(c->from);
	int rc;

	if (sq_bind_int(st, 1, c->lead_id) || sq_bind_text(st, 2, from) ||
	    sq_bind_text(st, 3, lq_stage_name(c->to)) ||
	    sq_bind_int(st, 4, c->at) || sq_bind_text(st, 5, c->actor) ||
	    sq_bind_text(st, 6, c->reason))
		return lq_store_sqlite_fail(q, st, err, "record stage change");
	rc = lq_store_sqlite_run(q, st, err, "record stage change");
	if (!rc)
		c->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

/* Current row of SQ_STAGE_HISTORY into out (owned strings). */
static int read_stage_change(sqlite3_stmt *st, lq_stage_change *out,
			     lq_error *err)
{
	const char *from = (const char *)sqlite3_column_text(st, 2);
	const char *to = (const char *)sqlite3_column_text(st, 3);

	memset(out, 0, sizeof *out);
	out->id = sq_col_int(st, 0);
	out->lead_id = sq_col_int(st, 1);
	out->from = lq_stage_parse(from);
	out->to = lq_stage_parse(to);
	if ((from && out->from == LQ_STAGE_NONE) || out->to == LQ_STAGE_NONE)
		return lq_error_set(err, LQ_EIO, "stage change %lld has an "
				    "unknown stage in the database",
				    (long long)out->id);
	out->at = sq_col_int(st, 4);
	out->actor = sq_col_text(st, 5, 1);
	out->reason = sq_col_text(st, 6, 1);
	return 0;
}

int lq_store_sqlite_stage_history(lq_store *s, int64_t lead_id,
				  lq_stage_change **out, size_t *n,
				  lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_STAGE_HISTORY];
	lq_stage_change *c = NULL;
	size_t len = 0, cap = 0;
	int rc;

	sq_bind_int(st, 1, lead_id);
	while ((rc = lq_store_sqlite_row(q, st, err, "read stage history")) ==
	       1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			c = lq_xrealloc(c, cap * sizeof *c);
		}
		rc = read_stage_change(st, &c[len], err);
		if (rc) {
			sqlite3_reset(st);
			goto free_changes;
		}
		len++;
	}
	if (rc < 0)
		goto free_changes;
	*out = c;
	*n = len;
	return 0;
free_changes:
	lq_stage_changes_free(c, len);
	return rc;
}

int lq_store_sqlite_stage_changes_each(lq_store *s, lq_stage_change_fn fn,
				       void *ctx, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_STAGE_CHANGES_EACH];
	lq_stage_change c;
	int rc;

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot walk stage changes "
				    "from inside a walk over stage changes");
	while ((rc = lq_store_sqlite_row(q, st, err, "read stage changes")) == 1) {
		rc = read_stage_change(st, &c, err);
		if (!rc) {
			rc = fn(ctx, &c);
			free(c.actor);
			free(c.reason);
		}
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc;
}

/* ---- scoring models --------------------------------------------------------- */

int lq_store_sqlite_model_add(lq_store *s, const char *name, const char *text,
			      lq_time applied_at, int64_t *version,
			      lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_MODEL_ADD];
	int rc;

	if (sq_bind_text(st, 1, name) || sq_bind_text(st, 2, text) ||
	    sq_bind_int(st, 3, applied_at))
		return lq_store_sqlite_fail(q, st, err, "store model");
	rc = lq_store_sqlite_run(q, st, err, "store model");
	if (!rc && version)
		*version = sqlite3_last_insert_rowid(q->db);
	return rc;
}

int lq_store_sqlite_model_current(lq_store *s, lq_model_row *out,
				  lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_MODEL_CURRENT];
	int rc;

	memset(out, 0, sizeof *out);
	rc = lq_store_sqlite_row(q, st, err, "read model");
	if (rc < 0)
		return rc;
	if (rc == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no scoring model was "
				    "applied yet");
	out->version = sq_col_int(st, 0);
	out->name = sq_col_text(st, 1, 1);
	out->text = sq_col_text(st, 2, 1);
	out->applied_at = sq_col_int(st, 3);
	sqlite3_reset(st);
	return 0;
}

static int read_model_row(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_model_row *m = row;
	memset(m, 0, sizeof *m);
	m->version = sq_col_int(st, 0);
	m->name = sq_col_text(st, 1, 1);
	m->applied_at = sq_col_int(st, 3);
	return 0;
}

static void release_model_rows(void *rows, size_t n)
{
	lq_model_rows_free(rows, n);
}

int lq_store_sqlite_models(lq_store *s, lq_model_row **out, size_t *n,
			   lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	void *rows = NULL;
	int rc = lq_store_sqlite_collect(q, q->stmt[SQ_MODELS], sizeof(lq_model_row),
					 read_model_row, release_model_rows, &rows,
					 n, err, "read model versions");
	if (rc == 0)
		*out = rows;
	return rc;
}

/* ---- counts ----------------------------------------------------------------- */

/* The n integer columns of the one row a counting statement answers. */
static int count_columns(lq_store *s, int which, int64_t *v, int n,
			 lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[which];
	int rc = lq_store_sqlite_row(q, st, err, "count rows");

	if (rc < 0)
		return rc;
	if (rc == 0)
		return lq_error_set(err, LQ_EINTERNAL, "count returned no row");
	for (int i = 0; i < n; i++)
		v[i] = sq_col_int(st, i);
	sqlite3_reset(st);
	return 0;
}

int lq_store_sqlite_count(lq_store *s, lq_store_counts *out, lq_error *err)
{
	int64_t v[13];
	int rc = count_columns(s, SQ_COUNT_ALL, v, 13, err);

	if (rc)
		return rc;
	*out = (lq_store_counts){
		.accounts = v[0], .leads = v[1], .events = v[2],
		.stage_changes = v[3], .models = v[4], .scores = v[5],
		.notes = v[6], .tasks = v[7], .webhooks = v[8], .outbox = v[9],
		.mqls = v[10], .outbox_pending = v[11], .outbox_dead = v[12]};
	return 0;
}

int lq_store_sqlite_gauges(lq_store *s, lq_store_gauges *out, lq_error *err)
{
	int64_t v[4];
	int rc = count_columns(s, SQ_GAUGES, v, 4, err);

	if (rc)
		return rc;
	*out = (lq_store_gauges){.leads = v[0], .mqls = v[1],
				 .outbox_pending = v[2], .outbox_dead = v[3]};
	return lq_store_sqlite_events_recent_rows(s, &out->events_recent,
						  &out->events_folding, err);
}
