/*
 * inbox.h - the tracking API's durable inbox: requests to the /v1 endpoints are
 * appended here (one row per request: its endpoint, the time it arrived
 * and its body) and acknowledged once that append is committed; the
 * server's writer applies them to the database later, in order, in
 * larger transactions (server/writer.c).
 *
 * A file of its own beside the database (PATH-inbox, WAL), so appending
 * never waits for the writer's transactions on the database, nor they
 * for it. Which rows are applied is recorded in the database itself
 * (the counter 'inbox_applied', written in the same transaction as what
 * they changed): a row is applied exactly once, even when the process
 * dies between that commit and the row's deletion. Ids only grow
 * (AUTOINCREMENT), also after every row was deleted.
 *
 * One connection per thread; functions return 0 or a negative LQ_E*.
 */
#ifndef LQ_INBOX_H
#define LQ_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/time.h"

typedef struct lq_inbox lq_inbox;

typedef struct lq_inbox_row {
	int64_t id;
	int kind;                 /* the endpoint (lq_seg_type) */
	lq_time received_at;
	const char *body;         /* valid during the callback only */
	size_t len;
} lq_inbox_row;

/* Open (creating when missing) the inbox of the database at db_path. */
int lq_inbox_open(const char *db_path, lq_inbox **out, lq_error *err);
void lq_inbox_close(lq_inbox *ib);   /* NULL is a no-op */

/* The inbox's file name for db_path (caller frees). */
char *lq_inbox_path(const char *db_path);

int lq_inbox_begin(lq_inbox *ib, lq_error *err);
int lq_inbox_commit(lq_inbox *ib, lq_error *err);
void lq_inbox_rollback(lq_inbox *ib);

/* Inside a transaction: append a request; *id gets its row id. */
int lq_inbox_append(lq_inbox *ib, int kind, lq_time received_at,
		    const char *body, size_t len, int64_t *id, lq_error *err);
/* Inside a transaction: delete the oldest rows up to id upto (applied
 * ones), at most max_rows of them (0: all); *deleted (when not NULL)
 * gets how many were. */
int lq_inbox_trim(lq_inbox *ib, int64_t upto, size_t max_rows,
		  size_t *deleted, lq_error *err);

/* Delete the rows up to upto, give the file's free pages back and fold
 * the inbox's WAL into its file, emptying the WAL (its own transaction):
 * what was deleted leaves no copy behind (secure_delete), e.g. after a
 * lead was forgotten, and the file is as small as what it still holds. */
int lq_inbox_compact(lq_inbox *ib, int64_t upto, lq_error *err);

/* Checkpoints on request, for the connection that appends (the
 * server's inbox thread): its commits never copy the WAL into the file
 * and fsync (the automatic checkpoint did, every 1000 pages: those
 * commits took 10-50 ms and every request waiting behind them did too,
 * the p99 of /v1/track). lq_inbox_wal_frames is the WAL's size in pages
 * after this connection's last commit. */
void lq_inbox_manual_checkpoints(lq_inbox *ib);
int lq_inbox_wal_frames(const lq_inbox *ib);
/* A passive checkpoint: copy what the WAL holds into the file as far as
 * no reader needs it, without waiting for (or blocking) the other
 * connections. Busy is not an error (the next round copies it). */
int lq_inbox_checkpoint(lq_inbox *ib, lq_error *err);

/* Call fn for each row with an id above after, in id order, at most
 * limit rows (one read transaction). fn returns 0 to go on, anything else
 * stops the walk and is returned. */
typedef int (*lq_inbox_fn)(void *ctx, const lq_inbox_row *row);
int lq_inbox_each(lq_inbox *ib, int64_t after, size_t limit, lq_inbox_fn fn,
		  void *ctx, lq_error *err);

/* The bytes of the file's pages in use (the rows not deleted yet, with
 * their B-tree): what a limit on the inbox's size compares. */
int lq_inbox_bytes(lq_inbox *ib, int64_t *bytes, lq_error *err);

/* The highest id ever given (0 when none). */
int lq_inbox_last_id(lq_inbox *ib, int64_t *id, lq_error *err);
/* Make every id given from now on larger than id (its own transaction):
 * an inbox newer than the database's record of what it applied (a new
 * file, a database restored...) must not reuse ids taken as applied. */
int lq_inbox_ids_after(lq_inbox *ib, int64_t id, lq_error *err);

#endif
