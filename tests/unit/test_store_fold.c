/*
 * test_store_fold.c - recent events and their fold (migration 8): events
 * a connection appends (lq_store_events_recent) are read, counted,
 * de-duplicated and erased as if they were in the clustered table, on
 * every connection and through the view events; the fold moves them
 * there a slice at a time, and after every slice each reader still sees
 * every event exactly once, in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/buf.h"
#include "store/store_sqlite.h"
#include "test_store_fixture.h"

#define NLEADS 300

static int64_t sql_int(const fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* n events over leads[0..nleads), message ids "<tag>-<i>", times
 * decreasing with i (arrival order is not time order). */
static void add_events(lq_store *s, const int64_t *leads, size_t nleads,
		       const char *tag, size_t n)
{
	lq_event *ev = calloc(n, sizeof *ev);
	unsigned char *dup = calloc(n, 1);
	lq_error err = {0};
	char id[64];
	for (size_t i = 0; i < n; i++) {
		lq_event_init(&ev[i]);
		ev[i].lead_id = leads[(i * 7919) % nleads];
		ev[i].at = T0 + (lq_time)(n - i) * 10 % 100000;
		ev[i].type = strdup(i % 3 ? "page_view" : "email_click");
		snprintf(id, sizeof id, "%s-%zu", tag, i);
		ev[i].msg_id = strdup(id);
	}
	assert_int_equal(lq_store_events_add(s, ev, n, dup, &err), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(dup[i], 0);
		lq_event_free(&ev[i]);
	}
	free(ev);
	free(dup);
}

/* Every event as the store walks them: "lead at id type" lines. */
typedef struct walk {
	lq_buf text;
	int64_t lead, at, id;
	int ordered;
} walk;

static int see(void *ctx, const lq_event *e)
{
	walk *w = ctx;
	char line[96];
	if (e->lead_id < w->lead ||
	    (e->lead_id == w->lead && (e->at < w->at ||
				       (e->at == w->at && e->id <= w->id))))
		w->ordered = 0;
	w->lead = e->lead_id, w->at = e->at, w->id = e->id;
	snprintf(line, sizeof line, "%lld %lld %lld %s\n",
		 (long long)e->lead_id, (long long)e->at, (long long)e->id,
		 e->type);
	lq_buf_adds(&w->text, line);
	return 0;
}

static char *walk_all(lq_store *s)
{
	lq_error err = {0};
	walk w = {.text = LQ_BUF_INIT, .ordered = 1};
	assert_int_equal(lq_store_events_range(s, 0, INT64_MAX, NULL, see, &w,
					       &err), 0);
	assert_true(w.ordered);
	char *out = strdup(lq_buf_str(&w.text));
	lq_buf_free(&w.text);
	return out;
}

/* The same walk lead by lead through lq_store_lead_events. */
static char *walk_by_lead(lq_store *s, const int64_t *leads, size_t n)
{
	lq_error err = {0};
	walk w = {.text = LQ_BUF_INIT, .ordered = 1};
	for (size_t i = 0; i < n; i++) {
		lq_event *ev = NULL;
		size_t m = 0;
		assert_int_equal(lq_store_lead_events(s, leads[i], &ev, &m,
						      &err), 0);
		for (size_t k = 0; k < m; k++)
			see(&w, &ev[k]);
		lq_events_free(ev, m);
	}
	assert_true(w.ordered);
	char *out = strdup(lq_buf_str(&w.text));
	lq_buf_free(&w.text);
	return out;
}

static void make_leads(lq_store *s, int64_t *leads, size_t n)
{
	char email[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(email, sizeof email, "p%zu@fold.example", i);
		leads[i] = add_lead(s, email, LQ_STAGE_LEAD, NULL, 0);
	}
}

static int dup_of(lq_store *s, int64_t lead, const char *msg_id)
{
	return store_event(s, lead, T0, "page_view", msg_id, NULL);
}

static void test_recent_events_read_as_stored(void **state)
{
	fixture *f = *state;
	int64_t leads[NLEADS];
	make_leads(f->s, leads, NLEADS);
	add_events(f->s, leads, NLEADS, "main", 500);
	char *before = walk_all(f->s);

	lq_store_events_recent(f->s, 1);
	add_events(f->s, leads, NLEADS, "live", 700);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events_main"), 500);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events_recent"), 700);
	assert_int_equal(counts(f->s).events, 1200);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events"), 1200);

	/* one order, whichever table and reader */
	char *all = walk_all(f->s);
	char *by_lead = walk_by_lead(f->s, leads, NLEADS);
	assert_string_equal(all, by_lead);
	assert_true(strlen(all) > strlen(before));

	/* a message counts once per lead across both tables, both ways */
	assert_int_equal(dup_of(f->s, leads[0], "main-0"), 1);
	assert_int_equal(dup_of(f->s, leads[(1 * 7919) % NLEADS], "live-1"), 1);
	lq_store_events_recent(f->s, 0);
	assert_int_equal(dup_of(f->s, leads[(2 * 7919) % NLEADS], "live-2"), 1);
	assert_int_equal(dup_of(f->s, leads[0], "live-1"), 0);  /* other lead */

	/* another connection sees the same */
	reopen(f);
	char *again = walk_all(f->s);
	assert_int_equal(counts(f->s).events, 1201);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events_main"), 501);
	free(before);
	free(all);
	free(by_lead);
	free(again);
}

static void test_fold_moves_everything_once(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t leads[NLEADS];
	lq_store_gauges g;
	int more = 1, steps = 0;
	int64_t moved = 0, total_moved = 0;
	make_leads(f->s, leads, NLEADS);
	add_events(f->s, leads, NLEADS, "main", 1000);
	lq_store_events_recent(f->s, 1);
	add_events(f->s, leads, NLEADS, "live", 40000);   /* 3 slices */
	char *want = walk_all(f->s);
	char *want_by_lead = walk_by_lead(f->s, leads, NLEADS);
	assert_string_equal(want, want_by_lead);

	/* below its threshold nothing starts, at the cost of a read */
	assert_int_equal(lq_store_events_fold_step(f->s, 40001, &moved, &more,
						   &err), 0);
	assert_int_equal(more, 0);
	assert_int_equal(moved, 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events_recent"), 40000);
	assert_int_equal(lq_store_gauges_get(f->s, &g, &err), 0);
	assert_int_equal(g.events_recent, 40000);
	assert_int_equal(g.events_folding, 0);

	/* every slice leaves each event readable exactly once, in order */
	do {
		assert_int_equal(lq_store_events_fold_step(f->s, 1, &moved, &more,
							   &err), 0);
		assert_in_range(moved, 1, 20000);
		total_moved += moved;
		steps++;
		char *now = walk_all(f->s);
		char *now_by_lead = walk_by_lead(f->s, leads, NLEADS);
		assert_string_equal(now, want);
		assert_string_equal(now_by_lead, want);
		free(now);
		free(now_by_lead);
		assert_int_equal(counts(f->s).events, 41000);
		assert_int_equal(sql_int(f, "SELECT count(*) FROM events"),
				 41000);
		assert_int_equal(sql_int(f, "SELECT count(DISTINCT id) FROM "
					 "events"), 41000);
		/* the gauges during the fold; de-duplication across it */
		if (steps == 2) {
			assert_int_equal(lq_store_gauges_get(f->s, &g, &err), 0);
			assert_int_equal(g.events_folding, 1);
			assert_int_equal(g.events_recent, sql_int(f,
				"SELECT count(*) FROM events_recent"));
			assert_in_range(g.events_recent, 1, 39999);
			assert_int_equal(dup_of(f->s, leads[(5 * 7919) % NLEADS], "live-5"), 1);
		}
	} while (more && steps < 100);
	/* slices of about 16k rows: 3 */
	assert_int_equal(steps, 3);
	assert_int_equal(total_moved, 40000);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events_recent"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events_main"), 41000);
	assert_int_equal(sql_int(f, "SELECT value FROM counters WHERE name = "
				 "'events_fold_next'"), -1);
	assert_int_equal(lq_store_gauges_get(f->s, &g, &err), 0);
	assert_int_equal(g.events_recent, 0);
	assert_int_equal(g.events_folding, 0);
	/* de-duplication still finds what moved */
	assert_int_equal(dup_of(f->s, leads[(3 * 7919) % NLEADS], "live-3"), 1);
	assert_int_equal(lq_store_events_fold_step(f->s, 1, &moved, &more,
						   &err), 0);
	assert_int_equal(more, 0);
	assert_int_equal(moved, 0);
	free(want);
	free(want_by_lead);
}

static void test_fold_with_arrivals_and_erase(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t leads[NLEADS];
	int more = 1, steps = 0;
	int64_t moved = 0, total_moved = 0;
	make_leads(f->s, leads, NLEADS);
	lq_store_events_recent(f->s, 1);
	add_events(f->s, leads, NLEADS, "a", 20000);
	assert_int_equal(lq_store_events_fold_step(f->s, 1, &moved, &more,
						   &err), 0);
	assert_int_equal(more, 1);
	(void)total_moved;
	/* arrivals during the fold (those of leads passed wait for the
	 * next fold), then a person erased mid-fold: lead leads[0] was in
	 * the first slice (moved), the last lead not */
	add_events(f->s, leads, NLEADS, "b", 3000);
	assert_int_equal(lq_store_lead_erase(f->s, leads[0], &err), 0);
	assert_int_equal(lq_store_lead_erase(f->s, leads[NLEADS - 1], &err), 0);
	int64_t total = counts(f->s).events;
	assert_int_equal(sql_int(f, "SELECT count(*) FROM events WHERE lead_id "
				 "IN (SELECT id FROM leads WHERE email IS NULL)"),
			 0);
	char *want = walk_all(f->s);
	while (more && steps++ < 100)
		assert_int_equal(lq_store_events_fold_step(f->s, 1, &moved, &more,
							   &err), 0);
	char *got = walk_all(f->s);
	assert_string_equal(got, want);
	assert_int_equal(counts(f->s).events, total);
	/* the arrivals of leads the fold had passed stayed recent, for
	 * the next fold; the others were moved with their leads */
	int64_t left = sql_int(f, "SELECT count(*) FROM events_recent");
	lq_store_gauges g;
	assert_int_equal(left, sql_int(f, "SELECT count(*) FROM events_recent "
				       "WHERE msg_id GLOB 'b-*'"));
	assert_in_range(left, 1, 2999);
	assert_int_equal(lq_store_gauges_get(f->s, &g, &err), 0);
	assert_int_equal(g.events_recent, left);
	assert_int_equal(g.events_folding, 0);
	free(want);
	free(got);
}

/* The bulk walk (rescore, learning, backtests) merges the clustered
 * range, read in its key order, with the recent rows of the range,
 * sorted apart: no sort of the big table. */
static void test_range_walk_merges(void **state)
{
	fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	lq_buf plan = LQ_BUF_INIT;
	char *sql = lq_xstrdup("EXPLAIN QUERY PLAN ");
	size_t n = strlen(sql) + strlen(lq_store_sqlite_sql[SQ_EVENTS_RANGE]) + 1;
	sql = lq_xrealloc(sql, n);
	strcat(sql, lq_store_sqlite_sql[SQ_EVENTS_RANGE]);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		lq_buf_adds(&plan, (const char *)sqlite3_column_text(st, 3));
		lq_buf_addc(&plan, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	const char *p = lq_buf_str(&plan);
	assert_non_null(strstr(p, "MERGE (UNION ALL)"));
	const char *sort = strstr(p, "TEMP B-TREE");
	assert_non_null(sort);
	assert_non_null(strstr(p, "RIGHT PART OF ORDER BY"));
	assert_null(strstr(sort + 1, "TEMP B-TREE"));   /* one sort only */
	lq_buf_free(&plan);
	free(sql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recent_events_read_as_stored,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold_moves_everything_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold_with_arrivals_and_erase,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_walk_merges,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
