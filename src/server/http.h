/*
 * http.h - one HTTP request as the route handlers see it, the response they
 * build, and the helpers every handler uses: JSON error bodies with the
 * right status, query parameters, JSON bodies. Independent of
 * libmicrohttpd (server.c adapts it), so handlers read like plain code.
 */
#ifndef LQ_HTTP_H
#define LQ_HTTP_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"
#include "server/writer.h"
#include "service/service.h"

struct lq_server;
struct lq_http_req;
struct lq_http_res;

#define LQ_HTTP_MAX_PARAMS 4

/* A tracking request handed over without holding its thread: the route
 * checks the body, fills req->defer and returns; the adapter (server.c)
 * queues the body for the tracking inbox (inbox_writer.h) as endpoint
 * kind, suspends the connection, and once the append is committed calls
 * answer on a request thread to build the response from its result. */
/* Any other write is handed to the writer thread (writer.h) the same
 * way, so that no request thread waits for it: the writer applies the
 * tracking inbox before each job, which under a tracking load takes
 * seconds, and a request thread blocked that long stalled every
 * connection it serves (a note posted during the bench's /v1/track load
 * put the acknowledgements' p99 at 0.8-2.5 s). The route allocates arg,
 * fills req->defer->write (lq_http_defer_write) and returns; the adapter
 * queues the job, suspends the connection, and once the writer has run
 * it calls written on a request thread (req->svc and req->now fresh),
 * which builds the response from the job's result and frees arg. When
 * the writer refused the job (shutting down), written is called with
 * LQ_EINTERNAL and the adapter answers 503 instead. */
typedef void (*lq_http_written_fn)(struct lq_http_req *req, void *arg,
				   int rc, const lq_error *err,
				   struct lq_http_res *res);
typedef struct lq_http_write {
	lq_write_kind kind;
	lq_write_fn fn;                    /* set: run on the writer */
	void *arg;
	lq_http_written_fn written;
} lq_http_write;

typedef struct lq_http_defer {
	int inbox;                         /* set: append the body */
	int kind;                          /* its endpoint (lq_seg_type) */
	void (*answer)(int rc, const lq_error *err, struct lq_http_res *res);
	lq_http_write write;
} lq_http_defer;

typedef struct lq_http_req {
	const char *method;
	const char *path;         /* URL-decoded, without the query string */
	/* Query parameter lookup (decoded value or NULL), from the adapter. */
	const char *(*arg)(void *conn, const char *name);
	void *conn;
	const char *body;         /* NUL-terminated, "" when none */
	size_t body_len;
	const char *content_type; /* may be NULL */
	char *params[LQ_HTTP_MAX_PARAMS]; /* path parameters, URL-decoded */
	size_t nparams;
	lq_role role;             /* the caller's role once authenticated */
	int64_t key_id;           /* the caller's key id, 0 when none */
	lq_service *svc;          /* this thread's read-only service */
	struct lq_server *server;
	lq_time now;
	lq_http_defer *defer;     /* where a route may defer its write */
} lq_http_req;

typedef struct lq_http_res {
	int status;
	const char *content_type;  /* default application/json */
	const char *cache_control; /* default no-store */
	lq_buf body;
	char header_name[32];      /* one extra header (Retry-After...), "" none */
	char header_value[64];
} lq_http_res;

/* Statuses for leadq's error codes: LQ_EINVAL 400, LQ_ENOTFOUND 404,
 * LQ_ECONFLICT 409, LQ_ETOOBIG 413, everything else 500 (with a generic
 * message: internals are logged, not sent). */
int lq_http_status_for(int code);

/* Fill res with {"error":{"code":"...","message":"...","field":"..."}}. */
void lq_http_error(lq_http_res *res, int status, const char *message,
		   const char *field);
/* The same from an lq_error (status from its code). */
void lq_http_fail(lq_http_res *res, const lq_error *err);
/* 200 with a JSON body built by the caller in res->body. */
void lq_http_json(lq_http_res *res, int status);

/* Hand fn(arg) to the writer thread as a job of kind; written answers
 * (see lq_http_write). The route returns at once and fills no answer. */
void lq_http_defer_write(lq_http_req *req, lq_write_kind kind,
			 lq_write_fn fn, void *arg, lq_http_written_fn written);

/* Value of query parameter name (decoded), NULL when absent. */
const char *lq_http_query(const lq_http_req *req, const char *name);

#endif
