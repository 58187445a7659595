/*
 * bloom.c - the blocked Bloom filter of bloom.h. A key is mixed once
 * (lq_hash_mix64, murmur3's 64-bit finaliser); the low bits pick the word, and four
 * 6-bit fields of the high bits pick the key's four bits in it.
 */
#include "core/bloom.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/imap.h"

#define BITS_PER_KEY 4

/* The word of key h and the key's bits in it. */
static uint64_t key_bits(uint64_t h)
{
	uint64_t bits = 0;
	for (int i = 0; i < BITS_PER_KEY; i++)
		bits |= 1ULL << ((h >> (40 + 6 * i)) & 63);
	return bits;
}

void lq_bloom_init(lq_bloom *b, unsigned log2_words)
{
	size_t n = (size_t)1 << log2_words;
	b->words = lq_xcalloc(n, sizeof *b->words);
	b->mask = n - 1;
}

void lq_bloom_free(lq_bloom *b)
{
	free(b->words);
	b->words = NULL;
	b->mask = 0;
}

void lq_bloom_add(lq_bloom *b, uint64_t key)
{
	uint64_t h = lq_hash_mix64(key);
	b->words[h & b->mask] |= key_bits(h);
}

int lq_bloom_maybe(const lq_bloom *b, uint64_t key)
{
	uint64_t h = lq_hash_mix64(key);
	uint64_t bits = key_bits(h);
	return (b->words[h & b->mask] & bits) == bits;
}
