/*
 * fit.h - fit (who the lead is) and channel (where it came from) scoring:
 * points per matching rule, the grade the fit points earn, and whether a
 * disqualifier matched. Pure: a function of (model, lead, account).
 */
#ifndef LQ_FIT_H
#define LQ_FIT_H

#include "core/lead.h"
#include "model/model.h"

typedef struct lq_fit_result {
	double fit;        /* sum of matching fit rules' points */
	double channel;    /* sum of matching channel rules' points */
	char grade;        /* 'A'..'D' or 'F', from fit points */
	int disq_rule;     /* index in model->fit of the first matching
			      disqualifier, -1 when none */
} lq_fit_result;

/* Score lead (and its account, which may be NULL) against m. */
void lq_fit_compute(const lq_model *m, const lq_lead *lead,
		    const lq_account *account, lq_fit_result *out);

/* Fill the score part of env from a fit result and an engagement value. */
void lq_fit_to_env(const lq_fit_result *fit, double engagement,
		   lq_eval_env *env);

#endif
