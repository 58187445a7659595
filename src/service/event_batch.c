/*
 * event_batch.c - score a batch of imported events in file order, then
 * hold them to be stored with the next batches in one sorted write (see
 * event_batch.h and event_hold.h).
 *
 * The works of the batch's leads are loaded before its events are
 * stored: a lead whose cached score is missing or stale is rebuilt from
 * its stored events, and the batch's own events must not count twice.
 * The working set is made roomy enough first, so no work is evicted
 * while the batch holds pointers to them.
 *
 * Lines are decoded into the batch's arena (lq_eventrec_decode): the
 * strings of most events live there and move to the hold in whole
 * chunks with them; the others (lines decoded the cJSON way) move one
 * by one, and a duplicate's are freed with the batch.
 */
#include "service/event_batch.h"

#include <stdlib.h>
#include <string.h>

#include "core/keysort.h"
#include "service/import_run.h"

void lq_event_batch_init(lq_event_batch *b, size_t cap, int hold_mib)
{
	memset(b, 0, sizeof *b);
	b->cap = cap ? cap : 1;
	lq_eventrec_arena_init(&b->arena);
	lq_event_hold_init(&b->hold, hold_mib);
}

void lq_event_batch_take(lq_event_batch *b, lq_event *ev, int in_arena)
{
	if (!b->ev) {
		b->ev = lq_xmalloc(b->cap * sizeof *b->ev);
		b->in_arena = lq_xmalloc(b->cap);
	}
	b->in_arena[b->n] = (unsigned char)in_arena;
	b->ev[b->n++] = *ev;
	lq_event_init(ev);
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

/* The work of every event's lead, loaded before anything is stored.
 * Loaded in lead id order: the lead, account and score rows are read
 * walking their B-trees forward, not in the file's random order. */
static int load_works(lq_import_run *run, lq_event_batch *b,
		      lq_lead_work **w, lq_error *err)
{
	lq_key3 *ids = lq_xmalloc(b->n * sizeof *ids);
	int rc = lq_workset_reserve(run->svc, &run->ws, b->n, err);
	for (size_t i = 0; i < b->n; i++)
		ids[i] = (lq_key3){b->ev[i].lead_id, 0, i};
	lq_key3_sort(ids, b->n);   /* qsort's comparator calls: 3% */
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		if (i == 0 || ids[i].a != ids[i - 1].a)
			rc = lq_workset_get(run->svc, &run->ws, ids[i].a, &w[0],
					    err);
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		rc = lq_workset_get(run->svc, &run->ws, b->ev[i].lead_id, &w[i],
				    err);
	free(ids);
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
	int64_t *keys;
	int rc;

	if (b->n == 0)
		return 0;
	w = lq_xmalloc(b->n * sizeof *w);
	dup = lq_xmalloc(b->n);
	keys = lq_xmalloc(b->n * sizeof *keys);
	rc = load_works(run, b, w, err);
	if (rc == 0)
		rc = lq_store_events_dups(run->svc->store, b->ev, b->n, dup, err);
	if (rc == 0) {
		lq_event_hold_keys(b->ev, b->n, keys);
		lq_event_hold_dups(&b->hold, b->ev, keys, b->n, dup);
		rc = score_events(run, b, w, dup, err);
	}
	if (rc == 0) {
		lq_event_hold_take(&b->hold, b->ev, keys, b->in_arena, dup,
				   b->n, &b->arena);
		if (lq_event_hold_full(&b->hold))
			rc = lq_event_hold_store(&b->hold, run->svc->store, err);
	}
	free(keys);
	free(dup);
	free(w);
	drop_events(b);
	return rc;
}

int lq_event_batch_finish(lq_import_run *run, lq_event_batch *b,
			  lq_error *err)
{
	int rc = lq_event_batch_flush(run, b, err);
	if (rc == 0)
		rc = lq_event_hold_store(&b->hold, run->svc->store, err);
	return rc;
}

void lq_event_batch_free(lq_event_batch *b)
{
	drop_events(b);
	lq_event_hold_free(&b->hold);
	lq_eventrec_arena_free(&b->arena);
	free(b->ev);
	free(b->in_arena);
	memset(b, 0, sizeof *b);
}
