/*
 * test_store.c - unit tests of the store (SQLite backend) against a real
 * database file in a fresh temporary directory per test: open and
 * migrations, round trips of every record with absent values, lookups,
 * conflicts, de-duplication, ordering, filters, transactions, counts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/buf.h"
#include "store/store.h"
#include "test_store_fixture.h"

/* ---- helpers building records -------------------------------------------- */

static void put_score(lq_store *s, int64_t lead, char grade)
{
	lq_score_row r = {0};
	lq_error err = {0};

	r.lead_id = lead;
	r.model_version = 1;
	r.grade = grade;
	r.fit = r.channel = r.engagement = r.score = 1;
	r.scored_at = T0;
	assert_int_equal(lq_store_score_put(s, &r, &err), 0);
}

/* ---- open and migrations --------------------------------------------------- */

static void test_open_missing(void **state)
{
	fixture *f = *state;
	char path[160];
	lq_store *s = (lq_store *)1;
	lq_error err = {0};

	snprintf(path, sizeof path, "%s/nope.db", f->dir);
	assert_int_equal(lq_store_open(path, 0, &s, &err), LQ_ENOTFOUND);
	assert_null(s);
	assert_int_equal(err.code, LQ_ENOTFOUND);
	char want[256];
	snprintf(want, sizeof want, "no database at %s: run `leadq init` first",
		 path);
	assert_string_equal(err.msg, want);
	assert_int_equal(access(path, F_OK), -1);   /* not created */
}

static void test_open_bad_path(void **state)
{
	fixture *f = *state;
	char path[160];
	lq_store *s = NULL;
	lq_error err = {0};

	snprintf(path, sizeof path, "%s/no/such/dir/x.db", f->dir);
	assert_int_equal(lq_store_open(path, 1, &s, &err), LQ_EIO);
	assert_null(s);
	assert_non_null(strstr(err.msg, "cannot open database"));
	assert_int_equal(lq_store_open("", 1, &s, &err), LQ_EINVAL);
	assert_int_equal(lq_store_open("postgres://db/leadq", 1, &s, &err),
			 LQ_EINVAL);
	assert_non_null(strstr(err.msg, "postgresql"));
	lq_store_close(NULL);   /* no-op */
}

static void test_not_a_database(void **state)
{
	fixture *f = *state;
	char path[160];
	lq_store *s = NULL;
	lq_error err = {0};
	FILE *fp;

	snprintf(path, sizeof path, "%s/junk.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 100; i++)
		fputs("this is not a sqlite database at all\n", fp);
	fclose(fp);
	assert_int_equal(lq_store_open(path, 0, &s, &err), LQ_EIO);
	assert_null(s);
	assert_non_null(strstr(err.msg, "not a database"));
	unlink(path);
}

static void test_migrations_idempotent(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(lq_store_schema_version(f->s), LATEST_SCHEMA);
	add_account(f->s, "acme.io");
	reopen(f);
	assert_int_equal(lq_store_schema_version(f->s), LATEST_SCHEMA);
	reopen(f);
	assert_int_equal(counts(f->s).accounts, 1);

	/* Settings and schema as seen by another connection. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), LATEST_SCHEMA);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
					    "sqlite_schema WHERE type = 'table' AND "
					    "name NOT LIKE 'sqlite%'",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 19);
	sqlite3_finalize(st);

	/* A database from a newer leadq is refused. */
	lq_store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(lq_store_open(f->path, 0, &f->s, &err), LQ_ECONFLICT);
	assert_null(f->s);
	char want[80];
	snprintf(want, sizeof want, "database schema 99 is newer than this "
		 "leadq (%d)", LATEST_SCHEMA);
	assert_string_equal(err.msg, want);
}

/* ---- upgrade from schema 1 ------------------------------------------------ */

/* The schema as leadq shipped it at version 1 (migration 1, verbatim): a
 * database in the field that never ran migration 2. */
static const char v1_schema[] =
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  domain TEXT UNIQUE COLLATE NOCASE,"
	"  name TEXT,"
	"  industry TEXT,"
	"  employees REAL,"
	"  revenue REAL,"
	"  traffic REAL,"
	"  ad_spend REAL,"
	"  tech TEXT,"                  /* JSON array of technology names */
	"  attrs TEXT,"                 /* JSON object of custom attributes */
	"  created_at INTEGER,"
	"  updated_at INTEGER"
	");"
	"CREATE TABLE leads ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  external_id TEXT UNIQUE,"    /* case matters: CRM ids */
	"  email TEXT UNIQUE COLLATE NOCASE,"
	"  email_domain TEXT,"
	"  first_name TEXT,"
	"  last_name TEXT,"
	"  title TEXT,"
	"  seniority TEXT,"
	"  department TEXT,"
	"  country TEXT,"
	"  source TEXT,"
	"  created_at INTEGER,"
	"  stage TEXT,"
	"  attrs TEXT"                  /* JSON object */
	");"
	"CREATE INDEX leads_account ON leads(account_id);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  props TEXT,"                 /* JSON object */
	"  msg_id TEXT"                 /* sender's de-duplication key */
	");"
	/* Partial: events without a msg_id cost no index entry. */
	"CREATE UNIQUE INDEX events_msg_id ON events(msg_id)"
	"  WHERE msg_id IS NOT NULL;"
	"CREATE INDEX events_lead_at ON events(lead_id, at);"
	"CREATE TABLE scores ("
	"  lead_id INTEGER PRIMARY KEY,"
	"  model_version INTEGER,"
	"  fit REAL,"
	"  channel REAL,"
	"  grade TEXT,"
	"  engagement REAL,"
	"  score REAL,"
	"  scored_at INTEGER,"
	"  disqualified_by TEXT,"
	"  state BLOB"                  /* engine's engagement state */
	");"
	"CREATE TABLE stage_changes ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL,"
	"  from_stage TEXT,"            /* NULL for a lead's first stage */
	"  to_stage TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT,"
	"  reason TEXT"
	");"
	"CREATE INDEX stage_changes_lead_at ON stage_changes(lead_id, at);"
	"CREATE TABLE models ("
	"  version INTEGER PRIMARY KEY,"
	"  name TEXT,"
	"  text TEXT NOT NULL,"         /* the YAML source */
	"  applied_at INTEGER"
	");";

static void exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql failed: %s", msg ? msg : "?");
}

static int64_t count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Replace the fixture's database with a version 1 one holding a lead. */
static void make_v1_database(fixture *f)
{
	sqlite3 *db;
	char rows[512];

	lq_store_close(f->s);
	f->s = NULL;
	remove_db_files(f);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	exec_sql(db, v1_schema);
	snprintf(rows, sizeof rows,
		 "INSERT INTO accounts (id, domain) VALUES (1, 'acme.io');"
		 "INSERT INTO leads (id, account_id, email, source, created_at,"
		 " stage, attrs) VALUES (1, 1, 'ana@acme.io', 'referral', %lld,"
		 " 'mql', '{\"plan\":\"pro\"}');"
		 "INSERT INTO events (lead_id, at, type, msg_id)"
		 " VALUES (1, %lld, 'page_view', 'm-1');"
		 "INSERT INTO scores (lead_id, grade, engagement, scored_at)"
		 " VALUES (1, 'B', 12.5, %lld);"
		 "PRAGMA user_version = 1;", T0, T0 + 5, T0 + 5);
	exec_sql(db, rows);
	assert_int_equal(count_rows(db, "PRAGMA user_version"), 1);
	sqlite3_close(db);
}

static void test_upgrade_from_v1(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_lead l;
	lq_note note = {.cycle = 1, .at = T0, .text = "called"};
	lq_task task = {.due = T0 + 10, .text = "follow up"};
	lq_webhook w = {.url = "http://h/x", .origin = "cli"};
	lq_outbox_row r = {.delivery_id = "d-1", .url = "http://h/x",
			   .event = "mql", .payload = "{}", .next_at = T0};
	lq_answer a = {.item = "budget", .value = "yes", .at = T0};
	int first = 0;
	int64_t value = -1;
	sqlite3 *db;

	make_v1_database(f);
	assert_int_equal(lq_store_open(f->path, 0, &f->s, &err), 0);
	assert_int_equal(lq_store_schema_version(f->s), LATEST_SCHEMA);

	/* The old lead reads back with the new fields absent. */
	assert_int_equal(lq_store_lead_get(f->s, 1, &l, &err), 0);
	assert_string_equal(l.email, "ana@acme.io");
	assert_int_equal(l.account_id, 1);
	assert_int_equal(l.created_at, T0);
	assert_int_equal(l.stage, LQ_STAGE_MQL);
	assert_string_equal(lq_attrs_get(&l.attrs, "plan")->str, "pro");
	assert_int_equal(l.stage_at, 0);
	assert_null(l.owner);
	assert_int_equal(l.cycle, 0);
	assert_int_equal(l.engagement_since, 0);

	/* ...and takes them. */
	l.stage_at = T0 + 1;
	l.owner = strdup("rep.joana");
	l.cycle = 1;
	l.engagement_since = T0 + 2;
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	lq_lead_free(&l);
	assert_int_equal(lq_store_lead_by_email(f->s, "ana@acme.io", &l, &err),
			 0);
	assert_int_equal(l.stage_at, T0 + 1);
	assert_string_equal(l.owner, "rep.joana");
	assert_int_equal(l.cycle, 1);
	assert_int_equal(l.engagement_since, T0 + 2);
	lq_lead_free(&l);

	/* Every new table works. */
	note.lead_id = task.lead_id = 1;
	assert_int_equal(lq_store_answer_set(f->s, 1, 1, &a, &err), 0);
	assert_int_equal(lq_store_note_add(f->s, &note, &err), 0);
	assert_int_equal(lq_store_task_add(f->s, &task, &err), 0);
	assert_int_equal(lq_store_webhook_add(f->s, &w, &err), 0);
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);
	assert_int_equal(lq_store_alert_once(f->s, 1, "sla_overdue", T0, &first,
					     &err), 0);
	assert_int_equal(first, 1);
	assert_int_equal(lq_store_counter_next(f->s, "route", &value, &err), 0);
	assert_int_equal(value, 0);
	lq_store_counts n = counts(f->s);
	assert_int_equal(n.accounts, 1);
	assert_int_equal(n.leads, 1);
	assert_int_equal(n.events, 1);
	assert_int_equal(n.notes, 1);
	assert_int_equal(n.tasks, 1);
	assert_int_equal(n.webhooks, 1);
	assert_int_equal(n.outbox, 1);
	/* The gauges of /metrics agree with the full counts (the v1 lead
	 * is an MQL, the new alert pending). */
	lq_store_gauges g;
	assert_int_equal(lq_store_gauges_get(f->s, &g, &err), 0);
	assert_int_equal(g.leads, n.leads);
	assert_int_equal(g.mqls, 1);
	assert_int_equal(g.mqls, n.mqls);
	assert_int_equal(g.outbox_pending, 1);
	assert_int_equal(g.outbox_pending, n.outbox_pending);
	assert_int_equal(g.outbox_dead, 0);

	/* The schema on disk: version 2, the new indexes in place, old
	 * de-duplication intact. */
	lq_store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(count_rows(db, "PRAGMA user_version"), LATEST_SCHEMA);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_schema "
				    "WHERE type = 'index' AND name IN "
				    "('leads_owner', 'leads_stage_at', "
				    "'notes_lead', 'tasks_owner_due', "
				    "'tasks_lead', 'outbox_status_next')"), 6);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_schema "
				    "WHERE type = 'table' AND name NOT LIKE "
				    "'sqlite%'"), 19);
	/* Migration 5: the MQL's queue rank is its score. */
	assert_int_equal(count_rows(db, "SELECT count(*) FROM leads WHERE "
				    "id = 1 AND rank_grade = 'B' AND "
				    "rank_engagement = 12.5 AND rank_at = "
				    "1772323200005"), 1);
	sqlite3_close(db);
	reopen(f);
	assert_int_equal(lq_store_schema_version(f->s), LATEST_SCHEMA);
	assert_int_equal(store_event(f->s, 1, T0, "page_view", "m-1", NULL), 1);
	assert_int_equal(counts(f->s).leads, 1);
}

/* events_each must walk the clustered table in key order, not sort. */
static void test_events_each_uses_index(void **state)
{
	fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	lq_buf plan = LQ_BUF_INIT;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT "
					    "id FROM events_main ORDER BY lead_id, "
					    "at, id", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		lq_buf_adds(&plan, (const char *)sqlite3_column_text(st, 3));
		lq_buf_addc(&plan, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(strstr(lq_buf_str(&plan), "SCAN events_main"));
	assert_null(strstr(lq_buf_str(&plan), "TEMP B-TREE"));
	lq_buf_free(&plan);
}

/* ---- accounts -------------------------------------------------------------- */

static void test_account_round_trip(void **state)
{
	fixture *f = *state;
	lq_account a, b;
	lq_error err = {0};

	lq_account_init(&a);
	a.domain = strdup("acme.io");
	a.name = strdup("Acme \"Rockets\" Inc.");
	a.industry = strdup("software");
	a.employees = 250;
	a.revenue = 12.5e6;
	a.traffic = 40000;       /* ad_spend stays NAN */
	lq_value_list_push(&a.tech, lq_value_str("salesforce"));
	lq_value_list_push(&a.tech, lq_value_str("hubspot"));
	lq_attrs_set(&a.attrs, "plan", lq_value_str("pro"));
	lq_attrs_set(&a.attrs, "seats", lq_value_num(12.25));
	assert_int_equal(lq_store_account_put(f->s, &a, &err), 0);
	assert_true(a.id > 0);

	assert_int_equal(lq_store_account_get(f->s, a.id, &b, &err), 0);
	assert_int_equal(b.id, a.id);
	assert_string_equal(b.domain, "acme.io");
	assert_string_equal(b.name, "Acme \"Rockets\" Inc.");
	assert_string_equal(b.industry, "software");
	assert_true(b.employees == 250);
	assert_true(b.revenue == 12.5e6);
	assert_true(b.traffic == 40000);
	assert_true(isnan(b.ad_spend));
	assert_int_equal(b.tech.kind, LQ_V_LIST);
	assert_int_equal(b.tech.n, 2);
	assert_string_equal(b.tech.items[0].str, "salesforce");
	assert_string_equal(b.tech.items[1].str, "hubspot");
	assert_int_equal(b.attrs.n, 2);
	assert_string_equal(lq_attrs_get(&b.attrs, "plan")->str, "pro");
	assert_true(lq_attrs_get(&b.attrs, "seats")->num == 12.25);
	lq_account_free(&b);

	/* Lookup by domain ignores case; update replaces every field. */
	assert_int_equal(lq_store_account_by_domain(f->s, "ACME.io", &b, &err),
			 0);
	assert_int_equal(b.id, a.id);
	lq_account_free(&b);
	free(a.name);
	a.name = NULL;
	a.employees = NAN;
	lq_value_free(&a.tech);
	lq_attrs_free(&a.attrs);
	assert_int_equal(lq_store_account_put(f->s, &a, &err), 0);
	assert_int_equal(lq_store_account_get(f->s, a.id, &b, &err), 0);
	assert_null(b.name);
	assert_true(isnan(b.employees));
	assert_int_equal(b.tech.kind, LQ_V_ABSENT);
	assert_int_equal(b.attrs.n, 0);
	assert_string_equal(b.industry, "software");
	lq_account_free(&b);

	assert_int_equal(lq_store_account_get(f->s, 999, &b, &err),
			 LQ_ENOTFOUND);
	assert_int_equal(lq_store_account_by_domain(f->s, "nope.io", &b, &err),
			 LQ_ENOTFOUND);
	lq_account_free(&b);
	a.id = 999;
	assert_int_equal(lq_store_account_put(f->s, &a, &err), LQ_ENOTFOUND);
	assert_int_equal(counts(f->s).accounts, 1);
	lq_account_free(&a);
}

static void test_account_conflict(void **state)
{
	fixture *f = *state;
	lq_account a;
	lq_error err = {0};
	int64_t first = add_account(f->s, "acme.io");

	lq_account_init(&a);
	a.domain = strdup("Acme.IO");
	assert_int_equal(lq_store_account_put(f->s, &a, &err), LQ_ECONFLICT);
	assert_string_equal(err.msg, "domain Acme.IO already belongs to "
			    "account 1");
	assert_int_equal(first, 1);
	/* Updating the owner itself is not a clash. */
	a.id = first;
	assert_int_equal(lq_store_account_put(f->s, &a, &err), 0);
	lq_account_free(&a);
}

static void test_nonfinite_attr_refused(void **state)
{
	fixture *f = *state;
	lq_account a;
	lq_error err = {0};

	lq_account_init(&a);
	a.domain = strdup("acme.io");
	lq_attrs_set(&a.attrs, "bad", lq_value_num(INFINITY));
	assert_int_equal(lq_store_account_put(f->s, &a, &err), LQ_EINVAL);
	assert_non_null(strstr(err.msg, "bad"));
	assert_int_equal(counts(f->s).accounts, 0);
	lq_account_free(&a);
}

/* ---- leads ----------------------------------------------------------------- */

static void test_lead_round_trip(void **state)
{
	fixture *f = *state;
	lq_lead l, g;
	lq_error err = {0};
	int64_t acc = add_account(f->s, "acme.io");

	lq_lead_init(&l);
	l.account_id = acc;
	l.external_id = strdup("CRM-0001");
	l.email = strdup("ana@acme.io");
	l.email_domain = strdup("acme.io");
	l.first_name = strdup("Ana");
	l.last_name = strdup("Lima");
	l.title = strdup("VP Marketing");
	l.seniority = strdup("vp");
	l.department = strdup("marketing");
	l.country = strdup("BR");
	l.source = strdup("referral");
	l.created_at = T0 + 123;
	l.stage = LQ_STAGE_MQL;
	l.stage_at = T0 + 456;
	l.owner = strdup("rep.joana");
	l.cycle = 2;
	l.engagement_since = T0 + 789;
	lq_attrs_set(&l.attrs, "budget", lq_value_num(50000));
	lq_attrs_set(&l.attrs, "tags", lq_value_list_split("a;b", ';'));
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	assert_true(l.id > 0);

	assert_int_equal(lq_store_lead_get(f->s, l.id, &g, &err), 0);
	assert_int_equal(g.id, l.id);
	assert_int_equal(g.account_id, acc);
	assert_string_equal(g.external_id, "CRM-0001");
	assert_string_equal(g.email, "ana@acme.io");
	assert_string_equal(g.email_domain, "acme.io");
	assert_string_equal(g.first_name, "Ana");
	assert_string_equal(g.last_name, "Lima");
	assert_string_equal(g.title, "VP Marketing");
	assert_string_equal(g.seniority, "vp");
	assert_string_equal(g.department, "marketing");
	assert_string_equal(g.country, "BR");
	assert_string_equal(g.source, "referral");
	assert_int_equal(g.created_at, T0 + 123);
	assert_int_equal(g.stage, LQ_STAGE_MQL);
	assert_int_equal(g.stage_at, T0 + 456);
	assert_string_equal(g.owner, "rep.joana");
	assert_int_equal(g.cycle, 2);
	assert_int_equal(g.engagement_since, T0 + 789);
	assert_int_equal(g.attrs.n, 2);
	assert_true(lq_attrs_get(&g.attrs, "budget")->num == 50000);
	assert_int_equal(lq_attrs_get(&g.attrs, "tags")->n, 2);
	assert_string_equal(lq_attrs_get(&g.attrs, "tags")->items[1].str, "b");
	lq_lead_free(&g);

	assert_int_equal(lq_store_lead_by_email(f->s, "Ana@Acme.io", &g, &err),
			 0);
	assert_int_equal(g.id, l.id);
	assert_int_equal(g.stage_at, T0 + 456);
	assert_string_equal(g.owner, "rep.joana");
	assert_int_equal(g.cycle, 2);
	assert_int_equal(g.engagement_since, T0 + 789);
	lq_lead_free(&g);
	assert_int_equal(lq_store_lead_by_external_id(f->s, "CRM-0001", &g,
						      &err), 0);
	assert_int_equal(g.id, l.id);
	assert_int_equal(g.stage_at, T0 + 456);
	assert_string_equal(g.owner, "rep.joana");
	assert_int_equal(g.cycle, 2);
	assert_int_equal(g.engagement_since, T0 + 789);
	lq_lead_free(&g);
	/* External ids are case-sensitive (CRM ids). */
	assert_int_equal(lq_store_lead_by_external_id(f->s, "crm-0001", &g,
						      &err), LQ_ENOTFOUND);
	lq_lead_free(&g);

	/* Update: stage moves, fields become absent. */
	l.stage = LQ_STAGE_SAL;
	l.account_id = 0;
	l.created_at = 0;
	l.stage_at = 0;
	l.engagement_since = 0;
	l.cycle = 3;
	free(l.owner);
	l.owner = NULL;
	free(l.title);
	l.title = NULL;
	lq_attrs_free(&l.attrs);
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	assert_int_equal(lq_store_lead_get(f->s, l.id, &g, &err), 0);
	assert_int_equal(g.stage, LQ_STAGE_SAL);
	assert_int_equal(g.account_id, 0);
	assert_int_equal(g.created_at, 0);
	assert_int_equal(g.stage_at, 0);
	assert_null(g.owner);
	assert_int_equal(g.cycle, 3);
	assert_int_equal(g.engagement_since, 0);
	assert_null(g.title);
	assert_int_equal(g.attrs.n, 0);
	assert_string_equal(g.country, "BR");
	lq_lead_free(&g);
	assert_int_equal(counts(f->s).leads, 1);

	assert_int_equal(lq_store_lead_get(f->s, 42, &g, &err), LQ_ENOTFOUND);
	assert_int_equal(lq_store_lead_by_email(f->s, "x@y.io", &g, &err),
			 LQ_ENOTFOUND);
	lq_lead_free(&g);
	l.id = 42;
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), LQ_ENOTFOUND);
	lq_lead_free(&l);
}

static void test_lead_absent_fields(void **state)
{
	fixture *f = *state;
	lq_lead l, g;
	lq_error err = {0};

	lq_lead_init(&l);
	l.stage = LQ_STAGE_NONE;
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	assert_int_equal(lq_store_lead_get(f->s, l.id, &g, &err), 0);
	assert_null(g.email);
	assert_null(g.external_id);
	assert_null(g.source);
	assert_int_equal(g.account_id, 0);
	assert_int_equal(g.created_at, 0);
	assert_int_equal(g.stage, LQ_STAGE_NONE);
	assert_int_equal(g.stage_at, 0);
	assert_null(g.owner);
	assert_int_equal(g.cycle, 0);
	assert_int_equal(g.engagement_since, 0);
	lq_lead_free(&g);
	/* Many leads may lack an email or external id. */
	l.id = 0;
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	assert_int_equal(counts(f->s).leads, 2);
	lq_lead_free(&l);
}

static void test_lead_conflicts(void **state)
{
	fixture *f = *state;
	lq_lead l;
	lq_error err = {0};
	int64_t ana = add_lead(f->s, "ana@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t bob;

	lq_lead_init(&l);
	l.email = strdup("ana@acme.io");
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), LQ_ECONFLICT);
	char want[128];
	snprintf(want, sizeof want, "email ana@acme.io already belongs to lead "
		 "%lld", (long long)ana);
	assert_string_equal(err.msg, want);
	assert_string_equal(err.field, "email");
	assert_int_equal(l.id, 0);

	free(l.email);
	l.email = strdup("bob@acme.io");
	l.external_id = strdup("X1");
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	bob = l.id;

	/* Another lead claiming bob's external id. */
	lq_lead other;
	lq_lead_init(&other);
	other.email = strdup("cy@acme.io");
	other.external_id = strdup("X1");
	assert_int_equal(lq_store_lead_put(f->s, &other, &err), LQ_ECONFLICT);
	snprintf(want, sizeof want, "external_id X1 already belongs to lead "
		 "%lld", (long long)bob);
	assert_string_equal(err.msg, want);
	assert_string_equal(err.field, "external_id");
	lq_lead_free(&other);

	/* Updating bob to ana's email clashes too; re-saving bob does not. */
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), 0);
	free(l.email);
	l.email = strdup("ANA@acme.io");
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), LQ_ECONFLICT);
	assert_non_null(strstr(err.msg, "already belongs to lead"));

	/* A lead pointing at a missing account. */
	free(l.email);
	l.email = strdup("bob@acme.io");
	l.account_id = 77;
	assert_int_equal(lq_store_lead_put(f->s, &l, &err), LQ_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no account 77"));
	lq_lead_free(&l);
	assert_int_equal(counts(f->s).leads, 2);
}

/* ---- events ---------------------------------------------------------------- */

static void test_event_round_trip_and_dedup(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_event e, *ev;
	size_t n;
	int dup = -1;
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_LEAD, NULL, 0);

	lq_event_init(&e);
	e.lead_id = lead;
	e.at = T0 + 5000;
	e.type = strdup("page_view");
	e.msg_id = strdup("m-1");
	lq_attrs_set(&e.props, "url", lq_value_str("https://x.io/pricing"));
	lq_attrs_set(&e.props, "seconds", lq_value_num(42));
	assert_int_equal(lq_store_event_add(f->s, &e, &dup, &err), 0);
	assert_int_equal(dup, 0);
	assert_true(e.id > 0);

	/* Same msg_id again: nothing written. */
	lq_event again;
	lq_event_init(&again);
	again.lead_id = lead;
	again.at = T0 + 9999;
	again.type = strdup("form_submit");
	again.msg_id = strdup("m-1");
	assert_int_equal(lq_store_event_add(f->s, &again, &dup, &err), 0);
	assert_int_equal(dup, 1);
	assert_int_equal(again.id, 0);
	lq_event_free(&again);
	assert_int_equal(counts(f->s).events, 1);

	/* Events without msg_id are never duplicates of each other. */
	assert_int_equal(store_event(f->s, lead, T0, "email_open", NULL, NULL), 0);
	assert_int_equal(store_event(f->s, lead, T0, "email_open", NULL, NULL), 0);
	assert_int_equal(counts(f->s).events, 3);

	assert_int_equal(lq_store_lead_events(f->s, lead, &ev, &n, &err), 0);
	assert_int_equal(n, 3);
	/* Oldest first, ties by id. */
	assert_int_equal(ev[0].at, T0);
	assert_int_equal(ev[1].at, T0);
	assert_true(ev[0].id < ev[1].id);
	assert_null(ev[0].msg_id);
	assert_int_equal(ev[0].props.n, 0);
	assert_int_equal(ev[2].id, e.id);
	assert_int_equal(ev[2].lead_id, lead);
	assert_int_equal(ev[2].at, T0 + 5000);
	assert_string_equal(ev[2].type, "page_view");
	assert_string_equal(ev[2].msg_id, "m-1");
	assert_int_equal(ev[2].props.n, 2);
	assert_string_equal(lq_attrs_get(&ev[2].props, "url")->str,
			    "https://x.io/pricing");
	assert_true(lq_attrs_get(&ev[2].props, "seconds")->num == 42);
	lq_events_free(ev, n);

	assert_int_equal(lq_store_lead_events(f->s, 999, &ev, &n, &err), 0);
	assert_int_equal(n, 0);
	lq_events_free(ev, n);

	/* Missing type is refused before the database sees it. */
	free(e.type);
	e.type = NULL;
	free(e.msg_id);
	e.msg_id = NULL;
	assert_int_equal(lq_store_event_add(f->s, &e, &dup, &err), LQ_EINVAL);
	lq_event_free(&e);
}

typedef struct walk {
	int64_t lead[16];
	lq_time at[16];
	int64_t id[16];
	char type[16][16];
	int n, stop_after;
} walk;

static int walk_event(void *ctx, const lq_event *e)
{
	walk *w = ctx;

	if (w->n == 16)
		return -100;
	w->lead[w->n] = e->lead_id;
	w->at[w->n] = e->at;
	w->id[w->n] = e->id;
	snprintf(w->type[w->n], sizeof w->type[0], "%s", e->type);
	w->n++;
	return w->stop_after && w->n == w->stop_after ? 7 : 0;
}

static void test_events_each_order(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	walk w = {0};
	int64_t a = add_lead(f->s, "a@x.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t b = add_lead(f->s, "b@x.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t id_b2, id_b2bis;

	/* Interleaved and out of time order on purpose. */
	store_event(f->s, b, T0 + 200, "b2", "k1", &id_b2);
	store_event(f->s, a, T0 + 300, "a3", "k2", NULL);
	store_event(f->s, b, T0 + 100, "b1", "k3", NULL);
	store_event(f->s, a, T0 + 100, "a1", NULL, NULL);
	store_event(f->s, b, T0 + 200, "b2bis", NULL, &id_b2bis);
	store_event(f->s, a, T0 + 200, "a2", "k4", NULL);

	assert_int_equal(lq_store_events_each(f->s, walk_event, &w, &err), 0);
	assert_int_equal(w.n, 6);
	const char *want[] = {"a1", "a2", "a3", "b1", "b2", "b2bis"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(w.type[i], want[i]);
	assert_int_equal(w.lead[0], a);
	assert_int_equal(w.lead[5], b);
	assert_int_equal(w.id[4], id_b2);
	assert_int_equal(w.id[5], id_b2bis);
	assert_int_equal(w.at[3], T0 + 100);

	/* The callback's non-zero value stops the walk and is returned. */
	memset(&w, 0, sizeof w);
	w.stop_after = 2;
	assert_int_equal(lq_store_events_each(f->s, walk_event, &w, &err), 7);
	assert_int_equal(w.n, 2);
	/* ...and the walk can start over afterwards. */
	memset(&w, 0, sizeof w);
	assert_int_equal(lq_store_events_each(f->s, walk_event, &w, &err), 0);
	assert_int_equal(w.n, 6);
}

/* ---- scores, stages, models ------------------------------------------------ */

static void test_score_round_trip(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_score_row r = {0}, g;
	unsigned char blob[5] = {0, 1, 2, 0, 255};
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_LEAD, NULL, 0);

	assert_int_equal(lq_store_score_get(f->s, lead, &g, &err),
			 LQ_ENOTFOUND);
	r.lead_id = lead;
	r.model_version = 3;
	r.fit = 45.5;
	r.channel = 10;
	r.grade = 'B';
	r.engagement = NAN;
	r.score = 55.5;
	r.scored_at = T0 + 1;
	r.state = blob;
	r.state_len = sizeof blob;
	assert_int_equal(lq_store_score_put(f->s, &r, &err), 0);
	assert_int_equal(lq_store_score_get(f->s, lead, &g, &err), 0);
	assert_int_equal(g.lead_id, lead);
	assert_int_equal(g.model_version, 3);
	assert_true(g.fit == 45.5);
	assert_true(g.channel == 10);
	assert_int_equal(g.grade, 'B');
	assert_true(isnan(g.engagement));
	assert_true(g.score == 55.5);
	assert_int_equal(g.scored_at, T0 + 1);
	assert_null(g.disqualified_by);
	assert_int_equal(g.state_len, sizeof blob);
	assert_memory_equal(g.state, blob, sizeof blob);
	lq_score_row_free(&g);

	/* Rescore replaces the row. */
	r.grade = 'F';
	r.disqualified_by = "competitor";
	r.state = NULL;
	r.state_len = 0;
	r.engagement = 0;
	assert_int_equal(lq_store_score_put(f->s, &r, &err), 0);
	assert_int_equal(lq_store_score_get(f->s, lead, &g, &err), 0);
	assert_int_equal(g.grade, 'F');
	assert_string_equal(g.disqualified_by, "competitor");
	assert_null(g.state);
	assert_int_equal(g.state_len, 0);
	assert_true(g.engagement == 0);
	lq_score_row_free(&g);
	assert_int_equal(counts(f->s).scores, 1);

	r.grade = 'x';
	assert_int_equal(lq_store_score_put(f->s, &r, &err), LQ_EINVAL);
}

static void test_stage_history(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_stage_change c = {0}, *h;
	size_t n;
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_LEAD, NULL, 0);

	c.lead_id = lead;
	c.from = LQ_STAGE_MQL;
	c.to = LQ_STAGE_SAL;
	c.at = T0 + 2000;
	c.actor = "rep.joana";
	c.reason = "call booked";
	assert_int_equal(lq_store_stage_add(f->s, &c, &err), 0);
	int64_t second = c.id;
	c.from = LQ_STAGE_NONE;
	c.to = LQ_STAGE_LEAD;
	c.at = T0;
	c.actor = "import";
	c.reason = NULL;
	assert_int_equal(lq_store_stage_add(f->s, &c, &err), 0);
	c.from = LQ_STAGE_LEAD;
	c.to = LQ_STAGE_MQL;
	c.at = T0 + 1000;
	c.actor = "model";
	assert_int_equal(lq_store_stage_add(f->s, &c, &err), 0);

	assert_int_equal(lq_store_stage_history(f->s, lead, &h, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].from, LQ_STAGE_NONE);
	assert_int_equal(h[0].to, LQ_STAGE_LEAD);
	assert_string_equal(h[0].actor, "import");
	assert_null(h[0].reason);
	assert_int_equal(h[0].at, T0);
	assert_int_equal(h[1].to, LQ_STAGE_MQL);
	assert_int_equal(h[2].id, second);
	assert_int_equal(h[2].lead_id, lead);
	assert_int_equal(h[2].from, LQ_STAGE_MQL);
	assert_int_equal(h[2].to, LQ_STAGE_SAL);
	assert_int_equal(h[2].at, T0 + 2000);
	assert_string_equal(h[2].actor, "rep.joana");
	assert_string_equal(h[2].reason, "call booked");
	lq_stage_changes_free(h, n);
	assert_int_equal(counts(f->s).stage_changes, 3);

	assert_int_equal(lq_store_stage_history(f->s, 999, &h, &n, &err), 0);
	assert_int_equal(n, 0);
	lq_stage_changes_free(h, n);
	c.to = LQ_STAGE_NONE;
	assert_int_equal(lq_store_stage_add(f->s, &c, &err), LQ_EINVAL);
}

static void test_models(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_model_row m;
	int64_t v1 = 0, v2 = 0;

	assert_int_equal(lq_store_model_current(f->s, &m, &err), LQ_ENOTFOUND);
	assert_int_equal(lq_store_model_add(f->s, "ICP 2025", "version: 1\n",
					    T0, &v1, &err), 0);
	assert_int_equal(lq_store_model_add(f->s, "ICP 2026", "version: 1\n"
					    "name: ICP 2026\n", T0 + 60000,
					    &v2, &err), 0);
	assert_int_equal(v1, 1);
	assert_int_equal(v2, 2);
	assert_int_equal(lq_store_model_current(f->s, &m, &err), 0);
	assert_int_equal(m.version, 2);
	assert_string_equal(m.name, "ICP 2026");
	assert_string_equal(m.text, "version: 1\nname: ICP 2026\n");
	assert_int_equal(m.applied_at, T0 + 60000);
	lq_model_row_free(&m);
	assert_int_equal(counts(f->s).models, 2);
}

/* ---- listing ----------------------------------------------------------------- */

typedef struct listing {
	int64_t ids[16];
	char grade[16];          /* 0 when unscored */
	char domain[16][16];     /* "" when no account */
	char owner[16][16];      /* "" when none */
	int cycle[16];
	lq_time stage_at[16];
	int n, stop_after;
} listing;

static int list_lead(void *ctx, const lq_lead *l, const lq_account *a,
		     const lq_score_row *s)
{
	listing *li = ctx;

	if (li->n == 16)
		return -100;
	li->ids[li->n] = l->id;
	li->grade[li->n] = s ? s->grade : 0;
	snprintf(li->domain[li->n], sizeof li->domain[0], "%s",
		 a && a->domain ? a->domain : "");
	snprintf(li->owner[li->n], sizeof li->owner[0], "%s",
		 l->owner ? l->owner : "");
	li->cycle[li->n] = l->cycle;
	li->stage_at[li->n] = l->stage_at;
	li->n++;
	return li->stop_after && li->n == li->stop_after ? 9 : 0;
}

static void test_leads_each_filters(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t acc = add_account(f->s, "acme.io");
	int64_t l1 = add_lead(f->s, "1@x.io", LQ_STAGE_MQL, "referral", acc);
	int64_t l2 = add_lead(f->s, "2@x.io", LQ_STAGE_LEAD, "referral", 0);
	int64_t l3 = add_lead(f->s, "3@x.io", LQ_STAGE_MQL, "paid_search", 0);
	int64_t l4 = add_lead(f->s, "4@x.io", LQ_STAGE_MQL, "referral", acc);
	lq_lead_filter all = {.stage = LQ_STAGE_NONE};
	listing li = {0};

	put_score(f->s, l1, 'A');
	put_score(f->s, l3, 'A');
	put_score(f->s, l4, 'C');

	assert_int_equal(lq_store_leads_each(f->s, &all, list_lead, &li, &err),
			 0);
	assert_int_equal(li.n, 4);
	assert_int_equal(li.ids[0], l1);
	assert_int_equal(li.ids[3], l4);
	assert_string_equal(li.domain[0], "acme.io");
	assert_string_equal(li.domain[1], "");
	assert_int_equal(li.grade[0], 'A');
	assert_int_equal(li.grade[1], 0);
	assert_int_equal(li.grade[3], 'C');

	memset(&li, 0, sizeof li);
	lq_lead_filter mql = {.stage = LQ_STAGE_MQL};
	assert_int_equal(lq_store_leads_each(f->s, &mql, list_lead, &li, &err),
			 0);
	assert_int_equal(li.n, 3);
	assert_int_equal(li.ids[1], l3);

	memset(&li, 0, sizeof li);
	lq_lead_filter mql_a_ref = {.stage = LQ_STAGE_MQL, .grade = 'A',
				     .source = "referral"};
	assert_int_equal(lq_store_leads_each(f->s, &mql_a_ref, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 1);
	assert_int_equal(li.ids[0], l1);

	memset(&li, 0, sizeof li);
	lq_lead_filter grade_a = {.stage = LQ_STAGE_NONE, .grade = 'A'};
	assert_int_equal(lq_store_leads_each(f->s, &grade_a, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 2);
	assert_int_equal(li.ids[1], l3);

	memset(&li, 0, sizeof li);
	lq_lead_filter referral = {.stage = LQ_STAGE_NONE,
				    .source = "referral"};
	assert_int_equal(lq_store_leads_each(f->s, &referral, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 3);
	assert_int_equal(li.ids[1], l2);

	memset(&li, 0, sizeof li);
	lq_lead_filter won = {.stage = LQ_STAGE_WON};
	assert_int_equal(lq_store_leads_each(f->s, &won, list_lead, &li, &err),
			 0);
	assert_int_equal(li.n, 0);

	/* NULL filter lists all; a stop value comes back. */
	memset(&li, 0, sizeof li);
	li.stop_after = 1;
	assert_int_equal(lq_store_leads_each(f->s, NULL, list_lead, &li, &err),
			 9);
	assert_int_equal(li.n, 1);
}

static int64_t add_owned_lead(lq_store *s, const char *email,
			      const char *owner, int64_t account_id,
			      lq_stage stage, int cycle)
{
	lq_lead l;
	lq_error err = {0};

	lq_lead_init(&l);
	l.email = strdup(email);
	l.owner = owner ? strdup(owner) : NULL;
	l.account_id = account_id;
	l.stage = stage;
	l.stage_at = T0 + cycle;
	l.cycle = cycle;
	assert_int_equal(lq_store_lead_put(s, &l, &err), 0);
	int64_t id = l.id;
	lq_lead_free(&l);
	return id;
}

static void test_leads_each_owner_account(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t acc1 = add_account(f->s, "one.io");
	int64_t acc2 = add_account(f->s, "two.io");
	int64_t l1 = add_owned_lead(f->s, "1@x.io", "ana", acc1, LQ_STAGE_LEAD,
				    1);
	int64_t l2 = add_owned_lead(f->s, "2@x.io", "bob", acc1, LQ_STAGE_LEAD,
				    2);
	int64_t l3 = add_owned_lead(f->s, "3@x.io", "ana", acc2, LQ_STAGE_LEAD,
				    3);
	add_owned_lead(f->s, "4@x.io", NULL, 0, LQ_STAGE_LEAD, 4);
	int64_t l5 = add_owned_lead(f->s, "5@x.io", "ana", 0, LQ_STAGE_MQL, 5);
	listing li = {0};

	lq_lead_filter ana = {.stage = LQ_STAGE_NONE, .owner = "ana"};
	assert_int_equal(lq_store_leads_each(f->s, &ana, list_lead, &li, &err),
			 0);
	assert_int_equal(li.n, 3);
	assert_int_equal(li.ids[0], l1);
	assert_int_equal(li.ids[1], l3);
	assert_int_equal(li.ids[2], l5);
	for (int i = 0; i < 3; i++)
		assert_string_equal(li.owner[i], "ana");
	/* The borrowed lead carries the lifecycle fields. */
	assert_int_equal(li.cycle[1], 3);
	assert_int_equal(li.stage_at[1], T0 + 3);
	assert_string_equal(li.domain[1], "two.io");

	memset(&li, 0, sizeof li);
	lq_lead_filter one = {.stage = LQ_STAGE_NONE, .account_id = acc1};
	assert_int_equal(lq_store_leads_each(f->s, &one, list_lead, &li, &err),
			 0);
	assert_int_equal(li.n, 2);
	assert_int_equal(li.ids[0], l1);
	assert_int_equal(li.ids[1], l2);
	assert_string_equal(li.owner[1], "bob");

	memset(&li, 0, sizeof li);
	lq_lead_filter ana_two = {.stage = LQ_STAGE_NONE, .owner = "ana",
				  .account_id = acc2};
	assert_int_equal(lq_store_leads_each(f->s, &ana_two, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 1);
	assert_int_equal(li.ids[0], l3);

	memset(&li, 0, sizeof li);
	lq_lead_filter ana_mql = {.stage = LQ_STAGE_MQL, .owner = "ana"};
	assert_int_equal(lq_store_leads_each(f->s, &ana_mql, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 1);
	assert_int_equal(li.ids[0], l5);

	memset(&li, 0, sizeof li);
	lq_lead_filter bob_two = {.stage = LQ_STAGE_NONE, .owner = "bob",
				  .account_id = acc2};
	assert_int_equal(lq_store_leads_each(f->s, &bob_two, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 0);

	memset(&li, 0, sizeof li);
	lq_lead_filter nobody = {.stage = LQ_STAGE_NONE, .owner = "nobody"};
	assert_int_equal(lq_store_leads_each(f->s, &nobody, list_lead, &li,
					     &err), 0);
	assert_int_equal(li.n, 0);

	/* No filter: all five, the unowned one included. */
	memset(&li, 0, sizeof li);
	assert_int_equal(lq_store_leads_each(f->s, NULL, list_lead, &li, &err),
			 0);
	assert_int_equal(li.n, 5);
	assert_string_equal(li.owner[3], "");

	lq_lead_filter bad = {.stage = LQ_STAGE_NONE, .account_id = -1};
	assert_int_equal(lq_store_leads_each(f->s, &bad, list_lead, &li, &err),
			 LQ_EINVAL);
}

/* The "rescore everything" pattern: write scores from inside the listing,
 * read leads from inside the event walk; nesting one walk in itself is
 * refused. */
typedef struct nested {
	lq_store *s;
	int calls, inner_rc;
} nested;

static int rescore_lead(void *ctx, const lq_lead *l, const lq_account *a,
			const lq_score_row *sc)
{
	nested *n = ctx;

	n->calls++;
	put_score(n->s, l->id, sc && sc->grade == 'A' ? 'B' : 'A');
	return 0;
}

static int walk_inner(void *ctx, const lq_event *e)
{
	return 0;
}

static int lookup_lead(void *ctx, const lq_event *e)
{
	nested *n = ctx;
	lq_lead l;
	lq_error err = {0};

	n->calls++;
	assert_int_equal(lq_store_lead_get(n->s, e->lead_id, &l, &err), 0);
	assert_int_equal(l.id, e->lead_id);
	lq_lead_free(&l);
	n->inner_rc = lq_store_events_each(n->s, walk_inner, NULL, &err);
	return 0;
}

static void test_nested_calls(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	nested n = {f->s, 0, 0};
	lq_score_row sc;

	for (int i = 0; i < 5; i++) {
		char email[32];
		snprintf(email, sizeof email, "l%d@x.io", i);
		int64_t id = add_lead(f->s, email, LQ_STAGE_LEAD, NULL, 0);
		store_event(f->s, id, T0 + i, "page_view", NULL, NULL);
		if (i % 2)
			put_score(f->s, id, 'A');
	}
	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(lq_store_leads_each(f->s, NULL, rescore_lead, &n,
					     &err), 0);
	assert_int_equal(lq_store_commit(f->s, &err), 0);
	assert_int_equal(n.calls, 5);
	assert_int_equal(counts(f->s).scores, 5);
	assert_int_equal(lq_store_score_get(f->s, 2, &sc, &err), 0);
	assert_int_equal(sc.grade, 'B');
	lq_score_row_free(&sc);
	assert_int_equal(lq_store_score_get(f->s, 3, &sc, &err), 0);
	assert_int_equal(sc.grade, 'A');
	lq_score_row_free(&sc);

	n.calls = 0;
	assert_int_equal(lq_store_events_each(f->s, lookup_lead, &n, &err), 0);
	assert_int_equal(n.calls, 5);
	assert_int_equal(n.inner_rc, LQ_EINTERNAL);
}

/* ---- transactions ------------------------------------------------------------ */

static void test_rollback_discards(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_store_counts before, after;
	lq_lead g;

	lq_store_rollback(f->s);   /* outside a transaction: no-op */
	int64_t kept = add_lead(f->s, "kept@x.io", LQ_STAGE_LEAD, NULL, 0);
	before = counts(f->s);

	assert_int_equal(lq_store_begin(f->s, &err), 0);
	int64_t acc = add_account(f->s, "gone.io");
	int64_t gone = add_lead(f->s, "gone@x.io", LQ_STAGE_LEAD, NULL, acc);
	store_event(f->s, gone, T0, "page_view", "r-1", NULL);
	put_score(f->s, gone, 'A');
	assert_int_equal(lq_store_model_add(f->s, "m", "x", T0, NULL, &err), 0);
	lq_note note = {.lead_id = gone, .at = T0, .text = "x"};
	lq_task task = {.lead_id = gone, .due = T0};
	lq_webhook w = {.url = "http://h/a"};
	lq_outbox_row r = {.delivery_id = "r-1", .url = "http://h/a",
			   .event = "mql", .payload = "{}"};
	int first = 0;
	int64_t v = -1;
	assert_int_equal(lq_store_note_add(f->s, &note, &err), 0);
	assert_int_equal(lq_store_task_add(f->s, &task, &err), 0);
	assert_int_equal(lq_store_webhook_add(f->s, &w, &err), 0);
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);
	assert_int_equal(lq_store_alert_once(f->s, kept, "k", 1, &first, &err),
			 0);
	assert_int_equal(lq_store_counter_next(f->s, "c", &v, &err), 0);
	assert_int_equal(counts(f->s).leads, before.leads + 1);
	assert_int_equal(counts(f->s).outbox, before.outbox + 1);
	lq_store_rollback(f->s);
	lq_store_rollback(f->s);   /* twice is fine */

	after = counts(f->s);
	assert_memory_equal(&after, &before, sizeof before);
	assert_int_equal(lq_store_lead_get(f->s, gone, &g, &err), LQ_ENOTFOUND);
	lq_lead_free(&g);
	assert_int_equal(lq_store_lead_get(f->s, kept, &g, &err), 0);
	lq_lead_free(&g);
	/* The rolled back msg_id is free again, and so are the alert, the
	 * counter's value and the delivery id. */
	assert_int_equal(store_event(f->s, kept, T0, "page_view", "r-1", NULL), 0);
	assert_int_equal(lq_store_alert_once(f->s, kept, "k", 1, &first, &err),
			 0);
	assert_int_equal(first, 1);
	assert_int_equal(lq_store_counter_next(f->s, "c", &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);

	/* Committed work survives a reopen. */
	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(lq_store_begin(f->s, &err), LQ_EIO);   /* nested */
	add_lead(f->s, "committed@x.io", LQ_STAGE_LEAD, NULL, 0);
	assert_int_equal(lq_store_commit(f->s, &err), 0);
	assert_int_equal(lq_store_commit(f->s, &err), LQ_EIO);  /* none open */
	reopen(f);
	assert_int_equal(counts(f->s).leads, before.leads + 1);
	assert_int_equal(counts(f->s).events, before.events + 1);
	assert_int_equal(lq_store_lead_by_email(f->s, "committed@x.io", &g,
						&err), 0);
	lq_lead_free(&g);
}

static void test_counts(void **state)
{
	fixture *f = *state;
	lq_stage_change c = {0};
	lq_error err = {0};
	lq_store_counts n = counts(f->s);

	assert_int_equal(n.accounts + n.leads + n.events + n.stage_changes +
			 n.models + n.scores + n.notes + n.tasks + n.webhooks +
			 n.outbox, 0);
	int64_t acc = add_account(f->s, "a.io");
	add_account(f->s, "b.io");
	int64_t l = add_lead(f->s, "x@a.io", LQ_STAGE_LEAD, NULL, acc);
	store_event(f->s, l, T0, "t", NULL, NULL);
	store_event(f->s, l, T0, "t", "d", NULL);
	store_event(f->s, l, T0, "t", "d", NULL);
	put_score(f->s, l, 'D');
	c.lead_id = l;
	c.from = LQ_STAGE_NONE;
	c.to = LQ_STAGE_LEAD;
	assert_int_equal(lq_store_stage_add(f->s, &c, &err), 0);
	n = counts(f->s);
	assert_int_equal(n.accounts, 2);
	assert_int_equal(n.leads, 1);
	assert_int_equal(n.events, 2);
	assert_int_equal(n.scores, 1);
	assert_int_equal(n.stage_changes, 1);
	assert_int_equal(n.models, 0);
	assert_int_equal(n.notes + n.tasks + n.webhooks + n.outbox, 0);

	/* The lifecycle and alerting tables; answers, alerts and counters
	 * are not counted. */
	lq_note note = {.lead_id = l, .at = T0, .text = "hi"};
	lq_task task = {.lead_id = l, .due = T0};
	lq_webhook w = {.url = "http://h/a"};
	lq_outbox_row r = {.delivery_id = "d-1", .url = "http://h/a",
			   .event = "mql", .payload = "{}"};
	lq_answer a = {.item = "need", .value = "yes"};
	int64_t v;
	for (int i = 0; i < 3; i++)
		assert_int_equal(lq_store_note_add(f->s, &note, &err), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(lq_store_task_add(f->s, &task, &err), 0);
	assert_int_equal(lq_store_webhook_add(f->s, &w, &err), 0);
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);
	r.delivery_id = "d-2";
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);
	r.delivery_id = "d-3";
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);
	assert_int_equal(lq_store_answer_set(f->s, l, 1, &a, &err), 0);
	assert_int_equal(lq_store_alert_once(f->s, l, "mql", 1, NULL, &err), 0);
	assert_int_equal(lq_store_counter_next(f->s, "c", &v, &err), 0);
	n = counts(f->s);
	assert_int_equal(n.notes, 3);
	assert_int_equal(n.tasks, 2);
	assert_int_equal(n.webhooks, 1);
	assert_int_equal(n.outbox, 3);
	assert_int_equal(n.leads, 1);
	assert_int_equal(n.events, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_open_missing),
		T(test_open_bad_path),
		T(test_not_a_database),
		T(test_migrations_idempotent),
		T(test_upgrade_from_v1),
		T(test_events_each_uses_index),
		T(test_account_round_trip),
		T(test_account_conflict),
		T(test_nonfinite_attr_refused),
		T(test_lead_round_trip),
		T(test_lead_absent_fields),
		T(test_lead_conflicts),
		T(test_event_round_trip_and_dedup),
		T(test_events_each_order),
		T(test_score_round_trip),
		T(test_stage_history),
		T(test_models),
		T(test_leads_each_filters),
		T(test_leads_each_owner_account),
		T(test_nested_calls),
		T(test_rollback_discards),
		T(test_counts),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
