/*
 * test_store_alerts.c - unit tests of the store's alerting tables
 * (migration 2) against a real database file per test: webhooks (add,
 * remove, remove by origin, list), the outbox (every field, unique delivery
 * ids, due selection, listing by status, updates, a corrupt status),
 * alerts raised once, and counters.
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

/* ---- webhooks --------------------------------------------------------------- */

static int64_t add_webhook(lq_store *s, const char *url, const char *origin)
{
	lq_webhook w = {.url = (char *)url, .events = "mql",
			.secret = "k", .origin = (char *)origin,
			.created_at = T0};
	lq_error err = {0};

	assert_int_equal(lq_store_webhook_add(s, &w, &err), 0);
	assert_true(w.id > 0);
	return w.id;
}

static void test_webhooks_round_trip(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_webhook *w;
	size_t n;
	lq_webhook full = {.url = "https://hooks.example/leadq?x=1",
			   .events = "mql,sla_overdue,stage_changed",
			   .secret = "s3cr3t", .origin = "cli",
			   .created_at = T0 + 7};
	lq_webhook bare = {.url = "http://127.0.0.1:9/h"};

	assert_int_equal(lq_store_webhooks(f->s, &w, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(w);
	assert_int_equal(lq_store_webhook_add(f->s, &full, &err), 0);
	assert_int_equal(lq_store_webhook_add(f->s, &bare, &err), 0);
	assert_true(bare.id > full.id);

	reopen(f);
	assert_int_equal(lq_store_webhooks(f->s, &w, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].id, full.id);
	assert_string_equal(w[0].url, "https://hooks.example/leadq?x=1");
	assert_string_equal(w[0].events, "mql,sla_overdue,stage_changed");
	assert_string_equal(w[0].secret, "s3cr3t");
	assert_string_equal(w[0].origin, "cli");
	assert_int_equal(w[0].created_at, T0 + 7);
	assert_int_equal(w[1].id, bare.id);
	assert_string_equal(w[1].url, "http://127.0.0.1:9/h");
	assert_null(w[1].events);
	assert_null(w[1].secret);
	assert_null(w[1].origin);
	assert_int_equal(w[1].created_at, 0);
	lq_webhooks_free(w, n);
	lq_webhooks_free(NULL, 0);
	assert_int_equal(counts(f->s).webhooks, 2);

	bare.url = NULL;
	assert_int_equal(lq_store_webhook_add(f->s, &bare, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "webhook has no url");
	bare.url = "";
	assert_int_equal(lq_store_webhook_add(f->s, &bare, &err), LQ_EINVAL);
	assert_int_equal(counts(f->s).webhooks, 2);
}

static void test_webhooks_remove(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_webhook *w;
	size_t n;
	int64_t c1 = add_webhook(f->s, "http://h/c1", "cli");
	int64_t m1 = add_webhook(f->s, "http://h/m1", "model");
	int64_t c2 = add_webhook(f->s, "http://h/c2", "cli");
	add_webhook(f->s, "http://h/m2", "model");
	int64_t none = add_webhook(f->s, "http://h/none", NULL);
	lq_outbox_row r = {.delivery_id = "d-1", .webhook_id = m1,
			   .url = "http://h/m1", .event = "mql",
			   .payload = "{}", .next_at = T0};

	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);

	/* One by id; a second time it is gone. */
	assert_int_equal(lq_store_webhook_remove(f->s, c2, &err), 0);
	assert_int_equal(lq_store_webhook_remove(f->s, c2, &err),
			 LQ_ENOTFOUND);
	char want[64];
	snprintf(want, sizeof want, "no webhook %lld", (long long)c2);
	assert_string_equal(err.msg, want);

	/* Every one of an origin; others and the unlabelled one stay. */
	assert_int_equal(lq_store_webhooks_remove_origin(f->s, "model", &err),
			 0);
	assert_int_equal(lq_store_webhooks(f->s, &w, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].id, c1);
	assert_int_equal(w[1].id, none);
	lq_webhooks_free(w, n);

	/* Nothing of that origin left: still fine. */
	assert_int_equal(lq_store_webhooks_remove_origin(f->s, "model", &err),
			 0);
	assert_int_equal(lq_store_webhooks_remove_origin(f->s, NULL, &err),
			 LQ_EINVAL);
	assert_int_equal(counts(f->s).webhooks, 2);

	/* The removed webhook's outbox row stays. */
	lq_outbox_row g;
	assert_int_equal(lq_store_outbox_get(f->s, r.id, &g, &err), 0);
	assert_int_equal(g.webhook_id, m1);
	lq_outbox_row_free(&g);
	assert_int_equal(counts(f->s).outbox, 1);
}

/* ---- outbox ----------------------------------------------------------------- */

static int64_t add_row(lq_store *s, const char *delivery_id, int status,
		       lq_time next_at)
{
	lq_outbox_row r = {.delivery_id = (char *)delivery_id, .webhook_id = 1,
			   .url = "http://h/x", .secret = "k",
			   .event = "mql", .lead_id = 1, .payload = "{}",
			   .created_at = T0, .next_at = next_at,
			   .status = (lq_outbox_status)status};
	lq_error err = {0};

	assert_int_equal(lq_store_outbox_add(s, &r, &err), 0);
	assert_true(r.id > 0);
	return r.id;
}

static void test_outbox_round_trip(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_outbox_row g;
	lq_outbox_row full = {
		.delivery_id = "6f1c2a9e-0000-4000-8000-000000000001",
		.webhook_id = 4, .url = "https://hooks.example/in",
		.secret = "s3cr3t", .event = "sla_overdue", .lead_id = 17,
		.payload = "{\"event\":\"sla_overdue\",\"lead\":{\"id\":17}}",
		.created_at = T0, .attempts = 3, .next_at = T0 + 9000,
		.status = LQ_OUTBOX_DELIVERED, .last_error = "http 503",
		.delivered_at = T0 + 9500,
	};
	lq_outbox_row bare = {.delivery_id = "d-bare", .url = "http://h/b",
			      .event = "mql", .payload = ""};

	/* An empty payload is refused; "{}" is the smallest body. */
	assert_int_equal(lq_store_outbox_add(f->s, &bare, &err), LQ_EINVAL);
	bare.payload = "{}";
	assert_int_equal(lq_store_outbox_add(f->s, &full, &err), 0);
	assert_int_equal(lq_store_outbox_add(f->s, &bare, &err), 0);
	assert_true(bare.id > full.id);

	reopen(f);
	assert_int_equal(lq_store_outbox_get(f->s, full.id, &g, &err), 0);
	assert_int_equal(g.id, full.id);
	assert_string_equal(g.delivery_id, full.delivery_id);
	assert_int_equal(g.webhook_id, 4);
	assert_string_equal(g.url, "https://hooks.example/in");
	assert_string_equal(g.secret, "s3cr3t");
	assert_string_equal(g.event, "sla_overdue");
	assert_int_equal(g.lead_id, 17);
	assert_string_equal(g.payload, full.payload);
	assert_int_equal(g.created_at, T0);
	assert_int_equal(g.attempts, 3);
	assert_int_equal(g.next_at, T0 + 9000);
	assert_int_equal(g.status, LQ_OUTBOX_DELIVERED);
	assert_string_equal(g.last_error, "http 503");
	assert_int_equal(g.delivered_at, T0 + 9500);
	lq_outbox_row_free(&g);
	assert_null(g.url);   /* _free leaves the record empty */

	assert_int_equal(lq_store_outbox_get(f->s, bare.id, &g, &err), 0);
	assert_string_equal(g.delivery_id, "d-bare");
	assert_int_equal(g.webhook_id, 0);
	assert_null(g.secret);
	assert_int_equal(g.lead_id, 0);
	assert_string_equal(g.payload, "{}");
	assert_int_equal(g.created_at, 0);
	assert_int_equal(g.attempts, 0);
	assert_int_equal(g.next_at, 0);
	assert_int_equal(g.status, LQ_OUTBOX_PENDING);
	assert_null(g.last_error);
	assert_int_equal(g.delivered_at, 0);
	lq_outbox_row_free(&g);
	lq_outbox_row_free(NULL);
	lq_outbox_rows_free(NULL, 0);

	assert_int_equal(lq_store_outbox_get(f->s, 999, &g, &err),
			 LQ_ENOTFOUND);
	assert_string_equal(err.msg, "no outbox row 999");
	assert_null(g.delivery_id);
}

static void test_outbox_add_errors(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t first = add_row(f->s, "d-1", LQ_OUTBOX_PENDING, T0);
	lq_outbox_row r = {.delivery_id = "d-1", .url = "http://h/x",
			   .event = "mql", .payload = "{}", .next_at = T0};

	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_ECONFLICT);
	char want[96];
	snprintf(want, sizeof want, "delivery id d-1 already belongs to "
		 "outbox row %lld", (long long)first);
	assert_string_equal(err.msg, want);
	assert_string_equal(err.field, "delivery_id");
	assert_int_equal(r.id, 0);
	assert_int_equal(counts(f->s).outbox, 1);
	/* The statement is usable again right after the conflict. */
	r.delivery_id = "d-2";
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), 0);

	r.delivery_id = NULL;
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "outbox row has no delivery id");
	r.delivery_id = "d-3";
	r.url = NULL;
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "outbox row has no url");
	r.url = "http://h/x";
	r.event = "";
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "outbox row has no event");
	r.event = "mql";
	r.payload = NULL;
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "outbox row has no payload");
	r.payload = "{}";
	r.status = (lq_outbox_status)3;
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_EINVAL);
	r.status = (lq_outbox_status)-1;
	assert_int_equal(lq_store_outbox_add(f->s, &r, &err), LQ_EINVAL);
	assert_int_equal(counts(f->s).outbox, 2);
}

/* Ids of an outbox listing, in order. */
static size_t row_ids(lq_outbox_row *r, size_t n, int64_t *ids)
{
	for (size_t i = 0; i < n; i++)
		ids[i] = r[i].id;
	lq_outbox_rows_free(r, n);
	return n;
}

#define ASSERT_ROWS(call, ...)                                              \
	do {                                                                \
		const int64_t want_[] = {__VA_ARGS__};                      \
		int64_t got_[16];                                           \
		lq_outbox_row *r_;                                          \
		size_t n_;                                                  \
		assert_int_equal((call), 0);                                \
		assert_true(n_ <= 16);                                      \
		assert_int_equal(row_ids(r_, n_, got_),                     \
				 sizeof want_ / sizeof want_[0]);           \
		assert_memory_equal(got_, want_, sizeof want_);             \
	} while (0)

static void test_outbox_due(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_outbox_row *r;
	size_t n;
	int64_t late = add_row(f->s, "a", LQ_OUTBOX_PENDING, T0 + 30);
	int64_t tie1 = add_row(f->s, "b", LQ_OUTBOX_PENDING, T0 + 10);
	add_row(f->s, "c", LQ_OUTBOX_DELIVERED, T0);
	int64_t tie2 = add_row(f->s, "d", LQ_OUTBOX_PENDING, T0 + 10);
	int64_t future = add_row(f->s, "e", LQ_OUTBOX_PENDING, T0 + 100);
	add_row(f->s, "f", LQ_OUTBOX_DEAD, T0);

	ASSERT_ROWS(lq_store_outbox_due(f->s, T0 + 50, 10, &r_, &n_, &err),
		    tie1, tie2, late);
	ASSERT_ROWS(lq_store_outbox_due(f->s, T0 + 50, 2, &r_, &n_, &err),
		    tie1, tie2);
	ASSERT_ROWS(lq_store_outbox_due(f->s, T0 + 50, 1, &r_, &n_, &err),
		    tie1);
	/* next_at == now is due. */
	ASSERT_ROWS(lq_store_outbox_due(f->s, T0 + 10, 10, &r_, &n_, &err),
		    tie1, tie2);
	ASSERT_ROWS(lq_store_outbox_due(f->s, T0 + 100, 0, &r_, &n_, &err),
		    tie1, tie2, late, future);

	assert_int_equal(lq_store_outbox_due(f->s, T0 + 9, 10, &r, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(r);

	/* Once delivered, a row is no longer due. */
	lq_outbox_row g;
	assert_int_equal(lq_store_outbox_get(f->s, tie1, &g, &err), 0);
	g.status = LQ_OUTBOX_DELIVERED;
	g.delivered_at = T0 + 11;
	assert_int_equal(lq_store_outbox_update(f->s, &g, &err), 0);
	lq_outbox_row_free(&g);
	ASSERT_ROWS(lq_store_outbox_due(f->s, T0 + 50, 10, &r_, &n_, &err),
		    tie2, late);
}

static void test_outbox_list(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_outbox_row *r = (lq_outbox_row *)1;
	size_t n = 7;
	int64_t p1 = add_row(f->s, "a", LQ_OUTBOX_PENDING, T0);
	int64_t d1 = add_row(f->s, "b", LQ_OUTBOX_DELIVERED, T0);
	int64_t x1 = add_row(f->s, "c", LQ_OUTBOX_DEAD, T0);
	int64_t p2 = add_row(f->s, "d", LQ_OUTBOX_PENDING, T0 + 99);
	int64_t d2 = add_row(f->s, "e", LQ_OUTBOX_DELIVERED, T0);

	ASSERT_ROWS(lq_store_outbox_list(f->s, -1, 0, &r_, &n_, &err),
		    d2, p2, x1, d1, p1);
	ASSERT_ROWS(lq_store_outbox_list(f->s, -1, 2, &r_, &n_, &err), d2, p2);
	ASSERT_ROWS(lq_store_outbox_list(f->s, LQ_OUTBOX_PENDING, 0, &r_, &n_,
					 &err), p2, p1);
	ASSERT_ROWS(lq_store_outbox_list(f->s, LQ_OUTBOX_DELIVERED, 0, &r_,
					 &n_, &err), d2, d1);
	ASSERT_ROWS(lq_store_outbox_list(f->s, LQ_OUTBOX_DELIVERED, 1, &r_,
					 &n_, &err), d2);
	ASSERT_ROWS(lq_store_outbox_list(f->s, LQ_OUTBOX_DEAD, 5, &r_, &n_,
					 &err), x1);

	/* Rows come back whole. */
	assert_int_equal(lq_store_outbox_list(f->s, LQ_OUTBOX_DEAD, 0, &r, &n,
					      &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].delivery_id, "c");
	assert_string_equal(r[0].url, "http://h/x");
	assert_string_equal(r[0].secret, "k");
	assert_int_equal(r[0].status, LQ_OUTBOX_DEAD);
	lq_outbox_rows_free(r, n);

	r = (lq_outbox_row *)1;
	assert_int_equal(lq_store_outbox_list(f->s, 3, 0, &r, &n, &err),
			 LQ_EINVAL);
	assert_null(r);
	assert_int_equal(n, 0);
	assert_int_equal(lq_store_outbox_list(f->s, -2, 0, &r, &n, &err),
			 LQ_EINVAL);
}

static void test_outbox_update(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_outbox_row g;
	int64_t id = add_row(f->s, "d-1", LQ_OUTBOX_PENDING, T0);
	int64_t other = add_row(f->s, "d-2", LQ_OUTBOX_PENDING, T0);

	/* A failed attempt: retry later. */
	assert_int_equal(lq_store_outbox_get(f->s, id, &g, &err), 0);
	g.attempts = 1;
	g.next_at = T0 + 30000;
	g.last_error = strdup("cannot connect: refused");
	assert_int_equal(lq_store_outbox_update(f->s, &g, &err), 0);
	lq_outbox_row_free(&g);
	assert_int_equal(lq_store_outbox_get(f->s, id, &g, &err), 0);
	assert_int_equal(g.attempts, 1);
	assert_int_equal(g.next_at, T0 + 30000);
	assert_int_equal(g.status, LQ_OUTBOX_PENDING);
	assert_string_equal(g.last_error, "cannot connect: refused");
	assert_int_equal(g.delivered_at, 0);

	/* Delivered: the error clears, the rest of the row is untouched. */
	g.attempts = 2;
	g.status = LQ_OUTBOX_DELIVERED;
	free(g.last_error);
	g.last_error = NULL;
	g.delivered_at = T0 + 30001;
	free(g.payload);
	g.payload = strdup("not written by update");
	assert_int_equal(lq_store_outbox_update(f->s, &g, &err), 0);
	lq_outbox_row_free(&g);
	assert_int_equal(lq_store_outbox_get(f->s, id, &g, &err), 0);
	assert_int_equal(g.attempts, 2);
	assert_int_equal(g.status, LQ_OUTBOX_DELIVERED);
	assert_null(g.last_error);
	assert_int_equal(g.delivered_at, T0 + 30001);
	assert_string_equal(g.payload, "{}");
	assert_string_equal(g.delivery_id, "d-1");
	assert_string_equal(g.url, "http://h/x");
	assert_int_equal(g.created_at, T0);
	lq_outbox_row_free(&g);

	/* Given up: dead. The other row never changed. */
	assert_int_equal(lq_store_outbox_get(f->s, other, &g, &err), 0);
	g.attempts = 8;
	g.status = LQ_OUTBOX_DEAD;
	g.last_error = strdup("http 500");
	assert_int_equal(lq_store_outbox_update(f->s, &g, &err), 0);
	lq_outbox_row_free(&g);
	assert_int_equal(lq_store_outbox_get(f->s, other, &g, &err), 0);
	assert_int_equal(g.status, LQ_OUTBOX_DEAD);
	assert_int_equal(g.attempts, 8);
	assert_string_equal(g.last_error, "http 500");

	g.status = (lq_outbox_status)9;
	assert_int_equal(lq_store_outbox_update(f->s, &g, &err), LQ_EINVAL);
	g.status = LQ_OUTBOX_PENDING;
	g.id = 999;
	assert_int_equal(lq_store_outbox_update(f->s, &g, &err), LQ_ENOTFOUND);
	assert_string_equal(err.msg, "no outbox row 999");
	lq_outbox_row_free(&g);
	assert_int_equal(counts(f->s).outbox, 2);
}

/* A status the code does not know (a newer leadq, a hand edit) is an
 * error, not a guess; the rows read before it are released. */
static void test_outbox_unknown_status(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_outbox_row *r = (lq_outbox_row *)1, g;
	size_t n = 5;
	sqlite3 *db;
	int64_t bad = add_row(f->s, "a", LQ_OUTBOX_PENDING, T0);

	add_row(f->s, "b", LQ_OUTBOX_PENDING, T0);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE outbox SET status = 'paused' "
				      "WHERE delivery_id = 'a'", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(lq_store_outbox_list(f->s, -1, 0, &r, &n, &err),
			 LQ_EIO);
	assert_null(r);
	assert_int_equal(n, 0);
	char want[96];
	snprintf(want, sizeof want, "outbox row %lld has an unknown status in "
		 "the database", (long long)bad);
	assert_string_equal(err.msg, want);
	assert_int_equal(lq_store_outbox_get(f->s, bad, &g, &err), LQ_EIO);
	lq_outbox_row_free(&g);
	/* The statements still work afterwards. */
	ASSERT_ROWS(lq_store_outbox_due(f->s, T0, 0, &r_, &n_, &err), bad + 1);
}

/* The delivery worker's query walks index outbox_status_next in order. */
static void test_outbox_due_uses_index(void **state)
{
	fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	lq_buf plan = LQ_BUF_INIT;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id "
					    "FROM outbox WHERE status = ?3 AND "
					    "next_at <= ?1 ORDER BY next_at, "
					    "id LIMIT ?2", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		lq_buf_adds(&plan, (const char *)sqlite3_column_text(st, 3));
		lq_buf_addc(&plan, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(strstr(lq_buf_str(&plan), "outbox_status_next"));
	assert_null(strstr(lq_buf_str(&plan), "TEMP B-TREE"));
	lq_buf_free(&plan);
}

/* ---- alerts raised once ----------------------------------------------------- */

static int alert(lq_store *s, int64_t lead, const char *kind, int64_t key)
{
	lq_error err = {0};
	int first = -1;

	assert_int_equal(lq_store_alert_once(s, lead, kind, key, &first, &err),
			 0);
	return first;
}

static void test_alert_once(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int first = -1;

	assert_int_equal(alert(f->s, 1, "sla_overdue", T0), 1);
	assert_int_equal(alert(f->s, 1, "sla_overdue", T0), 0);
	assert_int_equal(alert(f->s, 1, "sla_overdue", T0), 0);
	/* Any part of the key differing is another alert. */
	assert_int_equal(alert(f->s, 1, "sla_overdue", T0 + 1), 1);
	assert_int_equal(alert(f->s, 1, "mql", T0), 1);
	assert_int_equal(alert(f->s, 2, "sla_overdue", T0), 1);
	assert_int_equal(alert(f->s, 1, "sla_overdue", 0), 1);
	assert_int_equal(alert(f->s, 1, "sla_overdue", -5), 1);
	assert_int_equal(alert(f->s, 1, "sla_overdue", -5), 0);

	/* Remembered across a reopen. */
	reopen(f);
	assert_int_equal(alert(f->s, 1, "sla_overdue", T0), 0);
	assert_int_equal(alert(f->s, 2, "sla_overdue", T0), 0);
	assert_int_equal(alert(f->s, 3, "sla_overdue", T0), 1);

	/* first may be NULL; kind is required. */
	assert_int_equal(lq_store_alert_once(f->s, 4, "mql", 1, NULL, &err), 0);
	assert_int_equal(alert(f->s, 4, "mql", 1), 0);
	assert_int_equal(lq_store_alert_once(f->s, 4, NULL, 1, &first, &err),
			 LQ_EINVAL);
	assert_int_equal(first, 0);
	assert_string_equal(err.msg, "alert has no kind");
	assert_int_equal(lq_store_alert_once(f->s, 4, "", 1, &first, &err),
			 LQ_EINVAL);
}

/* ---- counters --------------------------------------------------------------- */

static int64_t next(lq_store *s, const char *name)
{
	lq_error err = {0};
	int64_t v = -1;

	assert_int_equal(lq_store_counter_next(s, name, &v, &err), 0);
	return v;
}

static void test_counters(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t v = -1;

	assert_int_equal(next(f->s, "route:emea"), 0);
	assert_int_equal(next(f->s, "route:emea"), 1);
	assert_int_equal(next(f->s, "route:emea"), 2);
	assert_int_equal(next(f->s, "route:amer"), 0);
	assert_int_equal(next(f->s, "route:emea"), 3);
	assert_int_equal(next(f->s, "Route:emea"), 0);   /* names are exact */

	/* Inside a transaction, and across a reopen. */
	assert_int_equal(lq_store_begin(f->s, &err), 0);
	assert_int_equal(next(f->s, "route:amer"), 1);
	assert_int_equal(next(f->s, "route:amer"), 2);
	assert_int_equal(lq_store_commit(f->s, &err), 0);
	reopen(f);
	assert_int_equal(next(f->s, "route:amer"), 3);
	assert_int_equal(next(f->s, "route:emea"), 4);

	assert_int_equal(lq_store_counter_next(f->s, NULL, &v, &err),
			 LQ_EINVAL);
	assert_string_equal(err.msg, "counter has no name");
	assert_int_equal(lq_store_counter_next(f->s, "", &v, &err), LQ_EINVAL);
	assert_int_equal(lq_store_counter_next(f->s, "route:apac", NULL, &err),
			 0);
	assert_int_equal(next(f->s, "route:apac"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_webhooks_round_trip),
		T(test_webhooks_remove),
		T(test_outbox_round_trip),
		T(test_outbox_add_errors),
		T(test_outbox_due),
		T(test_outbox_list),
		T(test_outbox_update),
		T(test_outbox_unknown_status),
		T(test_outbox_due_uses_index),
		T(test_alert_once),
		T(test_counters),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
