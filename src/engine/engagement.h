/*
 * engagement.h - engagement points: what a lead does, per action rule,
 * fading with a half-life, expiring after a while, capped per rule.
 *
 * For action rule r with points p, half-life h (0 = no decay), expiry x
 * (0 = never) and cap c (0 = none), the rule's contribution at time `now` is
 *
 *     min(c, sum over matching events e with age(e) < x of
 *            p * 2^(-age(e) / h))           where age(e) = now - e.at
 *
 * The engagement value is the sum over rules. Events later than `now` count
 * at full weight (age 0); the service refuses events far in the future.
 *
 * The state is incremental: adding an event updates it in O(1) for rules
 * without expiry (a decayed sum and the time it refers to) and keeps the
 * events still inside the window for expiring rules, so a lead is rescored
 * from its new events alone, never by re-reading its history. The state
 * round-trips through bytes (encode/decode) to be cached by the store.
 */
#ifndef LQ_ENGAGEMENT_H
#define LQ_ENGAGEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "model/model.h"

typedef struct lq_rule_state {
	double sum;        /* no-expiry rules: decayed sum of points at ref */
	lq_time ref;       /* the time sum refers to (latest event) */
	uint32_t count;    /* events this rule ever counted */
	lq_time last;      /* latest event time counted, 0 when none */
	size_t n, cap;     /* expiring rules: events inside the window */
	lq_time *at;
	double *pts;
} lq_rule_state;

typedef struct lq_engagement {
	size_t nrules;     /* == model->nactions */
	lq_rule_state *rules;
} lq_engagement;

void lq_engagement_init(lq_engagement *e, const lq_model *m);
void lq_engagement_free(lq_engagement *e);

/* Count env->event under every action rule whose `on` and `when` match
 * (env carries lead, account and event). Expired window entries are
 * dropped relative to now. Returns how many rules matched. */
int lq_engagement_add(lq_engagement *e, const lq_model *m,
		      const lq_eval_env *env, lq_time now);

/* Contribution of rule i at now; *uncapped (may be NULL) gets the value
 * before the cap. */
double lq_engagement_rule_at(const lq_engagement *e, const lq_model *m,
			     size_t i, lq_time now, double *uncapped);

/* Total engagement at now. */
double lq_engagement_at(const lq_engagement *e, const lq_model *m,
			lq_time now);

/* Serialise the state (versioned, little-endian, self-checking). */
void lq_engagement_encode(const lq_engagement *e, lq_buf *out);
/* Rebuild a state encoded for a model with the same actions; returns -1
 * (and an empty state) when the bytes do not fit m. */
int lq_engagement_decode(const void *data, size_t len, const lq_model *m,
			 lq_engagement *out);

#endif
