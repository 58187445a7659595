/*
 * routes_admin.c - health, metrics, the tracking snippet, the sales queue,
 * SLA and task lists, accounts, and the scoring model (read; replace with
 * validation, versioning and rescoring in one transaction).
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_out.h"
#include "server/server_internal.h"
#include "server/assets.h"

static size_t query_size(const lq_http_req *req, const char *name, size_t dflt)
{
	const char *v = lq_http_query(req, name);
	char *end;
	if (!v || !*v)
		return dflt;
	long long n = strtoll(v, &end, 10);
	return *end || n < 0 ? dflt : (size_t)n;
}

int lq_route_health(lq_http_req *req, lq_http_res *res)
{
	lq_buf_addf(&res->body, "{\"status\":\"ok\",\"schema\":%d,\"model_version\":%lld}",
		    lq_store_schema_version(req->svc->store),
		    (long long)req->svc->model_version);
	lq_http_json(res, 200);
	return 0;
}

int lq_route_metrics(lq_http_req *req, lq_http_res *res)
{
	struct lq_server *s = req->server;
	lq_store_gauges c;
	lq_writer_stats w;
	lq_inbox_writer_stats ib;
	lq_metrics m;
	lq_error err;
	static const char *const classes[] = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"};

	lq_error_clear(&err);
	memset(&c, 0, sizeof c);
	if (lq_store_gauges_get(req->svc->store, &c, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_writer_stats_get(s->writer, &w);
	lq_inbox_writer_stats_get(s->inbox, &ib);
	pthread_mutex_lock(&s->metrics_lock);
	m = s->metrics;
	pthread_mutex_unlock(&s->metrics_lock);
	lq_buf *b = &res->body;
	lq_buf_adds(b, "# HELP leadq_http_requests_total HTTP requests answered, by status class.\n"
		       "# TYPE leadq_http_requests_total counter\n");
	for (int i = 1; i < 6; i++)
		lq_buf_addf(b, "leadq_http_requests_total{class=\"%s\"} %llu\n", classes[i],
			    (unsigned long long)m.by_class[i]);
	lq_buf_addf(b, "# HELP leadq_http_request_seconds_total Time spent answering.\n"
		       "# TYPE leadq_http_request_seconds_total counter\n"
		       "leadq_http_request_seconds_total %.6f\n", (double)m.micros / 1e6);
	const struct { const char *name, *type, *help; unsigned long long v; } g[] = {
		{"leadq_events_ingested_total", "counter", "Events stored through the API.", w.events},
		{"leadq_events_duplicate_total", "counter", "Events dropped as already seen.", w.duplicates},
		{"leadq_commits_total", "counter", "Group commits of the writer.", w.commits},
		{"leadq_writer_jobs_total", "counter", "Jobs the writer ran (requests that write).", w.jobs},
		{"leadq_group_jobs_total", "counter", "Jobs committed in group commits.", w.group_jobs},
		{"leadq_group_max_jobs", "gauge", "The largest group commit, in jobs.", w.group_max},
		{"leadq_writer_queued", "gauge", "Jobs waiting for the writer.", w.queued},
		{"leadq_http_waiting_commit", "gauge",
		 "Requests suspended until their commit, or until the inbox is applied as far as they need.",
		 __atomic_load_n(&s->waiting, __ATOMIC_ACQUIRE)},
		{"leadq_inbox_commits_total", "counter",
		 "Commits of the tracking inbox (each acknowledges the requests in it).", ib.commits},
		{"leadq_inbox_requests_total", "counter", "Tracking requests acknowledged.", ib.jobs},
		{"leadq_inbox_group_max", "gauge", "The most tracking requests in one inbox commit.",
		 ib.group_max},
		{"leadq_inbox_append_failures_total", "counter",
		 "Tracking requests refused because the inbox could not be written.", ib.failed},
		{"leadq_inbox_pending", "gauge", "Tracking requests acknowledged and not applied yet.",
		 w.inbox_pending},
		{"leadq_inbox_applied_total", "counter", "Tracking requests applied.", w.inbox_requests},
		{"leadq_inbox_rejected_total", "counter",
		 "Tracking requests refused when applied (logged).", w.inbox_rejected},
		{"leadq_inbox_applies_total", "counter", "Transactions applying the inbox.",
		 w.inbox_applies},
		{"leadq_inbox_apply_failures_total", "counter",
		 "Applies of the inbox that failed and were retried.", w.inbox_failures},
		{"leadq_inbox_pass_size", "gauge",
		 "Requests (and events) the next inbox pass may take; doubles while the writer is behind.",
		 w.pass_size},
		{"leadq_writer_cache_bytes", "gauge",
		 "Bytes in the writer's page cache (serve --cache-mb) after its last inbox pass.",
		 w.cache_bytes},
		{"leadq_checkpoints_total", "counter", "Passive WAL checkpoints of the checkpointer thread.",
		 lq_checkpointer_count(s->checkpointer)},
		{"leadq_wal_pages", "gauge",
		 "Pages in the database's WAL after the writer's last commit (it starts over once checkpointed).",
		 w.wal_pages},
		{"leadq_inline_checkpoints_total", "counter",
		 "WAL checkpoints the writer ran itself (WAL over its hard limit).", w.inline_checkpoints},
		{"leadq_inbox_bytes", "gauge",
		 "Bytes the tracking inbox holds (requests not applied, or applied and not deleted yet).",
		 ib.bytes},
		{"leadq_inbox_full_total", "counter",
		 "Tracking requests answered 503 because the inbox was full.", m.inbox_full},
		{"leadq_inbox_wal_pages", "gauge",
		 "Pages in the tracking inbox's WAL after its last commit (it starts over once checkpointed).",
		 ib.wal_pages},
		{"leadq_inbox_inline_checkpoints_total", "counter",
		 "Checkpoints of the tracking inbox its thread ran itself (WAL over its hard limit).",
		 ib.inline_checkpoints},
		{"leadq_queue_depth", "gauge", "MQLs waiting for sales.", (unsigned long long)c.mqls},
		{"leadq_outbox_pending", "gauge", "Alerts waiting for delivery.",
		 (unsigned long long)c.outbox_pending},
		{"leadq_outbox_dead", "gauge", "Alerts that gave up.", (unsigned long long)c.outbox_dead},
		{"leadq_leads", "gauge", "Leads stored.", (unsigned long long)c.leads},
		{"leadq_events_recent", "gauge",
		 "Events stored by the server and not folded into the table clustered by lead yet.",
		 (unsigned long long)c.events_recent},
		{"leadq_events_folding", "gauge", "1 while a fold of recent events is under way.",
		 (unsigned long long)c.events_folding},
		{"leadq_fold_steps_total", "counter", "Slices of folds of recent events.",
		 w.fold_steps},
		{"leadq_events_folded_total", "counter",
		 "Recent events moved into the table clustered by lead.", w.folded},
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
		lq_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", g[i].name,
			    g[i].help, g[i].name, g[i].type, g[i].name, g[i].v);
	res->status = 200;
	res->content_type = "text/plain; version=0.0.4";
	return 0;
}

static const lq_asset *asset_at(const char *path)
{
	for (const lq_asset *a = lq_assets; a->path; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}

/* "/ui/v" and 12 hex digits, then "/": tools/embed.c's versioned path. */
static int is_versioned(const char *path)
{
	if (strncmp(path, "/ui/v", 5) != 0)
		return 0;
	for (int i = 5; i < 17; i++)
		if (!isxdigit((unsigned char)path[i]) || isupper((unsigned char)path[i]))
			return 0;
	return path[17] == '/';
}

const lq_asset *lq_asset_find(const char *path, const char **cache_control)
{
	const lq_asset *a = asset_at(path);
	char plain[256];
	if (a) {
		if (cache_control)
			*cache_control = a->cache_control;
		return a;
	}
	if (!is_versioned(path) || strlen(path) - 13 >= sizeof plain)
		return NULL;
	snprintf(plain, sizeof plain, "/ui%s", path + 17);
	a = asset_at(plain);
	if (cache_control)
		*cache_control = "no-cache";
	return a;
}

/* Static files compiled in: the tracking snippet, the dashboard. */
int lq_route_snippet(lq_http_req *req, lq_http_res *res)
{
	const char *cache_control;
	const lq_asset *a = lq_asset_find(req->path, &cache_control);
	if (!a) {
		lq_http_error(res, 404, "no such file", NULL);
		return 0;
	}
	lq_buf_add(&res->body, a->data, a->len);
	res->status = 200;
	res->content_type = a->content_type;
	res->cache_control = cache_control;
	return 0;
}

int lq_route_queue(lq_http_req *req, lq_http_res *res)
{
	lq_queue q;
	lq_error err;
	lq_error_clear(&err);
	lq_queue_query qq = {.owner = lq_http_query(req, "owner"),
			     .source = lq_http_query(req, "source"),
			     .offset = query_size(req, "offset", 0),
			     .limit = query_size(req, "limit", 50)};
	const char *grade = lq_http_query(req, "grade");
	if (grade && *grade) {
		if (grade[1] || !strchr("ABCDFabcdf", grade[0])) {
			lq_http_error(res, 400, "grade must be A, B, C, D or F", "grade");
			return 0;
		}
		qq.grade = (char)(grade[0] & ~0x20);
	}
	if (qq.source && !*qq.source)
		qq.source = NULL;
	if (qq.owner && !*qq.owner)
		qq.owner = NULL;
	if (lq_service_queue(req->svc, &qq, &q, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_json_queue(&res->body, &q, req->now);
	lq_queue_free(&q);
	lq_http_json(res, 200);
	return 0;
}

int lq_route_sla(lq_http_req *req, lq_http_res *res)
{
	lq_sla_report r;
	lq_error err;
	lq_error_clear(&err);
	if (lq_service_sla(req->svc, lq_http_query(req, "owner"), &r, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_buf_adds(&res->body, "{\"overdue\":");
	lq_json_queue(&res->body, &r.overdue, req->now);
	lq_buf_adds(&res->body, ",\"tasks\":");
	lq_json_tasks(&res->body, r.tasks, r.ntasks, req->now);
	lq_buf_addc(&res->body, '}');
	lq_sla_report_free(&r);
	lq_http_json(res, 200);
	return 0;
}

int lq_route_tasks(lq_http_req *req, lq_http_res *res)
{
	lq_task *t = NULL;
	size_t n = 0;
	lq_error err;
	const char *overdue = lq_http_query(req, "overdue");
	lq_error_clear(&err);
	if (lq_service_tasks(req->svc, lq_http_query(req, "owner"),
			     overdue && strcmp(overdue, "0") && strcmp(overdue, "false"),
			     &t, &n, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_json_tasks(&res->body, t, n, req->now);
	lq_tasks_free(t, n);
	lq_http_json(res, 200);
	return 0;
}

int lq_route_accounts(lq_http_req *req, lq_http_res *res)
{
	lq_account *a = NULL;
	size_t n = 0;
	lq_error err;
	lq_error_clear(&err);
	if (lq_service_accounts(req->svc, query_size(req, "limit", 100),
				query_size(req, "offset", 0), &a, &n, &err)) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_buf_adds(&res->body, "{\"accounts\":[");
	for (size_t i = 0; i < n; i++) {
		lq_buf_adds(&res->body, i ? "," : "");
		lq_json_account(&res->body, &a[i]);
	}
	lq_buf_adds(&res->body, "]}");
	lq_accounts_free(a, n);
	lq_http_json(res, 200);
	return 0;
}

/* ---- the model ------------------------------------------------------------- */

int lq_route_model_get(lq_http_req *req, lq_http_res *res)
{
	lq_model_row row;
	lq_error err;
	char at[LQ_TIME_STRLEN];
	memset(&row, 0, sizeof row);
	lq_error_clear(&err);
	int rc = lq_service_model_shown(req->svc, &row, &err);
	if (rc == LQ_ENOTFOUND) {
		lq_http_error(res, 404, "no model applied yet", NULL);
		return 0;
	}
	if (rc) {
		lq_http_fail(res, &err);
		return 0;
	}
	lq_time_format(row.applied_at, at);
	lq_buf_addf(&res->body, "{\"version\":%lld,\"name\":", (long long)row.version);
	lq_buf_add_json_str(&res->body, row.name ? row.name : "");
	lq_buf_addf(&res->body, ",\"applied_at\":\"%s\",\"text\":", at);
	lq_buf_add_json_str(&res->body, row.text);
	lq_buf_addc(&res->body, '}');
	lq_model_row_free(&row);
	lq_http_json(res, 200);
	return 0;
}

typedef struct model_job {
	const char *text;
	size_t len;
	lq_apply_report rep;
	lq_diags diags;
	lq_writer *writer;
	cJSON *json;              /* the body, when it came as JSON */
} model_job;

static int apply_model(lq_service *svc, lq_ingest *session, void *arg,
		       lq_error *err)
{
	model_job *j = arg;
	int rc = lq_service_model_apply(svc, j->text, j->len, "model", &j->rep,
					&j->diags, err);
	if (rc == 0)
		lq_writer_bump_generation(j->writer);
	return rc;
}

static void model_written(lq_http_req *req, void *arg, int rc,
			  const lq_error *err, lq_http_res *res)
{
	model_job *j = arg;
	if (rc && j->diags.n)
		lq_route_problems(res, &j->diags);
	else if (rc)
		lq_http_fail(res, err);
	else {
		lq_buf_addf(&res->body, "{\"version\":%lld,\"leads_rescored\":%zu,"
			    "\"stage_changes\":%zu}", (long long)j->rep.version,
			    j->rep.leads_rescored, j->rep.stage_changes);
		lq_http_json(res, 200);
	}
	lq_diags_free(&j->diags);
	cJSON_Delete(j->json);
	free(j);
}

int lq_route_model_put(lq_http_req *req, lq_http_res *res)
{
	model_job *j = lq_xcalloc(1, sizeof *j);
	j->writer = req->server->writer;
	j->text = lq_route_model_text(req, &j->json, &j->len);
	if (!j->text || j->len == 0) {
		lq_http_error(res, 400, "send the model as YAML, or JSON {\"text\": \"...\"}", "text");
		cJSON_Delete(j->json);
		free(j);
		return 0;
	}
	lq_http_defer_write(req, LQ_WRITE_STANDALONE, apply_model, j,
			    model_written);
	return 0;
}
