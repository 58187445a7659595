/*
 * checkpointer.h - the server's WAL checkpointer: a thread with its own
 * connections that runs passive checkpoints of the database and of the
 * tracking inbox whenever the writer or the inbox thread says a WAL grew
 * (writer.h, inbox_writer.h), so that copying pages into a file and
 * fsyncing it happen off their threads. Never blocks a writer or a
 * reader; never writes rows.
 *
 * Rounds are at least LQ_CHECKPOINT_GAP_MS apart unless the writer asks
 * for an urgent one: a round copies the newest version of each page once,
 * so spacing them copies a page rewritten by many group commits (an
 * index's hot pages) once rather than once per commit, and fsyncs less.
 */
#ifndef LQ_CHECKPOINTER_H
#define LQ_CHECKPOINTER_H

#include <stdint.h>

#include "core/error.h"

#define LQ_CHECKPOINT_GAP_MS 100

typedef struct lq_checkpointer lq_checkpointer;
struct lq_store;

int lq_checkpointer_start(const char *db, lq_checkpointer **out,
			  lq_error *err);
/* Ask for a round soon; urgent: without waiting for the gap. Returns a
 * ticket: lq_checkpointer_caught_up(cp, ticket) is true once a round that
 * started after this call has ended. Any thread; does not block. */
uint64_t lq_checkpointer_poke(lq_checkpointer *cp, int urgent);
int lq_checkpointer_caught_up(lq_checkpointer *cp, uint64_t ticket);
/* Run a passive checkpoint on store (another connection: the writer's)
 * unless the checkpointer's own round is in progress (two cannot run at
 * once: the second would copy nothing); 1 when it ran. */
int lq_checkpointer_try_on(lq_checkpointer *cp, struct lq_store *store,
			   lq_error *err);
/* Rounds run so far. */
uint64_t lq_checkpointer_count(lq_checkpointer *cp);
/* Finish the round in progress, stop and close. NULL is a no-op. */
void lq_checkpointer_stop(lq_checkpointer *cp);

#endif
