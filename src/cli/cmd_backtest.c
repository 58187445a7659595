/*
 * cmd_backtest.c - `leadq backtest MODEL [--vs MODEL2] [--from] [--to]
 * [--capacity N/week] [--format table|json|csv]`: parse the options, run
 * the read-only backtest service and print its weekly rows and totals,
 * side by side when --vs is given. An adapter: every number comes from
 * the service and engine/backtest; this file only formats them.
 */
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/backtest_json.h"
#include "cli/table.h"
#include "core/buf.h"

static const char backtest_help[] =
	"usage: leadq backtest MODEL [--vs MODEL2] [--from DATE] [--to DATE]\n"
	"                      [--capacity N/week] [--format table|json|csv]\n\n"
	"Replay the stored history under MODEL (a model file, or @current for\n"
	"the applied model) and report, per ISO week (Monday 00:00 UTC), the\n"
	"MQLs it would have made, how many of them later reached sql and won\n"
	"(precision), the share of won leads it had qualified before the win\n"
	"(recall) and the median days from MQL to won. Nothing is written.\n\n"
	"  --vs MODEL2       a second model, reported side by side (_vs columns)\n"
	"  --from DATE       count MQLs and wins from DATE (ISO 8601)\n"
	"  --to DATE         ... up to DATE, exclusive\n"
	"  --capacity N      sales works N MQLs a week (N or N/week): keep each\n"
	"                    week's N best MQLs by score, report the rest as\n"
	"                    given up (candidates, cutoff, recall lost)\n"
	"  --format F        table (default), json or csv\n\n"
	"columns: mqls (kept MQLs, by MQL week), to_sql / to_won (of those, how\n"
	"many reached sql / won afterwards), prec_sql / prec_won, won (leads won\n"
	"that week), caught (of those, MQL before the win), recall, lead_days\n"
	"(median MQL -> won, by MQL week); with --capacity also candidates\n"
	"(MQLs before the cut) and cutoff (lowest kept score).\n";

typedef struct bt_args {
	lq_backtest_request rq;
	lq_format fmt;
	int has_from, has_to;
} bt_args;

/* ---- options ------------------------------------------------------------ */

static int parse_capacity(const char *s, size_t *out)
{
	char *end;
	unsigned long long n;

	if (*s < '0' || *s > '9')
		goto bad;
	n = strtoull(s, &end, 10);
	if (*end && strcmp(end, "/week") && strcmp(end, "/w"))
		goto bad;
	if (n < 1 || n > 1000000)
		goto bad;
	*out = (size_t)n;
	return 0;
bad:
	return lq_cli_usage("backtest", "bad capacity '%s' (use N or N/week, "
			    "N from 1 to 1000000)", s);
}

static int parse_date(const char *opt, const char *s, lq_time *out)
{
	lq_error err;
	lq_error_clear(&err);
	if (lq_time_parse_iso(s, out, &err) == 0)
		return 0;
	return lq_cli_usage("backtest", "%s: %s", opt, err.msg);
}

/* Returns 0 to go on, -1 after --help, else an exit status. */
static int parse_args(int argc, char **argv, bt_args *a)
{
	static const struct option opts[] = {
		{"vs", required_argument, 0, 'v'},
		{"from", required_argument, 0, 'F'},
		{"to", required_argument, 0, 'T'},
		{"capacity", required_argument, 0, 'c'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	const char *vs = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "v:F:T:c:f:h", opts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'v': vs = optarg; break;
		case 'F': bad = parse_date("--from", optarg, &a->rq.from);
			  a->has_from = 1; break;
		case 'T': bad = parse_date("--to", optarg, &a->rq.to);
			  a->has_to = 1; break;
		case 'c': bad = parse_capacity(optarg, &a->rq.capacity); break;
		case 'f': bad = lq_cli_format("backtest", optarg, 1, &a->fmt)
				? LQ_EXIT_USER : 0; break;
		case 'h': fputs(backtest_help, stdout); return -1;
		default: return lq_cli_usage("backtest", "see leadq backtest --help");
		}
		if (bad)
			return LQ_EXIT_USER;
	}
	if (optind + 1 != argc)
		return lq_cli_usage("backtest", "needs exactly one MODEL file "
				    "(see leadq backtest --help)");
	if (a->rq.from >= a->rq.to)
		return lq_cli_usage("backtest", "--from must be before --to");
	a->rq.files[0] = argv[optind];
	a->rq.nmodels = 1;
	if (vs)
		a->rq.files[a->rq.nmodels++] = vs;
	return 0;
}

/* ---- cells: one column table for table, csv and json -------------------- */

/* COL_SHARED: the same for every model (outcomes come from history), so
 * one table column. */
enum { COL_CAP = 1, COL_NOTABLE = 2, COL_SHARED = 4 };

typedef struct bt_col {
	const char *head;     /* table header */
	const char *key;      /* csv column, json key */
	char kind;            /* 'n' count, '%' ratio, 'd' days, 's' score */
	size_t off;           /* offsetof(lq_backtest_stats, ...) */
	int flags;
} bt_col;

#define ST(f) offsetof(lq_backtest_stats, f)
static const bt_col cols[] = {
	{"candidates", "candidates", 'n', ST(candidates), COL_CAP},
	{"mqls", "mqls", 'n', ST(mqls), 0},
	{"cutoff", "cutoff", 's', ST(cutoff), COL_CAP},
	{"to_sql", "to_sql", 'n', ST(to_sql), 0},
	{"to_won", "to_won", 'n', ST(to_won), 0},
	{"prec_sql", "precision_sql", '%', ST(precision_sql), 0},
	{"prec_won", "precision_won", '%', ST(precision_won), 0},
	{"won", "won", 'n', ST(won), COL_SHARED},
	{"caught", "caught", 'n', ST(caught), 0},
	{"caught_uncapped", "caught_uncapped", 'n', ST(caught_uncapped),
	 COL_CAP | COL_NOTABLE},
	{"recall", "recall", '%', ST(recall), 0},
	{"recall_uncapped", "recall_uncapped", '%', ST(recall_uncapped),
	 COL_CAP | COL_NOTABLE},
	{"lead_days", "median_lead_days", 'd', ST(median_days), 0},
};
#define NCOLS (sizeof cols / sizeof cols[0])

static const char *const labels[LQ_BACKTEST_MAX_MODELS] = {"base", "vs"};

static int col_shown(const bt_col *c, const lq_backtest_report *r, int table)
{
	if ((c->flags & COL_CAP) && !r->capacity)
		return 0;
	return !(table && (c->flags & COL_NOTABLE));
}

/* How many table columns col takes: one per model, unless shared. */
static size_t ncopies(const bt_col *c, const lq_backtest_report *r)
{
	return c->flags & COL_SHARED ? 1 : r->nmodels;
}

/* Format one cell: for people (table) or machines (csv, json: "" when the
 * value is undefined). */
static void cell(const bt_col *c, const lq_backtest_stats *s, int machine,
		 char *out, size_t sz)
{
	const char *p = (const char *)s + c->off;
	double v;

	if (c->kind == 'n') {
		size_t n;
		memcpy(&n, p, sizeof n);
		snprintf(out, sz, "%zu", n);
		return;
	}
	memcpy(&v, p, sizeof v);
	if (isnan(v))
		snprintf(out, sz, "%s", machine ? "" : "-");
	else if (machine)
		snprintf(out, sz, "%.6g", v);
	else if (c->kind == '%')
		snprintf(out, sz, "%.1f%%", v * 100);
	else
		snprintf(out, sz, "%.1f", v);
}

static void week_names(const lq_backtest_week *w, char *name, size_t nsz,
		       char *start, size_t ssz)
{
	char iso[LQ_TIME_STRLEN];
	snprintf(name, nsz, "%04d-W%02d", w->iso_year, w->iso_week);
	lq_time_format(w->start, iso);
	snprintf(start, ssz, "%.10s", iso);
}

/* ---- table -------------------------------------------------------------- */

static void table_row(lq_table *t, const lq_backtest_report *r,
		      const char *name, const char *start,
		      const lq_backtest_stats *const *m)
{
	char buf[NCOLS * LQ_BACKTEST_MAX_MODELS + 2][32];
	const char *cells[NCOLS * LQ_BACKTEST_MAX_MODELS + 2];
	size_t n = 0;

	cells[n++] = name;
	cells[n++] = start;
	for (size_t i = 0; i < NCOLS; i++) {
		if (!col_shown(&cols[i], r, 1))
			continue;
		for (size_t k = 0; k < ncopies(&cols[i], r); k++, n++) {
			cell(&cols[i], m[k], 0, buf[n], sizeof buf[n]);
			cells[n] = buf[n];
		}
	}
	lq_table_row(t, cells);
}

static lq_table *table_new(const lq_backtest_report *r)
{
	char heads[NCOLS * LQ_BACKTEST_MAX_MODELS + 2][40];
	const char *h[NCOLS * LQ_BACKTEST_MAX_MODELS + 2];
	size_t n = 0;

	h[n++] = "week";
	h[n++] = "starts";
	for (size_t i = 0; i < NCOLS; i++) {
		if (!col_shown(&cols[i], r, 1))
			continue;
		for (size_t k = 0; k < ncopies(&cols[i], r); k++, n++) {
			snprintf(heads[n], sizeof heads[n], ">%s%s", cols[i].head,
				 k ? "_vs" : "");
			h[n] = heads[n];
		}
	}
	return lq_table_new(n, h);
}

static void print_capacity_note(const lq_backtest_report *r, size_t k,
				FILE *out)
{
	const lq_backtest_stats *s = &r->total[k];
	const char *who = r->nmodels > 1 ? labels[k] : "model";

	if (!r->has_threshold[k]) {
		fprintf(out, "capacity %zu/week (%s): every week within capacity, "
			"nothing given up\n", r->capacity, who);
		return;
	}
	fprintf(out, "capacity %zu/week (%s): %zu of %zu MQLs kept; recall ",
		r->capacity, who, s->mqls, s->candidates);
	if (s->won)
		fprintf(out, "%.1f%% against %.1f%% uncapped (%zu won lead%s "
			"given up)", s->recall * 100, s->recall_uncapped * 100,
			s->caught_uncapped - s->caught,
			s->caught_uncapped - s->caught == 1 ? "" : "s");
	else
		fputs("undefined (no wins in the window)", out);
	fprintf(out, "; as a fixed rule: score > %.1f at qualification\n",
		r->threshold[k]);
}

static void print_header(const bt_args *a, const lq_backtest_result *res,
			 FILE *out)
{
	const lq_backtest_report *r = &res->report;
	char from[LQ_TIME_STRLEN], to[LQ_TIME_STRLEN];

	for (size_t k = 0; k < r->nmodels; k++) {
		char who[16];
		snprintf(who, sizeof who, "%s:", r->nmodels > 1 ? labels[k] : "model");
		fprintf(out, "%-5s '%s' (%s)\n", who,
			res->models[k]->name ? res->models[k]->name : "",
			a->rq.files[k]);
	}
	lq_time_format(a->rq.from, from);
	lq_time_format(a->rq.to, to);
	fprintf(out, "%zu leads, %zu events read, %zu replayed; MQLs and wins ",
		r->leads, res->events_read, r->events);
	if (a->has_from && a->has_to)
		fprintf(out, "from %s to %s\n", from, to);
	else if (a->has_from)
		fprintf(out, "from %s\n", from);
	else if (a->has_to)
		fprintf(out, "before %s\n", to);
	else
		fputs("at any time\n", out);
	fputc('\n', out);
}

static void print_table(const bt_args *a, const lq_backtest_result *res,
			FILE *out)
{
	const lq_backtest_report *r = &res->report;
	const lq_backtest_stats *m[LQ_BACKTEST_MAX_MODELS];
	lq_table *t = table_new(r);
	char name[16], start[16];

	print_header(a, res, out);
	for (size_t w = 0; w < r->nweeks; w++) {
		for (size_t k = 0; k < r->nmodels; k++)
			m[k] = &r->weeks[w].m[k];
		week_names(&r->weeks[w], name, sizeof name, start, sizeof start);
		table_row(t, r, name, start, m);
	}
	for (size_t k = 0; k < r->nmodels; k++)
		m[k] = &r->total[k];
	table_row(t, r, "total", "", m);
	lq_table_print(t, out);
	lq_table_free(t);
	if (r->capacity) {
		fputc('\n', out);
		for (size_t k = 0; k < r->nmodels; k++)
			print_capacity_note(r, k, out);
	}
}

/* ---- csv: one row per (model, week), then the totals -------------------- */

static void csv_row(lq_buf *b, const lq_backtest_report *r, const char *model,
		    const char *week, const char *start,
		    const lq_backtest_stats *s)
{
	char v[32];
	lq_buf_add_csv_cell(b, model);
	lq_buf_addc(b, ',');
	lq_buf_add_csv_cell(b, week);
	lq_buf_addc(b, ',');
	lq_buf_add_csv_cell(b, start);
	for (size_t i = 0; i < NCOLS; i++) {
		if (!col_shown(&cols[i], r, 0))
			continue;
		cell(&cols[i], s, 1, v, sizeof v);
		lq_buf_addc(b, ',');
		lq_buf_adds(b, v);
	}
	lq_buf_addc(b, '\n');
}

static void print_csv(const lq_backtest_result *res, FILE *out)
{
	const lq_backtest_report *r = &res->report;
	lq_buf b = LQ_BUF_INIT;
	char name[16], start[16];

	lq_buf_adds(&b, "model,week,start");
	for (size_t i = 0; i < NCOLS; i++)
		if (col_shown(&cols[i], r, 0))
			lq_buf_addf(&b, ",%s", cols[i].key);
	lq_buf_addc(&b, '\n');
	for (size_t k = 0; k < r->nmodels; k++) {
		for (size_t w = 0; w < r->nweeks; w++) {
			week_names(&r->weeks[w], name, sizeof name, start,
				   sizeof start);
			csv_row(&b, r, labels[k], name, start, &r->weeks[w].m[k]);
		}
		csv_row(&b, r, labels[k], "total", "", &r->total[k]);
	}
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

/* ---- json --------------------------------------------------------------- */

static void print_json(const bt_args *a, const lq_backtest_result *res,
		       FILE *out)
{
	lq_buf b = LQ_BUF_INIT;
	lq_backtest_json(&b, &a->rq, res);
	lq_buf_addc(&b, '\n');
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

/* ---- the command -------------------------------------------------------- */

int lq_cmd_backtest(lq_cli *cli, int argc, char **argv)
{
	bt_args a = {.fmt = LQ_FMT_TABLE};
	lq_backtest_result res;
	lq_diags diags = {0};
	lq_service *svc;
	lq_error err;
	int rc;

	lq_backtest_request_init(&a.rq);
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	rc = lq_service_backtest(svc, &a.rq, &res, &diags, &err);
	if (rc && diags.n) {
		lq_cli_print_diags(&diags);
		rc = LQ_EXIT_USER;
	} else if (rc) {
		rc = lq_cli_fail(&err);
	} else {
		if (a.fmt == LQ_FMT_JSON)
			print_json(&a, &res, stdout);
		else if (a.fmt == LQ_FMT_CSV)
			print_csv(&res, stdout);
		else
			print_table(&a, &res, stdout);
		lq_backtest_result_free(&res);
	}
	lq_diags_free(&diags);
	lq_service_close(svc);
	return rc;
}
