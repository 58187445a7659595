/*
 * test_segment.c - unit tests of the Segment HTTP API decoder: every field
 * mapping (ids, messageId, timestamp, track/page/screen events and
 * properties, identify traits incl. company, group traits, alias), the
 * event_map versus normalised names, the size limits (32 KB per event and
 * batch item, 500 KB per batch), required fields, batches with mixed
 * types and all-or-nothing errors naming the item, and bad JSON.
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
#include "io/json_arena.h"
#include "io/segment.h"
#include "io/segment_internal.h"

#define NOW_ISO "2026-03-10T00:00:00Z"

static lq_time now;

static lq_time iso(const char *s)
{
	lq_time t = 0;
	lq_error err;
	assert_int_equal(lq_time_parse_iso(s, &t, &err), 0);
	return t;
}

static int setup(void **state)
{
	(void)state;
	now = iso(NOW_ISO);
	return 0;
}

static lq_model *model(const char *yaml)
{
	lq_model *m = NULL;
	lq_error err;
	if (lq_model_load(yaml, strlen(yaml), "t.yaml", &m, NULL, &err))
		fail_msg("model does not load: %s", err.msg);
	return m;
}

/* Decode body (NUL-terminated) sent to ep; must succeed. */
static void ok_m(const char *body, lq_seg_type ep, const lq_model *m,
		 lq_seg_batch *b)
{
	lq_error err;
	int rc = lq_segment_decode(body, strlen(body), ep, m, now, b, &err);
	if (rc)
		fail_msg("decode failed: %s (field '%s')", err.msg, err.field);
	assert_int_equal(err.code, 0);
}

static void ok(const char *body, lq_seg_type ep, lq_seg_batch *b)
{
	ok_m(body, ep, NULL, b);
}

/* Decode body, which must fail with code, a message holding msg and
 * err->field == field (NULL: not checked). */
static void bad_len(const char *body, size_t len, lq_seg_type ep, int code,
		    const char *msg, const char *field)
{
	lq_seg_batch b = {(lq_seg_msg *)&b, 7, (char *)&b};
	lq_error err;
	int rc = lq_segment_decode(body, len, ep, NULL, now, &b, &err);
	if (rc != code)
		fail_msg("expected code %d, got %d ('%s')", code, rc, err.msg);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s', expected '%s'", err.msg, msg);
	if (field && strcmp(err.field, field) != 0)
		fail_msg("field '%s', expected '%s' ('%s')", err.field, field, err.msg);
	assert_null(b.msgs);
	assert_int_equal(b.n, 0);
	assert_null(b.write_key);
}

static void bad(const char *body, lq_seg_type ep, const char *msg,
		const char *field)
{
	bad_len(body, strlen(body), ep, LQ_EINVAL, msg, field);
}

static const lq_value *prop(const lq_attrs *a, const char *key)
{
	const lq_value *v = lq_attrs_get(a, key);
	if (!v)
		fail_msg("missing property '%s'", key);
	return v;
}

static void expect_str(const lq_attrs *a, const char *key, const char *want)
{
	const lq_value *v = prop(a, key);
	assert_int_equal(v->kind, LQ_V_STR);
	assert_string_equal(v->str, want);
}

static void expect_num(const lq_attrs *a, const char *key, double want)
{
	const lq_value *v = prop(a, key);
	assert_int_equal(v->kind, LQ_V_NUM);
	assert_true(v->num == want);
}

/* ---- track and common fields ---- */

static void test_track_fields(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"type\": \"track\", \"userId\": \" u-1 \", \"anonymousId\": \"a-1\","
	   " \"messageId\": \"m-1\", \"timestamp\": \"2026-03-01T10:00:00.250Z\","
	   " \"event\": \"Pricing Viewed\", \"properties\": {\"plan\": \"pro\","
	   " \"seconds\": 40, \"tags\": [\"a\", \"b\"], \"utm\": {\"source\": \"ads\"},"
	   " \"flag\": true, \"none\": null}, \"context\": {\"ip\": \"1.2.3.4\"},"
	   " \"integrations\": {\"All\": true}, \"version\": 2}",
	   LQ_SEG_TRACK, &b);
	assert_int_equal(b.n, 1);
	const lq_seg_msg *m = &b.msgs[0];
	assert_int_equal(m->type, LQ_SEG_TRACK);
	assert_string_equal(m->user_id, "u-1");
	assert_string_equal(m->anonymous_id, "a-1");
	assert_null(m->previous_id);
	assert_null(m->group_id);
	assert_null(b.write_key);
	assert_string_equal(m->event.msg_id, "m-1");
	assert_string_equal(m->event.type, "pricing_viewed");
	assert_true(m->event.at == iso("2026-03-01T10:00:00.250Z"));
	assert_int_equal(m->event.id, 0);
	assert_int_equal(m->event.lead_id, 0);
	expect_str(&m->event.props, "plan", "pro");
	expect_num(&m->event.props, "seconds", 40);
	expect_str(&m->event.props, "utm.source", "ads");
	expect_str(&m->event.props, "flag", "true");
	assert_int_equal(prop(&m->event.props, "tags")->kind, LQ_V_LIST);
	assert_null(lq_attrs_get(&m->event.props, "none"));
	assert_null(lq_attrs_get(&m->event.props, "ip"));
	assert_null(m->traits.lead.email);
	assert_int_equal(m->traits.has_account, 0);
	lq_seg_batch_free(&b);
	assert_null(b.msgs);
	lq_seg_batch_free(&b);   /* twice is fine */
	lq_seg_batch_free(NULL);
}

static void test_ids_as_numbers(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"userId\": 42, \"anonymousId\": 1.5, \"messageId\": 7,"
	   " \"event\": \"x\"}", LQ_SEG_TRACK, &b);
	assert_string_equal(b.msgs[0].user_id, "42");
	assert_string_equal(b.msgs[0].anonymous_id, "1.5");
	assert_string_equal(b.msgs[0].event.msg_id, "7");
	lq_seg_batch_free(&b);
	bad("{\"userId\": true, \"event\": \"x\"}", LQ_SEG_TRACK,
	    "userId: expected a string", "userId");
	bad("{\"userId\": \"u\", \"anonymousId\": {}, \"event\": \"x\"}", LQ_SEG_TRACK,
	    "anonymousId: expected a string", "anonymousId");
	bad("{\"userId\": \"u\", \"messageId\": [1], \"event\": \"x\"}", LQ_SEG_TRACK,
	    "messageId: expected a string", "messageId");
}

static void test_required_fields(void **state)
{
	(void)state;
	lq_seg_batch b;
	bad("{\"event\": \"x\"}", LQ_SEG_TRACK, "userId or anonymousId is required",
	    "userId");
	bad("{\"userId\": \"  \", \"anonymousId\": null, \"event\": \"x\"}",
	    LQ_SEG_TRACK, "userId or anonymousId is required", "userId");
	bad("{\"userId\": \"u\"}", LQ_SEG_TRACK, "track requires event", "event");
	bad("{\"userId\": \"u\", \"event\": \"\"}", LQ_SEG_TRACK,
	    "track requires event", "event");
	bad("{\"userId\": \"u\", \"event\": [\"x\"]}", LQ_SEG_TRACK,
	    "event: expected a string", "event");
	/* only an anonymousId is enough; messageId is optional */
	ok("{\"anonymousId\": \"a\", \"event\": \"x\"}", LQ_SEG_TRACK, &b);
	assert_null(b.msgs[0].user_id);
	assert_null(b.msgs[0].event.msg_id);
	lq_seg_batch_free(&b);

	char id[300];
	memset(id, 'i', 257);
	id[257] = '\0';
	char body[400];
	snprintf(body, sizeof body, "{\"userId\": \"%s\", \"event\": \"x\"}", id);
	bad(body, LQ_SEG_TRACK, "userId: longer than 256 bytes", "userId");
	id[256] = '\0';
	snprintf(body, sizeof body, "{\"userId\": \"%s\", \"event\": \"x\"}", id);
	ok(body, LQ_SEG_TRACK, &b);
	lq_seg_batch_free(&b);
}

static void test_timestamps(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"userId\": \"u\", \"event\": \"x\"}", LQ_SEG_TRACK, &b);
	assert_true(b.msgs[0].event.at == now);   /* absent: now */
	lq_seg_batch_free(&b);
	ok("{\"userId\": \"u\", \"event\": \"x\","
	   " \"timestamp\": \"2026-03-01T12:00:00+02:00\"}", LQ_SEG_TRACK, &b);
	assert_true(b.msgs[0].event.at == iso("2026-03-01T10:00:00Z"));
	lq_seg_batch_free(&b);
	/* microseconds as Python clients send them */
	ok("{\"userId\": \"u\", \"event\": \"x\","
	   " \"timestamp\": \"2026-03-01T10:00:00.123456Z\"}", LQ_SEG_TRACK, &b);
	assert_true(b.msgs[0].event.at == iso("2026-03-01T10:00:00.123Z"));
	lq_seg_batch_free(&b);
	/* originalTimestamp corrected by the sender's clock skew */
	ok("{\"userId\": \"u\", \"event\": \"x\","
	   " \"originalTimestamp\": \"2026-03-10T00:59:00Z\","
	   " \"sentAt\": \"2026-03-10T01:00:00Z\"}", LQ_SEG_TRACK, &b);
	assert_true(b.msgs[0].event.at == now - 60 * 1000);
	lq_seg_batch_free(&b);
	ok("{\"userId\": \"u\", \"event\": \"x\","
	   " \"originalTimestamp\": \"2026-03-01T00:00:00Z\"}", LQ_SEG_TRACK, &b);
	assert_true(b.msgs[0].event.at == iso("2026-03-01T00:00:00Z"));
	lq_seg_batch_free(&b);
	ok("{\"userId\": \"u\", \"event\": \"x\", \"timestamp\": \"2026-03-02\","
	   " \"originalTimestamp\": \"2026-03-01\"}", LQ_SEG_TRACK, &b);
	assert_true(b.msgs[0].event.at == iso("2026-03-02T00:00:00Z"));
	lq_seg_batch_free(&b);

	bad("{\"userId\": \"u\", \"event\": \"x\", \"timestamp\": \"yesterday\"}",
	    LQ_SEG_TRACK, "timestamp: 'yesterday' is not an ISO 8601 time",
	    "timestamp");
	bad("{\"userId\": \"u\", \"event\": \"x\", \"timestamp\": \"2026-02-30\"}",
	    LQ_SEG_TRACK, "timestamp: '2026-02-30' is not an ISO 8601 time",
	    "timestamp");
	bad("{\"userId\": \"u\", \"event\": \"x\", \"timestamp\": 1700000000}",
	    LQ_SEG_TRACK, "timestamp: expected an ISO 8601 time string", "timestamp");
	bad("{\"userId\": \"u\", \"event\": \"x\", \"originalTimestamp\": \"x\"}",
	    LQ_SEG_TRACK, "originalTimestamp: 'x' is not", "originalTimestamp");
	bad("{\"userId\": \"u\", \"event\": \"x\", \"originalTimestamp\": "
	    "\"2026-03-01\", \"sentAt\": \"later\"}",
	    LQ_SEG_TRACK, "sentAt: 'later' is not", "sentAt");
	/* fuzz: a sender clock 2000 years ahead moved the time before 1900 */
	bad("{\"userId\": \"u\", \"name\": \"Home\", \"originalTimestamp\": "
	    "\"2026-03-09T10:00:00Z\", \"sentAt\": \"4052-03-09T10:00:05Z\"}",
	    LQ_SEG_SCREEN, "originalTimestamp falls outside the years 1900-9999",
	    "sentAt");
}

/* ---- event names ---- */

static void expect_type(const lq_model *m, const char *event, const char *type)
{
	char body[600];
	lq_seg_batch b;
	snprintf(body, sizeof body, "{\"userId\": \"u\", \"event\": \"%s\"}", event);
	ok_m(body, LQ_SEG_TRACK, m, &b);
	if (strcmp(b.msgs[0].event.type, type) != 0)
		fail_msg("'%s' -> '%s', expected '%s'", event, b.msgs[0].event.type,
			 type);
	lq_seg_batch_free(&b);
}

static void test_event_map_and_normalise(void **state)
{
	(void)state;
	lq_model *m = model("event_map:\n"
			    "  \"Demo Requested\": demo_request\n"
			    "  \"Contact Sales Clicked\": contact_sales\n"
			    "  \"pricing viewed\": pricing_page\n");
	expect_type(m, "Demo Requested", "demo_request");
	expect_type(m, "demo requested", "demo_request");
	expect_type(m, "  Demo Requested  ", "demo_request");  /* trimmed */
	expect_type(m, "CONTACT SALES CLICKED", "contact_sales");
	expect_type(m, "Pricing Viewed", "pricing_page");
	expect_type(m, "Whitepaper Downloaded", "whitepaper_downloaded");
	expect_type(NULL, "Demo Requested", "demo_requested");
	expect_type(NULL, "  Hello, World!! 2 ", "hello_world_2");
	expect_type(NULL, "--signup--", "signup");
	expect_type(NULL, "demo_request", "demo_request");
	expect_type(NULL, "Caf\\u00e9 Visit", "caf_visit");
	expect_type(NULL, "A__B..c", "a_b_c");
	expect_type(NULL, "42", "42");
	lq_model_free(m);

	char name[200], want[80];
	memset(name, 'x', 100);
	name[100] = '\0';
	memset(want, 'x', 64);
	want[64] = '\0';
	expect_type(NULL, name, want);   /* at most 64 bytes */
	/* a cut that would end in '_' drops it */
	snprintf(name, sizeof name, "%.*s yes", 63, want);
	want[63] = '\0';
	expect_type(NULL, name, want);

	bad("{\"userId\": \"u\", \"event\": \"!!!\"}", LQ_SEG_TRACK,
	    "event: '!!!' has no letters or digits to make an event type of "
	    "(map it in the model's event_map)", "event");
	/* ...unless event_map names it */
	m = model("event_map:\n  \"!!!\": excited\n");
	expect_type(m, "!!!", "excited");
	lq_model_free(m);

	char out[LQ_MODEL_MAX_EVENT_TYPE + 1];
	assert_int_equal(lq_segment_normalise("Pricing Viewed", out), 14);
	assert_string_equal(out, "pricing_viewed");
	assert_int_equal(lq_segment_normalise("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(lq_segment_normalise(NULL, out), 0);
}

/* ---- page and screen ---- */

static void test_page(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"anonymousId\": \"a\", \"name\": \"Pricing\", \"category\": \"Docs\","
	   " \"properties\": {\"title\": \"Own title\", \"plan\": \"pro\"},"
	   " \"context\": {\"page\": {\"url\": \"https://acme.io/pricing?x=1\","
	   " \"path\": \"/pricing\", \"title\": \"Context title\","
	   " \"referrer\": \"https://google.com/\", \"search\": \"?x=1\"}}}",
	   LQ_SEG_PAGE, &b);
	const lq_event *e = &b.msgs[0].event;
	assert_int_equal(b.msgs[0].type, LQ_SEG_PAGE);
	assert_string_equal(e->type, "page_view");
	expect_str(&e->props, "url", "https://acme.io/pricing?x=1");
	expect_str(&e->props, "path", "/pricing");
	expect_str(&e->props, "title", "Own title");   /* properties win */
	expect_str(&e->props, "referrer", "https://google.com/");
	expect_str(&e->props, "search", "?x=1");
	expect_str(&e->props, "name", "Pricing");
	expect_str(&e->props, "category", "Docs");
	expect_str(&e->props, "plan", "pro");
	lq_seg_batch_free(&b);

	/* no context: only the properties */
	ok("{\"anonymousId\": \"a\", \"properties\": {\"url\": \"/x\"}}",
	   LQ_SEG_PAGE, &b);
	expect_str(&b.msgs[0].event.props, "url", "/x");
	assert_int_equal(b.msgs[0].event.props.n, 1);
	lq_seg_batch_free(&b);

	/* a page name in properties wins over the call's name */
	ok("{\"anonymousId\": \"a\", \"name\": \"Call\", \"properties\":"
	   " {\"name\": \"Prop\"}}", LQ_SEG_PAGE, &b);
	expect_str(&b.msgs[0].event.props, "name", "Prop");
	lq_seg_batch_free(&b);

	bad("{\"anonymousId\": \"a\", \"context\": {\"page\": {\"url\": [1]}}}",
	    LQ_SEG_PAGE, "context.page.url: expected a string", "context.page.url");
	bad("{\"anonymousId\": \"a\", \"context\": {\"page\": 3}}",
	    LQ_SEG_PAGE, "context.page: expected an object", "context.page");
	bad("{\"anonymousId\": \"a\", \"context\": []}",
	    LQ_SEG_PAGE, "context: expected an object", "context");
	bad("{\"anonymousId\": \"a\", \"properties\": [1]}",
	    LQ_SEG_PAGE, "properties: expected an object", "properties");
	bad("{\"anonymousId\": \"a\", \"name\": {}}",
	    LQ_SEG_PAGE, "name: expected a string", "name");
}

static void test_screen(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"userId\": \"u\", \"name\": \"Settings\", \"properties\":"
	   " {\"tab\": \"billing\"}, \"context\": {\"page\": {\"url\": \"/no\"}}}",
	   LQ_SEG_SCREEN, &b);
	assert_int_equal(b.msgs[0].type, LQ_SEG_SCREEN);
	assert_string_equal(b.msgs[0].event.type, "screen_view");
	expect_str(&b.msgs[0].event.props, "name", "Settings");
	expect_str(&b.msgs[0].event.props, "tab", "billing");
	assert_null(lq_attrs_get(&b.msgs[0].event.props, "url"));
	lq_seg_batch_free(&b);
}

/* ---- identify ---- */

static void test_identify_traits(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"userId\": \"u-9\", \"anonymousId\": \"a-9\", \"messageId\": \"m\","
	   " \"traits\": {\"email\": \" Ana@Acme.IO \", \"firstName\": \"Ana\","
	   " \"last_name\": \"Lopez\", \"title\": \"VP Sales\", \"seniority\": \"vp\","
	   " \"department\": \"sales\", \"country\": \"DE\", \"source\": \"webinar\","
	   " \"createdAt\": \"2025-12-01T08:00:00Z\", \"phone\": \"+49 1\","
	   " \"plan\": \"trial\", \"logins\": 5, \"prefs\": {\"lang\": \"de\"},"
	   " \"company\": {\"name\": \"Acme\", \"website\": \"https://www.Acme.io/about\","
	   " \"employee_count\": \"250\", \"industry\": \"software\","
	   " \"annual_revenue\": 12000000, \"tech\": [\"salesforce\", \" slack \"],"
	   " \"traffic\": 90000, \"ad_spend\": \"25000\", \"plan\": \"enterprise\","
	   " \"id\": 77}}}", LQ_SEG_IDENTIFY, &b);
	const lq_seg_msg *m = &b.msgs[0];
	const lq_lead *l = &m->traits.lead;
	const lq_account *a = &m->traits.account;
	assert_int_equal(m->type, LQ_SEG_IDENTIFY);
	assert_string_equal(m->user_id, "u-9");
	assert_string_equal(m->anonymous_id, "a-9");
	assert_string_equal(m->event.msg_id, "m");
	assert_true(m->event.at == now);
	assert_null(m->event.type);
	assert_string_equal(l->email, "ana@acme.io");
	assert_string_equal(l->email_domain, "acme.io");
	assert_string_equal(l->first_name, "Ana");
	assert_string_equal(l->last_name, "Lopez");
	assert_string_equal(l->title, "VP Sales");
	assert_string_equal(l->seniority, "vp");
	assert_string_equal(l->department, "sales");
	assert_string_equal(l->country, "DE");
	assert_string_equal(l->source, "webinar");
	assert_true(l->created_at == iso("2025-12-01T08:00:00Z"));
	assert_null(l->external_id);   /* the service sets it from userId */
	assert_null(m->traits.stage);
	expect_str(&l->attrs, "phone", "+49 1");
	expect_str(&l->attrs, "plan", "trial");
	expect_num(&l->attrs, "logins", 5);
	expect_str(&l->attrs, "prefs.lang", "de");
	assert_null(lq_attrs_get(&l->attrs, "email"));
	assert_null(lq_attrs_get(&l->attrs, "company.name"));
	assert_int_equal(l->attrs.n, 4);
	assert_int_equal(m->traits.has_account, 1);
	assert_string_equal(a->name, "Acme");
	assert_string_equal(a->domain, "acme.io");
	assert_true(a->employees == 250);
	assert_string_equal(a->industry, "software");
	assert_true(a->revenue == 12000000);
	assert_true(a->traffic == 90000);
	assert_true(a->ad_spend == 25000);
	assert_int_equal(a->tech.kind, LQ_V_LIST);
	assert_int_equal(a->tech.n, 2);
	assert_string_equal(a->tech.items[1].str, "slack");
	expect_str(&a->attrs, "plan", "enterprise");
	expect_num(&a->attrs, "id", 77);
	assert_int_equal(a->attrs.n, 2);
	lq_seg_batch_free(&b);
}

static void test_identify_variants(void **state)
{
	(void)state;
	lq_seg_batch b;
	/* name split, address.country, company as a string, other spellings */
	ok("{\"anonymousId\": \"a\", \"traits\": {\"name\": \"Ana Maria Lopez\","
	   " \"address\": {\"city\": \"Berlin\", \"country\": \"DE\"},"
	   " \"company\": \"Acme GmbH\", \"first_name\": null}}", LQ_SEG_IDENTIFY, &b);
	const lq_lead_input *t = &b.msgs[0].traits;
	assert_string_equal(t->lead.first_name, "Ana");
	assert_string_equal(t->lead.last_name, "Maria Lopez");
	assert_string_equal(t->lead.country, "DE");
	expect_str(&t->lead.attrs, "address.city", "Berlin");
	assert_null(lq_attrs_get(&t->lead.attrs, "name"));
	assert_int_equal(t->has_account, 1);
	assert_string_equal(t->account.name, "Acme GmbH");
	assert_null(t->account.domain);
	assert_true(isnan(t->account.employees));
	assert_null(t->lead.email);
	lq_seg_batch_free(&b);

	/* given names win over name; country over address.country; the first
	 * spelling given wins */
	ok("{\"userId\": \"u\", \"traits\": {\"name\": \"X Y\", \"lastName\": \"Lopez\","
	   " \"country\": \"ES\", \"address\": {\"country\": \"DE\"},"
	   " \"firstName\": \"Ana\", \"first_name\": \"Other\","
	   " \"company\": {\"domain\": \"acme.io\", \"website\": \"other.io\","
	   " \"employees\": 10, \"employeeCount\": 20}}}", LQ_SEG_IDENTIFY, &b);
	t = &b.msgs[0].traits;
	assert_string_equal(t->lead.first_name, "Ana");
	assert_string_equal(t->lead.last_name, "Lopez");
	assert_string_equal(t->lead.country, "ES");
	assert_string_equal(t->account.domain, "acme.io");
	assert_true(t->account.employees == 10);
	lq_seg_batch_free(&b);

	/* one word: a first name only */
	ok("{\"userId\": \"u\", \"traits\": {\"name\": \"Ana\"}}", LQ_SEG_IDENTIFY, &b);
	assert_string_equal(b.msgs[0].traits.lead.first_name, "Ana");
	assert_null(b.msgs[0].traits.lead.last_name);
	lq_seg_batch_free(&b);

	/* no traits: context.traits; none at all is fine too */
	ok("{\"userId\": \"u\", \"context\": {\"traits\": {\"email\": \"b@c.io\"}}}",
	   LQ_SEG_IDENTIFY, &b);
	assert_string_equal(b.msgs[0].traits.lead.email, "b@c.io");
	lq_seg_batch_free(&b);
	ok("{\"userId\": \"u\"}", LQ_SEG_IDENTIFY, &b);
	assert_null(b.msgs[0].traits.lead.email);
	assert_int_equal(b.msgs[0].traits.has_account, 0);
	lq_seg_batch_free(&b);

	/* traits of a track call are not a lead's */
	ok("{\"userId\": \"u\", \"event\": \"x\", \"traits\": {\"email\": \"b@c.io\"}}",
	   LQ_SEG_TRACK, &b);
	assert_null(b.msgs[0].traits.lead.email);
	lq_seg_batch_free(&b);
}

static void test_identify_errors(void **state)
{
	(void)state;
	bad("{\"userId\": \"u\", \"traits\": {\"email\": \"not-an-email\"}}",
	    LQ_SEG_IDENTIFY, "traits.email: invalid email 'not-an-email'",
	    "traits.email");
	bad("{\"userId\": \"u\", \"traits\": {\"company\": {\"employees\": \"many\"}}}",
	    LQ_SEG_IDENTIFY, "traits.company.employees: 'many' is not a number",
	    "traits.company.employees");
	bad("{\"userId\": \"u\", \"traits\": {\"company\": {\"employees\": true}}}",
	    LQ_SEG_IDENTIFY, "traits.company.employees: expected a number",
	    "traits.company.employees");
	bad("{\"userId\": \"u\", \"traits\": {\"company\": {\"website\": \"acme\"}}}",
	    LQ_SEG_IDENTIFY, "traits.company.website: 'acme' is not a web address",
	    "traits.company.website");
	bad("{\"userId\": \"u\", \"traits\": {\"company\": {\"tech\": [1]}}}",
	    LQ_SEG_IDENTIFY, "traits.company.tech: list items must be strings",
	    "traits.company.tech");
	bad("{\"userId\": \"u\", \"traits\": {\"company\": [1]}}",
	    LQ_SEG_IDENTIFY, "traits.company: expected an object or a name",
	    "traits.company");
	bad("{\"userId\": \"u\", \"traits\": {\"createdAt\": \"soon\"}}",
	    LQ_SEG_IDENTIFY, "traits.createdAt: 'soon' is not an ISO 8601 time",
	    "traits.createdAt");
	bad("{\"userId\": \"u\", \"traits\": {\"createdAt\": 5}}",
	    LQ_SEG_IDENTIFY, "traits.createdAt: expected an ISO 8601 time string",
	    "traits.createdAt");
	bad("{\"userId\": \"u\", \"traits\": {\"title\": {\"a\": 1}}}",
	    LQ_SEG_IDENTIFY, "traits.title: expected a string", "traits.title");
	bad("{\"userId\": \"u\", \"traits\": \"ana@acme.io\"}",
	    LQ_SEG_IDENTIFY, "traits: expected an object", "traits");
	bad("{\"traits\": {\"email\": \"a@b.io\"}}",
	    LQ_SEG_IDENTIFY, "userId or anonymousId is required", "userId");
	bad("{\"userId\": \"u\", \"context\": 5}",
	    LQ_SEG_IDENTIFY, "context: expected an object", "context");
	bad("{\"userId\": \"u\", \"context\": {\"traits\": []}}",
	    LQ_SEG_IDENTIFY, "context.traits: expected an object", "context.traits");
}

/* ---- group and alias ---- */

static void test_group(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"userId\": \"u\", \"groupId\": 123, \"traits\": {\"name\": \"Acme\","
	   " \"industry\": \"saas\", \"employees\": 420, \"website\": "
	   "\"http://user@WWW.acme.io:8080/x?y#z\", \"plan\": \"pro\","
	   " \"revenue\": \"5e6\", \"technologies\": \"hubspot; slack\","
	   " \"address\": {\"city\": \"Berlin\"}}}", LQ_SEG_GROUP, &b);
	const lq_seg_msg *m = &b.msgs[0];
	const lq_account *a = &m->traits.account;
	assert_int_equal(m->type, LQ_SEG_GROUP);
	assert_string_equal(m->group_id, "123");
	assert_int_equal(m->traits.has_account, 1);
	assert_string_equal(a->name, "Acme");
	assert_string_equal(a->industry, "saas");
	assert_true(a->employees == 420);
	assert_string_equal(a->domain, "acme.io");
	assert_true(a->revenue == 5e6);
	assert_int_equal(a->tech.n, 2);
	assert_string_equal(a->tech.items[0].str, "hubspot");
	assert_string_equal(a->tech.items[1].str, "slack");
	expect_str(&a->attrs, "plan", "pro");
	expect_str(&a->attrs, "address.city", "Berlin");
	assert_null(m->traits.lead.email);
	assert_int_equal(m->traits.lead.attrs.n, 0);
	assert_null(m->event.type);
	lq_seg_batch_free(&b);

	ok("{\"anonymousId\": \"a\", \"groupId\": \"g\"}", LQ_SEG_GROUP, &b);
	assert_int_equal(b.msgs[0].traits.has_account, 0);
	lq_seg_batch_free(&b);

	bad("{\"userId\": \"u\", \"traits\": {\"name\": \"Acme\"}}", LQ_SEG_GROUP,
	    "group requires groupId", "groupId");
	bad("{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"employees\": "
	    "\"50-200\"}}", LQ_SEG_GROUP, "traits.employees: '50-200' is not a number",
	    "traits.employees");
}

static void test_alias(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"userId\": \"u-1\", \"previousId\": \"anon-1\", \"messageId\": \"m\"}",
	   LQ_SEG_ALIAS, &b);
	assert_int_equal(b.msgs[0].type, LQ_SEG_ALIAS);
	assert_string_equal(b.msgs[0].user_id, "u-1");
	assert_string_equal(b.msgs[0].previous_id, "anon-1");
	assert_null(b.msgs[0].anonymous_id);
	assert_string_equal(b.msgs[0].event.msg_id, "m");
	assert_null(b.msgs[0].event.type);
	lq_seg_batch_free(&b);
	bad("{\"userId\": \"u-1\"}", LQ_SEG_ALIAS, "alias requires previousId",
	    "previousId");
	bad("{\"anonymousId\": \"a\", \"previousId\": \"p\"}", LQ_SEG_ALIAS,
	    "alias requires userId", "userId");
	bad("{\"previousId\": \"p\"}", LQ_SEG_ALIAS,
	    "userId or anonymousId is required", "userId");
}

/* ---- envelope: type field, write key, JSON ---- */

static void test_type_field_and_write_key(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"type\": \"TRACK\", \"userId\": \"u\", \"event\": \"x\","
	   " \"writeKey\": \" wk_1 \"}", LQ_SEG_TRACK, &b);
	assert_string_equal(b.write_key, "wk_1");
	lq_seg_batch_free(&b);
	bad("{\"type\": \"identify\", \"userId\": \"u\", \"event\": \"x\"}",
	    LQ_SEG_TRACK, "type: 'identify' sent to the track endpoint", "type");
	bad("{\"type\": \"nope\", \"userId\": \"u\"}",
	    LQ_SEG_PAGE, "type: 'nope' sent to the page endpoint", "type");
	bad("{\"type\": 3, \"userId\": \"u\"}", LQ_SEG_PAGE,
	    "type: expected a string", "type");
	bad("{\"userId\": \"u\", \"writeKey\": {}}", LQ_SEG_PAGE,
	    "writeKey: expected a string", "writeKey");

	lq_seg_type t;
	assert_int_equal(lq_seg_type_parse("Identify", &t), 0);
	assert_int_equal(t, LQ_SEG_IDENTIFY);
	assert_int_equal(lq_seg_type_parse("import", &t), 0);
	assert_int_equal(t, LQ_SEG_BATCH);
	assert_int_equal(lq_seg_type_parse("pageview", &t), -1);
	assert_int_equal(lq_seg_type_parse(NULL, &t), -1);
	assert_string_equal(lq_seg_type_name(LQ_SEG_SCREEN), "screen");
	assert_string_equal(lq_seg_type_name(LQ_SEG_BATCH), "batch");
}

static void test_bad_json(void **state)
{
	(void)state;
	lq_seg_batch b;
	lq_error err;
	const char *body = "{\"userId\": \"u\", \"event\": }";
	assert_int_equal(lq_segment_decode(body, strlen(body), LQ_SEG_TRACK, NULL,
					   now, &b, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "invalid JSON at column 26");
	assert_int_equal(err.col, 26);
	assert_null(b.msgs);
	bad("", LQ_SEG_TRACK, "invalid JSON at column 1", "");
	bad_len(NULL, 0, LQ_SEG_IDENTIFY, LQ_EINVAL, "invalid JSON", "");
	bad("{\"userId\": \"u\", \"event\": \"x\"} trailing", LQ_SEG_TRACK,
	    "invalid JSON at column 31", "");
	bad("[1, 2]", LQ_SEG_TRACK, "message must be a JSON object", "");
	bad("\"track\"", LQ_SEG_TRACK, "message must be a JSON object", "");
	bad("{\"batch\": [}", LQ_SEG_BATCH, "invalid JSON at column 12", "");
	bad("[]", LQ_SEG_BATCH, "batch body must be a JSON object", "");

	lq_buf deep = LQ_BUF_INIT;
	lq_buf_adds(&deep, "{\"userId\": \"u\", \"event\": \"x\", \"properties\": ");
	for (int i = 0; i < 17; i++)
		lq_buf_adds(&deep, "{\"a\": ");
	lq_buf_adds(&deep, "1");
	for (int i = 0; i < 17; i++)
		lq_buf_addc(&deep, '}');
	lq_buf_addc(&deep, '}');
	bad(lq_buf_str(&deep), LQ_SEG_TRACK, "message is nested deeper than 16 levels",
	    "");
	lq_buf_free(&deep);

	/* not NUL-terminated: only len bytes count */
	char raw[] = "{\"userId\": \"u\", \"event\": \"x\"}XXXX";
	assert_int_equal(lq_segment_decode(raw, strlen(raw) - 4, LQ_SEG_TRACK, NULL,
					   now, &b, NULL), 0);
	lq_seg_batch_free(&b);
	assert_int_equal(lq_segment_decode("{}", 2, (lq_seg_type)99, NULL, now, &b,
					   &err), LQ_EINTERNAL);
}

/* ---- limits ---- */

/* A track call of exactly size bytes (padding in a property). */
static char *sized_call(size_t size, const char *type_field)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_addf(&b, "{%s\"userId\":\"u\",\"event\":\"Pad\",\"properties\":{\"pad\":\"",
		    type_field);
	size_t rest = 3;   /* "}} */
	assert_true(size >= b.len + rest);
	size_t pad = size - b.len - rest;
	for (size_t i = 0; i < pad; i++)
		lq_buf_addc(&b, 'x');
	lq_buf_adds(&b, "\"}}");
	assert_int_equal(b.len, size);
	return lq_buf_take(&b);
}

static void test_single_limit(void **state)
{
	(void)state;
	lq_seg_batch b;
	char *body = sized_call(LQ_SEG_MAX_EVENT, "");
	assert_int_equal(LQ_SEG_MAX_EVENT, 32768);
	ok(body, LQ_SEG_TRACK, &b);
	assert_int_equal(b.msgs[0].event.props.n, 1);
	lq_seg_batch_free(&b);
	free(body);
	body = sized_call(LQ_SEG_MAX_EVENT + 1, "");
	bad_len(body, strlen(body), LQ_SEG_TRACK, LQ_ETOOBIG,
		"event is larger than 32 KB", "");
	free(body);
}

/* {"batch":[item, item...]} from n items of item_size bytes each, the
 * big one at index big with big_size bytes. */
static char *sized_batch(size_t n, size_t item_size, size_t big,
			 size_t big_size)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "{\"batch\":[");
	for (size_t i = 0; i < n; i++) {
		char *it = sized_call(i == big ? big_size : item_size,
				      "\"type\":\"track\",");
		lq_buf_adds(&b, i ? "," : "");
		lq_buf_adds(&b, it);
		free(it);
	}
	lq_buf_adds(&b, "]}");
	return lq_buf_take(&b);
}

static void test_batch_limits(void **state)
{
	(void)state;
	lq_seg_batch b;
	/* an item of exactly 32 KB is fine, one byte more is refused */
	char *body = sized_batch(3, 100, 1, LQ_SEG_MAX_EVENT);
	ok(body, LQ_SEG_BATCH, &b);
	assert_int_equal(b.n, 3);
	lq_seg_batch_free(&b);
	free(body);
	body = sized_batch(3, 100, 1, LQ_SEG_MAX_EVENT + 1);
	bad_len(body, strlen(body), LQ_SEG_BATCH, LQ_ETOOBIG,
		"batch[1]: event is larger than 32 KB", "batch[1]");
	free(body);

	/* a batch of exactly 500 KB is fine, one byte more is refused */
	assert_int_equal(LQ_SEG_MAX_BATCH, 512000);
	size_t n = 16, frame = strlen("{\"batch\":[") + (n - 1) + strlen("]}");
	size_t item = (LQ_SEG_MAX_BATCH - frame) / n;
	size_t last = LQ_SEG_MAX_BATCH - frame - item * (n - 1);
	body = sized_batch(n, item, n - 1, last);
	assert_int_equal(strlen(body), LQ_SEG_MAX_BATCH);
	ok(body, LQ_SEG_BATCH, &b);
	assert_int_equal(b.n, n);
	lq_seg_batch_free(&b);
	free(body);
	body = sized_batch(n, item, n - 1, last + 1);
	bad_len(body, strlen(body), LQ_SEG_BATCH, LQ_ETOOBIG,
		"batch is larger than 500 KB", "");
	/* the same bytes sent to a single endpoint hit the 32 KB rule */
	bad_len(body, strlen(body), LQ_SEG_TRACK, LQ_ETOOBIG,
		"event is larger than 32 KB", "");
	free(body);
}

/* Item sizes count the bytes as sent, whatever the layout. */
static void test_batch_item_size_as_sent(void **state)
{
	(void)state;
	lq_seg_batch b;
	char *item = sized_call(LQ_SEG_MAX_EVENT - 40, "\"type\":\"track\",");
	lq_buf body = LQ_BUF_INIT;
	/* tricky text before the batch and inside strings */
	lq_buf_adds(&body, "{ \"context\" : {\"s\": \"]}{[\\\"\"}, \"x\": [1, {\"a\": \"}\"}],\n"
		    "  \"batch\" :\n  [ ");
	lq_buf_adds(&body, item);
	lq_buf_adds(&body, " ,\n{\"type\":\"page\", \"anonymousId\": \"a\\\"]}\"}\n ] }");
	ok(lq_buf_str(&body), LQ_SEG_BATCH, &b);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.msgs[1].anonymous_id, "a\"]}");
	lq_seg_batch_free(&b);

	/* 40 spaces inside the item push it over */
	lq_buf_reset(&body);
	lq_buf_adds(&body, "{\"batch\": [");
	lq_buf_add(&body, item, 1);
	for (int i = 0; i < 41; i++)
		lq_buf_addc(&body, ' ');
	lq_buf_adds(&body, item + 1);
	lq_buf_adds(&body, "]}");
	bad_len(lq_buf_str(&body), body.len, LQ_SEG_BATCH, LQ_ETOOBIG,
		"batch[0]: event is larger than 32 KB", "batch[0]");
	lq_buf_free(&body);
	free(item);
}

/* The raw walk finds each item's bytes exactly, strings and all. */
static void test_item_sizes_walk(void **state)
{
	(void)state;
	const char *body = "{\"a\\\"]\": {\"s\": \"]}[{\\\\\"}, \"n\": -1.5e3,"
			   " \"t\": true,\n \"batch\"\t:\r\n[ {\"x\": \"}\"} ,"
			   "[1,[2]],\"s\\u0041\"  , null,{}]}";
	size_t sizes[5] = {0};
	cJSON *j = cJSON_Parse(body);
	assert_non_null(j);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "batch");
	assert_int_equal(cJSON_GetArraySize(arr), 5);
	lq_segment_item_sizes(body, strlen(body), 3, arr, sizes, 5);
	assert_int_equal(sizes[0], strlen("{\"x\": \"}\"}"));
	assert_int_equal(sizes[1], strlen("[1,[2]]"));
	assert_int_equal(sizes[2], strlen("\"s\\u0041\""));
	assert_int_equal(sizes[3], 4);
	assert_int_equal(sizes[4], 2);
	/* a wrong member index falls back to the compact re-serialisation */
	lq_segment_item_sizes(body, strlen(body), 9, arr, sizes, 5);
	assert_int_equal(sizes[0], strlen("{\"x\":\"}\"}"));
	assert_int_equal(sizes[2], strlen("\"sA\""));
	cJSON_Delete(j);
}

/* ---- batches ---- */

static void test_batch_mixed(void **state)
{
	(void)state;
	lq_seg_batch b;
	ok("{\"writeKey\": \"wk\", \"sentAt\": \"2026-03-10T00:10:00Z\","
	   " \"context\": {\"page\": {\"url\": \"https://acme.io/batch\"}},"
	   " \"batch\": ["
	   " {\"type\": \"identify\", \"userId\": \"u\", \"traits\": {\"email\": \"a@b.io\"}},"
	   " {\"type\": \"track\", \"userId\": \"u\", \"event\": \"Demo Requested\","
	   "  \"messageId\": \"m1\"},"
	   " {\"type\": \"page\", \"anonymousId\": \"a\"},"
	   " {\"type\": \"page\", \"anonymousId\": \"a\", \"context\": {\"page\":"
	   "  {\"url\": \"/own\"}}},"
	   " {\"type\": \"screen\", \"userId\": \"u\", \"name\": \"Home\"},"
	   " {\"type\": \"group\", \"userId\": \"u\", \"groupId\": \"g\","
	   "  \"traits\": {\"name\": \"Acme\"}},"
	   " {\"type\": \"alias\", \"userId\": \"u\", \"previousId\": \"a\"},"
	   " {\"type\": \"track\", \"userId\": \"u\", \"event\": \"x\","
	   "  \"originalTimestamp\": \"2026-03-10T00:09:00Z\"}"
	   "]}", LQ_SEG_BATCH, &b);
	assert_int_equal(b.n, 8);
	assert_string_equal(b.write_key, "wk");
	assert_int_equal(b.msgs[0].type, LQ_SEG_IDENTIFY);
	assert_string_equal(b.msgs[0].traits.lead.email, "a@b.io");
	assert_int_equal(b.msgs[1].type, LQ_SEG_TRACK);
	assert_string_equal(b.msgs[1].event.type, "demo_requested");
	assert_string_equal(b.msgs[1].event.msg_id, "m1");
	assert_int_equal(b.msgs[2].type, LQ_SEG_PAGE);
	expect_str(&b.msgs[2].event.props, "url", "https://acme.io/batch");
	expect_str(&b.msgs[3].event.props, "url", "/own");
	assert_int_equal(b.msgs[4].type, LQ_SEG_SCREEN);
	assert_string_equal(b.msgs[4].event.type, "screen_view");
	assert_int_equal(b.msgs[5].type, LQ_SEG_GROUP);
	assert_string_equal(b.msgs[5].traits.account.name, "Acme");
	assert_int_equal(b.msgs[6].type, LQ_SEG_ALIAS);
	assert_string_equal(b.msgs[6].previous_id, "a");
	/* batch sentAt corrects item clocks: sent 1 minute after */
	assert_true(b.msgs[7].event.at == now - 60 * 1000);
	lq_seg_batch_free(&b);

	lq_model *m = model("event_map: {\"Demo Requested\": demo_request}\n");
	ok_m("{\"batch\": [{\"type\": \"track\", \"userId\": \"u\","
	     " \"event\": \"Demo Requested\"}]}", LQ_SEG_BATCH, m, &b);
	assert_string_equal(b.msgs[0].event.type, "demo_request");
	assert_null(b.write_key);
	lq_seg_batch_free(&b);
	lq_model_free(m);

	ok("{\"batch\": []}", LQ_SEG_BATCH, &b);
	assert_int_equal(b.n, 0);
	lq_seg_batch_free(&b);
}

static void test_batch_errors(void **state)
{
	(void)state;
	/* one bad item rejects the whole batch, naming its index */
	bad("{\"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"x\"},"
	    " {\"type\": \"identify\", \"userId\": \"u\"},"
	    " {\"type\": \"track\", \"userId\": \"u\"}]}", LQ_SEG_BATCH,
	    "batch[2]: track requires event", "batch[2].event");
	bad("{\"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"x\"},"
	    " {\"type\": \"pageview\", \"userId\": \"u\"}]}", LQ_SEG_BATCH,
	    "batch[1]: unknown type 'pageview' (track, page, screen, identify, "
	    "group, alias)", "batch[1].type");
	bad("{\"batch\": [{\"type\": \"batch\", \"userId\": \"u\"}]}", LQ_SEG_BATCH,
	    "batch[0]: unknown type 'batch'", "batch[0].type");
	bad("{\"batch\": [{\"userId\": \"u\", \"event\": \"x\"}]}", LQ_SEG_BATCH,
	    "batch[0]: missing type (track, page, screen, identify, group, alias)",
	    "batch[0].type");
	bad("{\"batch\": [{\"type\": 1, \"userId\": \"u\"}]}", LQ_SEG_BATCH,
	    "batch[0]: type: expected a string", "batch[0].type");
	bad("{\"batch\": [{\"type\": \"page\", \"userId\": \"u\"}, 5]}", LQ_SEG_BATCH,
	    "batch[1]: message must be a JSON object", "batch[1]");
	bad("{\"batch\": [{\"type\": \"page\"}]}", LQ_SEG_BATCH,
	    "batch[0]: userId or anonymousId is required", "batch[0].userId");
	bad("{\"batch\": [{\"type\": \"page\", \"userId\": \"u\","
	    " \"timestamp\": \"bad\"}]}", LQ_SEG_BATCH,
	    "batch[0]: timestamp: 'bad' is not an ISO 8601 time", "batch[0].timestamp");
	bad("{\"batch\": [{\"type\": \"identify\", \"userId\": \"u\","
	    " \"traits\": {\"email\": \"x\"}}]}", LQ_SEG_BATCH,
	    "batch[0]: traits.email: invalid email 'x'", "batch[0].traits.email");
	bad("{\"sentAt\": \"nope\", \"batch\": []}", LQ_SEG_BATCH,
	    "sentAt: 'nope' is not an ISO 8601 time", "sentAt");
	bad("{\"context\": 1, \"batch\": []}", LQ_SEG_BATCH,
	    "context: expected an object", "context");
	bad("{\"messages\": []}", LQ_SEG_BATCH,
	    "batch: expected an array of messages", "batch");
	bad("{\"batch\": {\"type\": \"track\"}}", LQ_SEG_BATCH,
	    "batch: expected an array of messages", "batch");
}

/* ---- website -> domain ---- */

static void expect_domain(const char *in, const char *want)
{
	char *d = lq_segment_domain(in);
	if (!want) {
		if (d)
			fail_msg("'%s' -> '%s', expected none", in ? in : "(null)", d);
		return;
	}
	if (!d || strcmp(d, want) != 0)
		fail_msg("'%s' -> '%s', expected '%s'", in, d ? d : "(null)", want);
	free(d);
}

static void test_domain(void **state)
{
	(void)state;
	expect_domain("acme.io", "acme.io");
	expect_domain("https://www.Acme.io/about", "acme.io");
	expect_domain("http://WWW.acme.io", "acme.io");
	expect_domain("//cdn.acme.io/x.js", "cdn.acme.io");
	expect_domain("  www.acme.co.uk/path?q=1#top  ", "acme.co.uk");
	expect_domain("https://user:pw@shop.acme.io:8443/x", "shop.acme.io");
	expect_domain("acme.io.", "acme.io");
	expect_domain("acme.io?x", "acme.io");
	expect_domain("ftp://files.acme.io", "files.acme.io");
	expect_domain("www.io", "www.io");   /* nothing would be left */
	expect_domain("acme", NULL);
	expect_domain("", NULL);
	expect_domain("https://", NULL);
	expect_domain("acme corp.io", NULL);
	expect_domain(".acme.io", NULL);
	expect_domain("m\xc3\xbcnchen.de", NULL);
	expect_domain(NULL, NULL);
}

int main(void)
{
	lq_json_arena_install();   /* as leadq's main: decodes in arenas */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_track_fields),
		cmocka_unit_test(test_ids_as_numbers),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_event_map_and_normalise),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_screen),
		cmocka_unit_test(test_identify_traits),
		cmocka_unit_test(test_identify_variants),
		cmocka_unit_test(test_identify_errors),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_type_field_and_write_key),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_single_limit),
		cmocka_unit_test(test_batch_limits),
		cmocka_unit_test(test_batch_item_size_as_sent),
		cmocka_unit_test(test_item_sizes_walk),
		cmocka_unit_test(test_batch_mixed),
		cmocka_unit_test(test_batch_errors),
		cmocka_unit_test(test_domain),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
