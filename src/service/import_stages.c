/*
 * import_stages.c - `leadq import stages`: historic stage changes from a CRM
 * export (e.g. won deals with their dates). Recorded as they happened,
 * actor "import" unless the file says otherwise, without the live gates.
 * Rows apply in file order: the lead's current stage becomes the stage of
 * its last row, whatever the dates say (real exports have a won date before
 * the first contact now and then); history keeps each row's own time.
 */
#include "service/service.h"

#include <stdio.h>
#include <string.h>

#include "io/stage_record.h"
#include "service/import_run.h"

static int apply_change(lq_import_run *run, lq_stage_input *in, lq_error *err)
{
	lq_service *svc = run->svc;
	lq_lead_work *w;
	int64_t id;
	int rc;

	if (in->at > svc->now)
		return lq_error_set(err, LQ_EINVAL, "stage change time is later than now");
	rc = lq_service_find_lead_id(svc, in->lead_key, &id, err);
	if (rc == 0)
		rc = lq_workset_get(svc, &run->ws, id, &w, err);
	if (rc)
		return rc;
	rc = lq_work_import_stage(svc, w, in->stage, in->at,
			       in->actor ? in->actor : "import", in->reason, err);
	run->rep->stored += rc == 0;
	return rc;
}

static const char *fixed_stage(const lq_import_opts *opts)
{
	return opts->stage == LQ_STAGE_NONE ? NULL : lq_stage_name(opts->stage);
}

static int stage_header(lq_import_run *run, const lq_csv_row *header,
			lq_error *err)
{
	lq_stagerec_layout *lay = NULL;
	int rc = lq_stagerec_header(run->map, header, fixed_stage(run->opts),
				    &lay, err);
	run->layout = lay;
	return rc;
}

static int stage_row(lq_import_run *run, const lq_csv_row *row, lq_error *err)
{
	lq_stage_input rec;
	lq_stagerec_init(&rec);
	int rc = lq_stagerec_from_csv(run->layout, row, run->opts->date_fmt,
				      &rec, err);
	if (rc == 0)
		rc = apply_change(run, &rec, err);
	lq_stagerec_free(&rec);
	return rc;
}

int lq_service_import_stages(lq_service *svc, FILE *in, const char *name,
			     const lq_import_opts *opts, lq_import_report *rep,
			     lq_reject_fn on_reject, void *ctx, lq_error *err)
{
	lq_import_run run;
	int rc = lq_import_begin(&run, svc, name, opts, rep, on_reject, ctx, err);
	if (rc == 0)
		rc = lq_import_csv(&run, in, stage_header, stage_row, err);
	lq_stagerec_layout_free(run.layout);
	return lq_import_end(&run, rc, err);
}
