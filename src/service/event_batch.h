/*
 * event_batch.h - the events of a file import held between decoding and
 * scoring: a batch's duplicates are looked up at once, in the order of
 * the store's index, then its events are scored in file order (scores,
 * stage changes and alerts are what processing the lines one by one
 * gives) and handed to the batch's hold (event_hold.h), which stores
 * many batches in one sorted write. Private to src/service/.
 *
 * Each event is checked and its lead resolved (or created) when its line
 * is read, so a bad line is reported with its number and skipped alone;
 * nothing that can fail on a line's content is left for the flush.
 */
#ifndef LQ_EVENT_BATCH_H
#define LQ_EVENT_BATCH_H

#include <stddef.h>

#include "core/lead.h"
#include "io/event_record.h"
#include "service/event_hold.h"

struct lq_import_run;

typedef struct lq_event_batch {
	lq_event *ev;        /* held events, file order, lead_id resolved */
	unsigned char *in_arena;   /* ev[i]'s strings live in arena */
	size_t n, cap;       /* cap: flush when n reaches it */
	lq_eventrec_arena arena;   /* decode the batch's lines into it
				      (lq_eventrec_decode); emptied with
				      the batch */
	lq_event_hold hold;  /* scored events not stored yet */
} lq_event_batch;

/* hold_mib (> 0): memory of scored events held before a write. */
void lq_event_batch_init(lq_event_batch *b, size_t cap, int hold_mib);
/* Take ev into the batch (*ev is left empty, re-initialised); in_arena:
 * its strings live in b->arena, else they are its own. */
void lq_event_batch_take(lq_event_batch *b, lq_event *ev, int in_arena);
int lq_event_batch_full(const lq_event_batch *b);
/* Score the batch's events in file order through the run's working set
 * (duplicates by msg_id, stored or held, counted and dropped) and hand
 * them to the hold, stored when it is full. Empties the batch, also on
 * failure (the run is then rolled back). */
int lq_event_batch_flush(struct lq_import_run *run, lq_event_batch *b,
			 lq_error *err);
/* The end of the file: flush, then store whatever is held. */
int lq_event_batch_finish(struct lq_import_run *run, lq_event_batch *b,
			  lq_error *err);
void lq_event_batch_free(lq_event_batch *b);   /* drops held events */

#endif
