/*
 * store_sqlite_leads.c - accounts and leads in SQLite: lookups, insert or
 * update, unique-key conflicts turned into clear LQ_ECONFLICT messages, and
 * the filtered listing that joins leads with their account and score.
 *
 * Row readers here are shared with the listing; statement text lives in
 * store_sqlite.c. Never builds SQL from data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"

/* ---- row readers ------------------------------------------------------------ */

void lq_store_sqlite_release_account(lq_account *a)
{
	lq_value_free(&a->tech);
	lq_attrs_free(&a->attrs);
}

void lq_store_sqlite_release_lead(lq_lead *l)
{
	lq_attrs_free(&l->attrs);
}

int lq_store_sqlite_read_account(sqlite3_stmt *st, int col, int copy,
				 lq_account *out, lq_error *err)
{
	int64_t id = sq_col_int(st, col);

	lq_account_init(out);
	out->id = id;
	out->domain = sq_col_text(st, col + 1, copy);
	out->name = sq_col_text(st, col + 2, copy);
	out->industry = sq_col_text(st, col + 3, copy);
	out->employees = sq_col_real(st, col + 4);
	out->revenue = sq_col_real(st, col + 5);
	out->traffic = sq_col_real(st, col + 6);
	out->ad_spend = sq_col_real(st, col + 7);
	if (lq_store_sqlite_col_value(st, col + 8, &out->tech) == 0 &&
	    lq_store_sqlite_col_attrs(st, col + 9, &out->attrs) == 0)
		return 0;
	if (copy)
		lq_account_free(out);
	else
		lq_store_sqlite_release_account(out);
	return lq_error_set(err, LQ_EIO, "account %lld has malformed json in "
			    "the database", (long long)id);
}

int lq_store_sqlite_read_lead(sqlite3_stmt *st, int col, int copy,
			      lq_lead *out, lq_error *err)
{
	char **strs[] = {&out->external_id, &out->email, &out->email_domain,
			 &out->first_name, &out->last_name, &out->title,
			 &out->seniority, &out->department, &out->country,
			 &out->source};
	int64_t id = sq_col_int(st, col);
	const char *stage = (const char *)sqlite3_column_text(st, col + 13);
	const char *problem;

	lq_lead_init(out);
	out->id = id;
	out->account_id = sq_col_int(st, col + 1);
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		*strs[i] = sq_col_text(st, col + 2 + (int)i, copy);
	out->created_at = sq_col_int(st, col + 12);
	out->stage = lq_stage_parse(stage);
	out->stage_at = sq_col_int(st, col + 15);
	out->owner = sq_col_text(st, col + 16, copy);
	out->cycle = (int)sq_col_int(st, col + 17);
	out->engagement_since = sq_col_int(st, col + 18);
	if (stage && out->stage == LQ_STAGE_NONE)
		problem = "an unknown stage";
	else if (lq_store_sqlite_col_attrs(st, col + 14, &out->attrs) != 0)
		problem = "malformed json";
	else
		return 0;
	if (copy)
		lq_lead_free(out);
	else
		lq_store_sqlite_release_lead(out);
	return lq_error_set(err, LQ_EIO, "lead %lld has %s in the database",
			    (long long)id, problem);
}

/* ---- accounts --------------------------------------------------------------- */

/* Step a lookup bound by the caller; LQ_ENOTFOUND (err untouched) when it
 * has no row. out is always initialised. */
static int account_fetch(lq_sqlite *q, sqlite3_stmt *st, lq_account *out,
			 lq_error *err)
{
	int rc;

	lq_account_init(out);
	rc = lq_store_sqlite_row(q, st, err, "read an account");
	if (rc == 0)
		return LQ_ENOTFOUND;
	if (rc == 1) {
		rc = lq_store_sqlite_read_account(st, 0, 1, out, err);
		sqlite3_reset(st);
	}
	return rc;
}

int lq_store_sqlite_account_get(lq_store *s, int64_t id, lq_account *out,
				lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ACCOUNT_GET];
	int rc;

	sq_bind_int(st, 1, id);
	rc = account_fetch(q, st, out, err);
	if (rc == LQ_ENOTFOUND)
		lq_error_set(err, rc, "no account %lld", (long long)id);
	return rc;
}

int lq_store_sqlite_account_by_domain(lq_store *s, const char *domain,
				      lq_account *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ACCOUNT_BY_DOMAIN];
	int rc;

	if (sq_bind_text(st, 1, domain))
		return lq_store_sqlite_fail(q, st, err, "look up an account");
	rc = account_fetch(q, st, out, err);
	if (rc == LQ_ENOTFOUND)
		lq_error_set(err, rc, "no account with domain %s", domain);
	return rc;
}

/* The id of another row holding key (lookup statement with ?1 key, ?2 the
 * writer's own id or NULL), 0 when none. */
static int64_t key_owner(lq_sqlite *q, enum sq_stmt which, const char *key,
			 int64_t self)
{
	sqlite3_stmt *st = q->stmt[which];
	int64_t owner = 0;

	if (!key)
		return 0;
	if (sq_bind_text(st, 1, key) == SQLITE_OK &&
	    sq_bind_int0(st, 2, self) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		owner = sq_col_int(st, 0);
	sqlite3_reset(st);
	return owner;
}

static int conflict(lq_error *err, const char *field, const char *value,
		    const char *kind, int64_t owner)
{
	lq_error_set(err, LQ_ECONFLICT, "%s %s already belongs to %s %lld",
		     field, value, kind, (long long)owner);
	if (err)
		snprintf(err->field, sizeof err->field, "%s", field);
	return LQ_ECONFLICT;
}

/* After a failed step of an account write: name the clash when a unique
 * key caused it. */
static int account_write_failed(lq_sqlite *q, sqlite3_stmt *st,
				const lq_account *a, lq_error *err)
{
	int64_t owner;

	if (sqlite3_extended_errcode(q->db) != SQLITE_CONSTRAINT_UNIQUE)
		return lq_store_sqlite_fail(q, st, err, "store account");
	sqlite3_reset(st);
	owner = key_owner(q, SQ_ACCOUNT_ID_BY_DOMAIN, a->domain, a->id);
	if (owner)
		return conflict(err, "domain", a->domain, "account", owner);
	return lq_error_set(err, LQ_ECONFLICT, "account %s clashes with a "
			    "stored one", a->domain ? a->domain : "(no domain)");
}

static int bind_account(lq_sqlite *q, sqlite3_stmt *st, const lq_account *a,
			lq_error *err)
{
	int rc = lq_store_sqlite_bind_value(st, 8, &a->tech, &q->json[0], err);

	if (!rc)
		rc = lq_store_sqlite_bind_attrs(st, 9, &a->attrs, &q->json[1],
						err);
	if (rc)
		return rc;
	if (sq_bind_text(st, 1, a->domain) || sq_bind_text(st, 2, a->name) ||
	    sq_bind_text(st, 3, a->industry) ||
	    sq_bind_real(st, 4, a->employees) ||
	    sq_bind_real(st, 5, a->revenue) ||
	    sq_bind_real(st, 6, a->traffic) ||
	    sq_bind_real(st, 7, a->ad_spend))
		return lq_store_sqlite_fail(q, st, err, "store account");
	return 0;
}

int lq_store_sqlite_account_put(lq_store *s, lq_account *a, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	int update = a->id != 0;
	sqlite3_stmt *st = q->stmt[update ? SQ_ACCOUNT_UPDATE
					  : SQ_ACCOUNT_INSERT];
	int rc = bind_account(q, st, a, err);

	if (rc)
		return rc;
	if (update)
		sq_bind_int(st, 10, a->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return account_write_failed(q, st, a, err);
	sqlite3_reset(st);
	if (!update)
		a->id = sqlite3_last_insert_rowid(q->db);
	else if (sqlite3_changes(q->db) == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no account %lld",
				    (long long)a->id);
	return 0;
}

/* ---- leads ------------------------------------------------------------------ */

static int lead_fetch(lq_sqlite *q, sqlite3_stmt *st, lq_lead *out,
		      lq_error *err)
{
	int rc;

	lq_lead_init(out);
	rc = lq_store_sqlite_row(q, st, err, "read a lead");
	if (rc == 0)
		return LQ_ENOTFOUND;
	if (rc == 1) {
		rc = lq_store_sqlite_read_lead(st, 0, 1, out, err);
		sqlite3_reset(st);
	}
	return rc;
}

int lq_store_sqlite_lead_get(lq_store *s, int64_t id, lq_lead *out,
			     lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEAD_GET];
	int rc;

	sq_bind_int(st, 1, id);
	rc = lead_fetch(q, st, out, err);
	if (rc == LQ_ENOTFOUND)
		lq_error_set(err, rc, "no lead %lld", (long long)id);
	return rc;
}

int lq_store_sqlite_lead_by_email(lq_store *s, const char *email,
				  lq_lead *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEAD_BY_EMAIL];
	int rc;

	if (sq_bind_text(st, 1, email))
		return lq_store_sqlite_fail(q, st, err, "look up a lead");
	rc = lead_fetch(q, st, out, err);
	if (rc == LQ_ENOTFOUND)
		lq_error_set(err, rc, "no lead with email %s", email);
	return rc;
}

/* ?2 NULL: the statements' "id IS NOT ?2" (for clashes) holds for all. */
int lq_store_sqlite_lead_id_by_key(lq_store *s, int external, const char *key,
				   int64_t *id, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[external ? SQ_LEAD_ID_BY_EXTERNAL_ID
					    : SQ_LEAD_ID_BY_EMAIL];
	int rc;

	if (sq_bind_text(st, 1, key) || sqlite3_bind_null(st, 2))
		return lq_store_sqlite_fail(q, st, err, "look up a lead");
	rc = lq_store_sqlite_row(q, st, err, "look up a lead");
	if (rc == 1) {
		*id = sq_col_int(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	if (rc == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no lead with %s %s",
				    external ? "external id" : "email", key);
	return rc;
}

int lq_store_sqlite_lead_by_external_id(lq_store *s, const char *external_id,
					lq_lead *out, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEAD_BY_EXTERNAL_ID];
	int rc;

	if (sq_bind_text(st, 1, external_id))
		return lq_store_sqlite_fail(q, st, err, "look up a lead");
	rc = lead_fetch(q, st, out, err);
	if (rc == LQ_ENOTFOUND)
		lq_error_set(err, rc, "no lead with external id %s",
			     external_id);
	return rc;
}

static int lead_write_failed(lq_sqlite *q, sqlite3_stmt *st,
			     const lq_lead *l, lq_error *err)
{
	int ext = sqlite3_extended_errcode(q->db);
	int64_t owner;

	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
		sqlite3_reset(st);
		lq_error_set(err, LQ_ENOTFOUND, "no account %lld for lead %s",
			     (long long)l->account_id,
			     l->email ? l->email : "without email");
		if (err)
			snprintf(err->field, sizeof err->field, "account_id");
		return LQ_ENOTFOUND;
	}
	if (ext != SQLITE_CONSTRAINT_UNIQUE)
		return lq_store_sqlite_fail(q, st, err, "store lead");
	sqlite3_reset(st);
	owner = key_owner(q, SQ_LEAD_ID_BY_EMAIL, l->email, l->id);
	if (owner)
		return conflict(err, "email", l->email, "lead", owner);
	owner = key_owner(q, SQ_LEAD_ID_BY_EXTERNAL_ID, l->external_id, l->id);
	if (owner)
		return conflict(err, "external_id", l->external_id, "lead",
				owner);
	return lq_error_set(err, LQ_ECONFLICT, "lead clashes with a stored "
			    "one");
}

static int bind_lead(lq_sqlite *q, sqlite3_stmt *st, const lq_lead *l,
		     lq_error *err)
{
	const char *strs[] = {l->external_id, l->email, l->email_domain,
			      l->first_name, l->last_name, l->title,
			      l->seniority, l->department, l->country,
			      l->source};
	const char *stage = l->stage == LQ_STAGE_NONE ? NULL
						      : lq_stage_name(l->stage);
	int rc = lq_store_sqlite_bind_attrs(st, 14, &l->attrs, &q->json[0],
					    err);

	if (rc)
		return rc;
	rc = sq_bind_int0(st, 1, l->account_id);
	for (size_t i = 0; !rc && i < sizeof strs / sizeof strs[0]; i++)
		rc = sq_bind_text(st, 2 + (int)i, strs[i]);
	if (rc || sq_bind_int0(st, 12, l->created_at) ||
	    sq_bind_text(st, 13, stage) || sq_bind_int0(st, 15, l->stage_at) ||
	    sq_bind_text(st, 16, l->owner) || sq_bind_int(st, 17, l->cycle) ||
	    sq_bind_int0(st, 18, l->engagement_since))
		return lq_store_sqlite_fail(q, st, err, "store lead");
	return 0;
}

int lq_store_sqlite_lead_put(lq_store *s, lq_lead *l, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	int update = l->id != 0;
	sqlite3_stmt *st = q->stmt[update ? SQ_LEAD_UPDATE : SQ_LEAD_INSERT];
	int rc = bind_lead(q, st, l, err);

	if (rc)
		return rc;
	if (update)
		sq_bind_int(st, 19, l->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return lead_write_failed(q, st, l, err);
	sqlite3_reset(st);
	if (!update)
		l->id = sqlite3_last_insert_rowid(q->db);
	else if (sqlite3_changes(q->db) == 0)
		return lq_error_set(err, LQ_ENOTFOUND, "no lead %lld",
				    (long long)l->id);
	return 0;
}

/* ---- listing ---------------------------------------------------------------- */

int lq_store_sqlite_read_listing(sqlite3_stmt *st, sq_listing_row *r,
				 lq_error *err)
{
	const int acol = SQ_LEAD_NCOLS, scol = SQ_LEAD_NCOLS + SQ_ACCOUNT_NCOLS;
	int rc = lq_store_sqlite_read_lead(st, 0, 0, &r->lead, err);

	if (rc)
		return rc;
	lq_account_init(&r->account);
	r->has_account = !sq_is_null(st, acol);
	r->has_score = !sq_is_null(st, scol);
	if (r->has_account &&
	    (rc = lq_store_sqlite_read_account(st, acol, 0, &r->account, err))) {
		lq_store_sqlite_release_lead(&r->lead);
		return rc;
	}
	if (r->has_score)
		lq_store_sqlite_read_score(st, scol, 0, &r->score);
	return 0;
}

void lq_store_sqlite_release_listing(sq_listing_row *r)
{
	lq_store_sqlite_release_account(&r->account);
	lq_store_sqlite_release_lead(&r->lead);
}

/* Read the current row of SQ_LEADS_EACH as borrowed records and call fn. */
static int call_with_row(sqlite3_stmt *st, lq_lead_fn fn, void *ctx,
			 lq_error *err)
{
	sq_listing_row r;
	int rc = lq_store_sqlite_read_listing(st, &r, err);
	if (rc)
		return rc;
	rc = fn(ctx, &r.lead, r.has_account ? &r.account : NULL,
		r.has_score ? &r.score : NULL);
	lq_store_sqlite_release_listing(&r);
	return rc;
}

int lq_store_sqlite_leads_each(lq_store *s, const lq_lead_filter *filter,
			       lq_lead_fn fn, void *ctx, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	const char *stage = filter->stage == LQ_STAGE_NONE
				    ? NULL : lq_stage_name(filter->stage);
	sqlite3_stmt *st = q->stmt[stage ? SQ_LEADS_OF_STAGE : SQ_LEADS_EACH];
	int rc;

	if (sqlite3_stmt_busy(st))
		return lq_error_set(err, LQ_EINTERNAL, "cannot list leads from "
				    "inside a listing of leads");
	if (sq_bind_text(st, 1, stage) ||
	    (filter->grade ? sqlite3_bind_text(st, 2, &filter->grade, 1,
					       SQLITE_STATIC)
			   : sqlite3_bind_null(st, 2)) ||
	    sq_bind_text(st, 3, filter->source) ||
	    sq_bind_text(st, 4, filter->owner) ||
	    sq_bind_int0(st, 5, filter->account_id))
		return lq_store_sqlite_fail(q, st, err, "list leads");
	while ((rc = lq_store_sqlite_row(q, st, err, "list leads")) == 1) {
		rc = call_with_row(st, fn, ctx, err);
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc;
}

/* ---- account listing and erasure -------------------------------------------- */

static int read_account_row(sqlite3_stmt *st, void *row, lq_error *err)
{
	return lq_store_sqlite_read_account(st, 0, 1, row, err);
}

static void release_accounts(void *rows, size_t n)
{
	lq_accounts_free(rows, n);
}

int lq_store_sqlite_accounts(lq_store *s, size_t limit, size_t offset,
			     lq_account **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ACCOUNTS];
	void *rows = NULL;
	int rc;

	if (sq_bind_int(st, 1, limit ? (int64_t)limit : -1) ||
	    sq_bind_int(st, 2, (int64_t)offset))
		return lq_store_sqlite_fail(q, st, err, "read accounts");
	rc = lq_store_sqlite_collect(q, st, sizeof(lq_account), read_account_row,
				     release_accounts, &rows, n, err,
				     "read accounts");
	if (rc == 0)
		*out = rows;
	return rc;
}

int lq_store_sqlite_lead_erase(lq_store *s, int64_t lead_id, lq_error *err)
{
	static const int steps[] = {
		SQ_ERASE_EVENTS, SQ_ERASE_EVENTS_RECENT, SQ_ERASE_NOTES,
		SQ_ERASE_TASKS, SQ_ERASE_ANSWERS,
		SQ_ERASE_SCORES, SQ_ERASE_IDENTITIES, SQ_ERASE_LINKS,
		SQ_ERASE_OUTBOX, SQ_ERASE_ALERTS, SQ_ERASE_PREDICTION,
		SQ_ERASE_HISTORY, SQ_ERASE_LEAD,
	};
	lq_sqlite *q = sq_handle(s);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *st = q->stmt[steps[i]];
		int rc;
		if (sq_bind_int(st, 1, lead_id))
			return lq_store_sqlite_fail(q, st, err, "erase a lead");
		rc = lq_store_sqlite_run(q, st, err, "erase a lead");
		if (rc == 0 && steps[i] == SQ_ERASE_EVENTS_RECENT)
			rc = lq_store_sqlite_recent_count_add(
				q, -sqlite3_changes64(q->db), err);
		if (rc)
			return rc;
	}
	return 0;
}
