/*
 * test_ratelimit.c - the per-key token bucket: burst, refill at exact
 * millisecond times, Retry-After values, independent keys, unlimited
 * rates, costs, a clock going backwards, bounded memory (idle and LRU
 * eviction), agreement with a naive model over a long random run, and
 * many threads on one bucket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <cmocka.h>

#include "server/ratelimit.h"

/* take and check the answer and the retry-after value in one line */
static void expect(lq_ratelimit *rl, int64_t key, int64_t now, double cost,
		   int allowed, int retry)
{
	int r = -1;
	int got = lq_ratelimit_take(rl, key, now, cost, &r);
	if (got != allowed || r != retry)
		fail_msg("key %lld at %lld ms, cost %g: got %d (retry %d), expected %d (retry %d)",
			 (long long)key, (long long)now, cost, got, r, allowed, retry);
}

static void test_burst(void **state)
{
	lq_ratelimit *rl = lq_ratelimit_new(1, 5);
	for (int i = 0; i < 5; i++)
		expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 1);
	expect(rl, 1, 0, 1, 0, 1);   /* a refusal takes nothing */
	expect(rl, 1, 999, 1, 0, 1);
	expect(rl, 1, 1000, 1, 1, 0);
	expect(rl, 1, 1000, 1, 0, 1);
	lq_ratelimit_free(rl);
}

static void test_refill_exact(void **state)
{
	lq_ratelimit *rl = lq_ratelimit_new(2, 2);   /* a token per 500 ms */
	expect(rl, 7, 0, 1, 1, 0);
	expect(rl, 7, 0, 1, 1, 0);
	expect(rl, 7, 0, 1, 0, 1);
	expect(rl, 7, 499, 1, 0, 1);
	expect(rl, 7, 500, 1, 1, 0);
	expect(rl, 7, 500, 1, 0, 1);
	expect(rl, 7, 1000, 1, 1, 0);
	/* a long pause refills to the burst, not beyond */
	expect(rl, 7, 100000, 1, 1, 0);
	expect(rl, 7, 100000, 1, 1, 0);
	expect(rl, 7, 100000, 1, 0, 1);
	lq_ratelimit_free(rl);

	rl = lq_ratelimit_new(3, 3);                  /* a token per 333.3 ms */
	for (int i = 0; i < 3; i++)
		expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 333, 1, 0, 1);
	expect(rl, 1, 334, 1, 1, 0);
	expect(rl, 1, 1000, 1, 1, 0);   /* 0.002 + 1.998 = 2 tokens at 1 s */
	expect(rl, 1, 1000, 1, 1, 0);
	expect(rl, 1, 1000, 1, 0, 1);
	lq_ratelimit_free(rl);
}

static void test_retry_after(void **state)
{
	lq_ratelimit *rl = lq_ratelimit_new(0.1, 1);  /* a token per 10 s */
	expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 10);
	expect(rl, 1, 3000, 1, 0, 7);
	expect(rl, 1, 3001, 1, 0, 7);     /* 6.999 s -> 7 */
	expect(rl, 1, 9000, 1, 0, 1);
	expect(rl, 1, 9999, 1, 0, 1);     /* never 0 */
	expect(rl, 1, 10000, 1, 1, 0);
	lq_ratelimit_free(rl);

	rl = lq_ratelimit_new(0.25, 1);                /* a token per 4 s */
	expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 4);
	expect(rl, 1, 1, 1, 0, 4);        /* 3.999 s -> 4 */
	lq_ratelimit_free(rl);

	/* costs above 1 */
	rl = lq_ratelimit_new(1, 10);
	expect(rl, 1, 0, 10, 1, 0);
	expect(rl, 1, 0, 3, 0, 3);
	expect(rl, 1, 2500, 3, 0, 1);     /* 2.5 there, 0.5 missing */
	expect(rl, 1, 3000, 3, 1, 0);
	lq_ratelimit_free(rl);

	/* retry_after_s may be NULL */
	rl = lq_ratelimit_new(1, 1);
	assert_int_equal(lq_ratelimit_take(rl, 1, 0, 1, NULL), 1);
	assert_int_equal(lq_ratelimit_take(rl, 1, 0, 1, NULL), 0);
	lq_ratelimit_free(rl);
}

static void test_independent_keys(void **state)
{
	lq_ratelimit *rl = lq_ratelimit_new(1, 2);
	expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 1);
	expect(rl, 2, 0, 1, 1, 0);          /* key 2 has its own bucket */
	expect(rl, 2, 0, 1, 1, 0);
	expect(rl, 2, 0, 1, 0, 1);
	expect(rl, -1, 0, 1, 1, 0);         /* any id, negative too */
	expect(rl, INT64_MAX, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 1);          /* and key 1 is still empty */
	assert_int_equal(lq_ratelimit_count(rl), 4);
	lq_ratelimit_free(rl);
}

static void test_unlimited(void **state)
{
	lq_ratelimit *zero = lq_ratelimit_new(0, 1);
	lq_ratelimit *neg = lq_ratelimit_new(-5, 1);
	for (int i = 0; i < 1000; i++) {
		expect(zero, 1, 0, 1, 1, 0);
		expect(neg, i, 0, 100, 1, 0);
		expect(NULL, 1, 0, 1, 1, 0);
	}
	assert_int_equal(lq_ratelimit_count(zero), 0);   /* nothing tracked */
	assert_int_equal(lq_ratelimit_count(neg), 0);
	assert_int_equal(lq_ratelimit_count(NULL), 0);
	lq_ratelimit_free(zero);
	lq_ratelimit_free(neg);
	lq_ratelimit_free(NULL);
}

static void test_costs_and_clock(void **state)
{
	lq_ratelimit *rl = lq_ratelimit_new(1, 2);
	expect(rl, 1, 0, 50, 1, 0);      /* above the burst: costs the burst */
	expect(rl, 1, 0, 1, 0, 1);
	expect(rl, 1, 0, 0, 1, 0);       /* a free call passes an empty bucket */
	expect(rl, 1, 0, -3, 1, 0);      /* and a negative cost adds nothing */
	expect(rl, 1, 0, 1, 0, 1);
	lq_ratelimit_free(rl);

	/* a burst below 1 is 1 */
	rl = lq_ratelimit_new(1, 0);
	expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 1);
	lq_ratelimit_free(rl);

	/* the clock going back refills nothing, and time does not restart */
	rl = lq_ratelimit_new(1, 1);
	expect(rl, 1, 10000, 1, 1, 0);
	expect(rl, 1, 0, 1, 0, 1);
	expect(rl, 1, 10500, 1, 0, 1);
	expect(rl, 1, 11000, 1, 1, 0);
	lq_ratelimit_free(rl);
}

static void test_bounded_memory(void **state)
{
	lq_ratelimit *rl = lq_ratelimit_new_max(1, 1, 8);
	/* busy buckets: never more than 8 */
	for (int64_t k = 1; k <= 1000; k++) {
		expect(rl, k, 0, 1, 1, 0);
		assert_true(lq_ratelimit_count(rl) <= 8);
	}
	assert_int_equal(lq_ratelimit_count(rl), 8);
	lq_ratelimit_free(rl);

	/* idle buckets (refilled to full) go first, and nothing is lost */
	rl = lq_ratelimit_new_max(1, 3, 4);
	for (int64_t k = 1; k <= 4; k++)
		expect(rl, k, 0, 1, 1, 0);    /* 2 tokens left each */
	expect(rl, 4, 0, 1, 1, 0);
	expect(rl, 4, 0, 1, 1, 0);        /* key 4 empty */
	/* at 1 s keys 1-3 are full again (idle), key 4 holds 1 token */
	expect(rl, 5, 1000, 1, 1, 0);
	assert_true(lq_ratelimit_count(rl) <= 4);
	expect(rl, 4, 1000, 1, 1, 0);     /* key 4 kept: 1 token ... */
	expect(rl, 4, 1000, 1, 0, 1);     /* ... and only one */
	lq_ratelimit_free(rl);

	/* past the cap with only busy buckets the least recently used goes */
	rl = lq_ratelimit_new_max(1, 1, 2);
	expect(rl, 1, 0, 1, 1, 0);
	expect(rl, 2, 100, 1, 1, 0);
	expect(rl, 3, 200, 1, 1, 0);      /* evicts key 1 */
	assert_int_equal(lq_ratelimit_count(rl), 2);
	expect(rl, 2, 200, 1, 0, 1);      /* key 2 kept its empty bucket */
	expect(rl, 3, 200, 1, 0, 1);
	lq_ratelimit_free(rl);
}

/* A naive bucket per key, the same formulas, no table. */
typedef struct ref_bucket {
	int seen;
	double tokens;
	int64_t last;
} ref_bucket;

static int ref_take(ref_bucket *b, double rate, double burst, int64_t now,
		    double cost, int *retry)
{
	if (!b->seen) {
		*b = (ref_bucket){1, burst, now};
	} else if (now > b->last) {
		double t = b->tokens + (double)(now - b->last) * rate / 1000.0;
		b->tokens = t < burst ? t : burst;
		b->last = now;
	}
	if (b->tokens + 1e-9 >= cost) {
		b->tokens = b->tokens > cost ? b->tokens - cost : 0;
		*retry = 0;
		return 1;
	}
	double s = ceil((cost - b->tokens) / rate - 1e-9);
	*retry = s < 1 ? 1 : (int)s;
	return 0;
}

/* Traffic from a window of 50 keys sliding over 2,050: keys that left it
 * refill to full (idle) and are swept out when the table fills up, so the
 * table grows, deletes and shifts entries back all along. Idle eviction loses
 * nothing, so every answer must equal the naive model's. */
static void test_matches_naive_model(void **state)
{
	enum { WINDOW = 50, STEPS = 200000, NKEYS = STEPS / 100 + WINDOW };
	static ref_bucket ref[NKEYS];
	lq_ratelimit *rl = lq_ratelimit_new_max(10, 3, 300);
	unsigned seed = 12345;
	int64_t now = 0;
	size_t allowed = 0, refused = 0, prev = 0, sweeps = 0;

	for (int i = 0; i < STEPS; i++) {
		seed = seed * 1103515245u + 12345u;
		int k = i / 100 + (int)((seed >> 8) % WINDOW);
		now += (seed >> 20) % 3;         /* 0..2 ms between requests */
		int64_t id = ((int64_t)k * 7919) ^ (k & 1 ? -1 : 0);
		int r1, r2;
		int a1 = lq_ratelimit_take(rl, id, now, 1, &r1);
		int a2 = ref_take(&ref[k], 10, 3, now, 1, &r2);
		if (a1 != a2 || r1 != r2)
			fail_msg("step %d key %d at %lld: got %d/%d, model %d/%d",
				 i, k, (long long)now, a1, r1, a2, r2);
		a1 ? allowed++ : refused++;
		size_t n = lq_ratelimit_count(rl);
		assert_true(n <= 300);
		sweeps += n < prev;
		prev = n;
	}
	assert_true(allowed > 10000 && refused > 10000);   /* both paths ran */
	assert_true(sweeps >= 20);                           /* idle ones went */
	lq_ratelimit_free(rl);
}

/* ---- threads ------------------------------------------------------------- */

typedef struct worker {
	lq_ratelimit *rl;
	int id;
	int allowed;
} worker;

/* Two hot keys, plus a new key every 64 calls so the table grows and
 * sweeps while other threads take. */
static void *hammer(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < 100000; i++) {
		int64_t key = i % 64 == 63 ? 1000 + w->id * 100000 + i : i % 2 + 1;
		w->allowed += lq_ratelimit_take(w->rl, key, 0, 1, NULL);
	}
	return NULL;
}

static void test_threads(void **state)
{
	enum { NT = 4 };
	lq_ratelimit *rl = lq_ratelimit_new_max(0.001, 50000, 100000);
	pthread_t t[NT];
	worker w[NT];
	int total = 0, fresh = 0;

	for (int i = 0; i < NT; i++) {
		w[i] = (worker){.rl = rl, .id = i};
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
	}
	for (int i = 0; i < NT; i++) {
		pthread_join(t[i], NULL);
		total += w[i].allowed;
	}
	/* every call to a new key passes; the two hot keys pass exactly
	 * 50,000 times each, whatever the interleaving */
	for (int i = 0; i < 100000; i++)
		fresh += i % 64 == 63;
	assert_int_equal(total, 2 * 50000 + NT * fresh);
	assert_int_equal(lq_ratelimit_count(rl), 2 + (size_t)NT * fresh);
	lq_ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_refill_exact),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_independent_keys),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_costs_and_clock),
		cmocka_unit_test(test_bounded_memory),
		cmocka_unit_test(test_matches_naive_model),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
