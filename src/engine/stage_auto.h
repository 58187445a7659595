/*
 * stage_auto.h - the transitions the model makes by itself: a disqualifier
 * removes a lead, the `mql` criteria or a hand-raiser event make it an MQL.
 * Sales-driven transitions (accept, reject, qualify...) are not here.
 * Pure: a function of (model, current stage, scores, event).
 */
#ifndef LQ_STAGE_AUTO_H
#define LQ_STAGE_AUTO_H

#include "core/stage.h"
#include "engine/fit.h"
#include "model/model.h"

typedef struct lq_stage_decision {
	lq_stage to;          /* the new stage */
	char reason[256];     /* why, readable: "mql criteria: grade <= ..." */
} lq_stage_decision;

/* Decide whether the lead moves by itself. env carries lead, account, the
 * event just received (or NULL when rescoring) and the scores (has_score).
 * Returns 1 and fills out when a transition fires, else 0. */
int lq_stage_auto(const lq_model *m, lq_stage current,
		  const lq_fit_result *fit, const lq_eval_env *env,
		  lq_stage_decision *out);

/* True for stages marketing still owns (the model may move them). */
int lq_stage_is_marketing(lq_stage s);

#endif
