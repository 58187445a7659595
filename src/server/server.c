/*
 * server.c - libmicrohttpd glue: start the daemon (epoll, thread pool),
 * collect request bodies within their route's limit, authenticate,
 * dispatch to the route, answer, write the access log line; the readers'
 * per-thread services; signals and the orderly shutdown.
 *
 * No request thread waits for the database: a request that waits for
 * the inbox to be applied, a tracking body queued for the inbox thread
 * and a write queued for the writer each have their connection
 * suspended, and on_request answers when it is resumed
 * (server_defer.c).
 */
#include "server/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/mono.h"
#include "server/server_conn.h"


lq_time lq_server_now(struct lq_server *s)
{
	struct timespec ts;
	if (s->opts.fixed_now)
		return s->opts.fixed_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (lq_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static lq_time writer_clock(void *ctx)
{
	return lq_server_now(ctx);
}

/* ---- per-thread readers -------------------------------------------------- */

typedef struct reader {
	lq_service *svc;
	uint64_t generation;
} reader;

static void reader_free(void *p)
{
	reader *r = p;
	if (r) {
		lq_service_close(r->svc);
		free(r);
	}
}

int lq_server_reader(struct lq_server *s, lq_service **out, lq_error *err)
{
	reader *r = pthread_getspecific(s->reader_key);
	uint64_t gen = lq_writer_generation(s->writer);
	if (!r) {
		r = lq_xcalloc(1, sizeof *r);
		pthread_setspecific(s->reader_key, r);
	}
	if (r->svc && r->generation != gen) {
		lq_service_close(r->svc);
		r->svc = NULL;
	}
	if (!r->svc) {
		int rc = lq_service_open(s->opts.db, 0, lq_server_now(s), &r->svc, err);
		if (rc)
			return rc;
		r->generation = gen;
	}
	r->svc->now = lq_server_now(s);
	*out = r->svc;
	return 0;
}

/* ---- answering ----------------------------------------------------------- */

/* Copy in into out as one log field: bytes that could end the line,
 * split the field, drive a terminal or be mistaken for an escape
 * (controls, space, '%', DEL and non-ASCII) are written %XX, so a request
 * cannot forge log lines (its path arrives URL-decoded). Truncated to fit
 * out. */
static const char *log_field(const char *in, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 4 < outsz; p++) {
		if (*p <= ' ' || *p == '%' || *p >= 0x7f) {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
	return out;
}

static void access_log(struct lq_server *s, const char *method, const char *url,
		       int status, size_t bytes, int64_t us)
{
	char t[LQ_TIME_STRLEN], m[64], path[1024];
	pthread_mutex_lock(&s->metrics_lock);
	s->metrics.requests++;
	s->metrics.by_class[status / 100 < 6 ? status / 100 : 5]++;
	s->metrics.micros += (uint64_t)us;
	pthread_mutex_unlock(&s->metrics_lock);
	if (s->opts.quiet)
		return;
	lq_time_format(lq_server_now(s), t);
	fprintf(s->opts.log ? s->opts.log : stderr,
		"time=%s method=%s path=%s status=%d bytes=%zu us=%lld\n", t,
		log_field(method, m, sizeof m), log_field(url, path, sizeof path),
		status, bytes, (long long)us);
}

/* A browser's CORS preflight for the tracking API: OPTIONS on a /v1/
 * route, with --cors given (without it, OPTIONS is 405 like any method a
 * route does not take). */
static int is_preflight(struct lq_server *s, const conn_state *st,
			const char *method, const char *path)
{
	return s->opts.cors_origins && st->path_known && !st->route &&
	       strcmp(method, "OPTIONS") == 0 && strncmp(path, "/v1/", 4) == 0;
}

static enum MHD_Result send_response(struct MHD_Connection *conn,
				     lq_http_res *res, struct lq_server *s,
				     const char *path, int preflight)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		res->body.len, res->body.data ? res->body.data : (char *)"",
		MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				res->content_type ? res->content_type : "application/json");
	MHD_add_response_header(r, "Cache-Control",
				res->cache_control ? res->cache_control : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (res->header_name[0])
		MHD_add_response_header(r, res->header_name, res->header_value);
	if (s->opts.cors_origins && (strncmp(path, "/v1/", 4) == 0 ||
				     strcmp(path, "/t.js") == 0)) {
		const char *origin = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, "Origin");
		if (origin && lq_server_cors_allows(s, origin)) {
			MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
			MHD_add_response_header(r, "Vary", "Origin");
			if (preflight) {
				MHD_add_response_header(r, "Access-Control-Allow-Methods",
							"POST, OPTIONS");
				MHD_add_response_header(r, "Access-Control-Allow-Headers",
							"Authorization, Content-Type");
				MHD_add_response_header(r, "Access-Control-Max-Age", "600");
			}
		}
	}
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Resolve the route, check the body's size, authenticate; 0 when the
 * route may run, else res holds the answer. */
static int admit(struct lq_server *s, struct MHD_Connection *conn,
		 conn_state *st, lq_http_res *res)
{
	lq_http_req *req = &st->req;
	lq_error err;

	if (!st->route) {
		lq_http_error(res, st->path_known ? 405 : 404,
			      st->path_known ? "method not allowed on this path"
					     : "no such route", NULL);
		return 1;
	}
	if (st->too_big) {
		char msg[96];
		snprintf(msg, sizeof msg, "request body is larger than %zu KB",
			 st->limit / 1024);
		lq_http_error(res, 413, msg, NULL);
		return 1;
	}
	req->body = lq_buf_str(&st->body);
	req->body_len = st->body.len;
	req->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							"Content-Type");
	req->server = s;
	req->now = lq_server_now(s);
	lq_error_clear(&err);
	if (lq_server_reader(s, &req->svc, &err)) {
		lq_http_fail(res, &err);
		return 1;
	}
	return lq_server_auth(s, st->route,
			      MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							  "Authorization"),
			      req, res) ? 1 : 0;
}

/* Run the route (after admit, and after the wait for the inbox when the
 * connection was suspended for it). */
static void run_route(struct lq_server *s, conn_state *st, lq_http_res *res)
{
	if (st->watched && lq_conn_resume(s, st, res))
		return;
	st->route->fn(&st->req, res);
}


static const char *query_arg(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

static conn_state *start_request(struct lq_server *s,
				 struct MHD_Connection *conn,
				 const char *method, const char *url)
{
	conn_state *st = lq_xcalloc(1, sizeof *st);
	st->start_us = lq_mono_us();
	st->req.method = method;
	st->req.path = url;
	st->req.arg = query_arg;
	st->req.conn = conn;
	st->req.server = s;
	st->req.defer = &st->defer;
	st->route = lq_route_find(method, url, &st->req, &st->path_known);
	st->limit = st->route ? st->route->body_limit : 0;
	return st;
}

static void collect(conn_state *st, const char *data, size_t len)
{
	if (st->too_big)
		return;
	if (st->body.len + len > st->limit) {
		st->too_big = 1;
		lq_buf_free(&st->body);
		return;
	}
	lq_buf_add(&st->body, data, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct lq_server *s = cls;
	conn_state *st = *req_cls;
	lq_http_res res;

	if (!st) {
		*req_cls = start_request(s, conn, method, url);
		return MHD_YES;
	}
	if (*upload_data_size) {
		collect(st, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	memset(&res, 0, sizeof res);
	res.status = 200;
	int preflight = !st->deferred && !st->watched && !st->writing &&
			is_preflight(s, st, method, url);
	if (st->deferred) {
		lq_conn_answer_inbox(st, &res);
	} else if (st->writing) {
		lq_conn_answer_write(s, st, &res);
	} else if (preflight) {
		res.status = 204;   /* the CORS headers are all it says */
	} else if (st->watched || admit(s, conn, st, &res) == 0) {
		if (!st->watched && lq_conn_wait_for_inbox(s, st, method))
			return MHD_YES;   /* the route runs when resumed */
		run_route(s, st, &res);
		if (st->defer.inbox) {
			lq_buf_free(&res.body);
			if (!lq_conn_inbox_full(s, &res)) {
				lq_conn_to_inbox(s, st);
				return MHD_YES;   /* answered when resumed */
			}
		} else if (st->defer.write.fn) {
			lq_buf_free(&res.body);
			lq_conn_to_writer(s, st);
			return MHD_YES;           /* answered when resumed */
		}
	}
	enum MHD_Result ok = send_response(conn, &res, s, url, preflight);
	access_log(s, method, url, res.status, res.body.len, lq_mono_us() - st->start_us);
	lq_buf_free(&res.body);
	return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **req_cls, enum MHD_RequestTerminationCode code)
{
	conn_state *st = *req_cls;
	if (!st)
		return;
	if (st->counted)
		__atomic_sub_fetch(&st->req.server->waiting, 1, __ATOMIC_ACQ_REL);
	/* Closed before its answer (the client left, or the stop closed it):
	 * the writer is done with the job (the connection was resumed). */
	if (st->writing && !st->written)
		lq_conn_drop_write(st, LQ_ECONFLICT, "the connection closed");
	for (size_t i = 0; i < st->req.nparams; i++)
		free(st->req.params[i]);
	lq_buf_free(&st->body);
	free(st);
	*req_cls = NULL;
}

/* ---- CORS ------------------------------------------------------------------ */

int lq_server_cors_allows(struct lq_server *s, const char *origin)
{
	const char *p = s->opts.cors_origins;
	size_t n = strlen(origin);
	while (p && *p) {
		const char *end = strchrnul(p, ',');
		if ((size_t)(end - p) == n && strncmp(p, origin, n) == 0)
			return 1;
		if (end - p == 1 && *p == '*')
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- start and stop ------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_in *sa,
			lq_error *err)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return lq_error_set(err, LQ_EINVAL, "--listen must be HOST:PORT, not '%s'", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return lq_error_set(err, LQ_EINVAL, "bad port in --listen '%s'", listen);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, strcmp(host, "localhost") ? host : "127.0.0.1",
		      &sa->sin_addr) != 1)
		return lq_error_set(err, LQ_EINVAL, "--listen needs an IPv4 address, not '%s'", host);
	return 0;
}

static int write_port_file(const char *path, unsigned port, lq_error *err)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) || rename(tmp, path))
		return lq_error_set(err, LQ_EIO, "cannot write the port file %s: %s",
				    path, strerror(errno));
	return 0;
}

/* Each connection's memory pool (request line, headers, read buffer;
 * bodies are copied out as they arrive). libmicrohttpd zeroes the whole
 * pool before each request of a keep-alive connection: at 64 KiB that
 * was 2.5 us of a /v1/track request's ~15 us in the request threads
 * (32 KiB, libmicrohttpd's default: 37-41k requests/s instead of 31-37k
 * in the same runs, p99 7.5 ms instead of 8.6; docs/performance.md). */
#define LQ_HTTP_CONN_MEMORY (32 * 1024)

/*
 * New connections are refused once the stop began (s->closing): each is
 * closed as soon as it is accepted. Not MHD_quiesce_daemon: in
 * libmicrohttpd 0.9.75's thread pool with epoll it marks each worker
 * quiesced and then takes the listening socket out of the worker's
 * epoll set, panicking (abort) if that fails; a worker busy with
 * requests can see the mark and take the socket out first. Under load
 * the server died so at SIGTERM (exit 134), once in 22 runs of
 * t_server_commit.sh, before the writer had applied the inbox.
 */
static enum MHD_Result accept_while_open(void *cls, const struct sockaddr *addr,
					 socklen_t addrlen)
{
	struct lq_server *s = cls;
	return __atomic_load_n(&s->closing, __ATOMIC_ACQUIRE) ? MHD_NO : MHD_YES;
}

static struct MHD_Daemon *start_daemon(struct lq_server *s,
				       struct sockaddr_in *sa, lq_error *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, accept_while_open, s, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(s->opts.threads > 0 ? s->opts.threads : 4),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LQ_HTTP_CONN_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		MHD_OPTION_END);
	if (!d)
		lq_error_set(err, LQ_EIO, "cannot listen on %s: %s", s->opts.listen,
			     strerror(errno));
	return d;
}

static unsigned bound_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}

static void inbox_appended(void *ctx, int64_t last_id)
{
	lq_writer_inbox_appended(ctx, last_id);
}

static int64_t inbox_applied(void *ctx)
{
	return lq_writer_inbox_applied(ctx);
}

static void server_free(struct lq_server *s)
{
	lq_deliverer_stop(s->deliverer);
	lq_inbox_writer_stop(s->inbox);
	lq_writer_stop(s->writer);
	lq_checkpointer_stop(s->checkpointer);
	lq_ratelimit_free(s->limiter);
	lq_key_cache_free(s->keys);
	pthread_key_delete(s->reader_key);
	pthread_mutex_destroy(&s->metrics_lock);
	free(s);
}

/* The inbox's limit in bytes for lq_inbox_writer_start (0: none). */
static int64_t inbox_limit(const lq_server_opts *opts)
{
	if (opts->inbox_max_bytes < 0)
		return 0;
	return opts->inbox_max_bytes ? opts->inbox_max_bytes
				     : (int64_t)LQ_INBOX_MAX_MB << 20;
}

static struct lq_server *server_new(const lq_server_opts *opts, lq_error *err)
{
	struct lq_server *s = lq_xcalloc(1, sizeof *s);
	s->opts = *opts;
	pthread_mutex_init(&s->metrics_lock, NULL);
	pthread_key_create(&s->reader_key, reader_free);
	s->keys = lq_key_cache_new();
	s->limiter = lq_ratelimit_new(opts->rate, opts->burst > 0 ? opts->burst : opts->rate);
	if (lq_checkpointer_start(opts->db, &s->checkpointer, err)) {
		s->checkpointer = NULL;
		server_free(s);
		return NULL;
	}
	lq_writer_opts wopts = {.fold_min_rows = opts->fold_min_rows,
				.cache_mib = opts->cache_mib};
	if (lq_writer_start(opts->db, writer_clock, s, s->checkpointer, &wopts,
			    &s->writer, err)) {
		s->writer = NULL;
		server_free(s);
		return NULL;
	}
	if (lq_inbox_writer_start(opts->db, &(lq_inbox_writer_fns){
			.on_appended = inbox_appended, .applied = inbox_applied,
			.ctx = s->writer}, s->checkpointer,
			inbox_limit(opts), &s->inbox, err)) {
		s->inbox = NULL;
		server_free(s);
		return NULL;
	}
	if (opts->deliver_ms >= 0 &&
	    lq_deliverer_start(opts->db, opts->deliver_ms, writer_clock, s,
			       &s->deliverer, err)) {
		s->deliverer = NULL;
		server_free(s);
		return NULL;
	}
	return s;
}

/* After the inbox thread and the writer closed, every accepted write is
 * committed (and the inbox applied) and its
 * connection resumed: give their answers up to 2 s to leave (on_completed
 * counts them down), so that no committed request goes unanswered without
 * need. libmicrohttpd may only be stopped with no connection suspended,
 * which the writer's close already guarantees. */
static void wait_for_answers(struct lq_server *s)
{
	for (int i = 0; i < 2000 && __atomic_load_n(&s->waiting, __ATOMIC_ACQUIRE); i++) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
}

/* Block until SIGINT or SIGTERM (blocked in every thread we start). */
static int wait_for_signal(const sigset_t *set)
{
	int sig = 0;
	while (sigwait(set, &sig) != 0)
		;
	return sig;
}

int lq_server_run(const lq_server_opts *opts, lq_error *err)
{
	struct sockaddr_in sa;
	sigset_t set, old;
	struct lq_server *s;
	struct MHD_Daemon *d;
	int rc = parse_listen(opts->listen, &sa, err);
	if (rc)
		return rc;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	s = server_new(opts, err);
	if (!s) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return err->code ? err->code : LQ_EINTERNAL;
	}
	d = start_daemon(s, &sa, err);
	if (!d) {
		server_free(s);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return LQ_EIO;
	}
	unsigned port = bound_port(d);
	if (opts->port_file)
		rc = write_port_file(opts->port_file, port, err);
	if (rc == 0) {
		fprintf(stderr, "leadq: serving %s on http://%s:%u (pid %d)\n", opts->db,
			inet_ntoa(sa.sin_addr), port, (int)getpid());
		int sig = wait_for_signal(&set);
		fprintf(stderr, "leadq: %s: finishing in-flight requests\n",
			sig == SIGINT ? "interrupted" : "terminated");
	}
	/* Stop accepting (accept_while_open); refuse new writes (503) and
	 * commit every accepted one; answer them; only then close the
	 * connections. */
	__atomic_store_n(&s->closing, 1, __ATOMIC_RELEASE);
	lq_inbox_writer_close(s->inbox);
	lq_writer_close(s->writer);
	wait_for_answers(s);
	MHD_stop_daemon(d);
	server_free(s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		fprintf(stderr, "leadq: stopped cleanly\n");
	return rc;
}
