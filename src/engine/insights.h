/*
 * insights.h - which attribute values leads with an outcome share, and
 * which the others share: for every feature of an insights plan (every
 * categorical value, numeric quantile bin, missing value, event count
 * bin), its share among leads with the outcome and among the others, the
 * lift (the ratio of the two shares) and 95% Wilson intervals.
 *
 *   declared_monthly_revenue >= 100000: 31% of won vs 9% of others, lift 3.4
 *
 * Pure: computed from finished learning data (learn_data.h).
 */
#ifndef LQ_INSIGHTS_H
#define LQ_INSIGHTS_H

#include <stddef.h>

#include "engine/features.h"

typedef struct lq_insight {
	const lq_feature *feature;   /* borrowed from the result's set */
	size_t pos_with, neg_with;   /* leads with the feature, by class */
	double share_pos, share_neg; /* pos_with / npos, neg_with / nneg */
	double pos_lo, pos_hi;       /* 95% Wilson interval of share_pos */
	double neg_lo, neg_hi;       /* ... of share_neg */
	double lift;                 /* share_pos / share_neg (INFINITY
					when no other lead has it) */
	double rate, rate_lo, rate_hi; /* outcome rate among leads with the
					feature, with its Wilson interval */
} lq_insight;

typedef struct lq_insights {
	lq_feature_set fs;
	lq_insight *items;           /* sorted by lift, highest first */
	size_t n;
	size_t npos, nneg;
} lq_insights;

/* Plan features of d with o (o->insights is forced on), keep those with
 * at least o->min_support leads, and rank them by lift (ties: more
 * support first, then label). Rows with an unknown label are ignored.
 * Free with lq_insights_free. */
void lq_insights_compute(const lq_learn_data *d, const lq_plan_opts *o,
			 lq_insights *out);
void lq_insights_free(lq_insights *r);

#endif
