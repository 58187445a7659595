/*
 * test_model_lifecycle.c - unit tests of the lifecycle sections of a model
 * file (routing, on_recycle, webhooks) and the alert event name helpers:
 * a model with all three loads with the right values, routing rules
 * evaluate in their context, every mistake is reported at its line:col,
 * and the example model's routing (and its commented-out webhook) load.
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
#include "model/model.h"
#include "test_model_fixtures.h"

#define EXAMPLE LQ_TEST_DATA "/../../examples/model.yaml"
#define HOOK "webhooks:\n  - url: https://h.example/x\n"

/* "prefix" + n copies of c + "suffix", for length limits. */
static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, prefix);
	for (size_t i = 0; i < n; i++)
		lq_buf_addc(&b, c);
	lq_buf_adds(&b, suffix);
	return lq_buf_take(&b);
}

/* Index of the first routing rule matching (country, employees, grade),
 * -1 when none does. */
static int route(const lq_model *m, const char *country, double employees,
		 char grade)
{
	lq_lead lead;
	lq_account acct;
	lq_eval_env env = {0};
	int hit = -1;

	lq_lead_init(&lead);
	lq_account_init(&acct);
	lead.country = lq_xstrdup(country);
	acct.employees = employees;
	env.lead = &lead;
	env.account = &acct;
	env.has_score = 1;
	env.grade = grade;
	for (size_t i = 0; hit < 0 && i < m->nroutes; i++)
		if (lq_expr_eval(m->routes[i].when, &env))
			hit = (int)i;
	lq_lead_free(&lead);
	lq_account_free(&acct);
	return hit;
}

static const char full_model[] =
	"name: t\n"
	"routing:\n"
	"  rules:\n"
	"    - when: country in [DE, AT, CH]\n"
	"      owner: anna\n"
	"    - when: account.employees > 1000 and grade == \"A\"\n"
	"      owner: ben\n"
	"  round_robin: [carla, dan]\n"
	"on_recycle: reset_engagement\n"
	"webhooks:\n"
	"  - url: https://hooks.example.com/leadq\n"
	"    events: [mql, stage_changed]\n"
	"    secret: s3cret-key\n"
	"    max_attempts: 3\n"
	"  - url: HTTP://localhost:8080/h?x=1\n"
	"    secret: 12345678\n";

static void test_all_sections(void **state)
{
	lq_model *m = load_ok(full_model);
	(void)state;

	assert_int_equal(m->nroutes, 2);
	assert_string_equal(m->routes[0].owner, "anna");
	assert_string_equal(lq_expr_text(m->routes[0].when), "country in [DE, AT, CH]");
	assert_int_equal(m->routes[0].line, 4);
	assert_string_equal(m->routes[1].owner, "ben");
	assert_int_equal(m->routes[1].line, 6);
	assert_int_equal(m->nround_robin, 2);
	assert_string_equal(m->round_robin[0], "carla");
	assert_string_equal(m->round_robin[1], "dan");
	assert_int_equal(m->on_recycle_reset, 1);
	assert_int_equal(m->nwebhooks, 2);
	assert_string_equal(m->webhooks[0].url, "https://hooks.example.com/leadq");
	assert_int_equal(m->webhooks[0].events, LQ_ALERT_MQL | LQ_ALERT_STAGE_CHANGED);
	assert_string_equal(m->webhooks[0].secret, "s3cret-key");
	assert_int_equal(m->webhooks[0].max_attempts, 3);
	assert_int_equal(m->webhooks[0].line, 11);
	assert_string_equal(m->webhooks[1].url, "HTTP://localhost:8080/h?x=1");
	assert_int_equal(m->webhooks[1].events, LQ_ALERT_ALL);
	assert_string_equal(m->webhooks[1].secret, "12345678");
	assert_int_equal(m->webhooks[1].max_attempts, 8);
	assert_int_equal(m->webhooks[1].line, 15);
	/* first match wins; text comparisons ignore case; scores are visible */
	assert_int_equal(route(m, "at", 5000, 'A'), 0);
	assert_int_equal(route(m, "US", 5000, 'A'), 1);
	assert_int_equal(route(m, "US", 5000, 'B'), -1);
	assert_int_equal(route(m, "US", 500, 'A'), -1);
	assert_int_equal(route(m, "US", NAN, 'A'), -1);
	lq_model_free(m);
}

static void test_defaults(void **state)
{
	lq_model *m = load_ok("name: t\n");
	(void)state;

	assert_int_equal(m->nroutes, 0);
	assert_null(m->routes);
	assert_int_equal(m->nround_robin, 0);
	assert_null(m->round_robin);
	assert_int_equal(m->on_recycle_reset, 0);
	assert_int_equal(m->nwebhooks, 0);
	assert_null(m->webhooks);
	lq_model_free(m);

	m = load_ok("on_recycle: keep_engagement\nrouting:\n  round_robin: [solo]\n"
		    "webhooks: []\n");
	assert_int_equal(m->on_recycle_reset, 0);
	assert_int_equal(m->nroutes, 0);
	assert_int_equal(m->nround_robin, 1);
	assert_string_equal(m->round_robin[0], "solo");
	assert_int_equal(m->nwebhooks, 0);
	lq_model_free(m);

	/* keys written without a value, rules without round_robin */
	m = load_ok("routing:\non_recycle:\nwebhooks:\n");
	assert_int_equal(m->nroutes + m->nround_robin + m->nwebhooks, 0);
	lq_model_free(m);
	m = load_ok("routing:\n  rules:\n    - when: title exists\n      owner: x\n");
	assert_int_equal(m->nroutes, 1);
	assert_int_equal(m->nround_robin, 0);
	lq_model_free(m);

	/* events as one text value; a name may repeat in round_robin */
	m = load_ok(HOOK "    events: mql, sla_overdue\n    secret: abcdefgh\n"
		    "routing:\n  round_robin: [a, a, b]\n");
	assert_int_equal(m->webhooks[0].events, LQ_ALERT_MQL | LQ_ALERT_SLA_OVERDUE);
	assert_int_equal(m->nround_robin, 3);
	lq_model_free(m);
}

static void test_routing_errors(void **state)
{
	lq_diags d;
	(void)state;

	expect_one("routing:\n  rulez: []\n", 2, 3,
		   "unknown key 'rulez' in routing (did you mean rules?)");
	expect_one("routing: [a]\n", 1, 10,
		   "routing must be a mapping (rules:, round_robin:)");
	expect_one("routing:\n  rules: {when: x}\n", 2, 10,
		   "routing.rules must be a list of routing rules (when:, owner:)");
	expect_one("routing:\n  rules:\n    - anna\n", 3, 7,
		   "each routing rule must be a mapping (when:, owner:)");
	expect_one("routing:\n  rules:\n    - owner: anna\n", 3, 7,
		   "routing rule #1 needs 'when'");
	expect_one("routing:\n  rules:\n    - when: title exists\n", 3, 7,
		   "routing rule #1 needs 'owner'");
	d = load_bad("routing:\n  rules:\n    - when: title exists\n      owner: a\n"
		     "    - when: title exists\n      ownr: anna\n");
	assert_int_equal(d.n, 2);
	expect_diag(&d, 0, 5, 7, "routing rule #2 needs 'owner'");
	expect_diag(&d, 1, 6, 7,
		    "unknown key 'ownr' in routing rule #2 (did you mean owner?)");
	lq_diags_free(&d);
	expect_one("routing:\n  rules:\n    - when: title exists\n      owner: \"\"\n",
		   4, 14, "owner in routing rule #1 must be non-empty text");
	expect_one("routing:\n  rules:\n    - when: title exists\n      owner: [a]\n",
		   4, 14, "owner in routing rule #1 must be non-empty text");
	expect_one("routing:\n  rules:\n    - when:\n      owner: a\n", 3, 12,
		   "when of routing rule #1 must be an expression (text)");
}

static void test_routing_owner_length(void **state)
{
	const char *pre = "routing:\n  rules:\n    - when: title exists\n      owner: ";
	char *ok = repeat(pre, 'o', 128, "\n"), *bad = repeat(pre, 'o', 129, "\n");
	lq_model *m = load_ok(ok);
	(void)state;

	assert_int_equal(strlen(m->routes[0].owner), 128);
	lq_model_free(m);
	expect_one(bad, 4, 14, "owner in routing rule #1 is too long (128 bytes at most)");
	free(ok);
	free(bad);
	ok = repeat("routing:\n  round_robin: [a, ", 'r', 128, "]\n");
	bad = repeat("routing:\n  round_robin: [a, ", 'r', 129, "]\n");
	m = load_ok(ok);
	assert_int_equal(strlen(m->round_robin[1]), 128);
	lq_model_free(m);
	expect_one(bad, 2, 20, "owner #2 in routing.round_robin is too long (128 bytes at most)");
	free(ok);
	free(bad);
}

static void test_routing_expressions(void **state)
{
	(void)state;
	/* routing rules see lead, account, attr and scores, never events */
	expect_one("routing:\n  rules:\n    - when: event.type == demo\n      owner: a\n",
		   3, 13, "event.* is only available in engagement actions and stages.hand_raiser");
	expect_one("routing:\n  rules:\n    - when: country in $nope\n      owner: a\n",
		   3, 24, "unknown list $nope");
	expect_one("routing:\n  rules:\n    - when: emploees > 5\n      owner: a\n",
		   3, 13, "unknown field 'emploees'");
	lq_model *m = load_ok("lists:\n  dach: [DE, AT, CH]\nrouting:\n  rules:\n"
			      "    - when: country in $dach and score >= 50 and attr.tier exists\n"
			      "      owner: a\n");
	assert_int_equal(m->nroutes, 1);
	assert_non_null(strstr(lq_expr_text(m->routes[0].when), "$dach"));
	lq_model_free(m);
}

static void test_round_robin_errors(void **state)
{
	(void)state;
	expect_one("routing:\n  round_robin: []\n", 2, 16,
		   "routing.round_robin must be a non-empty list of owners like [carla, dan]");
	expect_one("routing:\n  round_robin: carla\n", 2, 16,
		   "routing.round_robin must be a non-empty list of owners");
	expect_one("routing:\n  round_robin: [carla, \"\"]\n", 2, 24,
		   "owner #2 in routing.round_robin must be non-empty text");
	expect_one("routing:\n  round_robin: [carla, [dan]]\n", 2, 24,
		   "owner #2 in routing.round_robin must be non-empty text");
	expect_one("routing:\n  round_robbin: [a]\n", 2, 3,
		   "unknown key 'round_robbin' in routing (did you mean round_robin?)");
}

static void test_on_recycle_errors(void **state)
{
	(void)state;
	expect_one("on_recycle: reset\n", 1, 13,
		   "on_recycle must be keep_engagement or reset_engagement, got 'reset'");
	expect_one("on_recycle: [reset_engagement]\n", 1, 13,
		   "on_recycle must be keep_engagement or reset_engagement, got 'a list'");
	expect_one("on_recycle: Reset_Engagement\n", 1, 13,
		   "on_recycle must be keep_engagement or reset_engagement");
	expect_one("on_recycel: reset_engagement\n", 1, 1,
		   "unknown top-level key 'on_recycel' (did you mean on_recycle?)");
}

static void test_webhook_shape_errors(void **state)
{
	(void)state;
	expect_one("webhooks: {url: x}\n", 1, 11,
		   "webhooks must be a list of webhooks (url:, secret:, events:)");
	expect_one("webhooks:\n  - https://h.example/x\n", 2, 5,
		   "each webhook must be a mapping (url:, secret:, events:)");
	expect_one(HOOK "    secret: abcdefgh\n    max_atempts: 3\n", 4, 5,
		   "unknown key 'max_atempts' in webhook #1 (did you mean max_attempts?)");
	expect_one(HOOK "    secret: abcdefgh\n    evnts: [mql]\n", 4, 5,
		   "unknown key 'evnts' in webhook #1 (did you mean events?)");
	expect_one("webhooks:\n  - secret: abcdefgh\n", 2, 5, "webhook #1 needs 'url'");
	expect_one(HOOK, 2, 5,
		   "webhook #1 needs 'secret' (the HMAC key, 8 to 256 bytes)");
	/* the second entry is named as such */
	expect_one(HOOK "    secret: abcdefgh\n  - url: https://b.example/\n", 4, 5,
		   "webhook #2 needs 'secret'");
}

static void test_webhook_url_errors(void **state)
{
	const char *tail = "\n    secret: abcdefgh\n";
	char *ok = repeat("webhooks:\n  - url: https://h.example/", 'u', 2048 - 18, tail);
	char *bad = repeat("webhooks:\n  - url: https://h.example/", 'u', 2049 - 18, tail);
	lq_model *m = load_ok(ok);
	(void)state;

	assert_int_equal(strlen(m->webhooks[0].url), 2048);
	lq_model_free(m);
	expect_one(bad, 2, 10, "url in webhook #1 is too long (2048 bytes at most)");
	free(ok);
	free(bad);
	expect_one("webhooks:\n  - url: ftp://h.example/x\n    secret: abcdefgh\n", 2, 10,
		   "url in webhook #1 must start with http:// or https://, got 'ftp://h.example/x'");
	expect_one("webhooks:\n  - url: h.example/x\n    secret: abcdefgh\n", 2, 10,
		   "url in webhook #1 must start with http:// or https://");
	expect_one("webhooks:\n  - url: https:///x\n    secret: abcdefgh\n", 2, 10,
		   "url in webhook #1 has no host");
	expect_one("webhooks:\n  - url: http://\n    secret: abcdefgh\n", 2, 10,
		   "url in webhook #1 has no host");
	expect_one("webhooks:\n  - url: \"https://h.example/a b\"\n    secret: abcdefgh\n",
		   2, 10, "url in webhook #1 must not contain spaces or control characters");
	expect_one("webhooks:\n  - url: [https://h.example/]\n    secret: abcdefgh\n",
		   2, 10, "url in webhook #1 must be non-empty text");
}

static void test_webhook_event_errors(void **state)
{
	(void)state;
	expect_one(HOOK "    events: [mql, closed]\n    secret: abcdefgh\n", 3, 19,
		   "unknown alert event 'closed' in webhook #1 (mql, sla_overdue, stage_changed)");
	expect_one(HOOK "    events: mql, closed\n    secret: abcdefgh\n", 3, 13,
		   "unknown alert event 'closed' in webhook #1 (mql, sla_overdue, stage_changed)");
	expect_one(HOOK "    events: [MQL]\n    secret: abcdefgh\n", 3, 14,
		   "unknown alert event 'MQL' in webhook #1");
	expect_one(HOOK "    events: []\n    secret: abcdefgh\n", 3, 13,
		   "events in webhook #1 must be a non-empty list like [mql, sla_overdue, stage_changed]");
	expect_one(HOOK "    events: mql,\n    secret: abcdefgh\n", 3, 13,
		   "events in webhook #1 must be a non-empty list");
	expect_one(HOOK "    events: {mql: 1}\n    secret: abcdefgh\n", 3, 13,
		   "events in webhook #1 must be a non-empty list");
}

static void test_webhook_secret_errors(void **state)
{
	char *ok8 = repeat(HOOK "    secret: ", 's', 8, "\n");
	char *ok256 = repeat(HOOK "    secret: ", 's', 256, "\n");
	char *bad257 = repeat(HOOK "    secret: ", 's', 257, "\n");
	lq_diags d;
	(void)state;

	lq_model *m = load_ok(ok8);
	assert_int_equal(strlen(m->webhooks[0].secret), 8);
	lq_model_free(m);
	m = load_ok(ok256);
	assert_int_equal(strlen(m->webhooks[0].secret), 256);
	lq_model_free(m);
	expect_one(bad257, 3, 13, "secret in webhook #1 must be 8 to 256 bytes, got 257");
	free(ok8);
	free(ok256);
	free(bad257);
	/* the message never repeats the secret */
	d = load_bad(HOOK "    secret: sekrit7\n");
	expect_diag(&d, 0, 3, 13, "secret in webhook #1 must be 8 to 256 bytes, got 7");
	assert_null(strstr(d.items[0].msg, "sekrit"));
	lq_diags_free(&d);
	expect_one(HOOK "    secret: \"\"\n", 3, 13,
		   "secret in webhook #1 must be 8 to 256 bytes, got 0");
	expect_one(HOOK "    secret: [abcdefgh]\n", 3, 13,
		   "secret in webhook #1 must be text of 8 to 256 bytes");
}

/* What model show and GET /api/model print: every secret masked, the rest
 * byte for byte (whatever the YAML style, after non-ASCII text), and the
 * masked text is refused if someone applies it again. */
static void test_mask_secrets(void **state)
{
	static const char in[] =
		"# naïve ünïcödé\n" HOOK "    secret: Plain-s3cret-1\n"
		"  - url: https://h.example/y\n    \"secret\": 'Quoted-s3cret-2'\n"
		"  - {url: \"https://h.example/z\", secret: Flow-s3cret-3, events: [mql]}\n"
		"  - url: https://h.example/w\n    secret: |\n      Block-s3cret-4\n"
		"    events: [mql]\n"
		"  - url: https://h.example/v\n    secret: !!str \"Tagged-s3cret-5\"\n";
	static const char want[] =
		"# naïve ünïcödé\n" HOOK "    secret: \"********\"\n"
		"  - url: https://h.example/y\n    \"secret\": \"********\"\n"
		"  - {url: \"https://h.example/z\", secret: \"********\", events: [mql]}\n"
		"  - url: https://h.example/w\n    secret: \"********\"\n"
		"    events: [mql]\n"
		"  - url: https://h.example/v\n    secret: !!str \"********\"\n";
	(void)state;

	lq_model *m = load_ok(in);
	assert_int_equal(m->nwebhooks, 5);
	assert_string_equal(m->webhooks[3].secret, "Block-s3cret-4\n");
	lq_model_free(m);
	char *shown = lq_model_mask_secrets(in, strlen(in));
	assert_non_null(shown);
	assert_string_equal(shown, want);
	assert_null(strstr(shown, "s3cret"));
	lq_diags d = load_bad(shown);
	assert_int_equal(d.n, 5);
	expect_diag(&d, 0, 4, 13, "secret in webhook #1 is the mask leadq shows in "
		    "place of a secret: write the secret itself");
	lq_diags_free(&d);
	free(shown);
	/* no secret: unchanged; not YAML: nothing */
	shown = lq_model_mask_secrets("a: 1\n", 5);
	assert_string_equal(shown, "a: 1\n");
	free(shown);
	assert_null(lq_model_mask_secrets("a: [1\n", 6));
}

static void test_webhook_attempts_errors(void **state)
{
	(void)state;
	expect_one(HOOK "    secret: abcdefgh\n    max_attempts: 0\n", 4, 19,
		   "max_attempts in webhook #1 must be between 1 and 100, got 0");
	expect_one(HOOK "    secret: abcdefgh\n    max_attempts: 101\n", 4, 19,
		   "max_attempts in webhook #1 must be between 1 and 100, got 101");
	expect_one(HOOK "    secret: abcdefgh\n    max_attempts: many\n", 4, 19,
		   "max_attempts in webhook #1 must be an integer, got 'many'");
	lq_model *m = load_ok(HOOK "    secret: abcdefgh\n    max_attempts: 100\n");
	assert_int_equal(m->webhooks[0].max_attempts, 100);
	lq_model_free(m);
	m = load_ok(HOOK "    secret: abcdefgh\n    max_attempts: 1\n");
	assert_int_equal(m->webhooks[0].max_attempts, 1);
	lq_model_free(m);
}

static void test_many_errors_sorted(void **state)
{
	lq_diags d = load_bad("webhooks:\n"
			      "  - url: ftp://x\n"
			      "    secret: short\n"
			      "on_recycle: never\n"
			      "routing:\n"
			      "  rules:\n"
			      "    - when: nosuchfield > 1\n"
			      "  round_robin: []\n");
	(void)state;

	assert_int_equal(d.n, 6);
	expect_diag(&d, 0, 2, 10, "url in webhook #1 must start with http:// or https://");
	expect_diag(&d, 1, 3, 13, "secret in webhook #1 must be 8 to 256 bytes, got 5");
	expect_diag(&d, 2, 4, 13, "on_recycle must be keep_engagement or reset_engagement");
	expect_diag(&d, 3, 7, 7, "routing rule #1 needs 'owner'");
	expect_diag(&d, 4, 7, 13, "unknown field 'nosuchfield'");
	expect_diag(&d, 5, 8, 16, "routing.round_robin must be a non-empty list");
	lq_diags_free(&d);
}

static void test_alert_helpers(void **state)
{
	lq_error err;
	char out[64];
	(void)state;

	assert_int_equal(lq_alert_parse_list("mql,sla_overdue,stage_changed", &err),
			 LQ_ALERT_ALL);
	assert_int_equal(err.code, 0);
	assert_int_equal(lq_alert_parse_list("stage_changed", &err), LQ_ALERT_STAGE_CHANGED);
	assert_int_equal(lq_alert_parse_list(" mql , stage_changed ", &err),
			 LQ_ALERT_MQL | LQ_ALERT_STAGE_CHANGED);
	assert_int_equal(lq_alert_parse_list("mql,mql", &err), LQ_ALERT_MQL);

	assert_int_equal(lq_alert_parse_list("mql,closed", &err), 0);
	assert_int_equal(err.code, LQ_EINVAL);
	assert_string_equal(err.msg, "unknown alert event 'closed' (mql, sla_overdue, stage_changed)");
	assert_string_equal(err.field, "events");
	assert_int_equal(lq_alert_parse_list("MQL", &err), 0);
	assert_string_equal(err.msg, "unknown alert event 'MQL' (mql, sla_overdue, stage_changed)");
	assert_int_equal(lq_alert_parse_list("mql,,sla_overdue", &err), 0);
	assert_string_equal(err.msg, "empty alert event name in list (mql, sla_overdue, stage_changed)");
	assert_int_equal(lq_alert_parse_list("mql,", &err), 0);
	assert_int_equal(err.code, LQ_EINVAL);
	assert_int_equal(lq_alert_parse_list("", &err), 0);
	assert_string_equal(err.msg, "no alert events given (mql, sla_overdue, stage_changed)");
	assert_int_equal(lq_alert_parse_list(NULL, &err), 0);
	assert_int_equal(err.code, LQ_EINVAL);
	assert_int_equal(lq_alert_parse_list("nope", NULL), 0);
	assert_int_equal(lq_alert_parse_list("mql", NULL), LQ_ALERT_MQL);

	assert_string_equal(lq_alert_name(LQ_ALERT_MQL), "mql");
	assert_string_equal(lq_alert_name(LQ_ALERT_SLA_OVERDUE), "sla_overdue");
	assert_string_equal(lq_alert_name(LQ_ALERT_STAGE_CHANGED), "stage_changed");
	assert_null(lq_alert_name(0));
	assert_null(lq_alert_name(3));
	assert_null(lq_alert_name(8));

	lq_alert_format_list(LQ_ALERT_MQL | LQ_ALERT_STAGE_CHANGED, out, sizeof out);
	assert_string_equal(out, "mql,stage_changed");
	lq_alert_format_list(LQ_ALERT_ALL, out, sizeof out);
	assert_string_equal(out, "mql,sla_overdue,stage_changed");
	lq_alert_format_list(0, out, sizeof out);
	assert_string_equal(out, "");
	lq_alert_format_list(8 | LQ_ALERT_SLA_OVERDUE, out, sizeof out);
	assert_string_equal(out, "sla_overdue");
	lq_alert_format_list(LQ_ALERT_ALL, out, 6);
	assert_string_equal(out, "mql,s");
	lq_alert_format_list(LQ_ALERT_ALL, out, 1);
	assert_string_equal(out, "");
	for (unsigned mask = 1; mask <= LQ_ALERT_ALL; mask++) {
		lq_alert_format_list(mask, out, sizeof out);
		assert_int_equal(lq_alert_parse_list(out, &err), mask);
	}
}

static void test_example_routing(void **state)
{
	lq_model *m = NULL;
	lq_error err;
	(void)state;

	if (lq_model_load_file(EXAMPLE, &m, NULL, &err)) {
		char out[700];
		lq_error_format(&err, out, sizeof out);
		fail_msg("example model: %s", out);
	}
	assert_int_equal(m->nroutes, 2);
	assert_string_equal(m->routes[0].owner, "anna");
	assert_string_equal(lq_expr_text(m->routes[0].when), "country in [DE, AT, CH]");
	assert_string_equal(m->routes[1].owner, "ben");
	assert_string_equal(lq_expr_text(m->routes[1].when),
			    "account.employees > 750 and grade == \"A\"");
	assert_int_equal(m->nround_robin, 2);
	assert_string_equal(m->round_robin[0], "carla");
	assert_string_equal(m->round_robin[1], "dan");
	assert_int_equal(m->on_recycle_reset, 1);
	assert_int_equal(m->nwebhooks, 0);  /* commented out: never posts */
	assert_int_equal(route(m, "ch", 10, 'D'), 0);
	assert_int_equal(route(m, "US", 2000, 'A'), 1);
	assert_int_equal(route(m, "US", 2000, 'B'), -1);
	lq_model_free(m);
}

/* The example's commented-out webhook is valid once uncommented. */
static void test_example_webhook_uncommented(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	char line[512];
	int in_hook = 0;
	FILE *f = fopen(EXAMPLE, "r");
	(void)state;

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		if (strcmp(line, "# webhooks:\n") == 0)
			in_hook = 1;
		lq_buf_adds(&b, in_hook && strncmp(line, "# ", 2) == 0 ? line + 2 : line);
	}
	fclose(f);
	assert_true(in_hook);
	lq_model *m = load_ok(lq_buf_str(&b));
	assert_int_equal(m->nwebhooks, 1);
	assert_string_equal(m->webhooks[0].url, "https://hooks.example.com/leadq");
	assert_int_equal(m->webhooks[0].events, LQ_ALERT_MQL | LQ_ALERT_SLA_OVERDUE);
	assert_int_equal(m->webhooks[0].max_attempts, 8);
	assert_true(strlen(m->webhooks[0].secret) >= 8);
	lq_model_free(m);
	lq_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_sections),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_routing_errors),
		cmocka_unit_test(test_routing_owner_length),
		cmocka_unit_test(test_routing_expressions),
		cmocka_unit_test(test_round_robin_errors),
		cmocka_unit_test(test_on_recycle_errors),
		cmocka_unit_test(test_webhook_shape_errors),
		cmocka_unit_test(test_webhook_url_errors),
		cmocka_unit_test(test_webhook_event_errors),
		cmocka_unit_test(test_webhook_secret_errors),
		cmocka_unit_test(test_mask_secrets),
		cmocka_unit_test(test_webhook_attempts_errors),
		cmocka_unit_test(test_many_errors_sorted),
		cmocka_unit_test(test_alert_helpers),
		cmocka_unit_test(test_example_routing),
		cmocka_unit_test(test_example_webhook_uncommented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
