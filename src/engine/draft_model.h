/*
 * draft_model.h - a learned model written as a scoring model people can
 * read, edit and apply (the YAML format of model/model.h): every feature
 * with a weight becomes a rule whose points are the coefficient scaled so
 * that LQ_DRAFT_POINTS_DOUBLE points double the odds of the outcome,
 * rounded to an integer, and commented with the coefficient and support.
 *
 *   source == X                  -> channel rule
 *   other profile features       -> fit rules (missing: not x exists)
 *   events.T (per event, capped) -> engagement action on T with max
 *   recent.T                     -> engagement action on T, expires 7d
 *
 * Grades and the mql threshold are set from the points the training leads
 * would get. Every `when` is checked with the expression parser; a rule
 * the language cannot express is left out with a comment. Pure.
 */
#ifndef LQ_DRAFT_MODEL_H
#define LQ_DRAFT_MODEL_H

#include "engine/learned_model.h"

#define LQ_DRAFT_POINTS_DOUBLE 20

/* Points of a coefficient (log-odds) on the draft's scale. */
long lq_draft_points(double coef);

/* The YAML text of the draft for m; x is the training matrix (m->fs
 * features, used for grades and the mql threshold; may have 0 rows).
 * Caller frees. */
char *lq_draft_model_yaml(const lq_learned *m, const lq_matrix *x);

#endif
