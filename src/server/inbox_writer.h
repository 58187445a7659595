/*
 * inbox_writer.h - the thread that appends the tracking API's requests to
 * the inbox (store/inbox.h) and acknowledges them.
 *
 * Requests queued while it commits are appended together, in one
 * transaction of the inbox file (group commit); each request's done
 * function is called after that commit, so an acknowledged request is
 * durable. Then it tells the writer (on_appended) that there is more to
 * apply. It also deletes, in the same transactions, the rows the writer
 * has applied (applied_fn), at most LQ_INBOX_TRIM_ROWS per transaction:
 * the writer applies thousands of rows at once, and deleting them all
 * in one group's commit (secure_delete zeroes every freed page) made
 * that group's answers wait (p99 of /v1/track 71-90 ms instead of 20-33
 * ms, docs/performance.md). It never touches the database itself, so an
 * acknowledgement never waits for the writer's transactions.
 *
 * Nor does it checkpoint the inbox's WAL in a commit (SQLite's automatic
 * checkpoint copied and fsynced inside every ~250th group's commit: 10-50
 * ms with the writer's I/O on the same disk, the p99 of /v1/track): past
 * LQ_INBOX_WAL_SOFT pages it pokes the checkpointer thread, whose passive
 * rounds copy the WAL off this thread. Under uninterrupted load those
 * rounds never catch up with the last commit, so the WAL cannot start
 * over; past LQ_INBOX_WAL_HARD pages this thread runs one passive
 * checkpoint itself (copying only what the rounds left, one fsync), and
 * its next commit starts the WAL over. Without a checkpointer it keeps
 * SQLite's automatic checkpoint.
 *
 * lq_inbox_writer_close refuses new requests and commits every accepted
 * one before returning.
 *
 * The inbox's size is measured after a commit (lq_inbox_bytes, at most
 * every 10 ms):
 * lq_inbox_writer_full says when it reached the limit given at start, so
 * that the tracking API answers 503 instead of letting a load the writer
 * cannot keep up with fill the disk (and the lag of every read grow).
 */
#ifndef LQ_INBOX_WRITER_H
#define LQ_INBOX_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/time.h"

#define LQ_INBOX_TRIM_ROWS 1024
#define LQ_INBOX_WAL_SOFT 1000
#define LQ_INBOX_WAL_HARD 65536   /* 256 MiB of 4 KiB pages */

struct lq_checkpointer;

typedef struct lq_inbox_writer lq_inbox_writer;

typedef struct lq_inbox_job lq_inbox_job;
struct lq_inbox_job {
	int kind;                  /* in: the endpoint (lq_seg_type) */
	lq_time received_at;
	const char *body;          /* kept alive by the caller until done */
	size_t len;
	int rc;                    /* out: 0 once durable, or the failure */
	lq_error err;
	void (*done)(lq_inbox_job *job);   /* last touch of the job */
	void *ctx;
	lq_inbox_job *next;        /* the queue's */
};

typedef struct lq_inbox_writer_fns {
	/* After each commit: the last id appended so far. */
	void (*on_appended)(void *ctx, int64_t last_id);
	/* The id up to which rows are applied (and may be deleted). */
	int64_t (*applied)(void *ctx);
	void *ctx;
} lq_inbox_writer_fns;

typedef struct lq_inbox_writer_stats {
	uint64_t commits;
	uint64_t jobs;             /* requests appended */
	uint64_t group_max;        /* most requests in one commit */
	uint64_t failed;           /* requests whose append failed */
	uint64_t inline_checkpoints;   /* WAL past LQ_INBOX_WAL_HARD */
	uint64_t wal_pages;        /* after the last commit (with a cp) */
	uint64_t bytes;            /* the inbox's size after the last commit */
} lq_inbox_writer_stats;

/* cp (may be NULL) checkpoints the inbox's WAL (see above); max_bytes
 * (0: none) is the limit of lq_inbox_writer_full. */
int lq_inbox_writer_start(const char *db, const lq_inbox_writer_fns *fns,
			  struct lq_checkpointer *cp, int64_t max_bytes,
			  lq_inbox_writer **out, lq_error *err);
/* The inbox holds max_bytes or more (of requests not applied, or applied
 * and not deleted yet); any thread. */
int lq_inbox_writer_full(lq_inbox_writer *iw);
/* Queue job; LQ_ECONFLICT once closing (job untouched). */
int lq_inbox_writer_submit(lq_inbox_writer *iw, lq_inbox_job *job);
/* The last id acknowledged (0 before any). */
int64_t lq_inbox_writer_acked(lq_inbox_writer *iw);
void lq_inbox_writer_stats_get(lq_inbox_writer *iw, lq_inbox_writer_stats *out);
void lq_inbox_writer_close(lq_inbox_writer *iw);
void lq_inbox_writer_stop(lq_inbox_writer *iw);   /* close + free; NULL ok */

#endif
