/*
 * routes_analytics.c - what the dashboard needs beyond leads: who am I
 * (/api/me), the funnel, the model's versions, checking a model without
 * applying it, and backtesting an uploaded model against the current one.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "io/backtest_json.h"
#include "io/funnel_json.h"
#include "server/server_internal.h"

int lq_route_me(lq_http_req *req, lq_http_res *res)
{
	lq_buf_addf(&res->body, "{\"role\":\"%s\",\"key_id\":%lld}",
		    lq_role_name(req->role), (long long)req->key_id);
	lq_http_json(res, 200);
	return 0;
}

/* GET /api/funnel?cohort=&from=&to=&by=&trend= (as `leadq funnel`). */
int lq_route_funnel(lq_http_req *req, lq_http_res *res)
{
	lq_funnel_query q = {
		.cohort = lq_http_query(req, "cohort"),
		.from = lq_http_query(req, "from"),
		.to = lq_http_query(req, "to"),
		.by = lq_http_query(req, "by"),
		.trend = lq_http_query(req, "trend"),
	};
	lq_funnel_report r;
	lq_error err;
	/* Empty parameters (a cleared form field) mean "not given". */
	const char **fields[] = {&q.cohort, &q.from, &q.to, &q.by, &q.trend};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (*fields[i] && !**fields[i])
			*fields[i] = NULL;
	lq_error_clear(&err);
	if (lq_service_funnel(req->svc, &q, &r, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_funnel_json(&res->body, &r);
	lq_funnel_report_free(&r);
	lq_http_json(res, 200);
	return 0;
}

int lq_route_model_versions(lq_http_req *req, lq_http_res *res)
{
	lq_model_row *rows = NULL;
	size_t n = 0;
	lq_error err;
	char at[LQ_TIME_STRLEN];
	lq_error_clear(&err);
	if (lq_store_models(req->svc->store, &rows, &n, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_buf_adds(&res->body, "{\"versions\":[");
	for (size_t i = 0; i < n; i++) {
		lq_time_format(rows[i].applied_at, at);
		lq_buf_addf(&res->body, "%s{\"version\":%lld,\"name\":", i ? "," : "",
			    (long long)rows[i].version);
		lq_buf_add_json_str(&res->body, rows[i].name ? rows[i].name : "");
		lq_buf_addf(&res->body, ",\"applied_at\":\"%s\"}", at);
	}
	lq_buf_adds(&res->body, "]}");
	lq_model_rows_free(rows, n);
	lq_http_json(res, 200);
	return 0;
}

/* The model text of a request: the raw body (YAML), or {"text": "..."}.
 * *json holds the parsed body when JSON was sent (caller deletes). */
const char *lq_route_model_text(const lq_http_req *req, cJSON **json,
				size_t *len)
{
	*json = NULL;
	if (req->content_type && strstr(req->content_type, "json")) {
		*json = cJSON_ParseWithLength(req->body, req->body_len);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(*json, "text");
		if (!cJSON_IsString(t))
			return NULL;
		*len = strlen(t->valuestring);
		return t->valuestring;
	}
	*len = req->body_len;
	return req->body;
}

void lq_route_problems(lq_http_res *res, const lq_diags *d)
{
	lq_buf *b = &res->body;
	lq_buf_reset(b);
	lq_buf_addf(b, "{\"error\":{\"code\":\"invalid\",\"message\":\"the model has %zu "
		       "problem%s\",\"problems\":[", d->n, d->n == 1 ? "" : "s");
	for (size_t i = 0; i < d->n; i++) {
		lq_buf_addf(b, "%s{\"line\":%d,\"col\":%d,\"message\":", i ? "," : "",
			    d->items[i].line, d->items[i].col);
		lq_buf_add_json_str(b, d->items[i].msg);
		lq_buf_addc(b, '}');
	}
	lq_buf_adds(b, "]}}");
	lq_http_json(res, 422);
}

/* POST /api/model/check: validate without applying. */
int lq_route_model_check(lq_http_req *req, lq_http_res *res)
{
	cJSON *json;
	size_t len = 0;
	lq_model *m = NULL;
	lq_diags d = {0};
	lq_error err;
	const char *text = lq_route_model_text(req, &json, &len);
	lq_error_clear(&err);
	if (!text || !len)
		lq_http_error(res, 400, "send the model as YAML, or JSON {\"text\": \"...\"}", "text");
	else if (lq_model_load(text, len, "model", &m, &d, &err))
		d.n ? lq_route_problems(res, &d) : lq_http_fail(res, &err);
	else {
		lq_buf_adds(&res->body, "{\"valid\":true,\"name\":");
		lq_buf_add_json_str(&res->body, m->name ? m->name : "");
		lq_buf_addf(&res->body, ",\"fit\":%zu,\"channel\":%zu,\"actions\":%zu}",
			    m->nfit, m->nchannel, m->nactions);
		lq_http_json(res, 200);
	}
	lq_model_free(m);
	lq_diags_free(&d);
	cJSON_Delete(json);
	return 0;
}

static int parse_window(const lq_http_req *req, lq_backtest_request *rq,
			lq_http_res *res)
{
	const char *from = lq_http_query(req, "from"), *to = lq_http_query(req, "to");
	const char *cap = lq_http_query(req, "capacity");
	lq_error err;
	lq_error_clear(&err);
	if (from && *from && lq_time_parse_iso(from, &rq->from, &err)) {
		lq_http_error(res, 400, err.msg, "from");
		return -1;
	}
	if (to && *to && lq_time_parse_iso(to, &rq->to, &err)) {
		lq_http_error(res, 400, err.msg, "to");
		return -1;
	}
	if (rq->from >= rq->to) {
		lq_http_error(res, 400, "from must be before to", "from");
		return -1;
	}
	if (cap && *cap) {
		char *end;
		long long n = strtoll(cap, &end, 10);
		if (n <= 0 || (*end && strcmp(end, "/week"))) {
			lq_http_error(res, 400, "capacity must be a whole number of MQLs per week", "capacity");
			return -1;
		}
		rq->capacity = (size_t)n;
	}
	return 0;
}

/* POST /api/backtest?from=&to=&capacity=: the body is a candidate model;
 * it is replayed over the stored history beside the current model. */
int lq_route_backtest(lq_http_req *req, lq_http_res *res)
{
	lq_backtest_request rq;
	lq_backtest_result out;
	lq_diags d = {0};
	lq_error err;
	cJSON *json;
	size_t len = 0;
	char *text;
	const char *body = lq_route_model_text(req, &json, &len);

	if (!body || !len) {
		lq_http_error(res, 400, "send the model as YAML, or JSON {\"text\": \"...\"}", "text");
		cJSON_Delete(json);
		return 0;
	}
	text = lq_xstrndup(body, len);
	lq_backtest_request_init(&rq);
	rq.files[0] = "uploaded model";
	rq.texts[0] = text;
	rq.nmodels = 1;
	if (req->svc->model)
		rq.files[rq.nmodels++] = LQ_BACKTEST_CURRENT;
	lq_error_clear(&err);
	memset(&out, 0, sizeof out);
	if (parse_window(req, &rq, res) == 0) {
		if (lq_service_backtest(req->svc, &rq, &out, &d, &err))
			d.n ? lq_route_problems(res, &d) : lq_http_fail(res, &err);
		else {
			lq_backtest_json(&res->body, &rq, &out);
			lq_http_json(res, 200);
			lq_backtest_result_free(&out);
		}
	}
	lq_diags_free(&d);
	free(text);
	cJSON_Delete(json);
	return 0;
}
