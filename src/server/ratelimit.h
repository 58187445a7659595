/*
 * ratelimit.h - per-API-key token buckets for the HTTP server: each key
 * may spend `burst` requests at once, refilled at `rate_per_s` tokens per
 * second. Time is a parameter (milliseconds), never read here, so tests
 * are exact. Thread-safe: one mutex around the table. Memory is bounded:
 * a bucket that has refilled to full carries no information and is
 * dropped when room is needed; past max_keys busy buckets the least
 * recently used one goes.
 */
#ifndef LQ_RATELIMIT_H
#define LQ_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct lq_ratelimit lq_ratelimit;

#define LQ_RATELIMIT_MAX_KEYS 65536

/* rate_per_s <= 0 means unlimited (every take succeeds). A burst below 1
 * is taken as 1. Never NULL (out of memory exits). */
lq_ratelimit *lq_ratelimit_new(double rate_per_s, double burst);
/* The same, holding at most max_keys buckets (at least 1). */
lq_ratelimit *lq_ratelimit_new_max(double rate_per_s, double burst,
				   size_t max_keys);
void lq_ratelimit_free(lq_ratelimit *rl);   /* NULL is a no-op */

/* Take cost tokens (<= 0 counts as 0, more than burst as burst) from
 * key_id's bucket at time now_ms. 1: allowed (*retry_after_s = 0);
 * 0: refused, nothing taken, *retry_after_s = whole seconds until enough
 * tokens are there (rounded up, at least 1). retry_after_s may be NULL.
 * A NULL rl allows everything. A clock going backwards refills nothing. */
int lq_ratelimit_take(lq_ratelimit *rl, int64_t key_id, int64_t now_ms,
		      double cost, int *retry_after_s);

/* Buckets held now (for tests and metrics). */
size_t lq_ratelimit_count(lq_ratelimit *rl);

#endif
