/*
 * stage_auto.c - automatic stage changes driven by the model.
 */
#include "engine/stage_auto.h"

#include <stdio.h>

int lq_stage_is_marketing(lq_stage s)
{
	return s == LQ_STAGE_SUBSCRIBER || s == LQ_STAGE_LEAD ||
	       s == LQ_STAGE_NURTURE;
}

static int becomes_disqualified(const lq_model *m, lq_stage current,
				const lq_fit_result *fit,
				lq_stage_decision *out)
{
	if (fit->disq_rule < 0)
		return 0;
	if (!lq_stage_is_marketing(current) && current != LQ_STAGE_MQL)
		return 0;
	out->to = LQ_STAGE_DISQUALIFIED;
	snprintf(out->reason, sizeof out->reason, "disqualified by rule '%s'",
		 m->fit[fit->disq_rule].name);
	return 1;
}

static int is_hand_raiser(const lq_model *m, const lq_eval_env *env)
{
	if (!m->hand_raiser)
		return 0;
	if (lq_expr_uses_event(m->hand_raiser) && !env->event)
		return 0;
	return lq_expr_eval(m->hand_raiser, env);
}

int lq_stage_auto(const lq_model *m, lq_stage current,
		  const lq_fit_result *fit, const lq_eval_env *env,
		  lq_stage_decision *out)
{
	if (becomes_disqualified(m, current, fit, out))
		return 1;
	if (!lq_stage_is_marketing(current))
		return 0;
	if (env->event && is_hand_raiser(m, env)) {
		out->to = LQ_STAGE_MQL;
		snprintf(out->reason, sizeof out->reason, "hand-raiser: %s",
			 env->event->type ? env->event->type : "event");
		return 1;
	}
	if (m->mql && lq_expr_eval(m->mql, env)) {
		out->to = LQ_STAGE_MQL;
		snprintf(out->reason, sizeof out->reason, "mql criteria: %s",
			 lq_expr_text(m->mql));
		return 1;
	}
	return 0;
}
