/*
 * store.h - persistence interface. The only door to the database: no SQL
 * lives outside src/store/. One backend today (SQLite, store_sqlite.c);
 * a PostgreSQL backend can implement the same lq_store_ops later without
 * touching the service layer.
 *
 * Conventions: functions return 0 or a negative LQ_E* code and fill err.
 * Lookups return LQ_ENOTFOUND (without filling err->msg with anything
 * alarming) when nothing matches. Records returned are owned by the caller
 * (release with lq_lead_free & co). Writes happen inside the caller's
 * transaction (lq_store_begin/commit/rollback); a store is used by one
 * thread at a time.
 */
#ifndef LQ_STORE_H
#define LQ_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/lead.h"
#include "core/stage.h"
#include "core/time.h"

typedef struct lq_store lq_store;

/* Open the database at path. When create is 0 and the file does not exist,
 * fails with LQ_ENOTFOUND ("no database at PATH: run `leadq init`").
 * Runs pending numbered migrations in one transaction. WAL journal,
 * synchronous=NORMAL... (see store_sqlite.c for the exact settings). */
int lq_store_open(const char *path, int create, lq_store **out, lq_error *err);
void lq_store_close(lq_store *s);   /* NULL is a no-op */

/* Schema version after migrations (for `leadq init` output and tests). */
int lq_store_schema_version(lq_store *s);

int lq_store_begin(lq_store *s, lq_error *err);
int lq_store_commit(lq_store *s, lq_error *err);
void lq_store_rollback(lq_store *s);   /* no-op outside a transaction */

/* ---- scoring models ---------------------------------------------------- */

typedef struct lq_model_row {
	int64_t version;     /* 1, 2, 3... */
	char *name;
	char *text;          /* YAML source */
	lq_time applied_at;
} lq_model_row;

void lq_model_row_free(lq_model_row *r);
/* Store a new model version; *version gets its number. */
int lq_store_model_add(lq_store *s, const char *name, const char *text,
		       lq_time applied_at, int64_t *version, lq_error *err);
/* The newest version; LQ_ENOTFOUND when no model was ever applied. */
int lq_store_model_current(lq_store *s, lq_model_row *out, lq_error *err);

/* ---- accounts ------------------------------------------------------------ */

int lq_store_account_get(lq_store *s, int64_t id, lq_account *out,
			 lq_error *err);
int lq_store_account_by_domain(lq_store *s, const char *domain,
			       lq_account *out, lq_error *err);
/* Insert (a->id == 0: sets a->id) or update every field of account a->id. */
int lq_store_account_put(lq_store *s, lq_account *a, lq_error *err);

/* ---- leads --------------------------------------------------------------- */

int lq_store_lead_get(lq_store *s, int64_t id, lq_lead *out, lq_error *err);
int lq_store_lead_by_email(lq_store *s, const char *email, lq_lead *out,
			   lq_error *err);
int lq_store_lead_by_external_id(lq_store *s, const char *external_id,
				 lq_lead *out, lq_error *err);
/* Insert (l->id == 0: sets l->id) or update every field of lead l->id,
 * stage included. Email and external id are unique: a clash is
 * LQ_ECONFLICT. */
int lq_store_lead_put(lq_store *s, lq_lead *l, lq_error *err);

/* ---- events -------------------------------------------------------------- */

/* Store e (sets e->id). When e->msg_id was stored before, nothing is written
 * and *duplicate is set to 1 (else 0). */
int lq_store_event_add(lq_store *s, lq_event *e, int *duplicate,
		       lq_error *err);
/* Every event of a lead, oldest first (ties by id). Caller frees with
 * lq_events_free. */
int lq_store_lead_events(lq_store *s, int64_t lead_id, lq_event **out,
			 size_t *n, lq_error *err);
void lq_events_free(lq_event *ev, size_t n);
/* Call fn for every stored event ordered by (lead_id, at, id); fn returns
 * non-zero to stop (that value is returned). The event is borrowed for the
 * call only. */
typedef int (*lq_event_fn)(void *ctx, const lq_event *e);
int lq_store_events_each(lq_store *s, lq_event_fn fn, void *ctx,
			 lq_error *err);

/* ---- scores (cached per lead, with the model version they came from) ---- */

typedef struct lq_score_row {
	int64_t lead_id;
	int64_t model_version;
	double fit;
	double channel;
	char grade;           /* 'A'..'D', 'F' */
	double engagement;    /* at scored_at */
	double score;         /* fit + channel + engagement at scored_at */
	lq_time scored_at;
	char *disqualified_by;/* rule name, NULL when not disqualified */
	void *state;          /* engine's engagement state (opaque bytes) */
	size_t state_len;
} lq_score_row;

void lq_score_row_free(lq_score_row *r);
int lq_store_score_put(lq_store *s, const lq_score_row *r, lq_error *err);
int lq_store_score_get(lq_store *s, int64_t lead_id, lq_score_row *out,
		       lq_error *err);

/* ---- stage history (append-only) ----------------------------------------- */

typedef struct lq_stage_change {
	int64_t id;
	int64_t lead_id;
	lq_stage from;        /* LQ_STAGE_NONE for the first entry */
	lq_stage to;
	lq_time at;
	char *actor;          /* "model", "import", a rep's name... */
	char *reason;         /* may be NULL */
} lq_stage_change;

int lq_store_stage_add(lq_store *s, lq_stage_change *c, lq_error *err);
/* A lead's history, oldest first. Free with lq_stage_changes_free. */
int lq_store_stage_history(lq_store *s, int64_t lead_id,
			   lq_stage_change **out, size_t *n, lq_error *err);
void lq_stage_changes_free(lq_stage_change *c, size_t n);

/* ---- listing ------------------------------------------------------------- */

typedef struct lq_lead_filter {
	lq_stage stage;       /* LQ_STAGE_NONE: any */
	char grade;           /* 0: any */
	const char *source;   /* NULL: any */
} lq_lead_filter;

/* Call fn for every lead matching filter, by id. Records are borrowed for
 * the call; score is NULL when the lead was never scored, account NULL when
 * it has none. fn returns non-zero to stop. */
typedef int (*lq_lead_fn)(void *ctx, const lq_lead *lead,
			  const lq_account *account,
			  const lq_score_row *score);
int lq_store_leads_each(lq_store *s, const lq_lead_filter *filter,
			lq_lead_fn fn, void *ctx, lq_error *err);

/* ---- counts (for reports and tests) -------------------------------------- */

typedef struct lq_store_counts {
	int64_t accounts, leads, events, stage_changes, models, scores;
} lq_store_counts;

int lq_store_count(lq_store *s, lq_store_counts *out, lq_error *err);

#endif
