/*
 * store_sqlite.h - private header of the SQLite backend, shared by
 * store_sqlite*.c and migrations.c only: the backend handle, the prepared
 * statement ids, the column lists the row readers expect, and small
 * bind/column helpers.
 *
 * Every statement is prepared once per store (at open) and reused; values
 * always travel as bound parameters, never inside SQL text.
 */
#ifndef LQ_STORE_SQLITE_H
#define LQ_STORE_SQLITE_H

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "core/bloom.h"
#include "core/buf.h"
#include "store/store_backend.h"

/* Prepared statements, one per use; SQL text in store_sqlite_sql.c. */
enum sq_stmt {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_MARK,
	SQ_RELEASE,
	SQ_UNDO,
	SQ_MODEL_ADD,
	SQ_MODEL_CURRENT,
	SQ_ACCOUNT_GET,
	SQ_ACCOUNT_BY_DOMAIN,
	SQ_ACCOUNT_INSERT,
	SQ_ACCOUNT_UPDATE,
	SQ_ACCOUNT_ID_BY_DOMAIN,
	SQ_LEAD_GET,
	SQ_LEAD_BY_EMAIL,
	SQ_LEAD_BY_EXTERNAL_ID,
	SQ_LEAD_INSERT,
	SQ_LEAD_UPDATE,
	SQ_LEAD_ID_BY_EMAIL,
	SQ_LEAD_ID_BY_EXTERNAL_ID,
	SQ_LEADS_EACH,
	SQ_LEADS_OF_STAGE,
	SQ_EVENT_ADD,
	SQ_EVENT_ADD_RECENT,
	SQ_EVENT_BY_HASH,
	SQ_EVENT_ANY_MSG,
	SQ_EVENT_ID_GET,
	SQ_EVENT_ID_PUT,
	SQ_LEAD_EVENTS,
	SQ_SCORE_PUT,
	SQ_SCORE_GET,
	SQ_RANK_RANGE,
	SQ_RANK_FROM,
	SQ_QUEUE_EACH,
	SQ_QUEUE_EACH_OWNER,
	SQ_QUEUE_COUNT,
	SQ_QUEUE_COUNT_OWNER,
	SQ_QUEUE_COUNT_ALL,
	SQ_QUEUE_COUNT_ANY,
	SQ_QUEUE_COUNT_ANY_OWNER,
	SQ_QUEUE_AFTER,
	SQ_STAGE_ADD,
	SQ_STAGE_HISTORY,
	SQ_STAGE_CHANGES_EACH,
	SQ_ACCOUNTS,
	SQ_MODELS,
	SQ_ERASE_EVENTS,
	SQ_ERASE_EVENTS_RECENT,
	SQ_ERASE_NOTES,
	SQ_ERASE_TASKS,
	SQ_ERASE_ANSWERS,
	SQ_ERASE_SCORES,
	SQ_ERASE_IDENTITIES,
	SQ_ERASE_LINKS,
	SQ_ERASE_OUTBOX,
	SQ_ERASE_ALERTS,
	SQ_ERASE_PREDICTION,
	SQ_ERASE_HISTORY,
	SQ_ERASE_LEAD,
	SQ_KEY_ADD,
	SQ_KEY_BY_PREFIX,
	SQ_KEYS,
	SQ_KEY_REVOKE,
	SQ_ANON_EVENT_ADD,
	SQ_ANON_EVENTS_OF,
	SQ_ANON_EVENTS_DELETE,
	SQ_IDENTITY_GET,
	SQ_IDENTITY_LINK,
	SQ_COUNT_ALL,
	SQ_GAUGES,
	SQ_ANSWER_SET,
	SQ_ANSWERS,
	SQ_NOTE_ADD,
	SQ_NOTES,
	SQ_TASK_ADD,
	SQ_TASK_DONE,
	SQ_TASKS_ALL,
	SQ_TASKS_BY_LEAD,
	SQ_TASKS_BY_OWNER,
	SQ_WEBHOOK_ADD,
	SQ_WEBHOOK_REMOVE,
	SQ_WEBHOOKS_REMOVE_ORIGIN,
	SQ_WEBHOOKS,
	SQ_OUTBOX_ADD,
	SQ_OUTBOX_ID_BY_DELIVERY,
	SQ_OUTBOX_DUE,
	SQ_OUTBOX_LIST,
	SQ_OUTBOX_GET,
	SQ_OUTBOX_UPDATE,
	SQ_ALERT_ONCE,
	SQ_COUNTER_NEXT,
	SQ_COUNTER_GET,
	SQ_COUNTER_SET,
	SQ_RECENT_COUNT_ADD,
	SQ_FOLD_STATE,
	SQ_FOLD_BOUND,
	SQ_FOLD_MOVE,
	SQ_FOLD_DELETE,
	SQ_LEADS_RANGE,
	SQ_EVENTS_RANGE,
	SQ_LEAD_ID_MAX,
	SQ_BEGIN_READ,
	SQ_MQLS_UNALERTED,
	SQ_N_STMTS
};

/* Column lists in the order the row readers below expect them. */
#define SQ_ACCOUNT_COLS \
	"a.id, a.domain, a.name, a.industry, a.employees, a.revenue, " \
	"a.traffic, a.ad_spend, a.tech, a.attrs"
#define SQ_ACCOUNT_NCOLS 10
#define SQ_LEAD_COLS \
	"l.id, l.account_id, l.external_id, l.email, l.email_domain, " \
	"l.first_name, l.last_name, l.title, l.seniority, l.department, " \
	"l.country, l.source, l.created_at, l.stage, l.attrs, l.stage_at, " \
	"l.owner, l.cycle, l.engagement_since"
#define SQ_LEAD_NCOLS 19
#define SQ_SCORE_COLS \
	"s.lead_id, s.model_version, s.fit, s.channel, s.grade, " \
	"s.engagement, s.score, s.scored_at, s.disqualified_by, s.state"
#define SQ_SCORE_NCOLS 10
#define SQ_EVENT_COLS "e.id, e.lead_id, e.msg_id, e.type, e.at, e.props"
#define SQ_TASK_COLS "id, lead_id, owner, due, text, created_at, done_at"
#define SQ_OUTBOX_COLS \
	"id, delivery_id, webhook_id, url, secret, event, lead_id, payload, " \
	"created_at, attempts, next_at, status, last_error, delivered_at, " \
	"max_attempts"

#define SQ_RANK_TRIGGERS 2     /* store_sqlite_rank.c */

typedef struct lq_sqlite {
	lq_store base;          /* first: lq_store * <-> lq_sqlite * */
	sqlite3 *db;
	int version;            /* schema version after migrations */
	sqlite3_stmt *stmt[SQ_N_STMTS];
	lq_buf json[2];         /* reused encoders for bound JSON text */
	int64_t event_next;     /* next event id to give (0: not known yet) */
	int event_loaded;       /* event_next checked against the stored
				   counter in this transaction */
	int event_dirty;        /* ids given since the counter was stored */
	int events_recent;      /* events appended to events_recent
				   (lq_store_events_recent) */
	int msg_stored;         /* an event with a msg_id was seen stored:
				   every duplicate lookup asks the index */
	lq_bloom fresh;         /* (lead, msg_hash) stored by this write
				   transaction, begun with no msg_id stored
				   before it; words NULL: no such filter */
	lq_wal_fn wal_fn;       /* lq_store_wal_hook */
	int page_size;          /* bytes, read when wal_fn is set */
	void *wal_ctx;
	char *rank_sql[SQ_RANK_TRIGGERS];   /* the queue's per-score triggers
					       while set aside (scores written
					       in bulk): their text */
	int64_t rank_below;     /* meanwhile, the MQLs below this id ranked */
} lq_sqlite;

static inline lq_sqlite *sq_handle(lq_store *s)
{
	return (lq_sqlite *)s;
}

/* Migrations (migrations.c): SQL text of migration i + 1 at index i. */
const char *const *lq_store_sqlite_migrations(size_t *n);

/* Statement text by enum sq_stmt (store_sqlite_sql.c). */
extern const char *const lq_store_sqlite_sql[SQ_N_STMTS];

/* Turn the connection's last error into err ("cannot WHAT: sqlite
 * message"), reset st (may be NULL) and return LQ_EIO (LQ_ENOMEM when
 * SQLite ran out of memory). */
int lq_store_sqlite_fail(lq_sqlite *q, sqlite3_stmt *st, lq_error *err,
			 const char *what);
/* Step st once: 1 with a row (st left on it), 0 when done (st reset), or
 * a negative code with err filled (st reset). */
int lq_store_sqlite_row(lq_sqlite *q, sqlite3_stmt *st, lq_error *err,
			const char *what);
/* End a transaction the store opened itself: commit when rc is 0 (the
 * event id counter stored first), roll back when rc or the commit
 * failed. Returns rc, or the commit's failure. */
int lq_store_sqlite_finish(lq_sqlite *q, int rc, lq_error *err);
/* Step a statement that returns no row to completion and reset it. */
int lq_store_sqlite_run(lq_sqlite *q, sqlite3_stmt *st, lq_error *err,
			const char *what);

/* Reads the current row of a statement into the record at row (owned
 * strings); on failure releases what it took and fills err. */
typedef int (*lq_sqlite_reader)(sqlite3_stmt *st, void *row, lq_error *err);
/* Releases n records of an array and the array (the record's _free). */
typedef void (*lq_sqlite_releaser)(void *rows, size_t n);
/* Step st (bound by the caller) to its end, reading every row with read
 * into a growing array of size-byte records: *out (caller frees) and *n.
 * On failure nothing is returned and st is reset. */
int lq_store_sqlite_collect(lq_sqlite *q, sqlite3_stmt *st, size_t size,
			    lq_sqlite_reader read, lq_sqlite_releaser release,
			    void **out, size_t *n, lq_error *err,
			    const char *what);

/* Bind attrs (NULL when empty) / a value (NULL when absent) as JSON text
 * encoded into buf, which must outlive the statement's next step.
 * LQ_EINVAL when a number is not finite (JSON has no spelling for it). */
int lq_store_sqlite_bind_attrs(sqlite3_stmt *st, int idx, const lq_attrs *a,
			       lq_buf *buf, lq_error *err);
int lq_store_sqlite_bind_value(sqlite3_stmt *st, int idx, const lq_value *v,
			       lq_buf *buf, lq_error *err);
/* Parse column i as attrs / a value; -1 when it holds invalid JSON. */
int lq_store_sqlite_col_attrs(sqlite3_stmt *st, int i, lq_attrs *out);
int lq_store_sqlite_col_value(sqlite3_stmt *st, int i, lq_value *out);

/* Row readers: fill out from the columns starting at col (lists above).
 * With copy, strings and bytes are owned by out (free with the record's
 * _free); without, they point into st and live until its next step, and
 * only the parsed parts (attrs, tech) must be released, with
 * lq_store_sqlite_release_*. LQ_EIO when a stored value is malformed. */
int lq_store_sqlite_read_account(sqlite3_stmt *st, int col, int copy,
				 lq_account *out, lq_error *err);
int lq_store_sqlite_read_lead(sqlite3_stmt *st, int col, int copy,
			      lq_lead *out, lq_error *err);
void lq_store_sqlite_read_score(sqlite3_stmt *st, int col, int copy,
				lq_score_row *out);
void lq_store_sqlite_release_account(lq_account *a);
void lq_store_sqlite_release_lead(lq_lead *l);

/* A row of a lead listing (SQ_LEAD_COLS, SQ_ACCOUNT_COLS, SQ_SCORE_COLS
 * from column 0) as borrowed records: the account and score are there
 * when has_account / has_score. Release with lq_store_sqlite_release_listing. */
typedef struct sq_listing_row {
	lq_lead lead;
	lq_account account;
	lq_score_row score;
	int has_account, has_score;
} sq_listing_row;
int lq_store_sqlite_read_listing(sqlite3_stmt *st, sq_listing_row *r,
				 lq_error *err);
void lq_store_sqlite_release_listing(sq_listing_row *r);

/* Backend operations, one per lq_store_ops entry. */
int lq_store_sqlite_model_add(lq_store *s, const char *name, const char *text,
			      lq_time applied_at, int64_t *version,
			      lq_error *err);
int lq_store_sqlite_model_current(lq_store *s, lq_model_row *out,
				  lq_error *err);
int lq_store_sqlite_account_get(lq_store *s, int64_t id, lq_account *out,
				lq_error *err);
int lq_store_sqlite_account_by_domain(lq_store *s, const char *domain,
				      lq_account *out, lq_error *err);
int lq_store_sqlite_account_put(lq_store *s, lq_account *a, lq_error *err);
int lq_store_sqlite_lead_get(lq_store *s, int64_t id, lq_lead *out,
			     lq_error *err);
int lq_store_sqlite_lead_by_email(lq_store *s, const char *email,
				  lq_lead *out, lq_error *err);
int lq_store_sqlite_lead_by_external_id(lq_store *s, const char *external_id,
					lq_lead *out, lq_error *err);
int lq_store_sqlite_lead_id_by_key(lq_store *s, int external, const char *key,
				   int64_t *id, lq_error *err);
int lq_store_sqlite_lead_put(lq_store *s, lq_lead *l, lq_error *err);
int lq_store_sqlite_leads_each(lq_store *s, const lq_lead_filter *filter,
			       lq_lead_fn fn, void *ctx, lq_error *err);
int lq_store_sqlite_event_add(lq_store *s, lq_event *e, int *duplicate,
			      lq_error *err);
int lq_store_sqlite_events_add(lq_store *s, lq_event *ev, size_t n,
			       unsigned char *dup, lq_error *err);
int lq_store_sqlite_events_dups(lq_store *s, lq_event *ev, size_t n,
				unsigned char *dup, lq_error *err);
int lq_store_sqlite_events_insert(lq_store *s, lq_event *ev, size_t n,
				  lq_error *err);
/* store_sqlite_events.c: register lq_msg_hash() and the transaction hooks
 * the event id counter needs (at open, before migrations); write the
 * counter back (before every COMMIT). */
int lq_store_sqlite_events_setup(lq_sqlite *q);
/* The fresh filter of a transaction dropped (its end, or a close). */
void lq_store_sqlite_fresh_forget(lq_sqlite *q);
int lq_store_sqlite_events_sync(lq_sqlite *q, lq_error *err);
int lq_store_sqlite_lead_events(lq_store *s, int64_t lead_id, lq_event **out,
				size_t *n, lq_error *err);
int lq_store_sqlite_models(lq_store *s, lq_model_row **out, size_t *n,
			   lq_error *err);
int lq_store_sqlite_accounts(lq_store *s, size_t limit, size_t offset,
			     lq_account **out, size_t *n, lq_error *err);
int lq_store_sqlite_lead_erase(lq_store *s, int64_t lead_id, lq_error *err);
int lq_store_sqlite_key_add(lq_store *s, lq_api_key *k, lq_error *err);
int lq_store_sqlite_key_by_prefix(lq_store *s, const char *prefix,
				  lq_api_key *out, lq_error *err);
int lq_store_sqlite_keys(lq_store *s, lq_api_key **out, size_t *n,
			 lq_error *err);
int lq_store_sqlite_key_revoke(lq_store *s, int64_t id, lq_time at,
			       lq_error *err);
int lq_store_sqlite_anon_event_add(lq_store *s, const char *anonymous_id,
				   lq_event *e, int *duplicate, lq_error *err);
int lq_store_sqlite_anon_events_take(lq_store *s, const char *anonymous_id,
				     lq_event **out, size_t *n, lq_error *err);
int lq_store_sqlite_identity_get(lq_store *s, const char *anonymous_id,
				 int64_t *lead_id, lq_error *err);
int lq_store_sqlite_identity_link(lq_store *s, const char *anonymous_id,
				  int64_t lead_id, lq_time at, lq_error *err);
int lq_store_sqlite_stage_changes_each(lq_store *s, lq_stage_change_fn fn,
				       void *ctx, lq_error *err);
int lq_store_sqlite_leads_range(lq_store *s, int64_t from, int64_t to,
				lq_lead_take_fn fn, void *ctx, lq_error *err);
int lq_store_sqlite_events_range(lq_store *s, int64_t from, int64_t to,
				 const lq_props_wanted *want,
				 lq_event_fn fn, void *ctx, lq_error *err);
int lq_store_sqlite_lead_id_max(lq_store *s, int64_t *out, lq_error *err);
int lq_store_sqlite_open_peer(lq_store *s, lq_store **out, lq_error *err);
int lq_store_sqlite_scores_bulk(lq_store *s, int on, lq_error *err);
int lq_store_sqlite_scores_ranked(lq_store *s, int64_t below, lq_error *err);
int lq_store_sqlite_rank_put_back(lq_sqlite *q, lq_error *err);
void lq_store_sqlite_rank_forget(lq_sqlite *q);
int lq_store_sqlite_begin_read(lq_store *s, lq_error *err);
int lq_store_sqlite_score_put(lq_store *s, const lq_score_row *r,
			      lq_error *err);
int lq_store_sqlite_score_get(lq_store *s, int64_t lead_id,
			      lq_score_row *out, lq_error *err);
int lq_store_sqlite_queue_count(lq_store *s, const lq_queue_filter *f,
				int64_t *n, lq_error *err);
int lq_store_sqlite_queue_each(lq_store *s, const lq_queue_group *g,
			       lq_queue_fn fn, void *ctx, lq_error *err);
int lq_store_sqlite_queue_scored_after(lq_store *s, lq_time t,
				       const char *owner, const char *source,
				       lq_queue_fn fn, void *ctx, lq_error *err);
int lq_store_sqlite_stage_add(lq_store *s, lq_stage_change *c, lq_error *err);
int lq_store_sqlite_stage_history(lq_store *s, int64_t lead_id,
				  lq_stage_change **out, size_t *n,
				  lq_error *err);
int lq_store_sqlite_count(lq_store *s, lq_store_counts *out, lq_error *err);
int lq_store_sqlite_gauges(lq_store *s, lq_store_gauges *out, lq_error *err);
/* store_sqlite_fold.c; recent_count_add: n rows more (or fewer) in
 * events_recent, in the transaction that added (deleted) them. */
int lq_store_sqlite_recent_count_add(lq_sqlite *q, int64_t n, lq_error *err);
void lq_store_sqlite_events_recent(lq_store *s, int on);
int lq_store_sqlite_events_fold_step(lq_store *s, int64_t min_rows,
				     int64_t *moved, int *more, lq_error *err);
int lq_store_sqlite_events_recent_rows(lq_store *s, int64_t *rows,
				       int *folding, lq_error *err);
int lq_store_sqlite_answer_set(lq_store *s, int64_t lead_id, int cycle,
			       const lq_answer *a, lq_error *err);
int lq_store_sqlite_answers(lq_store *s, int64_t lead_id, int cycle,
			    lq_answer **out, size_t *n, lq_error *err);
int lq_store_sqlite_note_add(lq_store *s, lq_note *n, lq_error *err);
int lq_store_sqlite_notes(lq_store *s, int64_t lead_id, lq_note **out,
			  size_t *n, lq_error *err);
int lq_store_sqlite_task_add(lq_store *s, lq_task *t, lq_error *err);
int lq_store_sqlite_task_done(lq_store *s, int64_t id, lq_time at,
			      lq_error *err);
int lq_store_sqlite_tasks(lq_store *s, const lq_task_filter *f,
			  lq_task **out, size_t *n, lq_error *err);
int lq_store_sqlite_webhook_add(lq_store *s, lq_webhook *w, lq_error *err);
int lq_store_sqlite_webhook_remove(lq_store *s, int64_t id, lq_error *err);
int lq_store_sqlite_webhooks_remove_origin(lq_store *s, const char *origin,
					   lq_error *err);
int lq_store_sqlite_webhooks(lq_store *s, lq_webhook **out, size_t *n,
			     lq_error *err);
int lq_store_sqlite_outbox_add(lq_store *s, lq_outbox_row *r, lq_error *err);
int lq_store_sqlite_outbox_due(lq_store *s, lq_time now, size_t limit,
			       lq_outbox_row **out, size_t *n, lq_error *err);
int lq_store_sqlite_outbox_list(lq_store *s, int status, size_t limit,
				lq_outbox_row **out, size_t *n, lq_error *err);
int lq_store_sqlite_outbox_get(lq_store *s, int64_t id, lq_outbox_row *out,
			       lq_error *err);
int lq_store_sqlite_outbox_update(lq_store *s, const lq_outbox_row *r,
				  lq_error *err);
int lq_store_sqlite_mqls_unalerted(lq_store *s, lq_time before,
				   const char *kind, size_t limit,
				   int64_t **ids, size_t *n, lq_error *err);
int lq_store_sqlite_alert_once(lq_store *s, int64_t lead_id,
			       const char *kind, int64_t key, int *first,
			       lq_error *err);
int lq_store_sqlite_counter_next(lq_store *s, const char *name,
				 int64_t *value, lq_error *err);
int lq_store_sqlite_counter_get(lq_store *s, const char *name,
				int64_t *value, lq_error *err);
int lq_store_sqlite_counter_set(lq_store *s, const char *name,
				int64_t value, lq_error *err);

/* ---- bind and column helpers (NULL stands for "absent") ------------------ */

/* The string must outlive the statement's next step (SQLITE_STATIC). */
static inline int sq_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
		 : sqlite3_bind_null(st, i);
}

/* The same with the length known (n bytes, no NUL needed): SQLite then
 * does not strlen v, which on the event insert path was a cache miss per
 * text. */
static inline int sq_bind_text_len(sqlite3_stmt *st, int i, const char *v,
				   size_t n)
{
	return v ? sqlite3_bind_text64(st, i, v, n, SQLITE_STATIC, SQLITE_UTF8)
		 : sqlite3_bind_null(st, i);
}

static inline int sq_bind_real(sqlite3_stmt *st, int i, double v)
{
	return isnan(v) ? sqlite3_bind_null(st, i)
			: sqlite3_bind_double(st, i, v);
}

static inline int sq_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

/* 0 stands for "none" (ids, created_at). */
static inline int sq_bind_int0(sqlite3_stmt *st, int i, int64_t v)
{
	return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

static inline int sq_is_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

/* NULL stays NULL; copied with copy, else borrowed from st. */
static inline char *sq_col_text(sqlite3_stmt *st, int i, int copy)
{
	const char *p = (const char *)sqlite3_column_text(st, i);
	if (!p || !copy)
		return (char *)p;
	return lq_xstrndup(p, (size_t)sqlite3_column_bytes(st, i));
}

static inline double sq_col_real(sqlite3_stmt *st, int i)
{
	return sq_is_null(st, i) ? NAN : sqlite3_column_double(st, i);
}

static inline int64_t sq_col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

#endif
