/*
 * hook_receiver.c - a webhook endpoint for the command tests: listens on
 * 127.0.0.1 only, reads each request body (up to 1 MB), checks the
 * X-Leadq-Signature header against --secret, answers 200 / 500 / 413 as
 * told and logs one JSON line per request. A test tool: never listens on
 * another address, never keeps more than one body per connection.
 *
 *   hook_receiver [--port N] [--port-file FILE] [--log FILE] [--secret S]
 *                 [--fail N | --always-fail] [--delay-ms N]
 *
 * Log line (appended and flushed before the answer is sent):
 *   {"n":1,"status":200,"delivery_id":"...","event":"lead.mql",
 *    "signature":"ok","body":"...","bytes":42,"method":"POST","path":"/"}
 * signature is "ok", "bad" (missing, malformed or wrong) or "unchecked"
 * (no --secret, or the body was too large); missing headers are null.
 * Runs until SIGTERM or SIGINT, then stops and exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "io/signature.h"

#define MAX_BODY (1024 * 1024)

typedef struct receiver_opts {
	long port;
	const char *port_file;
	const char *log_path;
	const char *secret;
	long fail_first;
	int always_fail;
	long delay_ms;
} receiver_opts;

typedef struct receiver {
	receiver_opts opts;
	FILE *log;              /* NULL without --log */
	unsigned long n;        /* requests answered so far */
	pthread_mutex_t lock;   /* guards n and log */
} receiver;

/* Per-request state, kept in *req_cls between MHD callbacks. */
typedef struct request {
	char *body;
	size_t len, cap;
	size_t total;           /* bytes received, kept or not */
	int too_large;
} request;

static const char *resp_text(unsigned status)
{
	switch (status) {
	case 200: return "ok\n";
	case 413: return "body too large\n";
	default: return "failing as told\n";
	}
}

/* Keep data unless the body has grown past MAX_BODY; then drop it all. */
static int request_append(request *rq, const char *data, size_t n)
{
	rq->total += n;
	if (rq->too_large || rq->total > MAX_BODY) {
		rq->too_large = 1;
		free(rq->body);
		rq->body = NULL;
		rq->len = rq->cap = 0;
		return 0;
	}
	if (rq->len + n + 1 > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 4096;
		while (cap < rq->len + n + 1)
			cap *= 2;
		char *grown = realloc(rq->body, cap);
		if (!grown)
			return -1;
		rq->body = grown;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
	return 0;
}

static void json_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_field(FILE *f, const char *name, const char *value)
{
	fprintf(f, ",\"%s\":", name);
	if (value)
		json_string(f, value, strlen(value));
	else
		fputs("null", f);
}

static void log_request(receiver *r, unsigned long n, unsigned status,
			struct MHD_Connection *conn, const char *method,
			const char *path, const request *rq, const char *sig)
{
	FILE *f = r->log;
	if (!f)
		return;
	fprintf(f, "{\"n\":%lu,\"status\":%u", n, status);
	json_field(f, "delivery_id", MHD_lookup_connection_value(
			   conn, MHD_HEADER_KIND, "X-Leadq-Delivery"));
	json_field(f, "event", MHD_lookup_connection_value(
			   conn, MHD_HEADER_KIND, "X-Leadq-Event"));
	json_field(f, "signature", sig);
	fputs(",\"body\":", f);
	json_string(f, rq->body ? rq->body : "", rq->len);
	fprintf(f, ",\"bytes\":%zu", rq->total);
	json_field(f, "method", method);
	json_field(f, "path", path);
	fputs("}\n", f);
	fflush(f);
}

static const char *check_signature(const receiver *r,
				   struct MHD_Connection *conn,
				   const request *rq)
{
	const char *hdr;
	if (!r->opts.secret || rq->too_large)
		return "unchecked";
	hdr = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					  "X-Leadq-Signature");
	if (lq_sign_verify(r->opts.secret, rq->body ? rq->body : "", rq->len,
			   hdr) != 0)
		return "bad";
	return "ok";
}

static unsigned choose_status(const receiver *r, unsigned long n,
			      const request *rq)
{
	if (rq->too_large)
		return MHD_HTTP_CONTENT_TOO_LARGE;
	if (r->opts.always_fail || (long)n <= r->opts.fail_first)
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	return MHD_HTTP_OK;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum MHD_Result answer(receiver *r, struct MHD_Connection *conn,
			      const char *method, const char *path,
			      request *rq)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned long n;
	unsigned status;
	const char *text;

	if (r->opts.delay_ms > 0)
		sleep_ms(r->opts.delay_ms);
	pthread_mutex_lock(&r->lock);
	n = ++r->n;
	status = choose_status(r, n, rq);
	log_request(r, n, status, conn, method, path, rq,
		    check_signature(r, conn, rq));
	pthread_mutex_unlock(&r->lock);

	text = resp_text(status);
	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
					       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	request *rq = *req_cls;

	if (!rq) {
		rq = calloc(1, sizeof *rq);
		if (!rq)
			return MHD_NO;
		*req_cls = rq;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (request_append(rq, upload_data, *upload_data_size) != 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(cls, conn, method, url, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **req_cls, enum MHD_RequestTerminationCode toe)
{
	request *rq = *req_cls;
	if (!rq)
		return;
	free(rq->body);
	free(rq);
	*req_cls = NULL;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: hook_receiver [--port N] [--port-file FILE] [--log FILE]\n"
	      "                     [--secret S] [--fail N | --always-fail]\n"
	      "                     [--delay-ms N]\n", f);
}

static int bad_number(const char *opt, const char *arg)
{
	fprintf(stderr, "hook_receiver: %s: bad number: %s\n", opt, arg);
	return 2;
}

/* 0, or the exit status to leave with. */
static int parse_args(int argc, char **argv, receiver_opts *o)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, 'p'},
		{"port-file", required_argument, NULL, 'P'},
		{"log", required_argument, NULL, 'l'},
		{"secret", required_argument, NULL, 's'},
		{"fail", required_argument, NULL, 'f'},
		{"always-fail", no_argument, NULL, 'F'},
		{"delay-ms", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_long(optarg, 0, 65535, &o->port))
				return bad_number("--port", optarg);
			break;
		case 'P': o->port_file = optarg; break;
		case 'l': o->log_path = optarg; break;
		case 's': o->secret = optarg; break;
		case 'f':
			if (parse_long(optarg, 0, LONG_MAX, &o->fail_first))
				return bad_number("--fail", optarg);
			break;
		case 'F': o->always_fail = 1; break;
		case 'd':
			if (parse_long(optarg, 0, 3600000, &o->delay_ms))
				return bad_number("--delay-ms", optarg);
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hook_receiver: unexpected argument: %s\n",
			argv[optind]);
		return 2;
	}
	return 0;
}

/* Write "port\n" to path through path.tmp and a rename. */
static int write_port_file(const char *path, unsigned port)
{
	size_t n = strlen(path) + sizeof ".tmp";
	char *tmp = malloc(n);
	FILE *f;
	int rc = -1;

	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		goto free_tmp;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto free_tmp;
	}
	rc = 0;
free_tmp:
	free(tmp);
	return rc;
}

static struct MHD_Daemon *start_daemon(receiver *r)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)r->opts.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_ERROR_LOG,
				(uint16_t)r->opts.port, NULL, NULL,
				on_request, r,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, r,
				MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				MHD_OPTION_END);
}

/* Block the stop signals in every thread (MHD's inherit the mask) so
 * main can sigwait for them. */
static void block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int serve(receiver *r)
{
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig, rc = 1;

	block_stop_signals(&set);
	d = start_daemon(r);
	if (!d) {
		fprintf(stderr, "hook_receiver: cannot listen on 127.0.0.1:%ld\n",
			r->opts.port);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || !info->port) {
		fputs("hook_receiver: cannot tell the bound port\n", stderr);
		goto stop_daemon;
	}
	if (r->opts.port_file && write_port_file(r->opts.port_file, info->port)) {
		fprintf(stderr, "hook_receiver: cannot write %s: %s\n",
			r->opts.port_file, strerror(errno));
		goto stop_daemon;
	}
	fprintf(stderr, "hook_receiver: listening on 127.0.0.1:%u\n",
		(unsigned)info->port);
	while (sigwait(&set, &sig) != 0)
		;
	rc = 0;
stop_daemon:
	MHD_stop_daemon(d);
	return rc;
}

int main(int argc, char **argv)
{
	receiver r;
	int rc;

	memset(&r, 0, sizeof r);
	rc = parse_args(argc, argv, &r.opts);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (lq_crypto_init() != 0) {
		fputs("hook_receiver: cannot initialise libsodium\n", stderr);
		return 1;
	}
	if (r.opts.log_path && !(r.log = fopen(r.opts.log_path, "a"))) {
		fprintf(stderr, "hook_receiver: cannot open %s: %s\n",
			r.opts.log_path, strerror(errno));
		return 1;
	}
	pthread_mutex_init(&r.lock, NULL);
	rc = serve(&r);
	pthread_mutex_destroy(&r.lock);
	if (r.log)
		fclose(r.log);
	return rc;
}
