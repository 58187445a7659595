/*
 * import_leads.c - `leadq import leads`: create or update leads (and their
 * accounts) from CSV or NDJSON, then score them. A row that names an
 * existing lead (by external id or email) updates the fields it gives and
 * leaves the others alone.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "io/lead_record.h"
#include "service/import_run.h"

/* The existing lead a record names, 0 when new. External id and email
 * must not name two different leads. */
static int find_existing(lq_service *svc, const lq_lead *in, int64_t *id,
			 lq_error *err)
{
	lq_lead found;
	int64_t by_ext = 0, by_email = 0;
	int rc = 0;

	lq_lead_init(&found);
	if (in->external_id) {
		rc = lq_store_lead_by_external_id(svc->store, in->external_id,
						  &found, err);
		by_ext = rc == 0 ? found.id : 0;
		lq_lead_free(&found);
	}
	if ((rc == 0 || rc == LQ_ENOTFOUND) && in->email) {
		rc = lq_store_lead_by_email(svc->store, in->email, &found, err);
		by_email = rc == 0 ? found.id : 0;
		lq_lead_free(&found);
	}
	if (rc && rc != LQ_ENOTFOUND)
		return rc;
	lq_error_clear(err);
	if (by_ext && by_email && by_ext != by_email)
		return lq_error_set(err, LQ_ECONFLICT,
				    "external id '%s' is lead #%lld but email '%s' is lead #%lld",
				    in->external_id, (long long)by_ext, in->email,
				    (long long)by_email);
	*id = by_ext ? by_ext : by_email;
	return 0;
}

static void take_str(char **dst, char **src)
{
	if (!*src)
		return;
	free(*dst);
	*dst = *src;
	*src = NULL;
}

/* Move the given fields of in into the stored lead. */
static void merge_lead(lq_lead *dst, lq_lead *in)
{
	take_str(&dst->external_id, &in->external_id);
	take_str(&dst->email, &in->email);
	take_str(&dst->email_domain, &in->email_domain);
	take_str(&dst->first_name, &in->first_name);
	take_str(&dst->last_name, &in->last_name);
	take_str(&dst->title, &in->title);
	take_str(&dst->seniority, &in->seniority);
	take_str(&dst->department, &in->department);
	take_str(&dst->country, &in->country);
	take_str(&dst->source, &in->source);
	if (in->created_at)
		dst->created_at = in->created_at;
	for (size_t i = 0; i < in->attrs.n; i++) {
		lq_attrs_set(&dst->attrs, in->attrs.items[i].key,
			     in->attrs.items[i].val);
		in->attrs.items[i].val = LQ_VALUE_ABSENT;
	}
}

static lq_stage entry_stage(const lq_import_run *run, const lq_lead_input *in)
{
	if (in->stage)
		return lq_stage_parse(in->stage);
	return run->opts->stage != LQ_STAGE_NONE ? run->opts->stage : LQ_STAGE_LEAD;
}

static int update_lead(lq_import_run *run, int64_t id, lq_lead_input *in,
		       lq_stage stage, int stage_given, lq_error *err)
{
	lq_service *svc = run->svc;
	lq_lead_work *w;
	int64_t account_id;
	int rc = lq_workset_get(svc, &run->ws, id, &w, err);
	if (rc)
		return rc;
	merge_lead(&w->lead, &in->lead);
	rc = lq_import_account(run, &w->lead, &in->account, in->has_account,
			       &account_id, err);
	if (rc)
		return rc;
	if (account_id && account_id != w->lead.account_id) {
		w->lead.account_id = account_id;
	}
	if (w->lead.account_id) {
		lq_account_free(&w->account);
		rc = lq_store_account_get(svc->store, w->lead.account_id,
					  &w->account, err);
		if (rc)
			return rc;
		w->has_account = 1;
	}
	w->lead_dirty = 1;
	lq_work_refit(svc, w);
	run->rep->updated++;
	if (stage_given && stage != w->lead.stage) {
		rc = lq_work_import_stage(svc, w, stage, svc->now, "import", NULL, err);
		if (rc)
			return rc;
	}
	return lq_work_check_stage(svc, w, NULL, w->clock,
				   &run->rep->stage_changes, err);
}

static int create_lead(lq_import_run *run, lq_lead_input *in, lq_stage stage,
		       int64_t *lead_id, lq_error *err)
{
	lq_service *svc = run->svc;
	lq_lead_work *w;
	int64_t account_id;
	int rc = lq_import_account(run, &in->lead, &in->account, in->has_account,
				   &account_id, err);
	if (rc)
		return rc;
	in->lead.account_id = account_id;
	lq_time at = in->lead.created_at ? in->lead.created_at : svc->now;
	rc = lq_import_new_lead(run, &in->lead, stage, at, &w, err);
	if (rc)
		return rc;
	*lead_id = w->lead.id;
	return lq_work_check_stage(svc, w, NULL, w->clock,
				   &run->rep->stage_changes, err);
}

int lq_import_lead_record(lq_import_run *run, lq_lead_input *in,
			  int64_t *lead_id, lq_error *err)
{
	int64_t id = 0;
	int stage_given = in->stage || run->opts->stage != LQ_STAGE_NONE;
	lq_stage stage = entry_stage(run, in);
	lq_import_keys_forget(run);   /* an email or external id may change */
	int rc = find_existing(run->svc, &in->lead, &id, err);
	if (rc)
		return rc;
	if (in->lead.created_at > run->svc->now)
		return lq_error_set(err, LQ_EINVAL, "created_at is later than now");
	*lead_id = id;
	return id ? update_lead(run, id, in, stage, stage_given, err)
		  : create_lead(run, in, stage, lead_id, err);
}

static int apply_record(lq_import_run *run, lq_lead_input *in, lq_error *err)
{
	int64_t id;
	return lq_import_lead_record(run, in, &id, err);
}

static int lead_header(lq_import_run *run, const lq_csv_row *header,
		       lq_error *err)
{
	lq_leadrec_layout *lay = NULL;
	int rc = lq_leadrec_header(run->map, header, &lay, err);
	run->layout = lay;
	return rc;
}

static int lead_row(lq_import_run *run, const lq_csv_row *row, lq_error *err)
{
	lq_lead_input rec;
	lq_leadrec_init(&rec);
	int rc = lq_leadrec_from_csv(run->layout, row, run->opts->date_fmt,
				     &rec, err);
	if (rc == 0)
		rc = apply_record(run, &rec, err);
	lq_leadrec_free(&rec);
	return rc;
}

static int lead_line(lq_import_run *run, const char *line, size_t len,
		     lq_error *err)
{
	lq_lead_input rec;
	lq_leadrec_init(&rec);
	int rc = lq_leadrec_from_json(line, len, run->map, run->opts->date_fmt,
				      &rec, err);
	if (rc == 0)
		rc = apply_record(run, &rec, err);
	lq_leadrec_free(&rec);
	return rc;
}

int lq_service_import_leads(lq_service *svc, FILE *in, const char *name,
			    lq_input_format fmt, const lq_import_opts *opts,
			    lq_import_report *rep, lq_reject_fn on_reject,
			    void *ctx, lq_error *err)
{
	lq_import_run run;
	int rc = lq_import_begin(&run, svc, name, opts, rep, on_reject, ctx, err);
	if (rc == 0)
		rc = fmt == LQ_INPUT_CSV
			? lq_import_csv(&run, in, lead_header, lead_row, err)
			: lq_import_ndjson(&run, in, LQ_LEADREC_MAX_LINE, lead_line, err);
	lq_leadrec_layout_free(run.layout);
	return lq_import_end(&run, rc, err);
}
