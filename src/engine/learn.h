/*
 * learn.h - fitting a logistic regression on a feature matrix (liblinear),
 * with k-fold cross-validation, and the metrics that say how good it is:
 * AUC (ties count half), log-loss, a lift table by decile, Wilson
 * intervals. Pure and deterministic: folds come from a seeded generator,
 * never from the clock; liblinear's own random choices (L1 solver) are
 * seeded too.
 */
#ifndef LQ_LEARN_H
#define LQ_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/features.h"

#define LQ_LEARN_MAX_FOLDS 20
#define LQ_LEARN_DECILES 10

typedef struct lq_learn_opts {
	int l1;              /* 1: L1-regularised (sparse), 0: L2 */
	double c;            /* inverse regularisation strength (1.0) */
	int folds;           /* cross-validation folds, 2..LQ_LEARN_MAX_FOLDS */
	uint64_t seed;       /* fold assignment and solver seed */
	double eps;          /* solver tolerance (0: liblinear's 0.01) */
} lq_learn_opts;

/* One decile of leads ranked by predicted probability, best first. */
typedef struct lq_lift_row {
	size_t n, pos;       /* leads in the decile, of them positive */
	double min_p, max_p; /* predicted probabilities in the decile */
	double rate;         /* pos / n */
	double lift;         /* rate / overall rate */
	double capture;      /* share of all positives in deciles 1..this */
} lq_lift_row;

typedef struct lq_learn_result {
	double *w;           /* one weight per feature (final fit on all rows) */
	size_t nw;
	double bias;
	int folds;
	double fold_auc[LQ_LEARN_MAX_FOLDS];
	double fold_logloss[LQ_LEARN_MAX_FOLDS];
	double auc_mean;     /* mean of fold AUCs */
	double auc_oof;      /* AUC of all out-of-fold predictions pooled */
	double logloss;      /* log-loss of the pooled out-of-fold predictions */
	double base_rate;    /* positives / rows */
	double *oof;         /* out-of-fold probability per row */
	lq_lift_row lift[LQ_LEARN_DECILES];
	size_t nlift;
	size_t nrows, npos;
} lq_learn_result;

/* Cross-validate then fit on every row. y[i] is 0 or 1. Fails with
 * LQ_EINVAL when a class has fewer rows than folds ("too few ..."). */
int lq_learn_fit_cv(const lq_matrix *x, const int *y, const lq_learn_opts *o,
		    lq_learn_result *out, lq_error *err);
void lq_learn_result_free(lq_learn_result *r);

/* Fit on the rows listed in rows[0..n) only; w gets x->ncols weights. */
int lq_learn_fit(const lq_matrix *x, const int *y, const size_t *rows,
		 size_t n, const lq_learn_opts *o, double *w, double *bias,
		 lq_error *err);

/* Re-express the weights of every attribute whose features split the
 * rows exactly one way (each row has exactly one of them: categorical
 * values with "another value" and "missing", numeric bins with "missing")
 * relative to its most common feature, which gets weight 0 while the bias
 * takes the difference. Predictions do not change; a draft then reads as
 * points relative to the usual value. */
void lq_learn_reference_levels(const lq_feature_set *fs, const lq_matrix *x,
			       double *w, double *bias);

/* Linear predictor w.x + bias of matrix row i, and the probability. */
double lq_learn_margin(const double *w, double bias, const lq_matrix *x,
		       size_t i);
double lq_learn_sigmoid(double z);

/* Stratified fold of every row, 0..k-1: positives and negatives are each
 * shuffled with seed and dealt in turn, so folds have the same balance. */
void lq_learn_folds(const int *y, size_t n, int k, uint64_t seed, int *fold);

/* Area under the ROC curve of score for labels y (0/1): the probability
 * that a random positive scores above a random negative, ties counting
 * one half. NAN when a class is empty. */
double lq_learn_auc(const double *score, const int *y, size_t n);
/* Mean negative log-likelihood, probabilities clipped to [1e-15, 1-1e-15]. */
double lq_learn_logloss(const double *p, const int *y, size_t n);
/* Rows ranked by p (highest first, ties by row) cut into `groups` groups
 * as equal as possible; returns how many were filled (<= groups). */
size_t lq_learn_lift_table(const double *p, const int *y, size_t n,
			   size_t groups, lq_lift_row *out);
/* Wilson score interval of k successes in n trials at normal quantile z
 * (1.96 for 95%). n == 0 gives [0, 1]. */
void lq_wilson(size_t k, size_t n, double z, double *lo, double *hi);

/* A small seeded generator (splitmix64), for folds and tests. */
uint64_t lq_learn_rand(uint64_t *state);

#endif
