/*
 * server_defer.c - the suspended connections: no request thread waits
 * for the database.
 *
 * Three waits, each with its connection suspended (MHD_suspend_connection)
 * while the thread goes on serving other connections, and resumed by the
 * thread that ends the wait; libmicrohttpd then calls on_request again,
 * which answers (server.c):
 *
 * - a request that needs a key waits until the writer has applied what
 *   the inbox had acknowledged when it came (read-your-writes). A request
 *   thread blocked there (as it was until session 7) held every
 *   connection of that thread: four dashboard reads during a tracking
 *   burst stalled the tracking API (p99 1.96 s, docs/performance.md).
 * - the tracking API's body is queued for the inbox thread
 *   (inbox_writer.h), answered after its commit: one commit holds the
 *   requests of every connection waiting.
 * - every other write (a sales action, a lead, a model, an erasure) is
 *   queued for the writer thread (req->defer->write, http.h) and answered
 *   by the route's written when the writer has run it. A request thread
 *   blocked there (until session 12) stalled the tracking API for seconds
 *   behind a note.
 *
 * A job may be done, and its connection resumed, before the submit
 * returns: every connection is suspended before its job is queued.
 */
#include <stdio.h>
#include <string.h>

#include "server/mono.h"
#include "server/server_conn.h"

/* A read after a tracking request sees it: it waits (at most this long,
 * in ms) until the writer applied every request the inbox acknowledged
 * before it came. A write waits as long as it takes: the writer would
 * apply them before its job anyway (writer.h). */
#define LQ_INBOX_READ_WAIT_MS 2000

/* st waits (suspended) for a thread of the server: counted until it is
 * answered, so that the shutdown waits for its answer. */
static void count_waiting(struct lq_server *s, conn_state *st)
{
	if (!st->counted) {
		st->counted = 1;
		__atomic_add_fetch(&s->waiting, 1, __ATOMIC_ACQ_REL);
	}
}

/* Suspend st's connection before its job is queued (the job may be done
 * at once). */
static void suspend(struct lq_server *s, conn_state *st)
{
	count_waiting(s, st);
	MHD_suspend_connection(st->req.conn);
}

/* The queue refused st's job (the server is stopping): on_request
 * answers at once. */
static void refuse(conn_state *st)
{
	st->refused = 1;
	MHD_resume_connection(st->req.conn);
}

static void answer_shutting_down(lq_http_res *res)
{
	lq_buf_free(&res->body);
	lq_http_error(res, 503, "the server is shutting down", NULL);
	snprintf(res->header_name, sizeof res->header_name, "Retry-After");
	snprintf(res->header_value, sizeof res->header_value, "1");
}

/* ---- waiting for the inbox to be applied ------------------------------- */

/* The writer's watch is over: run the route when libmicrohttpd calls
 * on_request again. */
static void watch_done(lq_writer_watch *watch)
{
	conn_state *st = watch->ctx;
	MHD_resume_connection(st->req.conn);
}

int lq_conn_wait_for_inbox(struct lq_server *s, conn_state *st,
			   const char *method)
{
	const lq_route *route = st->route;
	/* no key; the tracking API itself; monitoring (a scrape needs no
	 * read-your-writes and should not wait for a backlog) */
	if (route->roles == LQ_ANYONE || route->fn == lq_route_track ||
	    route->fn == lq_route_metrics)
		return 0;
	int reads = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	lq_writer_watch *x = &st->watch;
	x->target = lq_inbox_writer_acked(s->inbox);
	x->deadline_ms = reads ? lq_mono_ms() + LQ_INBOX_READ_WAIT_MS : 0;
	x->done = watch_done;
	x->ctx = st;
	if (lq_writer_inbox_applied(s->writer) >= x->target)
		return 0;
	st->watched = 1;
	suspend(s, st);
	if (lq_writer_watch_applied(s->writer, x))
		MHD_resume_connection(st->req.conn);
	return 1;
}

int lq_conn_resume(struct lq_server *s, conn_state *st, lq_http_res *res)
{
	lq_http_req *req = &st->req;
	lq_error err;
	req->now = lq_server_now(s);
	lq_error_clear(&err);
	if (lq_server_reader(s, &req->svc, &err)) {
		lq_http_fail(res, &err);
		return 1;
	}
	return 0;
}

/* ---- tracking bodies, queued for the inbox thread ---------------------- */

/* The applied rows of the inbox are deleted by the next commits, which
 * refusing every request would prevent: the inbox is full only while
 * the writer has not applied all of it. Refused with 503 and
 * Retry-After, as when shutting down. */
int lq_conn_inbox_full(struct lq_server *s, lq_http_res *res)
{
	if (!lq_inbox_writer_full(s->inbox) ||
	    lq_writer_inbox_applied(s->writer) >= lq_inbox_writer_acked(s->inbox))
		return 0;
	pthread_mutex_lock(&s->metrics_lock);
	s->metrics.inbox_full++;
	pthread_mutex_unlock(&s->metrics_lock);
	lq_http_error(res, 503, "the tracking inbox is full (the server has not "
		      "applied what it acknowledged yet): retry later", NULL);
	snprintf(res->header_name, sizeof res->header_name, "Retry-After");
	snprintf(res->header_value, sizeof res->header_value, "1");
	return 1;
}

/* The inbox thread is done with st's job (after its commit): let
 * libmicrohttpd call on_request again. Its last touch of st. */
static void inbox_job_done(lq_inbox_job *job)
{
	conn_state *st = job->ctx;
	MHD_resume_connection(st->req.conn);
}

void lq_conn_to_inbox(struct lq_server *s, conn_state *st)
{
	lq_inbox_job *j = &st->job;
	memset(j, 0, sizeof *j);
	j->kind = st->defer.kind;
	j->received_at = st->req.now;
	j->body = st->req.body;
	j->len = st->req.body_len;
	j->done = inbox_job_done;
	j->ctx = st;
	st->deferred = 1;
	suspend(s, st);
	if (lq_inbox_writer_submit(s->inbox, j))
		refuse(st);
}

void lq_conn_answer_inbox(conn_state *st, lq_http_res *res)
{
	if (st->refused)
		answer_shutting_down(res);
	else
		st->defer.answer(st->job.rc, &st->job.err, res);
}

/* ---- writes, queued for the writer ------------------------------------- */

/* The writer ran st's job (on its thread): let libmicrohttpd call
 * on_request again. Its last touch of st. */
static void write_job_done(lq_writer_job *job)
{
	conn_state *st = job->ctx;
	MHD_resume_connection(st->req.conn);
}

void lq_conn_to_writer(struct lq_server *s, conn_state *st)
{
	const lq_http_write *wr = &st->defer.write;
	lq_writer_job *j = &st->write_job;
	memset(j, 0, sizeof *j);
	j->kind = wr->kind;
	j->inbox_target = st->watch.target;  /* waited for already */
	j->fn = wr->fn;
	j->arg = wr->arg;
	j->done = write_job_done;
	j->ctx = st;
	st->writing = 1;
	suspend(s, st);
	if (lq_writer_submit(s->writer, j))
		refuse(st);
}

/* rc is not 500's (that would log an internal error). */
void lq_conn_drop_write(conn_state *st, int rc, const char *why)
{
	const lq_http_write *wr = &st->defer.write;
	lq_writer_job *j = &st->write_job;
	lq_http_res dropped;
	lq_error err;

	memset(&dropped, 0, sizeof dropped);
	lq_error_clear(&err);
	lq_error_set(&err, rc, "%s", why);
	wr->written(&st->req, wr->arg, j->rc ? j->rc : rc, j->rc ? &j->err : &err,
		    &dropped);
	lq_buf_free(&dropped.body);
	st->written = 1;
}

/* The route's written builds the answer and frees its job. Refused, or
 * no reader to build it with: res says why and the job's answer is
 * dropped. Called again for the same request (libmicrohttpd may, when
 * the refusal resumed the connection before on_request returned: ASan
 * saw the job freed twice, 1 stop in 7 under load), it only says the
 * server is stopping. */
void lq_conn_answer_write(struct lq_server *s, conn_state *st,
			  lq_http_res *res)
{
	const lq_http_write *wr = &st->defer.write;
	lq_writer_job *j = &st->write_job;

	if (st->written) {
		answer_shutting_down(res);
	} else if (st->refused) {
		answer_shutting_down(res);
		lq_conn_drop_write(st, LQ_ECONFLICT, "the server is shutting down");
	} else if (lq_conn_resume(s, st, res)) {
		lq_conn_drop_write(st, LQ_ECONFLICT, "no reader for the answer");
	} else {
		wr->written(&st->req, wr->arg, j->rc, &j->err, res);
		st->written = 1;
	}
}
