/*
 * test_service_fixture.h - a service over a fresh database file in its own
 * temporary directory, for unit tests that go through src/service/: open
 * it in a test's setup, remove every file of it in its teardown. Include
 * after cmocka.h.
 */
#ifndef LQ_TEST_SERVICE_FIXTURE_H
#define LQ_TEST_SERVICE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "service/service.h"

typedef struct svc_db {
	char dir[64];
	char path[128];
} svc_db;

/* Create the directory (/tmp/leadq-TAG-XXXXXX) and open a new database in
 * it with the clock at now; -1 when either fails. */
static inline int svc_db_open(svc_db *d, const char *tag, lq_time now,
			      lq_service **svc)
{
	lq_error err = {0};
	snprintf(d->dir, sizeof d->dir, "/tmp/leadq-%s-XXXXXX", tag);
	if (!mkdtemp(d->dir))
		return -1;
	snprintf(d->path, sizeof d->path, "%s/leadq.db", d->dir);
	if (lq_service_open(d->path, 1, now, svc, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Close svc and remove the database, its WAL files, its tracking inbox
 * (server/inbox_apply.h) and the directory. */
static inline void svc_db_close(svc_db *d, lq_service *svc)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-inbox",
					     "-inbox-wal", "-inbox-shm"};
	char p[160];
	lq_service_close(svc);
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", d->path, suffix[i]);
		unlink(p);
	}
	rmdir(d->dir);
}

#endif
