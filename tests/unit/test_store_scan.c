/*
 * test_store_scan.c - unit tests of the store's bulk reads (the rescore's
 * and learning's passes): leads by id range with their accounts, taken
 * by the callee; events of a range of leads in (lead_id, at, id) order
 * with properties decoded only for the types asked; the largest lead id;
 * a second connection for another thread; and a read transaction that
 * keeps one snapshot while another connection commits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/buf.h"
#include "store/store.h"
#include "test_store_fixture.h"

static void add_event(lq_store *s, int64_t lead, lq_time at, const char *type,
		      const char *url)
{
	lq_event e;
	lq_error err = {0};
	int dup = 0;

	lq_event_init(&e);
	e.lead_id = lead;
	e.at = at;
	e.type = strdup(type);
	if (url)
		lq_attrs_set(&e.props, "url", lq_value_str(url));
	assert_int_equal(lq_store_event_add(s, &e, &dup, &err), 0);
	assert_int_equal(dup, 0);
	lq_event_free(&e);
}

/* ---- leads ------------------------------------------------------------------ */

typedef struct taken {
	int64_t ids[16];
	char *emails[16];          /* moved out of the records */
	int with_account[16];
	size_t n;
	size_t stop_after;         /* 0: never stop */
} taken;

static int take(void *ctx, lq_lead *lead, lq_account *account)
{
	taken *t = ctx;
	t->ids[t->n] = lead->id;
	t->emails[t->n] = lead->email;       /* the callee keeps it */
	lead->email = NULL;
	t->with_account[t->n] = account && account->domain &&
				strcmp(account->domain, "acme.io") == 0;
	t->n++;
	return t->stop_after && t->n == t->stop_after ? 7 : 0;
}

static void taken_free(taken *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->emails[i]);
}

static void test_leads_range(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t acc = add_account(f->s, "acme.io");
	int64_t a = add_lead(f->s, "a@acme.io", LQ_STAGE_LEAD, NULL, acc);
	int64_t b = add_lead(f->s, "b@x.io", LQ_STAGE_MQL, NULL, 0);
	int64_t c = add_lead(f->s, "c@acme.io", LQ_STAGE_SAL, NULL, acc);
	taken t = {0};

	/* [b, c + 1): b and c, in id order; c has its account. */
	assert_int_equal(lq_store_leads_range(f->s, b, c + 1, take, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.ids[0], b);
	assert_string_equal(t.emails[0], "b@x.io");
	assert_false(t.with_account[0]);
	assert_int_equal(t.ids[1], c);
	assert_true(t.with_account[1]);
	taken_free(&t);

	/* An empty range, and a callback that stops the walk. */
	memset(&t, 0, sizeof t);
	assert_int_equal(lq_store_leads_range(f->s, c + 1, c + 100, take, &t, &err), 0);
	assert_int_equal(t.n, 0);
	t.stop_after = 1;
	assert_int_equal(lq_store_leads_range(f->s, 0, INT64_MAX, take, &t, &err), 7);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.ids[0], a);
	taken_free(&t);
	/* The statement was reset: the next walk starts over. */
	memset(&t, 0, sizeof t);
	assert_int_equal(lq_store_leads_range(f->s, 0, INT64_MAX, take, &t, &err), 0);
	assert_int_equal(t.n, 3);
	taken_free(&t);

	int64_t max = -1;
	assert_int_equal(lq_store_lead_id_max(f->s, &max, &err), 0);
	assert_int_equal(max, c);
}

static void test_lead_id_max_empty(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t max = -1;
	assert_int_equal(lq_store_lead_id_max(f->s, &max, &err), 0);
	assert_int_equal(max, 0);
}

/* ---- events ----------------------------------------------------------------- */

typedef struct seen {
	char line[16][64];
	size_t n;
} seen;

static int see(void *ctx, const lq_event *e)
{
	seen *s = ctx;
	const lq_value *url = lq_attrs_get(&e->props, "url");
	assert_null(e->msg_id);
	snprintf(s->line[s->n++], sizeof s->line[0], "%lld %lld %s %s",
		 (long long)e->lead_id, (long long)(e->at - T0), e->type,
		 url ? url->str : "-");
	return 0;
}

static void test_events_range_order_and_props(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t a = add_lead(f->s, "a@x.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t b = add_lead(f->s, "b@x.io", LQ_STAGE_LEAD, NULL, 0);
	int64_t c = add_lead(f->s, "c@x.io", LQ_STAGE_LEAD, NULL, 0);
	static const char *const page_view[] = {"page_view", NULL};
	static const char *const nothing[] = {NULL};
	static const char *const url[] = {"url", NULL};
	const lq_props_wanted pages_only = {.types = page_view};
	const lq_props_wanted none = {.types = nothing};
	const lq_props_wanted url_only = {.keys = url};
	const lq_props_wanted other_key = {.keys = nothing};
	seen s = {0};

	/* Stored out of order across leads and times. */
	add_event(f->s, c, T0 + 5, "page_view", "/c");
	add_event(f->s, b, T0 + 9, "page_view", "/late");
	add_event(f->s, a, T0 + 1, "email_click", "/mail");
	add_event(f->s, b, T0 + 2, "email_click", "/mail");
	add_event(f->s, b, T0 + 2, "page_view", "/tie");

	/* Leads [b, c): only b's, by time then id; props of page views. */
	assert_int_equal(lq_store_events_range(f->s, b, c, &pages_only, see, &s,
					       &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.line[0], "2 2 email_click -");
	assert_string_equal(s.line[1], "2 2 page_view /tie");
	assert_string_equal(s.line[2], "2 9 page_view /late");

	/* Every lead; NULL list: every event's props; empty list: none. */
	memset(&s, 0, sizeof s);
	assert_int_equal(lq_store_events_range(f->s, 0, INT64_MAX, NULL, see, &s,
					       &err), 0);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.line[0], "1 1 email_click /mail");
	assert_string_equal(s.line[4], "3 5 page_view /c");
	memset(&s, 0, sizeof s);
	assert_int_equal(lq_store_events_range(f->s, 0, INT64_MAX, &none, see, &s,
					       &err), 0);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.line[2], "2 2 page_view -");
	/* Keys: only those asked for are decoded, for every type. */
	memset(&s, 0, sizeof s);
	assert_int_equal(lq_store_events_range(f->s, 0, INT64_MAX, &url_only, see,
					       &s, &err), 0);
	assert_string_equal(s.line[0], "1 1 email_click /mail");
	memset(&s, 0, sizeof s);
	assert_int_equal(lq_store_events_range(f->s, 0, INT64_MAX, &other_key, see,
					       &s, &err), 0);
	assert_string_equal(s.line[0], "1 1 email_click -");
	(void)a;
}

/* ---- a second connection and read snapshots ---------------------------------- */

static void test_peer_and_read_snapshot(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_store *peer = NULL;
	int64_t max = 0;

	add_lead(f->s, "a@x.io", LQ_STAGE_LEAD, NULL, 0);
	assert_int_equal(lq_store_open_peer(f->s, &peer, &err), 0);
	assert_non_null(peer);

	/* The peer pins its snapshot at its first read... */
	assert_int_equal(lq_store_begin_read(peer, &err), 0);
	assert_int_equal(lq_store_lead_id_max(peer, &max, &err), 0);
	assert_int_equal(max, 1);
	/* ...and does not block the writer, whose commit it does not see. */
	assert_int_equal(lq_store_begin(f->s, &err), 0);
	add_lead(f->s, "b@x.io", LQ_STAGE_LEAD, NULL, 0);
	assert_int_equal(lq_store_commit(f->s, &err), 0);
	assert_int_equal(lq_store_lead_id_max(peer, &max, &err), 0);
	assert_int_equal(max, 1);
	lq_store_rollback(peer);
	assert_int_equal(lq_store_lead_id_max(peer, &max, &err), 0);
	assert_int_equal(max, 2);
	lq_store_close(peer);
}

static void test_peer_of_memory_database(void **state)
{
	lq_store *mem = NULL, *peer = (lq_store *)1;
	lq_error err = {0};
	(void)state;
	assert_int_equal(lq_store_open(":memory:", 1, &mem, &err), 0);
	assert_int_equal(lq_store_open_peer(mem, &peer, &err), LQ_ENOTFOUND);
	assert_null(peer);
	lq_store_close(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_leads_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lead_id_max_empty, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_events_range_order_and_props,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_and_read_snapshot, setup,
						teardown),
		cmocka_unit_test(test_peer_of_memory_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
