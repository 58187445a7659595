/*
 * fuzz_model.c - libFuzzer harness for the YAML model loader
 * (model/model_load.c, model_yaml.c, model_rules.c, model_lifecycle.c,
 * model_event_map.c, and the expressions inside).
 *
 * The input is a model file. lq_model_load must either refuse it with
 * every problem as file:line:col (never half a model) or return a model;
 * a model that loads is then used the way the engine uses it: every rule
 * is explained for a sample lead with events, grades and event_map
 * lookups are exercised. Nothing may crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "engine/explain.h"
#include "fuzz_util.h"
#include "model/model.h"

static fz_sample sample;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_sample_init(&sample);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lq_model *m = NULL;
	lq_diags diags = {0};
	lq_error err;

	int rc = lq_model_load((const char *)data, size, "fuzz.yaml", &m, &diags, &err);
	if (rc) {
		/* refused: no model, at least one problem, each with a message */
		if (m || !err.msg[0] || (size <= LQ_MODEL_MAX_FILE && diags.n == 0))
			abort();
		for (size_t i = 0; i < diags.n; i++)
			if (!diags.items[i].msg[0] || diags.items[i].line < 1)
				abort();
		lq_diags_free(&diags);
		return 0;
	}
	lq_diags_free(&diags);
	lq_event events[3];
	for (int i = 0; i < 3; i++)
		events[i] = sample.ev[i].event;
	lq_explanation x;
	lq_explain_lead(m, &sample.who.lead, &sample.who.account, events, 3,
			FZ_NOW, &x);
	lq_explanation_free(&x);
	lq_explain_lead(m, &sample.who.lead, NULL, NULL, 0, FZ_NOW, &x);
	lq_explanation_free(&x);
	for (double fit = -100; fit <= 100; fit += 25)
		(void)lq_model_grade(m, fit);
	(void)lq_model_event_type(m, "Demo Requested");
	(void)lq_model_event_type(m, "demo requested");
	for (size_t i = 0; i < m->nevent_map; i++)
		if (!lq_model_event_type(m, m->event_map[i].name))
			abort();
	lq_model_free(m);
	return 0;
}
