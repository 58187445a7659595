/*
 * server_conn.h - a request in flight (conn_state), and the suspended
 * connections of server_defer.c: a request that waits for the inbox to
 * be applied, a tracking body queued for the inbox thread, a write
 * queued for the writer. Private to server.c and server_defer.c.
 */
#ifndef LQ_SERVER_CONN_H
#define LQ_SERVER_CONN_H

#include <microhttpd.h>

#include "core/buf.h"
#include "server/server_internal.h"

/* A request in flight: its body so far and when it started; a deferred
 * write and its job. */
typedef struct conn_state {
	lq_buf body;
	size_t limit;
	int too_big;
	int64_t start_us;
	const lq_route *route;
	int path_known;
	lq_http_req req;
	lq_http_defer defer;
	lq_inbox_job job;
	int deferred;              /* the job was handed to the inbox... */
	int refused;               /* ...or the writer, which refused it */
	lq_writer_job write_job;
	int writing;               /* the write was handed to the writer */
	int written;               /* its written was called (job freed) */
	lq_writer_watch watch;     /* waiting for the inbox to be applied */
	int watched;               /* the route runs when resumed */
	int counted;               /* in s->waiting until completed */
} conn_state;

/* Suspend the connection until the inbox is applied as far as it was
 * acknowledged now; 1 when suspended (the route runs when resumed), 0
 * when the route may run at once. */
int lq_conn_wait_for_inbox(struct lq_server *s, conn_state *st,
			   const char *method);

/* After the connection was suspended: now and this thread's reader
 * (another thread may serve it now). 0, or res holds the failure. */
int lq_conn_resume(struct lq_server *s, conn_state *st, lq_http_res *res);

/* The inbox is full and not applied yet: 1 when res holds the 503. */
int lq_conn_inbox_full(struct lq_server *s, lq_http_res *res);

/* Hand the tracking body (st->defer.inbox) to the inbox thread, or the
 * route's write (st->defer.write) to the writer; the connection sleeps
 * until the job is done, then on_request answers with
 * lq_conn_answer_inbox or lq_conn_answer_write. */
void lq_conn_to_inbox(struct lq_server *s, conn_state *st);
void lq_conn_to_writer(struct lq_server *s, conn_state *st);
void lq_conn_answer_inbox(conn_state *st, lq_http_res *res);
void lq_conn_answer_write(struct lq_server *s, conn_state *st,
			  lq_http_res *res);

/* The connection closed before its write was answered: the route's
 * written frees the job, its answer dropped. */
void lq_conn_drop_write(conn_state *st, int rc, const char *why);

#endif
