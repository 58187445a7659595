/*
 * cmd_serve.c - `leadq serve`: run the HTTP API, the tracking API and the
 * dashboard until SIGINT/SIGTERM.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"

static const char serve_help[] =
	"usage: leadq serve [--listen HOST:PORT] [--threads N] [--rate N]\n"
	"                   [--burst N] [--cors ORIGIN,...] [--port-file FILE]\n"
	"                   [--access-log FILE|-] [--quiet] [--inbox-max-mb N]\n"
	"                   [--fold-min-rows N] [--cache-mb N]\n\n"
	"Serve the REST API (/api/...), the Segment-compatible tracking API\n"
	"(/v1/...), the tracking snippet (/t.js), /healthz and /metrics.\n\n"
	"  --listen     address to bind (default 127.0.0.1:8080; port 0 picks one)\n"
	"  --threads    request threads (default 4)\n"
	"  --rate       requests per second allowed per API key (default 0: no limit)\n"
	"  --burst      requests a key may send at once (default: --rate)\n"
	"  --cors       origins allowed to call /v1 and /t.js from a browser (off by default)\n"
	"  --port-file  write the port once listening (for scripts and tests)\n"
	"  --access-log where request lines go (default stderr)\n"
	"  --deliver-every  alert delivery pass interval (default 5s; off: none,\n"
	"               e.g. when `leadq deliver` runs from cron instead)\n"
	"  --inbox-max-mb   tracking requests are answered 503 (Retry-After: 1)\n"
	"               while the tracking inbox holds this many MB the server\n"
	"               has not applied yet (default 1024; 0: no limit)\n"
	"  --fold-min-rows  events the server stores wait in a small table and\n"
	"               are moved into the one clustered by lead in bulk once\n"
	"               there are this many and an eighth of all events\n"
	"               (default 65536)\n"
	"  --cache-mb   the page cache of the connection that applies tracking\n"
	"               and writes, 1 to 16384 MiB (default 256; it fills\n"
	"               only as pages are read)\n"
	"With --now (or LEADQ_NOW) the server's clock stands still at that time.\n"
	"SIGINT/SIGTERM: stop accepting, finish requests in flight, commit, exit.\n";

static int parse_double(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	return *s && !*end && *out >= 0 ? 0 : -1;
}

int lq_cmd_serve(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, 0, 'l'},
		{"threads", required_argument, 0, 't'},
		{"rate", required_argument, 0, 'r'},
		{"burst", required_argument, 0, 'b'},
		{"cors", required_argument, 0, 'c'},
		{"port-file", required_argument, 0, 'p'},
		{"access-log", required_argument, 0, 'a'},
		{"quiet", no_argument, 0, 'q'},
		{"deliver-every", required_argument, 0, 'd'},
		{"inbox-max-mb", required_argument, 0, 'i'},
		{"fold-min-rows", required_argument, 0, 'f'},
		{"cache-mb", required_argument, 0, 'm'},
		{"help", no_argument, 0, 'h'}, {0}};
	lq_server_opts o = {.listen = "127.0.0.1:8080", .db = cli->db, .threads = 4};
	const char *log_path = NULL;
	double threads = 4;
	lq_error err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "l:t:r:b:c:p:a:qd:i:f:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 't':
			if (parse_double(optarg, &threads) || threads < 1 || threads > 256)
				return lq_cli_usage("serve", "--threads must be 1 to 256");
			o.threads = (int)threads;
			break;
		case 'r':
			if (parse_double(optarg, &o.rate))
				return lq_cli_usage("serve", "--rate must be a number >= 0");
			break;
		case 'b':
			if (parse_double(optarg, &o.burst))
				return lq_cli_usage("serve", "--burst must be a number >= 0");
			break;
		case 'c': o.cors_origins = optarg; break;
		case 'p': o.port_file = optarg; break;
		case 'a': log_path = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'd': {
			lq_dur every;
			lq_error e;
			if (strcmp(optarg, "off") == 0) {
				o.deliver_ms = -1;
				break;
			}
			if (lq_dur_parse(optarg, &every, &e) || every < LQ_MS_SECOND)
				return lq_cli_usage("serve", "--deliver-every needs a duration "
						    "of at least 1s (e.g. 5s) or off");
			o.deliver_ms = (long)every;
			break;
		}
		case 'i': {
			double mb;
			if (parse_double(optarg, &mb) || mb != (double)(int64_t)mb ||
			    mb > 1048576)
				return lq_cli_usage("serve", "--inbox-max-mb must be a whole "
						    "number of MB, 0 to 1048576 (0: no limit)");
			o.inbox_max_bytes = mb == 0 ? -1 : (int64_t)mb << 20;
			break;
		}
		case 'f': {
			double rows;
			if (parse_double(optarg, &rows) || rows < 1 ||
			    rows != (double)(int64_t)rows || rows > 1e12)
				return lq_cli_usage("serve", "--fold-min-rows must be a "
						    "whole number of at least 1");
			o.fold_min_rows = (int64_t)rows;
			break;
		}
		case 'm': {
			double mb;
			if (parse_double(optarg, &mb) || mb != (double)(int64_t)mb ||
			    mb < 1 || mb > 16384)
				return lq_cli_usage("serve", "--cache-mb must be a whole "
						    "number of MiB, 1 to 16384");
			o.cache_mib = (int)mb;
			break;
		}
		case 'h': fputs(serve_help, stdout); return 0;
		default: return lq_cli_usage("serve", "see leadq serve --help");
		}
	}
	if (optind < argc)
		return lq_cli_usage("serve", "unexpected argument '%s'", argv[optind]);
	if (cli->now_fixed)
		o.fixed_now = cli->now;
	if (log_path && strcmp(log_path, "-") != 0) {
		o.log = fopen(log_path, "a");
		if (!o.log)
			return lq_cli_usage("serve", "cannot open the access log %s", log_path);
		setvbuf(o.log, NULL, _IOLBF, 0);
	}
	lq_service *check;
	if ((rc = lq_cli_open(cli, 0, &check)))
		return rc;
	lq_service_close(check);
	/* No fastbins: a tracking request decodes its body into a cJSON
	 * tree of hundreds of small blocks and frees it, on each request
	 * thread; malloc and free took ~18% of those threads' CPU under
	 * /v1/batch, glibc parking the blocks in fastbins and consolidating
	 * them at the next larger request (malloc_consolidate). Without
	 * fastbins: ~10% more requests answered, batches and single events
	 * (docs/performance.md, http-track, session 8). */
	mallopt(M_MXFAST, 0);
	lq_error_clear(&err);
	rc = lq_server_run(&o, &err) ? lq_cli_fail(&err) : 0;
	if (o.log)
		fclose(o.log);
	return rc;
}
