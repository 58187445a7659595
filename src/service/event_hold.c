/*
 * event_hold.c - events scored, held to be stored in one sorted write
 * (see event_hold.h).
 */
#include "service/event_hold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* What one held event costs besides its strings: the event, own, prev,
 * and its share of the map (two 8-byte slots, at most half full). */
#define HELD_EVENT_BYTES (sizeof(lq_event) + 1 + sizeof(size_t) + 32)

void lq_event_hold_init(lq_event_hold *h, int limit_mib)
{
	memset(h, 0, sizeof *h);
	h->limit = (size_t)(limit_mib > 0 ? limit_mib : 1) << 20;
	lq_eventrec_arena_init(&h->arena);
}

/* The map's key of (lead, msg_id); 0 is the map's "empty". */
static int64_t key_of(const lq_event *e)
{
	uint64_t k = lq_map_hash64(e->msg_id, (uint64_t)e->lead_id * 0x9E3779B97F4A7C15ULL
					      ^ LQ_HASH_SEED);
	return k ? (int64_t)k : 1;
}

void lq_event_hold_keys(const lq_event *ev, size_t n, int64_t *keys)
{
	for (size_t i = 0; i < n; i++)
		keys[i] = ev[i].msg_id ? key_of(&ev[i]) : 0;
}

/* The map holds a slot per held event with a msg_id (~1M: 32 MiB, past
 * the caches), read at random: each loop over a batch asks for the slot
 * of the key this far ahead, so the misses overlap. */
#define PREFETCH_AHEAD 8

static void prefetch_key(const lq_imap *m, const int64_t *keys, size_t i,
			 size_t n)
{
	if (i + PREFETCH_AHEAD < n && keys[i + PREFETCH_AHEAD])
		lq_imap_prefetch(m, keys[i + PREFETCH_AHEAD]);
}

static int held_with_key(const lq_event_hold *h, int64_t key,
			 const lq_event *e)
{
	size_t at = (size_t)(uintptr_t)lq_imap_get(&h->last, key);
	for (; at; at = h->prev[at - 1]) {
		const lq_event *o = &h->ev[at - 1];
		if (o->lead_id == e->lead_id && strcmp(o->msg_id, e->msg_id) == 0)
			return 1;
	}
	return 0;
}

void lq_event_hold_dups(const lq_event_hold *h, const lq_event *ev,
			const int64_t *keys, size_t n, unsigned char *dup)
{
	if (h->n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		prefetch_key(&h->last, keys, i, n);
		if (!dup[i] && keys[i] && held_with_key(h, keys[i], &ev[i]))
			dup[i] = 1;
	}
}

/* The strings of an event decoded on the heap, about. */
static size_t heap_bytes(const lq_event *e)
{
	size_t b = 0;
	b += e->msg_id ? strlen(e->msg_id) + 1 : 0;
	b += e->type ? strlen(e->type) + 1 : 0;
	b += e->props_json ? strlen(e->props_json) + 1 : 0;
	for (size_t i = 0; i < e->props.n; i++) {
		const lq_attr *a = &e->props.items[i];
		b += sizeof *a + strlen(a->key) + 1;
		b += a->val.str ? strlen(a->val.str) + 1 : 0;
	}
	return b;
}

static void grow(lq_event_hold *h, size_t more)
{
	size_t cap = h->cap ? h->cap : 4096;
	while (cap < h->n + more)
		cap *= 2;
	if (cap == h->cap)
		return;
	h->ev = lq_xrealloc(h->ev, cap * sizeof *h->ev);
	h->own = lq_xrealloc(h->own, cap);
	h->prev = lq_xrealloc(h->prev, cap * sizeof *h->prev);
	h->cap = cap;
}

static void take_one(lq_event_hold *h, lq_event *e, int64_t key,
		     int in_arena)
{
	size_t i = h->n++;
	h->ev[i] = *e;
	lq_event_init(e);
	h->own[i] = !in_arena;
	h->prev[i] = 0;
	h->bytes += HELD_EVENT_BYTES + (in_arena ? 0 : heap_bytes(&h->ev[i]));
	if (key)
		h->prev[i] = (size_t)(uintptr_t)lq_imap_swap(
			&h->last, key, (void *)(uintptr_t)(i + 1));
}

void lq_event_hold_take(lq_event_hold *h, lq_event *ev, const int64_t *keys,
			const unsigned char *in_arena, const unsigned char *skip,
			size_t n, lq_eventrec_arena *arena)
{
	size_t before = lq_eventrec_arena_bytes(&h->arena);
	grow(h, n);
	for (size_t i = 0; i < n; i++) {
		prefetch_key(&h->last, keys, i, n);
		if (!skip[i])
			take_one(h, &ev[i], keys[i], in_arena[i]);
	}
	lq_eventrec_arena_move(&h->arena, arena);
	h->bytes += lq_eventrec_arena_bytes(&h->arena) - before;
}

int lq_event_hold_full(const lq_event_hold *h)
{
	return h->bytes >= h->limit;
}

static void drop(lq_event_hold *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->own[i])
			lq_event_free(&h->ev[i]);
	h->n = 0;
	h->bytes = 0;
	lq_imap_clear(&h->last);
	lq_eventrec_arena_free(&h->arena);
}

int lq_event_hold_store(lq_event_hold *h, lq_store *s, lq_error *err)
{
	int rc = lq_store_events_insert(s, h->ev, h->n, err);
	drop(h);
	return rc;
}

void lq_event_hold_free(lq_event_hold *h)
{
	drop(h);
	lq_imap_free(&h->last);
	free(h->ev);
	free(h->own);
	free(h->prev);
	memset(h, 0, sizeof *h);
}
