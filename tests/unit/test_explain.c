/*
 * test_explain.c - the explanation lists every rule that fired with its
 * points after decay and cap and the events behind it, in reading order.
 */
#include "test_helpers.h"

#include <math.h>
#include <stdlib.h>

#include "engine/explain.h"
#include "test_scoring_model.h"

static void test_explanation_contents_and_order(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_event ev[6];
	lq_explanation x;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");
	lq_time now = t0 + 30 * LQ_MS_DAY;

	th_person_init(&p, "ana@gmail.com", "vp", 200, "saas");
	p.lead.source = lq_xstrdup("referral");
	for (int i = 0; i < 4; i++)   /* 4 pricing views: 40 at t0, capped 30 */
		th_event(&ev[i], 10 + i, "page_view", t0, "/pricing");
	th_event(&ev[4], 20, "content_download", t0 + 30 * LQ_MS_DAY, NULL);
	th_event(&ev[5], 21, "page_view", t0, "/blog");
	lq_explain_lead(m, &p.lead, &p.acc, ev, 6, now, &x);

	/* fit: 20 + 15 + 15 - 30 = 20, grade C; channel 10 */
	assert_float_equal(x.fit, 20, 0);
	assert_int_equal(x.grade, 'C');
	assert_float_equal(x.channel, 10, 0);
	/* pricing: 40 decayed one half-life = 20 (under the cap); ebook 5 */
	assert_float_equal(x.engagement, 25, 1e-9);
	assert_float_equal(x.score, 55, 1e-9);
	assert_int_equal(x.n, 7);
	/* order: fit positive by points, fit negative, channel, engagement */
	assert_string_equal(x.items[0].rule, "target size");
	assert_int_equal(x.items[0].kind, LQ_EXPLAIN_FIT);
	assert_string_equal(x.items[1].rule, "decision maker");
	assert_string_equal(x.items[2].rule, "software");
	assert_string_equal(x.items[3].rule, "free mail");
	assert_float_equal(x.items[3].points, -30, 0);
	assert_string_equal(x.items[4].rule, "referral");
	assert_int_equal(x.items[4].kind, LQ_EXPLAIN_CHANNEL);
	assert_string_equal(x.items[5].rule, "pricing page");
	assert_float_equal(x.items[5].points, 20, 1e-9);
	assert_float_equal(x.items[5].full, 40, 1e-9);
	assert_int_equal(x.items[5].nevents, 4);
	assert_int_equal(x.items[5].event_ids[0], 13);
	assert_string_equal(x.items[6].rule, "ebook");
	assert_int_equal(x.items[6].event_ids[0], 20);
	lq_explanation_free(&x);
	for (int i = 0; i < 6; i++)
		lq_event_free(&ev[i]);
	th_person_free(&p);
	lq_model_free(m);
}

static void test_cap_is_reported(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_event ev[5];
	lq_explanation x;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	th_person_init(&p, "ana@acme.io", "vp", 200, "saas");
	for (int i = 0; i < 5; i++)
		th_event(&ev[i], i + 1, "page_view", t0, "/pricing");
	lq_explain_lead(m, &p.lead, &p.acc, ev, 5, t0, &x);
	const lq_explain_item *it = &x.items[x.n - 1];
	assert_string_equal(it->rule, "pricing page");
	assert_float_equal(it->points, 30, 0);
	assert_float_equal(it->uncapped, 50, 1e-9);
	assert_float_equal(it->cap, 30, 0);
	lq_explanation_free(&x);
	for (int i = 0; i < 5; i++)
		lq_event_free(&ev[i]);
	th_person_free(&p);
	lq_model_free(m);
}

static void test_disqualifier_first_and_future_events_ignored(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	th_person p;
	lq_event ev;
	lq_explanation x;
	lq_time now = th_time("2026-03-01T00:00:00Z");

	th_person_init(&p, "spy@rival.example", "vp", 200, "saas");
	th_event(&ev, 1, "content_download", now + LQ_MS_HOUR, NULL);
	lq_explain_lead(m, &p.lead, &p.acc, &ev, 1, now, &x);
	assert_true(x.disqualified);
	assert_int_equal(x.items[0].kind, LQ_EXPLAIN_DISQUALIFIER);
	assert_string_equal(x.items[0].rule, "competitor");
	assert_float_equal(x.engagement, 0, 0);
	lq_explanation_free(&x);
	lq_event_free(&ev);
	th_person_free(&p);
	lq_model_free(m);
}

/* Found by fuzz/fuzz_model: a model without any rule explains to nothing
 * (it used to hand qsort a NULL array: undefined behaviour). */
static void test_model_without_rules(void **state)
{
	lq_model *m = th_model("version: 1\nname: no rules\n");
	th_person p;
	lq_explanation x;
	lq_time now = th_time("2026-03-01T00:00:00Z");

	th_person_init(&p, "ana@acme.io", "vp", 200, "saas");
	lq_explain_lead(m, &p.lead, &p.acc, NULL, 0, now, &x);
	assert_int_equal(x.n, 0);
	assert_float_equal(x.score, 0, 0);
	lq_explanation_free(&x);
	th_person_free(&p);
	lq_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explanation_contents_and_order),
		cmocka_unit_test(test_cap_is_reported),
		cmocka_unit_test(test_disqualifier_first_and_future_events_ignored),
		cmocka_unit_test(test_model_without_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
