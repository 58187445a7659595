/*
 * test_store_lifecycle.c - unit tests of the store's lifecycle records
 * (migration 2) against a real database file per test: qualification
 * answers (upsert per item, separate per cycle), notes (oldest first) and
 * tasks (every filter, order by due then id, marking done), with absent
 * values and the errors for a missing lead or missing fields.
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

/* ---- qualification answers ------------------------------------------------ */

static void set_answer(lq_store *s, int64_t lead, int cycle, const char *item,
		       const char *value, lq_time at, const char *actor)
{
	lq_answer a = {.item = (char *)item, .value = (char *)value, .at = at,
		       .actor = (char *)actor};
	lq_error err = {0};

	assert_int_equal(lq_store_answer_set(s, lead, cycle, &a, &err), 0);
}

static void test_answers_round_trip(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_answer *a;
	size_t n;
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);

	/* Set out of name order; absent value, actor and time allowed. */
	set_answer(f->s, lead, 1, "timing", "2026-06-30", T0 + 3, "rep.joana");
	set_answer(f->s, lead, 1, "budget", "50000", T0 + 1, "rep.joana");
	set_answer(f->s, lead, 1, "need", NULL, 0, NULL);
	set_answer(f->s, lead, 1, "authority", "yes", T0 + 2, "rep.bob");

	assert_int_equal(lq_store_answers(f->s, lead, 1, &a, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(a[0].item, "authority");
	assert_string_equal(a[0].value, "yes");
	assert_int_equal(a[0].at, T0 + 2);
	assert_string_equal(a[0].actor, "rep.bob");
	assert_string_equal(a[1].item, "budget");
	assert_string_equal(a[1].value, "50000");
	assert_int_equal(a[1].at, T0 + 1);
	assert_string_equal(a[2].item, "need");
	assert_null(a[2].value);
	assert_int_equal(a[2].at, 0);
	assert_null(a[2].actor);
	assert_string_equal(a[3].item, "timing");
	assert_string_equal(a[3].value, "2026-06-30");
	assert_int_equal(a[3].at, T0 + 3);
	assert_string_equal(a[3].actor, "rep.joana");
	lq_answers_free(a, n);

	/* Survives a reopen. */
	reopen(f);
	assert_int_equal(lq_store_answers(f->s, lead, 1, &a, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(a[3].value, "2026-06-30");
	lq_answers_free(a, n);
	lq_answers_free(NULL, 0);
}

static void test_answer_upsert_replaces(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_answer *a;
	size_t n;
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);

	set_answer(f->s, lead, 1, "budget", "no", T0, "rep.bob");
	set_answer(f->s, lead, 1, "need", "yes", T0, "rep.bob");
	set_answer(f->s, lead, 1, "budget", "yes", T0 + 60000, "rep.joana");
	assert_int_equal(lq_store_answers(f->s, lead, 1, &a, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].item, "budget");
	assert_string_equal(a[0].value, "yes");
	assert_int_equal(a[0].at, T0 + 60000);
	assert_string_equal(a[0].actor, "rep.joana");
	assert_string_equal(a[1].item, "need");
	assert_string_equal(a[1].value, "yes");
	lq_answers_free(a, n);

	/* Replacing with absent values clears them. */
	set_answer(f->s, lead, 1, "budget", NULL, 0, NULL);
	assert_int_equal(lq_store_answers(f->s, lead, 1, &a, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_null(a[0].value);
	assert_null(a[0].actor);
	assert_int_equal(a[0].at, 0);
	lq_answers_free(a, n);
}

static void test_answers_per_cycle_and_lead(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_answer *a;
	size_t n;
	int64_t ana = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);
	int64_t bob = add_lead(f->s, "bob@acme.io", LQ_STAGE_SAL, NULL, 0);

	set_answer(f->s, ana, 1, "budget", "no", T0, "r");
	set_answer(f->s, ana, 2, "budget", "yes", T0 + 1, "r");
	set_answer(f->s, ana, 2, "need", "yes", T0 + 1, "r");
	set_answer(f->s, bob, 1, "budget", "unknown", T0, "r");

	assert_int_equal(lq_store_answers(f->s, ana, 1, &a, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].value, "no");
	lq_answers_free(a, n);
	assert_int_equal(lq_store_answers(f->s, ana, 2, &a, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].value, "yes");
	assert_string_equal(a[1].item, "need");
	lq_answers_free(a, n);
	assert_int_equal(lq_store_answers(f->s, bob, 1, &a, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].value, "unknown");
	lq_answers_free(a, n);

	/* A cycle without answers is empty, not an error. */
	a = (lq_answer *)1;
	n = 99;
	assert_int_equal(lq_store_answers(f->s, ana, 3, &a, &n, &err), 0);
	assert_null(a);
	assert_int_equal(n, 0);
}

static void test_answer_errors(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_answer a = {.item = "budget", .value = "yes"};
	lq_answer *out;
	size_t n;
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);

	assert_int_equal(lq_store_answer_set(f->s, 999, 1, &a, &err),
			 LQ_ENOTFOUND);
	assert_string_equal(err.msg, "no lead 999");
	assert_string_equal(err.field, "lead_id");
	assert_int_equal(lq_store_answer_set(f->s, 0, 1, &a, &err), LQ_EINVAL);
	assert_int_equal(lq_store_answer_set(f->s, lead, -1, &a, &err),
			 LQ_EINVAL);
	a.item = NULL;
	assert_int_equal(lq_store_answer_set(f->s, lead, 1, &a, &err),
			 LQ_EINVAL);
	assert_string_equal(err.msg, "answer has no item");
	a.item = "";
	assert_int_equal(lq_store_answer_set(f->s, lead, 1, &a, &err),
			 LQ_EINVAL);
	assert_int_equal(lq_store_answer_set(f->s, lead, 1, NULL, &err),
			 LQ_EINVAL);
	assert_int_equal(lq_store_answers(f->s, lead, 1, &out, &n, &err), 0);
	assert_int_equal(n, 0);
}

/* ---- notes ------------------------------------------------------------------ */

static void add_note(lq_store *s, int64_t lead, int cycle, lq_time at,
		     const char *actor, const char *text, int64_t *id)
{
	lq_note nt = {.lead_id = lead, .cycle = cycle, .at = at,
		      .actor = (char *)actor, .text = (char *)text};
	lq_error err = {0};

	assert_int_equal(lq_store_note_add(s, &nt, &err), 0);
	assert_true(nt.id > 0);
	if (id)
		*id = nt.id;
}

static void test_notes_round_trip(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_note *nt;
	size_t n;
	int64_t ana = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);
	int64_t bob = add_lead(f->s, "bob@acme.io", LQ_STAGE_SAL, NULL, 0);
	int64_t late, tie1, tie2;

	add_note(f->s, ana, 2, T0 + 500, "rep.joana", "second cycle: \"hot\"",
		 &late);
	add_note(f->s, ana, 1, T0 + 100, NULL, "first call", &tie1);
	add_note(f->s, bob, 1, T0, "rep.bob", "other lead", NULL);
	add_note(f->s, ana, 1, T0 + 100, "rep.joana", "", &tie2);

	assert_int_equal(lq_store_notes(f->s, ana, &nt, &n, &err), 0);
	assert_int_equal(n, 3);
	/* Oldest first, ties by id. */
	assert_int_equal(nt[0].id, tie1);
	assert_int_equal(nt[0].lead_id, ana);
	assert_int_equal(nt[0].cycle, 1);
	assert_int_equal(nt[0].at, T0 + 100);
	assert_null(nt[0].actor);
	assert_string_equal(nt[0].text, "first call");
	assert_int_equal(nt[1].id, tie2);
	assert_string_equal(nt[1].actor, "rep.joana");
	assert_string_equal(nt[1].text, "");
	assert_int_equal(nt[2].id, late);
	assert_int_equal(nt[2].cycle, 2);
	assert_int_equal(nt[2].at, T0 + 500);
	assert_string_equal(nt[2].actor, "rep.joana");
	assert_string_equal(nt[2].text, "second cycle: \"hot\"");
	lq_notes_free(nt, n);
	lq_notes_free(NULL, 0);

	assert_int_equal(lq_store_notes(f->s, bob, &nt, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(nt[0].text, "other lead");
	lq_notes_free(nt, n);
	assert_int_equal(lq_store_notes(f->s, 999, &nt, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(nt);
	assert_int_equal(counts(f->s).notes, 4);
}

static void test_note_errors(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_note nt = {.lead_id = 999, .cycle = 1, .at = T0, .text = "x"};

	assert_int_equal(lq_store_note_add(f->s, &nt, &err), LQ_ENOTFOUND);
	assert_string_equal(err.msg, "no lead 999");
	assert_int_equal(nt.id, 0);
	nt.lead_id = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);
	nt.text = NULL;
	assert_int_equal(lq_store_note_add(f->s, &nt, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "note has no text");
	nt.text = "x";
	nt.cycle = -1;
	assert_int_equal(lq_store_note_add(f->s, &nt, &err), LQ_EINVAL);
	nt.cycle = 0;
	nt.lead_id = 0;
	assert_int_equal(lq_store_note_add(f->s, &nt, &err), LQ_EINVAL);
	assert_string_equal(err.msg, "note has no lead");
	assert_int_equal(counts(f->s).notes, 0);
}

/* ---- tasks ------------------------------------------------------------------ */

static int64_t add_task(lq_store *s, int64_t lead, const char *owner,
			lq_time due, const char *text)
{
	lq_task t = {.lead_id = lead, .owner = (char *)owner, .due = due,
		     .text = (char *)text, .created_at = T0};
	lq_error err = {0};

	assert_int_equal(lq_store_task_add(s, &t, &err), 0);
	assert_true(t.id > 0);
	return t.id;
}

static void test_tasks_round_trip(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	lq_task *t;
	size_t n;
	int64_t lead = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);
	lq_task full = {.lead_id = lead, .owner = "rep.joana", .due = T0 + 50,
			.text = "send the proposal", .created_at = T0 + 1,
			.done_at = T0 + 40};
	lq_task bare = {.lead_id = lead, .due = T0 + 10};

	assert_int_equal(lq_store_task_add(f->s, &full, &err), 0);
	assert_int_equal(lq_store_task_add(f->s, &bare, &err), 0);
	assert_true(bare.id > full.id);

	assert_int_equal(lq_store_tasks(f->s, NULL, &t, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].id, bare.id);
	assert_int_equal(t[0].lead_id, lead);
	assert_null(t[0].owner);
	assert_int_equal(t[0].due, T0 + 10);
	assert_null(t[0].text);
	assert_int_equal(t[0].created_at, 0);
	assert_int_equal(t[0].done_at, 0);
	assert_int_equal(t[1].id, full.id);
	assert_int_equal(t[1].lead_id, lead);
	assert_string_equal(t[1].owner, "rep.joana");
	assert_int_equal(t[1].due, T0 + 50);
	assert_string_equal(t[1].text, "send the proposal");
	assert_int_equal(t[1].created_at, T0 + 1);
	assert_int_equal(t[1].done_at, T0 + 40);
	lq_tasks_free(t, n);
	lq_tasks_free(NULL, 0);

	/* Done: the time is recorded; the task stays listed. */
	assert_int_equal(lq_store_task_done(f->s, bare.id, T0 + 20, &err), 0);
	assert_int_equal(lq_store_tasks(f->s, NULL, &t, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].done_at, T0 + 20);
	assert_null(t[0].owner);
	lq_tasks_free(t, n);

	assert_int_equal(lq_store_task_done(f->s, 999, T0, &err), LQ_ENOTFOUND);
	assert_string_equal(err.msg, "no task 999");
	assert_int_equal(lq_store_task_done(f->s, bare.id, 0, &err), LQ_EINVAL);

	/* A missing lead; no lead at all. */
	bare.lead_id = 999;
	assert_int_equal(lq_store_task_add(f->s, &bare, &err), LQ_ENOTFOUND);
	assert_string_equal(err.msg, "no lead 999");
	bare.lead_id = 0;
	assert_int_equal(lq_store_task_add(f->s, &bare, &err), LQ_EINVAL);
	assert_int_equal(counts(f->s).tasks, 2);
}

/* Ids of a listing, in order, for short comparisons. */
static size_t task_ids(lq_store *s, const lq_task_filter *flt, int64_t *ids,
		       size_t cap)
{
	lq_error err = {0};
	lq_task *t;
	size_t n;

	assert_int_equal(lq_store_tasks(s, flt, &t, &n, &err), 0);
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++)
		ids[i] = t[i].id;
	lq_tasks_free(t, n);
	return n;
}

#define ASSERT_TASKS(flt, ...)                                              \
	do {                                                                \
		const int64_t want_[] = {__VA_ARGS__};                      \
		int64_t got_[16];                                           \
		size_t n_ = task_ids(f->s, (flt), got_, 16);                \
		assert_int_equal(n_, sizeof want_ / sizeof want_[0]);       \
		assert_memory_equal(got_, want_, sizeof want_);             \
	} while (0)

static void test_task_filters(void **state)
{
	fixture *f = *state;
	lq_error err = {0};
	int64_t ana = add_lead(f->s, "ana@acme.io", LQ_STAGE_SAL, NULL, 0);
	int64_t bob = add_lead(f->s, "bob@acme.io", LQ_STAGE_SAL, NULL, 0);
	/* ids 1..7, deliberately not in due order. */
	int64_t t1 = add_task(f->s, ana, "joana", T0 + 300, "a");
	int64_t t2 = add_task(f->s, bob, "joana", T0 + 100, "b");
	int64_t t3 = add_task(f->s, ana, "pedro", T0 + 200, "c");
	int64_t t4 = add_task(f->s, ana, NULL, T0 + 100, "d");
	int64_t t5 = add_task(f->s, bob, "pedro", T0 + 400, "e");
	int64_t t6 = add_task(f->s, ana, "joana", T0 + 100, "f");
	int64_t t7 = add_task(f->s, bob, "joana", T0 + 500, "g");

	assert_int_equal(lq_store_task_done(f->s, t6, T0 + 1, &err), 0);
	assert_int_equal(lq_store_task_done(f->s, t5, T0 + 1, &err), 0);

	lq_task_filter any = {0};
	ASSERT_TASKS(&any, t2, t4, t6, t3, t1, t5, t7);
	ASSERT_TASKS(NULL, t2, t4, t6, t3, t1, t5, t7);

	lq_task_filter joana = {.owner = "joana"};
	ASSERT_TASKS(&joana, t2, t6, t1, t7);
	lq_task_filter joana_open = {.owner = "joana", .open_only = 1};
	ASSERT_TASKS(&joana_open, t2, t1, t7);
	lq_task_filter open = {.open_only = 1};
	ASSERT_TASKS(&open, t2, t4, t3, t1, t7);

	/* due_before is strict: a task due exactly then is left out. */
	lq_task_filter before300 = {.due_before = T0 + 300};
	ASSERT_TASKS(&before300, t2, t4, t6, t3);
	lq_task_filter before101 = {.due_before = T0 + 101};
	ASSERT_TASKS(&before101, t2, t4, t6);
	lq_task_filter before100 = {.due_before = T0 + 100};
	size_t none = task_ids(f->s, &before100, (int64_t[16]){0}, 16);
	assert_int_equal(none, 0);

	lq_task_filter of_ana = {.lead_id = ana};
	ASSERT_TASKS(&of_ana, t4, t6, t3, t1);
	lq_task_filter ana_joana = {.lead_id = ana, .owner = "joana"};
	ASSERT_TASKS(&ana_joana, t6, t1);
	lq_task_filter ana_open_soon = {.lead_id = ana, .open_only = 1,
					.due_before = T0 + 250};
	ASSERT_TASKS(&ana_open_soon, t4, t3);
	lq_task_filter joana_open_soon = {.owner = "joana", .open_only = 1,
					  .due_before = T0 + 400};
	ASSERT_TASKS(&joana_open_soon, t2, t1);
	lq_task_filter of_bob_pedro = {.lead_id = bob, .owner = "pedro"};
	ASSERT_TASKS(&of_bob_pedro, t5);

	lq_task_filter nobody = {.owner = "nobody"};
	assert_int_equal(task_ids(f->s, &nobody, (int64_t[16]){0}, 16), 0);
	lq_task_filter no_lead = {.lead_id = 999};
	assert_int_equal(task_ids(f->s, &no_lead, (int64_t[16]){0}, 16), 0);

	lq_task *t = (lq_task *)1;
	size_t n = 9;
	lq_task_filter bad = {.lead_id = -1};
	assert_int_equal(lq_store_tasks(f->s, &bad, &t, &n, &err), LQ_EINVAL);
	assert_null(t);
	assert_int_equal(n, 0);
}

/* "My tasks by due date" walks index tasks_owner_due: no sort step. */
static void test_tasks_by_owner_use_index(void **state)
{
	fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	lq_buf plan = LQ_BUF_INIT;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	/* The store's statement for a filter with an owner and no lead. */
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id "
					    "FROM tasks WHERE owner = ?2 AND "
					    "(?1 IS NULL OR lead_id = ?1) AND "
					    "(?2 IS NULL OR owner = ?2) AND "
					    "(?3 = 0 OR done_at IS NULL) AND "
					    "(?4 IS NULL OR due < ?4) "
					    "ORDER BY due, id", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		lq_buf_adds(&plan, (const char *)sqlite3_column_text(st, 3));
		lq_buf_addc(&plan, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(strstr(lq_buf_str(&plan), "tasks_owner_due"));
	assert_null(strstr(lq_buf_str(&plan), "TEMP B-TREE"));
	lq_buf_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_answers_round_trip),
		T(test_answer_upsert_replaces),
		T(test_answers_per_cycle_and_lead),
		T(test_answer_errors),
		T(test_notes_round_trip),
		T(test_note_errors),
		T(test_tasks_round_trip),
		T(test_task_filters),
		T(test_tasks_by_owner_use_index),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
