/*
 * store_sqlite_lifecycle.c - what sales records about a lead in SQLite:
 * qualification answers (one per lead, cycle and checklist item, replaced
 * when set again), notes (append-only) and follow-up tasks (added, marked
 * done, listed by due time).
 *
 * Every row belongs to a stored lead (foreign key): a missing lead is
 * LQ_ENOTFOUND, never a silent orphan. Statement text lives in
 * store_sqlite_sql.c; never builds SQL from data.
 */
#include <stdio.h>

#include "store/store_sqlite.h"

/* After a failed write of a row that references lead_id: a missing lead is
 * LQ_ENOTFOUND, anything else the database's error. */
static int lead_row_failed(lq_sqlite *q, sqlite3_stmt *st, int64_t lead_id,
			   lq_error *err, const char *what)
{
	if (sqlite3_extended_errcode(q->db) != SQLITE_CONSTRAINT_FOREIGNKEY)
		return lq_store_sqlite_fail(q, st, err, what);
	sqlite3_reset(st);
	lq_error_set(err, LQ_ENOTFOUND, "no lead %lld", (long long)lead_id);
	if (err)
		snprintf(err->field, sizeof err->field, "lead_id");
	return LQ_ENOTFOUND;
}

/* Step a bound insert; on a failure name its cause. */
static int insert_for_lead(lq_sqlite *q, sqlite3_stmt *st, int64_t lead_id,
			   lq_error *err, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return lead_row_failed(q, st, lead_id, err, what);
	sqlite3_reset(st);
	return 0;
}

/* ---- qualification answers ---------------------------------------------- */

static int read_answer(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_answer *a = row;

	a->item = sq_col_text(st, 0, 1);
	a->value = sq_col_text(st, 1, 1);
	a->at = sq_col_int(st, 2);
	a->actor = sq_col_text(st, 3, 1);
	return 0;
}

static void release_answers(void *rows, size_t n)
{
	lq_answers_free(rows, n);
}

int lq_store_sqlite_answer_set(lq_store *s, int64_t lead_id, int cycle,
			       const lq_answer *a, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ANSWER_SET];

	if (sq_bind_int(st, 1, lead_id) || sq_bind_int(st, 2, cycle) ||
	    sq_bind_text(st, 3, a->item) || sq_bind_text(st, 4, a->value) ||
	    sq_bind_int(st, 5, a->at) || sq_bind_text(st, 6, a->actor))
		return lq_store_sqlite_fail(q, st, err, "store answer");
	return insert_for_lead(q, st, lead_id, err, "store answer");
}

int lq_store_sqlite_answers(lq_store *s, int64_t lead_id, int cycle,
			    lq_answer **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ANSWERS];
	void *rows;
	int rc;

	sq_bind_int(st, 1, lead_id);
	sq_bind_int(st, 2, cycle);
	rc = lq_store_sqlite_collect(q, st, sizeof **out, read_answer,
				     release_answers, &rows, n, err, "read answers");
	if (!rc)
		*out = rows;
	return rc;
}

/* ---- notes ------------------------------------------------------------------ */

static int read_note(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_note *nt = row;

	nt->id = sq_col_int(st, 0);
	nt->lead_id = sq_col_int(st, 1);
	nt->cycle = (int)sq_col_int(st, 2);
	nt->at = sq_col_int(st, 3);
	nt->actor = sq_col_text(st, 4, 1);
	nt->text = sq_col_text(st, 5, 1);
	return 0;
}

static void release_notes(void *rows, size_t n)
{
	lq_notes_free(rows, n);
}

int lq_store_sqlite_note_add(lq_store *s, lq_note *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_NOTE_ADD];
	int rc;

	if (sq_bind_int(st, 1, n->lead_id) || sq_bind_int(st, 2, n->cycle) ||
	    sq_bind_int(st, 3, n->at) || sq_bind_text(st, 4, n->actor) ||
	    sq_bind_text(st, 5, n->text))
		return lq_store_sqlite_fail(q, st, err, "store note");
	rc = insert_for_lead(q, st, n->lead_id, err, "store note");
	if (!rc)
		n->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

int lq_store_sqlite_notes(lq_store *s, int64_t lead_id, lq_note **out,
			  size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_NOTES];
	void *rows;
	int rc;

	sq_bind_int(st, 1, lead_id);
	rc = lq_store_sqlite_collect(q, st, sizeof **out, read_note,
				     release_notes, &rows, n, err, "read notes");
	if (!rc)
		*out = rows;
	return rc;
}

/* ---- tasks ------------------------------------------------------------------ */

static int read_task(sqlite3_stmt *st, void *row, lq_error *err)
{
	lq_task *t = row;

	t->id = sq_col_int(st, 0);
	t->lead_id = sq_col_int(st, 1);
	t->owner = sq_col_text(st, 2, 1);
	t->due = sq_col_int(st, 3);
	t->text = sq_col_text(st, 4, 1);
	t->created_at = sq_col_int(st, 5);
	t->done_at = sq_col_int(st, 6);
	return 0;
}

static void release_tasks(void *rows, size_t n)
{
	lq_tasks_free(rows, n);
}

int lq_store_sqlite_task_add(lq_store *s, lq_task *t, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_TASK_ADD];
	int rc;

	if (sq_bind_int(st, 1, t->lead_id) || sq_bind_text(st, 2, t->owner) ||
	    sq_bind_int(st, 3, t->due) || sq_bind_text(st, 4, t->text) ||
	    sq_bind_int0(st, 5, t->created_at) ||
	    sq_bind_int0(st, 6, t->done_at))
		return lq_store_sqlite_fail(q, st, err, "store task");
	rc = insert_for_lead(q, st, t->lead_id, err, "store task");
	if (!rc)
		t->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

int lq_store_sqlite_task_done(lq_store *s, int64_t id, lq_time at,
			      lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_TASK_DONE];
	int rc;

	sq_bind_int(st, 1, id);
	sq_bind_int(st, 2, at);
	rc = lq_store_sqlite_run(q, st, err, "mark task done");
	if (!rc && sqlite3_changes(q->db) == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no task %lld",
				    (long long)id);
	return rc;
}

/* The statement whose index fits the filter best. */
static enum sq_stmt tasks_stmt(const lq_task_filter *f)
{
	if (f->lead_id)
		return SQ_TASKS_BY_LEAD;
	return f->owner ? SQ_TASKS_BY_OWNER : SQ_TASKS_ALL;
}

int lq_store_sqlite_tasks(lq_store *s, const lq_task_filter *f,
			  lq_task **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[tasks_stmt(f)];
	void *rows;
	int rc;

	if (sq_bind_int0(st, 1, f->lead_id) || sq_bind_text(st, 2, f->owner) ||
	    sq_bind_int(st, 3, f->open_only != 0) ||
	    sq_bind_int0(st, 4, f->due_before))
		return lq_store_sqlite_fail(q, st, err, "list tasks");
	rc = lq_store_sqlite_collect(q, st, sizeof **out, read_task,
				     release_tasks, &rows, n, err, "list tasks");
	if (!rc)
		*out = rows;
	return rc;
}
