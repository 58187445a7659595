/*
 * test_backtest.c - backtesting against a hand-built history whose every
 * number is computed by hand in the comments: weekly MQL counts,
 * precision, recall and median lead time for a model and a looser --vs
 * model, the capacity cut, the window, and the replay rules (clock moving
 * forward, stop at sql, fit-only qualification, ISO weeks).
 */
#include "test_helpers.h"

#include <math.h>

#include "engine/backtest.h"
#include "test_scoring_model.h"

/* Base model: fit A 50 / B 30 / C 15; engagement never fades; MQL at
 * engagement 30 for grade A or B; a demo request from grade C or better is
 * a hand-raiser. The --vs model is the same with the bar at 20. */
#define MODEL_HEAD \
	"version: 1\n" \
	"fit:\n" \
	"  - rule: big\n" \
	"    when: account.employees >= 100\n" \
	"    points: 30\n" \
	"  - rule: boss\n" \
	"    when: seniority in [vp, director]\n" \
	"    points: 20\n" \
	"  - rule: rival\n" \
	"    when: email_domain in [rival.example]\n" \
	"    disqualify: true\n" \
	"grades: {A: 50, B: 30, C: 15, D: 0}\n" \
	"engagement:\n" \
	"  half_life: none\n" \
	"  actions:\n" \
	"    - rule: visit\n" \
	"      on: page_view\n" \
	"      points: 10\n" \
	"    - rule: demo\n" \
	"      on: demo_request\n" \
	"      points: 5\n" \
	"stages:\n" \
	"  hand_raiser: event.type == \"demo_request\" and grade <= \"C\"\n"

static const char *base_yaml = MODEL_HEAD
	"  mql: grade <= \"B\" and engagement >= 30\n";
static const char *vs_yaml = MODEL_HEAD
	"  mql: grade <= \"B\" and engagement >= 20\n";

/* ---- the hand-built history ------------------------------------------------
 *
 * ISO weeks of 2026: W10 starts Mon 03-02, W11 03-09, W12 03-16, W13 03-23.
 * Every lead is created 2026-03-02T09:00Z; events at 10:00Z.
 *
 *  lead  fit              events (page views unless said)   history
 *  1 L1  200 emp + vp  A  03-03, 03-04, 03-05               sql 03-10, won 03-20
 *  2 L2  200 emp       B  03-10, 03-11, 03-12               sql 03-13
 *  3 L3  vp only       C  demo_request 03-10                won 03-24 (no sql row)
 *  4 L4  nothing       D  03-03..03-07 (5 views)            won 03-18
 *  5 L5  200 emp       B  03-16, 03-17                      won 03-25
 *  6 L6  rival, A      -  03-03, 03-04, 03-05               -
 *  7 L8  200 emp       B  03-10, 03-12, 03-13               sql 03-11, won 03-19
 *
 * Base (engagement >= 30):
 *  L1 MQL 03-05 (W10, score 50+30=80); L2 03-12 (W11, 30+30=60);
 *  L3 hand-raiser 03-10 (W11, 20+5=25); L4 grade D never; L5 only 20
 *  never; L6 disqualified; L8 would reach 30 on 03-13 but sales had it
 *  (sql) from 03-11: the replay stops, never.
 *  W10: 1 MQL, to sql 1, to won 1 (L1: 03-05 -> 03-20 = 15 days)
 *  W11: 2 MQLs, to sql 2 (L2; L3 via won), to won 1 (L3: 14 days)
 *  W12: won L1, L4, L8: caught L1 -> 1 of 3
 *  W13: won L3, L5: caught L3 -> 1 of 2
 *  total: 3 MQLs, precision sql 3/3, won 2/3, recall 2/5 = 0.4,
 *         median lead time (14, 15) -> 14.5 days
 *
 * --vs (engagement >= 20):
 *  L1 03-04 (W10, 70); L2 03-11 (W11, 50); L3 03-10 (W11, 25);
 *  L5 03-17 (W12, 30+20=50): qualifies only under --vs; L8 still stopped.
 *  W10: 1, won 1 (16 days); W11: 2, sql 2, won 1 (14); W12: 1 (L5), sql 1
 *  (won implies sql), won 1 (8 days); won W12 1 of 3, W13 2 of 2
 *  total: 4 MQLs, precision sql 1, won 3/4, recall 3/5, median (8,14,16)
 *  = 14 days
 */

typedef struct person {
	const char *email, *seniority;
	double employees;
} person;

static const person people[] = {
	{"l1@a.io", "vp", 200}, {"l2@b.io", "staff", 200},
	{"l3@c.io", "vp", 10}, {"l4@d.io", "staff", 10},
	{"l5@e.io", "staff", 200}, {"l6@rival.example", "vp", 200},
	{"l8@h.io", "staff", 200},
};
#define NPEOPLE (sizeof people / sizeof people[0])

typedef struct hist_event {
	size_t lead;      /* index in people */
	const char *type, *at;
} hist_event;

static const hist_event hist_events[] = {
	{0, "page_view", "2026-03-03T10:00:00Z"},
	{0, "page_view", "2026-03-04T10:00:00Z"},
	{0, "page_view", "2026-03-05T10:00:00Z"},
	{1, "page_view", "2026-03-10T10:00:00Z"},
	{1, "page_view", "2026-03-11T10:00:00Z"},
	{1, "page_view", "2026-03-12T10:00:00Z"},
	{2, "demo_request", "2026-03-10T10:00:00Z"},
	{3, "page_view", "2026-03-03T10:00:00Z"},
	{3, "page_view", "2026-03-04T10:00:00Z"},
	{3, "page_view", "2026-03-05T10:00:00Z"},
	{3, "page_view", "2026-03-06T10:00:00Z"},
	{3, "page_view", "2026-03-07T10:00:00Z"},
	{4, "page_view", "2026-03-16T10:00:00Z"},
	{4, "page_view", "2026-03-17T10:00:00Z"},
	{5, "page_view", "2026-03-03T10:00:00Z"},
	{5, "page_view", "2026-03-04T10:00:00Z"},
	{5, "page_view", "2026-03-05T10:00:00Z"},
	{6, "page_view", "2026-03-10T10:00:00Z"},
	{6, "page_view", "2026-03-12T10:00:00Z"},
	{6, "page_view", "2026-03-13T10:00:00Z"},
};
#define NEVENTS (sizeof hist_events / sizeof hist_events[0])

typedef struct hist_stage {
	size_t lead;
	lq_stage to;
	const char *at;
} hist_stage;

static const hist_stage hist_stages[] = {
	{0, LQ_STAGE_MQL, "2026-03-05T10:00:00Z"},   /* the live model's */
	{0, LQ_STAGE_SQL, "2026-03-10T10:00:00Z"},
	{0, LQ_STAGE_WON, "2026-03-20T10:00:00Z"},
	{1, LQ_STAGE_SQL, "2026-03-13T10:00:00Z"},
	{1, LQ_STAGE_LOST, "2026-03-20T10:00:00Z"},
	{2, LQ_STAGE_WON, "2026-03-24T10:00:00Z"},
	{3, LQ_STAGE_WON, "2026-03-18T10:00:00Z"},
	{4, LQ_STAGE_WON, "2026-03-25T10:00:00Z"},
	{6, LQ_STAGE_SQL, "2026-03-11T10:00:00Z"},
	{6, LQ_STAGE_WON, "2026-03-19T10:00:00Z"},
};
#define NSTAGES (sizeof hist_stages / sizeof hist_stages[0])

static void make_person(const person *p, lq_lead *l, lq_account *a)
{
	lq_lead_init(l);
	lq_account_init(a);
	l->email = lq_xstrdup(p->email);
	l->email_domain = lq_email_domain(p->email);
	l->seniority = lq_xstrdup(p->seniority);
	l->created_at = th_time("2026-03-02T09:00:00Z");
	a->employees = p->employees;
}

/* Replay the whole history under models[0..n) into a report. */
static void run_history(lq_model **models, size_t n, lq_backtest_opts *o,
			lq_backtest_report *rep)
{
	lq_backtest *b;
	o->nmodels = n;
	b = lq_backtest_new(o);
	for (size_t i = 0; i < NPEOPLE; i++) {
		lq_lead lead;
		lq_account acc;
		lq_event ev[8];
		size_t nev = 0;
		lq_backtest_outcome out;
		lq_backtest_hit hits[LQ_BACKTEST_MAX_MODELS];

		make_person(&people[i], &lead, &acc);
		for (size_t e = 0; e < NEVENTS; e++)
			if (hist_events[e].lead == i) {
				th_event(&ev[nev], (int64_t)e + 1, hist_events[e].type,
					 th_time(hist_events[e].at), NULL);
				nev++;
			}
		lq_backtest_outcome_init(&out);
		for (size_t s = 0; s < NSTAGES; s++)
			if (hist_stages[s].lead == i)
				lq_backtest_outcome_add(&out, hist_stages[s].to,
							th_time(hist_stages[s].at));
		for (size_t k = 0; k < n; k++)
			lq_backtest_replay(models[k], &lead, &acc, ev, nev,
					   out.sql_at, &hits[k]);
		lq_backtest_add(b, &out, hits);
		for (size_t e = 0; e < nev; e++)
			lq_event_free(&ev[e]);
		lq_lead_free(&lead);
		lq_account_free(&acc);
	}
	lq_backtest_report_make(b, rep);
	lq_backtest_free(b);
}

static void assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("got %.12g, expected %.12g", got, want);
}

static void check_week_counts(const lq_backtest_stats *s, size_t mqls,
			      size_t to_sql, size_t to_won, size_t won,
			      size_t caught)
{
	assert_int_equal(s->mqls, mqls);
	assert_int_equal(s->to_sql, to_sql);
	assert_int_equal(s->to_won, to_won);
	assert_int_equal(s->won, won);
	assert_int_equal(s->caught, caught);
}

static void test_weekly_base_and_vs(void **state)
{
	lq_model *m[2] = {th_model(base_yaml), th_model(vs_yaml)};
	lq_backtest_opts o;
	lq_backtest_report r;

	lq_backtest_opts_init(&o, 2);
	run_history(m, 2, &o, &r);
	assert_int_equal(r.leads, NPEOPLE);
	assert_int_equal(r.nweeks, 4);
	assert_int_equal(r.weeks[0].start, th_time("2026-03-02"));
	assert_int_equal(r.weeks[0].iso_year, 2026);
	assert_int_equal(r.weeks[0].iso_week, 10);
	assert_int_equal(r.weeks[3].iso_week, 13);

	/* base */
	check_week_counts(&r.weeks[0].m[0], 1, 1, 1, 0, 0);
	assert_near(r.weeks[0].m[0].median_days, 15);
	check_week_counts(&r.weeks[1].m[0], 2, 2, 1, 0, 0);
	assert_near(r.weeks[1].m[0].precision_won, 0.5);
	assert_near(r.weeks[1].m[0].median_days, 14);
	check_week_counts(&r.weeks[2].m[0], 0, 0, 0, 3, 1);
	assert_true(isnan(r.weeks[2].m[0].precision_sql));
	assert_near(r.weeks[2].m[0].recall, 1.0 / 3);
	check_week_counts(&r.weeks[3].m[0], 0, 0, 0, 2, 1);
	check_week_counts(&r.total[0], 3, 3, 2, 5, 2);
	assert_near(r.total[0].precision_sql, 1);
	assert_near(r.total[0].precision_won, 2.0 / 3);
	assert_near(r.total[0].recall, 0.4);
	assert_near(r.total[0].median_days, 14.5);

	/* --vs */
	check_week_counts(&r.weeks[0].m[1], 1, 1, 1, 0, 0);
	assert_near(r.weeks[0].m[1].median_days, 16);
	check_week_counts(&r.weeks[1].m[1], 2, 2, 1, 0, 0);
	check_week_counts(&r.weeks[2].m[1], 1, 1, 1, 3, 1);
	assert_near(r.weeks[2].m[1].median_days, 8);
	check_week_counts(&r.weeks[3].m[1], 0, 0, 0, 2, 2);
	check_week_counts(&r.total[1], 4, 4, 3, 5, 3);
	assert_near(r.total[1].precision_won, 0.75);
	assert_near(r.total[1].recall, 0.6);
	assert_near(r.total[1].median_days, 14);
	/* no capacity: nothing dropped, no cutoff */
	assert_int_equal(r.total[1].candidates, 4);
	assert_true(isnan(r.weeks[1].m[1].cutoff));
	assert_int_equal(r.has_threshold[0], 0);

	lq_backtest_report_free(&r);
	lq_model_free(m[0]);
	lq_model_free(m[1]);
}

/* Capacity 1/week. Base: W11 has L2 (60) and L3 (25): L2 is kept, L3
 * dropped; cutoff 60, and a fixed threshold must beat 25. Kept: L1, L2:
 * 2 MQLs, to sql 2, to won 1 (L1); recall 1/5 (L3's win is given up)
 * against 2/5 uncapped; median 15 days. --vs: W11 keeps L2 (50) over L3
 * (25); W10 L1 and W12 L5 are alone: recall 2/5 against 3/5. */
static void test_capacity(void **state)
{
	lq_model *m[2] = {th_model(base_yaml), th_model(vs_yaml)};
	lq_backtest_opts o;
	lq_backtest_report r;

	lq_backtest_opts_init(&o, 2);
	o.capacity = 1;
	run_history(m, 2, &o, &r);
	assert_int_equal(r.capacity, 1);
	assert_int_equal(r.weeks[1].m[0].candidates, 2);
	assert_int_equal(r.weeks[1].m[0].mqls, 1);
	assert_near(r.weeks[1].m[0].cutoff, 60);
	assert_true(isnan(r.weeks[0].m[0].cutoff));
	assert_int_equal(r.total[0].candidates, 3);
	check_week_counts(&r.total[0], 2, 2, 1, 5, 1);
	assert_int_equal(r.total[0].caught_uncapped, 2);
	assert_near(r.total[0].precision_won, 0.5);
	assert_near(r.total[0].recall, 0.2);
	assert_near(r.total[0].recall_uncapped, 0.4);
	assert_near(r.total[0].median_days, 15);
	assert_int_equal(r.weeks[3].m[0].caught, 0);
	assert_int_equal(r.weeks[3].m[0].caught_uncapped, 1);
	assert_int_equal(r.has_threshold[0], 1);
	assert_near(r.threshold[0], 25);

	check_week_counts(&r.total[1], 3, 3, 2, 5, 2);
	assert_near(r.weeks[1].m[1].cutoff, 50);
	assert_near(r.total[1].recall, 0.4);
	assert_near(r.total[1].recall_uncapped, 0.6);
	assert_near(r.threshold[1], 25);

	lq_backtest_report_free(&r);
	lq_model_free(m[0]);
	lq_model_free(m[1]);
}

/* A wider capacity keeps everything: same numbers as uncapped. */
static void test_capacity_not_binding(void **state)
{
	lq_model *m[1] = {th_model(base_yaml)};
	lq_backtest_opts o;
	lq_backtest_report r;

	lq_backtest_opts_init(&o, 1);
	o.capacity = 2;
	run_history(m, 1, &o, &r);
	check_week_counts(&r.total[0], 3, 3, 2, 5, 2);
	assert_int_equal(r.has_threshold[0], 0);
	assert_near(r.total[0].recall, r.total[0].recall_uncapped);
	lq_backtest_report_free(&r);
	lq_model_free(m[0]);
}

/* Window [03-09, 03-23): base MQLs L2, L3 (W11); wins L4 03-18, L8 03-19,
 * L1 03-20 (W12): L1 counts as caught by its MQL of 03-05, before the
 * window. Weeks W11 and W12 only. */
static void test_window(void **state)
{
	lq_model *m[1] = {th_model(base_yaml)};
	lq_backtest_opts o;
	lq_backtest_report r;

	lq_backtest_opts_init(&o, 1);
	o.from = th_time("2026-03-09");
	o.to = th_time("2026-03-23");
	run_history(m, 1, &o, &r);
	assert_int_equal(r.nweeks, 2);
	assert_int_equal(r.weeks[0].iso_week, 11);
	check_week_counts(&r.total[0], 2, 2, 1, 3, 1);
	assert_near(r.total[0].recall, 1.0 / 3);
	assert_near(r.total[0].median_days, 14);
	lq_backtest_report_free(&r);
	lq_model_free(m[0]);
}

/* ---- replay rules --------------------------------------------------------- */

/* An event older than created_at counts at created_at, decayed (the clock
 * never goes back): dee (grade B, fit 35) viewed pricing on 02-08, was
 * created 03-05: 10 * 2^(-25/30) = 5.61 >= 5. */
static void test_replay_clock_forward(void **state)
{
	lq_model *m = th_model(scoring_yaml);
	lq_model *loose;
	th_person p;
	lq_event ev;
	lq_backtest_hit h;
	lq_buf y = LQ_BUF_INIT;

	/* the shared scoring model with the MQL bar lowered from 40 to 5 */
	const char *needle = "engagement >= 40";
	const char *at = strstr(scoring_yaml, needle);
	assert_non_null(at);
	lq_buf_add(&y, scoring_yaml, (size_t)(at - scoring_yaml));
	lq_buf_adds(&y, "engagement >= 5");
	lq_buf_adds(&y, at + strlen(needle));
	loose = th_model(lq_buf_str(&y));

	th_person_init(&p, "dee@acme.io", "staff", 200, "saas");
	p.lead.created_at = th_time("2026-03-05");
	th_event(&ev, 1, "page_view", th_time("2026-02-08"), "/pricing");
	lq_backtest_replay(loose, &p.lead, &p.acc, &ev, 1, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.mql, 1);
	assert_int_equal(h.at, th_time("2026-03-05"));
	assert_near(h.score, 35 + 10 * exp2(-25.0 / 30));
	assert_int_equal(h.events, 1);
	/* the stricter model: not enough */
	lq_backtest_replay(m, &p.lead, &p.acc, &ev, 1, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.mql, 0);
	assert_int_equal(h.at, LQ_BACKTEST_NEVER);

	lq_event_free(&ev);
	th_person_free(&p);
	lq_buf_free(&y);
	lq_model_free(loose);
	lq_model_free(m);
}

/* Fit alone qualifies at created_at when the mql expression allows it; a
 * lead without created_at is first evaluated at its first event; nothing
 * at or after stop_at is used. */
static void test_replay_fit_only_and_stop(void **state)
{
	lq_model *m = th_model(MODEL_HEAD "  mql: grade == \"A\"\n");
	lq_lead lead;
	lq_account acc;
	lq_event ev;
	lq_backtest_hit h;

	make_person(&people[0], &lead, &acc);     /* grade A */
	lq_backtest_replay(m, &lead, &acc, NULL, 0, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.mql, 1);
	assert_int_equal(h.at, th_time("2026-03-02T09:00:00Z"));
	assert_near(h.score, 50);
	assert_int_equal(h.events, 0);

	lead.created_at = 0;
	th_event(&ev, 1, "page_view", th_time("2026-03-04T10:00:00Z"), NULL);
	lq_backtest_replay(m, &lead, &acc, &ev, 1, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.at, th_time("2026-03-04T10:00:00Z"));
	assert_near(h.score, 60);

	lead.created_at = th_time("2026-03-02T09:00:00Z");
	lq_backtest_replay(m, &lead, &acc, &ev, 1, lead.created_at, &h);
	assert_int_equal(h.mql, 0);
	assert_int_equal(h.events, 0);

	lq_event_free(&ev);
	lq_lead_free(&lead);
	lq_account_free(&acc);
	lq_model_free(m);
}

/* A hand-raiser qualifies with the event that raised the hand; a
 * disqualifier ends the replay. */
static void test_replay_hand_raiser_and_disqualifier(void **state)
{
	lq_model *m = th_model(base_yaml);
	lq_lead lead;
	lq_account acc;
	lq_event ev;
	lq_backtest_hit h;

	make_person(&people[2], &lead, &acc);     /* grade C */
	th_event(&ev, 1, "demo_request", th_time("2026-03-10T10:00:00Z"), NULL);
	lq_backtest_replay(m, &lead, &acc, &ev, 1, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.mql, 1);
	assert_int_equal(h.hand_raiser, 1);
	assert_near(h.score, 25);
	lq_lead_free(&lead);
	lq_account_free(&acc);

	make_person(&people[5], &lead, &acc);     /* rival */
	lq_backtest_replay(m, &lead, &acc, &ev, 1, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.mql, 0);
	assert_int_equal(h.disqualified, 1);
	assert_int_equal(h.events, 0);

	lq_event_free(&ev);
	lq_lead_free(&lead);
	lq_account_free(&acc);
	lq_model_free(m);
}

/* An expiring action counts at the event's own time, not at the time the
 * backtest runs (live ingest at a later now would have dropped it). */
static void test_replay_expiry_at_event_time(void **state)
{
	lq_model *m = th_model(
		"version: 1\n"
		"engagement:\n"
		"  half_life: none\n"
		"  actions:\n"
		"    - rule: webinar\n"
		"      on: webinar_attended\n"
		"      points: 15\n"
		"      expires: 7d\n"
		"stages:\n"
		"  mql: engagement >= 30\n");
	lq_lead lead;
	lq_event ev[3];
	lq_backtest_hit h;

	lq_lead_init(&lead);
	lead.email = lq_xstrdup("x@y.io");
	lead.created_at = th_time("2025-01-01");
	/* 01-02 and 01-10 are 8 days apart: the first expired, 15 only;
	 * 01-12 with 01-10: 30 at 01-12 */
	th_event(&ev[0], 1, "webinar_attended", th_time("2025-01-02"), NULL);
	th_event(&ev[1], 2, "webinar_attended", th_time("2025-01-10"), NULL);
	th_event(&ev[2], 3, "webinar_attended", th_time("2025-01-12"), NULL);
	lq_backtest_replay(m, &lead, NULL, ev, 3, LQ_BACKTEST_NEVER, &h);
	assert_int_equal(h.mql, 1);
	assert_int_equal(h.at, th_time("2025-01-12"));
	assert_near(h.score, 30);
	for (int i = 0; i < 3; i++)
		lq_event_free(&ev[i]);
	lq_lead_free(&lead);
	lq_model_free(m);
}

/* Won implies sql (monotone funnel); the first entry counts. */
static void test_outcome_monotone(void **state)
{
	lq_backtest_outcome o;
	lq_backtest_outcome_init(&o);
	lq_backtest_outcome_add(&o, LQ_STAGE_MQL, th_time("2026-03-01"));
	lq_backtest_outcome_add(&o, LQ_STAGE_LOST, th_time("2026-03-02"));
	assert_int_equal(o.sql_at, LQ_BACKTEST_NEVER);
	lq_backtest_outcome_add(&o, LQ_STAGE_WON, th_time("2026-03-20"));
	assert_int_equal(o.sql_at, th_time("2026-03-20"));
	lq_backtest_outcome_add(&o, LQ_STAGE_SQO, th_time("2026-03-10"));
	assert_int_equal(o.sql_at, th_time("2026-03-10"));
	assert_int_equal(o.won_at, th_time("2026-03-20"));
}

static void test_iso_weeks(void **state)
{
	int y, w;
	/* Tuesday 2026-03-10 -> Monday 03-09, 2026-W11 */
	lq_time mon = lq_backtest_week_start(th_time("2026-03-10T23:59:59Z"));
	assert_int_equal(mon, th_time("2026-03-09"));
	lq_backtest_iso_week(mon, &y, &w);
	assert_int_equal(y, 2026);
	assert_int_equal(w, 11);
	/* Sunday 2021-01-03 belongs to 2020-W53 */
	mon = lq_backtest_week_start(th_time("2021-01-03T12:00:00Z"));
	assert_int_equal(mon, th_time("2020-12-28"));
	lq_backtest_iso_week(mon, &y, &w);
	assert_int_equal(y, 2020);
	assert_int_equal(w, 53);
	/* Monday 2024-12-30 starts 2025-W01 */
	lq_backtest_iso_week(th_time("2024-12-30"), &y, &w);
	assert_int_equal(y, 2025);
	assert_int_equal(w, 1);
	/* before the epoch: 1969-12-31 is in 1970-W01, from Monday 12-29 */
	mon = lq_backtest_week_start(th_time("1969-12-31T10:00:00Z"));
	assert_int_equal(mon, th_time("1969-12-29"));
	lq_backtest_iso_week(mon, &y, &w);
	assert_int_equal(y, 1970);
	assert_int_equal(w, 1);
	/* a Monday is its own week start */
	assert_int_equal(lq_backtest_week_start(th_time("2026-03-02")),
			 th_time("2026-03-02"));
}

/* Nothing qualified, nothing won: an empty report, no weeks. */
static void test_empty(void **state)
{
	lq_backtest_opts o;
	lq_backtest_report r;
	lq_backtest *b;

	lq_backtest_opts_init(&o, 1);
	b = lq_backtest_new(&o);
	lq_backtest_report_make(b, &r);
	assert_int_equal(r.nweeks, 0);
	assert_int_equal(r.total[0].mqls, 0);
	assert_true(isnan(r.total[0].precision_won));
	assert_true(isnan(r.total[0].median_days));
	lq_backtest_report_free(&r);
	lq_backtest_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekly_base_and_vs),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_capacity_not_binding),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_replay_clock_forward),
		cmocka_unit_test(test_replay_fit_only_and_stop),
		cmocka_unit_test(test_replay_hand_raiser_and_disqualifier),
		cmocka_unit_test(test_replay_expiry_at_event_time),
		cmocka_unit_test(test_outcome_monotone),
		cmocka_unit_test(test_iso_weeks),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
