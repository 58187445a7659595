/*
 * bloom.h - a fixed-size Bloom filter of 64-bit keys: "certainly never
 * added" or "maybe added". A key's bits all lie in one 64-bit word (a
 * blocked filter), so an add or a test costs one cache miss, whatever
 * the filter's size. Used by the store to skip duplicate lookups that
 * cannot find anything (store_sqlite_events.c).
 *
 * The filter never answers "absent" for a key that was added; it may
 * answer "maybe" for one that was not, more often as it fills (about
 * 0.02% at two keys a word, 5% at ten).
 */
#ifndef LQ_BLOOM_H
#define LQ_BLOOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct lq_bloom {
	uint64_t *words;
	size_t mask;     /* words - 1; the word count is a power of two */
} lq_bloom;

/* A filter of 2^log2_words words, all clear (the memory is asked of the
 * system zeroed, so pages never touched cost nothing). */
void lq_bloom_init(lq_bloom *b, unsigned log2_words);
void lq_bloom_free(lq_bloom *b);

void lq_bloom_add(lq_bloom *b, uint64_t key);
/* 0: key was certainly never added; 1: it may have been. */
int lq_bloom_maybe(const lq_bloom *b, uint64_t key);

#endif
