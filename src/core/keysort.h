/*
 * keysort.h - sorting (a, b, i) triples, the order the store writes and
 * looks up a batch of events in: by lead, then time or message hash,
 * then the event's place in its batch. A merge sort with the comparison
 * inlined; glibc's qsort calls its comparator through a pointer, which
 * was 4% of an import.
 */
#ifndef LQ_KEYSORT_H
#define LQ_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct lq_key3 {
	int64_t a, b;
	size_t i;
} lq_key3;

/* Sort r[0..n) by (a, b, i), ascending. Allocates n triples while it
 * runs (as qsort does). */
void lq_key3_sort(lq_key3 *r, size_t n);

#endif
