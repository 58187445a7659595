/*
 * learn_metrics.c - how good a learned model is: AUC with ties, log-loss,
 * lift by decile, Wilson intervals, and the seeded generator and
 * stratified folds cross-validation uses. Pure arithmetic, deterministic.
 */
#include "engine/learn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

uint64_t lq_learn_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Fisher-Yates with the seeded generator. */
static void shuffle(size_t *v, size_t n, uint64_t *state)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(lq_learn_rand(state) % i);
		size_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

void lq_learn_folds(const int *y, size_t n, int k, uint64_t seed, int *fold)
{
	size_t *idx = lq_xcalloc(n + 1, sizeof *idx);
	uint64_t state = seed;
	size_t dealt = 0;
	for (int cls = 1; cls >= 0; cls--) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if ((y[i] == 1) == (cls == 1))
				idx[m++] = i;
		shuffle(idx, m, &state);
		/* Continue dealing where the positives stopped, so fold sizes
		 * differ by at most one overall. */
		for (size_t i = 0; i < m; i++)
			fold[idx[i]] = (int)((dealt + i) % (size_t)k);
		dealt += m;
	}
	free(idx);
}

typedef struct scored {
	double s;
	size_t i;
} scored;

static int cmp_scored_asc(const void *pa, const void *pb)
{
	const scored *a = pa, *b = pb;
	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

double lq_learn_auc(const double *score, const int *y, size_t n)
{
	scored *v = lq_xcalloc(n + 1, sizeof *v);
	double npos = 0, nneg = 0, rank_sum = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (scored){score[i], i};
		npos += y[i] == 1;
		nneg += y[i] != 1;
	}
	qsort(v, n, sizeof *v, cmp_scored_asc);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j].s == v[i].s)
			j++;
		/* Ranks i+1..j share their mean. */
		double mid = ((double)(i + 1) + (double)j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (y[v[k].i] == 1)
				rank_sum += mid;
		i = j;
	}
	free(v);
	if (npos == 0 || nneg == 0)
		return NAN;
	return (rank_sum - npos * (npos + 1) / 2.0) / (npos * nneg);
}

double lq_learn_logloss(const double *p, const int *y, size_t n)
{
	double sum = 0;
	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double q = p[i] < 1e-15 ? 1e-15 : p[i] > 1 - 1e-15 ? 1 - 1e-15 : p[i];
		sum -= y[i] == 1 ? log(q) : log(1 - q);
	}
	return sum / (double)n;
}

static int cmp_scored_desc(const void *pa, const void *pb)
{
	const scored *a = pa, *b = pb;
	if (a->s != b->s)
		return a->s > b->s ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

size_t lq_learn_lift_table(const double *p, const int *y, size_t n,
			   size_t groups, lq_lift_row *out)
{
	scored *v;
	size_t total_pos = 0, cum = 0, filled = 0;
	if (n == 0 || groups == 0)
		return 0;
	v = lq_xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i] = (scored){p[i], i};
		total_pos += y[i] == 1;
	}
	qsort(v, n, sizeof *v, cmp_scored_desc);
	double base = (double)total_pos / (double)n;
	for (size_t g = 0; g < groups; g++) {
		size_t lo = g * n / groups, hi = (g + 1) * n / groups;
		if (hi <= lo)
			continue;
		lq_lift_row *r = &out[filled++];
		memset(r, 0, sizeof *r);
		r->n = hi - lo;
		r->max_p = v[lo].s;
		r->min_p = v[hi - 1].s;
		for (size_t k = lo; k < hi; k++)
			r->pos += y[v[k].i] == 1;
		cum += r->pos;
		r->rate = (double)r->pos / (double)r->n;
		r->lift = base > 0 ? r->rate / base : 0;
		r->capture = total_pos ? (double)cum / (double)total_pos : 0;
	}
	free(v);
	return filled;
}

void lq_wilson(size_t k, size_t n, double z, double *lo, double *hi)
{
	if (n == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	double nn = (double)n, p = (double)k / nn, z2 = z * z;
	double denom = 1 + z2 / nn;
	double centre = (p + z2 / (2 * nn)) / denom;
	double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}
