/*
 * writer.h - the server's single writer. SQLite allows one writer at a
 * time, so every write runs on one thread with one connection:
 *
 *  - session jobs (tracking events, identify, lead upserts) queued at the
 *    same time share one transaction (group commit): many small requests,
 *    few commits. Each job runs inside its own savepoint, so a job that
 *    fails is undone alone and the others still commit. A job's caller is
 *    answered only after the commit that holds its writes.
 *  - standalone jobs (sales actions, a new model...) run one at a time in
 *    their own transactions, in queue order.
 *
 * On stop, everything queued is still run and committed before the thread
 * ends: nothing acknowledged is lost.
 */
#ifndef LQ_WRITER_H
#define LQ_WRITER_H

#include <stdint.h>

#include "core/error.h"
#include "core/time.h"
#include "service/service.h"

typedef struct lq_writer lq_writer;

/* The work of a job. session is NULL for standalone jobs. */
typedef int (*lq_write_fn)(lq_service *svc, lq_ingest *session, void *arg,
			   lq_error *err);

typedef lq_time (*lq_clock_fn)(void *ctx);

/* Open the writer's own service on db and start its thread. clock gives
 * `now` for each batch. */
int lq_writer_start(const char *db, lq_clock_fn clock, void *clock_ctx,
		    lq_writer **out, lq_error *err);

/* Run fn on the writer thread and wait for it (and, for a session job, for
 * the commit). Returns fn's result, or the commit's failure. */
int lq_writer_run(lq_writer *w, int session, lq_write_fn fn, void *arg,
		  lq_error *err);

/* Bumped after any write that changes what readers cache (a new model,
 * webhooks): readers reopen their service when it moved. */
uint64_t lq_writer_generation(lq_writer *w);
void lq_writer_bump_generation(lq_writer *w);

/* Statistics for /metrics. */
typedef struct lq_writer_stats {
	uint64_t commits;       /* group commits */
	uint64_t jobs;          /* jobs run */
	uint64_t events;        /* events stored */
	uint64_t duplicates;
} lq_writer_stats;
void lq_writer_stats_get(lq_writer *w, lq_writer_stats *out);

/* Run what is queued, then stop the thread and close. NULL is a no-op. */
void lq_writer_stop(lq_writer *w);

#endif
