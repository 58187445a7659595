/*
 * routes_actions.c - POST /api/leads/{lead}/{action}: the sales actions
 * (accept, reject, qualify, opportunity, won, lost, notes, tasks) and
 * POST /api/tasks/{id}/done. The JSON body carries what the CLI takes as
 * options; the result is the lead afterwards (as GET /api/leads/{lead}).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_out.h"
#include "server/server_internal.h"

typedef struct action_job {
	const char *action;
	const char *key;
	const cJSON *body;
	char actor[64];
	lq_checklist_result result;
	int has_result;
	int64_t id;
} action_job;

static const char *text(const cJSON *body, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Checklist answers: every known item present in the body, strings or
 * numbers (sizes). */
static size_t answers(const cJSON *body, lq_answer_in *out, size_t max,
		      char bufs[][32])
{
	static const char *const items[] = {
		"budget", "money", "authority", "need", "timing", "urgency",
		"buy_cycle", "influencer", "time_frame", "opportunity_size", "size",
		"follow_up"};
	size_t n = 0;
	for (size_t i = 0; i < sizeof items / sizeof items[0] && n < max; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, items[i]);
		if (cJSON_IsString(v))
			out[n++] = (lq_answer_in){items[i], v->valuestring};
		else if (cJSON_IsNumber(v)) {
			snprintf(bufs[n], 32, "%.15g", v->valuedouble);
			out[n] = (lq_answer_in){items[i], bufs[n]};
			n++;
		}
	}
	return n;
}

static int run_checklist(lq_service *svc, action_job *j, int sqo,
			 lq_error *err)
{
	lq_answer_in a[16];
	char bufs[16][32];
	size_t n = answers(j->body, a, 16, bufs);
	j->has_result = 1;
	return sqo ? lq_service_opportunity(svc, j->key, j->actor, a, n, &j->result, err)
		   : lq_service_qualify(svc, j->key, j->actor, a, n, &j->result, err);
}

static int run_task(lq_service *svc, action_job *j, lq_error *err)
{
	lq_time due;
	const char *d = text(j->body, "due");
	if (!d)
		return lq_error_set(err, LQ_EINVAL, "a task needs due (ISO 8601)");
	int rc = lq_time_parse_iso(d, &due, err);
	if (rc == 0)
		rc = lq_service_task(svc, j->key, text(j->body, "owner"), due,
				     text(j->body, "text"), &j->id, err);
	return rc;
}

static int run_action(lq_service *svc, lq_ingest *session, void *arg,
		      lq_error *err)
{
	action_job *j = arg;
	const char *a = j->action;
	const cJSON *dq = cJSON_GetObjectItemCaseSensitive(j->body, "disqualify");
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(j->body, "amount");
	char amount_text[32] = "";

	if (strcmp(a, "accept") == 0)
		return lq_service_accept(svc, j->key, j->actor, text(j->body, "owner"), err);
	if (strcmp(a, "reject") == 0)
		return lq_service_reject(svc, j->key, j->actor, text(j->body, "reason"),
					 cJSON_IsTrue(dq), err);
	if (strcmp(a, "qualify") == 0)
		return run_checklist(svc, j, 0, err);
	if (strcmp(a, "opportunity") == 0)
		return run_checklist(svc, j, 1, err);
	if (strcmp(a, "won") == 0) {
		if (cJSON_IsNumber(amount))
			snprintf(amount_text, sizeof amount_text, "%.15g", amount->valuedouble);
		return lq_service_won(svc, j->key, j->actor,
				      amount_text[0] ? amount_text : text(j->body, "amount"), err);
	}
	if (strcmp(a, "lost") == 0)
		return lq_service_lost(svc, j->key, j->actor, text(j->body, "reason"), err);
	if (strcmp(a, "notes") == 0)
		return lq_service_note(svc, j->key, j->actor, text(j->body, "text"), &j->id, err);
	if (strcmp(a, "tasks") == 0)
		return run_task(svc, j, err);
	return lq_error_set(err, LQ_ENOTFOUND, "unknown action '%.40s' (accept, reject, "
			    "qualify, opportunity, won, lost, notes, tasks)", a);
}

static void respond_with_lead(lq_http_req *req, lq_http_res *res,
			      const action_job *j)
{
	lq_lead_detail d;
	lq_error err;
	lq_service *svc;
	lq_error_clear(&err);
	if (lq_server_reader(req->server, &svc, &err) ||
	    lq_service_lead_detail(svc, j->key, &d, &err)) {
		lq_http_fail(res, &err);
		return;
	}
	lq_buf_adds(&res->body, "{\"result\":");
	if (j->has_result)
	{
		lq_buf_addf(&res->body, "{\"moved\":%s,\"stage\":\"%s\",\"missing\":",
			    j->result.moved ? "true" : "false", lq_stage_name(j->result.stage));
		lq_buf_add_json_str(&res->body, j->result.missing);
		lq_buf_addc(&res->body, '}');
	}
	else if (j->id)
		lq_buf_addf(&res->body, "{\"id\":%lld}", (long long)j->id);
	else
		lq_buf_adds(&res->body, "{}");
	lq_buf_adds(&res->body, ",\"lead\":");
	lq_json_lead_detail(&res->body, &d, 1);
	lq_buf_addc(&res->body, '}');
	lq_lead_detail_free(&d);
	lq_http_json(res, 200);
}

/* A body that is empty or a JSON object; NULL with res filled otherwise. */
static cJSON *json_body(const lq_http_req *req, lq_http_res *res)
{
	cJSON *body = req->body_len ? cJSON_ParseWithLength(req->body, req->body_len)
				    : cJSON_CreateObject();
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		lq_http_error(res, 400, "the body must be a JSON object", NULL);
		return NULL;
	}
	return body;
}

static void action_written(lq_http_req *req, void *arg, int rc,
			   const lq_error *err, lq_http_res *res)
{
	action_job *j = arg;
	if (rc)
		lq_http_fail(res, err);
	else
		respond_with_lead(req, res, j);
	cJSON_Delete((cJSON *)j->body);
	free(j);
}

int lq_route_action(lq_http_req *req, lq_http_res *res)
{
	cJSON *body = json_body(req, res);
	if (!body)
		return 0;
	action_job *j = lq_xcalloc(1, sizeof *j);
	j->key = req->params[0];
	j->action = req->params[1];
	j->body = body;
	snprintf(j->actor, sizeof j->actor, "%s", text(body, "actor") ? text(body, "actor") : "");
	if (!j->actor[0])
		snprintf(j->actor, sizeof j->actor, "key#%lld", (long long)req->key_id);
	lq_http_defer_write(req, LQ_WRITE_STANDALONE, run_action, j,
			    action_written);
	return 0;
}

static int run_task_done(lq_service *svc, lq_ingest *session, void *arg,
			 lq_error *err)
{
	return lq_service_task_done(svc, *(int64_t *)arg, err);
}

static void task_done_written(lq_http_req *req, void *arg, int rc,
			      const lq_error *err, lq_http_res *res)
{
	int64_t *id = arg;
	if (rc) {
		lq_http_fail(res, err);
	} else {
		lq_buf_addf(&res->body, "{\"id\":%lld,\"done\":true}", (long long)*id);
		lq_http_json(res, 200);
	}
	free(id);
}

int lq_route_task_done(lq_http_req *req, lq_http_res *res)
{
	char *end;
	int64_t id = strtoll(req->params[0], &end, 10);
	if (*end || id <= 0) {
		lq_http_error(res, 400, "task id must be a number", "id");
		return 0;
	}
	int64_t *arg = lq_xmalloc(sizeof *arg);
	*arg = id;
	lq_http_defer_write(req, LQ_WRITE_STANDALONE, run_task_done, arg,
			    task_done_written);
	return 0;
}
