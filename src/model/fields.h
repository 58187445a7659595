/*
 * fields.h - the field registry of the rule expression language: every name
 * an expression may use, its type, and the contexts (lq_expr_ctx bits)
 * where it is allowed; and how to read a field's value from an
 * lq_eval_env.
 *
 * Fixed names: lead fields (email, title, created_at, stage...),
 * account.* (domain, employees, tech...), event.type / event.at and the
 * score names (grade, fit, channel, engagement, score). Dynamic names carry
 * a key: attr.NAME, account.attr.NAME, event.NAME (an event property).
 *
 * The registry is a constant table: no state, thread-safe.
 */
#ifndef LQ_FIELDS_H
#define LQ_FIELDS_H

#include <stddef.h>

#include "core/error.h"
#include "core/value.h"
#include "model/expr.h"

/* What a field holds, for parse-time type checks. */
typedef enum lq_ftype {
	LQ_FT_TEXT,   /* a string */
	LQ_FT_NUM,    /* a number */
	LQ_FT_TIME,   /* a point in time (ms since the epoch when read) */
	LQ_FT_GRADE,  /* a grade letter A..D or F */
	LQ_FT_LIST,   /* a list of strings */
	LQ_FT_ANY,    /* custom attribute or event property: known at runtime */
} lq_ftype;

typedef enum lq_field_id {
	LQ_F_EMAIL, LQ_F_EMAIL_DOMAIN, LQ_F_EXTERNAL_ID, LQ_F_FIRST_NAME,
	LQ_F_LAST_NAME, LQ_F_TITLE, LQ_F_SENIORITY, LQ_F_DEPARTMENT,
	LQ_F_COUNTRY, LQ_F_SOURCE, LQ_F_CREATED_AT, LQ_F_STAGE,
	LQ_F_ACCOUNT_DOMAIN, LQ_F_ACCOUNT_NAME, LQ_F_ACCOUNT_INDUSTRY,
	LQ_F_ACCOUNT_EMPLOYEES, LQ_F_ACCOUNT_REVENUE, LQ_F_ACCOUNT_TRAFFIC,
	LQ_F_ACCOUNT_AD_SPEND, LQ_F_ACCOUNT_TECH, LQ_F_ACCOUNT_ATTR,
	LQ_F_ATTR,
	LQ_F_EVENT_TYPE, LQ_F_EVENT_AT, LQ_F_EVENT_PROP,
	LQ_F_GRADE, LQ_F_FIT, LQ_F_CHANNEL, LQ_F_ENGAGEMENT, LQ_F_SCORE,
} lq_field_id;

typedef struct lq_field {
	const char *name;  /* full name, or the prefix ("attr.") when dynamic */
	lq_field_id id;
	lq_ftype type;
	unsigned ctx;      /* lq_expr_ctx bits where the name is allowed */
	int dynamic;       /* 1: name is a prefix followed by a key */
} lq_field;

/* Resolve name (len bytes, not NUL-terminated) for an expression written in
 * ctx. Returns the registry entry (static, never freed) and, for dynamic
 * fields, sets *key and *keylen to the part after the prefix (pointing into
 * name). On failure returns NULL and puts the message in err (code
 * LQ_EINVAL, no position): "unknown field 'employees' (did you mean
 * account.employees?)" or "field 'event.url' is not available in fit and
 * channel rules (event.* is only available in engagement actions and
 * stages.hand_raiser)". */
const lq_field *lq_field_find(const char *name, size_t len, unsigned ctx,
			      const char **key, size_t *keylen, lq_error *err);

/* The value of field f (key for dynamic fields) in env, as a borrowed view:
 * strings and lists point into env's records and must not be freed. Missing
 * records, NULL or empty strings, NAN numbers, empty lists, a created_at of
 * 0 and scores without env->has_score are absent. Times read as numbers of
 * ms since the epoch, the grade as a one-letter string. */
lq_value lq_field_get(const lq_field *f, const char *key,
		      const lq_eval_env *env);

/* "text", "a number", "a time", "a grade", "a list", "any value". */
const char *lq_field_type_name(lq_ftype t);

/* The whole table (for documentation and completion); *n gets its size. */
const lq_field *lq_field_all(size_t *n);

#endif
