/*
 * test_stage.c - automatic stage decisions: the mql criteria, the
 * hand-raiser fast track, disqualifiers, and the stages the model must not
 * touch.
 */
#include "test_helpers.h"

#include "engine/engagement.h"
#include "engine/fit.h"
#include "engine/stage_auto.h"
#include "test_scoring_model.h"

typedef struct case_env {
	lq_model *m;
	th_person p;
	lq_fit_result fit;
	lq_eval_env env;
} case_env;

static void setup_case(case_env *c, const char *email, const char *seniority,
		       double employees, const char *industry, double engagement)
{
	c->m = th_model(scoring_yaml);
	th_person_init(&c->p, email, seniority, employees, industry);
	lq_fit_compute(c->m, &c->p.lead, &c->p.acc, &c->fit);
	memset(&c->env, 0, sizeof c->env);
	c->env.lead = &c->p.lead;
	c->env.account = &c->p.acc;
	lq_fit_to_env(&c->fit, engagement, &c->env);
}

static void teardown_case(case_env *c)
{
	th_person_free(&c->p);
	lq_model_free(c->m);
}

static void test_mql_when_criteria_hold(void **state)
{
	case_env c;
	lq_stage_decision d;
	setup_case(&c, "ana@acme.io", "director", 100, "saas", 40);
	assert_int_equal(c.fit.grade, 'A');
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_LEAD, &c.fit, &c.env, &d), 1);
	assert_int_equal(d.to, LQ_STAGE_MQL);
	assert_non_null(strstr(d.reason, "mql criteria"));
	teardown_case(&c);
}

static void test_no_mql_below_threshold(void **state)
{
	case_env c;
	lq_stage_decision d;
	setup_case(&c, "ana@acme.io", "director", 100, "saas", 39.9);
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_LEAD, &c.fit, &c.env, &d), 0);
	teardown_case(&c);
	/* grade C with high engagement: not an MQL either */
	setup_case(&c, "ana@acme.io", "intern", 100, "retail", 90);
	assert_int_equal(c.fit.grade, 'C');
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_LEAD, &c.fit, &c.env, &d), 0);
	teardown_case(&c);
}

static void test_hand_raiser_fast_track(void **state)
{
	case_env c;
	lq_stage_decision d;
	lq_event ev;
	setup_case(&c, "ana@acme.io", "intern", 100, "retail", 0);
	assert_int_equal(c.fit.grade, 'C');
	th_event(&ev, 1, "demo_request", th_time("2026-03-01T10:00:00Z"), NULL);
	c.env.event = &ev;
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_LEAD, &c.fit, &c.env, &d), 1);
	assert_int_equal(d.to, LQ_STAGE_MQL);
	assert_string_equal(d.reason, "hand-raiser: demo_request");
	/* from nurture too (re-qualification) */
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_NURTURE, &c.fit, &c.env, &d), 1);
	lq_event_free(&ev);
	teardown_case(&c);
}

static void test_hand_raiser_needs_fit(void **state)
{
	case_env c;
	lq_stage_decision d;
	lq_event ev;
	setup_case(&c, "kid@gmail.com", "student", 5, "retail", 0);
	assert_int_equal(c.fit.grade, 'F');
	th_event(&ev, 1, "demo_request", th_time("2026-03-01T10:00:00Z"), NULL);
	c.env.event = &ev;
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_LEAD, &c.fit, &c.env, &d), 0);
	lq_event_free(&ev);
	teardown_case(&c);
}

static void test_disqualifier_moves_lead(void **state)
{
	case_env c;
	lq_stage_decision d;
	setup_case(&c, "spy@rival.example", "vp", 100, "saas", 100);
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_LEAD, &c.fit, &c.env, &d), 1);
	assert_int_equal(d.to, LQ_STAGE_DISQUALIFIED);
	assert_string_equal(d.reason, "disqualified by rule 'competitor'");
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_MQL, &c.fit, &c.env, &d), 1);
	assert_int_equal(d.to, LQ_STAGE_DISQUALIFIED);
	/* sales owns the lead after SAL: the model does not pull it back */
	assert_int_equal(lq_stage_auto(c.m, LQ_STAGE_SAL, &c.fit, &c.env, &d), 0);
	teardown_case(&c);
}

static void test_sales_stages_untouched(void **state)
{
	case_env c;
	lq_stage_decision d;
	lq_stage sales[] = {LQ_STAGE_MQL, LQ_STAGE_SAL, LQ_STAGE_SQL, LQ_STAGE_SQO,
			    LQ_STAGE_WON, LQ_STAGE_LOST, LQ_STAGE_DISQUALIFIED};
	setup_case(&c, "ana@acme.io", "director", 100, "saas", 100);
	for (size_t i = 0; i < sizeof sales / sizeof *sales; i++)
		assert_int_equal(lq_stage_auto(c.m, sales[i], &c.fit, &c.env, &d), 0);
	teardown_case(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mql_when_criteria_hold),
		cmocka_unit_test(test_no_mql_below_threshold),
		cmocka_unit_test(test_hand_raiser_fast_track),
		cmocka_unit_test(test_hand_raiser_needs_fit),
		cmocka_unit_test(test_disqualifier_moves_lead),
		cmocka_unit_test(test_sales_stages_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
