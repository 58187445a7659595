/*
 * test_keysort.c - lq_key3_sort gives qsort's order for any input:
 * random keys with many ties (i breaks them), already sorted, reversed,
 * every size around the insertion runs and the merge widths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/keysort.h"

static int cmp_key3(const void *p, const void *q)
{
	const lq_key3 *x = p, *y = q;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A small deterministic generator (xorshift64). */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_against_qsort(const lq_key3 *in, size_t n)
{
	lq_key3 *mine = malloc((n ? n : 1) * sizeof *mine);
	lq_key3 *ref = malloc((n ? n : 1) * sizeof *ref);
	memcpy(mine, in, n * sizeof *in);
	memcpy(ref, in, n * sizeof *in);
	lq_key3_sort(mine, n);
	qsort(ref, n, sizeof *ref, cmp_key3);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(mine[k].a, ref[k].a);
		assert_int_equal(mine[k].b, ref[k].b);
		assert_int_equal(mine[k].i, ref[k].i);
	}
	free(mine);
	free(ref);
}

static void test_random_with_ties(void **state)
{
	uint64_t seed = 88172645463325252ULL;
	(void)state;
	for (size_t n = 0; n <= 300; n++) {
		lq_key3 *v = malloc((n ? n : 1) * sizeof *v);
		for (size_t k = 0; k < n; k++) {
			/* few leads, few times, negative hashes too */
			v[k].a = (int64_t)(next_rand(&seed) % 7);
			v[k].b = (int64_t)(next_rand(&seed) % 5) - 2;
			v[k].i = n - k;   /* ties broken against input order */
		}
		check_against_qsort(v, n);
		free(v);
	}
}

static void test_large_and_ordered(void **state)
{
	size_t n = 100003;
	uint64_t seed = 2463534242ULL;
	lq_key3 *v = malloc(n * sizeof *v);
	(void)state;
	for (size_t k = 0; k < n; k++)
		v[k] = (lq_key3){(int64_t)(next_rand(&seed) % 20000),
				 (int64_t)next_rand(&seed), k};
	check_against_qsort(v, n);
	for (size_t k = 0; k < n; k++)   /* sorted already */
		v[k] = (lq_key3){(int64_t)k, 0, k};
	check_against_qsort(v, n);
	for (size_t k = 0; k < n; k++)   /* reversed */
		v[k] = (lq_key3){(int64_t)(n - k), INT64_MIN + (int64_t)k, k};
	check_against_qsort(v, n);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_with_ties),
		cmocka_unit_test(test_large_and_ordered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
