/*
 * test_expr.c - unit tests of the rule expression language: every operator
 * (true and false), absent values, case rules, numbers vs strings, lists and
 * $lists, grades, durations, precedence, and every parse error with its
 * line and column.
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
#include "core/value.h"
#include "model/expr.h"
#include "model/fields.h"

/* One lead, account, event and score set, shared by the eval tests. */
typedef struct fixture {
	lq_lead lead;
	lq_account account;
	lq_event event;
	lq_eval_env env;
	lq_named_list lists[2];
} fixture;

static fixture fx;

static const lq_src_pos POS = {"m.yaml", 7, 10};

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	lq_lead_init(&fx.lead);
	fx.lead.email = lq_xstrdup("ana@acme.io");
	fx.lead.email_domain = lq_xstrdup("acme.io");
	fx.lead.title = lq_xstrdup("VP of Sales");
	fx.lead.seniority = lq_xstrdup("vp");
	fx.lead.country = lq_xstrdup("DE");
	fx.lead.source = lq_xstrdup("Referral");
	fx.lead.external_id = lq_xstrdup("00042");
	fx.lead.created_at = 1772323200000LL; /* 2026-03-01T00:00:00Z */
	fx.lead.stage = LQ_STAGE_MQL;
	lq_attrs_set(&fx.lead.attrs, "plan", lq_value_str("Pro"));
	lq_attrs_set(&fx.lead.attrs, "seats", lq_value_str("25"));
	lq_attrs_set(&fx.lead.attrs, "score_hint", lq_value_num(7));
	lq_attrs_set(&fx.lead.attrs, "tags", lq_value_list_split("alpha;Beta", ';'));
	lq_attrs_set(&fx.lead.attrs, "tier", lq_value_str("b"));
	lq_attrs_set(&fx.lead.attrs, "signup", lq_value_str("2026-02-01"));
	lq_attrs_set(&fx.lead.attrs, "empty", lq_value_str(""));

	lq_account_init(&fx.account);
	fx.account.domain = lq_xstrdup("acme.io");
	fx.account.industry = lq_xstrdup("Software");
	fx.account.employees = 120;
	fx.account.revenue = 5e6;
	fx.account.tech = lq_value_list_split("Salesforce;Slack", ';');
	lq_attrs_set(&fx.account.attrs, "region", lq_value_str("EMEA"));

	lq_event_init(&fx.event);
	fx.event.type = lq_xstrdup("page_view");
	fx.event.at = 1772409600000LL; /* 2026-03-02 */
	lq_attrs_set(&fx.event.props, "url", lq_value_str("https://acme.io/Pricing?x=1"));
	lq_attrs_set(&fx.event.props, "seconds", lq_value_num(95));

	fx.env.lead = &fx.lead;
	fx.env.account = &fx.account;
	fx.env.event = &fx.event;
	fx.env.has_score = 1;
	fx.env.fit = 35;
	fx.env.channel = 10;
	fx.env.grade = 'B';
	fx.env.engagement = 42.5;
	fx.env.score = 87.5;

	fx.lists[0].name = "freemail";
	fx.lists[0].items = lq_value_list_split("gmail.com;Yahoo.com;acme.io", ';');
	fx.lists[1].name = "sizes";
	fx.lists[1].items = lq_value_list_split("10;120;500", ';');
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lq_lead_free(&fx.lead);
	lq_account_free(&fx.account);
	lq_event_free(&fx.event);
	lq_value_free(&fx.lists[0].items);
	lq_value_free(&fx.lists[1].items);
	return 0;
}

/* Parse text in ctx (failing the test on error) and evaluate it. */
static int ev_ctx(const char *text, unsigned ctx, const lq_eval_env *env)
{
	lq_error err;
	lq_expr *e = lq_expr_parse(text, ctx, fx.lists, 2, POS, &err);
	if (!e)
		fail_msg("parse of '%s' failed: %s (col %d)", text, err.msg, err.col);
	int r = lq_expr_eval(e, env);
	lq_expr_free(e);
	return r;
}

static int ev(const char *text)
{
	return ev_ctx(text, LQ_CTX_HAND_RAISER, &fx.env);
}

/* Parse must fail at column POS.col + off with a message containing msg. */
static void expect_err(const char *text, unsigned ctx, int off,
		       const char *msg)
{
	lq_error err;
	lq_expr *e = lq_expr_parse(text, ctx, fx.lists, 2, POS, &err);
	if (e) {
		lq_expr_free(e);
		fail_msg("'%s' parsed but should fail with '%s'", text, msg);
	}
	if (!strstr(err.msg, msg))
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, msg);
	assert_int_equal(err.code, LQ_EINVAL);
	assert_string_equal(err.file, "m.yaml");
	assert_int_equal(err.line, 7);
	if (err.col != POS.col + off)
		fail_msg("'%s': error '%s' at col %d, expected %d", text, err.msg,
			 err.col, POS.col + off);
}

static void test_equality(void **state)
{
	(void)state;
	assert_true(ev("seniority == \"vp\""));
	assert_true(ev("seniority == \"VP\""));
	assert_false(ev("seniority == \"director\""));
	assert_true(ev("source == 'referral'"));
	assert_true(ev("seniority != \"director\""));
	assert_false(ev("seniority != \"Vp\""));
	assert_true(ev("account.employees == 120"));
	assert_false(ev("account.employees == 121"));
	assert_true(ev("account.employees == \"120\""));
	assert_true(ev("account.industry == \"software\""));
	assert_true(ev("stage == \"mql\""));
	assert_true(ev("account.attr.region == \"emea\""));
}

static void test_ordering(void **state)
{
	(void)state;
	assert_true(ev("account.employees > 10"));
	assert_false(ev("account.employees > 120"));
	assert_true(ev("account.employees >= 120"));
	assert_true(ev("account.employees < 121"));
	assert_false(ev("account.employees < 120"));
	assert_true(ev("account.employees <= 120"));
	assert_false(ev("account.employees <= 119.5"));
	assert_true(ev("account.revenue >= 5e6"));
	assert_true(ev("fit > -10"));
	assert_true(ev("engagement >= 40 and engagement < 42.6"));
	assert_true(ev("score == 87.5"));
	assert_true(ev("channel == 10"));
}

static void test_numbers_vs_strings(void **state)
{
	(void)state;
	/* attr.seats is the string "25": compares as a number */
	assert_true(ev("attr.seats > 20"));
	assert_true(ev("attr.seats == 25"));
	assert_true(ev("attr.seats == 25.0"));
	assert_false(ev("attr.seats < 20"));
	assert_true(ev("attr.seats in [5, 25]"));
	/* a number attribute against a numeric string */
	assert_true(ev("attr.score_hint == \"7\""));
	/* "00042" is the number 42 */
	assert_true(ev("external_id == 42"));
	/* a non-numeric string never equals a number, nor orders with one */
	assert_false(ev("attr.plan == 5"));
	assert_true(ev("attr.plan != 5"));
	assert_false(ev("attr.plan > 5"));
	assert_false(ev("attr.plan < 5"));
}

static void test_between(void **state)
{
	(void)state;
	assert_true(ev("account.employees between 50 and 750"));
	assert_true(ev("account.employees between 120 and 120"));
	assert_false(ev("account.employees between 121 and 750"));
	assert_false(ev("account.employees between 1 and 119"));
	assert_true(ev("account.employees between 50 and 750 and seniority == \"vp\""));
	assert_true(ev("grade between \"A\" and \"C\""));
	assert_false(ev("grade between \"C\" and \"F\""));
}

static void test_in_lists(void **state)
{
	(void)state;
	assert_true(ev("account.industry in [software, saas, internet]"));
	assert_true(ev("account.industry in [SOFTWARE]"));
	assert_false(ev("account.industry in [saas, internet]"));
	assert_true(ev("account.industry not in [saas, internet]"));
	assert_false(ev("account.industry not in [saas, Software]"));
	assert_true(ev("seniority in [vp, c_level, director]"));
	assert_true(ev("email_domain in [\"acme.io\", other.com]"));
	assert_true(ev("account.employees in [10, 120, 500]"));
	assert_false(ev("account.employees in [10, 500]"));
	assert_true(ev("country in []") == 0);
	assert_true(ev("country not in []"));
	/* bare words may look like domains, versions, dashes */
	assert_true(ev("email_domain in [t-online.de, acme.io, 1password.com]"));
}

static void test_named_lists(void **state)
{
	(void)state;
	assert_true(ev("email_domain in $freemail"));
	assert_true(ev("not email_domain in $freemail") == 0);
	assert_false(ev("email_domain not in $freemail"));
	assert_true(ev("account.employees in $sizes"));
	assert_false(ev("account.domain in $sizes"));
	assert_true(ev("account.domain not in $sizes"));
}

static void test_list_fields(void **state)
{
	(void)state;
	assert_true(ev("account.tech contains \"salesforce\""));
	assert_true(ev("account.tech contains \"SLACK\""));
	assert_false(ev("account.tech contains \"sales\""));
	assert_true(ev("account.tech in [hubspot, slack]"));
	assert_false(ev("account.tech in [hubspot, pipedrive]"));
	assert_true(ev("account.tech not in [hubspot, pipedrive]"));
	assert_false(ev("account.tech not in [slack]"));
	assert_true(ev("account.tech == \"slack\""));
	assert_false(ev("account.tech != \"slack\""));
	assert_true(ev("account.tech starts_with \"sales\""));
	assert_true(ev("account.tech matches \"^Sl\""));
	assert_true(ev("attr.tags contains \"beta\""));
	assert_true(ev("attr.tags in [gamma, ALPHA]"));
	assert_false(ev("attr.tags contains \"gamma\""));
}

static void test_text_operators(void **state)
{
	(void)state;
	assert_true(ev("title contains \"sales\""));
	assert_true(ev("title contains \"OF S\""));
	assert_false(ev("title contains \"marketing\""));
	assert_true(ev("title starts_with \"vp\""));
	assert_false(ev("title starts_with \"sales\""));
	assert_true(ev("title ends_with \"SALES\""));
	assert_false(ev("title ends_with \"vp\""));
	assert_true(ev("email ends_with \"@acme.io\""));
	assert_true(ev("event.url contains \"/pricing\""));
	assert_true(ev("email_domain ends_with \".io\""));
}

/* contains against the C library's strcasestr on random texts: short
 * ones take leadq's own search, 256 bytes and more glibc's; pieces with
 * both cases, a slash and a two-byte UTF-8 letter, so that first letters
 * repeat and needles straddle them. */
static void random_text(char *out, size_t max, uint32_t *seed)
{
	static const char *const pieces[] = {"a", "A", "b", "B", "/", "x",
					     "\xc3\xa9", "\xc3\x89"};
	size_t len = 0;
	*seed = *seed * 1103515245u + 12345u;
	size_t want = (*seed >> 8) % max;
	while (len < want) {
		*seed = *seed * 1103515245u + 12345u;
		const char *p = pieces[(*seed >> 16) % 8];
		if (len + strlen(p) >= max)
			break;
		memcpy(out + len, p, strlen(p));
		len += strlen(p);
	}
	out[len] = 0;
}

static void test_contains_matches_strcasestr(void **state)
{
	(void)state;
	char text[320], needle[8], expr[64];
	uint32_t seed = 7;
	int found = 0, short_found = 0, long_found = 0;
	for (int i = 0; i < 20000; i++) {
		random_text(text, i % 2 ? 40 : sizeof text, &seed);
		if (!text[0])   /* an empty value is absent: nothing holds */
			continue;
		random_text(needle, i % 3 ? 5 : sizeof needle, &seed);
		lq_attrs_set(&fx.event.props, "url", lq_value_str(text));
		snprintf(expr, sizeof expr, "event.url contains \"%s\"", needle);
		int want = strcasestr(text, needle) != NULL;
		if (ev(expr) != want)
			fail_msg("'%s' contains '%s': %d, strcasestr says %d",
				 text, needle, !want, want);
		found += want;
		if (want && strlen(text) < 256)
			short_found++;
		if (want && strlen(text) >= 256)
			long_found++;
	}
	/* both answers, on both paths */
	assert_true(found > 1000 && found < 19000);
	assert_true(short_found > 100 && long_found > 100);
}

static void test_matches(void **state)
{
	(void)state;
	assert_true(ev("title matches \"(?i)^vp\\b\""));
	assert_false(ev("title matches \"^vp\""));          /* case-sensitive */
	assert_true(ev("title matches \"(?i)procurement|sales\""));
	assert_false(ev("title matches \"(?i)procurement|purchasing\""));
	assert_true(ev("event.url matches \"/[Pp]ricing\\\\?\""));
	assert_true(ev("email matches '^[a-z]+@'"));
	assert_false(ev("first_name matches \".*\""));       /* absent */
}

static void test_exists_and_absent(void **state)
{
	(void)state;
	assert_true(ev("title exists"));
	assert_false(ev("first_name exists"));
	assert_true(ev("not first_name exists"));
	assert_false(ev("attr.empty exists"));               /* "" is absent */
	assert_false(ev("attr.nope exists"));
	assert_false(ev("account.traffic exists"));          /* NAN */
	assert_true(ev("account.tech exists"));
	/* every comparison with an absent value is false, != included */
	assert_false(ev("first_name == \"ana\""));
	assert_false(ev("first_name != \"ana\""));
	assert_false(ev("account.traffic > 0"));
	assert_false(ev("account.traffic <= 0"));
	assert_false(ev("account.traffic between 0 and 1e12"));
	assert_false(ev("first_name in [ana, bob]"));
	assert_false(ev("first_name not in [ana, bob]"));
	assert_false(ev("first_name contains \"a\""));
	assert_false(ev("first_name starts_with \"a\""));
	assert_false(ev("first_name ends_with \"a\""));
	/* not flips */
	assert_true(ev("not first_name == \"ana\""));
	assert_true(ev("not first_name in [ana]"));
}

static void test_absent_records(void **state)
{
	lq_eval_env env = {0};
	(void)state;
	assert_false(ev_ctx("title exists", LQ_CTX_HAND_RAISER, &env));
	assert_false(ev_ctx("account.employees > 0", LQ_CTX_HAND_RAISER, &env));
	assert_false(ev_ctx("event.type == \"x\"", LQ_CTX_HAND_RAISER, &env));
	assert_false(ev_ctx("grade <= \"F\"", LQ_CTX_HAND_RAISER, &env));
	assert_false(ev_ctx("engagement >= 0", LQ_CTX_HAND_RAISER, &env));
	assert_true(ev_ctx("not engagement >= 0", LQ_CTX_HAND_RAISER, &env));
	/* scores are read only with has_score */
	env = fx.env;
	env.has_score = 0;
	assert_false(ev_ctx("fit > 0", LQ_CTX_STAGE, &env));
	assert_true(ev_ctx("title exists", LQ_CTX_STAGE, &env));
	assert_int_equal(lq_expr_eval(NULL, &fx.env), 0);
}

static void test_grades(void **state)
{
	lq_eval_env env = fx.env;
	(void)state;
	assert_true(ev("grade <= \"B\""));
	assert_true(ev("grade <= \"b\""));
	assert_false(ev("grade < \"B\""));
	assert_true(ev("grade == \"B\""));
	assert_true(ev("grade > \"A\""));
	assert_true(ev("grade in [A, B]"));
	assert_false(ev("grade in [C, D, F]"));
	env.grade = 'F';
	assert_false(ev_ctx("grade <= \"D\"", LQ_CTX_STAGE, &env));
	assert_true(ev_ctx("grade >= \"D\"", LQ_CTX_STAGE, &env));
	env.grade = 'A';
	assert_true(ev_ctx("grade < \"B\"", LQ_CTX_STAGE, &env));
	/* attributes holding letters order as grades too */
	assert_true(ev("attr.tier <= \"C\""));
	assert_false(ev("attr.tier <= \"A\""));
}

static void test_times(void **state)
{
	(void)state;
	assert_true(ev("created_at >= \"2026-03-01\""));
	assert_false(ev("created_at > \"2026-03-01\""));
	assert_true(ev("created_at < \"2026-03-01T00:00:01Z\""));
	assert_true(ev("created_at == \"2026-03-01T00:00:00Z\""));
	assert_true(ev("event.at between \"2026-03-01\" and \"2026-03-03\""));
	assert_true(ev("attr.signup < \"2026-03-01\""));
	assert_false(ev("attr.signup > \"2026-03-01\""));
}

static void test_durations(void **state)
{
	(void)state;
	assert_true(ev("event.seconds >= 90s"));
	assert_true(ev("event.seconds < 2m"));
	assert_false(ev("event.seconds > 95s"));
	assert_true(ev("event.seconds == 95"));
	assert_true(ev("attr.score_hint < 1h"));
	/* every unit is in seconds */
	fx.account.traffic = 2 * 7 * 86400;
	assert_true(ev("account.traffic == 2w"));
	assert_true(ev("account.traffic == 14d"));
	assert_true(ev("account.traffic == 336h"));
	assert_true(ev("account.traffic == 20160m"));
	assert_true(ev("account.traffic == 1209600s"));
	assert_true(ev("account.traffic == 1w7d"));
	assert_true(ev("account.traffic in [30d, 2w]"));
	fx.account.traffic = NAN;
}

static void test_precedence(void **state)
{
	(void)state;
	/* and binds tighter than or */
	assert_true(ev("seniority == \"x\" and country == \"x\" or title exists"));
	assert_true(ev("title exists or seniority == \"x\" and country == \"x\""));
	assert_false(ev("(title exists or seniority == \"x\") and country == \"x\""));
	/* not binds tighter than and */
	assert_false(ev("not title exists and country == \"DE\""));
	assert_true(ev("not (title exists and country == \"FR\")"));
	assert_true(ev("not not title exists"));
	assert_true(ev("((((country == \"de\"))))"));
	assert_true(ev("country == \"de\" AND NOT seniority == \"cto\""));
	assert_true(ev("attr.x exists or title exists"));
	/* and/or chains of any length */
	assert_true(ev("country == \"x\" or country == \"y\" or country == \"z\" or country == \"de\""));
	assert_false(ev("title exists and country exists and seniority exists and first_name exists"));
}

static void test_booleans_words(void **state)
{
	lq_attrs_set(&fx.event.props, "returning", lq_value_str("true"));
	(void)state;
	assert_true(ev("event.returning == true"));
	assert_false(ev("event.returning == false"));
	assert_true(ev("event.returning in [true, yes]"));
}

static void test_text_and_uses_event(void **state)
{
	lq_error err;
	lq_expr *e;
	(void)state;
	e = lq_expr_parse("event.type == \"demo\" and grade <= \"C\"",
			  LQ_CTX_HAND_RAISER, NULL, 0, POS, &err);
	assert_non_null(e);
	assert_string_equal(lq_expr_text(e), "event.type == \"demo\" and grade <= \"C\"");
	assert_true(lq_expr_uses_event(e));
	lq_expr_free(e);
	e = lq_expr_parse("grade <= \"C\"", LQ_CTX_HAND_RAISER, NULL, 0, POS, &err);
	assert_non_null(e);
	assert_false(lq_expr_uses_event(e));
	lq_expr_free(e);
	lq_expr_free(NULL);
}

static void collect_key(void *ctx, const char *key)
{
	lq_buf *b = ctx;
	lq_buf_adds(b, key);
	lq_buf_addc(b, ';');
}

/* The event properties an expression reads: what a bulk replay decodes. */
static void test_event_keys(void **state)
{
	lq_error err;
	lq_buf keys = LQ_BUF_INIT;
	(void)state;
	lq_expr *e = lq_expr_parse("event.url contains \"/pricing\" and not "
				   "(event.type == \"x\" or event.utm.source exists) "
				   "and title exists and event.seconds >= 30s",
				   LQ_CTX_ACTION, NULL, 0, POS, &err);
	assert_non_null(e);
	lq_expr_event_keys(e, collect_key, &keys);
	assert_string_equal(lq_buf_str(&keys), "url;utm.source;seconds;");
	lq_expr_free(e);
	keys.len = 0;
	e = lq_expr_parse("event.type == \"demo\"", LQ_CTX_ACTION, NULL, 0, POS, &err);
	lq_expr_event_keys(e, collect_key, &keys);
	lq_expr_event_keys(NULL, collect_key, &keys);
	assert_int_equal(keys.len, 0);
	lq_expr_free(e);
	lq_buf_free(&keys);
}

static void test_contexts(void **state)
{
	lq_error err;
	lq_expr *e;
	(void)state;
	expect_err("event.url contains \"x\"", LQ_CTX_FIT, 0,
		   "field 'event.url' is not available in fit and channel rules (event.* is only available in engagement actions and stages.hand_raiser)");
	expect_err("title exists and event.type == \"x\"", LQ_CTX_STAGE, 17,
		   "event.* is only available in engagement actions and stages.hand_raiser");
	expect_err("grade <= \"B\"", LQ_CTX_FIT, 0,
		   "field 'grade' is not available in fit and channel rules (grade, fit, channel, engagement and score are only available in stages.mql, stages.hand_raiser and routing rules)");
	expect_err("engagement > 1", LQ_CTX_ACTION, 0,
		   "field 'engagement' is not available in engagement actions");
	e = lq_expr_parse("event.url exists", LQ_CTX_ACTION, NULL, 0, POS, &err);
	assert_non_null(e);
	lq_expr_free(e);
	e = lq_expr_parse("score > 1 and attr.x exists", LQ_CTX_ROUTING, NULL, 0, POS, &err);
	assert_non_null(e);
	lq_expr_free(e);
}

static void test_unknown_field(void **state)
{
	(void)state;
	expect_err("employees > 10", LQ_CTX_FIT, 0,
		   "unknown field 'employees' (did you mean account.employees?)");
	expect_err("title exists and industry == \"x\"", LQ_CTX_FIT, 17,
		   "unknown field 'industry' (did you mean account.industry?)");
	expect_err("emial exists", LQ_CTX_FIT, 0,
		   "unknown field 'emial' (did you mean email?)");
	expect_err("account.size > 1", LQ_CTX_FIT, 0,
		   "unknown field 'account.size' (custom account attributes are account.attr.size)");
	expect_err("plan == \"pro\"", LQ_CTX_FIT, 0,
		   "unknown field 'plan' (custom attributes are attr.plan)");
	expect_err("attr. exists", LQ_CTX_FIT, 0,
		   "field 'attr' needs a name after the dot (attr.NAME)");
	expect_err("event == \"x\"", LQ_CTX_ACTION, 0,
		   "field 'event' needs a name after the dot (event.NAME)");
}

static void test_unknown_list(void **state)
{
	(void)state;
	expect_err("email_domain in $foo", LQ_CTX_FIT, 16, "unknown list $foo");
	expect_err("email_domain in $", LQ_CTX_FIT, 16, "expected a list name after '$'");
}

static void test_bad_regex(void **state)
{
	lq_error err;
	(void)state;
	expect_err("title matches \"(abc\"", LQ_CTX_FIT, 14, "bad regex \"(abc\": missing closing parenthesis");
	expect_err("title matches \"a[\"", LQ_CTX_FIT, 14, "bad regex \"a[\"");
	assert_null(lq_expr_parse("title matches \"(abc\"", LQ_CTX_FIT, NULL, 0, POS, &err));
	assert_non_null(strstr(err.msg, "at offset 4"));
	expect_err("title matches abc", LQ_CTX_FIT, 14, "expected a quoted regex after matches but found 'abc'");
}

static void test_bad_duration(void **state)
{
	(void)state;
	expect_err("event.seconds > 30x", LQ_CTX_ACTION, 16,
		   "bad duration '30x' (expected a whole number followed by s, m, h, d or w, e.g. 30d)");
	expect_err("event.seconds > 1.5d", LQ_CTX_ACTION, 16, "bad duration '1.5d'");
	expect_err("event.seconds > 30dd", LQ_CTX_ACTION, 16, "bad duration '30dd'");
	expect_err("event.seconds > -30d", LQ_CTX_ACTION, 16, "negative duration '-30d'");
	/* numbers a double cannot hold, or too long to read whole */
	expect_err("account.employees > 1e400", LQ_CTX_FIT, 20, "number '1e400' is out of range");
	expect_err("account.employees in [1, -1e999]", LQ_CTX_FIT, 25,
		   "number '-1e999' is out of range");
	expect_err("account.revenue > 1000000000000000000000000000000000000000000000000000000000000000000",
		   LQ_CTX_FIT, 18, "is too long (63 characters at most)");
}

static void test_type_mismatch(void **state)
{
	(void)state;
	expect_err("account.employees contains 5", LQ_CTX_FIT, 18,
		   "type mismatch: contains needs text or a list, account.employees is a number");
	expect_err("account.employees == \"abc\"", LQ_CTX_FIT, 21,
		   "type mismatch: account.employees is a number, 'abc' is not");
	expect_err("account.employees in [1, big]", LQ_CTX_FIT, 25,
		   "type mismatch: account.employees is a number, 'big' is not");
	expect_err("account.employees in $freemail", LQ_CTX_FIT, 21,
		   "type mismatch: account.employees is a number, 'gmail.com' (in $freemail) is not");
	expect_err("account.employees matches \"x\"", LQ_CTX_FIT, 18,
		   "type mismatch: matches needs text or a list, account.employees is a number");
	expect_err("account.tech > 3", LQ_CTX_FIT, 13,
		   "type mismatch: > needs a single value, account.tech is a list");
	expect_err("title > \"abc\"", LQ_CTX_FIT, 8,
		   "type mismatch: > compares numbers, times or grades, 'abc' is text");
	expect_err("grade <= \"G\"", LQ_CTX_STAGE, 9,
		   "type mismatch: grade is a grade letter (A, B, C, D or F), 'G' is not");
	expect_err("grade <= 2", LQ_CTX_STAGE, 9,
		   "type mismatch: grade is a grade letter (A, B, C, D or F), '2' is not");
	expect_err("created_at > 5", LQ_CTX_FIT, 13,
		   "type mismatch: created_at is a time, '5' is not a date");
	expect_err("grade starts_with \"A\"", LQ_CTX_STAGE, 6,
		   "type mismatch: starts_with needs text or a list, grade is a grade letter");
	expect_err("account.employees between 750 and 50", LQ_CTX_FIT, 18,
		   "between bounds are reversed");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_err("", LQ_CTX_FIT, 0, "empty expression");
	expect_err("   ", LQ_CTX_FIT, 0, "empty expression");
	expect_err("title", LQ_CTX_FIT, 5,
		   "expected an operator after title but found end of expression");
	expect_err("title = \"x\"", LQ_CTX_FIT, 6, "unexpected '=' (did you mean ==?)");
	expect_err("title == \"x\" && country exists", LQ_CTX_FIT, 13, "unexpected '&' (use and)");
	expect_err("title == \"x", LQ_CTX_FIT, 9, "unterminated string");
	expect_err("source == referral", LQ_CTX_FIT, 10,
		   "expected a value after '==' but found 'referral' (quote text: \"referral\")");
	expect_err("(title exists", LQ_CTX_FIT, 0, "missing ')' for this '('");
	expect_err("title exists)", LQ_CTX_FIT, 12,
		   "expected and, or or the end of the expression but found ')'");
	expect_err("title exists and", LQ_CTX_FIT, 16,
		   "expected a field name, not or '(' but found end of expression");
	expect_err("country in [de, fr", LQ_CTX_FIT, 11, "missing ']' for this list");
	expect_err("country in [de,, fr]", LQ_CTX_FIT, 15, "empty item in list");
	expect_err("country in \"de\"", LQ_CTX_FIT, 11, "expected a list after in");
	expect_err("country == [de]", LQ_CTX_FIT, 11, "'==' needs a single value, not a list");
	expect_err("country not exists", LQ_CTX_FIT, 12, "expected in after not");
	expect_err("account.employees between 1 or 5", LQ_CTX_FIT, 28,
		   "expected 'and' in between ... and ...");
	expect_err("title exists # comment", LQ_CTX_FIT, 13, "unexpected character '#'");
	expect_err("title == \"a\"\n or x", LQ_CTX_FIT, 12, "expression must fit on one line");
}

static void test_depth_limit(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	lq_error err;
	lq_expr *e;
	(void)state;

	/* 64 levels are fine */
	for (int i = 0; i < 63; i++)
		lq_buf_addc(&b, '(');
	lq_buf_adds(&b, "title exists");
	for (int i = 0; i < 63; i++)
		lq_buf_addc(&b, ')');
	e = lq_expr_parse(lq_buf_str(&b), LQ_CTX_FIT, NULL, 0, POS, &err);
	assert_non_null(e);
	assert_true(lq_expr_eval(e, &fx.env));
	lq_expr_free(e);
	lq_buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		lq_buf_addc(&b, '(');
	lq_buf_adds(&b, "title exists");
	expect_err(lq_buf_str(&b), LQ_CTX_FIT, 64,
		   "expression nested too deeply (64 levels at most)");
	lq_buf_reset(&b);
	for (int i = 0; i < 500; i++)
		lq_buf_adds(&b, "not ");
	lq_buf_adds(&b, "title exists");
	expect_err(lq_buf_str(&b), LQ_CTX_FIT, 256, "expression nested too deeply");
	lq_buf_free(&b);
}

static void test_length_limit(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	(void)state;
	lq_buf_adds(&b, "title exists");
	while (b.len <= 4096)
		lq_buf_adds(&b, " or title exists");
	expect_err(lq_buf_str(&b), LQ_CTX_FIT, 0, "expression too long (4096 bytes at most)");
	lq_buf_free(&b);
}

static void test_field_registry(void **state)
{
	size_t n;
	const lq_field *all = lq_field_all(&n);
	const char *key = NULL;
	size_t keylen = 0;
	lq_error err;
	const lq_field *f;
	(void)state;

	assert_true(n >= 30);
	assert_non_null(all);
	f = lq_field_find("account.attr.region", 19, LQ_CTX_FIT, &key, &keylen, &err);
	assert_non_null(f);
	assert_int_equal(f->id, LQ_F_ACCOUNT_ATTR);
	assert_int_equal(keylen, 6);
	assert_memory_equal(key, "region", 6);
	f = lq_field_find("account.employees", 17, LQ_CTX_ROUTING, &key, &keylen, &err);
	assert_non_null(f);
	assert_int_equal(f->type, LQ_FT_NUM);
	assert_string_equal(lq_field_type_name(f->type), "a number");
	f = lq_field_find("event.type", 10, LQ_CTX_ROUTING, &key, &keylen, &err);
	assert_null(f);
	assert_non_null(strstr(err.msg, "not available in routing rules"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equality, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contains_matches_strcasestr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ordering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers_vs_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_between, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_operators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exists_and_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grades, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_booleans_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_and_uses_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contexts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_regex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_duration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_registry, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
