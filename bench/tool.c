/*
 * tool.c - leadq-benchtool: the measurements of bench/run that need the
 * leadq core in-process. Bench-only: compiled by bench/run against
 * build/libleadq_core.a, never part of the leadq binary.
 *
 *   leadq-benchtool scores DB NOW            every lead's score at NOW, full
 *                                            precision: lead_id,score,grade
 *   leadq-benchtool workmem DB NOW N         resident bytes per lead held
 *                                            for scoring (N leads loaded
 *                                            into a working set)
 *   leadq-benchtool append SRC_DB DST_DB     the ingest's ceiling: bare
 *                                            SQLite append of SRC_DB's
 *                                            event rows
 *   leadq-benchtool scan DB THREADS          the rescore's ceiling: every
 *                                            stored event row read back,
 *                                            THREADS connections at once
 *   leadq-benchtool export DB NOW DIR        the learning matrix of `leadq
 *                                            learn` (outcome won, defaults)
 *                                            as DIR/matrix.svm + DIR/folds.txt,
 *                                            and leadq's fit on it timed
 */
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/time.h"
#include "engine/learn.h"
#include "service/lead_work.h"
#include "service/learn_internal.h"
#include "service/service.h"

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_bytes(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

static lq_time parse_now(const char *s)
{
	lq_time t;
	lq_error err;
	lq_error_clear(&err);
	if (lq_time_parse(s, NULL, &t, &err)) {
		fprintf(stderr, "benchtool: bad time %s\n", s);
		exit(2);
	}
	return t;
}

static lq_service *open_svc(const char *db, lq_time now)
{
	lq_service *svc;
	lq_error err;
	lq_error_clear(&err);
	if (lq_service_open(db, 0, now, &svc, &err)) {
		fprintf(stderr, "benchtool: %s\n", err.msg);
		exit(1);
	}
	return svc;
}

/* ---- scores ---------------------------------------------------------------- */

static int cmd_scores(const char *db, const char *now)
{
	lq_service *svc = open_svc(db, parse_now(now));
	lq_lead_query q = {.filter = {.stage = LQ_STAGE_NONE}};
	lq_lead_list list;
	lq_error err;
	lq_error_clear(&err);
	if (lq_service_leads(svc, &q, &list, &err)) {
		fprintf(stderr, "benchtool: %s\n", err.msg);
		return 1;
	}
	printf("lead_id,score,grade\n");
	for (size_t i = 0; i < list.n; i++) {
		const lq_lead_row *r = &list.rows[i];
		if (r->scored)
			printf("%lld,%.9f,%c\n", (long long)r->lead.id, r->score,
			       r->grade ? r->grade : '-');
	}
	lq_lead_list_free(&list);
	lq_service_close(svc);
	return 0;
}

/* ---- workmem --------------------------------------------------------------- */

static long load_leads(lq_service *svc, lq_workset *ws, long n)
{
	lq_lead_work *w;
	lq_error err;
	long held = 0;
	lq_error_clear(&err);
	for (long id = 1; id <= n; id++) {
		if (lq_workset_get(svc, ws, id, &w, &err)) {
			lq_error_clear(&err);
			continue;
		}
		held++;
	}
	return held;
}

/* Heap bytes in use (mallinfo2): the page cache SQLite fills while
 * reading is warmed by a first pass, so the second pass counts the leads'
 * working state alone. */
static int cmd_workmem(const char *db, const char *now, long n)
{
	lq_service *svc = open_svc(db, parse_now(now));
	lq_workset ws;
	lq_workset_init(&ws, 0);
	load_leads(svc, &ws, n);
	lq_workset_free(&ws);
	lq_workset_init(&ws, 0);
	size_t before = mallinfo2().uordblks;
	long rss0 = rss_bytes();
	long held = load_leads(svc, &ws, n);
	size_t after = mallinfo2().uordblks;
	long rss1 = rss_bytes();
	printf("%ld %zu %zu %ld\n", held, after - before,
	       held ? (after - before) / (size_t)held : 0,
	       held ? (rss1 - rss0) / held : 0);
	lq_workset_free(&ws);
	lq_service_close(svc);
	return 0;
}

/* ---- append: the ceiling ----------------------------------------------------- */

typedef struct erow {
	sqlite3_int64 lead_id, at;
	char *type, *props, *msg_id;
} erow;

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

static int cmd_append(const char *src, const char *dst)
{
	sqlite3 *in, *out;
	sqlite3_stmt *st;
	size_t n = 0, cap = 1 << 16;
	erow *rows = malloc(cap * sizeof *rows);

	if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return fprintf(stderr, "benchtool: cannot open %s\n", src), 1;
	sqlite3_prepare_v2(in, "SELECT lead_id, at, type, props, msg_id FROM events ORDER BY id",
			   -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap)
			rows = realloc(rows, (cap *= 2) * sizeof *rows);
		rows[n].lead_id = sqlite3_column_int64(st, 0);
		rows[n].at = sqlite3_column_int64(st, 1);
		rows[n].type = dup_col(st, 2);
		rows[n].props = dup_col(st, 3);
		rows[n].msg_id = dup_col(st, 4);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(in);

	unlink(dst);
	if (sqlite3_open(dst, &out) != SQLITE_OK)
		return fprintf(stderr, "benchtool: cannot open %s\n", dst), 1;
	sqlite3_exec(out, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		     "CREATE TABLE events (id INTEGER PRIMARY KEY, lead_id INTEGER NOT NULL,"
		     " at INTEGER NOT NULL, type TEXT NOT NULL, props TEXT, msg_id TEXT);",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(out, "INSERT INTO events (lead_id, at, type, props, msg_id) "
			   "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL);
	double t0 = mono();
	for (size_t i = 0; i < n; i++) {
		if (i % 50000 == 0)
			sqlite3_exec(out, i ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL);
		sqlite3_bind_int64(st, 1, rows[i].lead_id);
		sqlite3_bind_int64(st, 2, rows[i].at);
		sqlite3_bind_text(st, 3, rows[i].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, rows[i].props, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, rows[i].msg_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return fprintf(stderr, "benchtool: %s\n", sqlite3_errmsg(out)), 1;
		sqlite3_reset(st);
	}
	sqlite3_exec(out, "COMMIT", NULL, NULL, NULL);
	double t = mono() - t0;
	sqlite3_finalize(st);
	sqlite3_close(out);
	printf("%zu %.3f\n", n, t);
	for (size_t i = 0; i < n; i++) {
		free(rows[i].type);
		free(rows[i].props);
		free(rows[i].msg_id);
	}
	free(rows);
	return 0;
}

/* ---- scan: the rescore's ceiling ------------------------------------------- */

/*
 * What any rescore reading events row by row from SQLite must do at the
 * least: the rows of the rescore's own query (src/store/store_sqlite_sql.c,
 * SQ_EVENTS_RANGE: both event tables, in (lead_id, at, id) order), 2,048
 * lead ids at a time, every column fetched, nothing decoded or scored.
 * Each thread has its own connection, maps the file as the rescore's
 * readers do, reads in one read transaction and takes every THREADS-th
 * range, as the rescore's preparing threads do.
 */
#define SCAN_SQL "SELECT e.id, e.lead_id, e.type, e.at, e.props FROM events_main e" \
	" WHERE e.lead_id >= ?1 AND e.lead_id < ?2 UNION ALL" \
	" SELECT e.id, e.lead_id, e.type, e.at, e.props FROM events_recent e" \
	" WHERE e.lead_id >= ?1 AND e.lead_id < ?2 ORDER BY 2, 4, 1"
#define SCAN_RANGE 2048

typedef struct scanner {
	const char *db;
	int index, count;
	sqlite3_int64 max_id;
	long rows;
	sqlite3_int64 checksum;   /* keeps the reads from being optimised out */
	int failed;
} scanner;

static void scan_range(scanner *sc, sqlite3_stmt *st, sqlite3_int64 from)
{
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, from + SCAN_RANGE);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *type = sqlite3_column_text(st, 2);
		const unsigned char *props = sqlite3_column_text(st, 4);
		sc->checksum += sqlite3_column_int64(st, 0) +
				sqlite3_column_int64(st, 1) +
				sqlite3_column_int64(st, 3) +
				sqlite3_column_bytes(st, 4) +
				(type ? type[0] : 0) + (props ? props[0] : 0);
		sc->rows++;
	}
	sqlite3_reset(st);
}

static void *scan_main(void *arg)
{
	scanner *sc = arg;
	sqlite3 *db;
	sqlite3_stmt *st = NULL;

	if (sqlite3_open_v2(sc->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA mmap_size = 2147418112; BEGIN", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, SCAN_SQL, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "benchtool: scan %s: %s\n", sc->db, sqlite3_errmsg(db));
		sc->failed = 1;
	}
	for (sqlite3_int64 from = (sqlite3_int64)sc->index * SCAN_RANGE;
	     !sc->failed && from <= sc->max_id;
	     from += (sqlite3_int64)sc->count * SCAN_RANGE)
		scan_range(sc, st, from);
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return NULL;
}

static int cmd_scan(const char *db, int threads)
{
	scanner sc[16];
	pthread_t tid[16];
	sqlite3 *q;
	sqlite3_stmt *st;
	sqlite3_int64 max_id = 0, checksum = 0;
	long rows = 0;
	int failed = 0;

	if (threads < 1 || threads > 16)
		return fprintf(stderr, "benchtool: scan takes 1 to 16 threads\n"), 2;
	if (sqlite3_open_v2(db, &q, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q, "SELECT max(id) FROM leads", -1, &st, NULL) != SQLITE_OK)
		return fprintf(stderr, "benchtool: cannot read %s\n", db), 1;
	if (sqlite3_step(st) == SQLITE_ROW)
		max_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(q);

	double t0 = mono();
	for (int i = 0; i < threads; i++) {
		sc[i] = (scanner){.db = db, .index = i, .count = threads, .max_id = max_id};
		pthread_create(&tid[i], NULL, scan_main, &sc[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		rows += sc[i].rows;
		checksum += sc[i].checksum;
		failed |= sc[i].failed;
	}
	double t = mono() - t0;
	if (failed)
		return 1;
	printf("%ld %.3f %lld\n", rows, t, (long long)checksum);
	return 0;
}

/* ---- export: the learning matrix ------------------------------------------ */

/* The same steps as lq_service_learn (service/learn.c) with its defaults:
 * outcome won, leak check on, min support 20, 5 bins, 30 levels, 5 folds,
 * C 1, seed 1. */
static int cmd_export(const char *db, const char *now, const char *dir)
{
	lq_service *svc = open_svc(db, parse_now(now));
	lq_outcome o;
	lq_learn_data d;
	lq_learn_scope scope;
	lq_gather g = {.outcome = &o, .now = svc->now};
	lq_error err;
	const char **leaky = NULL;
	char path[4096];

	lq_error_clear(&err);
	memset(&scope, 0, sizeof scope);
	if (lq_outcome_parse("won", &o, &err))
		return 1;
	lq_learn_data_init(&d);
	double t0 = mono();
	if (lq_learn_gather(svc, &g, &d, &scope, NULL, &err)) {
		fprintf(stderr, "benchtool: %s\n", err.msg);
		return 1;
	}
	lq_learn_data_leak_check(&d, &leaky);
	free(leaky);
	lq_plan_opts po = {.min_support = 20, .bins = 5, .max_levels = 30};
	lq_feature_set fs;
	lq_matrix x;
	lq_features_plan(&d, &po, &fs);
	lq_features_matrix(&d, &fs, &x);
	double t_gather = mono() - t0;
	int *y = calloc(d.nrows + 1, sizeof *y);
	for (size_t i = 0; i < d.nrows; i++)
		y[i] = d.rows[i].label == 1;

	snprintf(path, sizeof path, "%s/matrix.svm", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return fprintf(stderr, "benchtool: cannot write %s\n", path), 1;
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	for (size_t i = 0; i < x.nrows; i++) {
		fputc(y[i] ? '1' : '0', f);
		for (size_t k = x.start[i]; k < x.start[i + 1]; k++)
			fprintf(f, " %u:%.17g", x.col[k] + 1, x.val[k]);
		fputc('\n', f);
	}
	fclose(f);
	int *fold = calloc(x.nrows + 1, sizeof *fold);
	lq_learn_folds(y, x.nrows, 5, 1, fold);
	snprintf(path, sizeof path, "%s/folds.txt", dir);
	f = fopen(path, "w");
	for (size_t i = 0; i < x.nrows; i++)
		fprintf(f, "%d\n", fold[i]);
	fclose(f);

	lq_learn_opts lo = {.l1 = 0, .c = 1.0, .folds = 5, .seed = 1};
	lq_learn_result res;
	double t1 = mono();
	if (lq_learn_fit_cv(&x, y, &lo, &res, &err)) {
		fprintf(stderr, "benchtool: %s\n", err.msg);
		return 1;
	}
	double t_fit = mono() - t1;
	printf("rows %zu features %zu positives %zu gather_s %.3f fit_s %.3f "
	       "auc_mean %.6f auc_oof %.6f\n", x.nrows, x.ncols, res.npos,
	       t_gather, t_fit, res.auc_mean, res.auc_oof);
	lq_learn_result_free(&res);
	free(fold);
	free(y);
	lq_matrix_free(&x);
	lq_feature_set_free(&fs);
	lq_learn_data_free(&d);
	lq_service_close(svc);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "scores"))
		return cmd_scores(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "workmem"))
		return cmd_workmem(argv[2], argv[3], atol(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "append"))
		return cmd_append(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "scan"))
		return cmd_scan(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "export"))
		return cmd_export(argv[2], argv[3], argv[4]);
	fputs("usage: leadq-benchtool scores DB NOW | workmem DB NOW N | "
	      "append SRC DST | scan DB THREADS | export DB NOW DIR\n", stderr);
	return 2;
}
