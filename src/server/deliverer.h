/*
 * deliverer.h - the alert delivery loop inside `leadq serve`: every few
 * seconds one delivery pass (SLA sweep, then due outbox rows POSTed), on
 * its own connection and thread so a slow receiver never holds up
 * requests. `leadq deliver` runs the same pass once, for cron.
 */
#ifndef LQ_DELIVERER_H
#define LQ_DELIVERER_H

#include "core/error.h"
#include "server/writer.h"

typedef struct lq_deliverer lq_deliverer;

/* Start passes every interval_ms on db; clock gives `now`. */
int lq_deliverer_start(const char *db, long interval_ms, lq_clock_fn clock,
		       void *clock_ctx, lq_deliverer **out, lq_error *err);
/* Finish the pass in progress and stop. NULL is a no-op. */
void lq_deliverer_stop(lq_deliverer *d);

#endif
