/*
 * fit.c - fit and channel points, grade, disqualifiers. Never reads the
 * clock, never touches storage.
 */
#include "engine/fit.h"

static double rules_points(const lq_rule *rules, size_t n,
			   const lq_eval_env *env, int *disq_rule)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (!lq_expr_eval(rules[i].when, env))
			continue;
		if (rules[i].disqualify) {
			if (disq_rule && *disq_rule < 0)
				*disq_rule = (int)i;
			continue;
		}
		sum += rules[i].points;
	}
	return sum;
}

void lq_fit_compute(const lq_model *m, const lq_lead *lead,
		    const lq_account *account, lq_fit_result *out)
{
	lq_eval_env env = {.lead = lead, .account = account};
	out->disq_rule = -1;
	out->fit = rules_points(m->fit, m->nfit, &env, &out->disq_rule);
	out->channel = rules_points(m->channel, m->nchannel, &env, NULL);
	out->grade = lq_model_grade(m, out->fit);
}

void lq_fit_to_env(const lq_fit_result *fit, double engagement,
		   lq_eval_env *env)
{
	env->has_score = 1;
	env->fit = fit->fit;
	env->channel = fit->channel;
	env->grade = fit->grade;
	env->engagement = engagement;
	env->score = fit->fit + fit->channel + engagement;
}
