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
	int explained;            /* 0 when no model is applied */
	lq_explanation explanation;
	int64_t model_version;
	const char *model_name;   /* borrowed from the service's model */
} lq_lead_detail;

int lq_service_lead_detail(lq_service *svc, const char *key,
			   lq_lead_detail *out, lq_error *err);
void lq_lead_detail_free(lq_lead_detail *d);

/* Resolve a lead key (email, external id, or "#123"/"123" id). */
int lq_service_find_lead(lq_service *svc, const char *key, lq_lead *out,
			 lq_error *err);

#endif
