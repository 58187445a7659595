/*
 * event_batch.c - store a batch of imported events in one sorted write,
 * then score them in file order (see event_batch.h).
 *
 * The works of the batch's leads are loaded before its events are stored:
 * a lead whose cached score is missing or stale is rebuilt from its stored
 * events, and the batch's own events must not count twice. The working
 * set is made roomy enough first, so no work is evicted while the batch
 * holds pointers to them.
 *
 * Lines are decoded into the batch's arena (lq_eventrec_decode): the
 * strings of most held events live there and go all at once when the
 * batch is dropped; the others (lines decoded the cJSON way) are freed
 * one by one.
 */
#include "service/event_batch.h"

#include <stdlib.h>
#include <string.h>

#include "service/import_run.h"

void lq_event_batch_init(lq_event_batch *b, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->cap = cap ? cap : 1;
	lq_eventrec_arena_init(&b->arena);
}

void lq_event_batch_take(lq_event_batch *b, lq_event_input *in)
{
	if (!b->ev) {
		b->ev = lq_xmalloc(b->cap * sizeof *b->ev);
		b->in_arena = lq_xmalloc(b->cap);
	}
	b->in_arena[b->n] = (unsigned char)in->in_arena;
	b->ev[b->n++] = in->event;
	lq_event_init(&in->event);
}

int lq_event_batch_full(const lq_event_batch *b)
{
	return b->n >= b->cap;
}

static void drop_events(lq_event_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (!b->in_arena[i])
			lq_event_free(&b->ev[i]);
	b->n = 0;
	lq_eventrec_arena_reset(&b->arena);
}

/* The work of every event's lead, loaded before anything is stored. */
static int load_works(lq_import_run *run, lq_event_batch *b,
		      lq_lead_work **w, lq_error *err)
{
	int rc = lq_workset_reserve(run->svc, &run->ws, b->n, err);
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		rc = lq_workset_get(run->svc, &run->ws, b->ev[i].lead_id, &w[i],
				    err);
	return rc;
}

static int score_events(lq_import_run *run, lq_event_batch *b,
			lq_lead_work **w, const unsigned char *dup,
			lq_error *err)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		if (dup[i]) {
			run->rep->duplicates++;
			continue;
		}
		run->rep->stored++;
		rc = lq_work_add_event(run->svc, w[i], &b->ev[i],
				       &run->rep->stage_changes, err);
	}
	return rc;
}

int lq_event_batch_flush(lq_import_run *run, lq_event_batch *b, lq_error *err)
{
	lq_lead_work **w;
	unsigned char *dup;
	int rc;

	if (b->n == 0)
		return 0;
	w = lq_xmalloc(b->n * sizeof *w);
	dup = lq_xmalloc(b->n);
	rc = load_works(run, b, w, err);
	if (rc == 0)
		rc = lq_store_events_add(run->svc->store, b->ev, b->n, dup, err);
	if (rc == 0)
		rc = score_events(run, b, w, dup, err);
	free(dup);
	free(w);
	drop_events(b);
	return rc;
}

void lq_event_batch_free(lq_event_batch *b)
{
	drop_events(b);
	lq_eventrec_arena_free(&b->arena);
	free(b->ev);
	free(b->in_arena);
	memset(b, 0, sizeof *b);
}
