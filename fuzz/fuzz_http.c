/*
 * fuzz_http.c - libFuzzer harness for the HTTP request path, end to end
 * and without a network: the real libmicrohttpd request handling of
 * src/server/server.c (this file includes it, to reach its static
 * callbacks), fed through a socketpair, into route matching (router.c),
 * body collection within each route's limit, authentication (auth.c:
 * Bearer, Basic, writeKey in the body; role checks), and every route
 * handler with its body decoding (Segment bodies, lead records, lifecycle
 * actions, models) and its writes through the writer thread, against a
 * temporary SQLite database holding the test leads and one key per role.
 *
 * Input format (a text the fuzzer mutates; the harness frames it):
 *
 *   METHOD PATH            first line, e.g. "POST /v1/track"
 *   Name: value            header lines (Content-Length is recomputed)
 *                          an empty line
 *   body...                the rest, sent as the body
 *
 * In the header and body, $A $S $M $I stand for the admin, sales,
 * marketing and ingest keys (random per run) and $B for the ingest key in
 * HTTP Basic form. The request is sent with "Connection: close"; the
 * harness runs the daemon until the answer is complete. A tracking
 * request is deferred as in the server (its connection suspended until
 * the writer's commit resumes it): while one waits, the harness blocks in
 * MHD_run_wait, which the resume wakes, instead of spinning. Any crash, leak,
 * sanitizer report or 5xx answer (a bug or storage failure, never a
 * client's fault) is a finding.
 */
#include "server/server.c"

#include <fcntl.h>
#include <sodium.h>
#include <sys/socket.h>

#include "fuzz_util.h"
#include "io/json_arena.h"

#define REQ_MAX (1024 * 1024)

static char tmpdir[] = "/tmp/lq-fuzz-http-XXXXXX";
static char db[sizeof tmpdir + 16];
static struct lq_server *server;
static struct MHD_Daemon *daemon_;
static char *keys[4];        /* admin, sales, marketing, ingest */
static char basic[128];      /* base64("<ingest key>:") */

static const char model_yaml[] =
	"version: 1\n"
	"name: fuzz\n"
	"lists:\n"
	"  freemail: [gmail.com, yahoo.com]\n"
	"fit:\n"
	"  - rule: target size\n"
	"    when: account.employees between 50 and 750\n"
	"    points: 20\n"
	"  - rule: decision maker\n"
	"    when: seniority in [vp, c_level, director]\n"
	"    points: 15\n"
	"  - rule: free mail\n"
	"    when: email_domain in $freemail\n"
	"    points: -30\n"
	"channel:\n"
	"  - rule: referral\n"
	"    when: source == \"referral\"\n"
	"    points: 10\n"
	"grades: {A: 50, B: 30, C: 15, D: 0}\n"
	"engagement:\n"
	"  half_life: 30d\n"
	"  actions:\n"
	"    - rule: pricing page\n"
	"      on: page_view\n"
	"      when: event.url contains \"/pricing\"\n"
	"      points: 10\n"
	"      max: 30\n"
	"    - rule: demo request\n"
	"      on: demo_request\n"
	"      points: 25\n"
	"stages:\n"
	"  mql: grade <= \"B\" and engagement >= 40\n"
	"  hand_raiser: event.type in [demo_request, contact_sales] and grade <= \"C\"\n"
	"  sal_sla: 24h\n"
	"  sql_requires: [budget, authority, need, timing]\n"
	"  sqo_requires: [buy_cycle, influencer, time_frame, opportunity_size, follow_up]\n"
	"routing:\n"
	"  round_robin: [ben, carla]\n"
	"event_map:\n"
	"  Demo Requested: demo_request\n";

static const char leads_csv[] =
	"external_id,email,first_name,title,seniority,country,source,created_at,"
	"account.domain,account.employees,account.industry\n"
	"L1,ana@acme.io,Ana,VP Marketing,vp,BR,referral,2026-03-01T09:00:00Z,acme.io,200,saas\n"
	"L2,bob@gmail.com,Bob,Purchasing Manager,manager,US,paid_search,2026-03-02,,,\n"
	"L3,cy@bigcorp.com,Cy,Director IT,director,DE,organic_search,2026-03-03,bigcorp.com,5000,\n";

static const char events_ndjson[] =
	"{\"id\":\"e1\",\"lead\":\"ana@acme.io\",\"type\":\"page_view\",\"at\":\"2026-03-09T00:00:00Z\",\"properties\":{\"url\":\"/pricing\"}}\n"
	"{\"id\":\"e2\",\"lead\":\"L1\",\"type\":\"demo_request\",\"at\":\"2026-03-09T10:00:00Z\"}\n";

static void die(const char *what, const lq_error *err)
{
	fprintf(stderr, "fuzz_http: %s: %s\n", what, err ? err->msg : "");
	abort();
}

static void cleanup(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	if (server)
		server_free(server);
	for (int i = 0; i < 4; i++)
		free(keys[i]);
	char path[sizeof db + 8];
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

static void setup_db(void)
{
	static const char *const roles[4] = {"admin", "sales", "marketing", "ingest"};
	lq_service *svc;
	lq_error err;
	lq_apply_report rep;
	lq_import_report irep;
	lq_import_opts opts = {.stage = LQ_STAGE_NONE};
	int64_t id;

	if (lq_service_open(db, 1, FZ_NOW, &svc, &err))
		die("open", &err);
	if (lq_service_model_apply(svc, model_yaml, sizeof model_yaml - 1, "fuzz.yaml",
				   &rep, NULL, &err))
		die("model", &err);
	FILE *f = fmemopen((void *)leads_csv, sizeof leads_csv - 1, "r");
	if (lq_service_import_leads(svc, f, "leads.csv", LQ_INPUT_CSV, &opts, &irep,
				    NULL, NULL, &err))
		die("leads", &err);
	fclose(f);
	f = fmemopen((void *)events_ndjson, sizeof events_ndjson - 1, "r");
	if (lq_service_import_events(svc, f, "events.ndjson", &opts, &irep, NULL,
				     NULL, &err))
		die("events", &err);
	fclose(f);
	for (int i = 0; i < 4; i++)
		if (lq_service_key_create(svc, roles[i], "fuzz", &keys[i], &id, &err))
			die("key", &err);
	lq_service_close(svc);

	char user[LQ_KEY_LEN + 2];
	snprintf(user, sizeof user, "%s:", keys[3]);
	sodium_bin2base64(basic, sizeof basic, (const unsigned char *)user,
			  strlen(user), sodium_base64_VARIANT_ORIGINAL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	lq_server_opts opts = {0};
	lq_error err;

	signal(SIGPIPE, SIG_IGN);
	lq_json_arena_install();   /* as leadq's main: decodes in arenas */
	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		die("setup", NULL);
	snprintf(db, sizeof db, "%s/fuzz.db", tmpdir);
	atexit(cleanup);
	setup_db();
	opts.listen = "127.0.0.1:0";
	opts.db = db;
	opts.threads = 1;
	opts.fixed_now = FZ_NOW;
	opts.quiet = 1;
	lq_error_clear(&err);
	server = server_new(&opts, &err);
	if (!server)
		die("server", &err);
	/* external polling: the harness thread runs the daemon (MHD_run) */
	daemon_ = MHD_start_daemon(
		MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
		on_request, server,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	if (!daemon_)
		die("daemon", NULL);
	return 0;
}

/* Append s[0..n) to b, replacing the key placeholders. */
static void add_expanded(lq_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *k = NULL;
		if (s[i] == '$' && i + 1 < n) {
			switch (s[i + 1]) {
			case 'A': k = keys[0]; break;
			case 'S': k = keys[1]; break;
			case 'M': k = keys[2]; break;
			case 'I': k = keys[3]; break;
			case 'B': k = basic; break;
			}
		}
		if (k) {
			lq_buf_adds(b, k);
			i++;
		} else {
			lq_buf_addc(b, s[i]);
		}
	}
}

/* Frame the input as an HTTP/1.1 request into b. */
static void frame(lq_buf *b, const char *in, size_t n)
{
	const char *end = in + n, *nl = memchr(in, '\n', n);
	const char *line_end = nl ? nl : end;
	const char *sp = memchr(in, ' ', (size_t)(line_end - in));
	lq_buf body = LQ_BUF_INIT;

	if (sp) {
		lq_buf_add(b, in, (size_t)(sp - in));
		lq_buf_addc(b, ' ');
		lq_buf_add(b, sp + 1, (size_t)(line_end - sp - 1));
	} else {
		lq_buf_adds(b, "GET ");
		lq_buf_add(b, in, (size_t)(line_end - in));
	}
	lq_buf_adds(b, " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n");
	const char *p = nl ? nl + 1 : end;
	while (p < end) {   /* headers up to an empty line */
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *le = e ? e : end;
		if (le == p || (le == p + 1 && *p == '\r')) {
			p = e ? e + 1 : end;
			break;
		}
		if (!(le - p >= 15 && strncasecmp(p, "content-length:", 15) == 0) &&
		    !(le - p >= 11 && strncasecmp(p, "connection:", 11) == 0)) {
			add_expanded(b, p, (size_t)(le - p));
			lq_buf_adds(b, "\r\n");
		}
		p = e ? e + 1 : end;
	}
	if (p < end)
		add_expanded(&body, p, (size_t)(end - p));
	lq_buf_addf(b, "Content-Length: %zu\r\n\r\n", body.len);
	lq_buf_add(b, body.data ? body.data : "", body.len);
	lq_buf_free(&body);
}

static void check_answer(const char *resp, size_t n)
{
	if (getenv("FUZZ_HTTP_VERBOSE"))   /* to check the seeds by hand */
		fprintf(stderr, "%.*s\n", (int)(n > 300 ? 300 : n), resp);
	/* "HTTP/1.1 NNN ..." : a 5xx is a bug or a storage failure */
	if (n >= 12 && memcmp(resp, "HTTP/1.", 7) == 0 && resp[9] == '5') {
		fprintf(stderr, "fuzz_http: server error: %.*s\n",
			(int)(n > 600 ? 600 : n), resp);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	struct sockaddr_in peer = {.sin_family = AF_INET,
				   .sin_port = htons(40000)};
	lq_buf req = LQ_BUF_INIT, resp = LQ_BUF_INIT;

	if (size == 0 || size > REQ_MAX)
		return 0;
	frame(&req, (const char *)data, size);
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair", NULL);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&peer,
			       sizeof peer) != MHD_YES)
		die("add connection", NULL);
	size_t off = 0;
	int closed = 0;
	for (int iter = 0; iter < 20000 && !closed; iter++) {
		if (off < req.len) {
			ssize_t w = send(sv[1], req.data + off, req.len - off, MSG_NOSIGNAL);
			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN)
				off = req.len;   /* the server hung up early */
		}
		/* a deferred write pending: sleep until its resume (or 100 ms) */
		if (__atomic_load_n(&server->waiting, __ATOMIC_ACQUIRE))
			MHD_run_wait(daemon_, 100);
		else
			MHD_run(daemon_);
		for (;;) {
			char chunk[16384];
			ssize_t r = recv(sv[1], chunk, sizeof chunk, 0);
			if (r > 0) {
				lq_buf_add(&resp, chunk, (size_t)r);
				continue;
			}
			if (r == 0 || errno != EAGAIN)
				closed = 1;
			break;
		}
	}
	close(sv[1]);
	for (int i = 0; i < 4; i++)
		MHD_run(daemon_);   /* let the daemon notice and clean up */
	check_answer(resp.data ? resp.data : "", resp.len);
	lq_buf_free(&req);
	lq_buf_free(&resp);
	return 0;
}
