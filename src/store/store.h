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

/* A savepoint inside the open transaction: what happens after it can be
 * undone alone (the server's group commit isolates each request this
 * way). mark sets it, release keeps the work, undo rolls back to it and
 * releases it. Not nested. */
int lq_store_mark(lq_store *s, lq_error *err);
int lq_store_release(lq_store *s, lq_error *err);
void lq_store_undo(lq_store *s);

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
/* Every version, newest first, without their text. Free with
 * lq_model_rows_free. */
int lq_store_models(lq_store *s, lq_model_row **out, size_t *n,
		    lq_error *err);
void lq_model_rows_free(lq_model_row *r, size_t n);
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
/* Only the id of the lead with this email (external 0) or external id
 * (external 1), from the unique index alone: what resolving an event's
 * lead needs. LQ_ENOTFOUND when there is none. */
int lq_store_lead_id_by_key(lq_store *s, int external, const char *key,
			    int64_t *id, lq_error *err);
/* Insert (l->id == 0: sets l->id) or update every field of lead l->id,
 * stage included. Email and external id are unique: a clash is
 * LQ_ECONFLICT. */
int lq_store_lead_put(lq_store *s, lq_lead *l, lq_error *err);

/* ---- events -------------------------------------------------------------- */

/* Store e (sets e->id). When e->msg_id was stored before for the same
 * lead (a message counts once per lead), nothing is written and
 * *duplicate is set to 1 (else 0). */
int lq_store_event_add(lq_store *s, lq_event *e, int *duplicate,
		       lq_error *err);
/* Store n events as one write (bulk ingestion): ids are given in array
 * order (unique, increasing); dup[i] is set to 1 for an event whose
 * msg_id was stored before for its lead or comes earlier in the array
 * for the same lead (nothing is written for it), else 0. Every event
 * must pass lq_store_event_check: an event that does not fails the call,
 * part of the batch possibly written (the caller rolls back). The
 * backend chooses the write order. */
int lq_store_events_add(lq_store *s, lq_event *ev, size_t n,
			unsigned char *dup, lq_error *err);
/* The two halves of lq_store_events_add, for a caller that holds events
 * between them (an import scores each batch at once and writes many
 * batches in one sorted pass): lq_store_events_dups sets dup[i] as
 * lq_store_events_add does and writes nothing; lq_store_events_insert
 * stores all n as one write, ids in array order, without looking for
 * duplicates (the caller has left them out). */
int lq_store_events_dups(lq_store *s, lq_event *ev, size_t n,
			 unsigned char *dup, lq_error *err);
int lq_store_events_insert(lq_store *s, lq_event *ev, size_t n,
			   lq_error *err);
/* Events this connection stores from now on go to the recent events (a
 * small table) instead of the table clustered by lead, and are moved
 * there later, many per page, by lq_store_events_fold_step: a stream of
 * events spread over many leads costs a fraction of the writes. Every read and duplicate lookup sees both, on every
 * connection. The server's writer turns it on. */
void lq_store_events_recent(lq_store *s, int on);
/* One step of the fold of the recent events, its own transaction
 * (outside any): starts a fold when the recent events are at least
 * min_rows and an eighth of every event stored, then moves about 16k
 * of them per call (*moved), a range of leads at a time. *more: the
 * fold is not over (call again). Nothing to do is 0 with *more and
 * *moved 0, at the cost of one read. */
int lq_store_events_fold_step(lq_store *s, int64_t min_rows, int64_t *moved,
			      int *more, lq_error *err);
/* LQ_EINVAL (with the reason) when e cannot be stored: no type, no lead,
 * a property that is not a finite number. */
int lq_store_event_check(const lq_event *e, lq_error *err);
/* Size this connection's page cache for a bulk write: kib KiB, 0 for the
 * default (64 MiB). */
int lq_store_cache_size(lq_store *s, int64_t kib, lq_error *err);
/* Bytes this connection's page cache holds now (0 when unknown). */
int64_t lq_store_cache_bytes(lq_store *s);
/* Every event of a lead, oldest first (ties by id). Caller frees with
 * lq_events_free. */
int lq_store_lead_events(lq_store *s, int64_t lead_id, lq_event **out,
			 size_t *n, lq_error *err);
void lq_events_free(lq_event *ev, size_t n);
/* Call fn for every stored event ordered by (lead_id, at, id), with every
 * property and no msg_id (lq_store_events_range over every lead); fn
 * returns non-zero to stop (that value is returned). The event is
 * borrowed for the call only. */
typedef int (*lq_event_fn)(void *ctx, const lq_event *e);
int lq_store_events_each(lq_store *s, lq_event_fn fn, void *ctx,
			 lq_error *err);

/* ---- bulk passes over every lead (rescore, learning) ---------------------- */

/* Call fn for every lead with from <= id < to, by id, with its account
 * (NULL when it has none). The records are fn's to keep: it may move
 * fields out of them (lq_work_new does); what it leaves is freed after
 * the call. fn returns non-zero to stop (that value is returned). */
typedef int (*lq_lead_take_fn)(void *ctx, lq_lead *lead, lq_account *account);
int lq_store_leads_range(lq_store *s, int64_t from, int64_t to,
			 lq_lead_take_fn fn, void *ctx, lq_error *err);
/* Which event properties a bulk read decodes: the keys in keys (NULL:
 * every key) of the events whose type is in types (NULL: every type).
 * Both lists are NULL-terminated; an empty types list decodes none. */
typedef struct lq_props_wanted {
	const char *const *types;
	const char *const *keys;
} lq_props_wanted;
/* Call fn for every event of the leads from <= lead_id < to, ordered by
 * (lead_id, at, id); the event is borrowed for the call, its msg_id is
 * NULL and its props hold what want asks for (NULL: every property). */
int lq_store_events_range(lq_store *s, int64_t from, int64_t to,
			  const lq_props_wanted *want, lq_event_fn fn,
			  void *ctx, lq_error *err);
/* The largest lead id, 0 when there is no lead. */
int lq_store_lead_id_max(lq_store *s, int64_t *out, lq_error *err);
/* A second connection to the same database, for another thread (a store
 * is used by one thread at a time). LQ_ENOTFOUND when the database cannot
 * be shared (in memory). Close with lq_store_close. */
int lq_store_open_peer(lq_store *s, lq_store **out, lq_error *err);
/* Inside a write transaction, before (on 1) and after (on 0) writing the
 * score of every lead: the queue's rank is then set once per MQL, not
 * with each score. Until the call with on 0 the rank may be stale; a
 * rollback ends the bulk write too. */
int lq_store_scores_bulk(lq_store *s, int on, lq_error *err);
/* During a bulk write: every lead with id < below has its last score
 * written (none is written after this call): their MQLs are ranked now
 * (the end ranks the rest). Outside one it does nothing. */
int lq_store_scores_ranked(lq_store *s, int64_t below, lq_error *err);
/* A read transaction: every read until lq_store_rollback sees one
 * snapshot, taken at the first read, and writers are not blocked. */
int lq_store_begin_read(lq_store *s, lq_error *err);

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

/* ---- the sales queue (migration 5) -------------------------------------- */

/* Every MQL carries its rank - the grade, engagement and time of its last
 * scoring - kept by the store in the same statement as any write or
 * erasure of its score and when it enters mql, so that the MQLs can be
 * read in queue order, one group at a time. A group is the MQLs whose
 * last scoring gave one grade (grade 0: scored without a grade, before
 * 'A'; then 'A'..'F'), or the unscored MQLs (scored 0: after every
 * grade). Inside a group rows come by their rank engagement, highest
 * first; the unscored in no particular order. */
typedef struct lq_queue_group {
	int scored;           /* 0: the unscored MQLs */
	char grade;           /* scored: 0 (none) or 'A'..'F' */
	const char *owner;    /* NULL: any */
	const char *source;   /* NULL: any */
} lq_queue_group;

/* How many MQLs match a filter: O(the MQLs matched), counted in an index
 * (about 25-60 ns each), never reading a row. */
typedef struct lq_queue_filter {
	const char *owner;    /* NULL: any */
	const char *source;   /* NULL: any */
	char grade;           /* 0: any; else 'A'..'F', the grade at the last
				 scoring (the unscored have none) */
} lq_queue_filter;
int lq_store_queue_count(lq_store *s, const lq_queue_filter *f, int64_t *n,
			 lq_error *err);
/* Call fn for the MQLs of group g in rank order (the stored engagement,
 * highest first, then the oldest in the stage, unknown as 0, then the
 * lowest id: the queue's own order among equal engagements); records
 * are borrowed for the call (score NULL when unscored, account NULL when
 * none) and rank is the stored engagement the walk is ordered by (NAN
 * when unscored). fn returns non-zero to stop (that value is returned):
 * rows are read one at a time, so stopping early reads no more. */
typedef int (*lq_queue_fn)(void *ctx, const lq_lead *lead,
			   const lq_account *account,
			   const lq_score_row *score, double rank);
int lq_store_queue_each(lq_store *s, const lq_queue_group *g,
			lq_queue_fn fn, void *ctx, lq_error *err);
/* Call fn, as lq_store_queue_each does, for every MQL matching owner and
 * source (NULL: any) whose last scoring is later than t, in no particular
 * order: at t their engagement may be above their rank. Usually a few
 * rows (scored in the last moments), through index leads_queue_at. */
int lq_store_queue_scored_after(lq_store *s, lq_time t, const char *owner,
				const char *source, lq_queue_fn fn, void *ctx,
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
/* Call fn for every stage change of every lead, ordered by (lead_id, at,
 * id); the change is borrowed for the call. fn returns non-zero to stop.
 * The funnel and backtests read history this way. */
typedef int (*lq_stage_change_fn)(void *ctx, const lq_stage_change *c);
int lq_store_stage_changes_each(lq_store *s, lq_stage_change_fn fn,
				void *ctx, lq_error *err);
/* A lead's history, oldest first. Free with lq_stage_changes_free. */
int lq_store_stage_history(lq_store *s, int64_t lead_id,
			   lq_stage_change **out, size_t *n, lq_error *err);
void lq_stage_changes_free(lq_stage_change *c, size_t n);

/* ---- listing ------------------------------------------------------------- */

typedef struct lq_lead_filter {
	lq_stage stage;       /* LQ_STAGE_NONE: any */
	char grade;           /* 0: any */
	const char *source;   /* NULL: any */
	const char *owner;    /* NULL: any */
	int64_t account_id;   /* 0: any */
} lq_lead_filter;

/* Call fn for every lead matching filter, by id. Records are borrowed for
 * the call; score is NULL when the lead was never scored, account NULL when
 * it has none. fn returns non-zero to stop. */
typedef int (*lq_lead_fn)(void *ctx, const lq_lead *lead,
			  const lq_account *account,
			  const lq_score_row *score);
int lq_store_leads_each(lq_store *s, const lq_lead_filter *filter,
			lq_lead_fn fn, void *ctx, lq_error *err);

/* ---- lifecycle: qualification answers, notes, tasks (migration 2) -------- */

/* One answer of a qualification checklist (BANT/ANUM for SQL, the SQO
 * checklist), kept per lead and cycle; setting an item again replaces it. */
typedef struct lq_answer {
	char *item;           /* budget, authority, ..., buy_cycle, time_frame */
	char *value;          /* yes | no | unknown, or a date / an amount */
	lq_time at;
	char *actor;
} lq_answer;

int lq_store_answer_set(lq_store *s, int64_t lead_id, int cycle,
			const lq_answer *a, lq_error *err);
/* The answers of one cycle, by item name. Free with lq_answers_free. */
int lq_store_answers(lq_store *s, int64_t lead_id, int cycle,
		     lq_answer **out, size_t *n, lq_error *err);
void lq_answers_free(lq_answer *a, size_t n);

typedef struct lq_note {
	int64_t id;
	int64_t lead_id;
	int cycle;
	lq_time at;
	char *actor;
	char *text;
} lq_note;

int lq_store_note_add(lq_store *s, lq_note *n, lq_error *err); /* sets id */
/* Every note of a lead, oldest first. Free with lq_notes_free. */
int lq_store_notes(lq_store *s, int64_t lead_id, lq_note **out, size_t *n,
		   lq_error *err);
void lq_notes_free(lq_note *n, size_t count);

typedef struct lq_task {
	int64_t id;
	int64_t lead_id;
	char *owner;          /* NULL: unassigned */
	lq_time due;
	char *text;
	lq_time created_at;
	lq_time done_at;      /* 0 while open */
} lq_task;

int lq_store_task_add(lq_store *s, lq_task *t, lq_error *err); /* sets id */
/* Mark task id done at `at` (not 0, which means open); LQ_ENOTFOUND when
 * there is no such task. */
int lq_store_task_done(lq_store *s, int64_t id, lq_time at, lq_error *err);

typedef struct lq_task_filter {
	int64_t lead_id;      /* 0: any */
	const char *owner;    /* NULL: any */
	int open_only;        /* skip done tasks */
	lq_time due_before;   /* 0: any; else only tasks due before this */
} lq_task_filter;

/* Tasks matching filter, by due time then id. Free with lq_tasks_free. */
int lq_store_tasks(lq_store *s, const lq_task_filter *f, lq_task **out,
		   size_t *n, lq_error *err);
void lq_tasks_free(lq_task *t, size_t n);

/* ---- alerts: webhooks and the outbox ------------------------------------- */

typedef struct lq_webhook {
	int64_t id;
	char *url;
	char *events;         /* comma-separated: mql,sla_overdue,stage_changed */
	char *secret;         /* HMAC key; stored because signing needs it */
	char *origin;         /* "cli" or "model" */
	lq_time created_at;
	int max_attempts;     /* 0: the deliverer's default */
} lq_webhook;

int lq_store_webhook_add(lq_store *s, lq_webhook *w, lq_error *err);
/* Remove one webhook; LQ_ENOTFOUND when absent. Its outbox rows stay. */
int lq_store_webhook_remove(lq_store *s, int64_t id, lq_error *err);
/* Remove every webhook of an origin (a new model replaces its own). */
int lq_store_webhooks_remove_origin(lq_store *s, const char *origin,
				    lq_error *err);
int lq_store_webhooks(lq_store *s, lq_webhook **out, size_t *n,
		      lq_error *err);
void lq_webhooks_free(lq_webhook *w, size_t n);

typedef enum lq_outbox_status {
	LQ_OUTBOX_PENDING = 0,
	LQ_OUTBOX_DELIVERED,
	LQ_OUTBOX_DEAD,
} lq_outbox_status;

typedef struct lq_outbox_row {
	int64_t id;
	char *delivery_id;    /* unique per row, sent to receivers */
	int64_t webhook_id;
	char *url;            /* copied from the webhook when the row is made */
	char *secret;
	char *event;          /* mql, sla_overdue, stage_changed */
	int64_t lead_id;
	char *payload;        /* the JSON body */
	lq_time created_at;
	int attempts;
	lq_time next_at;      /* earliest next attempt */
	lq_outbox_status status;
	char *last_error;     /* NULL when none */
	lq_time delivered_at; /* 0 until delivered */
	int max_attempts;     /* from the webhook; 0: the deliverer's default */
} lq_outbox_row;

int lq_store_outbox_add(lq_store *s, lq_outbox_row *r, lq_error *err);
/* Pending rows with next_at <= now, oldest first (by next_at, then id),
 * at most limit (0: no limit). */
int lq_store_outbox_due(lq_store *s, lq_time now, size_t limit,
			lq_outbox_row **out, size_t *n, lq_error *err);
/* Rows by status (-1: every status), newest first (by id), at most limit
 * (0: no limit). */
int lq_store_outbox_list(lq_store *s, int status, size_t limit,
			 lq_outbox_row **out, size_t *n, lq_error *err);
int lq_store_outbox_get(lq_store *s, int64_t id, lq_outbox_row *out,
			lq_error *err);
/* Write back attempts, next_at, status, last_error, delivered_at. */
int lq_store_outbox_update(lq_store *s, const lq_outbox_row *r,
			   lq_error *err);
void lq_outbox_row_free(lq_outbox_row *r);
void lq_outbox_rows_free(lq_outbox_row *r, size_t n);

/* Record that alert `kind` was raised for (lead, key) — e.g. sla_overdue
 * for the MQL entered at time key. *first is 1 the first time, 0 after. */
int lq_store_alert_once(lq_store *s, int64_t lead_id, const char *kind,
			int64_t key, int *first, lq_error *err);
/* The MQLs that entered mql before `before` and have no `kind` alert keyed
 * by that entry time yet (lq_store_alert_once): at most limit lead ids,
 * earliest entry first, in *ids (caller frees). What the SLA sweep needs,
 * read from indexes only: no lead is read when none is new. */
int lq_store_mqls_unalerted(lq_store *s, lq_time before, const char *kind,
			    size_t limit, int64_t **ids, size_t *n,
			    lq_error *err);

/* ---- API keys (migration 3) ----------------------------------------------- */

typedef struct lq_api_key {
	int64_t id;
	char *name;
	char *role;           /* admin | sales | marketing | ingest */
	char *prefix;         /* public part, unique */
	char *hash;           /* hex BLAKE2b of the secret part */
	lq_time created_at;
	lq_time revoked_at;   /* 0 while valid */
} lq_api_key;

int lq_store_key_add(lq_store *s, lq_api_key *k, lq_error *err); /* sets id */
/* LQ_ENOTFOUND when no key has that prefix (revoked keys are returned). */
int lq_store_key_by_prefix(lq_store *s, const char *prefix, lq_api_key *out,
			   lq_error *err);
int lq_store_keys(lq_store *s, lq_api_key **out, size_t *n, lq_error *err);
/* LQ_ENOTFOUND when there is no such valid key. */
int lq_store_key_revoke(lq_store *s, int64_t id, lq_time at, lq_error *err);
void lq_api_key_free(lq_api_key *k);
void lq_api_keys_free(lq_api_key *k, size_t n);

/* ---- anonymous visitors (migration 3) ------------------------------------ */

/* Keep an event of a visitor known only by an anonymous id. *duplicate is
 * 1 (nothing written) when its msg_id was stored before, identified or
 * not. */
int lq_store_anon_event_add(lq_store *s, const char *anonymous_id,
			    lq_event *e, int *duplicate, lq_error *err);
/* Take (read and delete) every event of an anonymous id, oldest first;
 * lead_id is 0 in them. Free with lq_events_free. */
int lq_store_anon_events_take(lq_store *s, const char *anonymous_id,
			      lq_event **out, size_t *n, lq_error *err);
/* The lead an anonymous id was linked to; LQ_ENOTFOUND when none. */
int lq_store_identity_get(lq_store *s, const char *anonymous_id,
			  int64_t *lead_id, lq_error *err);
/* Link (or re-link) an anonymous id to a lead. */
int lq_store_identity_link(lq_store *s, const char *anonymous_id,
			   int64_t lead_id, lq_time at, lq_error *err);

/* ---- counters (deterministic round-robin routing) ----------------------- */

/* Return the counter's value before incrementing it (0 the first time). */
int lq_store_counter_next(lq_store *s, const char *name, int64_t *value,
			  lq_error *err);
/* A counter's value (0 when never set), and setting it. */
int lq_store_counter_get(lq_store *s, const char *name, int64_t *value,
			 lq_error *err);
int lq_store_counter_set(lq_store *s, const char *name, int64_t value,
			 lq_error *err);

/* ---- counts (for reports and tests) -------------------------------------- */

typedef struct lq_store_counts {
	int64_t accounts, leads, events, stage_changes, models, scores;
	int64_t notes, tasks, webhooks, outbox;
	int64_t mqls, outbox_pending, outbox_dead;
} lq_store_counts;

/* Accounts by id, at most limit from offset. Free with lq_accounts_free. */
int lq_store_accounts(lq_store *s, size_t limit, size_t offset,
		      lq_account **out, size_t *n, lq_error *err);
void lq_accounts_free(lq_account *a, size_t n);

/* Erase a person: delete the lead's events (and the anonymous events of
 * its linked visitor ids), notes, tasks, checklist answers, score, alerts
 * and outbox rows; blank every personal field of the lead row (email,
 * names, title, external id, custom attributes...) and the reasons in its
 * stage history. The row itself stays with its stages and source, so
 * funnel counts do not change. */
int lq_store_lead_erase(lq_store *s, int64_t lead_id, lq_error *err);

/* Fold every committed change from the write-ahead log into the database
 * file and truncate the log, so that content deleted before (overwritten
 * in the database: secure_delete) is gone from both files. Outside a
 * transaction. Fails (LQ_EIO) when readers keep old snapshots past the
 * busy timeout; the next checkpoint then finishes the job. */
int lq_store_checkpoint(lq_store *s, lq_error *err);
/* A passive checkpoint: copy what the WAL holds into the database file as
 * far as no reader needs it, never waiting for a lock (the server's
 * checkpointer thread; see src/server/writer.c). */
int lq_store_checkpoint_passive(lq_store *s, lq_error *err);
/* After each commit: the WAL's size in pages and the database's page
 * size in bytes (limits in bytes hold whatever the page size). */
typedef void (*lq_wal_fn)(void *ctx, int pages, int page_size);
/* Turn this connection's automatic checkpoint off and call fn after each
 * commit (fn may run lq_store_checkpoint_passive on this store). fn NULL
 * restores the automatic checkpoint. */
void lq_store_wal_hook(lq_store *s, lq_wal_fn fn, void *ctx);

int lq_store_count(lq_store *s, lq_store_counts *out, lq_error *err);

/* The gauges of /metrics, each counted in an index no larger than the
 * leads' (never the events'): a scrape costs milliseconds whatever the
 * events stored (lq_store_count counts them all: 0.3 s per 4M events). */
typedef struct lq_store_gauges {
	int64_t leads, mqls, outbox_pending, outbox_dead;
	int64_t events_recent;   /* rows of the recent events (an estimate
				    from above: erased rows count) */
	int events_folding;      /* a fold is under way */
} lq_store_gauges;
int lq_store_gauges_get(lq_store *s, lq_store_gauges *out, lq_error *err);

/* ---- learned models (migration 4) --------------------------------------- */

/* A model fitted by `leadq learn`: what it predicts and, as JSON, its
 * feature definitions, weights and metrics (engine/learned_model.h). */
typedef struct lq_learned_row {
	int64_t version;      /* 1, 2, 3... */
	char *outcome;        /* "won", "attr.converted" */
	lq_time created_at;
	char *json;
} lq_learned_row;

void lq_learned_row_free(lq_learned_row *r);
/* Store a learned model; *version gets its number. */
int lq_store_learned_add(lq_store *s, const char *outcome, lq_time created_at,
			 const char *json, int64_t *version, lq_error *err);
/* Version `version`, or the newest when version is 0; LQ_ENOTFOUND when
 * there is none. */
int lq_store_learned_get(lq_store *s, int64_t version, lq_learned_row *out,
			 lq_error *err);

/* A lead's probability of the outcome by a learned model, kept beside its
 * rules score. */
typedef struct lq_prediction {
	int64_t lead_id;
	int64_t learned_version;
	double probability;   /* 0..1 */
	lq_time scored_at;
} lq_prediction;

/* Insert or replace the prediction of every p[i].lead_id. */
int lq_store_predictions_put(lq_store *s, const lq_prediction *p, size_t n,
			     lq_error *err);
/* LQ_ENOTFOUND when the lead has none. */
int lq_store_prediction_get(lq_store *s, int64_t lead_id, lq_prediction *out,
			    lq_error *err);

#endif
