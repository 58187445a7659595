/*
 * inbox_writer.c - the tracking API's acknowledgements: a thread that
 * appends every request queued to the inbox in one transaction and
 * answers them after its commit (see inbox_writer.h).
 */
#include "server/inbox_writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "server/checkpointer.h"
#include "server/mono.h"
#include "store/inbox.h"

struct lq_inbox_writer {
	lq_inbox *ib;
	lq_checkpointer *cp;       /* NULL: SQLite's automatic checkpoints */
	lq_inbox_writer_fns fns;
	pthread_t thread;
	int running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	lq_inbox_job *head, *tail;
	int stopping;
	int64_t acked;             /* atomic */
	int64_t max_bytes;         /* 0: no limit */
	int64_t bytes;             /* atomic: lq_inbox_bytes after a commit */
	int64_t measured_us;       /* when (thread only) */
	int64_t trimmed;           /* rows deleted up to here (thread only) */
	lq_inbox_writer_stats stats;
};

/* Append list in one transaction; rc for all of them. */
static int append_all(lq_inbox_writer *iw, lq_inbox_job *list, size_t *n,
		      int64_t *last, lq_error *err)
{
	int64_t applied = iw->fns.applied(iw->fns.ctx);
	size_t deleted = 0;
	int rc = lq_inbox_begin(iw->ib, err);
	for (lq_inbox_job *j = list; rc == 0 && j; j = j->next, (*n)++)
		rc = lq_inbox_append(iw->ib, j->kind, j->received_at, j->body,
				     j->len, last, err);
	if (rc == 0 && applied > iw->trimmed)
		rc = lq_inbox_trim(iw->ib, applied, LQ_INBOX_TRIM_ROWS,
				   &deleted, err);
	if (rc == 0)
		rc = lq_inbox_commit(iw->ib, err);
	else
		lq_inbox_rollback(iw->ib);
	if (rc == 0 && applied > iw->trimmed && deleted < LQ_INBOX_TRIM_ROWS)
		iw->trimmed = applied;
	return rc;
}

/* The inbox's size, for lq_inbox_writer_full and /metrics: at most every
 * MEASURE_GAP_US (a measure is ~6 us; under load thousands of commits a
 * second follow each other). */
#define MEASURE_GAP_US 10000

static void measure(lq_inbox_writer *iw)
{
	lq_error err;
	int64_t bytes = 0, now = lq_mono_us();
	if (iw->measured_us && now - iw->measured_us < MEASURE_GAP_US)
		return;
	iw->measured_us = now;
	lq_error_clear(&err);
	if (lq_inbox_bytes(iw->ib, &bytes, &err) == 0)
		__atomic_store_n(&iw->bytes, bytes, __ATOMIC_RELEASE);
}

/* After a commit: the WAL's size decides who copies it (inbox_writer.h).
 * The requests of the group were answered before. */
static void after_commit(lq_inbox_writer *iw)
{
	int frames = iw->cp ? lq_inbox_wal_frames(iw->ib) : 0;
	lq_error err;

	measure(iw);
	pthread_mutex_lock(&iw->lock);
	iw->stats.wal_pages = (uint64_t)frames;
	pthread_mutex_unlock(&iw->lock);
	if (frames < LQ_INBOX_WAL_SOFT)
		return;
	if (frames < LQ_INBOX_WAL_HARD) {
		lq_checkpointer_poke(iw->cp, 0);
		return;
	}
	lq_error_clear(&err);
	if (lq_inbox_checkpoint(iw->ib, &err)) {
		fprintf(stderr, "leadq: cannot checkpoint the tracking inbox: "
			"%s\n", err.msg);
		return;
	}
	pthread_mutex_lock(&iw->lock);
	iw->stats.inline_checkpoints++;
	pthread_mutex_unlock(&iw->lock);
}

static void run_group(lq_inbox_writer *iw, lq_inbox_job *list)
{
	lq_error err;
	size_t n = 0;
	int64_t last = 0;

	lq_error_clear(&err);
	int rc = append_all(iw, list, &n, &last, &err);
	if (rc == 0) {
		__atomic_store_n(&iw->acked, last, __ATOMIC_RELEASE);
		iw->fns.on_appended(iw->fns.ctx, last);
	}
	pthread_mutex_lock(&iw->lock);
	if (rc == 0) {
		iw->stats.commits++;
		iw->stats.jobs += n;
		if (n > iw->stats.group_max)
			iw->stats.group_max = n;
	}
	pthread_mutex_unlock(&iw->lock);
	size_t failed = 0;
	for (lq_inbox_job *j = list, *next; j; j = next) {
		next = j->next;
		j->rc = rc;
		if (rc) {
			j->err = err;
			failed++;
		}
		j->done(j);
	}
	if (failed) {
		pthread_mutex_lock(&iw->lock);
		iw->stats.failed += failed;
		pthread_mutex_unlock(&iw->lock);
	}
	if (rc == 0)
		after_commit(iw);
}

static void *inbox_writer_main(void *arg)
{
	lq_inbox_writer *iw = arg;
	pthread_setname_np(pthread_self(), "lq-inbox"); /* top -H, perf */
	for (;;) {
		pthread_mutex_lock(&iw->lock);
		while (!iw->head && !iw->stopping)
			pthread_cond_wait(&iw->wake, &iw->lock);
		lq_inbox_job *list = iw->head;
		iw->head = iw->tail = NULL;
		int stopping = iw->stopping;
		pthread_mutex_unlock(&iw->lock);
		if (list)
			run_group(iw, list);
		else if (stopping)
			return NULL;
	}
}

int lq_inbox_writer_start(const char *db, const lq_inbox_writer_fns *fns,
			  lq_checkpointer *cp, int64_t max_bytes,
			  lq_inbox_writer **out, lq_error *err)
{
	lq_inbox_writer *iw = lq_xcalloc(1, sizeof *iw);
	int rc = lq_inbox_open(db, &iw->ib, err);
	iw->cp = cp;
	iw->max_bytes = max_bytes;
	if (rc == 0)
		measure(iw);
	if (rc == 0 && cp)
		lq_inbox_manual_checkpoints(iw->ib);
	if (rc == 0)
		rc = lq_inbox_last_id(iw->ib, &iw->acked, err);
	if (rc) {
		lq_inbox_close(iw->ib);
		free(iw);
		return rc;
	}
	iw->fns = *fns;
	pthread_mutex_init(&iw->lock, NULL);
	pthread_cond_init(&iw->wake, NULL);
	if (pthread_create(&iw->thread, NULL, inbox_writer_main, iw)) {
		lq_inbox_close(iw->ib);
		pthread_mutex_destroy(&iw->lock);
		pthread_cond_destroy(&iw->wake);
		free(iw);
		return lq_error_set(err, LQ_EINTERNAL, "cannot start the inbox thread");
	}
	iw->running = 1;
	*out = iw;
	return 0;
}

int lq_inbox_writer_submit(lq_inbox_writer *iw, lq_inbox_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&iw->lock);
	if (iw->stopping) {
		pthread_mutex_unlock(&iw->lock);
		return LQ_ECONFLICT;
	}
	if (iw->tail)
		iw->tail->next = job;
	else
		iw->head = job;
	iw->tail = job;
	pthread_cond_signal(&iw->wake);
	pthread_mutex_unlock(&iw->lock);
	return 0;
}

int64_t lq_inbox_writer_acked(lq_inbox_writer *iw)
{
	return __atomic_load_n(&iw->acked, __ATOMIC_ACQUIRE);
}

int lq_inbox_writer_full(lq_inbox_writer *iw)
{
	return iw->max_bytes > 0 &&
	       __atomic_load_n(&iw->bytes, __ATOMIC_ACQUIRE) >= iw->max_bytes;
}

void lq_inbox_writer_stats_get(lq_inbox_writer *iw, lq_inbox_writer_stats *out)
{
	pthread_mutex_lock(&iw->lock);
	*out = iw->stats;
	pthread_mutex_unlock(&iw->lock);
	out->bytes = (uint64_t)__atomic_load_n(&iw->bytes, __ATOMIC_ACQUIRE);
}

void lq_inbox_writer_close(lq_inbox_writer *iw)
{
	if (!iw)
		return;
	pthread_mutex_lock(&iw->lock);
	iw->stopping = 1;
	pthread_cond_signal(&iw->wake);
	int running = iw->running;
	iw->running = 0;
	pthread_mutex_unlock(&iw->lock);
	if (running)
		pthread_join(iw->thread, NULL);
}

void lq_inbox_writer_stop(lq_inbox_writer *iw)
{
	if (!iw)
		return;
	lq_inbox_writer_close(iw);
	lq_inbox_close(iw->ib);
	pthread_mutex_destroy(&iw->lock);
	pthread_cond_destroy(&iw->wake);
	free(iw);
}
