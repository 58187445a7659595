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

/* ---- imports (all-or-nothing per file unless skip_bad) ------------------- */

typedef struct lq_import_opts {
	const char *map_spec;     /* --map "col=field,...", may be NULL */
	const char *date_fmt;     /* --date-format, NULL = ISO 8601 */
	int skip_bad;             /* reject bad lines, load the rest */
	lq_stage stage;           /* leads: entry stage; stages: fixed stage;
				     LQ_STAGE_NONE when not given */
} lq_import_opts;

typedef struct lq_import_report {
	size_t lines;             /* records read */
	size_t created;           /* leads created */
	size_t updated;           /* leads updated */
	size_t stored;            /* events or stage changes stored */
	size_t duplicates;        /* events already stored (same id) */
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

int lq_service_leads(lq_service *svc, const lq_lead_query *q,
		     lq_lead_list *out, lq_error *err);
void lq_lead_list_free(lq_lead_list *l);

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
} lq_queue;

int lq_service_queue(lq_service *svc, const char *owner, size_t limit,
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

/* ---- ingestion sessions (the tracking API writes through these) ---------- */

/* Who an event or a call is about. Exactly one way of naming applies:
 * key (imports: an email or a known external id; an unknown email creates
 * the lead, anything else unknown is an error), or user_id (tracking API:
 * the sender's id for the person, stored as external id, created when new;
 * an email-shaped user id is also the email), else anonymous_id (a
 * visitor not identified yet: the event is kept until identify/alias
 * links the id to a lead, or goes straight to the lead it is linked to). */
typedef struct lq_who {
	const char *key;
	const char *user_id;
	const char *anonymous_id;
} lq_who;

typedef struct lq_ingest lq_ingest;
struct lq_lead_input;

/* Start a write session: one transaction for everything until end. */
int lq_ingest_begin(lq_service *svc, lq_ingest **out, lq_error *err);
/* Store and score one event (ev->lead_id is filled). *duplicate is set
 * when its msg_id was seen before. A user error (unknown lead, event from
 * the future) writes nothing for this event and the session goes on. */
int lq_ingest_event(lq_ingest *in, const lq_who *who, lq_event *ev,
		    int *duplicate, lq_error *err);
/* identify: create or update the lead (traits: profile and account
 * fields; its external_id is set from who->user_id), then link
 * who->anonymous_id to it and score the visitor's earlier events with
 * their original times. */
int lq_ingest_identify(lq_ingest *in, const lq_who *who,
		       struct lq_lead_input *traits, lq_error *err);
/* alias: previous_id (an anonymous id) is the lead named by who. */
int lq_ingest_alias(lq_ingest *in, const lq_who *who,
		    const char *previous_id, lq_error *err);
/* Counts of what the session did so far. */
const lq_import_report *lq_ingest_report(const lq_ingest *in);
/* Commit (commit != 0) or roll back, and free the session. Returns the
 * commit's result. */
int lq_ingest_end(lq_ingest *in, int commit, lq_error *err);

/* Resolve a lead key (email, external id, or "#123"/"123" id). */
int lq_service_find_lead(lq_service *svc, const char *key, lq_lead *out,
			 lq_error *err);

#endif
