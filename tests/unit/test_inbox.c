/*
 * test_inbox.c - the tracking API's inbox (store/inbox.h) and its apply
 * (server/inbox_apply.h): rows kept in order across a reopen, nothing of
 * a rolled-back append, ids that never go back (after every row was
 * deleted, after ids_after), compaction; applying stores the events and
 * the counter in one transaction, continues after it, rejects a request
 * the database refuses alone (logged) and applies the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "server/inbox_apply.h"
#include "io/segment.h"
#include "store/inbox.h"
#include "test_service_fixture.h"

#define T0 1772323200000LL   /* 2026-03-01T00:00:00Z */

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

static int64_t append(lq_inbox *ib, const char *body)
{
	lq_error err = {0};
	int64_t id = 0;
	assert_int_equal(lq_inbox_begin(ib, &err), 0);
	assert_int_equal(lq_inbox_append(ib, LQ_SEG_TRACK, T0, body, strlen(body),
					 &id, &err), 0);
	assert_int_equal(lq_inbox_commit(ib, &err), 0);
	return id;
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
	assert_int_equal(lq_inbox_compact(ib, a, &err), 0);
	assert_int_equal(lq_inbox_each(ib, 0, 10, collect, &w, &err), 0);
	assert_int_equal(w.n, 0);                 /* deleted */
	assert_int_equal(append(ib, "two"), a + 1); /* not a again */
	assert_int_equal(lq_inbox_ids_after(ib, 1000, &err), 0);
	assert_int_equal(append(ib, "three"), 1001);
	assert_int_equal(lq_inbox_ids_after(ib, 10, &err), 0);   /* never lower */
	assert_int_equal(lq_inbox_last_id(ib, &last, &err), 0);
	assert_int_equal(last, 1001);
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
	assert_int_equal(lq_inbox_applied(svc, &applied, &err), 0);
	assert_int_equal(applied, 0);

	assert_int_equal(lq_inbox_apply(svc, ib, 0, 1, NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, a);
	assert_int_equal(rep.requests, 1);
	assert_int_equal(rep.events.stored, 1);
	assert_int_equal(lq_inbox_applied(svc, &applied, &err), 0);
	assert_int_equal(applied, a);
	assert_int_equal(lq_inbox_apply(svc, ib, a, 10, NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, b);
	assert_int_equal(lq_inbox_apply(svc, ib, b, 10, NULL, &rep, &err), 0);
	assert_int_equal(rep.last_id, b);          /* nothing more */
	assert_int_equal(rep.requests, 0);
	memset(&c, 0, sizeof c);
	assert_int_equal(lq_store_count(svc->store, &c, &err), 0);
	assert_int_equal(c.events, 2);
	assert_int_equal(c.leads, 2);
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

	assert_int_equal(lq_inbox_apply(svc, ib, 0, 10, log, &rep, &err), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_in_order_across_reopen),
		cmocka_unit_test(test_ids_never_go_back),
		cmocka_unit_test(test_apply_in_order_with_the_counter),
		cmocka_unit_test(test_apply_rejects_a_request_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
