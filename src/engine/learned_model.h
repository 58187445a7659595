/*
 * learned_model.h - a learned model as data: the outcome it predicts, its
 * feature definitions and weights, and how well it cross-validated; with
 * its JSON form (what the store keeps, so predictions can be recomputed
 * and explained later) and the probability and explanation of one row.
 * Pure: text in, text out.
 */
#ifndef LQ_LEARNED_MODEL_H
#define LQ_LEARNED_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/time.h"
#include "engine/features.h"
#include "engine/learn.h"

typedef struct lq_learned {
	int64_t version;       /* 0 until stored */
	char *outcome;         /* "won", "sql", "attr.converted" */
	lq_time created_at;
	lq_time as_of;         /* 0: every lead and event */
	lq_learn_opts opts;
	size_t min_support;
	int bins;
	lq_feature_set fs;
	lq_learn_result res;   /* weights (res.w, one per feature), bias,
				  metrics; res.oof is not kept */
} lq_learned;

void lq_learned_free(lq_learned *m);

/* JSON text of m (caller frees). */
char *lq_learned_to_json(const lq_learned *m);
/* Parse what lq_learned_to_json wrote. LQ_EINVAL with a message naming
 * the first problem. out is zeroed first; free with lq_learned_free. */
int lq_learned_from_json(const char *json, lq_learned *out, lq_error *err);

/* One feature's part in a prediction. */
typedef struct lq_contribution {
	size_t feature;        /* index in m->fs */
	double value;          /* the feature's value for the row */
	double effect;         /* weight * value, in log-odds */
} lq_contribution;

/* Probability of row i of x (built with m->fs) and, when out is not NULL,
 * the row's non-zero contributions sorted by |effect|, largest first
 * (ties by feature index); *n gets their count. Caller frees *out. */
double lq_learned_explain(const lq_learned *m, const lq_matrix *x, size_t i,
			  lq_contribution **out, size_t *n);

/* "eq", "other", "missing", "contains", "range", "linear". */
const char *lq_feat_kind_name(lq_feat_kind k);
/* "cat", "num", "list", "events", "recent". */
const char *lq_attr_kind_name(lq_attr_kind k);

#endif
