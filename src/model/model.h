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
#define LQ_MODEL_MAX_DEPTH 64          /* nested YAML mappings and lists */
#define LQ_MODEL_MAX_OWNER 128         /* bytes of a routing owner */
#define LQ_MODEL_MAX_OWNERS 1000       /* names in routing.round_robin */
#define LQ_MODEL_MAX_WEBHOOKS 100      /* entries in webhooks */
#define LQ_MODEL_MAX_URL 2048          /* bytes of a webhook url */
#define LQ_MODEL_MIN_SECRET 8          /* bytes of a webhook secret */
#define LQ_MODEL_MAX_SECRET 256
#define LQ_MODEL_MAX_ATTEMPTS 100      /* webhook max_attempts: 1..this */
#define LQ_MODEL_DEFAULT_ATTEMPTS 8
#define LQ_MODEL_MAX_EVENT_MAP 1000    /* entries in event_map */
#define LQ_MODEL_MAX_SEGMENT_EVENT 256 /* bytes of an event_map event name */
#define LQ_MODEL_MAX_EVENT_TYPE 64     /* bytes of a leadq event type */

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

/* A routing rule: a lead that becomes an MQL and matches when goes to
 * owner. Rules are tried in file order; the first match wins. */
typedef struct lq_route_rule {
	lq_expr *when;       /* never NULL; context LQ_CTX_ROUTING */
	char *owner;         /* 1..LQ_MODEL_MAX_OWNER bytes */
	int line;            /* where the rule starts in the model file */
} lq_route_rule;

/* Alert events a webhook can subscribe to (bits of lq_model_webhook.events
 * and of the store's comma-separated lists). */
enum {
	LQ_ALERT_MQL = 1,            /* "mql": a lead became an MQL */
	LQ_ALERT_SLA_OVERDUE = 2,    /* "sla_overdue": an MQL passed sal_sla */
	LQ_ALERT_STAGE_CHANGED = 4,  /* "stage_changed": any stage transition */
	LQ_ALERT_ALL = 7,
};

/* A webhook declared in the model file (`webhooks:`). */
typedef struct lq_model_webhook {
	char *url;           /* http:// or https://, at most LQ_MODEL_MAX_URL */
	unsigned events;     /* bitmask of LQ_ALERT_*, never 0 (default all) */
	char *secret;        /* HMAC key, LQ_MODEL_MIN_SECRET..MAX_SECRET bytes */
	int max_attempts;    /* delivery attempts, 1..LQ_MODEL_MAX_ATTEMPTS */
	int line;            /* where the entry starts in the model file */
} lq_model_webhook;

/* Parse a comma-separated list of alert event names ("mql,sla_overdue";
 * spaces around names are ignored) into a bitmask of LQ_ALERT_*. Returns 0
 * with err filled (LQ_EINVAL, field "events") for an unknown or empty name
 * or an empty list: "unknown alert event 'x' (mql, sla_overdue,
 * stage_changed)". err may be NULL. */
unsigned lq_alert_parse_list(const char *comma_list, lq_error *err);

/* The name of one LQ_ALERT_* bit ("mql"); NULL when one_bit is not exactly
 * one known bit. Static string. */
const char *lq_alert_name(unsigned one_bit);

/* Write the names of mask's known bits, in bit order, comma-separated
 * ("mql,stage_changed"; "" for 0) into out, always NUL-terminated when
 * outsz > 0 (truncated when too small). */
void lq_alert_format_list(unsigned mask, char *out, size_t outsz);

/* One event_map entry: a Segment event name (any text, as written) and the
 * leadq event type it stands for ([a-z0-9_]{1,LQ_MODEL_MAX_EVENT_TYPE}). */
typedef struct lq_event_map_entry {
	char *name;          /* "Demo Requested" */
	char *type;          /* "demo_request" */
	int line, col;       /* where the entry's name is in the model file */
} lq_event_map_entry;

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
	lq_route_rule *routes;       /* routing.rules, first match wins */
	size_t nroutes;
	char **round_robin;          /* routing.round_robin: owners taking
					turns for leads no rule matched (a
					name may repeat to weight it) */
	size_t nround_robin;
	int on_recycle_reset;        /* on_recycle: 1 reset_engagement,
					0 keep_engagement (the default) */
	lq_model_webhook *webhooks;
	size_t nwebhooks;
	lq_event_map_entry *event_map; /* event_map:, in file order */
	size_t nevent_map;
	/* lookup indexes over event_map, private to model_event_map.c */
	lq_event_map_entry **event_map_exact, **event_map_nocase;
	char *text;                  /* the YAML source as loaded */
} lq_model;

/* Load a model from YAML text. file names the source in messages. On any
 * problem returns LQ_EINVAL, leaves *out NULL, puts every problem found in
 * diags (when non-NULL; caller frees with lq_diags_free) and the first one in
 * err. On success *out is a new model (caller frees with lq_model_free).
 * diags is reset first (pass a zeroed or freed one); problems are sorted by
 * line then column, at most 1000 of them. Text over LQ_MODEL_MAX_FILE bytes
 * or nested deeper than LQ_MODEL_MAX_DEPTH is refused. */
int lq_model_load(const char *text, size_t len, const char *file,
		  lq_model **out, lq_diags *diags, lq_error *err);

/* Read the file and load it. Returns LQ_ENOTFOUND when it does not exist,
 * LQ_EIO when it cannot be read, LQ_EINVAL when it is too large or holds
 * problems (err and diags filled as for lq_model_load). */
int lq_model_load_file(const char *path, lq_model **out, lq_diags *diags,
		       lq_error *err);

void lq_model_free(lq_model *m);

/* What leadq shows in place of a webhook secret. A model holding it as a
 * secret is refused (someone re-applied a masked model). */
#define LQ_MODEL_SECRET_MASK "********"
/* The model text with the value of every `secret:` key replaced by
 * "LQ_MODEL_SECRET_MASK", the rest byte for byte: what `leadq model show`
 * and GET /api/model show. Newly allocated (caller frees); NULL when the
 * text is not one YAML document (then show nothing of it). */
char *lq_model_mask_secrets(const char *text, size_t len);

/* Grade letter for fit points: the first band whose min <= fit, else 'F'. */
char lq_model_grade(const lq_model *m, double fit);

/* The BANT item an sql_requires entry stands for: "budget", "authority",
 * "need" or "timing" ("money" -> "budget", "urgency" -> "timing": ANUM
 * aliases); NULL when item is not an sql_requires name. Static string. */
const char *lq_model_sql_item(const char *item);

/* The leadq event type event_map gives a Segment event name: the entry
 * written exactly so first, else the first entry (in file order) equal to
 * it ignoring ASCII case; NULL when none matches (or m or segment_event is
 * NULL). Borrowed from the model. */
const char *lq_model_event_type(const lq_model *m, const char *segment_event);

/* True when item is an sqo_requires name (buy_cycle, influencer,
 * time_frame, opportunity_size, follow_up). */
int lq_model_is_sqo_item(const char *item);

#endif
