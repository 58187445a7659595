/*
 * test_engagement.c - engagement maths against closed-form expectations:
 * half-life decay, caps, expiry, per-rule half-life, the incremental state
 * equal to a full recomputation, and the state's byte round trip.
 */
#include "test_helpers.h"

#include <math.h>

#include "engine/engagement.h"
#include "engine/explain.h"

static const char *model_yaml =
	"version: 1\n"
	"name: t\n"
	"engagement:\n"
	"  half_life: 10d\n"
	"  actions:\n"
	"    - rule: pricing\n"
	"      on: page_view\n"
	"      when: event.url contains \"/pricing\"\n"
	"      points: 10\n"
	"      max: 25\n"
	"    - rule: download\n"
	"      on: content_download\n"
	"      points: 8\n"
	"      half_life: 0d\n"
	"    - rule: webinar\n"
	"      on: webinar_attended\n"
	"      points: 15\n"
	"      expires: 30d\n"
	"      half_life: 0d\n"
	"    - rule: email click\n"
	"      on: email_click\n"
	"      points: 4\n"
	"      expires: 20d\n";

#define DAY LQ_MS_DAY

static double add(lq_engagement *e, const lq_model *m, lq_event *ev,
		  lq_time now)
{
	lq_eval_env env = {.event = ev};
	lq_engagement_add(e, m, &env, now);
	return lq_engagement_at(e, m, now);
}

static void test_decay_half_life(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_event ev;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	lq_engagement_init(&e, m);
	th_event(&ev, 1, "page_view", t0, "/pricing");
	assert_float_equal(add(&e, m, &ev, t0), 10.0, 1e-9);
	/* one half-life later: half the points */
	assert_float_equal(lq_engagement_at(&e, m, t0 + 10 * DAY), 5.0, 1e-9);
	/* two and a half half-lives: 10 * 2^-2.5 */
	assert_float_equal(lq_engagement_at(&e, m, t0 + 25 * DAY),
			   10.0 * pow(2, -2.5), 1e-9);
	lq_event_free(&ev);
	lq_engagement_free(&e);
	lq_model_free(m);
}

static void test_when_filters_events(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_event ev;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	lq_engagement_init(&e, m);
	th_event(&ev, 1, "page_view", t0, "/blog/post");
	assert_float_equal(add(&e, m, &ev, t0), 0.0, 1e-9);
	lq_event_free(&ev);
	th_event(&ev, 2, "other_type", t0, "/pricing");
	assert_float_equal(add(&e, m, &ev, t0), 0.0, 1e-9);
	lq_event_free(&ev);
	lq_engagement_free(&e);
	lq_model_free(m);
}

static void test_cap_after_decay(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	lq_engagement_init(&e, m);
	for (int i = 0; i < 4; i++) {
		lq_event ev;
		th_event(&ev, i + 1, "page_view", t0, "/pricing");
		add(&e, m, &ev, t0);
		lq_event_free(&ev);
	}
	/* 40 points at t0, capped at 25 */
	assert_float_equal(lq_engagement_at(&e, m, t0), 25.0, 1e-9);
	double uncapped;
	assert_float_equal(lq_engagement_rule_at(&e, m, 0, t0, &uncapped), 25.0, 1e-9);
	assert_float_equal(uncapped, 40.0, 1e-9);
	/* after one half-life: 20, under the cap */
	assert_float_equal(lq_engagement_at(&e, m, t0 + 10 * DAY), 20.0, 1e-9);
	lq_engagement_free(&e);
	lq_model_free(m);
}

static void test_no_decay_rule(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_event ev;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	lq_engagement_init(&e, m);
	th_event(&ev, 1, "content_download", t0, NULL);
	add(&e, m, &ev, t0);
	lq_event_free(&ev);
	th_event(&ev, 2, "content_download", t0 + DAY, NULL);
	add(&e, m, &ev, t0 + DAY);
	lq_event_free(&ev);
	assert_float_equal(lq_engagement_at(&e, m, t0 + 365 * DAY), 16.0, 1e-9);
	lq_engagement_free(&e);
	lq_model_free(m);
}

static void test_expiry_is_hard(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_event ev;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	lq_engagement_init(&e, m);
	th_event(&ev, 1, "webinar_attended", t0, NULL);
	add(&e, m, &ev, t0);
	lq_event_free(&ev);
	assert_float_equal(lq_engagement_at(&e, m, t0 + 30 * DAY - 1), 15.0, 1e-9);
	assert_float_equal(lq_engagement_at(&e, m, t0 + 30 * DAY), 0.0, 1e-9);
	/* a later event restarts the count; the old one is pruned */
	th_event(&ev, 2, "webinar_attended", t0 + 40 * DAY, NULL);
	add(&e, m, &ev, t0 + 40 * DAY);
	lq_event_free(&ev);
	assert_int_equal(e.rules[2].n, 1);
	assert_float_equal(lq_engagement_at(&e, m, t0 + 40 * DAY), 15.0, 1e-9);
	lq_engagement_free(&e);
	lq_model_free(m);
}

static void test_expiry_with_decay(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_event ev;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");

	lq_engagement_init(&e, m);
	th_event(&ev, 1, "email_click", t0, NULL);
	add(&e, m, &ev, t0);
	lq_event_free(&ev);
	/* model half-life 10d applies: 4 * 2^-1.5 at 15 days */
	assert_float_equal(lq_engagement_at(&e, m, t0 + 15 * DAY),
			   4.0 * pow(2, -1.5), 1e-9);
	assert_float_equal(lq_engagement_at(&e, m, t0 + 20 * DAY), 0.0, 1e-9);
	lq_engagement_free(&e);
	lq_model_free(m);
}

static void test_out_of_order_events(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement a, b;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");
	lq_time times[] = {t0 + 5 * DAY, t0, t0 + 2 * DAY};
	lq_time now = t0 + 12 * DAY;
	double expect = 0;

	lq_engagement_init(&a, m);
	lq_engagement_init(&b, m);
	for (int i = 0; i < 3; i++) {
		lq_event ev;
		th_event(&ev, i + 1, "page_view", times[i], "/pricing");
		add(&a, m, &ev, now);
		lq_event_free(&ev);
		expect += 10 * pow(2, -(double)(now - times[i]) / (10.0 * DAY));
	}
	for (int i = 2; i >= 0; i--) {
		lq_event ev;
		th_event(&ev, i + 1, "page_view", times[i], "/pricing");
		add(&b, m, &ev, now);
		lq_event_free(&ev);
	}
	assert_true(expect < 25);
	assert_float_equal(lq_engagement_at(&a, m, now), expect, 1e-9);
	assert_float_equal(lq_engagement_at(&b, m, now), expect, 1e-9);
	lq_engagement_free(&a);
	lq_engagement_free(&b);
	lq_model_free(m);
}

static void test_encode_decode_round_trip(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e, d;
	lq_buf bytes = LQ_BUF_INIT;
	lq_time t0 = th_time("2026-03-01T00:00:00Z");
	const char *types[] = {"page_view", "content_download",
			       "webinar_attended", "email_click"};

	lq_engagement_init(&e, m);
	for (int i = 0; i < 8; i++) {
		lq_event ev;
		th_event(&ev, i + 1, types[i % 4], t0 + i * DAY, "/pricing");
		add(&e, m, &ev, t0 + 8 * DAY);
		lq_event_free(&ev);
	}
	lq_engagement_encode(&e, &bytes);
	assert_int_equal(lq_engagement_decode(bytes.data, bytes.len, m, &d), 0);
	for (int k = 0; k < 60; k += 7)
		assert_float_equal(lq_engagement_at(&d, m, t0 + k * DAY),
				   lq_engagement_at(&e, m, t0 + k * DAY), 1e-12);
	lq_engagement_free(&d);
	/* truncated or foreign bytes are refused */
	assert_int_equal(lq_engagement_decode(bytes.data, bytes.len - 1, m, &d), -1);
	lq_engagement_free(&d);
	assert_int_equal(lq_engagement_decode("nonsense", 8, m, &d), -1);
	lq_engagement_free(&d);
	lq_buf_free(&bytes);
	lq_engagement_free(&e);
	lq_model_free(m);
}

/* The explanation recomputes from the full event list: it must agree with
 * the incremental state fed the same events in another order. */
static void test_incremental_matches_full(void **state)
{
	lq_model *m = th_model(model_yaml);
	lq_engagement e;
	lq_event ev[40];
	lq_explanation x;
	lq_time t0 = th_time("2026-01-01T00:00:00Z");
	lq_time now = t0 + 60 * DAY;
	const char *types[] = {"page_view", "content_download",
			       "webinar_attended", "email_click", "noise"};
	uint32_t seed = 7;

	lq_engagement_init(&e, m);
	for (int i = 0; i < 40; i++) {
		seed = seed * 1103515245u + 12345u;
		lq_time at = t0 + (lq_time)(seed % (60u * 24)) * LQ_MS_HOUR;
		th_event(&ev[i], i + 1, types[seed % 5], at,
			 seed & 8 ? "/pricing" : "/blog");
		lq_eval_env env = {.event = &ev[i]};
		lq_engagement_add(&e, m, &env, now);
	}
	lq_explain_lead(m, NULL, NULL, ev, 40, now, &x);
	assert_float_equal(x.engagement, lq_engagement_at(&e, m, now), 1e-9);
	assert_true(x.engagement > 0);
	lq_explanation_free(&x);
	for (int i = 0; i < 40; i++)
		lq_event_free(&ev[i]);
	lq_engagement_free(&e);
	lq_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decay_half_life),
		cmocka_unit_test(test_when_filters_events),
		cmocka_unit_test(test_cap_after_decay),
		cmocka_unit_test(test_no_decay_rule),
		cmocka_unit_test(test_expiry_is_hard),
		cmocka_unit_test(test_expiry_with_decay),
		cmocka_unit_test(test_out_of_order_events),
		cmocka_unit_test(test_encode_decode_round_trip),
		cmocka_unit_test(test_incremental_matches_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
