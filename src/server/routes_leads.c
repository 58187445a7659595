/*
 * routes_leads.c - leads over HTTP: list (filters and sort as `leadq
 * leads`), one lead in full, create/update a profile, erase, and the
 * lifecycle actions (accept, reject, qualify, opportunity, won, lost,
 * notes, tasks) with the same rules and messages as the CLI: both call the
 * same service functions. Writes run on the writer thread.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_out.h"
#include "io/lead_record.h"
#include "server/server_internal.h"

/* GET /api/leads?stage=&grade=&source=&owner=&sort=&limit= */
int lq_route_leads(lq_http_req *req, lq_http_res *res)
{
	lq_lead_query q = {.filter = {.stage = LQ_STAGE_NONE}, .limit = 50};
	const char *v;
	lq_lead_list list;
	lq_error err;

	if ((v = lq_http_query(req, "stage")) &&
	    (q.filter.stage = lq_stage_parse(v)) == LQ_STAGE_NONE) {
		lq_http_error(res, 400, "unknown stage", "stage");
		return 0;
	}
	if ((v = lq_http_query(req, "grade"))) {
		if (!v[0] || v[1] || !strchr("ABCDFabcdf", v[0])) {
			lq_http_error(res, 400, "grade must be A, B, C, D or F", "grade");
			return 0;
		}
		q.filter.grade = (char)(v[0] & ~0x20);
	}
	q.filter.source = lq_http_query(req, "source");
	q.filter.owner = lq_http_query(req, "owner");
	if ((v = lq_http_query(req, "sort")) && lq_lead_sort_parse(v, &q.sort)) {
		lq_http_error(res, 400, "sort must be score, engagement, fit or updated", "sort");
		return 0;
	}
	if ((v = lq_http_query(req, "limit"))) {
		/* Not a number is refused, not read as 0 ("all"). */
		char *end;
		long long n = strtoll(v, &end, 10);
		if (!*v || *end || n < 0) {
			lq_http_error(res, 400, "limit must be a number >= 0 (0: all)", "limit");
			return 0;
		}
		q.limit = (size_t)n;
	}
	lq_error_clear(&err);
	if (lq_service_leads(req->svc, &q, &list, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_json_lead_list(&res->body, &list);
	lq_lead_list_free(&list);
	lq_http_json(res, 200);
	return 0;
}

int lq_route_lead_get(lq_http_req *req, lq_http_res *res)
{
	lq_lead_detail d;
	lq_error err;
	lq_error_clear(&err);
	if (lq_service_lead_detail(req->svc, req->params[0], &d, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_json_lead_detail(&res->body, &d, 1);
	lq_lead_detail_free(&d);
	lq_http_json(res, 200);
	return 0;
}

/* ---- writes ------------------------------------------------------------------ */

typedef struct lead_job {
	lq_lead_input rec;
	int64_t id;
	const char *key;
} lead_job;

static int upsert_lead(lq_service *svc, lq_ingest *session, void *arg,
		       lq_error *err)
{
	lead_job *j = arg;
	return lq_ingest_lead(session, &j->rec, &j->id, err);
}

static void lead_free(lead_job *j)
{
	lq_leadrec_free(&j->rec);
	free(j);
}

static void lead_put_written(lq_http_req *req, void *arg, int rc,
			     const lq_error *err, lq_http_res *res)
{
	lead_job *j = arg;
	if (rc) {
		lq_http_fail(res, err);
	} else {
		lq_buf_addf(&res->body, "{\"id\":%lld}", (long long)j->id);
		lq_http_json(res, 200);
	}
	lead_free(j);
}

/* POST /api/leads: a lead record as `import leads` takes in NDJSON. */
int lq_route_lead_put(lq_http_req *req, lq_http_res *res)
{
	lead_job *j = lq_xcalloc(1, sizeof *j);
	lq_error err;
	lq_leadrec_init(&j->rec);
	lq_error_clear(&err);
	if (lq_leadrec_from_json(req->body, req->body_len, NULL, NULL, &j->rec,
				 &err)) {
		lq_http_fail(res, &err);
		lead_free(j);
		return 0;
	}
	lq_http_defer_write(req, LQ_WRITE_SESSION, upsert_lead, j,
			    lead_put_written);
	return 0;
}

static int forget_lead(lq_service *svc, lq_ingest *session, void *arg,
		       lq_error *err)
{
	lead_job *j = arg;
	return lq_service_forget(svc, j->key, err);
}

static void forget_written(lq_http_req *req, void *arg, int rc,
			   const lq_error *err, lq_http_res *res)
{
	if (rc) {
		lq_http_fail(res, err);
	} else {
		lq_buf_adds(&res->body, "{\"erased\":true}");
		lq_http_json(res, 200);
	}
	lead_free(arg);
}

int lq_route_lead_delete(lq_http_req *req, lq_http_res *res)
{
	lead_job *j = lq_xcalloc(1, sizeof *j);
	lq_leadrec_init(&j->rec);
	j->key = req->params[0];
	lq_http_defer_write(req, LQ_WRITE_ERASURE, forget_lead, j,
			    forget_written);
	return 0;
}
