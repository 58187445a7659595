/*
 * test_store_fixture.h - the fixture the store unit tests share: a fresh
 * database file in its own temporary directory per test (setup/teardown),
 * reopening it, and a few lines to add an account or a lead and to count
 * rows. Include after cmocka.h.
 */
#ifndef LQ_TEST_STORE_FIXTURE_H
#define LQ_TEST_STORE_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

#define T0 1772323200000LL   /* 2026-03-01T00:00:00Z */
/* The schema version a database has after every migration
 * (src/store/migrations.c). */
#define LATEST_SCHEMA 9

typedef struct fixture {
	char dir[64];
	char path[128];
	lq_store *s;
} fixture;

static inline void remove_db_files(const fixture *f)
{
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[160];

	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
}

static inline int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	lq_error err = {0};

	snprintf(f->dir, sizeof f->dir, "/tmp/leadq-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/leadq.db", f->dir);
	if (lq_store_open(f->path, 1, &f->s, &err) != 0) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	fixture *f = *state;

	lq_store_close(f->s);
	remove_db_files(f);
	rmdir(f->dir);
	free(f);
	return 0;
}

static inline void reopen(fixture *f)
{
	lq_error err = {0};

	lq_store_close(f->s);
	f->s = NULL;
	assert_int_equal(lq_store_open(f->path, 0, &f->s, &err), 0);
}

static inline int64_t add_account(lq_store *s, const char *domain)
{
	lq_account a;
	lq_error err = {0};

	lq_account_init(&a);
	a.domain = strdup(domain);
	assert_int_equal(lq_store_account_put(s, &a, &err), 0);
	int64_t id = a.id;
	lq_account_free(&a);
	return id;
}

static inline int64_t add_lead(lq_store *s, const char *email, lq_stage stage,
			       const char *source, int64_t account_id)
{
	lq_lead l;
	lq_error err = {0};

	lq_lead_init(&l);
	l.email = email ? strdup(email) : NULL;
	l.source = source ? strdup(source) : NULL;
	l.stage = stage;
	l.account_id = account_id;
	assert_int_equal(lq_store_lead_put(s, &l, &err), 0);
	assert_true(l.id > 0);
	int64_t id = l.id;
	lq_lead_free(&l);
	return id;
}

/* Store one event (lq_store_event_add); returns its duplicate flag, *id
 * (may be NULL) its id. */
static inline int store_event(lq_store *s, int64_t lead, lq_time at,
			      const char *type, const char *msg_id,
			      int64_t *id)
{
	lq_event e;
	lq_error err = {0};
	int dup = -1;

	lq_event_init(&e);
	e.lead_id = lead;
	e.at = at;
	e.type = strdup(type);
	e.msg_id = msg_id ? strdup(msg_id) : NULL;
	assert_int_equal(lq_store_event_add(s, &e, &dup, &err), 0);
	if (id)
		*id = e.id;
	lq_event_free(&e);
	return dup;
}

static inline lq_store_counts counts(lq_store *s)
{
	lq_store_counts c;
	lq_error err = {0};

	assert_int_equal(lq_store_count(s, &c, &err), 0);
	return c;
}

#endif
