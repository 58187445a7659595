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

/* Clock skew tolerated between a sender and leadq. */
#define FUTURE_SKEW (5 * LQ_MS_MINUTE)

static int create_lead_for(lq_import_run *run, const char *email, lq_time at,
			   int64_t *id, lq_error *err)
{
	lq_lead lead;
	lq_lead_work *w;
	int64_t account_id;
	int rc;

	lq_lead_init(&lead);
	lead.email = lq_xstrdup(email);
	lq_str_lower(lead.email);
	lead.email_domain = lq_email_domain(lead.email);
	lead.created_at = at;
	rc = lq_import_account(run, &lead, NULL, 0, &account_id, err);
	lead.account_id = account_id;
	if (rc == 0)
		rc = lq_import_new_lead(run, &lead, LQ_STAGE_LEAD, at, &w, err);
	if (rc == 0)
		*id = w->lead.id;
	lq_lead_free(&lead);
	return rc;
}

static int resolve_lead(lq_import_run *run, const char *key, lq_time at,
			int64_t *id, lq_error *err)
{
	lq_lead lead;
	int rc;

	lq_lead_init(&lead);
	rc = lq_service_find_lead(run->svc, key, &lead, err);
	*id = lead.id;
	lq_lead_free(&lead);
	if (rc != LQ_ENOTFOUND)
		return rc;
	lq_error_clear(err);
	if (!lq_looks_like_email(key))
		return lq_error_set(err, LQ_ENOTFOUND,
				    "unknown lead '%.200s': neither a known external id nor an email",
				    key);
	return create_lead_for(run, key, at, id, err);
}

static int apply_event(lq_import_run *run, lq_event_input *in, lq_error *err)
{
	lq_service *svc = run->svc;
	lq_lead_work *w;
	int dup = 0;
	int rc;

	if (in->event.at > svc->now + FUTURE_SKEW) {
		char at[LQ_TIME_STRLEN], now[LQ_TIME_STRLEN];
		lq_time_format(in->event.at, at);
		lq_time_format(svc->now, now);
		return lq_error_set(err, LQ_EINVAL,
				    "event time %s is later than now (%s)", at, now);
	}
	rc = resolve_lead(run, in->lead_key, in->event.at, &in->event.lead_id, err);
	if (rc == 0)
		rc = lq_store_event_add(svc->store, &in->event, &dup, err);
	if (rc)
		return rc;
	if (dup) {
		run->rep->duplicates++;
		return 0;
	}
	run->rep->stored++;
	rc = lq_workset_get(svc, &run->ws, in->event.lead_id, &w, err);
	if (rc == 0)
		rc = lq_work_add_event(svc, w, &in->event,
				       &run->rep->stage_changes, err);
	return rc;
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
