/*
 * model.h - the scoring model: the written agreement between marketing and
 * sales (see DESIGN.md, "The model file"). Loaded from YAML by model_load.c,
 * immutable once loaded, shared read-only by the engine.
 */
#ifndef LQ_MODEL_H
#define LQ_MODEL_H

#include <stddef.h>

#include "core/error.h"
#include "core/time.h"
#include "model/expr.h"

/* Limits on what one model file may hold (see lq_model_load). */
#define LQ_MODEL_MAX_RULES 10000       /* rules per section */
#define LQ_MODEL_MAX_LISTS 1000        /* named lists */
#define LQ_MODEL_MAX_LIST_ITEMS 100000 /* items per named list */
#define LQ_MODEL_MAX_FILE (4 * 1024 * 1024) /* bytes of YAML */

/* A fit or channel rule. */
typedef struct lq_rule {
	char *name;
	lq_expr *when;       /* never NULL */
	int points;          /* may be negative (an undesirable) */
	int disqualify;      /* fit only: a match removes the lead */
	int line;            /* where the rule starts in the model file */
} lq_rule;

/* An engagement action rule. */
typedef struct lq_action {
	char *name;
	char *on;            /* event type this rule listens to */
	lq_expr *when;       /* NULL: every event of that type */
	double points;       /* per event, before decay */
	double max;          /* cap for this rule's total; 0 = no cap */
	lq_dur expires;      /* events older than this stop counting; 0 = never */
	lq_dur half_life;    /* effective half-life; 0 = no decay */
	int line;
} lq_action;

typedef struct lq_grade_band {
	char letter;         /* 'A'..'D' */
	int min;             /* minimum fit points for this grade */
} lq_grade_band;

/* One problem found while loading: position + message. */
typedef struct lq_diags {
	lq_error *items;
	size_t n, cap;
} lq_diags;

void lq_diags_free(lq_diags *d);

typedef struct lq_model {
	int version;                 /* format version, 1 */
	char *name;
	lq_named_list *lists;
	size_t nlists;
	lq_rule *fit;
	size_t nfit;
	lq_rule *channel;
	size_t nchannel;
	lq_grade_band grades[4];     /* A, B, C, D in that order */
	lq_dur half_life;            /* engagement default; 0 = no decay */
	lq_action *actions;
	size_t nactions;
	lq_expr *mql;                /* NULL: never automatic */
	lq_expr *hand_raiser;        /* NULL: no fast track */
	lq_dur sal_sla;              /* 0 = no SLA */
	char **sql_requires;
	size_t nsql_requires;
	char **sqo_requires;
	size_t nsqo_requires;
	char *text;                  /* the YAML source as loaded */
} lq_model;

/* Load a model from YAML text. file names the source in messages. On any
 * problem returns LQ_EINVAL, leaves *out NULL, puts every problem found in
 * diags (when non-NULL; caller frees with lq_diags_free) and the first one in
 * err. On success *out is a new model (caller frees with lq_model_free).
 * diags is reset first (pass a zeroed or freed one); problems are sorted by
 * line then column, at most 1000 of them. Text over LQ_MODEL_MAX_FILE bytes
 * is refused. */
int lq_model_load(const char *text, size_t len, const char *file,
		  lq_model **out, lq_diags *diags, lq_error *err);

/* Read the file and load it. Returns LQ_ENOTFOUND when it does not exist,
 * LQ_EIO when it cannot be read, LQ_EINVAL when it is too large or holds
 * problems (err and diags filled as for lq_model_load). */
int lq_model_load_file(const char *path, lq_model **out, lq_diags *diags,
		       lq_error *err);

void lq_model_free(lq_model *m);

/* Grade letter for fit points: the first band whose min <= fit, else 'F'. */
char lq_model_grade(const lq_model *m, double fit);

/* The BANT item an sql_requires entry stands for: "budget", "authority",
 * "need" or "timing" ("money" -> "budget", "urgency" -> "timing": ANUM
 * aliases); NULL when item is not an sql_requires name. Static string. */
const char *lq_model_sql_item(const char *item);

/* True when item is an sqo_requires name (buy_cycle, influencer,
 * time_frame, opportunity_size, follow_up). */
int lq_model_is_sqo_item(const char *item);

#endif
