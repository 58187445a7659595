/*
 * store_sqlite_rank.c - the sales queue's rank while every lead's score is
 * written in one pass (a rescore).
 *
 * The rank columns of leads (migration 5) follow an MQL's score through
 * two triggers on scores, which look the lead up for every score row
 * written to find whether it is an MQL: about 12% of a rescore's time,
 * for the few leads that are. A pass that writes every score sets the two
 * triggers aside inside its transaction, says as it goes below which id
 * every score is written (those MQLs are ranked then, in one statement a
 * range of ids), and at its end puts the triggers back and ranks the
 * MQLs it has not said.
 *
 * DDL is transactional in SQLite: no other connection ever sees the
 * triggers missing, a rollback brings them back (the text kept here is
 * then dropped: lq_store_sqlite_rank_forget) and a commit puts them back
 * first if the pass has not. The triggers are put
 * back from their own text in sqlite_schema, so a later migration that
 * changes them needs no change here.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"

/* The per-row triggers set aside, with the statement that drops each;
 * their order is that of lq_sqlite.rank_sql. */
static const char *const rank_trigger[SQ_RANK_TRIGGERS] = {
	"scores_rank_insert", "scores_rank_update"};
static const char *const rank_drop[SQ_RANK_TRIGGERS] = {
	"DROP TRIGGER IF EXISTS scores_rank_insert",
	"DROP TRIGGER IF EXISTS scores_rank_update"};

#define TRIGGER_SQL "SELECT sql FROM sqlite_schema WHERE type = 'trigger' " \
		    "AND name = ?1"

void lq_store_sqlite_rank_forget(lq_sqlite *q)
{
	for (int i = 0; i < SQ_RANK_TRIGGERS; i++) {
		free(q->rank_sql[i]);
		q->rank_sql[i] = NULL;
	}
}

static int run_sql(lq_sqlite *q, const char *sql, lq_error *err,
		   const char *what)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	return lq_store_sqlite_fail(q, NULL, err, what);
}

/* The text of trigger i into *out. */
static int trigger_text(lq_sqlite *q, int i, char **out, lq_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(q->db, TRIGGER_SQL, -1, &st, NULL) != SQLITE_OK)
		return lq_store_sqlite_fail(q, NULL, err,
					    "read the queue's triggers");
	sqlite3_bind_text(st, 1, rank_trigger[i], -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		*out = lq_xstrdup((const char *)sqlite3_column_text(st, 0));
	else
		rc = lq_error_set(err, LQ_EINTERNAL, "the database has no "
				  "trigger %s: the queue's rank cannot be kept",
				  rank_trigger[i]);
	sqlite3_finalize(st);
	return rc;
}

static int set_aside(lq_sqlite *q, lq_error *err)
{
	int rc = 0;

	if (q->rank_sql[0])
		return 0;   /* already aside */
	q->rank_below = INT64_MIN;   /* no MQL ranked yet */
	for (int i = 0; i < SQ_RANK_TRIGGERS && rc == 0; i++) {
		rc = trigger_text(q, i, &q->rank_sql[i], err);
		if (rc == 0)
			rc = run_sql(q, rank_drop[i], err,
				     "set the queue's trigger aside");
	}
	if (rc)   /* the caller rolls back: the triggers come back */
		lq_store_sqlite_rank_forget(q);
	return rc;
}

/* Each trigger dropped first: a rollback to a savepoint may have brought
 * it back already. A commit calls this too, so that the triggers are
 * never committed missing. */
int lq_store_sqlite_rank_put_back(lq_sqlite *q, lq_error *err)
{
	int rc = 0;

	if (!q->rank_sql[0])
		return 0;   /* not aside */
	for (int i = 0; i < SQ_RANK_TRIGGERS && rc == 0; i++) {
		rc = run_sql(q, rank_drop[i], err, "put the queue's trigger back");
		if (rc == 0)
			rc = run_sql(q, q->rank_sql[i], err,
				     "put the queue's trigger back");
	}
	if (rc == 0 && sq_bind_int(q->stmt[SQ_RANK_FROM], 1, q->rank_below))
		rc = lq_store_sqlite_fail(q, q->stmt[SQ_RANK_FROM], err,
					  "rank the MQLs");
	if (rc == 0)
		rc = lq_store_sqlite_run(q, q->stmt[SQ_RANK_FROM], err,
					 "rank the MQLs");
	if (rc == 0)
		lq_store_sqlite_rank_forget(q);
	return rc;
}

/* Ranks the MQLs from the last id said to below. */
int lq_store_sqlite_scores_ranked(lq_store *s, int64_t below, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_RANK_RANGE];

	if (!q->rank_sql[0] || below <= q->rank_below)
		return 0;   /* the triggers rank, or done already */
	if (sq_bind_int(st, 1, q->rank_below) || sq_bind_int(st, 2, below))
		return lq_store_sqlite_fail(q, st, err, "rank the MQLs");
	int rc = lq_store_sqlite_run(q, st, err, "rank the MQLs");
	if (rc == 0)
		q->rank_below = below;
	return rc;
}

int lq_store_sqlite_scores_bulk(lq_store *s, int on, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);

	if (sqlite3_get_autocommit(q->db))
		return lq_error_set(err, LQ_EINTERNAL, "scores are written in "
				    "bulk only inside a transaction");
	return on ? set_aside(q, err) : lq_store_sqlite_rank_put_back(q, err);
}
