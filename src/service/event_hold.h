/*
 * event_hold.h - the events of a file import that are scored but not yet
 * stored, held across batches and written in one pass sorted by lead
 * (lq_store_events_insert). A batch of 32k events spread over a million
 * leads touches a page of the events table and one of its index for
 * nearly every event, all over both B-trees; a hold of a few hundred MiB
 * walks each forward once. Private to src/service/.
 *
 * Nothing reads a held event back from the store before it is written: a
 * lead's stored events are read only to rebuild a work whose score is
 * missing or stale (lead_work.c), and a lead with held events was scored
 * in this import, so its work is in the working set or was saved with a
 * fresh score when the set was flushed. Duplicates of held events are
 * found here (lq_event_hold_dups), of stored ones by the store.
 */
#ifndef LQ_EVENT_HOLD_H
#define LQ_EVENT_HOLD_H

#include <stddef.h>

#include "core/imap.h"
#include "core/lead.h"
#include "io/event_record.h"
#include "store/store.h"

typedef struct lq_event_hold {
	lq_event *ev;          /* held events, file order */
	unsigned char *own;    /* ev[i]'s strings are its own, not the arena's */
	size_t *prev;          /* 1 + index of the previous held event with
				  ev[i]'s (lead, msg_id) key; 0: none */
	size_t n, cap;
	size_t bytes;          /* memory held, about (arena chunks exact) */
	size_t limit;          /* bytes: lq_event_hold_full past it */
	lq_imap last;          /* key -> 1 + index of the latest event with it */
	lq_eventrec_arena arena;   /* the strings of arena-decoded events */
} lq_event_hold;

/* limit_mib (> 0): memory the hold may take before it must be stored. */
void lq_event_hold_init(lq_event_hold *h, int limit_mib);
/* keys[i]: the hold's key of ev[i] (a hash of its lead and msg_id; 0
 * without msg_id), computed once for both calls below. */
void lq_event_hold_keys(const lq_event *ev, size_t n, int64_t *keys);
/* dup[i] = 1 (others left as they are) for each ev[i] whose msg_id is
 * held for the same lead. */
void lq_event_hold_dups(const lq_event_hold *h, const lq_event *ev,
			const int64_t *keys, size_t n, unsigned char *dup);
/* Take ev[i] for every i with !skip[i] (moved: ev[i] is left empty);
 * in_arena[i]: its strings live in arena, whose filled chunks the hold
 * takes too (arena is left empty, spare chunks kept). */
void lq_event_hold_take(lq_event_hold *h, lq_event *ev, const int64_t *keys,
			const unsigned char *in_arena, const unsigned char *skip,
			size_t n, lq_eventrec_arena *arena);
int lq_event_hold_full(const lq_event_hold *h);
/* Store every held event as one write (ids in file order), then drop
 * them; dropped on failure too (the import is then rolled back). */
int lq_event_hold_store(lq_event_hold *h, lq_store *s, lq_error *err);
void lq_event_hold_free(lq_event_hold *h);

#endif
