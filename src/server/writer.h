/*
 * writer.h - the server's single writer. SQLite allows one writer at a
 * time, so every write runs on one thread with one connection:
 *
 *  - session jobs (tracking events, identify, lead upserts) queued at the
 *    same time share one transaction (group commit): many small requests,
 *    few commits. A group takes every session job queued when it starts,
 *    up to LQ_WRITER_GROUP_JOBS jobs or LQ_WRITER_GROUP_WEIGHT events.
 *    Each job runs inside its own savepoint, so a job that fails is undone
 *    alone and the others still commit. A job's caller learns its result
 *    only after the commit that holds its writes.
 *  - standalone jobs (sales actions, a new model...) run one at a time in
 *    their own transactions, in queue order. An erasure (a lead
 *    forgotten) is a standalone job that first deletes the inbox's
 *    applied rows and truncates its WAL, so that no copy of what the
 *    person sent stays there; that stalls the inbox's acknowledgements
 *    while it runs, so no other job does it.
 *
 * A job is handed over with lq_writer_submit, which returns at once; the
 * writer calls the job's done function on its thread once it ran. No
 * caller waits for it on a thread of its own: the HTTP routes suspend
 * their connection (http.h), since the writer applies the tracking
 * inbox before each job and that can take seconds under load. (The
 * tracking API does not come this way: its requests are acknowledged by
 * the inbox thread.)
 *
 * lq_writer_close refuses new jobs and runs everything accepted to its
 * end (committed, done called); nothing acknowledged is lost.
 *
 * The tracking API's requests reach the writer through the inbox
 * (store/inbox.h, inbox_writer.h): they are acknowledged once appended
 * there, and the writer applies them (inbox_apply.h) whenever the inbox
 * holds rows it has not applied, a few thousand events per transaction
 * (see writer.c), and always before any queued job: a job sees every
 * request acknowledged before it was queued. A watch
 * (lq_writer_watch_applied) lets a reader wait for the same without
 * holding its thread. The writer's close applies the whole inbox.
 *
 * The writer's connection does not checkpoint the WAL itself: after each
 * commit it asks the checkpointer (checkpointer.h) to, and only checkpoints
 * inline when the WAL passed LQ_WRITER_WAL_HARD bytes (see writer.c).
 */
#ifndef LQ_WRITER_H
#define LQ_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/time.h"
#include "server/checkpointer.h"
#include "service/service.h"

#define LQ_WRITER_GROUP_JOBS 4096
#define LQ_WRITER_GROUP_WEIGHT 50000

typedef struct lq_writer lq_writer;

/* The work of a job. session is NULL for standalone jobs. */
typedef int (*lq_write_fn)(lq_service *svc, lq_ingest *session, void *arg,
			   lq_error *err);

typedef lq_time (*lq_clock_fn)(void *ctx);

typedef struct lq_writer_job lq_writer_job;
/* Called on the writer thread once job->rc and job->err hold the result
 * (after the commit for a session job). It is the writer's last touch of
 * the job: the job may be freed from then on. */
typedef void (*lq_writer_done_fn)(lq_writer_job *job);

/* A job handed over with lq_writer_submit: the caller fills the first
 * fields and keeps the job alive until done is called. */
typedef enum lq_write_kind {
	LQ_WRITE_STANDALONE,     /* its own transaction */
	LQ_WRITE_SESSION,        /* joins a group commit */
	LQ_WRITE_ERASURE         /* standalone, the inbox compacted first */
} lq_write_kind;

struct lq_writer_job {
	lq_write_kind kind;
	lq_write_fn fn;
	void *arg;
	size_t weight;           /* events it writes (0 counts as 1) */
	lq_writer_done_fn done;
	void *ctx;               /* for done */
	int rc;                  /* the result: fn's, or the commit's */
	lq_error err;
	int64_t inbox_target;    /* the inbox applied up to this first: the
				    caller's (what was acknowledged when its
				    request came), or 0: all that was when
				    it is queued */
	lq_writer_job *next;     /* the writer's queue */
};

/* Open the writer's own service on db and start its thread. clock gives
 * `now` for each batch; cp (may be NULL: the writer then keeps SQLite's
 * automatic checkpoint) checkpoints the WAL for it. The events the writer
 * stores go to the recent events and are folded into the table
 * clustered by lead a slice at a time, between inbox passes, once there
 * are fold_min_rows of them (0: LQ_WRITER_FOLD_MIN_ROWS) and an eighth of
 * all events (lq_store_events_fold_step). */
#define LQ_WRITER_FOLD_MIN_ROWS 65536
/* The writer's page cache (its connection to the database): a pass reads
 * the pages of every lead it scores. */
#define LQ_WRITER_CACHE_MIB 256
typedef struct lq_writer_opts {
	int64_t fold_min_rows;    /* 0: LQ_WRITER_FOLD_MIN_ROWS */
	int cache_mib;            /* 0: LQ_WRITER_CACHE_MIB */
} lq_writer_opts;
int lq_writer_start(const char *db, lq_clock_fn clock, void *clock_ctx,
		    lq_checkpointer *cp, const lq_writer_opts *opts,
		    lq_writer **out, lq_error *err);

/* Queue job; 0 when accepted (job->done will be called), LQ_ECONFLICT
 * when the writer is closed (done is not called). */
int lq_writer_submit(lq_writer *w, lq_writer_job *job);

/* Bumped after any write that changes what readers cache (a new model,
 * webhooks): readers reopen their service when it moved. */
uint64_t lq_writer_generation(lq_writer *w);
void lq_writer_bump_generation(lq_writer *w);

/* The inbox thread appended rows up to last_id: apply them. */
void lq_writer_inbox_appended(lq_writer *w, int64_t last_id);
/* The inbox row up to which the database has applied. */
int64_t lq_writer_inbox_applied(lq_writer *w);
/* A wait until the inbox is applied up to target, holding no thread (a
 * request's connection sleeps meanwhile). The caller fills target,
 * deadline_ms (lq_mono_ms, server/mono.h; 0: none), done and
 * ctx, and keeps the watch alive until done is called. done is called
 * once, on the writer's thread (or the one closing it), as soon as the
 * inbox is applied up to target, the deadline passed, applying fails (the
 * wait would be in vain: see writer.c) or the writer closes. */
typedef struct lq_writer_watch lq_writer_watch;
struct lq_writer_watch {
	int64_t target;
	int64_t deadline_ms;
	void (*done)(lq_writer_watch *watch);
	void *ctx;
	lq_writer_watch *next;   /* the writer's */
};
/* 0: registered, done will be called; 1: nothing to wait for (done is
 * not called). */
int lq_writer_watch_applied(lq_writer *w, lq_writer_watch *watch);

/* Statistics for /metrics. */
typedef struct lq_writer_stats {
	uint64_t commits;       /* group commits */
	uint64_t jobs;          /* jobs run */
	uint64_t group_jobs;    /* session jobs run in group commits */
	uint64_t group_max;     /* the largest group commit, in jobs */
	uint64_t events;        /* events stored */
	uint64_t duplicates;
	uint64_t inline_checkpoints; /* WAL over the hard limit */
	uint64_t wal_pages;     /* in the WAL after the last commit */
	uint64_t queued;        /* jobs waiting now */
	uint64_t inbox_applies; /* transactions applying the inbox */
	uint64_t inbox_requests;/* inbox rows applied */
	uint64_t inbox_rejected;/* inbox rows rejected when applied */
	uint64_t inbox_failures;/* applies that failed (retried later) */
	uint64_t inbox_pending; /* rows acknowledged, not applied yet */
	uint64_t fold_steps;    /* slices of folds of recent events */
	uint64_t folded;        /* recent events moved by them */
	uint64_t pass_size;     /* the next inbox pass's limit, in requests
				   and events (grows while behind) */
	uint64_t cache_bytes;   /* the writer's page cache in use, after
				   the last inbox pass */
} lq_writer_stats;
void lq_writer_stats_get(lq_writer *w, lq_writer_stats *out);

/* Refuse new jobs, run every accepted one to its end and stop the
 * thread. Idempotent; NULL is a no-op. */
void lq_writer_close(lq_writer *w);
/* Close, then free. NULL is a no-op. */
void lq_writer_stop(lq_writer *w);

#endif
