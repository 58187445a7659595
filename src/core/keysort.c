/*
 * keysort.c - lq_key3_sort: runs of RUN triples sorted by insertion,
 * then merged pairwise, bottom-up, between the array and a buffer.
 */
#include "core/keysort.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define RUN 16

static inline int key3_less(const lq_key3 *x, const lq_key3 *y)
{
	if (x->a != y->a)
		return x->a < y->a;
	if (x->b != y->b)
		return x->b < y->b;
	return x->i < y->i;
}

static void insertion_sort(lq_key3 *r, size_t n)
{
	for (size_t k = 1; k < n; k++) {
		lq_key3 v = r[k];
		size_t j = k;
		for (; j > 0 && key3_less(&v, &r[j - 1]); j--)
			r[j] = r[j - 1];
		r[j] = v;
	}
}

/* x[0..nx) and y[0..ny), each sorted, into out. */
static void merge(const lq_key3 *x, size_t nx, const lq_key3 *y, size_t ny,
		  lq_key3 *out)
{
	size_t i = 0, j = 0, k = 0;
	while (i < nx && j < ny)
		out[k++] = key3_less(&y[j], &x[i]) ? y[j++] : x[i++];
	while (i < nx)
		out[k++] = x[i++];
	while (j < ny)
		out[k++] = y[j++];
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

void lq_key3_sort(lq_key3 *r, size_t n)
{
	lq_key3 *src = r, *dst, *buf;

	for (size_t s = 0; s < n; s += RUN)
		insertion_sort(r + s, min_size(RUN, n - s));
	if (n <= RUN)
		return;
	buf = dst = lq_xmalloc(n * sizeof *buf);
	for (size_t w = RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = min_size(lo + w, n);
			size_t hi = min_size(lo + 2 * w, n);
			merge(src + lo, mid - lo, src + mid, hi - mid, dst + lo);
		}
		lq_key3 *t = src;
		src = dst;
		dst = t;
	}
	if (src != r)
		memcpy(r, src, n * sizeof *r);
	free(buf);
}
