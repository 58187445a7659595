/*
 * expr.h - the rule expression language of model files.
 *
 *   account.employees between 50 and 750
 *   account.industry in [software, saas] and not email_domain in $freemail
 *   title matches "(?i)procurement|purchasing"
 *   grade <= "B" and engagement >= 40
 *
 * Operators: and, or, not, parentheses; == != < <= > >=; between A and B;
 * in [..] / in $list / not in; contains, starts_with, ends_with; matches
 * "regex" (PCRE2, compiled once at parse time); exists (postfix). Literals:
 * numbers, "strings", durations (30d, 24h: their value is a number of
 * seconds), lists [a, "b", 3] whose bare words are strings.
 *
 * Names are checked at parse time against the fields allowed in the
 * expression's context (see lq_expr_ctx); a wrong name, a list that does not
 * exist, a bad regex or a type mismatch (account.employees contains 5) is an
 * error with line and column. Evaluation never fails: a missing field is
 * absent and every comparison with an absent value is false.
 *
 * String comparisons (==, !=, in, contains, starts_with, ends_with) ignore
 * ASCII case; ordering compares numbers numerically (a string that is a
 * whole number compares as one) and grade letters A < B < C < D < F, so
 * `grade <= "B"` means A or B.
 */
#ifndef LQ_EXPR_H
#define LQ_EXPR_H

#include <stddef.h>

#include "core/error.h"
#include "core/lead.h"
#include "core/value.h"

/* Where an expression is written; decides which names it may use. */
typedef enum lq_expr_ctx {
	LQ_CTX_FIT = 1,         /* fit and channel rules: lead, account, attr */
	LQ_CTX_ACTION = 2,      /* engagement actions: + event.* */
	LQ_CTX_STAGE = 4,       /* stages.mql: + grade, fit, engagement, score */
	LQ_CTX_HAND_RAISER = 8, /* stages.hand_raiser: + event.* and scores */
	LQ_CTX_ROUTING = 16,    /* routing rules: lead, account, attr, scores */
} lq_expr_ctx;

/* A named list from the model's `lists:` section (referenced as $name). */
typedef struct lq_named_list {
	char *name;
	lq_value items;   /* LQ_V_LIST */
} lq_named_list;

/* Everything an expression may look at. Pointers are borrowed; any may be
 * NULL (its fields are then absent). Score fields are read only when
 * has_score is set. */
typedef struct lq_eval_env {
	const lq_lead *lead;
	const lq_account *account;
	const lq_event *event;
	int has_score;
	double fit;         /* fit points */
	double channel;     /* channel points */
	char grade;         /* 'A'..'D' or 'F' */
	double engagement;  /* engagement points at now */
	double score;       /* fit + channel + engagement */
} lq_eval_env;

typedef struct lq_expr lq_expr;

/* Where the expression text sits in its file, so errors point into it. */
typedef struct lq_src_pos {
	const char *file;  /* for messages; may be NULL */
	int line;          /* line of the first character of the text */
	int col;           /* column of the first character of the text */
} lq_src_pos;

/* Parse and check text. On error returns NULL and fills err with the
 * position of the offending token (pos.line, pos.col + offset). lists are
 * borrowed during the call only (the expression copies what it needs).
 * Caller frees the result with lq_expr_free. */
lq_expr *lq_expr_parse(const char *text, unsigned ctx,
		       const lq_named_list *lists, size_t nlists,
		       lq_src_pos pos, lq_error *err);

/* 1 when the expression holds for env, else 0. Thread-safe for concurrent
 * calls on the same expression (PCRE2 match data is per call). */
int lq_expr_eval(const lq_expr *e, const lq_eval_env *env);

/* The text the expression was parsed from (borrowed). */
const char *lq_expr_text(const lq_expr *e);

/* True when the expression mentions event.* (used by the engine to know
 * whether a hand_raiser check needs an event). */
int lq_expr_uses_event(const lq_expr *e);

/* Call fn with the key of every event property the expression reads
 * (`event.url` -> "url"), once per mention; e may be NULL. */
void lq_expr_event_keys(const lq_expr *e,
			void (*fn)(void *ctx, const char *key), void *ctx);

void lq_expr_free(lq_expr *e);

#endif
