/*
 * ratelimit.c - per-key token buckets in an open-addressing hash table
 * (linear probing, backward-shift deletion, load at most 1/2). Never reads
 * the clock and never blocks beyond its own short critical section.
 *
 * Bounded memory: when a new key needs room the table first drops idle
 * buckets (refilled to full: forgetting one changes nothing, a new bucket
 * starts full too), then grows while under max_keys, and at the cap drops
 * the least recently used bucket (that key gets a full bucket again; the
 * price of a bound, paid only with more than max_keys busy keys).
 */
#include "server/ratelimit.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/buf.h"

#define MIN_CAP 16
/* Token counts are sums of products of ms and a rate: allow for rounding. */
#define EPS 1e-9

typedef struct bucket {
	int64_t key;
	int64_t last_ms;      /* time of the last refill */
	double tokens;
	int used;
} bucket;

struct lq_ratelimit {
	pthread_mutex_t mu;
	double rate;          /* tokens per second; <= 0: unlimited */
	double burst;
	size_t max_keys;
	size_t cap, max_cap;  /* slots, a power of two */
	size_t n;             /* buckets held */
	bucket *slots;
};

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

lq_ratelimit *lq_ratelimit_new_max(double rate_per_s, double burst,
				   size_t max_keys)
{
	lq_ratelimit *rl = lq_xcalloc(1, sizeof *rl);
	pthread_mutex_init(&rl->mu, NULL);
	rl->rate = isfinite(rate_per_s) ? rate_per_s : 0;
	rl->burst = isfinite(burst) && burst >= 1 ? burst : 1;
	rl->max_keys = max_keys ? max_keys : 1;
	rl->max_cap = pow2_at_least(2 * rl->max_keys);
	rl->cap = rl->max_cap < MIN_CAP ? rl->max_cap : MIN_CAP;
	rl->slots = lq_xcalloc(rl->cap, sizeof *rl->slots);
	return rl;
}

lq_ratelimit *lq_ratelimit_new(double rate_per_s, double burst)
{
	return lq_ratelimit_new_max(rate_per_s, burst, LQ_RATELIMIT_MAX_KEYS);
}

void lq_ratelimit_free(lq_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->slots);
	free(rl);
}

/* ---- the table -------------------------------------------------------------- */

static size_t home_slot(const lq_ratelimit *rl, int64_t key)
{
	uint64_t x = (uint64_t)key;   /* splitmix64 finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (size_t)x & (rl->cap - 1);
}

/* The slot holding key, or the empty slot where it belongs. */
static size_t find_slot(const lq_ratelimit *rl, int64_t key)
{
	size_t i = home_slot(rl, key);
	while (rl->slots[i].used && rl->slots[i].key != key)
		i = (i + 1) & (rl->cap - 1);
	return i;
}

/* Empty slot i and pull later entries of its probe run back into the hole,
 * so lookups never meet a gap before their key. */
static void delete_slot(lq_ratelimit *rl, size_t i)
{
	size_t mask = rl->cap - 1, j = i;
	rl->slots[i].used = 0;
	rl->n--;
	for (;;) {
		j = (j + 1) & mask;
		if (!rl->slots[j].used)
			return;
		size_t h = home_slot(rl, rl->slots[j].key);
		if (((j - h) & mask) >= ((j - i) & mask)) {
			rl->slots[i] = rl->slots[j];
			rl->slots[j].used = 0;
			i = j;
		}
	}
}

static void resize(lq_ratelimit *rl, size_t cap)
{
	bucket *old = rl->slots;
	size_t oldcap = rl->cap;
	rl->slots = lq_xcalloc(cap, sizeof *rl->slots);
	rl->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			rl->slots[find_slot(rl, old[i].key)] = old[i];
	free(old);
}

/* ---- buckets ------------------------------------------------------------------ */

static double tokens_at(const lq_ratelimit *rl, const bucket *b, int64_t now)
{
	if (now <= b->last_ms)
		return b->tokens;
	double t = b->tokens + (double)(now - b->last_ms) * rl->rate / 1000.0;
	return t < rl->burst ? t : rl->burst;
}

static void refill(const lq_ratelimit *rl, bucket *b, int64_t now)
{
	b->tokens = tokens_at(rl, b, now);
	if (now > b->last_ms)
		b->last_ms = now;
}

static int is_idle(const lq_ratelimit *rl, const bucket *b, int64_t now)
{
	return tokens_at(rl, b, now) + EPS >= rl->burst;
}

static void sweep_idle(lq_ratelimit *rl, int64_t now)
{
	for (size_t i = 0; i < rl->cap; i++)
		while (rl->slots[i].used && is_idle(rl, &rl->slots[i], now))
			delete_slot(rl, i);
}

static void evict_lru(lq_ratelimit *rl)
{
	size_t victim = rl->cap;
	for (size_t i = 0; i < rl->cap; i++)
		if (rl->slots[i].used && (victim == rl->cap ||
		    rl->slots[i].last_ms < rl->slots[victim].last_ms))
			victim = i;
	if (victim < rl->cap)
		delete_slot(rl, victim);
}

static size_t limit(const lq_ratelimit *rl)
{
	return rl->cap / 2 < rl->max_keys ? rl->cap / 2 : rl->max_keys;
}

/* Make room for one more bucket: drop idle ones; grow when that freed
 * less than a quarter (so sweeps stay rare); at the cap drop the LRU. */
static void make_room(lq_ratelimit *rl, int64_t now)
{
	sweep_idle(rl, now);
	if (rl->n * 4 >= limit(rl) * 3 && rl->cap < rl->max_cap)
		resize(rl, rl->cap * 2);
	while (rl->n >= limit(rl))
		evict_lru(rl);
}

static bucket *get_bucket(lq_ratelimit *rl, int64_t key, int64_t now)
{
	size_t i = find_slot(rl, key);
	if (rl->slots[i].used)
		return &rl->slots[i];
	if (rl->n >= limit(rl)) {
		make_room(rl, now);
		i = find_slot(rl, key);
	}
	rl->slots[i] = (bucket){.key = key, .last_ms = now, .tokens = rl->burst,
				.used = 1};
	rl->n++;
	return &rl->slots[i];
}

static int seconds_until(const lq_ratelimit *rl, double missing)
{
	double s = ceil(missing / rl->rate - EPS);
	if (!(s < INT_MAX))
		return INT_MAX;
	return s < 1 ? 1 : (int)s;
}

int lq_ratelimit_take(lq_ratelimit *rl, int64_t key_id, int64_t now_ms,
		      double cost, int *retry_after_s)
{
	int allowed, retry = 0;

	if (!rl || !(rl->rate > 0)) {
		if (retry_after_s)
			*retry_after_s = 0;
		return 1;
	}
	if (!(cost > 0))
		cost = 0;
	if (cost > rl->burst)
		cost = rl->burst;
	pthread_mutex_lock(&rl->mu);
	bucket *b = get_bucket(rl, key_id, now_ms);
	refill(rl, b, now_ms);
	allowed = b->tokens + EPS >= cost;
	if (allowed)
		b->tokens = b->tokens > cost ? b->tokens - cost : 0;
	else
		retry = seconds_until(rl, cost - b->tokens);
	pthread_mutex_unlock(&rl->mu);
	if (retry_after_s)
		*retry_after_s = retry;
	return allowed;
}

size_t lq_ratelimit_count(lq_ratelimit *rl)
{
	size_t n;
	if (!rl)
		return 0;
	pthread_mutex_lock(&rl->mu);
	n = rl->n;
	pthread_mutex_unlock(&rl->mu);
	return n;
}
