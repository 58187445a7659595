/*
 * test_fit.c - fit points, grade bands, undesirables, disqualifiers and
 * channel points.
 */
#include "test_helpers.h"

#include <math.h>
#include <stdlib.h>

#include "engine/fit.h"
#include "test_scoring_model.h"

static void test_ideal_lead_is_grade_a(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_fit_result r;
	th_person_init(&p, "ana@acme.io", "vp", 200, "SaaS");
	lq_fit_compute(m, &p.lead, &p.acc, &r);
	assert_float_equal(r.fit, 50, 0);
	assert_int_equal(r.grade, 'A');
	assert_int_equal(r.disq_rule, -1);
	assert_float_equal(r.channel, 0, 0);
	th_person_free(&p);
	lq_model_free(m);
}

static void test_grade_bands(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	assert_int_equal(lq_model_grade(m, 50), 'A');
	assert_int_equal(lq_model_grade(m, 49), 'B');
	assert_int_equal(lq_model_grade(m, 30), 'B');
	assert_int_equal(lq_model_grade(m, 29), 'C');
	assert_int_equal(lq_model_grade(m, 15), 'C');
	assert_int_equal(lq_model_grade(m, 14), 'D');
	assert_int_equal(lq_model_grade(m, 0), 'D');
	assert_int_equal(lq_model_grade(m, -1), 'F');
	lq_model_free(m);
}

static void test_undesirables_subtract(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_fit_result r;
	th_person_init(&p, "bob@gmail.com", "vp", 200, "software");
	free(p.lead.title);
	p.lead.title = lq_xstrdup("Head of Procurement");
	lq_fit_compute(m, &p.lead, &p.acc, &r);
	/* 20 + 15 + 15 - 30 - 20 */
	assert_float_equal(r.fit, 0, 0);
	assert_int_equal(r.grade, 'D');
	th_person_free(&p);
	lq_model_free(m);
}

static void test_missing_account_is_absent(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_fit_result r;
	th_person_init(&p, "x@unknown.example", "intern", NAN, "retail");
	lq_fit_compute(m, &p.lead, NULL, &r);
	assert_float_equal(r.fit, 0, 0);
	assert_int_equal(r.grade, 'D');
	th_person_free(&p);
	lq_model_free(m);
}

static void test_disqualifier(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_fit_result r;
	th_person_init(&p, "spy@rival.example", "vp", 200, "saas");
	lq_fit_compute(m, &p.lead, &p.acc, &r);
	assert_int_equal(r.disq_rule, 5);
	assert_string_equal(m->fit[r.disq_rule].name, "competitor");
	th_person_free(&p);
	lq_model_free(m);
}

static void test_channel_points(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_fit_result r;
	th_person_init(&p, "ana@acme.io", "vp", 200, "saas");
	p.lead.source = lq_xstrdup("Referral");
	lq_fit_compute(m, &p.lead, &p.acc, &r);
	assert_float_equal(r.channel, 10, 0);
	assert_float_equal(r.fit, 50, 0);
	th_person_free(&p);
	lq_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ideal_lead_is_grade_a),
		cmocka_unit_test(test_grade_bands),
		cmocka_unit_test(test_undesirables_subtract),
		cmocka_unit_test(test_missing_account_is_absent),
		cmocka_unit_test(test_disqualifier),
		cmocka_unit_test(test_channel_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
