/*
 * features.h - features: the yes/no (or 0..1) questions a learned model
 * asks about a lead, made from the raw values of learn_data.h, and the
 * sparse matrix of their answers.
 *
 *   EQ        source == paid_search                (categorical value)
 *   OTHER     source is a value not kept on its own (rare values pooled)
 *   MISSING   source is missing                    (missing is a value)
 *   CONTAINS  account.tech contains salesforce     (list item)
 *   RANGE     lo <= account.employees < hi         (a quantile bin)
 *   LINEAR    min(events.page_view, cap) / cap     (engagement count)
 *
 * A plan decides the features from data: categorical values with enough
 * support (rarer ones pooled as OTHER), numeric attributes cut into
 * quantile bins, missing as its own value. For learning, event counts are
 * LINEAR (they map onto engagement actions with a cap) and recent events a
 * RANGE "at least one"; for insights event counts are binned like numbers.
 *
 * A feature names its attribute and values by text, so a feature set
 * learned on one dataset applies to another (predictions). Pure.
 */
#ifndef LQ_FEATURES_H
#define LQ_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "engine/learn_data.h"

typedef enum lq_feat_kind {
	LQ_FEAT_EQ, LQ_FEAT_OTHER, LQ_FEAT_MISSING, LQ_FEAT_CONTAINS,
	LQ_FEAT_RANGE, LQ_FEAT_LINEAR,
} lq_feat_kind;

typedef struct lq_feature {
	lq_feat_kind kind;
	char *attr;          /* attribute name: "source", "events.demo" */
	lq_attr_kind attr_kind;
	char *level;         /* EQ, CONTAINS: the value */
	char **kept;         /* OTHER: the values that have their own EQ */
	size_t nkept;
	double lo, hi;       /* RANGE: lo <= x < hi (-inf / inf when open) */
	double cap;          /* LINEAR: value is min(x, cap) / cap */
	size_t support;      /* rows where the feature is not 0 */
	size_t support_pos;  /* of them with the outcome */
	char *label;         /* human text, "account.employees >= 200" */
} lq_feature;

typedef struct lq_feature_set {
	lq_feature *items;
	size_t n, cap;
} lq_feature_set;

typedef struct lq_plan_opts {
	size_t min_support;  /* rows a feature needs (default 20) */
	int bins;            /* quantile bins per numeric attribute (5) */
	size_t max_levels;   /* categorical values kept per attribute (30) */
	int insights;        /* bin event counts instead of LINEAR */
} lq_plan_opts;

/* Sparse rows x features matrix (CSR): row i's entries are
 * col[start[i] .. start[i+1]) with values val[...], columns ascending. */
typedef struct lq_matrix {
	size_t nrows, ncols;
	size_t *start;
	uint32_t *col;
	double *val;
} lq_matrix;

/* Plan the features of finished data d (excluded attributes skipped) and
 * keep those with support >= min_support that are not constant. Fills
 * support counts. out is reset first; free with lq_feature_set_free. */
void lq_features_plan(const lq_learn_data *d, const lq_plan_opts *o,
		      lq_feature_set *out);
/* Append a feature (takes its strings). */
void lq_feature_set_push(lq_feature_set *fs, const lq_feature *f);
void lq_feature_set_free(lq_feature_set *fs);
/* Give f its label from its kind and values (replaces f->label). */
void lq_feature_label(lq_feature *f);

/* The value of every feature for every row of finished data d. Features
 * whose attribute d does not have are MISSING everywhere (EVENTS/RECENT:
 * 0). Free with lq_matrix_free. */
void lq_features_matrix(const lq_learn_data *d, const lq_feature_set *fs,
			lq_matrix *out);
void lq_matrix_free(lq_matrix *m);

/* Quantile cut points of n ascending values into `bins` bins: values at
 * ranks k*n/bins (k = 1..bins-1) that are above the minimum and strictly
 * increasing, so every bin [cut[i-1], cut[i]) holds at least one value.
 * When the minimum alone fills a bin's share or more (zero counts), it
 * gets a bin of its own and the larger values are cut into bins - 1.
 * cuts must hold bins - 1 numbers; returns how many were written. */
size_t lq_features_quantile_cuts(const double *sorted, size_t n, int bins,
				 double *cuts);

#endif
