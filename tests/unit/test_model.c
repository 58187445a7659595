/*
 * test_model.c - unit tests of the YAML model loader: the example model
 * loads with every feature, defaults apply, and every kind of mistake is
 * reported with file:line:col, all of them at once, sorted by line, with no
 * model returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/lead.h"
#include "core/time.h"
#include "model/model.h"
#include "test_model_fixtures.h"

#define EXAMPLE LQ_TEST_DATA "/../../examples/model.yaml"
#define BAD_MODEL LQ_TEST_DATA "/models/bad_many.yaml"

static const lq_action *action(const lq_model *m, const char *name)
{
	for (size_t i = 0; i < m->nactions; i++)
		if (strcmp(m->actions[i].name, name) == 0)
			return &m->actions[i];
	fail_msg("no action '%s'", name);
	return NULL;
}

static void test_example_loads(void **state)
{
	lq_model *m = NULL;
	lq_diags d = {0};
	lq_error err;
	(void)state;

	int rc = lq_model_load_file(EXAMPLE, &m, &d, &err);
	if (rc) {
		char out[700];
		lq_error_format(&err, out, sizeof out);
		fail_msg("example model: %s", out);
	}
	assert_non_null(m);
	assert_int_equal(m->version, 1);
	assert_string_equal(m->name, "ICP 2026 - mid-market software");
	assert_true(m->nlists >= 5);
	assert_string_equal(m->lists[0].name, "freemail");
	assert_true(m->lists[0].items.n >= 20);
	assert_true(m->nfit >= 15);
	assert_true(m->nchannel >= 4);
	assert_true(m->nactions >= 10);
	assert_int_equal(m->grades[0].min, 50);
	assert_int_equal(m->grades[3].min, 0);
	assert_int_equal(m->half_life, 30 * LQ_MS_DAY);
	assert_int_equal(action(m, "pricing page")->max, 30);
	assert_int_equal(action(m, "pricing page")->half_life, 30 * LQ_MS_DAY);
	assert_int_equal(action(m, "returning visit")->half_life, 7 * LQ_MS_DAY);
	assert_int_equal(action(m, "email unsubscribe")->half_life, 0);
	assert_true(action(m, "email unsubscribe")->points < 0);
	assert_int_equal(action(m, "webinar attended")->expires, 90 * LQ_MS_DAY);
	assert_null(action(m, "demo request")->when);
	assert_string_equal(action(m, "demo request")->on, "demo_request");
	assert_non_null(m->mql);
	assert_non_null(m->hand_raiser);
	assert_true(lq_expr_uses_event(m->hand_raiser));
	assert_int_equal(m->sal_sla, 24 * LQ_MS_HOUR);
	assert_int_equal(m->nsql_requires, 4);
	assert_int_equal(m->nsqo_requires, 5);
	assert_string_equal(m->sqo_requires[4], "follow_up");
	int disq = 0, neg = 0;
	for (size_t i = 0; i < m->nfit; i++) {
		disq += m->fit[i].disqualify;
		neg += m->fit[i].points < 0;
		assert_true(m->fit[i].line > 0);
	}
	assert_true(disq >= 2);
	assert_true(neg >= 4);
	assert_non_null(m->text);
	assert_non_null(strstr(m->text, "sqo_requires"));
	lq_model_free(m);
	lq_diags_free(&d);
}

static void test_example_scores(void **state)
{
	lq_model *m = NULL;
	lq_lead lead;
	lq_account acct;
	lq_eval_env env = {0};
	int fit = 0;
	(void)state;

	assert_int_equal(lq_model_load_file(EXAMPLE, &m, NULL, NULL), 0);
	lq_lead_init(&lead);
	lq_account_init(&acct);
	lead.email_domain = lq_xstrdup("gmail.com");
	lead.seniority = lq_xstrdup("VP");
	acct.employees = 200;
	env.lead = &lead;
	env.account = &acct;
	for (size_t i = 0; i < m->nfit; i++)
		if (lq_expr_eval(m->fit[i].when, &env))
			fit += m->fit[i].points;
	/* size 20 + decision maker 15 + free-mail -30 + no domain -5 */
	assert_int_equal(fit, 0);
	assert_int_equal(lq_model_grade(m, fit), 'D');
	lq_lead_free(&lead);
	lq_account_free(&acct);
	lq_model_free(m);
}

static void test_defaults(void **state)
{
	lq_model *m = load_ok("name: tiny\n");
	(void)state;
	assert_int_equal(m->version, 1);
	assert_string_equal(m->name, "tiny");
	assert_int_equal(m->grades[0].letter, 'A');
	assert_int_equal(m->grades[0].min, 50);
	assert_int_equal(m->grades[1].min, 30);
	assert_int_equal(m->grades[2].min, 15);
	assert_int_equal(m->grades[3].min, 0);
	assert_int_equal(m->grades[3].letter, 'D');
	assert_int_equal(m->nfit, 0);
	assert_int_equal(m->nactions, 0);
	assert_null(m->mql);
	assert_null(m->hand_raiser);
	assert_int_equal(m->sal_sla, 0);
	assert_int_equal(m->half_life, 0);
	assert_string_equal(m->text, "name: tiny\n");
	lq_model_free(m);
	lq_model_free(NULL);
}

static void test_grade(void **state)
{
	lq_model *m = load_ok("grades: {A: 80, B: 40, C: 10, D: -20}\n");
	(void)state;
	assert_int_equal(lq_model_grade(m, 80), 'A');
	assert_int_equal(lq_model_grade(m, 79.5), 'B');
	assert_int_equal(lq_model_grade(m, 40), 'B');
	assert_int_equal(lq_model_grade(m, 10), 'C');
	assert_int_equal(lq_model_grade(m, 0), 'D');
	assert_int_equal(lq_model_grade(m, -20), 'D');
	assert_int_equal(lq_model_grade(m, -21), 'F');
	assert_int_equal(lq_model_grade(m, NAN), 'F');
	lq_model_free(m);
	m = load_ok("version: 1\n");
	assert_int_equal(lq_model_grade(m, 50), 'A');
	assert_int_equal(lq_model_grade(m, 49), 'B');
	assert_int_equal(lq_model_grade(m, 15), 'C');
	assert_int_equal(lq_model_grade(m, -1), 'F');
	lq_model_free(m);
}

static void test_rules_loaded(void **state)
{
	lq_model *m = load_ok(
		"lists:\n"
		"  free: [gmail.com, yahoo.com]\n"
		"fit:\n"
		"  - rule: free\n"
		"    when: email_domain in $free\n"
		"    points: -30\n"
		"  - rule: rival\n"
		"    when: email_domain == \"rival.example\"\n"
		"    disqualify: true\n"
		"channel:\n"
		"  - rule: free\n"                 /* same name, other section */
		"    when: source == \"referral\"\n"
		"    points: 10\n"
		"engagement:\n"
		"  half_life: 2w\n"
		"  actions:\n"
		"    - rule: click\n"
		"      on: email_click\n"
		"      points: 2.5\n"
		"      half_life: 0\n"
		"      expires: none\n"
		"    - rule: view\n"
		"      on: page_view\n"
		"      when: event.url contains \"/pricing\"\n"
		"      points: 1\n"
		"stages:\n"
		"  mql: fit >= 30 and engagement >= 40\n"
		"  sal_sla: 1d12h\n"
		"  sql_requires: [money, authority, need, urgency]\n"
		"event_map: {\"Demo Requested\": demo_request}\n");
	(void)state;
	assert_int_equal(m->nfit, 2);
	assert_string_equal(m->fit[0].name, "free");
	assert_int_equal(m->fit[0].points, -30);
	assert_int_equal(m->fit[0].line, 4);
	assert_int_equal(m->fit[1].disqualify, 1);
	assert_int_equal(m->nchannel, 1);
	assert_int_equal(m->channel[0].points, 10);
	assert_int_equal(m->nactions, 2);
	assert_true(m->actions[0].points == 2.5);
	assert_int_equal(m->actions[0].half_life, 0);
	assert_int_equal(m->actions[0].expires, 0);
	assert_int_equal(m->actions[1].half_life, 14 * LQ_MS_DAY);
	assert_int_equal(m->actions[1].max, 0);
	assert_non_null(m->actions[1].when);
	assert_int_equal(m->sal_sla, 36 * LQ_MS_HOUR);
	assert_string_equal(m->sql_requires[0], "money");
	assert_string_equal(lq_model_sql_item("money"), "budget");
	assert_string_equal(lq_model_sql_item("urgency"), "timing");
	assert_null(lq_model_sql_item("budgett"));
	assert_true(lq_model_is_sqo_item("influencer"));
	assert_false(lq_model_is_sqo_item("budget"));

	lq_lead lead;
	lq_eval_env env = {0};
	lq_lead_init(&lead);
	lead.email_domain = lq_xstrdup("Yahoo.COM");
	env.lead = &lead;
	assert_true(lq_expr_eval(m->fit[0].when, &env));
	assert_false(lq_expr_eval(m->fit[1].when, &env));
	lq_lead_free(&lead);
	lq_model_free(m);
}

static void test_yaml_syntax_error(void **state)
{
	(void)state;
	expect_one("name: x\nfit:\n  - rule: a\n    when: [\n", 5, 1,
		   "yaml syntax error: did not find expected node content");
	expect_one("name: x\n  bad: indent\n", 2, 6,
		   "yaml syntax error: mapping values are not allowed in this context");
	expect_one("", 1, 1, "model file is empty");
	expect_one("- a\n- b\n", 1, 1, "a model file must be a mapping");
	expect_one("name: a\n---\nname: b\n", 3, 1, "more than one YAML document");
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_one("fit:\n  - rule: x\n    when: title exists\n    pointz: 5\n"
		   "    points: 5\n", 4, 5,
		   "unknown key 'pointz' in fit rule 'x' (did you mean points?)");
	expect_one("name: a\nfitt: []\n", 2, 1,
		   "unknown top-level key 'fitt' (did you mean fit?)");
	expect_one("stages:\n  mqll: fit > 1\n", 2, 3,
		   "unknown key 'mqll' in stages (did you mean mql?)");
	expect_one("engagement:\n  actions:\n    - rule: a\n      on: x\n"
		   "      points: 1\n      decay: 3d\n", 6, 7,
		   "unknown key 'decay' in engagement action 'a'");
	expect_one("channel:\n  - rule: c\n    when: title exists\n"
		   "    disqualify: true\n", 4, 5,
		   "unknown key 'disqualify' in channel rule 'c'");
	expect_one("name: a\nname: b\n", 2, 1, "duplicate key 'name' (first at line 1)");
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_one("fit:\n  - rule: x\n    when: title exists\n    points: 1.5\n",
		   4, 13, "points in fit rule 'x' must be an integer, got '1.5'");
	expect_one("fit:\n  - rule: x\n    when: title exists\n    points: [1]\n",
		   4, 13, "points in fit rule 'x' must be an integer, got 'a list'");
	expect_one("engagement:\n  actions:\n    - rule: a\n      on: x\n"
		   "      points: lots\n", 5, 15,
		   "points in engagement action 'a' must be a number, got 'lots'");
	expect_one("engagement:\n  actions:\n    - rule: a\n      on: x\n"
		   "      points: 1\n      max: -5\n", 6, 12,
		   "max in engagement action 'a' must be between 0 and");
	expect_one("fit:\n  - rule: x\n    when: title exists\n    disqualify: maybe\n",
		   4, 17, "disqualify in fit rule 'x' must be true or false, got 'maybe'");
	expect_one("version: 2\n", 1, 10, "unsupported model version 2 (this leadq reads version 1)");
	expect_one("fit: {a: 1}\n", 1, 6, "fit must be a list of fit rules");
	expect_one("fit:\n  - just text\n", 2, 5, "each fit rule must be a mapping");
	expect_one("lists:\n  free: gmail.com\n", 2, 9, "list 'free' must be a list of values");
	expect_one("lists:\n  \"bad name\": [a]\n", 2, 3, "bad list name 'bad name'");
}

static void test_missing_keys(void **state)
{
	(void)state;
	expect_one("fit:\n  - when: title exists\n    points: 1\n", 2, 5,
		   "fit rule #1 needs a name (rule: ...)");
	expect_one("fit:\n  - rule: x\n    points: 1\n", 2, 5, "fit rule 'x' needs 'when'");
	expect_one("fit:\n  - rule: x\n    when: title exists\n", 2, 5,
		   "fit rule 'x' needs 'points' or 'disqualify: true'");
	expect_one("fit:\n  - rule: x\n    when: title exists\n    disqualify: false\n",
		   2, 5, "fit rule 'x' needs 'points' or 'disqualify: true'");
	expect_one("channel:\n  - rule: c\n    when: title exists\n", 2, 5,
		   "channel rule 'c' needs 'points'");
	expect_one("engagement:\n  actions:\n    - rule: a\n      points: 1\n", 3, 7,
		   "engagement action 'a' needs 'on'");
	expect_one("engagement:\n  actions:\n    - rule: a\n      on: x\n", 3, 7,
		   "engagement action 'a' needs 'points'");
}

static void test_duplicate_rule(void **state)
{
	(void)state;
	expect_one("fit:\n"
		   "  - rule: size\n    when: account.employees > 5\n    points: 1\n"
		   "  - rule: other\n    when: title exists\n    points: 1\n"
		   "  - rule: size\n    when: account.employees > 50\n    points: 2\n",
		   8, 11, "duplicate rule name 'size' in fit (first defined at line 2)");
	expect_one("engagement:\n  actions:\n"
		   "    - rule: a\n      on: x\n      points: 1\n"
		   "    - rule: a\n      on: y\n      points: 1\n",
		   6, 13, "duplicate rule name 'a' in engagement actions (first defined at line 3)");
}

static void test_expression_errors(void **state)
{
	lq_diags d;
	(void)state;
	/* unknown list: col of the $ in the when text */
	expect_one("fit:\n  - rule: x\n    when: email_domain in $foo\n    points: 1\n",
		   3, 27, "unknown list $foo");
	/* bad regex: col of the regex literal */
	expect_one("fit:\n  - rule: x\n    when: title matches \"(abc\"\n    points: 1\n",
		   3, 25, "bad regex \"(abc\": missing closing parenthesis at offset 4");
	/* type mismatch */
	expect_one("fit:\n  - rule: x\n    when: account.employees contains 5\n    points: 1\n",
		   3, 29, "type mismatch: contains needs text or a list, account.employees is a number");
	/* unknown field with hint */
	expect_one("fit:\n  - rule: x\n    when: employees > 10\n    points: 1\n",
		   3, 11, "unknown field 'employees' (did you mean account.employees?)");
	/* wrong context */
	expect_one("fit:\n  - rule: x\n    when: event.url exists\n    points: 1\n",
		   3, 11, "event.* is only available in engagement actions and stages.hand_raiser");
	expect_one("stages:\n  mql: grade <= \"B\" and event.type exists\n", 2, 25,
		   "field 'event.type' is not available in stages.mql");
	/* double-quoted YAML scalar: the text starts one column later */
	expect_one("fit:\n  - rule: x\n    when: 'employees > 1'\n    points: 1\n",
		   3, 12, "unknown field 'employees'");
	/* bad duration inside an expression */
	expect_one("engagement:\n  actions:\n    - rule: a\n      on: page_view\n"
		   "      when: event.seconds > 30x\n      points: 1\n",
		   5, 29, "bad duration '30x'");
	/* depth limit */
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "stages:\n  mql: ");
	for (int i = 0; i < 100; i++)
		lq_buf_addc(&b, '(');
	lq_buf_adds(&b, "fit > 1\n");
	d = load_bad(lq_buf_str(&b));
	expect_diag(&d, 0, 2, 8 + 64, "expression nested too deeply (64 levels at most)");
	lq_diags_free(&d);
	lq_buf_free(&b);
}

static void test_durations(void **state)
{
	(void)state;
	expect_one("engagement:\n  half_life: 30x\n", 2, 14,
		   "bad duration '30x' for engagement half_life");
	expect_one("engagement:\n  half_life: 30\n", 2, 14,
		   "bad duration '30' for engagement half_life (add a unit: s, m, h, d or w)");
	expect_one("engagement:\n  actions:\n    - rule: a\n      on: x\n"
		   "      points: 1\n      expires: -5d\n", 6, 16,
		   "negative duration '-5d' for expires in engagement action 'a'");
	expect_one("stages:\n  sal_sla: soon\n", 2, 12, "bad duration 'soon' for stages.sal_sla");
	lq_model *m = load_ok("engagement:\n  half_life: none\n  actions:\n"
			      "    - rule: a\n      on: x\n      points: 1\n"
			      "      half_life: 45m\n      expires: 2w\n");
	assert_int_equal(m->half_life, 0);
	assert_int_equal(m->actions[0].half_life, 45 * LQ_MS_MINUTE);
	assert_int_equal(m->actions[0].expires, 14 * LQ_MS_DAY);
	lq_model_free(m);
}

static void test_grades_errors(void **state)
{
	(void)state;
	expect_one("grades: {A: 50, B: 30, C: 30, D: 0}\n", 1, 27,
		   "grades must be descending: C (30) is not below B (30)");
	expect_one("grades:\n  A: 10\n  B: 20\n  C: 5\n  D: 0\n", 3, 6,
		   "grades must be descending: B (20) is not below A (10)");
	expect_one("grades: {A: 50, B: 30, D: 0}\n", 1, 9,
		   "grades needs A, B, C and D (missing C)");
	expect_one("grades: {A: 50, B: 30, C: 15, D: 0, F: -10}\n", 1, 37,
		   "unknown key 'F' in grades");
	expect_one("grades: {A: top, B: 30, C: 15, D: 0}\n", 1, 13,
		   "grade A must be an integer, got 'top'");
	expect_one("grades: [50, 30]\n", 1, 9, "grades must be a mapping");
}

static void test_requires_errors(void **state)
{
	(void)state;
	expect_one("stages:\n  sql_requires: [budget, authorty, need]\n", 2, 26,
		   "unknown sql_requires item 'authorty' (allowed: budget, authority, need, timing, money, urgency)");
	expect_one("stages:\n  sqo_requires: [buy_cycle, budget]\n", 2, 29,
		   "unknown sqo_requires item 'budget' (allowed: buy_cycle, influencer, time_frame, opportunity_size, follow_up)");
	expect_one("stages:\n  sql_requires: [budget, money]\n", 2, 26,
		   "sql_requires item 'money' repeats 'budget'");
	expect_one("stages:\n  sql_requires: budget\n", 2, 17,
		   "stages.sql_requires must be a list");
}

static void test_many_errors_sorted(void **state)
{
	lq_model *m = (lq_model *)&m;
	lq_diags d = {0};
	lq_error err;
	char out[700];
	(void)state;

	int rc = lq_model_load_file(BAD_MODEL, &m, &d, &err);
	assert_int_equal(rc, LQ_EINVAL);
	assert_null(m);
	assert_int_equal(d.n, 7);
	expect_diag(&d, 0, 5, 1, "unknown top-level key 'nmae'");
	expect_diag(&d, 1, 10, 11, "unknown field 'employees'");
	expect_diag(&d, 2, 14, 5, "unknown key 'pointz' in fit rule 'title'");
	expect_diag(&d, 3, 16, 11, "duplicate rule name 'size' in fit (first defined at line 9)");
	expect_diag(&d, 4, 17, 27, "unknown list $nope");
	expect_diag(&d, 5, 20, 14, "bad duration '3 days' for engagement half_life");
	expect_diag(&d, 6, 23, 6, "grades must be descending: B (50) is not below A (50)");
	for (size_t i = 1; i < d.n; i++)
		assert_true(d.items[i - 1].line <= d.items[i].line);
	lq_error_format(&err, out, sizeof out);
	assert_non_null(strstr(out, "bad_many.yaml:5:1: unknown top-level key 'nmae'"));
	lq_diags_free(&d);
	lq_diags_free(&d);  /* twice is harmless */
}

static void test_file_errors(void **state)
{
	lq_model *m = NULL;
	lq_diags d = {0};
	lq_error err;
	(void)state;

	assert_int_equal(lq_model_load_file(LQ_TEST_DATA "/models/nope.yaml", &m, &d, &err),
			 LQ_ENOTFOUND);
	assert_null(m);
	assert_string_equal(err.msg, "cannot open model file: no such file or directory");
	assert_non_null(strstr(err.file, "nope.yaml"));
	assert_int_equal(d.n, 1);
	lq_diags_free(&d);
	/* errors with no diags and no err pointers */
	assert_int_equal(lq_model_load("fit: 3\n", 7, NULL, &m, NULL, NULL), LQ_EINVAL);
	assert_null(m);
}

static void test_limits(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	lq_diags d;
	(void)state;

	/* too large */
	lq_buf_adds(&b, "name: x\n");
	while (b.len <= LQ_MODEL_MAX_FILE)
		lq_buf_adds(&b, "# padding padding padding padding padding padding\n");
	d = load_bad(lq_buf_str(&b));
	expect_diag(&d, 0, 1, 1, "model file too large (4 MB at most)");
	lq_diags_free(&d);
	/* too many rules */
	lq_buf_reset(&b);
	lq_buf_adds(&b, "fit:\n");
	for (int i = 0; i <= LQ_MODEL_MAX_RULES; i++)
		lq_buf_adds(&b, "  - {}\n");
	d = load_bad(lq_buf_str(&b));
	expect_diag(&d, 0, 2, 3, "too many fit rules (10000 at most)");
	assert_int_equal(d.n, 1);
	lq_diags_free(&d);
	lq_buf_free(&b);
	/* aliases are refused */
	expect_one("lists:\n  a: &x [1, 2]\n  b: *x\n", 2, 6,
		   "aliases (*name) are not supported");
	/* nesting: checked before libyaml builds the document, whose time
	 * grows with the square of the depth */
	lq_buf_reset(&b);
	lq_buf_adds(&b, "lists:\n  l: ");
	for (int i = 0; i < 100000; i++)
		lq_buf_addc(&b, '[');
	for (int i = 0; i < 100000; i++)
		lq_buf_addc(&b, ']');
	d = load_bad(lq_buf_str(&b));
	expect_diag(&d, 0, 2, 6 + LQ_MODEL_MAX_DEPTH - 2,
		    "model is nested deeper than 64 levels");
	assert_int_equal(d.n, 1);
	lq_diags_free(&d);
	lq_buf_free(&b);
	/* a \0 escape would cut a value short */
	expect_one("name: \"a\\0b\"\n", 1, 7, "NUL character (\\0) in a value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_example_scores),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_grade),
		cmocka_unit_test(test_rules_loaded),
		cmocka_unit_test(test_yaml_syntax_error),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_duplicate_rule),
		cmocka_unit_test(test_expression_errors),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_grades_errors),
		cmocka_unit_test(test_requires_errors),
		cmocka_unit_test(test_many_errors_sorted),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
