/*
 * test_bloom.c - the blocked Bloom filter: never "absent" for a key
 * added, rarely "maybe" for one that was not (at the load the store
 * gives it on a 4M-event import), and a fresh filter holds nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/bloom.h"

/* Keys as the store makes them: hashes, and small ids mixed in. */
static uint64_t key_of(uint64_t i)
{
	return i * 0x9e3779b97f4a7c15ULL ^ (i >> 3);
}

static void test_no_false_absent(void **state)
{
	lq_bloom b;
	(void)state;
	lq_bloom_init(&b, 10);   /* 1,024 words: crowded on purpose */
	for (uint64_t i = 0; i < 50000; i++)
		lq_bloom_add(&b, key_of(i));
	for (uint64_t i = 0; i < 50000; i++)
		assert_true(lq_bloom_maybe(&b, key_of(i)));
	lq_bloom_free(&b);
	assert_null(b.words);
}

/* Two keys a word (4M events in the store's 2^21 words): well under 1%
 * of unseen keys answered "maybe". Also small consecutive integers,
 * which a weak mix would pile into a few words. */
static void test_false_maybe_rare(void **state)
{
	lq_bloom b;
	size_t maybe = 0, n = 1 << 16;
	(void)state;
	lq_bloom_init(&b, 15);
	for (uint64_t i = 0; i < n; i++)
		lq_bloom_add(&b, i);
	for (uint64_t i = n; i < 2 * n; i++)
		maybe += (size_t)lq_bloom_maybe(&b, i);
	assert_true(maybe < n / 200);
	lq_bloom_free(&b);
}

static void test_empty_holds_nothing(void **state)
{
	lq_bloom b;
	(void)state;
	lq_bloom_init(&b, 4);
	for (uint64_t i = 0; i < 1000; i++)
		assert_false(lq_bloom_maybe(&b, key_of(i)));
	lq_bloom_add(&b, 42);
	assert_true(lq_bloom_maybe(&b, 42));
	lq_bloom_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_false_absent),
		cmocka_unit_test(test_false_maybe_rare),
		cmocka_unit_test(test_empty_holds_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
