/*
 * router.c - the route table: method, path pattern, who may call it, how
 * large its body may be, and the handler. One table, read top to bottom.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "server/assets.h"
#include "server/server_internal.h"

#define KB 1024
#define SMALL (64 * KB)

static const lq_route routes[] = {
	{"GET", "/healthz", LQ_ANYONE, 0, lq_route_health},
	{"GET", "/metrics", LQ_ADMINS, 0, lq_route_metrics},

	{"POST", "/v1/track", LQ_SENDERS, 32 * KB, lq_route_track},
	{"POST", "/v1/page", LQ_SENDERS, 32 * KB, lq_route_track},
	{"POST", "/v1/screen", LQ_SENDERS, 32 * KB, lq_route_track},
	{"POST", "/v1/identify", LQ_SENDERS, 32 * KB, lq_route_track},
	{"POST", "/v1/group", LQ_SENDERS, 32 * KB, lq_route_track},
	{"POST", "/v1/alias", LQ_SENDERS, 32 * KB, lq_route_track},
	{"POST", "/v1/batch", LQ_SENDERS, 500 * KB, lq_route_track},

	{"GET", "/api/leads", LQ_READERS, 0, lq_route_leads},
	{"POST", "/api/leads", LQ_READERS, SMALL, lq_route_lead_put},
	{"GET", "/api/leads/:key", LQ_READERS, 0, lq_route_lead_get},
	{"DELETE", "/api/leads/:key", LQ_ADMINS, 0, lq_route_lead_delete},
	{"POST", "/api/leads/:key/:action", LQ_SELLERS, SMALL, lq_route_action},
	{"POST", "/api/tasks/:id/done", LQ_SELLERS, SMALL, lq_route_task_done},
	{"GET", "/api/tasks", LQ_READERS, 0, lq_route_tasks},
	{"GET", "/api/queue", LQ_READERS, 0, lq_route_queue},
	{"GET", "/api/sla", LQ_READERS, 0, lq_route_sla},
	{"GET", "/api/accounts", LQ_READERS, 0, lq_route_accounts},
	{"GET", "/api/model", LQ_MODELLERS, 0, lq_route_model_get},
	{"PUT", "/api/model", LQ_MODELLERS, 4 * KB * KB, lq_route_model_put},
	{"GET", "/api/model/versions", LQ_MODELLERS, 0, lq_route_model_versions},
	{"POST", "/api/model/check", LQ_MODELLERS, 4 * KB * KB, lq_route_model_check},
	{"POST", "/api/backtest", LQ_MODELLERS, 4 * KB * KB, lq_route_backtest},
	{"GET", "/api/funnel", LQ_READERS, 0, lq_route_funnel},
	{"GET", "/api/me", LQ_READERS | LQ_ROLE_INGEST, 0, lq_route_me},
};

#define NROUTES (sizeof routes / sizeof routes[0])

/* Match pattern against path segment by segment; ":name" takes one
 * segment. Params are copied (URL-decoded) into req on success. */
static int match(const char *pattern, const char *path, lq_http_req *req)
{
	size_t np = 0;
	char *params[LQ_HTTP_MAX_PARAMS];
	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			break;
		pattern++;
		path++;
		const char *pend = strchrnul(pattern, '/'), *send = strchrnul(path, '/');
		if (*pattern == ':') {
			if (send == path || np == LQ_HTTP_MAX_PARAMS)
				break;
			params[np++] = lq_xstrndup(path, (size_t)(send - path));
		} else if (pend - pattern != send - path ||
			   strncmp(pattern, path, (size_t)(pend - pattern))) {
			break;
		}
		pattern = pend;
		path = send;
	}
	int ok = !*pattern && !*path;
	for (size_t i = 0; i < np; i++) {
		if (ok && req)
			req->params[req->nparams++] = params[i];
		else
			free(params[i]);
	}
	return ok;
}

/* Files compiled in from web/ (the snippet, the dashboard): any GET of a
 * path in the asset table, no key needed. */
static const lq_route static_file = {"GET", "(web files)", LQ_ANYONE, 0,
				     lq_route_snippet};

const lq_route *lq_route_find(const char *method, const char *path,
			      lq_http_req *req, int *path_known)
{
	*path_known = 0;
	if (lq_asset_find(path, NULL)) {
		*path_known = 1;
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
			return &static_file;
	}
	for (size_t i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, path, NULL))
			continue;
		*path_known = 1;
		if (strcmp(routes[i].method, method) == 0) {
			match(routes[i].pattern, path, req);
			return &routes[i];
		}
	}
	return NULL;
}
