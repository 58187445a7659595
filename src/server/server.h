/*
 * server.h - `leadq serve`: the HTTP front end (libmicrohttpd). A thread
 * pool answers requests with per-thread read-only connections; every write
 * goes through the single writer (writer.h). Runs until SIGINT or SIGTERM,
 * then stops accepting, lets in-flight requests finish, commits what is
 * queued, and returns.
 */
#ifndef LQ_SERVER_H
#define LQ_SERVER_H

#include <stdio.h>

#include "core/error.h"
#include "core/time.h"

/* The default limit of the tracking inbox: 1 GiB of requests waiting to
 * be applied (minutes of the writer's work; see docs/api.md). */
#define LQ_INBOX_MAX_MB 1024

typedef struct lq_server_opts {
	const char *listen;        /* "127.0.0.1:8080"; port 0 picks one */
	const char *db;
	int threads;               /* request threads (default 4) */
	lq_time fixed_now;         /* 0: read the clock per request */
	double rate;               /* requests per second per key (0: no limit) */
	double burst;              /* bucket size (default: rate) */
	const char *cors_origins;  /* comma list allowed on /v1 and /t.js */
	const char *port_file;     /* write the bound port here once listening */
	FILE *log;                 /* access log (NULL: stderr) */
	int quiet;                 /* no access log */
	long deliver_ms;           /* alert delivery pass interval; 0: 5 s,
				      < 0: no deliveries from this server */
	int64_t inbox_max_bytes;   /* tracking requests get 503 while the
				      inbox holds this much not applied
				      (0: LQ_INBOX_MAX_MB; < 0: no limit) */
	int64_t fold_min_rows;     /* recent events before a fold starts
				      (0: LQ_WRITER_FOLD_MIN_ROWS) */
	int cache_mib;             /* the writer's page cache
				      (0: LQ_WRITER_CACHE_MIB) */
} lq_server_opts;

/* Serve until SIGINT/SIGTERM. Returns 0 after a clean shutdown. */
int lq_server_run(const lq_server_opts *opts, lq_error *err);

#endif
