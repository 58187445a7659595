/*
 * import_events.c - `leadq import events`: store activity (NDJSON, one
 * event a line) and score it incrementally. An event whose id was stored
 * before counts once. An event for an unknown email creates that lead, as
 * marketing tools do; an unknown key that is not an email is an error.
 */
#include "service/service.h"

#include <string.h>

#include "io/event_record.h"
#include "service/import_run.h"

static int apply_event(lq_import_run *run, lq_event_input *in, lq_error *err)
{
	lq_who who = {.key = in->lead_key};
	int dup = 0;
	return lq_import_event(run, &who, &in->event, &dup, err);
}

static int event_line(lq_import_run *run, const char *line, size_t len,
		      lq_error *err)
{
	lq_event_input rec;
	lq_eventrec_init(&rec);
	int rc = lq_eventrec_from_json(line, len, run->opts->date_fmt, &rec, err);
	if (rc == 0)
		rc = apply_event(run, &rec, err);
	lq_eventrec_free(&rec);
	return rc;
}

int lq_service_import_events(lq_service *svc, FILE *in, const char *name,
			     const lq_import_opts *opts, lq_import_report *rep,
			     lq_reject_fn on_reject, void *ctx, lq_error *err)
{
	lq_import_run run;
	int rc = lq_import_begin(&run, svc, name, opts, rep, on_reject, ctx, err);
	if (rc == 0)
		rc = lq_import_ndjson(&run, in, LQ_EVENTREC_MAX_LINE, event_line, err);
	return lq_import_end(&run, rc, err);
}
