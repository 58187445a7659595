/*
 * test_inbox.c - the tracking API's inbox (store/inbox.h) and its apply
 * (server/inbox_apply.h): rows kept in order across a reopen, nothing of
 * a rolled-back append, ids that never go back (after every row was
 * deleted, after ids_after), trims of the oldest rows bounded in
 * number, compaction (the file shrinks back, also one made before
 * auto_vacuum), checkpoints left to another connection; applying stores the events and
 * the counter in one transaction, continues after it, rejects a request
 * the database refuses alone (logged) and applies the rest; a pass
 * that scores its events in batches (visitors adopted by identify and
 * alias, message ids repeated within it and across visitors) leaves the
 * same leads, scores, stages and counts as applying one request at a
 * time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "server/inbox_apply.h"
#include "io/segment.h"
#include "store/inbox.h"
#include "test_service_fixture.h"

#define T0 1772323200000LL   /* 2026-03-01T00:00:00Z */
/* a pass of at most n requests, whatever their events */
#define ROWS(n) ((lq_inbox_pass){.rows = (n), .events = 1000000})

typedef struct walk {
	int64_t ids[16];
	char bodies[16][64];
	size_t n;
} walk;

static int collect(void *ctx, const lq_inbox_row *row)
{
	walk *w = ctx;
	w->ids[w->n] = row->id;
	snprintf(w->bodies[w->n], sizeof w->bodies[0], "%.*s", (int)row->len,
		 row->body);
	w->n++;
	return 0;
}

static int64_t append_kind(lq_inbox *ib, lq_seg_type kind, const char *body)
{
	lq_error err = {0};
	int64_t id = 0;
	assert_int_equal(lq_inbox_begin(ib, &err), 0);
	assert_int_equal(lq_inbox_append(ib, kind, T0, body, strlen(body),
					 &id, &err), 0);
	assert_int_equal(lq_inbox_commit(ib, &err), 0);
	return id;
}

static int64_t append(lq_inbox *ib, const char *body)
{
	return append_kind(ib, LQ_SEG_TRACK, body);
}

static void test_rows_in_order_across_reopen(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	walk w = {0};

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	int64_t a = append(ib, "one"), b = append(ib, "two");
	assert_true(b > a);
	int64_t id;
	assert_int_equal(lq_inbox_begin(ib, &err), 0);
	assert_int_equal(lq_inbox_append(ib, LQ_SEG_TRACK, T0, "gone", 4, &id, &err), 0);
	lq_inbox_rollback(ib);
	lq_inbox_close(ib);

	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	assert_int_equal(lq_inbox_each(ib, 0, 10, collect, &w, &err), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.bodies[0], "one");
	assert_string_equal(w.bodies[1], "two");
	w.n = 0;
	assert_int_equal(lq_inbox_each(ib, a, 1, collect, &w, &err), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.ids[0], b);
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

static void test_ids_never_go_back(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	walk w = {0};
	int64_t last;

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	assert_int_equal(lq_inbox_last_id(ib, &last, &err), 0);
	assert_int_equal(last, 0);
	int64_t a = append(ib, "one");
	int64_t b = append(ib, "two"), c = append(ib, "three");
	size_t deleted = 0;
	assert_true(a < b && b < c);
	assert_int_equal(lq_inbox_begin(ib, &err), 0);   /* bounded: oldest */
	assert_int_equal(lq_inbox_trim(ib, b, 1, &deleted, &err), 0);
	assert_int_equal(lq_inbox_commit(ib, &err), 0);
	assert_int_equal(deleted, 1);
	assert_int_equal(lq_inbox_each(ib, 0, 10, collect, &w, &err), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.ids[0], b);
	w.n = 0;
	assert_int_equal(lq_inbox_begin(ib, &err), 0);   /* never past upto */
	assert_int_equal(lq_inbox_trim(ib, b, 10, &deleted, &err), 0);
	assert_int_equal(lq_inbox_commit(ib, &err), 0);
	assert_int_equal(deleted, 1);
	assert_int_equal(lq_inbox_compact(ib, c, &err), 0);
	assert_int_equal(lq_inbox_each(ib, 0, 10, collect, &w, &err), 0);
	assert_int_equal(w.n, 0);                 /* deleted */
	assert_int_equal(append(ib, "four"), c + 1); /* not a again */
	assert_int_equal(lq_inbox_ids_after(ib, 1000, &err), 0);
	assert_int_equal(append(ib, "three"), 1001);
	assert_int_equal(lq_inbox_ids_after(ib, 10, &err), 0);   /* never lower */
	assert_int_equal(lq_inbox_last_id(ib, &last, &err), 0);
	assert_int_equal(last, 1001);
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

/* A burst of requests applied and compacted leaves a small file: its
 * pages go back to the file system. */
static void test_compact_gives_pages_back(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	char body[8192];
	char path[200];
	struct stat st;
	int64_t id = 0;

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	memset(body, 'x', sizeof body);
	assert_int_equal(lq_inbox_begin(ib, &err), 0);
	for (int i = 0; i < 500; i++)         /* 4 MB */
		assert_int_equal(lq_inbox_append(ib, LQ_SEG_TRACK, T0, body,
						 sizeof body, &id, &err), 0);
	assert_int_equal(lq_inbox_commit(ib, &err), 0);
	assert_int_equal(lq_inbox_compact(ib, 0, &err), 0);   /* folds the WAL */
	snprintf(path, sizeof path, "%s-inbox", d.path);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 4000000);
	assert_int_equal(lq_inbox_compact(ib, id, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 100000);
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

/* A file made before auto_vacuum takes it at the next open when empty. */
static void test_old_file_takes_auto_vacuum(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	char path[200];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	snprintf(path, sizeof path, "%s-inbox", d.path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
		"CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
		" kind INTEGER NOT NULL, received_at INTEGER NOT NULL,"
		" body BLOB NOT NULL);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	lq_inbox_close(ib);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA auto_vacuum", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);   /* incremental */
	sqlite3_finalize(st);
	sqlite3_close(db);
	svc_db_close(&d, svc);
}

/* An appending connection in manual mode never checkpoints in its
 * commits (its WAL grows past SQLite's 1000 pages); a passive checkpoint
 * from another connection copies the WAL, and the appender's next commit
 * starts it over. */
static void test_manual_checkpoints(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib, *cp;
	lq_error err = {0};
	char body[4000];
	int64_t id = 0;

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	assert_int_equal(lq_inbox_open(d.path, &cp, &err), 0);
	lq_inbox_manual_checkpoints(ib);
	memset(body, 'x', sizeof body);
	for (int i = 0; i < 1500; i++) {      /* 1500 commits of a page */
		assert_int_equal(lq_inbox_begin(ib, &err), 0);
		assert_int_equal(lq_inbox_append(ib, LQ_SEG_TRACK, T0, body,
						 sizeof body, &id, &err), 0);
		assert_int_equal(lq_inbox_commit(ib, &err), 0);
	}
	assert_true(lq_inbox_wal_frames(ib) > 1500);
	assert_int_equal(lq_inbox_checkpoint(cp, &err), 0);
	append(ib, "after");
	assert_true(lq_inbox_wal_frames(ib) < 10);
	/* Nothing was lost on the way. */
	int64_t last = 0;
	assert_int_equal(lq_inbox_last_id(cp, &last, &err), 0);
	assert_int_equal(last, id + 1);
	lq_inbox_close(cp);
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

static const char track_l1[] =
	"{\"userId\":\"u1\",\"event\":\"Demo Request\",\"messageId\":\"m1\"}";
static const char track_l2[] =
	"{\"userId\":\"u2\",\"event\":\"Demo Request\",\"messageId\":\"m2\"}";
static const char future[] =
	"{\"userId\":\"u3\",\"event\":\"x\",\"messageId\":\"m3\","
	"\"timestamp\":\"2027-01-01T00:00:00Z\"}";

static void test_apply_in_order_with_the_counter(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	lq_inbox_report rep;
	int64_t applied = -1;
	lq_store_counts c;

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	int64_t a = append(ib, track_l1);
	int64_t b = append(ib, track_l2);
	int64_t c3 = append(ib, "{\"userId\":\"u3\",\"event\":\"x\"}");
	assert_int_equal(lq_inbox_applied(svc, &applied, &err), 0);
	assert_int_equal(applied, 0);

	assert_int_equal(lq_inbox_apply(svc, ib, 0, ROWS(1), NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, a);
	assert_int_equal(rep.requests, 1);
	assert_int_equal(rep.events.stored, 1);
	assert_int_equal(lq_inbox_applied(svc, &applied, &err), 0);
	assert_int_equal(applied, a);
	/* no more rows once the pass has its events */
	assert_int_equal(lq_inbox_apply(svc, ib, a, (lq_inbox_pass){10, 1},
					NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, b);
	assert_int_equal(rep.requests, 1);
	assert_int_equal(lq_inbox_apply(svc, ib, b, ROWS(10), NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, c3);
	assert_int_equal(lq_inbox_apply(svc, ib, c3, ROWS(10), NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, c3);         /* nothing more */
	assert_int_equal(rep.requests, 0);
	memset(&c, 0, sizeof c);
	assert_int_equal(lq_store_count(svc->store, &c, &err), 0);
	assert_int_equal(c.events, 3);
	assert_int_equal(c.leads, 3);
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

static void test_apply_rejects_a_request_alone(void **state)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	lq_inbox_report rep;
	lq_store_counts c;
	char logbuf[512] = "";
	FILE *log = fmemopen(logbuf, sizeof logbuf, "w");

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	append(ib, track_l1);
	int64_t bad = append(ib, future);   /* later than now: refused */
	int64_t last = append(ib, track_l2);

	assert_int_equal(lq_inbox_apply(svc, ib, 0, ROWS(10), log, &rep, &err), 0);
	fclose(log);
	assert_int_equal(rep.last_id, last);
	assert_int_equal(rep.requests, 2);
	assert_int_equal(rep.rejected, 1);
	char want[64];
	snprintf(want, sizeof want, "tracking request %lld (inbox) rejected",
		 (long long)bad);
	assert_non_null(strstr(logbuf, want));
	assert_non_null(strstr(logbuf, "is later than now"));
	memset(&c, 0, sizeof c);
	assert_int_equal(lq_store_count(svc->store, &c, &err), 0);
	assert_int_equal(c.events, 2);      /* the two good ones, once each */
	assert_int_equal(c.leads, 2);       /* u3 was never created */
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

/* ---- one pass equals one request at a time ------------------------------- */

static const char model_yaml[] =
	"version: 1\n"
	"name: inbox test\n"
	"engagement:\n"
	"  half_life: 30d\n"
	"  actions:\n"
	"    - rule: pricing page\n"
	"      on: page_view\n"
	"      when: event.url contains \"/pricing\"\n"
	"      points: 10\n"
	"      max: 30\n"
	"    - rule: demo request\n"
	"      on: demo_request\n"
	"      points: 25\n"
	"stages:\n"
	"  mql: engagement >= 40\n";

#define PV(who, msg, hour) "{" who ",\"event\":\"page_view\",\"messageId\":\"" \
	msg "\",\"timestamp\":\"2026-02-28T" hour ":00:00Z\"," \
	"\"properties\":{\"url\":\"/pricing\"}}"
#define DEMO(who, msg, hour) "{" who ",\"event\":\"demo_request\"," \
	"\"messageId\":\"" msg "\",\"timestamp\":\"2026-02-28T" hour ":00:00Z\"}"

static const struct {
	lq_seg_type kind;
	const char *body;
} stream[] = {
	{LQ_SEG_TRACK, PV("\"anonymousId\":\"a1\"", "m1", "01")},
	{LQ_SEG_TRACK, PV("\"anonymousId\":\"a1\"", "m2", "02")},
	{LQ_SEG_TRACK, PV("\"userId\":\"u1\"", "m3", "03")},
	{LQ_SEG_TRACK, DEMO("\"userId\":\"u2\"", "m4", "04")},
	{LQ_SEG_IDENTIFY, "{\"userId\":\"u1\",\"anonymousId\":\"a1\","
			  "\"traits\":{\"email\":\"ana@acme.io\"}}"},
	{LQ_SEG_TRACK, PV("\"userId\":\"u1\"", "m1", "05")},  /* adopted */
	{LQ_SEG_TRACK, DEMO("\"userId\":\"u1\"", "m5", "06")}, /* mql */
	{LQ_SEG_TRACK, DEMO("\"userId\":\"u2\"", "m4", "07")}, /* again */
	{LQ_SEG_TRACK, PV("\"anonymousId\":\"a2\"", "m6", "08")},
	{LQ_SEG_ALIAS, "{\"userId\":\"u3\",\"previousId\":\"a2\"}"},
	{LQ_SEG_TRACK, DEMO("\"userId\":\"u3\"", "m7", "09")},
	{LQ_SEG_TRACK, PV("\"userId\":\"u3\"", "m8", "10")},
	{LQ_SEG_TRACK, PV("\"userId\":\"u3\"", "m8", "10")},  /* again */
};
#define NSTREAM (sizeof stream / sizeof stream[0])

typedef struct lead_state {
	double score, engagement;
	lq_stage stage;
	size_t events;
} lead_state;

/* Apply the stream to a new database, limit requests per pass; the
 * counts summed over the passes, the state of u1..u3 in st. */
static void apply_stream(size_t limit, lq_import_report *sum,
			 lead_state st[3], lq_store_counts *c)
{
	svc_db d;
	lq_service *svc;
	lq_inbox *ib;
	lq_error err = {0};
	lq_inbox_report rep;
	lq_apply_report arep;
	lq_diags diags = {0};
	int64_t after = 0, last = 0;

	assert_int_equal(svc_db_open(&d, "inbox", T0, &svc), 0);
	assert_int_equal(lq_service_model_apply(svc, model_yaml,
						strlen(model_yaml), "m.yaml",
						&arep, &diags, &err), 0);
	assert_int_equal(lq_inbox_open(d.path, &ib, &err), 0);
	for (size_t i = 0; i < NSTREAM; i++)
		last = append_kind(ib, stream[i].kind, stream[i].body);
	memset(sum, 0, sizeof *sum);
	while (after < last) {
		assert_int_equal(lq_inbox_apply(svc, ib, after, ROWS(limit), NULL,
						&rep, &err), 0);
		assert_int_equal(rep.rejected, 0);
		assert_true(rep.last_id > after);
		after = rep.last_id;
		sum->stored += rep.events.stored;
		sum->duplicates += rep.events.duplicates;
		sum->created += rep.events.created;
		sum->stage_changes += rep.events.stage_changes;
	}
	for (int i = 0; i < 3; i++) {
		char key[4] = {'u', (char)('1' + i), 0};
		lq_lead lead;
		lq_score_row row;
		lq_event *ev = NULL;
		lq_lead_init(&lead);
		assert_int_equal(lq_service_find_lead(svc, key, &lead, &err), 0);
		assert_int_equal(lq_store_score_get(svc->store, lead.id, &row,
						    &err), 0);
		assert_int_equal(lq_store_lead_events(svc->store, lead.id, &ev,
						      &st[i].events, &err), 0);
		st[i].score = row.score;
		st[i].engagement = row.engagement;
		st[i].stage = lead.stage;
		lq_events_free(ev, st[i].events);
		lq_score_row_free(&row);
		lq_lead_free(&lead);
	}
	memset(c, 0, sizeof *c);
	assert_int_equal(lq_store_count(svc->store, c, &err), 0);
	lq_inbox_close(ib);
	svc_db_close(&d, svc);
}

static void test_one_pass_equals_one_request_at_a_time(void **state)
{
	lq_import_report all, one;
	lead_state a[3], b[3];
	lq_store_counts ca, cb;

	apply_stream(NSTREAM, &all, a, &ca);
	apply_stream(1, &one, b, &cb);
	/* m1 m2 m6 counted when kept for the visitors, m3 m4 m5 m7 m8; the
	 * second m1 (adopted by u1), m4 and m8 are duplicates */
	assert_int_equal(all.stored, 8);
	assert_int_equal(all.duplicates, 3);
	assert_int_equal(all.created, 3);
	assert_int_equal(ca.events, 8);
	assert_int_equal(a[0].events, 4);        /* m1 m2 m3 m5 */
	assert_int_equal(a[1].events, 1);        /* m4 */
	assert_int_equal(a[2].events, 3);        /* m6 m7 m8 */
	assert_int_equal(a[0].stage, LQ_STAGE_MQL);   /* 30 + 25 */
	assert_int_equal(a[1].stage, LQ_STAGE_LEAD);  /* 25 */
	assert_int_equal(a[2].stage, LQ_STAGE_MQL);   /* 10 + 25 + 10 */
	assert_int_equal(one.stored, all.stored);
	assert_int_equal(one.duplicates, all.duplicates);
	assert_int_equal(one.created, all.created);
	assert_int_equal(one.stage_changes, all.stage_changes);
	assert_int_equal(cb.events, ca.events);
	assert_int_equal(cb.stage_changes, ca.stage_changes);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(b[i].events, a[i].events);
		assert_int_equal(b[i].stage, a[i].stage);
		assert_true(b[i].score == a[i].score);
		assert_true(b[i].engagement == a[i].engagement);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_in_order_across_reopen),
		cmocka_unit_test(test_ids_never_go_back),
		cmocka_unit_test(test_compact_gives_pages_back),
		cmocka_unit_test(test_old_file_takes_auto_vacuum),
		cmocka_unit_test(test_manual_checkpoints),
		cmocka_unit_test(test_apply_in_order_with_the_counter),
		cmocka_unit_test(test_apply_rejects_a_request_alone),
		cmocka_unit_test(test_one_pass_equals_one_request_at_a_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
