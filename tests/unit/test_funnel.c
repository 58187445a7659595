/*
 * test_funnel.c - the funnel maths on small hand-built histories: straight
 * path, skipped stages, recycles, leads still open, lost, disqualified,
 * negative durations, medians and p90 worked by hand, --from/--to,
 * grouping, periods and trends, the created cohort.
 */
#include "test_helpers.h"

#include <math.h>

#include "engine/funnel.h"

#define DAY LQ_MS_DAY
#define T0 1519862400000LL            /* 2018-03-01T00:00:00Z, a Thursday */

/* Stage indexes of the mql cohort's result. */
enum { MQL, SAL, SQL, SQO, WON };

typedef struct lead_fx {
	const char *group;
	lq_time created_at;
	lq_funnel_step steps[12];
	size_t n;
} lead_fx;

static lq_funnel_lead as_lead(const lead_fx *f)
{
	return (lq_funnel_lead){f->group, f->created_at, f->steps, f->n};
}

/* Compute the funnel of fx[0..n) with opts; fails the test on error. */
static void run(const lead_fx *fx, size_t n, const lq_funnel_opts *opts,
		lq_funnel_result *res)
{
	lq_funnel_lead leads[16];
	lq_error err;
	lq_error_clear(&err);
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++)
		leads[i] = as_lead(&fx[i]);
	if (lq_funnel_compute(leads, n, opts, res, &err))
		fail_msg("funnel: %s", err.msg);
}

static const lq_funnel_opts mql_cohort = {.cohort = LQ_FUNNEL_MQL};

static void assert_days(double ms, double days)
{
	assert_true(fabs(ms - days * (double)DAY) < 0.5);
}

static void test_straight_path(void **state)
{
	lead_fx f = {"web", 0, {{LQ_STAGE_LEAD, T0}, {LQ_STAGE_MQL, T0 + DAY},
		{LQ_STAGE_SAL, T0 + 2 * DAY}, {LQ_STAGE_SQL, T0 + 4 * DAY},
		{LQ_STAGE_SQO, T0 + 7 * DAY}, {LQ_STAGE_WON, T0 + 11 * DAY}}, 6};
	lq_funnel_result r;
	run(&f, 1, &mql_cohort, &r);
	assert_int_equal(r.nstages, 5);
	assert_int_equal(r.stages[0], LQ_STAGE_MQL);
	assert_int_equal(r.stages[4], LQ_STAGE_WON);
	const lq_funnel_row *t = &r.total;
	assert_int_equal(t->entries, 1);
	assert_int_equal(t->leads, 1);
	for (int k = MQL; k <= WON; k++)
		assert_int_equal(t->reached[k], 1);
	assert_int_equal(t->won, 1);
	assert_int_equal(t->open, 0);
	assert_days(t->step[MQL].median, 1);
	assert_days(t->step[SAL].median, 2);
	assert_days(t->step[SQL].median, 3);
	assert_days(t->step[SQO].median, 4);
	assert_days(t->to_won.median, 10);    /* from the mql entry */
	assert_int_equal(r.nrows, 1);
	assert_string_equal(r.rows[0].group, "web");
	assert_null(r.rows[0].period);
	lq_funnel_result_free(&r);
}

static void test_skipped_stages_count_but_have_no_time(void **state)
{
	lead_fx f = {"web", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_WON, T0 + 5 * DAY}}, 2};
	lq_funnel_result r;
	run(&f, 1, &mql_cohort, &r);
	const lq_funnel_row *t = &r.total;
	for (int k = MQL; k <= WON; k++)
		assert_int_equal(t->reached[k], 1);   /* monotone */
	for (int k = MQL; k < WON; k++) {
		assert_int_equal(t->step[k].n, 0);
		assert_true(isnan(t->step[k].median));
	}
	assert_int_equal(t->to_won.n, 1);
	assert_days(t->to_won.median, 5);
	assert_float_equal(lq_funnel_rate(t->reached[SQL], t->reached[MQL]), 1.0, 1e-12);
	lq_funnel_result_free(&r);
}

static void test_recycle_is_a_second_entry(void **state)
{
	lead_fx f = {"web", 0, {{LQ_STAGE_LEAD, T0}, {LQ_STAGE_MQL, T0 + DAY},
		{LQ_STAGE_SAL, T0 + 2 * DAY}, {LQ_STAGE_NURTURE, T0 + 3 * DAY},
		{LQ_STAGE_MQL, T0 + 10 * DAY}, {LQ_STAGE_SAL, T0 + 13 * DAY},
		{LQ_STAGE_SQL, T0 + 14 * DAY}, {LQ_STAGE_SQO, T0 + 15 * DAY},
		{LQ_STAGE_WON, T0 + 20 * DAY}}, 9};
	lq_funnel_result r;
	run(&f, 1, &mql_cohort, &r);
	const lq_funnel_row *t = &r.total;
	assert_int_equal(t->entries, 2);
	assert_int_equal(t->leads, 1);
	assert_int_equal(t->reached[MQL], 2);
	assert_int_equal(t->reached[SAL], 2);
	assert_int_equal(t->reached[SQL], 1);
	assert_int_equal(t->reached[WON], 1);
	assert_int_equal(t->nurture, 1);
	assert_int_equal(t->won, 1);
	/* mql -> sal: 1 day in the first cycle, 3 in the second */
	assert_int_equal(t->step[MQL].n, 2);
	assert_days(t->step[MQL].median, 2);
	assert_days(t->step[MQL].p90, 3);
	/* won is counted from the second entry only */
	assert_int_equal(t->to_won.n, 1);
	assert_days(t->to_won.median, 10);
	assert_float_equal(lq_funnel_rate(t->won, t->entries), 0.5, 1e-12);
	lq_funnel_result_free(&r);
}

static void test_open_lost_disqualified(void **state)
{
	lead_fx f[] = {
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_SAL, T0 + DAY}}, 2},
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_SAL, T0 + DAY},
			{LQ_STAGE_SQL, T0 + 2 * DAY}, {LQ_STAGE_LOST, T0 + 9 * DAY}}, 4},
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_DISQUALIFIED, T0 + DAY}}, 2},
		{"a", 0, {{LQ_STAGE_SUBSCRIBER, T0}, {LQ_STAGE_LEAD, T0 + DAY}}, 2},
	};
	lq_funnel_result r;
	run(f, 4, &mql_cohort, &r);
	const lq_funnel_row *t = &r.total;
	assert_int_equal(t->entries, 3);       /* the subscriber never was mql */
	assert_int_equal(t->leads, 3);
	assert_int_equal(t->reached[SAL], 2);
	assert_int_equal(t->reached[SQL], 1);
	assert_int_equal(t->reached[SQO], 0);
	assert_int_equal(t->open, 1);
	assert_int_equal(t->lost, 1);
	assert_int_equal(t->disqualified, 1);
	assert_int_equal(t->won, 0);
	assert_true(isnan(lq_funnel_rate(t->reached[WON], t->reached[SQO])));
	assert_float_equal(lq_funnel_rate(t->reached[SQL], t->reached[MQL]),
			    1.0 / 3.0, 1e-12);
	assert_int_equal(t->to_won.n, 0);
	lq_funnel_result_free(&r);
}

static void test_jumps_and_reopened_deals(void **state)
{
	lead_fx f[] = {
		/* straight to sal from lead: an mql entry by the monotone rule */
		{"a", 0, {{LQ_STAGE_LEAD, T0}, {LQ_STAGE_SAL, T0 + DAY}}, 2},
		/* lost then won again: the same entry, not a second one */
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_SAL, T0 + DAY},
			{LQ_STAGE_LOST, T0 + 2 * DAY}, {LQ_STAGE_WON, T0 + 4 * DAY}}, 4},
		/* mql twice in a row is one entry */
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_MQL, T0 + DAY}}, 2},
	};
	lq_funnel_result r;
	run(f, 3, &mql_cohort, &r);
	const lq_funnel_row *t = &r.total;
	assert_int_equal(t->entries, 3);
	assert_int_equal(t->reached[SAL], 2);
	assert_int_equal(t->won, 1);
	assert_int_equal(t->open, 2);
	assert_int_equal(t->step[MQL].n, 1);   /* the jump has no mql time */
	assert_days(t->to_won.median, 4);
	lq_funnel_result_free(&r);
}

static void test_negative_duration_left_out(void **state)
{
	/* recorded order: mql (first contact), then a won dated before it */
	lead_fx f[] = {
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_WON, T0 - 3 * DAY}}, 2},
		{"a", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_WON, T0 + 6 * DAY}}, 2},
	};
	lq_funnel_result r;
	run(f, 2, &mql_cohort, &r);
	assert_int_equal(r.total.entries, 2);
	assert_int_equal(r.total.won, 2);      /* the conversion counts */
	assert_int_equal(r.total.to_won.n, 1);
	assert_int_equal(r.total.to_won.left_out, 1);
	assert_days(r.total.to_won.median, 6);
	lq_funnel_result_free(&r);
}

static void test_median_and_p90_by_hand(void **state)
{
	int64_t even[] = {4, 1, 3, 2};
	int64_t odd[] = {10, 1, 4, 3, 2};
	int64_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	int64_t one[] = {7};
	assert_float_equal(lq_funnel_median(even, 4), 2.5, 0);
	assert_float_equal(lq_funnel_p90(even, 4), 4, 0);      /* rank 4 */
	assert_float_equal(lq_funnel_median(odd, 5), 3, 0);
	assert_float_equal(lq_funnel_p90(odd, 5), 10, 0);      /* rank 5 */
	assert_float_equal(lq_funnel_median(ten, 10), 5.5, 0);
	assert_float_equal(lq_funnel_p90(ten, 10), 9, 0);      /* rank 9 */
	assert_float_equal(lq_funnel_median(one, 1), 7, 0);
	assert_float_equal(lq_funnel_p90(one, 1), 7, 0);
	assert_true(isnan(lq_funnel_median(one, 0)));

	/* the same through histories: days to won 1, 2, 3, 4 */
	lead_fx f[4];
	for (int i = 0; i < 4; i++)
		f[i] = (lead_fx){"a", 0, {{LQ_STAGE_MQL, T0},
			{LQ_STAGE_WON, T0 + (i + 1) * DAY}}, 2};
	lq_funnel_result r;
	run(f, 4, &mql_cohort, &r);
	assert_days(r.total.to_won.median, 2.5);
	assert_days(r.total.to_won.p90, 4);
	lq_funnel_result_free(&r);
}

static void test_from_to_filter_entries(void **state)
{
	lead_fx f[] = {
		{"a", 0, {{LQ_STAGE_MQL, T0 - 1}}, 1},                  /* before */
		{"a", 0, {{LQ_STAGE_MQL, T0}}, 1},                      /* first in */
		{"a", 0, {{LQ_STAGE_MQL, T0 + 9 * DAY}, {LQ_STAGE_WON, T0 + 40 * DAY}}, 2},
		{"a", 0, {{LQ_STAGE_MQL, T0 + 10 * DAY}}, 1},           /* = to: out */
		/* a recycle: the first entry is out of range, the second in */
		{"a", 0, {{LQ_STAGE_MQL, T0 - DAY}, {LQ_STAGE_NURTURE, T0},
			{LQ_STAGE_MQL, T0 + DAY}}, 3},
	};
	lq_funnel_opts o = {.cohort = LQ_FUNNEL_MQL, .has_from = 1, .from = T0,
			    .has_to = 1, .to = T0 + 10 * DAY};
	lq_funnel_result r;
	run(f, 5, &o, &r);
	assert_int_equal(r.total.entries, 3);
	assert_int_equal(r.total.leads, 3);
	assert_int_equal(r.total.won, 1);   /* won after --to still counts */
	lq_funnel_result_free(&r);

	lq_error err;
	lq_funnel_lead l = as_lead(&f[0]);
	o.to = o.from;
	assert_int_equal(lq_funnel_compute(&l, 1, &o, &r, &err), LQ_EINVAL);
}

static void test_groups_order_and_counts(void **state)
{
	lead_fx f[] = {
		{"paid", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_WON, T0 + DAY}}, 2},
		{"web", 0, {{LQ_STAGE_MQL, T0}}, 1},
		{"web", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_SAL, T0 + DAY}}, 2},
		{"(none)", 0, {{LQ_STAGE_MQL, T0}}, 1},
		{"event", 0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_SAL, T0 + DAY}}, 2},
	};
	lq_funnel_result r;
	run(f, 5, &mql_cohort, &r);
	assert_int_equal(r.nrows, 4);
	/* most entries first, then by name */
	assert_string_equal(r.rows[0].group, "web");
	assert_string_equal(r.rows[1].group, "(none)");
	assert_string_equal(r.rows[2].group, "event");
	assert_string_equal(r.rows[3].group, "paid");
	assert_int_equal(r.rows[0].entries, 2);
	assert_int_equal(r.rows[0].reached[SAL], 1);
	assert_int_equal(r.rows[3].won, 1);
	assert_int_equal(r.total.entries, 5);
	assert_int_equal(r.total.reached[SAL], 3);
	lq_funnel_result_free(&r);
}

static void test_group_by_month_fills_gaps(void **state)
{
	lq_time jan = 1515974400000LL;   /* 2018-01-15 */
	lq_time mar = 1521072000000LL;   /* 2018-03-15 */
	lead_fx f[] = {
		{"x", 0, {{LQ_STAGE_MQL, mar}, {LQ_STAGE_WON, mar + DAY}}, 2},
		{"y", 0, {{LQ_STAGE_MQL, jan}}, 1},
		{"y", 0, {{LQ_STAGE_MQL, mar + DAY}}, 1},
	};
	lq_funnel_opts o = {.cohort = LQ_FUNNEL_MQL, .group_period = LQ_PERIOD_MONTH};
	lq_funnel_result r;
	run(f, 3, &o, &r);
	assert_int_equal(r.nrows, 3);
	assert_string_equal(r.rows[0].group, "2018-01");
	assert_string_equal(r.rows[1].group, "2018-02");
	assert_string_equal(r.rows[2].group, "2018-03");
	assert_int_equal(r.rows[0].entries, 1);
	assert_int_equal(r.rows[1].entries, 0);
	assert_int_equal(r.rows[2].entries, 2);
	assert_int_equal(r.rows[2].won, 1);
	lq_funnel_result_free(&r);

	/* a trend: every group gets every week from the first to the last */
	o = (lq_funnel_opts){.cohort = LQ_FUNNEL_MQL, .trend = LQ_PERIOD_WEEK};
	lead_fx g[] = {
		{"x", 0, {{LQ_STAGE_MQL, T0}}, 1},              /* 2018-W09 */
		{"x", 0, {{LQ_STAGE_MQL, T0 + 14 * DAY}}, 1},   /* 2018-W11 */
		{"y", 0, {{LQ_STAGE_MQL, T0 + 7 * DAY}}, 1},    /* 2018-W10 */
	};
	run(g, 3, &o, &r);
	assert_int_equal(r.nrows, 6);
	assert_string_equal(r.rows[0].group, "x");
	assert_string_equal(r.rows[0].period, "2018-W09");
	assert_string_equal(r.rows[1].period, "2018-W10");
	assert_int_equal(r.rows[1].entries, 0);
	assert_string_equal(r.rows[2].period, "2018-W11");
	assert_string_equal(r.rows[3].group, "y");
	assert_string_equal(r.rows[4].period, "2018-W10");
	assert_int_equal(r.rows[4].entries, 1);
	lq_funnel_result_free(&r);

	lq_error err;
	lq_funnel_lead l = as_lead(&g[0]);
	o.group_period = LQ_PERIOD_MONTH;
	assert_int_equal(lq_funnel_compute(&l, 1, &o, &r, &err), LQ_EINVAL);
}

static void test_period_labels(void **state)
{
	char s[32];
	lq_funnel_period_label(LQ_PERIOD_WEEK, th_time("2021-01-03T23:59:59Z"), s, sizeof s);
	assert_string_equal(s, "2020-W53");        /* a Sunday */
	lq_funnel_period_label(LQ_PERIOD_WEEK, th_time("2021-01-04T00:00:00Z"), s, sizeof s);
	assert_string_equal(s, "2021-W01");
	lq_funnel_period_label(LQ_PERIOD_WEEK, th_time("2018-12-31T12:00:00Z"), s, sizeof s);
	assert_string_equal(s, "2019-W01");        /* a Monday */
	lq_funnel_period_label(LQ_PERIOD_WEEK, th_time("2018-03-01T00:00:00Z"), s, sizeof s);
	assert_string_equal(s, "2018-W09");
	lq_funnel_period_label(LQ_PERIOD_WEEK, th_time("1969-12-31T00:00:00Z"), s, sizeof s);
	assert_string_equal(s, "1970-W01");
	lq_funnel_period_label(LQ_PERIOD_MONTH, th_time("2018-12-31T23:59:59Z"), s, sizeof s);
	assert_string_equal(s, "2018-12");
	lq_funnel_period_label(LQ_PERIOD_MONTH, th_time("1969-12-31T23:59:59Z"), s, sizeof s);
	assert_string_equal(s, "1969-12");
}

static void test_created_cohort(void **state)
{
	lead_fx f[] = {
		/* created at first contact, straight into mql, won 8 days on */
		{"a", T0, {{LQ_STAGE_MQL, T0}, {LQ_STAGE_WON, T0 + 8 * DAY}}, 2},
		/* recycled: still one entry, reaching what its history reached */
		{"a", T0, {{LQ_STAGE_LEAD, T0}, {LQ_STAGE_MQL, T0 + DAY},
			{LQ_STAGE_NURTURE, T0 + 2 * DAY}, {LQ_STAGE_MQL, T0 + 3 * DAY},
			{LQ_STAGE_SAL, T0 + 5 * DAY}}, 5},
		/* no created_at: the first change's time */
		{"a", 0, {{LQ_STAGE_LEAD, T0 + DAY}, {LQ_STAGE_DISQUALIFIED, T0 + 2 * DAY}}, 2},
		/* no time at all */
		{"a", 0, {{0}}, 0},
	};
	lq_funnel_opts o = {.cohort = LQ_FUNNEL_CREATED, .has_to = 1, .to = T0 + DAY + 1};
	lq_funnel_result r;
	run(f, 4, &o, &r);
	assert_int_equal(r.nstages, 7);
	assert_int_equal(r.stages[0], LQ_STAGE_SUBSCRIBER);
	assert_int_equal(r.no_time, 1);
	const lq_funnel_row *t = &r.total;
	assert_int_equal(t->entries, 3);
	assert_int_equal(t->reached[0], 3);    /* subscriber */
	assert_int_equal(t->reached[1], 3);    /* lead */
	assert_int_equal(t->reached[2], 2);    /* mql */
	assert_int_equal(t->reached[3], 2);    /* sal */
	assert_int_equal(t->reached[6], 1);    /* won */
	assert_int_equal(t->disqualified, 1);
	assert_int_equal(t->open, 1);
	assert_int_equal(t->step[1].n, 1);     /* lead -> mql: 1 day */
	assert_days(t->step[1].median, 1);
	assert_int_equal(t->step[2].n, 1);     /* mql -> sal from the first mql */
	assert_days(t->step[2].median, 4);
	assert_days(t->to_won.median, 8);
	lq_funnel_result_free(&r);
}

static void test_rate_pairs(void **state)
{
	lq_funnel_result r;
	lq_funnel_pair p[LQ_FUNNEL_MAX_RATES];
	lead_fx f = {"a", 0, {{LQ_STAGE_MQL, T0}}, 1};
	run(&f, 1, &mql_cohort, &r);
	size_t n = lq_funnel_rate_pairs(&r, p, LQ_FUNNEL_MAX_RATES);
	assert_int_equal(n, 4 + 3 + 1);
	assert_int_equal(p[0].from, MQL);
	assert_int_equal(p[0].to, SAL);
	assert_int_equal(p[4].from, MQL);      /* mql -> won */
	assert_int_equal(p[4].to, WON);
	assert_int_equal(p[7].from, MQL);      /* mql -> sql, first-class */
	assert_int_equal(p[7].to, SQL);
	lq_funnel_result_free(&r);
}

static void test_no_leads(void **state)
{
	lq_funnel_result r;
	lq_error err;
	assert_int_equal(lq_funnel_compute(NULL, 0, &mql_cohort, &r, &err), 0);
	assert_int_equal(r.total.entries, 0);
	assert_int_equal(r.nrows, 0);
	assert_true(isnan(r.total.to_won.median));
	lq_funnel_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_path),
		cmocka_unit_test(test_skipped_stages_count_but_have_no_time),
		cmocka_unit_test(test_recycle_is_a_second_entry),
		cmocka_unit_test(test_open_lost_disqualified),
		cmocka_unit_test(test_jumps_and_reopened_deals),
		cmocka_unit_test(test_negative_duration_left_out),
		cmocka_unit_test(test_median_and_p90_by_hand),
		cmocka_unit_test(test_from_to_filter_entries),
		cmocka_unit_test(test_groups_order_and_counts),
		cmocka_unit_test(test_group_by_month_fills_gaps),
		cmocka_unit_test(test_period_labels),
		cmocka_unit_test(test_created_cohort),
		cmocka_unit_test(test_rate_pairs),
		cmocka_unit_test(test_no_leads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
