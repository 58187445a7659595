/*
 * imap.c - int64 -> pointer hash map.
 */
#include "core/imap.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static size_t slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 17) & (cap - 1);
}

int lq_int64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void *lq_imap_get(const lq_imap *m, int64_t key)
{
	if (!m->cap || key == 0)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		const lq_imap_slot *s = &m->slots[i];
		if (s->key == key)
			return s->val;
		if (s->key == 0)
			return NULL;
	}
}

void lq_imap_prefetch(const lq_imap *m, int64_t key)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[slot_of(key, m->cap)]);
}

static void imap_grow(lq_imap *m)
{
	lq_imap bigger = {0};
	bigger.cap = m->cap ? m->cap * 2 : 64;
	bigger.slots = lq_xcalloc(bigger.cap, sizeof *bigger.slots);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			lq_imap_put(&bigger, m->slots[i].key, m->slots[i].val);
	free(m->slots);
	*m = bigger;
}

void *lq_imap_swap(lq_imap *m, int64_t key, void *val)
{
	if (key == 0)
		return NULL;
	if ((m->n + 1) * 4 > m->cap * 3)
		imap_grow(m);
	size_t i = slot_of(key, m->cap);
	while (m->slots[i].key && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	lq_imap_slot *s = &m->slots[i];
	void *old = s->key ? s->val : NULL;
	if (!s->key)
		m->n++;
	s->key = key;
	s->val = val;
	return old;
}

void lq_imap_put(lq_imap *m, int64_t key, void *val)
{
	lq_imap_swap(m, key, val);
}

void lq_imap_each(const lq_imap *m, void (*fn)(void *ctx, void *val),
		  void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			fn(ctx, m->slots[i].val);
}

void lq_imap_clear(lq_imap *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->n = 0;
}

void lq_imap_free(lq_imap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

uint64_t lq_hash_mix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

uint64_t lq_str_hash64(const char *s, uint64_t seed)
{
	uint64_t h = seed;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return lq_hash_mix64(h);
}

/* One step: the word in, multiplied (every bit moves up), the high half
 * folded down (and so every bit moves down on the next step). */
static uint64_t map_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

uint64_t lq_map_hash64(const char *s, uint64_t seed)
{
	size_t n = strlen(s);
	uint64_t h = seed ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = map_step(h, w);
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = map_step(h, w);
	}
	return lq_hash_mix64(h);
}
