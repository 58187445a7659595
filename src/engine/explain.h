/*
 * explain.h - why a lead has its score: every rule that fired with its
 * points (after decay and cap) and the events behind it, ordered the way a
 * sales rep reads it: a disqualifier first, then fit from the biggest
 * points down, undesirables, channel, then engagement by points.
 *
 * Computed from the lead's full event list (not the cached state), so it
 * also serves as an independent check of the incremental engagement maths.
 */
#ifndef LQ_EXPLAIN_H
#define LQ_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/lead.h"
#include "model/model.h"

typedef enum lq_explain_kind {
	LQ_EXPLAIN_DISQUALIFIER,
	LQ_EXPLAIN_FIT,
	LQ_EXPLAIN_CHANNEL,
	LQ_EXPLAIN_ENGAGEMENT,
} lq_explain_kind;

typedef struct lq_explain_item {
	lq_explain_kind kind;
	const char *rule;       /* borrowed from the model */
	const char *when;       /* the rule's expression text, borrowed */
	double points;          /* what the rule adds now */
	/* engagement only: */
	double full;            /* points before decay (events x points) */
	double uncapped;        /* after decay, before the cap */
	double cap;             /* the rule's cap, 0 = none */
	size_t nevents;         /* events counted (inside the window) */
	size_t nexpired;        /* matching events past the rule's expiry */
	int64_t *event_ids;     /* ids of the counted events, newest first */
	lq_time last_at;        /* newest counted event */
} lq_explain_item;

typedef struct lq_explanation {
	lq_explain_item *items;
	size_t n;
	double fit, channel, engagement, score;
	char grade;
	int disqualified;
	lq_time now;
} lq_explanation;

/* Explain lead (account may be NULL) with its events (any order) at now.
 * Events later than now, or before lead->engagement_since (a recycle that
 * reset engagement), are ignored. Caller frees out. */
void lq_explain_lead(const lq_model *m, const lq_lead *lead,
		     const lq_account *account, const lq_event *events,
		     size_t nevents, lq_time now, lq_explanation *out);

void lq_explanation_free(lq_explanation *x);

/* Kind as a word: "disqualifier", "fit", "channel", "engagement". */
const char *lq_explain_kind_name(lq_explain_kind k);

#endif
