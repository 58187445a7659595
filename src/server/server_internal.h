/*
 * server_internal.h - the server's shared state and the route table type,
 * private to src/server/.
 */
#ifndef LQ_SERVER_INTERNAL_H
#define LQ_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "server/checkpointer.h"
#include "server/deliverer.h"
#include "server/http.h"
#include "server/inbox_writer.h"
#include "server/ratelimit.h"
#include "server/server.h"
#include "server/writer.h"

typedef int (*lq_route_fn)(lq_http_req *req, lq_http_res *res);

/* Role masks for routes. */
#define LQ_ANYONE 0u
#define LQ_READERS (LQ_ROLE_SALES | LQ_ROLE_MARKETING | LQ_ROLE_ADMIN)
#define LQ_SELLERS (LQ_ROLE_SALES | LQ_ROLE_ADMIN)
#define LQ_MODELLERS (LQ_ROLE_MARKETING | LQ_ROLE_ADMIN)
#define LQ_SENDERS (LQ_ROLE_INGEST | LQ_ROLE_ADMIN)
#define LQ_ADMINS (LQ_ROLE_ADMIN)

typedef struct lq_route {
	const char *method;
	const char *pattern;       /* "/api/leads/:key/accept" */
	unsigned roles;            /* who may call it; LQ_ANYONE: no key */
	size_t body_limit;         /* bytes; larger bodies get 413 */
	lq_route_fn fn;
} lq_route;

/* The route for method and path (params filled), NULL when none; *path_known
 * is set when the path exists under another method (405). */
const lq_route *lq_route_find(const char *method, const char *path,
			      lq_http_req *req, int *path_known);

typedef struct lq_metrics {
	uint64_t requests;
	uint64_t by_class[6];      /* 1xx..5xx */
	uint64_t micros;           /* total time answering */
	uint64_t inbox_full;       /* tracking requests refused: inbox full */
} lq_metrics;

typedef struct lq_key_cache lq_key_cache;

struct lq_server {
	lq_server_opts opts;
	lq_writer *writer;
	lq_inbox_writer *inbox;    /* the tracking API's acknowledgements */
	lq_checkpointer *checkpointer;
	lq_deliverer *deliverer;
	lq_ratelimit *limiter;
	lq_key_cache *keys;
	pthread_key_t reader_key;
	pthread_mutex_t metrics_lock;
	lq_metrics metrics;
	uint64_t waiting;          /* requests whose write the writer accepted
				      and that are not answered yet (atomic) */
	int closing;               /* the stop began: accept no connection
				      (atomic) */
};

/* This thread's read-only service, reopened when the writer's generation
 * moved (a new model...). */
int lq_server_reader(struct lq_server *s, lq_service **out, lq_error *err);
lq_time lq_server_now(struct lq_server *s);
/* Is origin in --cors (comma list, or *)? */
int lq_server_cors_allows(struct lq_server *s, const char *origin);

/* Authenticate req (Authorization: Bearer KEY, Basic with the key as user
 * name, or writeKey in a tracking body) and check route roles and the rate
 * limit. 0 to go on; otherwise res is filled (401/403/429). */
int lq_server_auth(struct lq_server *s, const lq_route *route,
		   const char *authorization, lq_http_req *req,
		   lq_http_res *res);
lq_key_cache *lq_key_cache_new(void);
void lq_key_cache_free(lq_key_cache *c);

/* Route handlers (routes_*.c). */
int lq_route_health(lq_http_req *req, lq_http_res *res);
int lq_route_metrics(lq_http_req *req, lq_http_res *res);
int lq_route_snippet(lq_http_req *req, lq_http_res *res);
int lq_route_leads(lq_http_req *req, lq_http_res *res);
int lq_route_lead_get(lq_http_req *req, lq_http_res *res);
int lq_route_lead_put(lq_http_req *req, lq_http_res *res);
int lq_route_lead_delete(lq_http_req *req, lq_http_res *res);
int lq_route_action(lq_http_req *req, lq_http_res *res);
int lq_route_task_done(lq_http_req *req, lq_http_res *res);
int lq_route_queue(lq_http_req *req, lq_http_res *res);
int lq_route_sla(lq_http_req *req, lq_http_res *res);
int lq_route_tasks(lq_http_req *req, lq_http_res *res);
int lq_route_accounts(lq_http_req *req, lq_http_res *res);
int lq_route_model_get(lq_http_req *req, lq_http_res *res);
int lq_route_model_put(lq_http_req *req, lq_http_res *res);
int lq_route_track(lq_http_req *req, lq_http_res *res);
int lq_route_me(lq_http_req *req, lq_http_res *res);
int lq_route_funnel(lq_http_req *req, lq_http_res *res);
int lq_route_model_versions(lq_http_req *req, lq_http_res *res);
int lq_route_model_check(lq_http_req *req, lq_http_res *res);
int lq_route_backtest(lq_http_req *req, lq_http_res *res);

/* Shared by the model routes: the model text of a request (raw YAML body
 * or JSON {"text": ...}; *json to delete), and the 422 answer listing a
 * model's problems. */
struct cJSON;
const char *lq_route_model_text(const lq_http_req *req, struct cJSON **json,
				size_t *len);
void lq_route_problems(lq_http_res *res, const lq_diags *d);

#endif
