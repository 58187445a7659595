/*
 * test_lifecycle.c - the pure lifecycle rules: every allowed and refused
 * transition of the stage machine, BANT/ANUM and SQO gating, routing
 * (rules, round robin), SLA due times and retry backoff.
 */
#include "test_helpers.h"

#include <stdlib.h>

#include "engine/checklist.h"
#include "engine/followup.h"
#include "engine/routing.h"
#include "engine/stage_machine.h"

/* The expected table, written out by hand (rows: from, columns: to). */
static const char *const expected[LQ_STAGE_COUNT] = {
	/*                 sub lead mql sal sql sqo won lost nur dq */
	[LQ_STAGE_SUBSCRIBER] = "0110000011",
	[LQ_STAGE_LEAD]       = "0010000011",
	[LQ_STAGE_MQL]        = "0001000011",
	[LQ_STAGE_SAL]        = "0000100111",
	[LQ_STAGE_SQL]        = "0000010110",
	[LQ_STAGE_SQO]        = "0000001100",
	[LQ_STAGE_WON]        = "0000000000",
	[LQ_STAGE_LOST]       = "0000000010",
	[LQ_STAGE_NURTURE]    = "0010000001",
	[LQ_STAGE_DISQUALIFIED] = "0000000000",
};

static void test_every_transition(void **state)
{
	for (int from = 0; from < LQ_STAGE_COUNT; from++)
		for (int to = 0; to < LQ_STAGE_COUNT; to++) {
			int want = expected[from][to] == '1';
			lq_error err;
			lq_error_clear(&err);
			if (lq_stage_allowed(from, to) != want)
				fail_msg("%s -> %s: expected %s", lq_stage_name(from),
					 lq_stage_name(to), want ? "allowed" : "refused");
			assert_int_equal(lq_stage_check(from, to, &err),
					 want ? 0 : LQ_ECONFLICT);
		}
	assert_false(lq_stage_allowed(LQ_STAGE_NONE, LQ_STAGE_MQL));
	assert_false(lq_stage_allowed(LQ_STAGE_MQL, LQ_STAGE_COUNT));
}

static void test_refusal_names_next_stages(void **state)
{
	lq_error err;
	lq_error_clear(&err);
	assert_int_equal(lq_stage_check(LQ_STAGE_MQL, LQ_STAGE_WON, &err), LQ_ECONFLICT);
	assert_string_equal(err.msg, "cannot move from mql to won (allowed next stages "
				     "from mql: sal, nurture, disqualified)");
	assert_int_equal(lq_stage_check(LQ_STAGE_WON, LQ_STAGE_LOST, &err), LQ_ECONFLICT);
	assert_string_equal(err.msg, "cannot move from won to lost (allowed next stages "
				     "from won: none: won is final)");
}

static void test_checklist_items(void **state)
{
	assert_string_equal(lq_check_item("money"), "budget");
	assert_string_equal(lq_check_item("urgency"), "timing");
	assert_string_equal(lq_check_item("buy-cycle"), "buy_cycle");
	assert_string_equal(lq_check_item("size"), "opportunity_size");
	assert_null(lq_check_item("budgett"));
	assert_int_equal(lq_check_value("budget", "Yes", NULL), 0);
	assert_int_equal(lq_check_value("budget", "maybe", NULL), LQ_EINVAL);
	assert_int_equal(lq_check_value("time_frame", "2026-06-30", NULL), 0);
	assert_int_equal(lq_check_value("time_frame", "soon", NULL), LQ_EINVAL);
	assert_int_equal(lq_check_value("opportunity_size", "-5", NULL), LQ_EINVAL);
	assert_true(lq_check_satisfied("opportunity_size", "0"));
	assert_false(lq_check_satisfied("need", "unknown"));
	assert_false(lq_check_satisfied("need", NULL));
}

static void test_bant_gating(void **state)
{
	char *req[] = {"budget", "authority", "need", "timing"};
	char missing[256];
	lq_check_answer partial[] = {{"money", "yes"}, {"authority", "no"},
				     {"need", "unknown"}};
	lq_check_answer full[] = {{"budget", "yes"}, {"authority", "yes"},
				  {"need", "yes"}, {"urgency", "yes"}};
	assert_int_equal(lq_check_missing(req, 4, partial, 3, missing, sizeof missing), 3);
	assert_string_equal(missing, "authority is no, need is unknown, timing");
	assert_int_equal(lq_check_missing(req, 4, full, 4, missing, sizeof missing), 0);
	assert_string_equal(missing, "");
}

static void test_sqo_gating(void **state)
{
	char *req[] = {"buy_cycle", "influencer", "time_frame", "opportunity_size",
		       "follow_up"};
	char missing[256];
	lq_check_answer a[] = {{"buy_cycle", "yes"}, {"influencer", "yes"},
			       {"time_frame", "2026-06-30"}, {"opportunity_size", "50000"}};
	assert_int_equal(lq_check_missing(req, 5, a, 4, missing, sizeof missing), 1);
	assert_string_equal(missing, "follow_up");
}

static const char *routing_yaml =
	"version: 1\n"
	"routing:\n"
	"  rules:\n"
	"    - when: country in [DE, AT]\n"
	"      owner: anna\n"
	"    - when: grade == \"A\"\n"
	"      owner: ben\n"
	"  round_robin: [carla, dan, erin]\n";

static void test_routing(void **state)
{
	lq_model *m = th_model(routing_yaml);
	lq_lead lead;
	lq_eval_env env = {.lead = &lead, .has_score = 1, .grade = 'A'};
	lq_lead_init(&lead);
	lead.country = lq_xstrdup("de");
	assert_string_equal(lq_route_by_rules(m, &env), "anna");
	free(lead.country);
	lead.country = lq_xstrdup("BR");
	assert_string_equal(lq_route_by_rules(m, &env), "ben");
	env.grade = 'B';
	assert_null(lq_route_by_rules(m, &env));
	const char *expect[] = {"carla", "dan", "erin", "carla", "dan"};
	for (int i = 0; i < 5; i++)
		assert_string_equal(lq_route_round_robin(m, i), expect[i]);
	lq_lead_free(&lead);
	lq_model_free(m);
	m = th_model("version: 1\n");
	assert_null(lq_route_round_robin(m, 3));
	lq_model_free(m);
}

static void test_sla_due(void **state)
{
	lq_model *m = th_model("version: 1\nstages:\n  sal_sla: 24h\n");
	lq_lead lead;
	lq_lead_init(&lead);
	lead.stage = LQ_STAGE_MQL;
	lead.stage_at = th_time("2026-03-10T00:00:00Z");
	assert_int_equal(lq_sla_due(m, &lead), th_time("2026-03-11T00:00:00Z"));
	lead.stage = LQ_STAGE_SAL;
	assert_int_equal(lq_sla_due(m, &lead), 0);
	lq_model_free(m);
	m = th_model("version: 1\n");
	lead.stage = LQ_STAGE_MQL;
	assert_int_equal(lq_sla_due(m, &lead), 0);
	lq_model_free(m);
}

static void test_backoff(void **state)
{
	/* u = 0.5 is the centre of the +-20% band */
	assert_int_equal(lq_backoff_delay(1, 0.5), 30 * LQ_MS_SECOND);
	assert_int_equal(lq_backoff_delay(2, 0.5), 60 * LQ_MS_SECOND);
	assert_int_equal(lq_backoff_delay(4, 0.5), 240 * LQ_MS_SECOND);
	assert_int_equal(lq_backoff_delay(30, 0.5), LQ_MS_HOUR);
	assert_int_equal(lq_backoff_delay(1, 0.0), 24 * LQ_MS_SECOND);
	assert_true(lq_backoff_delay(1, 0.9999) < 36 * LQ_MS_SECOND);
	assert_true(lq_backoff_delay(30, 0.9999) <= LQ_MS_HOUR * 6 / 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_transition),
		cmocka_unit_test(test_refusal_names_next_stages),
		cmocka_unit_test(test_checklist_items),
		cmocka_unit_test(test_bant_gating),
		cmocka_unit_test(test_sqo_gating),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_sla_due),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
