/*
 * test_lead_record.c - decoding leads from CSV rows and NDJSON lines
 * (io/lead_record) and historic stage rows (io/stage_record).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "io/colmap.h"
#include "io/csv_reader.h"
#include "io/lead_record.h"
#include "io/stage_record.h"

#define T_2026_03_01 1772323200000LL          /* 2026-03-01T00:00:00Z */
#define T_2026_03_01_1000 1772359200000LL     /* 2026-03-01T10:00:00Z */
#define T_2026_03_01_1030 1772361000000LL     /* 2026-03-01T10:30:00Z */

static void assert_contains(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("'%s' lacks '%s'", s, part);
}

/* A CSV text as header + rows, read through the real reader. */
struct csv {
	FILE *f;
	lq_csv_reader *r;
	const lq_csv_row *header;
};

static void csv_open(struct csv *c, const char *text)
{
	lq_error err;
	c->f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(c->f);
	assert_int_equal(lq_csv_open(c->f, "t.csv", &c->r, &err), 0);
	assert_int_equal(lq_csv_next(c->r, &c->header, &err), 1);
}

static const lq_csv_row *csv_row(struct csv *c)
{
	const lq_csv_row *row;
	lq_error err;
	assert_int_equal(lq_csv_next(c->r, &row, &err), 1);
	return row;
}

static void csv_close(struct csv *c)
{
	lq_csv_close(c->r);
	fclose(c->f);
}

/* Decode the first data row of text as a lead; returns the status. */
static int lead_csv(const char *text, const char *map, const char *fmt,
		    lq_lead_input *out, lq_error *err)
{
	struct csv c;
	lq_colmap *m = NULL;
	lq_leadrec_layout *lay = NULL;
	int rc;

	lq_error_clear(err);
	assert_int_equal(lq_colmap_parse(map, &m, err), 0);
	csv_open(&c, text);
	rc = lq_leadrec_header(m, c.header, &lay, err);
	if (rc == 0)
		rc = lq_leadrec_from_csv(lay, csv_row(&c), fmt, out, err);
	lq_leadrec_layout_free(lay);
	lq_colmap_free(m);
	csv_close(&c);
	return rc;
}

static int lead_json(const char *line, const char *map, const char *fmt,
		     lq_lead_input *out, lq_error *err)
{
	lq_colmap *m = NULL;
	lq_error_clear(err);
	assert_int_equal(lq_colmap_parse(map, &m, err), 0);
	int rc = lq_leadrec_from_json(line, strlen(line), m, fmt, out, err);
	lq_colmap_free(m);
	return rc;
}

static void expect_lead_error(int from_json, const char *text,
			      const char *map, const char *fmt,
			      const char *msg, const char *field)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	int rc = from_json ? lead_json(text, map, fmt, &in, &err)
			   : lead_csv(text, map, fmt, &in, &err);
	assert_int_equal(rc, LQ_EINVAL);
	assert_contains(err.msg, msg);
	if (field)
		assert_string_equal(err.field, field);
	assert_int_equal(err.line, 0);
	/* a failed decode leaves the input empty */
	assert_null(in.lead.email);
	assert_null(in.lead.external_id);
	assert_false(in.has_account);
	lq_leadrec_free(&in);
}

static const char *attr_str(const lq_attrs *a, const char *key)
{
	const lq_value *v = lq_attrs_get(a, key);
	assert_non_null(v);
	assert_int_equal(v->kind, LQ_V_STR);
	return v->str;
}

static double attr_num(const lq_attrs *a, const char *key)
{
	const lq_value *v = lq_attrs_get(a, key);
	assert_non_null(v);
	assert_int_equal(v->kind, LQ_V_NUM);
	return v->num;
}

/* ---- CSV leads ---- */

static void test_csv_every_field(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	int rc = lead_csv(
		"external_id,email,first_name,last_name,title,seniority,"
		"department,country,source,created_at,stage,account.domain,"
		"account.name,account.employees,account.revenue,"
		"account.industry,account.tech,account.traffic,"
		"account.ad_spend,account.attr.tier,attr.plan,attr.seats\n"
		"crm-7, Ana@Acme.IO ,Ana,Lima,VP Sales,vp,sales,BR,referral,"
		"2026-03-01T10:00:00Z,MQL,ACME.io,\"Acme, Inc.\",250,1.5e6,"
		"software,\"Salesforce; HubSpot;;Slack\",12000,300.5,gold,pro,"
		"25\n", NULL, NULL, &in, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(in.lead.external_id, "crm-7");
	assert_string_equal(in.lead.email, "ana@acme.io");
	assert_string_equal(in.lead.email_domain, "acme.io");
	assert_string_equal(in.lead.first_name, "Ana");
	assert_string_equal(in.lead.last_name, "Lima");
	assert_string_equal(in.lead.title, "VP Sales");
	assert_string_equal(in.lead.seniority, "vp");
	assert_string_equal(in.lead.department, "sales");
	assert_string_equal(in.lead.country, "BR");
	assert_string_equal(in.lead.source, "referral");
	assert_int_equal(in.lead.created_at, T_2026_03_01_1000);
	assert_string_equal(in.stage, "mql");
	assert_true(in.has_account);
	assert_string_equal(in.account.domain, "acme.io");
	assert_string_equal(in.account.name, "Acme, Inc.");
	assert_true(in.account.employees == 250);
	assert_true(in.account.revenue == 1.5e6);
	assert_string_equal(in.account.industry, "software");
	assert_int_equal(in.account.tech.kind, LQ_V_LIST);
	assert_int_equal(in.account.tech.n, 3);
	assert_string_equal(in.account.tech.items[0].str, "Salesforce");
	assert_string_equal(in.account.tech.items[1].str, "HubSpot");
	assert_string_equal(in.account.tech.items[2].str, "Slack");
	assert_true(in.account.traffic == 12000);
	assert_true(in.account.ad_spend == 300.5);
	assert_string_equal(attr_str(&in.account.attrs, "tier"), "gold");
	assert_string_equal(attr_str(&in.lead.attrs, "plan"), "pro");
	assert_true(attr_num(&in.lead.attrs, "seats") == 25);
	assert_int_equal(in.lead.attrs.n, 2);
	lq_leadrec_free(&in);
	assert_null(in.lead.email);
	assert_null(in.stage);
}

static void test_csv_empty_cells_are_absent(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	assert_int_equal(lead_csv("id,email,title,created_at,account.domain,"
				  "account.employees,account.tech,attr.x\n"
				  "42,,  ,,,,,\n", NULL, NULL, &in, &err), 0);
	assert_string_equal(in.lead.external_id, "42");
	assert_null(in.lead.email);
	assert_null(in.lead.email_domain);
	assert_null(in.lead.title);
	assert_int_equal(in.lead.created_at, 0);
	assert_false(in.has_account);
	assert_null(in.account.domain);
	assert_true(isnan(in.account.employees));
	assert_int_equal(in.account.tech.kind, LQ_V_ABSENT);
	assert_int_equal(in.lead.attrs.n, 0);
	assert_null(in.stage);
	lq_leadrec_free(&in);
}

static void test_csv_map_and_date_format(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	/* an Olist-like marketing-qualified-leads file */
	int rc = lead_csv("mql_id,first_contact_date,landing_page_id,origin\n"
			  "abc123,01-03-2026,lp-9,organic_search\n",
			  "mql_id=external_id,first_contact_date=created_at,"
			  "landing_page_id=-,origin=source",
			  "%d-%m-%Y", &in, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(in.lead.external_id, "abc123");
	assert_int_equal(in.lead.created_at, T_2026_03_01);
	assert_string_equal(in.lead.source, "organic_search");
	assert_null(in.lead.email);
	lq_leadrec_free(&in);

	rc = lead_csv("id,won_date\nx,01-03-2026 10:30\n",
		      "won_date=created_at", "%d-%m-%Y %H:%M", &in, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(in.lead.created_at, T_2026_03_01_1030);
	lq_leadrec_free(&in);
}

static void test_csv_bad_values(void **state)
{
	expect_lead_error(0, "email\nnot-an-email\n", NULL, NULL,
			  "invalid email 'not-an-email'", "email");
	expect_lead_error(0, "email,title\n,CEO\n", NULL, NULL,
			  "a lead needs an email or an external_id", "email");
	expect_lead_error(0, "email,account.employees\na@b.io,abc\n", NULL,
			  NULL, "account.employees: 'abc' is not a number",
			  "account.employees");
	expect_lead_error(0, "email,created_at\na@b.io,2026-03-01\n", NULL,
			  "%d-%m-%Y", "created_at: '2026-03-01' does not "
			  "match the date format '%d-%m-%Y'", "created_at");
	expect_lead_error(0, "email,created_at\na@b.io,01/03/2026\n", NULL,
			  NULL, "created_at: '01/03/2026' is not an ISO 8601 "
			  "time", "created_at");
	expect_lead_error(0, "email,stage\na@b.io,champion\n", NULL, NULL,
			  "unknown stage 'champion' (valid: subscriber, lead, "
			  "mql", "stage");
}

static void test_csv_column_count(void **state)
{
	struct csv c;
	lq_leadrec_layout *lay;
	lq_lead_input in;
	lq_error err;

	lq_leadrec_init(&in);
	csv_open(&c, "email,title,country\na@b.io,CEO\nb@b.io,x,y,z\n"
		 "c@b.io,CTO,PT\n");
	assert_int_equal(lq_leadrec_header(NULL, c.header, &lay, &err), 0);
	assert_int_equal(lq_leadrec_from_csv(lay, csv_row(&c), NULL, &in,
					     &err), LQ_EINVAL);
	assert_string_equal(err.msg, "expected 3 columns, found 2");
	assert_int_equal(lq_leadrec_from_csv(lay, csv_row(&c), NULL, &in,
					     &err), LQ_EINVAL);
	assert_string_equal(err.msg, "expected 3 columns, found 4");
	/* the layout stays usable for the next row */
	assert_int_equal(lq_leadrec_from_csv(lay, csv_row(&c), NULL, &in,
					     &err), 0);
	assert_string_equal(in.lead.country, "PT");
	lq_leadrec_free(&in);
	lq_leadrec_layout_free(lay);
	csv_close(&c);
}

static void test_csv_header_errors(void **state)
{
	expect_lead_error(0, "email,favourite_colour\na@b.io,red\n", NULL,
			  NULL, "unknown column 'favourite_colour' (accepted: "
			  "external_id, id, email", "favourite_colour");
	expect_lead_error(0, "email,favourite_colour\na@b.io,red\n", NULL,
			  NULL, "account.attr.NAME, attr.NAME)", NULL);
	expect_lead_error(0, "email,origin\na@b.io,x\n", "origin=sorce", NULL,
			  "unknown field 'sorce' for column 'origin'", "sorce");
	expect_lead_error(0, "id,external_id\n1,2\n", NULL, NULL,
			  "columns 'id' and 'external_id' both give", NULL);
	expect_lead_error(0, "email,attr.\na@b.io,x\n", NULL, NULL,
			  "column 'attr.' needs an attribute name", "attr.");
}

static void test_csv_ignore_and_case(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	assert_int_equal(lead_csv("Email,Notes,,ATTR.Plan\n"
				  "A@B.io,whatever,junk,Pro\n", "notes=-",
				  NULL, &in, &err), 0);
	assert_string_equal(in.lead.email, "a@b.io");
	assert_string_equal(attr_str(&in.lead.attrs, "Plan"), "Pro");
	assert_int_equal(in.lead.attrs.n, 1);
	lq_leadrec_free(&in);
}

static void test_csv_long_field(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "email,title\na@b.io,");
	for (int i = 0; i < 4097; i++)
		lq_buf_addc(&b, 't');
	lq_buf_addc(&b, '\n');
	expect_lead_error(0, b.data, NULL, NULL,
			  "title: longer than 4096 bytes", "title");
	lq_buf_free(&b);
}

/* ---- NDJSON leads ---- */

static void test_json_every_field(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	int rc = lead_json(
		"{\"external_id\": 7, \"email\": \"Bo@Beta.COM\","
		" \"first_name\": \"Bo\", \"title\": \"CTO\","
		" \"created_at\": \"2026-03-01T10:00:00Z\", \"stage\": \"sql\","
		" \"account\": {\"domain\": \"Beta.com\", \"employees\": 120,"
		"   \"revenue\": \"2000000\", \"tech\": [\"Salesforce\", \" \","
		"   \"Segment\"], \"attr\": {\"tier\": \"gold\"}},"
		" \"account.industry\": \"saas\","
		" \"attr\": {\"seats\": 25, \"seats_text\": \"25\","
		"   \"trial\": true, \"tags\": [\"a\", 2], \"utm\": "
		"   {\"campaign\": \"spring\"}, \"gone\": null},"
		" \"attr.score\": 1.5, \"country\": null}",
		NULL, NULL, &in, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(in.lead.external_id, "7");
	assert_string_equal(in.lead.email, "bo@beta.com");
	assert_string_equal(in.lead.email_domain, "beta.com");
	assert_string_equal(in.lead.first_name, "Bo");
	assert_string_equal(in.lead.title, "CTO");
	assert_null(in.lead.country);
	assert_int_equal(in.lead.created_at, T_2026_03_01_1000);
	assert_string_equal(in.stage, "sql");
	assert_true(in.has_account);
	assert_string_equal(in.account.domain, "beta.com");
	assert_true(in.account.employees == 120);
	assert_true(in.account.revenue == 2e6);
	assert_string_equal(in.account.industry, "saas");
	assert_int_equal(in.account.tech.n, 2);
	assert_string_equal(in.account.tech.items[1].str, "Segment");
	assert_string_equal(attr_str(&in.account.attrs, "tier"), "gold");
	assert_true(attr_num(&in.lead.attrs, "seats") == 25);
	assert_string_equal(attr_str(&in.lead.attrs, "seats_text"), "25");
	assert_string_equal(attr_str(&in.lead.attrs, "trial"), "true");
	assert_string_equal(attr_str(&in.lead.attrs, "utm.campaign"),
			    "spring");
	assert_true(attr_num(&in.lead.attrs, "score") == 1.5);
	assert_null(lq_attrs_get(&in.lead.attrs, "gone"));
	const lq_value *tags = lq_attrs_get(&in.lead.attrs, "tags");
	assert_non_null(tags);
	assert_int_equal(tags->kind, LQ_V_LIST);
	assert_int_equal(tags->n, 2);
	assert_string_equal(tags->items[0].str, "a");
	assert_true(tags->items[1].kind == LQ_V_NUM && tags->items[1].num == 2);
	lq_leadrec_free(&in);
}

static void test_json_tech_string_and_map(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	assert_int_equal(lead_json("{\"mail\": \"x@y.io\", \"origin\": \"paid\","
				   " \"junk\": {\"a\": 1}, \"account\": "
				   "{\"tech\": \"a;b\"}, \"seen\": "
				   "\"01-03-2026\"}",
				   "mail=email,origin=source,junk.a=-,"
				   "seen=created_at", "%d-%m-%Y", &in, &err),
			 0);
	assert_string_equal(in.lead.email, "x@y.io");
	assert_string_equal(in.lead.source, "paid");
	assert_int_equal(in.lead.created_at, T_2026_03_01);
	assert_int_equal(in.account.tech.n, 2);
	assert_string_equal(in.account.tech.items[0].str, "a");
	lq_leadrec_free(&in);
}

static void test_json_errors(void **state)
{
	lq_lead_input in;
	lq_error err;

	lq_leadrec_init(&in);
	assert_int_equal(lead_json("{\"email\": \"a@b.io\",, }", NULL, NULL,
				   &in, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "invalid JSON at column 21");
	assert_int_equal(err.col, 21);
	assert_int_equal(lead_json("{\"email\": \"a@b.io\"}  x", NULL, NULL,
				   &in, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "invalid JSON at column 22");
	lq_leadrec_free(&in);

	expect_lead_error(1, "[1, 2]", NULL, NULL,
			  "lead must be a JSON object", NULL);
	expect_lead_error(1, "{\"email\": \"a@b.io\", \"colour\": 1}", NULL,
			  NULL, "unknown field 'colour' (accepted: ", "colour");
	expect_lead_error(1, "{\"email\": true}", NULL, NULL,
			  "email: expected a string", "email");
	expect_lead_error(1, "{\"email\": \"nope\"}", NULL, NULL,
			  "invalid email 'nope'", "email");
	expect_lead_error(1, "{\"title\": \"CEO\", \"email\": null}", NULL,
			  NULL, "a lead needs an email or an external_id",
			  "email");
	expect_lead_error(1, "{\"id\": \"1\", \"external_id\": \"2\"}", NULL,
			  NULL, "external_id: given twice", "external_id");
	expect_lead_error(1, "{\"id\": \"1\", \"account\": {\"employees\": "
			  "\"many\"}}", NULL, NULL,
			  "account.employees: 'many' is not a number",
			  "account.employees");
	expect_lead_error(1, "{\"id\": \"1\", \"account.tech\": [1]}", NULL,
			  NULL, "account.tech: list items must be strings",
			  "account.tech");
	expect_lead_error(1, "{\"id\": \"1\", \"created_at\": \"yesterday\"}",
			  NULL, NULL, "created_at: 'yesterday' is not an ISO "
			  "8601 time", "created_at");
	expect_lead_error(1, "{\"id\": \"1\", \"attr\": {\"x\": [[1]]}}",
			  NULL, NULL, "attr.x: lists may only hold", "attr.x");
	expect_lead_error(1, "{\"id\": \"1\", \"email\": {\"x\": 1}}", NULL,
			  NULL, "unknown field 'email.x'", "email.x");
}

static void test_json_line_limits(void **state)
{
	lq_lead_input in;
	lq_error err;
	lq_leadrec_init(&in);
	/* len is respected: the text after it is not read */
	const char *text = "{\"id\": \"1\"}garbage";
	assert_int_equal(lq_leadrec_from_json(text, 11, NULL, NULL, &in, &err),
			 0);
	assert_string_equal(in.lead.external_id, "1");
	assert_int_equal(lq_leadrec_from_json(text, LQ_LEADREC_MAX_LINE + 1,
					      NULL, NULL, &in, &err),
			 LQ_EINVAL);
	assert_string_equal(err.msg, "lead line is longer than 1048576 bytes");
	assert_null(in.lead.external_id);
	lq_leadrec_free(&in);
}

/* ---- stage records ---- */

static int stage_csv(const char *text, const char *map, const char *fixed,
		     const char *fmt, lq_stage_input *out, lq_error *err)
{
	struct csv c;
	lq_colmap *m = NULL;
	lq_stagerec_layout *lay = NULL;

	lq_error_clear(err);
	assert_int_equal(lq_colmap_parse(map, &m, err), 0);
	csv_open(&c, text);
	int rc = lq_stagerec_header(m, c.header, fixed, &lay, err);
	if (rc == 0)
		rc = lq_stagerec_from_csv(lay, csv_row(&c), fmt, out, err);
	lq_stagerec_layout_free(lay);
	lq_colmap_free(m);
	csv_close(&c);
	return rc;
}

static void test_stage_rows(void **state)
{
	lq_stage_input in;
	lq_error err;
	struct csv c;
	lq_stagerec_layout *lay;

	lq_stagerec_init(&in);
	csv_open(&c, "lead,stage,at,actor,reason\n"
		 "Ana@Acme.io,SQO,2026-03-01T10:00:00Z,maria,budget ok\n"
		 "crm-9,lost,2026-03-01,,\n");
	assert_int_equal(lq_stagerec_header(NULL, c.header, NULL, &lay, &err),
			 0);
	assert_int_equal(lq_stagerec_from_csv(lay, csv_row(&c), NULL, &in,
					      &err), 0);
	assert_string_equal(in.lead_key, "ana@acme.io");
	assert_int_equal(in.stage, LQ_STAGE_SQO);
	assert_int_equal(in.at, T_2026_03_01_1000);
	assert_string_equal(in.actor, "maria");
	assert_string_equal(in.reason, "budget ok");
	assert_int_equal(lq_stagerec_from_csv(lay, csv_row(&c), NULL, &in,
					      &err), 0);
	assert_string_equal(in.lead_key, "crm-9");
	assert_int_equal(in.stage, LQ_STAGE_LOST);
	assert_int_equal(in.at, T_2026_03_01);
	assert_string_equal(in.actor, "import");
	assert_null(in.reason);
	lq_stagerec_free(&in);
	lq_stagerec_layout_free(lay);
	csv_close(&c);
}

static void test_stage_fixed(void **state)
{
	lq_stage_input in;
	lq_error err;
	lq_stagerec_init(&in);
	/* Olist closed deals: mql_id, won_date; every row is a won deal */
	assert_int_equal(stage_csv("mql_id,seller_id,won_date\n"
				   "abc,s-1,01-03-2026 10:30\n",
				   "mql_id=external_id,seller_id=-,"
				   "won_date=at", "won", "%d-%m-%Y %H:%M",
				   &in, &err), 0);
	assert_string_equal(in.lead_key, "abc");
	assert_int_equal(in.stage, LQ_STAGE_WON);
	assert_int_equal(in.at, T_2026_03_01_1030);
	assert_string_equal(in.actor, "import");
	lq_stagerec_free(&in);
}

static void expect_stage_error(const char *text, const char *map,
			       const char *fixed, const char *fmt,
			       const char *msg, const char *field)
{
	lq_stage_input in;
	lq_error err;
	lq_stagerec_init(&in);
	assert_int_equal(stage_csv(text, map, fixed, fmt, &in, &err),
			 LQ_EINVAL);
	assert_contains(err.msg, msg);
	if (field)
		assert_string_equal(err.field, field);
	assert_null(in.lead_key);
	assert_null(in.actor);
	lq_stagerec_free(&in);
}

static void test_stage_errors(void **state)
{
	expect_stage_error("lead,at\na,2026-03-01\n", NULL, NULL, NULL,
			   "missing column 'stage' (or give a fixed stage",
			   "stage");
	expect_stage_error("lead,stage\na,won\n", NULL, NULL, NULL,
			   "missing column 'at'", "at");
	expect_stage_error("stage,at\nwon,2026-03-01\n", NULL, NULL, NULL,
			   "missing column 'lead' (or email, external_id)",
			   "lead");
	expect_stage_error("lead,at\na,2026-03-01\n", NULL, "champion", NULL,
			   "unknown stage 'champion' (valid: subscriber, lead,"
			   " mql, sal, sql, sqo, won, lost, nurture, "
			   "disqualified)", "stage");
	expect_stage_error("lead,stage,at\na,won,2026-03-01\n", NULL, "won",
			   NULL, "the file has a stage column and --stage was "
			   "given", "stage");
	expect_stage_error("lead,stage,at\na,champion,2026-03-01\n", NULL,
			   NULL, NULL, "unknown stage 'champion' (valid: "
			   "subscriber", "stage");
	expect_stage_error("lead,stage,at\na,won,\n", NULL, NULL, NULL,
			   "missing at", "at");
	expect_stage_error("lead,stage,at\n,won,2026-03-01\n", NULL, NULL,
			   NULL, "missing lead", "lead");
	expect_stage_error("lead,stage,at\na,,2026-03-01\n", NULL, NULL, NULL,
			   "missing stage", "stage");
	expect_stage_error("lead,stage,at\na,won,2026-31-12\n", NULL, NULL,
			   "%Y-%d-%m-%H", "at: '2026-31-12' does not match the "
			   "date format '%Y-%d-%m-%H'", "at");
	expect_stage_error("lead,stage,at,owner\na,won,2026-03-01,x\n", NULL,
			   NULL, NULL, "unknown column 'owner' (accepted: "
			   "lead, email, external_id, stage, at, actor, "
			   "reason)", "owner");
	expect_stage_error("lead,stage,at,when\na,won,2026-03-01,x\n",
			   "when=at", NULL, NULL, "columns 'at' and 'when' "
			   "both give at", "at");
	expect_stage_error("lead,stage,at\na,won\n", NULL, NULL, NULL,
			   "expected 3 columns, found 2", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_every_field),
		cmocka_unit_test(test_csv_empty_cells_are_absent),
		cmocka_unit_test(test_csv_map_and_date_format),
		cmocka_unit_test(test_csv_bad_values),
		cmocka_unit_test(test_csv_column_count),
		cmocka_unit_test(test_csv_header_errors),
		cmocka_unit_test(test_csv_ignore_and_case),
		cmocka_unit_test(test_csv_long_field),
		cmocka_unit_test(test_json_every_field),
		cmocka_unit_test(test_json_tech_string_and_map),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_json_line_limits),
		cmocka_unit_test(test_stage_rows),
		cmocka_unit_test(test_stage_fixed),
		cmocka_unit_test(test_stage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
