/*
 * loadgen.c - a tracking-API load generator for the crash and disk-full
 * tests: C keep-alive connections to 127.0.0.1:PORT (loopback only), each
 * POSTing /v1/track (or /v1/batch with --batch N > 1) with unique
 * messageIds "PREFIX-CONN-SEQ" until --seconds pass or the server is gone.
 *
 *   loadgen --port N --key KEY --prefix P [--conns C] [--seconds S]
 *           [--batch B] [--requests N] [--user U] --sent FILE --acked FILE
 *           [--replay FILE]
 *
 * Every messageId is appended to --sent before its request is written to
 * the socket, and to --acked only after the server answered 200 (the
 * server answers only after the commit). A request whose answer never
 * came (the server was killed) is in --sent, not in --acked: it may or
 * may not be stored. --replay FILE sends the ids listed in FILE again
 * first (a client retrying what it is not sure of), one per request, as
 * --user: a retry is the same message only with the user it was first
 * sent with (leadq counts a messageId once per lead).
 * --requests N stops each connection after N requests of new ids.
 * --notes LEAD posts sales notes instead, POST /api/leads/LEAD/notes with
 * the id as the note's text (--key then a sales or admin key; no batch):
 * the writes that go through the writer thread rather than the inbox.
 * Prints one summary line: requests, ok, failed, by status, seconds.
 * Exits 0 unless its arguments or files are wrong: a server that dies
 * under it is what the tests want.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define MAX_BATCH 100
#define MAX_ID 96
#define BODY_CAP (MAX_BATCH * 256 + 256)
#define RESP_CAP 65536

typedef struct opts {
	long port;
	const char *key, *prefix, *user, *sent, *acked, *replay, *notes;
	long conns, batch, requests;
	double seconds;
} opts;

typedef struct shared {
	opts o;
	int sent_fd, acked_fd;
	char **replay;          /* ids to send again first */
	size_t nreplay;
	double deadline;
	pthread_mutex_t lock;   /* guards the counters and file writes */
	unsigned long requests, ok, failed, by_status[6];
} shared;

typedef struct worker {
	shared *sh;
	long index;
	pthread_t thread;
} worker;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Append ids (one per line) to fd in one write, under the lock. */
static void record(shared *sh, int fd, char ids[][MAX_ID], size_t n)
{
	char buf[MAX_BATCH * (MAX_ID + 1)];
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s\n", ids[i]);
	pthread_mutex_lock(&sh->lock);
	if (write_all(fd, buf, len)) {
		perror("loadgen: write");
		exit(1);
	}
	pthread_mutex_unlock(&sh->lock);
}

static int connect_once(long port)
{
	struct sockaddr_in sa;
	struct timeval tv = {10, 0};
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read one HTTP response; its status, or -1 when the connection failed.
 * *close_after is set when the server will close the connection. */
static int read_response(int fd, int *close_after)
{
	char buf[RESP_CAP + 1];
	size_t len = 0;
	char *end = NULL;
	long clen = 0;
	int status;

	*close_after = 0;
	while (!end) {
		if (len == RESP_CAP)
			return -1;
		ssize_t r = read(fd, buf + len, RESP_CAP - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	for (char *h = strstr(buf, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n")) {
		if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
			clen = strtol(h + 17, NULL, 10);
		else if (strncasecmp(h + 2, "Connection: close", 17) == 0)
			*close_after = 1;
	}
	size_t have = len - (size_t)(end + 4 - buf);
	while ((long)have < clen) {
		ssize_t r = read(fd, buf, sizeof buf - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return status;
}

static size_t build_body(const shared *sh, char *body, char ids[][MAX_ID],
			 size_t n)
{
	size_t len = 0;
	if (sh->o.notes)
		return (size_t)snprintf(body, BODY_CAP, "{\"text\":\"%s\"}", ids[0]);
	if (n > 1)
		len += (size_t)snprintf(body, BODY_CAP, "{\"batch\":[");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(body + len, BODY_CAP - len,
			"%s{%s\"userId\":\"%s\",\"event\":\"Load Test\","
			"\"messageId\":\"%s\",\"properties\":{\"n\":%zu}}",
			i ? "," : "", n > 1 ? "\"type\":\"track\"," : "",
			sh->o.user, ids[i], i);
	if (n > 1)
		len += (size_t)snprintf(body + len, BODY_CAP - len, "]}");
	return len;
}

/* One request on *fd (connecting when needed): 1 acknowledged, 0 answered
 * otherwise, -1 when the server cannot be reached. */
static int send_ids(shared *sh, int *fd, char ids[][MAX_ID], size_t n)
{
	char body[BODY_CAP], head[1024];
	size_t blen = build_body(sh, body, ids, n);
	int hlen, status, close_after;

	if (*fd < 0 && (*fd = connect_once(sh->o.port)) < 0)
		return -1;
	char path[128];
	if (sh->o.notes)
		snprintf(path, sizeof path, "/api/leads/%s/notes", sh->o.notes);
	else
		snprintf(path, sizeof path, "/v1/%s", n > 1 ? "batch" : "track");
	hlen = snprintf(head, sizeof head,
			"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			"Authorization: Bearer %s\r\n"
			"Content-Type: application/json\r\n"
			"Content-Length: %zu\r\n\r\n",
			path, sh->o.key, blen);
	record(sh, sh->sent_fd, ids, n);
	if (write_all(*fd, head, (size_t)hlen) || write_all(*fd, body, blen) ||
	    (status = read_response(*fd, &close_after)) < 0) {
		close(*fd);
		*fd = -1;
		return -1;
	}
	if (close_after) {
		close(*fd);
		*fd = -1;
	}
	pthread_mutex_lock(&sh->lock);
	sh->requests++;
	sh->by_status[status / 100 < 6 ? status / 100 : 5]++;
	if (status == 200)
		sh->ok++;
	else
		sh->failed++;
	pthread_mutex_unlock(&sh->lock);
	if (status == 200)
		record(sh, sh->acked_fd, ids, n);
	return status == 200;
}

/* A connection dropped: try again a few times; -1 when the server is
 * gone for good. */
static int retry(shared *sh, int *fd, char ids[][MAX_ID], size_t n)
{
	for (int tries = 0; tries < 3; tries++) {
		int rc = send_ids(sh, fd, ids, n);
		if (rc >= 0)
			return rc;
		pthread_mutex_lock(&sh->lock);
		sh->failed++;
		pthread_mutex_unlock(&sh->lock);
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void *work(void *arg)
{
	worker *w = arg;
	shared *sh = w->sh;
	char ids[MAX_BATCH][MAX_ID];
	unsigned long seq = 0;
	int fd = -1;

	for (size_t i = (size_t)w->index; i < sh->nreplay; i += (size_t)sh->o.conns) {
		snprintf(ids[0], MAX_ID, "%s", sh->replay[i]);
		if (retry(sh, &fd, ids, 1) < 0)
			goto done;
	}
	for (long n = 0; now_s() < sh->deadline &&
	     (!sh->o.requests || n < sh->o.requests); n++) {
		for (long b = 0; b < sh->o.batch; b++)
			snprintf(ids[b], MAX_ID, "%s-%ld-%lu", sh->o.prefix, w->index,
				 ++seq);
		if (retry(sh, &fd, ids, (size_t)sh->o.batch) < 0)
			break;
	}
done:
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void load_replay(shared *sh)
{
	FILE *f = fopen(sh->o.replay, "r");
	char line[MAX_ID + 2];
	size_t cap = 0;
	if (!f) {
		perror(sh->o.replay);
		exit(2);
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (sh->nreplay == cap) {
			cap = cap ? cap * 2 : 256;
			sh->replay = realloc(sh->replay, cap * sizeof *sh->replay);
			if (!sh->replay)
				exit(1);
		}
		sh->replay[sh->nreplay++] = strdup(line);
	}
	fclose(f);
}

static void usage(void)
{
	fputs("usage: loadgen --port N --key KEY --prefix P --sent FILE --acked FILE\n"
	      "               [--conns C] [--seconds S] [--batch B] [--requests N]\n"
	      "               [--user U] [--replay FILE] [--notes LEAD]\n", stderr);
	exit(2);
}

static void parse(int argc, char **argv, opts *o)
{
	static const struct option lo[] = {
		{"port", required_argument, 0, 'p'}, {"key", required_argument, 0, 'k'},
		{"prefix", required_argument, 0, 'x'}, {"conns", required_argument, 0, 'c'},
		{"seconds", required_argument, 0, 's'}, {"batch", required_argument, 0, 'b'},
		{"user", required_argument, 0, 'u'}, {"sent", required_argument, 0, 'S'},
		{"acked", required_argument, 0, 'A'}, {"replay", required_argument, 0, 'r'},
		{"requests", required_argument, 0, 'n'},
		{"notes", required_argument, 0, 'N'},
		{0}};
	int c;
	*o = (opts){.conns = 4, .batch = 1, .seconds = 5, .user = "loadgen"};
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o->port = strtol(optarg, NULL, 10); break;
		case 'k': o->key = optarg; break;
		case 'x': o->prefix = optarg; break;
		case 'c': o->conns = strtol(optarg, NULL, 10); break;
		case 's': o->seconds = strtod(optarg, NULL); break;
		case 'b': o->batch = strtol(optarg, NULL, 10); break;
		case 'u': o->user = optarg; break;
		case 'S': o->sent = optarg; break;
		case 'A': o->acked = optarg; break;
		case 'r': o->replay = optarg; break;
		case 'n': o->requests = strtol(optarg, NULL, 10); break;
		case 'N': o->notes = optarg; break;
		default: usage();
		}
	}
	if (optind < argc || o->port <= 0 || o->port > 65535 || !o->key ||
	    !o->prefix || !o->sent || !o->acked || o->conns < 1 ||
	    o->conns > MAX_CONNS || o->batch < 1 || o->batch > MAX_BATCH || o->requests < 0 ||
	    o->seconds <= 0 || o->seconds > 600 || strlen(o->prefix) > 40 ||
	    strlen(o->user) > 60 || strlen(o->key) > 200 ||
	    (o->notes && (o->batch > 1 || strlen(o->notes) > 60)))
		usage();
}

int main(int argc, char **argv)
{
	static shared sh;
	worker w[MAX_CONNS];
	double start = now_s();

	parse(argc, argv, &sh.o);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&sh.lock, NULL);
	sh.sent_fd = open(sh.o.sent, O_WRONLY | O_CREAT | O_APPEND, 0644);
	sh.acked_fd = open(sh.o.acked, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (sh.sent_fd < 0 || sh.acked_fd < 0) {
		perror("loadgen: open");
		return 2;
	}
	if (sh.o.replay)
		load_replay(&sh);
	sh.deadline = start + sh.o.seconds;
	for (long i = 0; i < sh.o.conns; i++) {
		w[i] = (worker){.sh = &sh, .index = i};
		if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
			fputs("loadgen: cannot start a thread\n", stderr);
			return 1;
		}
	}
	for (long i = 0; i < sh.o.conns; i++)
		pthread_join(w[i].thread, NULL);
	printf("requests=%lu ok=%lu failed=%lu 2xx=%lu 4xx=%lu 5xx=%lu seconds=%.2f\n",
	       sh.requests, sh.ok, sh.failed, sh.by_status[2], sh.by_status[4],
	       sh.by_status[5], now_s() - start);
	close(sh.sent_fd);
	close(sh.acked_fd);
	for (size_t i = 0; i < sh.nreplay; i++)
		free(sh.replay[i]);
	free(sh.replay);
	return 0;
}
