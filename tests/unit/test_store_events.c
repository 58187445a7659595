/*
 * test_store_events.c - the events table of migrations 6 and 7: batches
 * stored with ids in arrival order and read back in (lead_id, at, id)
 * order, de-duplication per lead by msg_hash confirmed on the text (a
 * collision never loses an event; the same id for two leads is two
 * events), the two halves of a batch write (duplicates, insert), the id
 * counter across rollbacks and connections, a database from before
 * migration 6 keeping every event and its id, and a first import's
 * lookups through the fresh filter (found all it stored, forgotten when
 * its transaction ends).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "test_store_fixture.h"

static void ev_set(lq_event *e, int64_t lead, lq_time at, const char *type,
		   const char *msg_id)
{
	lq_event_init(e);
	e->lead_id = lead;
	e->at = at;
	e->type = strdup(type);
	e->msg_id = msg_id ? strdup(msg_id) : NULL;
}

static void evs_free(lq_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lq_event_free(&ev[i]);
}

/* Add one page view; returns the duplicate flag, *id its id. */
static int add_one(lq_store *s, int64_t lead, lq_time at, const char *msg_id,
		   int64_t *id)
{
	return store_event(s, lead, at, "page_view", msg_id, id);
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql failed: %s", msg ? msg : "?");
	sqlite3_close(db);
}

static void test_batch_ids_dups_and_order(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t b = add_lead(f->s, "b@acme.io", LQ_STAGE_LEAD, NULL, 0);
	lq_event ev[6], *got = NULL;
	unsigned char dup[6];
	size_t n = 0;

	ev_set(&ev[0], b, T0 + 30, "page_view", "m-1");
	ev_set(&ev[1], a, T0 + 20, "page_view", "m-2");
	ev_set(&ev[2], b, T0 + 10, "page_view", NULL);
	ev_set(&ev[3], b, T0 + 20, "page_view", "m-1");   /* repeats ev[0] */
	ev_set(&ev[4], a, T0 + 5, "email_open", "m-3");
	ev_set(&ev[5], a, T0 + 25, "page_view", "m-1");   /* another lead's */
	lq_attrs_set(&ev[4].props, "url", lq_value_str("/pricing"));
	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(lq_store_events_add(f->s, ev, 6, dup, &err), 0);
	assert_int_equal(lq_store_commit(f->s, &err), 0);
	assert_int_equal(dup[0] + dup[1] + dup[2] + dup[4] + dup[5], 0);
	assert_int_equal(dup[3], 1);
	/* ids in arrival order, increasing */
	assert_true(ev[0].id > 0);
	assert_true(ev[1].id > ev[0].id);
	assert_true(ev[2].id > ev[1].id);
	assert_true(ev[4].id > ev[2].id);
	assert_true(ev[5].id > ev[4].id);

	/* a lead's events: by time, then id */
	assert_int_equal(lq_store_lead_events(f->s, a, &got, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(got[0].type, "email_open");
	assert_int_equal(got[0].id, ev[4].id);
	assert_string_equal(lq_attrs_get(&got[0].props, "url")->str, "/pricing");
	assert_int_equal(got[1].id, ev[1].id);
	assert_string_equal(got[1].msg_id, "m-2");
	assert_int_equal(got[2].id, ev[5].id);
	assert_string_equal(got[2].msg_id, "m-1");
	lq_events_free(got, n);
	assert_int_equal(counts(f->s).events, 5);

	/* a later batch and a single add see the stored ids, lead by lead */
	assert_int_equal(add_one(f->s, a, T0, "m-3", NULL), 1);
	assert_int_equal(add_one(f->s, b, T0, "m-1", NULL), 1);
	assert_int_equal(add_one(f->s, a, T0, "m-4", NULL), 0);
	assert_int_equal(add_one(f->s, b, T0, "m-3", NULL), 0);
	assert_int_equal(counts(f->s).events, 7);
	evs_free(ev, 6);
}

/* lq_store_events_dups writes nothing and finds what events_add would;
 * lq_store_events_insert stores every event given, ids in array order. */
static void test_dups_then_insert(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t b = add_lead(f->s, "b@acme.io", LQ_STAGE_LEAD, NULL, 0);
	lq_event ev[4], *got = NULL;
	unsigned char dup[4];
	size_t n = 0;

	assert_int_equal(add_one(f->s, a, T0, "m-1", NULL), 0);
	ev_set(&ev[0], a, T0 + 9, "page_view", "m-1");   /* stored for a */
	ev_set(&ev[1], b, T0 + 9, "page_view", "m-1");   /* not for b */
	ev_set(&ev[2], b, T0 + 1, "page_view", "m-1");   /* ev[1] again */
	ev_set(&ev[3], a, T0 + 2, "page_view", "m-2");
	assert_int_equal(lq_store_events_dups(f->s, ev, 4, dup, &err), 0);
	assert_int_equal(dup[0], 1);
	assert_int_equal(dup[1], 0);
	assert_int_equal(dup[2], 1);
	assert_int_equal(dup[3], 0);
	assert_int_equal(counts(f->s).events, 1);
	assert_int_equal(ev[1].id, 0);

	/* the caller keeps what is new; the insert takes it as given */
	assert_int_equal(lq_store_events_insert(f->s, &ev[1], 1, &err), 0);
	assert_int_equal(lq_store_events_insert(f->s, &ev[3], 1, &err), 0);
	assert_true(ev[1].id > 0 && ev[3].id > ev[1].id);
	assert_int_equal(counts(f->s).events, 3);
	assert_int_equal(lq_store_lead_events(f->s, b, &got, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, ev[1].id);
	lq_events_free(got, n);
	/* an event the store refuses refuses the insert */
	free(ev[2].type);
	ev[2].type = NULL;
	assert_int_equal(lq_store_events_insert(f->s, &ev[2], 1, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "event has no type");
	assert_int_equal(counts(f->s).events, 3);
	evs_free(ev, 4);
}

/* An event refused by lq_store_event_check refuses the whole batch. */
static void test_batch_refuses_bad_event(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	lq_event ev[2];
	unsigned char dup[2];

	ev_set(&ev[0], a, T0, "page_view", "m-1");
	ev_set(&ev[1], a, T0, "page_view", "m-2");
	lq_attrs_set(&ev[1].props, "seconds", lq_value_num(1.0 / 0.0));
	assert_int_equal(lq_store_event_check(&ev[1], &err), LQ_EINVAL);
	assert_string_equal(err.msg, "attribute seconds is not a finite number");
	lq_error_clear(&err);
	assert_int_equal(lq_store_events_add(f->s, ev, 2, dup, &err), LQ_EINVAL);
	assert_int_equal(counts(f->s).events, 0);
	evs_free(ev, 2);
}

/* Two msg_ids with the same hash: a hash hit is a duplicate only when the
 * text matches. The collision is forged by renaming a stored msg_id. */
static void test_hash_collision_keeps_event(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int dup = -1;
	lq_event e;

	assert_int_equal(add_one(f->s, a, T0, "m-1", NULL), 0);
	lq_store_close(f->s);
	f->s = NULL;
	exec_sql(f->path, "UPDATE events_main SET msg_id = 'forged' "
		 "WHERE msg_id = 'm-1'");
	reopen(f);
	/* same hash as the stored row, other text: stored */
	assert_int_equal(add_one(f->s, a, T0 + 1, "m-1", NULL), 0);
	assert_int_equal(add_one(f->s, a, T0 + 2, "m-1", NULL), 1);
	assert_int_equal(counts(f->s).events, 2);
	/* a visitor not linked to a lead is nobody's lead: its events
	 * count once among visitors' (and once per lead when it joins) */
	ev_set(&e, 0, T0, "page_view", "m-1");
	assert_int_equal(lq_store_anon_event_add(f->s, "anon-1", &e, &dup, &err), 0);
	assert_int_equal(dup, 0);
	lq_event_free(&e);
	ev_set(&e, 0, T0, "page_view", "m-1");
	assert_int_equal(lq_store_anon_event_add(f->s, "anon-2", &e, &dup, &err), 0);
	assert_int_equal(dup, 1);
	lq_event_free(&e);
}

/* Ids are never given twice: not after a rollback (a gap is fine), not
 * by two connections taking turns. */
static void test_ids_across_rollback_and_connections(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t id1, id2, id3, id4;
	lq_store *other = NULL;

	assert_int_equal(add_one(f->s, a, T0, "m-1", &id1), 0);
	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(add_one(f->s, a, T0, "m-2", &id2), 0);
	lq_store_rollback(f->s);
	assert_true(id2 > id1);
	assert_int_equal(add_one(f->s, a, T0, "m-2", &id3), 0);
	assert_true(id3 > id1);

	assert_int_equal(lq_store_open(f->path, 0, &other, &err), 0);
	assert_int_equal(add_one(other, a, T0, "m-3", &id4), 0);
	assert_true(id4 > id3);
	assert_int_equal(add_one(f->s, a, T0, "m-4", &id1), 0);
	assert_true(id1 > id4);
	assert_int_equal(add_one(other, a, T0, "m-4", NULL), 1);
	lq_store_close(other);
	reopen(f);
	assert_int_equal(add_one(f->s, a, T0, "m-5", &id2), 0);
	assert_true(id2 > id1);
}

/* A database from before migration 6 (rowid events, msg_id index) keeps
 * every event with its id; new ids follow the largest. */
static void test_migration_keeps_events(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t b = add_lead(f->s, "b@acme.io", LQ_STAGE_LEAD, NULL, 0);
	lq_event *got = NULL;
	size_t n = 0;
	int64_t id;
	char sql[1024];

	lq_store_close(f->s);
	f->s = NULL;
	snprintf(sql, sizeof sql,
		 "DROP VIEW events;"
		 "DROP TABLE events_recent;"
		 "DROP TABLE events_main;"
		 "DELETE FROM counters WHERE name = 'event_id';"
		 "CREATE TABLE events (id INTEGER PRIMARY KEY,"
		 " lead_id INTEGER NOT NULL, at INTEGER NOT NULL,"
		 " type TEXT NOT NULL, props TEXT, msg_id TEXT);"
		 "CREATE UNIQUE INDEX events_msg_id ON events(msg_id)"
		 " WHERE msg_id IS NOT NULL;"
		 "CREATE INDEX events_lead_at ON events(lead_id, at);"
		 "INSERT INTO events VALUES (3, %lld, %lld, 'page_view',"
		 " '{\"url\":\"/pricing\"}', 'm-3');"
		 "INSERT INTO events VALUES (7, %lld, %lld, 'email_open', NULL,"
		 " NULL);"
		 "INSERT INTO events VALUES (10, %lld, %lld, 'page_view', NULL,"
		 " 'm-10');"
		 "PRAGMA user_version = 5;",
		 (long long)b, T0, (long long)a, T0 + 9, (long long)a, T0 + 1);
	exec_sql(f->path, sql);
	reopen(f);
	assert_int_equal(lq_store_schema_version(f->s), LATEST_SCHEMA);
	assert_int_equal(counts(f->s).events, 3);
	assert_int_equal(lq_store_lead_events(f->s, a, &got, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].id, 10);
	assert_string_equal(got[0].msg_id, "m-10");
	assert_int_equal(got[1].id, 7);
	assert_null(got[1].msg_id);
	lq_events_free(got, n);
	assert_int_equal(lq_store_lead_events(f->s, b, &got, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, 3);
	assert_string_equal(lq_attrs_get(&got[0].props, "url")->str, "/pricing");
	lq_events_free(got, n);
	/* migrated msg_ids still de-duplicate, per lead; ids go on after
	 * 10 */
	assert_int_equal(add_one(f->s, b, T0, "m-3", NULL), 1);
	assert_int_equal(add_one(f->s, a, T0, "m-10", NULL), 1);
	assert_int_equal(add_one(f->s, a, T0, "m-11", &id), 0);
	assert_int_equal(id, 11);
	assert_int_equal(add_one(f->s, a, T0, "m-3", &id), 0);
	assert_int_equal(id, 12);
}

/* n page views of lead, msg ids "<prefix>-<i>", one a millisecond. */
static lq_event *page_views(int64_t lead, const char *prefix, size_t n)
{
	lq_event *ev = calloc(n, sizeof *ev);
	char id[32];
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%s-%zu", prefix, i);
		ev_set(&ev[i], lead, T0 + (lq_time)i, "page_view", id);
	}
	return ev;
}

/* Look up page_views(lead, prefix, n) in one call (dups_of) or store
 * them in one batch (store_n); dups_of returns how many were found. */
static size_t dups_or_store(lq_store *s, int64_t lead, const char *prefix,
			    size_t n, int store)
{
	lq_event *ev = page_views(lead, prefix, n);
	unsigned char *dup = calloc(n, 1);
	lq_error err = {0};
	size_t found = 0;

	assert_int_equal(store ? lq_store_events_add(s, ev, n, dup, &err)
			       : lq_store_events_dups(s, ev, n, dup, &err), 0);
	for (size_t i = 0; i < n; i++)
		found += dup[i];
	evs_free(ev, n);
	free(ev);
	free(dup);
	return found;
}

static size_t dups_of(lq_store *s, int64_t lead, const char *prefix,
		      size_t n)
{
	return dups_or_store(s, lead, prefix, n, 0);
}

static void store_n(lq_store *s, int64_t lead, const char *prefix, size_t n)
{
	assert_int_equal(dups_or_store(s, lead, prefix, n, 1), 0);
}

/* A first import (no event with a msg_id stored yet) looks up only what
 * its own transaction may have stored (the fresh filter): everything it
 * stored is still found, in events_main and in events_recent, and
 * nothing else is. */
static void test_first_import_finds_its_own(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t b = add_lead(f->s, "b@acme.io", LQ_STAGE_LEAD, NULL, 0);

	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(dups_of(f->s, a, "m", 10), 0);
	store_n(f->s, a, "m", 3000);
	lq_store_events_recent(f->s, 1);
	store_n(f->s, b, "r", 3000);
	lq_store_events_recent(f->s, 0);
	assert_int_equal(dups_of(f->s, a, "m", 4000), 3000);
	assert_int_equal(dups_of(f->s, b, "r", 4000), 3000);
	/* the same ids for the other lead are other messages */
	assert_int_equal(dups_of(f->s, b, "m", 3000), 0);
	assert_int_equal(dups_of(f->s, a, "r", 3000), 0);
	assert_int_equal(lq_store_commit(f->s, &err), 0);
	assert_int_equal(counts(f->s).events, 6000);
	assert_int_equal(dups_of(f->s, a, "m", 4000), 3000);
}

/* The filter is the transaction's: after its commit, or its rollback, a
 * later transaction sees what another connection stored meanwhile. */
static void filter_ends_with_transaction(fixture *f, int commit)
{
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, 0);
	lq_store *other = NULL;

	assert_int_equal(lq_store_begin(f->s, &err), 0);
	store_n(f->s, a, "m", 5);
	assert_int_equal(dups_of(f->s, a, "m", 5), 5);
	if (commit)
		assert_int_equal(lq_store_commit(f->s, &err), 0);
	else
		lq_store_rollback(f->s);

	assert_int_equal(lq_store_open(f->path, 0, &other, &err), 0);
	assert_int_equal(add_one(other, a, T0, "late-0", NULL), 0);
	lq_store_close(other);

	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(dups_of(f->s, a, "late", 1), 1);
	assert_int_equal(dups_of(f->s, a, "m", 5), commit ? 5 : 0);
	lq_store_rollback(f->s);
}

static void test_filter_ends_with_commit(void **state)
{
	filter_ends_with_transaction(*state, 1);
}

static void test_filter_ends_with_rollback(void **state)
{
	filter_ends_with_transaction(*state, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_ids_dups_and_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dups_then_insert,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_refuses_bad_event,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_collision_keeps_event,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_across_rollback_and_connections,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_keeps_events,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_import_finds_its_own,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_ends_with_commit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_ends_with_rollback,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
