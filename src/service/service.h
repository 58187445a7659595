/*
 * service.h - the operations both front ends (CLI today, HTTP later) share,
 * so they can never disagree. Each write operation is one transaction:
 * it either happens completely or not at all.
 *
 * A service holds an open store, the current scoring model (if one was
 * applied) and the clock value `now` for this run.
 */
#ifndef LQ_SERVICE_H
#define LQ_SERVICE_H

#include <stdio.h>

#include "core/error.h"
#include "core/lead.h"
#include "engine/explain.h"
#include "model/model.h"
#include "store/store.h"

typedef struct lq_service {
	lq_store *store;
	lq_model *model;          /* NULL until a model is applied */
	int64_t model_version;    /* 0 when no model */
	lq_time now;
	/* webhooks, loaded on first use (see alerts.h) */
	struct lq_webhook *webhooks;
	unsigned *webhook_events; /* LQ_ALERT_* mask per webhook */
	size_t nwebhooks;
	int webhooks_loaded;
} lq_service;

/* Open the database (create it when create is set) and load the current
 * model. Caller frees with lq_service_close. */
int lq_service_open(const char *db, int create, lq_time now,
		    lq_service **out, lq_error *err);
void lq_service_close(lq_service *svc);

/* ---- model --------------------------------------------------------------- */

/* Store text as a new model version and rescore every lead, in one
 * transaction. The model must load cleanly (diags get every problem). */
typedef struct lq_apply_report {
	int64_t version;
	size_t leads_rescored;
	size_t stage_changes;
} lq_apply_report;

int lq_service_model_apply(lq_service *svc, const char *text, size_t len,
			   const char *file, lq_apply_report *rep,
			   lq_diags *diags, lq_error *err);

/* The current model as people and API clients see it (`model show`,
 * GET /api/model): its text with every webhook secret masked
 * (lq_model_mask_secrets). LQ_ENOTFOUND when no model was applied. Free
 * with lq_model_row_free. */
int lq_service_model_shown(lq_service *svc, lq_model_row *out, lq_error *err);

/* ---- imports (all-or-nothing per file unless skip_bad) ------------------- */

#define LQ_IMPORT_CACHE_MIB 384
#define LQ_IMPORT_HOLD_MIB 256

typedef struct lq_import_opts {
	const char *map_spec;     /* --map "col=field,...", may be NULL */
	const char *date_fmt;     /* --date-format, NULL = ISO 8601 */
	int skip_bad;             /* reject bad lines, load the rest */
	lq_stage stage;           /* leads: entry stage; stages: fixed stage;
				     LQ_STAGE_NONE when not given */
	int cache_mib;            /* events: page cache while importing, MiB;
				     0: LQ_IMPORT_CACHE_MIB */
	int hold_mib;             /* events: scored events held to be
				     stored in one sorted write, MiB;
				     0: LQ_IMPORT_HOLD_MIB */
} lq_import_opts;

typedef struct lq_import_report {
	size_t lines;             /* records read */
	size_t created;           /* leads created */
	size_t updated;           /* leads updated */
	size_t stored;            /* events or stage changes stored */
	size_t duplicates;        /* events already stored (same id, same
				     lead) */
	size_t rejected;          /* bad lines skipped (skip_bad) */
	size_t stage_changes;     /* automatic stage changes made */
} lq_import_report;

/* Called once per rejected line when skip_bad is set (err has the line). */
typedef void (*lq_reject_fn)(void *ctx, const lq_error *err);

typedef enum lq_input_format { LQ_INPUT_CSV, LQ_INPUT_NDJSON } lq_input_format;

int lq_service_import_leads(lq_service *svc, FILE *in, const char *name,
			    lq_input_format fmt, const lq_import_opts *opts,
			    lq_import_report *rep, lq_reject_fn on_reject,
			    void *ctx, lq_error *err);
int lq_service_import_events(lq_service *svc, FILE *in, const char *name,
			     const lq_import_opts *opts, lq_import_report *rep,
			     lq_reject_fn on_reject, void *ctx, lq_error *err);
int lq_service_import_stages(lq_service *svc, FILE *in, const char *name,
			     const lq_import_opts *opts, lq_import_report *rep,
			     lq_reject_fn on_reject, void *ctx, lq_error *err);

/* ---- queries ------------------------------------------------------------- */

typedef enum lq_lead_sort {
	LQ_SORT_SCORE, LQ_SORT_ENGAGEMENT, LQ_SORT_FIT, LQ_SORT_UPDATED,
} lq_lead_sort;

/* One row of a lead listing, scores evaluated at svc->now. */
typedef struct lq_lead_row {
	lq_lead lead;
	lq_account account;       /* domain NULL when the lead has none */
	int scored;
	double fit, channel, engagement, score;
	char grade;
	lq_time updated_at;       /* last scoring */
} lq_lead_row;

typedef struct lq_lead_list {
	lq_lead_row *rows;
	size_t n;
	size_t total;             /* matching leads before the limit */
} lq_lead_list;

typedef struct lq_lead_query {
	lq_lead_filter filter;
	lq_lead_sort sort;
	size_t limit;             /* 0 = no limit */
} lq_lead_query;

/* "score", "engagement", "fit", "updated" -> *out; -1 when unknown. */
int lq_lead_sort_parse(const char *name, lq_lead_sort *out);

int lq_service_leads(lq_service *svc, const lq_lead_query *q,
		     lq_lead_list *out, lq_error *err);
void lq_lead_list_free(lq_lead_list *l);
/* One listing row from a stored lead, its account (NULL: none) and score
 * (NULL: never scored): copies of the records, the score evaluated at
 * svc->now. The caller frees r->lead and r->account. */
void lq_service_lead_row(lq_service *svc, const lq_lead *lead,
			 const lq_account *account, const lq_score_row *score,
			 lq_lead_row *r);

/* Everything about one lead: profile, account, stage history, events and
 * the explanation of its score at now. key is an email, an external id or
 * a numeric lead id. */
typedef struct lq_lead_detail {
	lq_lead lead;
	lq_account account;
	int has_account;
	lq_stage_change *history;
	size_t nhistory;
	lq_event *events;
	size_t nevents;
	lq_answer *answers;       /* checklist answers of the current cycle */
	size_t nanswers;
	lq_note *notes;           /* every cycle, oldest first */
	size_t nnotes;
	lq_task *tasks;           /* open and done */
	size_t ntasks;
	int explained;            /* 0 when no model is applied */
	lq_explanation explanation;
	int64_t model_version;
	const char *model_name;   /* borrowed from the service's model */
	const lq_model *model;    /* borrowed: its checklists for the UI */
	int predicted;            /* 1 when a learned model scored the lead */
	lq_prediction prediction;
} lq_lead_detail;

int lq_service_lead_detail(lq_service *svc, const char *key,
			   lq_lead_detail *out, lq_error *err);
void lq_lead_detail_free(lq_lead_detail *d);

/* ---- lifecycle: sales actions (one transaction each) --------------------- */

/* mql -> sal; owner (may be NULL) becomes the lead's owner. */
int lq_service_accept(lq_service *svc, const char *key, const char *actor,
		      const char *owner, lq_error *err);
/* mql|sal -> nurture (recycle) or disqualified; reason is required. */
int lq_service_reject(lq_service *svc, const char *key, const char *actor,
		      const char *reason, int disqualify, lq_error *err);

/* One checklist answer as given by a user ("budget", "yes"). */
typedef struct lq_answer_in {
	const char *item;
	const char *value;
} lq_answer_in;

typedef struct lq_checklist_result {
	lq_stage stage;           /* the lead's stage afterwards */
	int moved;                /* 1 when the answers completed the step */
	size_t nmissing;
	char missing[256];        /* "authority, timing is no" */
} lq_checklist_result;

/* Record BANT/ANUM answers; sal -> sql when every sql_requires item is
 * yes, else res says what is missing (the answers are kept either way). */
int lq_service_qualify(lq_service *svc, const char *key, const char *actor,
		       const lq_answer_in *answers, size_t n,
		       lq_checklist_result *res, lq_error *err);
/* Record SQO answers; sql -> sqo when sqo_requires holds. */
int lq_service_opportunity(lq_service *svc, const char *key,
			   const char *actor, const lq_answer_in *answers,
			   size_t n, lq_checklist_result *res, lq_error *err);
/* sqo -> won (amount may be NULL); sal|sql|sqo -> lost (reason required). */
int lq_service_won(lq_service *svc, const char *key, const char *actor,
		   const char *amount, lq_error *err);
int lq_service_lost(lq_service *svc, const char *key, const char *actor,
		    const char *reason, lq_error *err);

/* A note on the lead's current cycle; *id gets the note's id. */
int lq_service_note(lq_service *svc, const char *key, const char *actor,
		    const char *text, int64_t *id, lq_error *err);
/* A follow-up task due at `due` (owner NULL: the lead's owner). */
int lq_service_task(lq_service *svc, const char *key, const char *owner,
		    lq_time due, const char *text, int64_t *id, lq_error *err);
int lq_service_task_done(lq_service *svc, int64_t id, lq_error *err);

/* ---- queue and SLA -------------------------------------------------------- */

/* MQLs awaiting sales, best first: grade, then engagement, then age. */
typedef struct lq_queue_row {
	lq_lead_row row;
	lq_time due;              /* SLA due time, 0 when no SLA */
} lq_queue_row;

typedef struct lq_queue {
	lq_queue_row *rows;
	size_t n;
	size_t total;
	size_t read;              /* MQLs read to build the page (its cost) */
} lq_queue;

typedef struct lq_queue_query {
	const char *owner;        /* NULL: any */
	char grade;               /* 0: any */
	const char *source;       /* NULL: any */
	size_t offset;            /* rows skipped from the best */
	size_t limit;             /* 0: every row after offset */
} lq_queue_query;

/* out->total counts every MQL matching the filters; out->n the rows kept
 * (offset, limit). A page (limit > 0) is read in one read transaction:
 * call it outside a transaction. */
int lq_service_queue(lq_service *svc, const lq_queue_query *q,
		     lq_queue *out, lq_error *err);
void lq_queue_free(lq_queue *q);

/* Overdue MQLs (the queue rows past due, most late first) and overdue
 * open tasks. */
typedef struct lq_sla_report {
	lq_queue overdue;
	lq_task *tasks;
	size_t ntasks;
} lq_sla_report;

int lq_service_sla(lq_service *svc, const char *owner, lq_sla_report *out,
		   lq_error *err);
void lq_sla_report_free(lq_sla_report *r);

int lq_service_tasks(lq_service *svc, const char *owner, int overdue_only,
		     lq_task **out, size_t *n, lq_error *err);

/* ---- alerts: webhooks, outbox, delivery ----------------------------------- */

int lq_service_webhook_add(lq_service *svc, const char *url,
			   const char *events, const char *secret,
			   int64_t *id, lq_error *err);
int lq_service_webhook_remove(lq_service *svc, int64_t id, lq_error *err);
/* Make a dead (or pending) row due now again with a fresh attempt count. */
int lq_service_outbox_retry(lq_service *svc, int64_t id, lq_error *err);

typedef struct lq_deliver_report {
	size_t swept;             /* sla_overdue alerts raised by the sweep */
	size_t attempted, delivered, retried, dead;
} lq_deliver_report;

/* One pass: raise sla_overdue alerts for MQLs past due (once per MQL
 * entry), then POST every due outbox row (at most limit), each result
 * committed on its own so a killed deliverer loses nothing. A row dies
 * after its webhook's max_attempts (model webhooks), else max_attempts. */
int lq_service_deliver(lq_service *svc, size_t limit, int max_attempts,
		       lq_deliver_report *rep, lq_error *err);

/* ---- erasure and accounts ------------------------------------------------ */

/* Erase the personal data of the lead named by key, in one transaction
 * (see lq_store_lead_erase: the funnel keeps an anonymous row), then
 * checkpoint the WAL so the old pages leave the files (best effort: busy
 * readers postpone it to the next checkpoint). */
int lq_service_forget(lq_service *svc, const char *key, lq_error *err);

/* Accounts by id, at most limit (0: all) from offset. */
int lq_service_accounts(lq_service *svc, size_t limit, size_t offset,
			lq_account **out, size_t *n, lq_error *err);

/* ---- ingestion sessions (the tracking API writes through these) ---------- */

/* Who an event or a call is about: user_id (the sender's id for the
 * person, stored as external id, created when new; an email-shaped user
 * id is also the email), else anonymous_id (a visitor not identified
 * yet: the event is kept until identify/alias links the id to a lead, or
 * goes straight to the lead it is linked to). */
typedef struct lq_who {
	const char *user_id;
	const char *anonymous_id;
} lq_who;

typedef struct lq_ingest lq_ingest;
struct lq_lead_input;

/* Start a write session: one transaction for everything until end. */
int lq_ingest_begin(lq_service *svc, lq_ingest **out, lq_error *err);
/* Take one event (ev->lead_id is filled, then *ev is left empty): its
 * lead is resolved (or created) now and the event checked; it is scored
 * and stored with the session's next batch, in the order events came
 * (an event whose msg_id the lead has, stored or queued, counts once as
 * a duplicate). A user error (event from the future, bad property)
 * queues nothing and the session goes on; a failure scoring or storing
 * the queue is the storage's: the session must be rolled back. */
int lq_ingest_event(lq_ingest *in, const lq_who *who, lq_event *ev,
		    lq_error *err);
/* identify: create or update the lead (traits: profile and account
 * fields; its external_id is set from who->user_id), then link
 * who->anonymous_id to it and score the visitor's earlier events with
 * their original times. */
int lq_ingest_identify(lq_ingest *in, const lq_who *who,
		       struct lq_lead_input *traits, lq_error *err);
/* alias: previous_id (an anonymous id) is the lead named by who. */
int lq_ingest_alias(lq_ingest *in, const lq_who *who,
		    const char *previous_id, lq_error *err);
/* Create or update a lead from a record (as `import leads` does); *id
 * gets its id. */
int lq_ingest_lead(lq_ingest *in, struct lq_lead_input *rec, int64_t *id,
		   lq_error *err);
/* The checks of lq_ingest_event and lq_ingest_identify that depend on
 * the message alone, not on what is stored, so that a front end can
 * refuse a message before queueing it: an event later than svc->now
 * (beyond a few minutes of clock skew), a property that is not a finite
 * number, a userId longer than 256 bytes, an identify with neither a
 * userId nor an email. */
int lq_ingest_check_event(lq_service *svc, const lq_who *who,
			  const lq_event *ev, lq_error *err);
int lq_ingest_check_identify(const lq_who *who,
			     const struct lq_lead_input *traits, lq_error *err);
/* Write back the events and leads the session holds in memory (before
 * releasing a savepoint), or forget them without writing (after undoing
 * to one). */
int lq_ingest_flush(lq_ingest *in, lq_error *err);
void lq_ingest_forget(lq_ingest *in);
/* Counts of what the session did so far (its queued events count when
 * they are scored: all of them after lq_ingest_flush). */
const lq_import_report *lq_ingest_report(const lq_ingest *in);
/* Commit (commit != 0) or roll back, and free the session. Returns the
 * commit's result. */
int lq_ingest_end(lq_ingest *in, int commit, lq_error *err);

/* Resolve a lead key (email, external id, or "#123"/"123" id). */
int lq_service_find_lead(lq_service *svc, const char *key, lq_lead *out,
			 lq_error *err);
/* The same key rules, only the lead's id (no lead row read for an email
 * or an external id): how imports resolve each event's lead. */
int lq_service_find_lead_id(lq_service *svc, const char *key, int64_t *id,
			    lq_error *err);

/* ---- api keys ---- */

/* Who an API key speaks for. What each role may do over the HTTP API:
 *   ingest     send events only (the tracking API: track, identify, alias)
 *   sales      read leads; act on the lifecycle (accept, reject, qualify,
 *              opportunity, won, lost, notes, tasks)
 *   marketing  read leads; read and change the scoring model
 *   admin      everything, managing API keys and webhooks included
 * A route names the set of roles it admits (a mask of LQ_ROLE_* bits);
 * admin always passes. */
typedef enum {
	LQ_ROLE_INGEST = 1,
	LQ_ROLE_SALES = 2,
	LQ_ROLE_MARKETING = 4,
	LQ_ROLE_ADMIN = 8,
} lq_role;

/* "admin", "sales", "marketing", "ingest" (any case) -> the role; 0 when
 * s is NULL or unknown. */
lq_role lq_role_parse(const char *s);
/* The lowercase name, "unknown" for anything else. */
const char *lq_role_name(lq_role r);
/* 1 when a key with role `have` may call a route open to needed_mask (a
 * set of LQ_ROLE_* bits); admin is always allowed, so an empty mask means
 * admin only. 0 when have is not exactly one role. */
int lq_role_allows(lq_role have, unsigned needed_mask);

/* Key text: "lq_<prefix>_<secret>", prefix 12 lowercase hex digits (public,
 * stored, finds the key), secret 32 random bytes in unpadded base64url (43
 * characters). Only hex(BLAKE2b-256(secret bytes)) is stored. */
#define LQ_KEY_PREFIX_LEN 12
#define LQ_KEY_SECRET_LEN 43
#define LQ_KEY_LEN (3 + LQ_KEY_PREFIX_LEN + 1 + LQ_KEY_SECRET_LEN)

/* Create a key for role (see lq_role_parse) with an optional name (NULL,
 * at most 100 bytes, no control characters). *key_out gets the full key,
 * the only time it exists in clear: show it once, never log it; the caller
 * frees it (sodium_memzero first is kind). *id gets the key's id. A bad
 * role or name is LQ_EINVAL. */
int lq_service_key_create(lq_service *svc, const char *role, const char *name,
			  char **key_out, int64_t *id, lq_error *err);
/* 0 when key is a valid, unrevoked key: out gets its id, name, role,
 * prefix and times (hash left NULL; free with lq_api_key_free). Any other
 * key (malformed, unknown prefix, wrong secret, revoked) is LQ_ENOTFOUND
 * with the same message, "invalid api key", whatever the reason; the
 * secret is compared in constant time. Other codes: the store failed. */
int lq_service_key_verify(lq_service *svc, const char *key, lq_api_key *out,
			  lq_error *err);
/* Revoke key id at svc->now; LQ_ENOTFOUND when no valid key has that id. */
int lq_service_key_revoke(lq_service *svc, int64_t id, lq_error *err);
/* Every key, revoked ones included, by id; hashes are left NULL. Free with
 * lq_api_keys_free. */
int lq_service_keys(lq_service *svc, lq_api_key **out, size_t *n,
		    lq_error *err);

/* ---- funnel ---- */

#include "engine/funnel.h"

/* A funnel query as a front end receives it: every field is text so the
 * CLI and the HTTP API validate it the same way; NULL means the default. */
typedef struct lq_funnel_query {
	const char *cohort;       /* "mql" (default) or "created" */
	const char *from, *to;    /* ISO 8601; entries from <= time < to */
	const char *by;           /* source, grade, owner, month, week,
				     attr.NAME, account.FIELD (domain, name,
				     industry, employees, revenue, traffic,
				     ad_spend, tech, attr.NAME); NULL: none */
	const char *trend;        /* "week" or "month": rows per period */
} lq_funnel_query;

/* The answer: the engine's result plus the query it answers and notes
 * for the reader (negative durations left out, recycles...). Rendered by
 * io/funnel_json.h (JSON) and the CLI (table, CSV). */
typedef struct lq_funnel_report {
	lq_funnel_result result;
	char *by;                 /* NULL when not grouped */
	lq_funnel_period trend;
	int has_from, has_to;
	lq_time from, to;
	char **notes;
	size_t nnotes;
} lq_funnel_report;

/* Walk every lead and stage change and compute the funnel. A bad query is
 * LQ_EINVAL with err->field naming the part at fault (cohort, from, to,
 * by, trend). Free with lq_funnel_report_free. */
int lq_service_funnel(lq_service *svc, const lq_funnel_query *q,
		      lq_funnel_report *out, lq_error *err);
void lq_funnel_report_free(lq_funnel_report *r);

/* ---- backtest ---- */

#include "engine/backtest.h"

/* The name that stands for the applied model instead of a file. */
#define LQ_BACKTEST_CURRENT "@current"

typedef struct lq_backtest_request {
	/* model files (or LQ_BACKTEST_CURRENT): [0] the model, [1] --vs */
	const char *files[LQ_BACKTEST_MAX_MODELS];
	/* model YAML given as text (an upload) instead of reading files[k],
	 * which then only names it in messages; NULL: read the file */
	const char *texts[LQ_BACKTEST_MAX_MODELS];
	size_t nmodels;            /* 1 or 2 */
	lq_time from, to;          /* window [from, to) on MQL and won times;
				      LQ_TIME_MIN / LQ_BACKTEST_NEVER: open */
	size_t capacity;           /* MQLs kept per ISO week; 0: no cap */
} lq_backtest_request;

/* One model, open window, no capacity (files still to set). */
void lq_backtest_request_init(lq_backtest_request *rq);

typedef struct lq_backtest_result {
	lq_model *models[LQ_BACKTEST_MAX_MODELS];
	lq_backtest_report report; /* see engine/backtest.h for the meaning */
	size_t events_read;        /* events read from the store */
} lq_backtest_result;

/* Replay the stored history under each model without writing anything
 * (semantics in engine/backtest.h). A model that does not load fails with
 * LQ_EINVAL (LQ_ENOTFOUND for a missing file) and every problem of every
 * file in diags (may be NULL; caller frees with lq_diags_free), as
 * FILE:LINE:COL. Caller frees out with lq_backtest_result_free. */
int lq_service_backtest(lq_service *svc, const lq_backtest_request *rq,
			lq_backtest_result *out, lq_diags *diags,
			lq_error *err);
void lq_backtest_result_free(lq_backtest_result *r);

/* ---- learning ---- */

#include "engine/insights.h"
#include "engine/learned_model.h"

/* What insights and learning look at. Leads enter the data as of their
 * entry into the funnel: the first change into mql or a later main-path
 * stage, else created_at when they never were MQLs; only events at or
 * before that moment count. */
typedef struct lq_learn_query {
	const char *outcome;      /* won (default), sqo, sql, sal: the lead
				     reached that stage (won implies sqo and
				     sql); or attr.NAME holding 0/1 */
	lq_time as_of;            /* 0: everything; else only leads that
				     entered before it, outcomes reached
				     before it */
	const char *const *fields;  /* only these attributes (names, or
				       prefixes ending in '*'); n == 0: all */
	size_t nfields;
	const char *const *exclude; /* never these */
	size_t nexclude;
	int no_leak_check;        /* keep attributes that exist for one
				     outcome class only */
	size_t min_support;       /* leads a feature needs; 0: default (30
				     insights, 20 learn) */
	int bins;                 /* quantile bins per number; 0: 5 */
} lq_learn_query;

/* What a learning run read. */
typedef struct lq_learn_scope {
	size_t leads;             /* leads in the store */
	size_t used;              /* rows learned from */
	size_t not_entered;       /* no entry time, or entered after as_of */
	size_t unlabelled;        /* attr outcome missing or not 0/1 */
	size_t events;            /* events at or before their lead's entry */
	size_t events_after;      /* events after it: never features */
	char **leaky;             /* attributes left out by the leak check */
	size_t nleaky;
} lq_learn_scope;

typedef struct lq_insights_report {
	char outcome[128];
	lq_learn_scope scope;
	lq_insights insights;
} lq_insights_report;

/* Shares of every attribute value among leads with the outcome and the
 * others (engine/insights.h). Free with lq_insights_report_free. */
int lq_service_insights(lq_service *svc, const lq_learn_query *q,
			lq_insights_report *out, lq_error *err);
void lq_insights_report_free(lq_insights_report *r);

typedef struct lq_learn_report {
	lq_learn_scope scope;
	lq_learned model;         /* version 0 when not stored (dry run) */
	char *draft;              /* the draft scoring model, YAML */
} lq_learn_report;

/* Gather, cross-validate and fit (engine/learn.h), store the learned model
 * as a new version (unless dry_run, in one transaction) and write the
 * draft scoring model. Free with lq_learn_report_free. */
int lq_service_learn(lq_service *svc, const lq_learn_query *q,
		     const lq_learn_opts *opts, int dry_run,
		     lq_learn_report *out, lq_error *err);
void lq_learn_report_free(lq_learn_report *r);

/* One lead's prediction beside its rules score. */
typedef struct lq_prediction_row {
	int64_t lead_id;
	char *key;                /* email, else external id */
	lq_stage stage;
	double probability;
	int scored;               /* rules score known */
	double score;             /* rules score as last computed */
	char grade;
} lq_prediction_row;

typedef struct lq_predict_report {
	int64_t learned_version;
	char outcome[128];
	double auc;               /* the learned model's cross-validated AUC */
	double mean;              /* mean probability */
	lq_prediction_row *rows;  /* highest probability first */
	size_t n;
} lq_predict_report;

/* Probability of every lead by the newest learned model, features taken
 * as of each lead's entry (now for leads that have not entered), stored
 * beside the rules score in one transaction. LQ_ENOTFOUND when nothing
 * was learned yet. Free with lq_predict_report_free. */
int lq_service_score_predict(lq_service *svc, lq_predict_report *out,
			     lq_error *err);
void lq_predict_report_free(lq_predict_report *r);

/* One lead explained by the newest learned model: its probability and the
 * features that moved it most. */
typedef struct lq_predict_detail {
	lq_lead lead;
	lq_learned model;
	lq_time as_of;            /* entry time, or now when not entered */
	int entered;
	double probability;
	lq_contribution *contrib; /* by |effect|, largest first */
	size_t ncontrib;
	int stored;               /* a stored prediction exists */
	lq_prediction saved;
	int scored;
	double score;             /* rules score as last computed */
	char grade;
} lq_predict_detail;

int lq_service_predict(lq_service *svc, const char *key,
		       lq_predict_detail *out, lq_error *err);
void lq_predict_detail_free(lq_predict_detail *d);

#endif
