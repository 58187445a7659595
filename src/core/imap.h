/*
 * imap.h - a hash map from int64 keys to pointers (open addressing, linear
 * probing). Used to keep the leads a write operation touches in memory.
 * The map does not own the values.
 */
#ifndef LQ_IMAP_H
#define LQ_IMAP_H

#include <stddef.h>
#include <stdint.h>

/* A key and its value side by side: a lookup that hits reads one cache
 * line, not one in an array of keys and another in an array of values
 * (the maps an import keeps hold ~1M entries, far larger than the CPU's
 * caches). */
typedef struct lq_imap_slot {
	int64_t key;     /* 0: empty */
	void *val;
} lq_imap_slot;

typedef struct lq_imap {
	lq_imap_slot *slots;
	size_t cap;      /* power of two, 0 when empty */
	size_t n;
} lq_imap;

#define LQ_IMAP_INIT {NULL, 0, 0}

/* The value for key, NULL when absent. Key 0 is reserved (never stored). */
void *lq_imap_get(const lq_imap *m, int64_t key);
/* Ask the CPU for key's first slot ahead of a get, put or swap of it (a
 * map far larger than the caches: a loop over many keys overlaps their
 * misses). Changes nothing. */
void lq_imap_prefetch(const lq_imap *m, int64_t key);
/* Insert or replace. */
void lq_imap_put(lq_imap *m, int64_t key, void *val);
/* Insert or replace, returning the value key had (NULL when absent): a
 * get and a put in one probe. */
void *lq_imap_swap(lq_imap *m, int64_t key, void *val);
/* Call fn on every value (any order). */
void lq_imap_each(const lq_imap *m, void (*fn)(void *ctx, void *val),
		  void *ctx);
void lq_imap_clear(lq_imap *m);   /* forget every entry, keep capacity */

/* qsort comparator of int64_t values (ids, times), ascending. */
int lq_int64_cmp(const void *a, const void *b);
void lq_imap_free(lq_imap *m);

/* A 64-bit hash of a string (FNV-1a from seed, then murmur3's 64-bit
 * finaliser), for keying the map by text. Stable: the store keeps
 * lq_str_hash64(msg_id, LQ_HASH_SEED) in the events table, so it must
 * never change. */
#define LQ_HASH_SEED 1469598103934665603ULL
uint64_t lq_str_hash64(const char *s, uint64_t seed);
/* A 64-bit hash of a string for keying maps in memory (the import's lead
 * keys, its held messages), eight bytes a step: twice as fast as
 * lq_str_hash64 on an email or a message id (9 and 14 ns against 19 and
 * 25). Never store it: it may change between versions. */
uint64_t lq_map_hash64(const char *s, uint64_t seed);
/* murmur3's 64-bit finaliser: every bit of k moves every bit of the
 * result (lq_str_hash64's last step; the Bloom filter's mix). */
uint64_t lq_hash_mix64(uint64_t k);

#endif
