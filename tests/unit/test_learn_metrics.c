/*
 * test_learn_metrics.c - the arithmetic of learning: AUC (with ties,
 * checked against the pairwise definition), Wilson intervals (against
 * published values), quantile cut points, log-loss, stratified folds,
 * the lift table, the string table.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "engine/features.h"
#include "engine/learn.h"
#include "engine/strtab.h"

#define near(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_auc_basic(void **state)
{
	(void)state;
	double s[] = {0.1, 0.4, 0.35, 0.8};
	int y[] = {0, 0, 1, 1};
	near(lq_learn_auc(s, y, 4), 0.75, 1e-12);
	int perfect[] = {0, 0, 1, 1};
	double ranked[] = {1, 2, 3, 4};
	near(lq_learn_auc(ranked, perfect, 4), 1.0, 1e-12);
	int reversed[] = {1, 1, 0, 0};
	near(lq_learn_auc(ranked, reversed, 4), 0.0, 1e-12);
	int one_class[] = {1, 1, 1, 1};
	assert_true(isnan(lq_learn_auc(ranked, one_class, 4)));
}

static void test_auc_ties(void **state)
{
	(void)state;
	/* pos {0.5, 0.9} vs neg {0.5, 0.2}: 0.5 + 1 + 1 + 1 of 4 pairs. */
	double s[] = {0.5, 0.5, 0.2, 0.9};
	int y[] = {1, 0, 0, 1};
	near(lq_learn_auc(s, y, 4), 0.875, 1e-12);
	/* Every score tied: exactly one half. */
	double flat[] = {3, 3, 3, 3, 3};
	int y2[] = {1, 0, 1, 0, 0};
	near(lq_learn_auc(flat, y2, 5), 0.5, 1e-12);
}

/* Against the definition on random data with many ties. */
static void test_auc_pairwise(void **state)
{
	(void)state;
	enum { N = 400 };
	double s[N];
	int y[N];
	uint64_t st = 42;
	for (int i = 0; i < N; i++) {
		s[i] = (double)(lq_learn_rand(&st) % 7);
		y[i] = (lq_learn_rand(&st) % 3) == 0;
	}
	double num = 0, den = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (y[i] == 1 && y[j] == 0) {
				den += 1;
				num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
			}
	near(lq_learn_auc(s, y, N), num / den, 1e-12);
}

static void test_wilson(void **state)
{
	(void)state;
	double lo, hi;
	lq_wilson(0, 10, 1.96, &lo, &hi);
	near(lo, 0.0, 1e-9);
	near(hi, 0.2775, 1e-4);
	lq_wilson(5, 10, 1.96, &lo, &hi);
	near(lo, 0.2366, 1e-4);
	near(hi, 0.7634, 1e-4);
	lq_wilson(10, 10, 1.96, &lo, &hi);
	near(lo, 0.7225, 1e-4);
	near(hi, 1.0, 1e-9);
	lq_wilson(81, 263, 1.96, &lo, &hi);   /* 30.8%: [25.5%, 36.6%] */
	near(lo, 0.2553, 1e-3);
	near(hi, 0.3662, 1e-3);
	lq_wilson(0, 0, 1.96, &lo, &hi);
	near(lo, 0.0, 0);
	near(hi, 1.0, 0);
}

static void test_quantile_cuts(void **state)
{
	(void)state;
	double cuts[8];
	double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	assert_int_equal(lq_features_quantile_cuts(v, 10, 5, cuts), 4);
	near(cuts[0], 3, 0);
	near(cuts[1], 5, 0);
	near(cuts[2], 7, 0);
	near(cuts[3], 9, 0);
	/* Ties: cuts above the minimum and strictly increasing only. */
	double t[] = {1, 2, 2, 2, 2, 2, 2, 2, 3, 4};
	assert_int_equal(lq_features_quantile_cuts(t, 10, 5, cuts), 2);
	near(cuts[0], 2, 0);
	near(cuts[1], 3, 0);
	/* A minimum that fills a bin is a bin; the rest share the others. */
	double z[] = {0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
	assert_int_equal(lq_features_quantile_cuts(z, 10, 5, cuts), 4);
	near(cuts[0], 1, 0);
	near(cuts[1], 2, 0);
	near(cuts[2], 3, 0);
	near(cuts[3], 4, 0);
	double zz[] = {0, 0, 0, 0, 0, 0, 0, 0, 5, 5};
	assert_int_equal(lq_features_quantile_cuts(zz, 10, 5, cuts), 1);
	near(cuts[0], 5, 0);
	double same[] = {7, 7, 7, 7};
	assert_int_equal(lq_features_quantile_cuts(same, 4, 5, cuts), 0);
	assert_int_equal(lq_features_quantile_cuts(v, 10, 1, cuts), 0);
	assert_int_equal(lq_features_quantile_cuts(v, 0, 5, cuts), 0);
	/* Two bins: the median splits. */
	assert_int_equal(lq_features_quantile_cuts(v, 10, 2, cuts), 1);
	near(cuts[0], 6, 0);
}

static void test_logloss(void **state)
{
	(void)state;
	double half[] = {0.5, 0.5, 0.5, 0.5};
	int y[] = {1, 0, 1, 0};
	near(lq_learn_logloss(half, y, 4), log(2.0), 1e-12);
	double good[] = {0.9, 0.1};
	int y2[] = {1, 0};
	near(lq_learn_logloss(good, y2, 2), -log(0.9), 1e-12);
	double wrong[] = {0.0};
	int y3[] = {1};
	near(lq_learn_logloss(wrong, y3, 1), -log(1e-15), 1e-9);
	assert_true(isnan(lq_learn_logloss(good, y2, 0)));
}

static void test_folds(void **state)
{
	(void)state;
	enum { N = 100 };
	int y[N], f1[N], f2[N], f3[N];
	for (int i = 0; i < N; i++)
		y[i] = i % 10 == 0;      /* 10 positives */
	lq_learn_folds(y, N, 5, 7, f1);
	lq_learn_folds(y, N, 5, 7, f2);
	lq_learn_folds(y, N, 5, 8, f3);
	int pos[5] = {0}, all[5] = {0}, differ = 0;
	for (int i = 0; i < N; i++) {
		assert_int_equal(f1[i], f2[i]);   /* same seed, same folds */
		differ += f1[i] != f3[i];
		assert_in_range(f1[i], 0, 4);
		pos[f1[i]] += y[i];
		all[f1[i]]++;
	}
	assert_true(differ > 0);
	for (int k = 0; k < 5; k++) {
		assert_int_equal(pos[k], 2);
		assert_int_equal(all[k], 20);
	}
}

static void test_lift_table(void **state)
{
	(void)state;
	enum { N = 95 };
	double p[N];
	int y[N];
	lq_lift_row rows[10];
	for (int i = 0; i < N; i++) {
		p[i] = (double)i / N;
		y[i] = i >= 76;          /* the top 19 are positive */
	}
	assert_int_equal(lq_learn_lift_table(p, y, N, 10, rows), 10);
	size_t total = 0;
	for (int g = 0; g < 10; g++)
		total += rows[g].n;
	assert_int_equal(total, N);
	assert_int_equal(rows[0].pos, rows[0].n);  /* best decile: all */
	near(rows[0].lift, 1.0 / (19.0 / N), 1e-9);
	near(rows[9].capture, 1.0, 1e-12);
	assert_int_equal(rows[9].pos, 0);
	assert_true(rows[0].min_p >= rows[1].max_p);
}

static void test_sigmoid(void **state)
{
	(void)state;
	near(lq_learn_sigmoid(0), 0.5, 1e-15);
	near(lq_learn_sigmoid(800), 1.0, 1e-15);
	near(lq_learn_sigmoid(-800), 0.0, 1e-15);
	near(lq_learn_sigmoid(log(3.0)), 0.75, 1e-12);
}

static void test_strtab(void **state)
{
	(void)state;
	lq_strtab t = LQ_STRTAB_INIT;
	char buf[32];
	assert_int_equal(lq_strtab_find(&t, "x"), LQ_STRTAB_NONE);
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(buf, sizeof buf, "value-%d", i);
		assert_int_equal(lq_strtab_intern(&t, buf, (size_t)n), (uint32_t)i);
	}
	assert_int_equal(lq_strtab_intern(&t, "value-17", 8), 17);
	assert_int_equal(lq_strtab_intern(&t, "value-17xyz", 8), 17);
	assert_int_equal(lq_strtab_find(&t, "value-999"), 999);
	assert_string_equal(lq_strtab_str(&t, 5), "value-5");
	assert_int_equal(t.n, 1000);
	lq_strtab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auc_basic),
		cmocka_unit_test(test_auc_ties),
		cmocka_unit_test(test_auc_pairwise),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_quantile_cuts),
		cmocka_unit_test(test_logloss),
		cmocka_unit_test(test_folds),
		cmocka_unit_test(test_lift_table),
		cmocka_unit_test(test_sigmoid),
		cmocka_unit_test(test_strtab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
