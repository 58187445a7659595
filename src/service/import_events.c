/*
 * import_events.c - `leadq import events`: store activity (NDJSON, one
 * event a line) and score it incrementally. An event whose id was stored
 * before counts once. An event for an unknown email creates that lead, as
 * marketing tools do; an unknown key that is not an email is an error.
 *
 * Each line is decoded, checked and its lead resolved as it is read (a bad
 * line is reported with its number); the events are then de-duplicated
 * and scored in file order in batches (event_batch.c) and stored
 * sorted by lead, many batches in one write (event_hold.c, up to
 * opts->hold_mib MiB held). The import's connection gets a larger page
 * cache while it runs (the whole file is one transaction):
 * opts->cache_mib MiB, default LQ_IMPORT_CACHE_MIB.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "io/event_record.h"
#include "service/event_batch.h"
#include "service/import_run.h"

/* Events held per batch: one sorted write each. */
#define IMPORT_EVENT_BATCH 32768
static int64_t import_cache_kib(const lq_import_opts *opts)
{
	int mib = opts->cache_mib > 0 ? opts->cache_mib : LQ_IMPORT_CACHE_MIB;
	return (int64_t)mib * 1024;
}

static int event_line(lq_import_run *run, const char *line, size_t len,
		      lq_error *err)
{
	lq_eventrec_arena *arena = &run->events->arena;
	lq_eventrec_mark mark = lq_eventrec_arena_mark(arena);
	lq_event_input rec;
	int rc, taken = 0;

	lq_eventrec_init(&rec);
	rc = lq_eventrec_decode(line, len, run->opts->date_fmt, arena, &rec,
				err);
	if (rc == 0)
		rc = lq_import_event_lead(run, rec.lead_key, &rec.event, err);
	if (rc == 0)
		rc = lq_store_event_check(&rec.event, err);
	if (rc == 0) {
		lq_event_batch_take(run->events, &rec.event, rec.in_arena);
		taken = 1;
		if (lq_event_batch_full(run->events))
			rc = lq_event_batch_flush(run, run->events, err);
	}
	lq_eventrec_free(&rec);
	if (!taken)   /* a refused line (--skip-bad) gives its strings back */
		lq_eventrec_arena_rewind(arena, mark);
	return rc;
}

int lq_service_import_events(lq_service *svc, FILE *in, const char *name,
			     const lq_import_opts *opts, lq_import_report *rep,
			     lq_reject_fn on_reject, void *ctx, lq_error *err)
{
	lq_import_run run;
	lq_event_batch batch;
	int rc = lq_import_begin(&run, svc, name, opts, rep, on_reject, ctx, err);

	/* never more events than the working set holds leads */
	lq_event_batch_init(&batch, run.ws.limit && run.ws.limit < IMPORT_EVENT_BATCH
				    ? run.ws.limit : IMPORT_EVENT_BATCH,
			    opts->hold_mib > 0 ? opts->hold_mib
					       : LQ_IMPORT_HOLD_MIB);
	run.events = &batch;
	if (rc == 0)
		rc = lq_store_cache_size(svc->store, import_cache_kib(opts), err);
	if (rc == 0)
		rc = lq_import_ndjson(&run, in, LQ_EVENTREC_MAX_LINE, event_line, err);
	if (rc == 0)
		rc = lq_event_batch_finish(&run, &batch, err);
	lq_event_batch_free(&batch);
	rc = lq_import_end(&run, rc, err);
	lq_store_cache_size(svc->store, 0, NULL);
	return rc;
}
