/*
 * cmd_funnel.c - `leadq funnel`: read the options, ask the service for the
 * funnel, print it as tables (people), JSON (io/funnel_json) or CSV
 * (scripts). No maths here: every number comes from the report.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "core/buf.h"
#include "io/funnel_json.h"

static const char funnel_help[] =
	"usage: leadq funnel [--cohort mql|created] [--from DATE] [--to DATE]\n"
	"                    [--by source|grade|owner|month|week|attr.NAME|account.FIELD]\n"
	"                    [--trend week|month] [--format table|json|csv]\n\n"
	"For a cohort, how many reached each later stage, the conversion from\n"
	"each stage to the next and to won, and the time between stages.\n\n"
	"  --cohort mql      every entry into mql is one entry (default); a\n"
	"                    recycled lead that re-qualifies is a second entry\n"
	"  --cohort created  one entry per lead, at its creation\n"
	"  --from, --to      entries from DATE (inclusive) to DATE (exclusive),\n"
	"                    ISO 8601\n"
	"  --by G            one row per group: source, grade (current score),\n"
	"                    owner, month or ISO week of the entry, attr.NAME,\n"
	"                    account.FIELD (domain, name, industry, employees,\n"
	"                    revenue, traffic, ad_spend, tech, attr.NAME)\n"
	"  --trend P         rows per week or month of entry, for charts\n\n"
	"Funnels are monotone: reaching a later main-path stage counts for every\n"
	"earlier one (mql -> won counts for sal, sql and sqo). Times are in days:\n"
	"median (for an even count the mean of the two middle values) and p90\n"
	"(nearest rank); durations below zero (history recorded out of time\n"
	"order) are left out and said so in the notes. Rates are percentages in\n"
	"the table, fractions in JSON and CSV.\n";

typedef struct funnel_args {
	lq_funnel_query q;
	lq_format fmt;
} funnel_args;

static int parse_funnel_args(int argc, char **argv, funnel_args *a)
{
	static const struct option opts[] = {
		{"cohort", required_argument, 0, 'c'},
		{"from", required_argument, 0, 'F'},
		{"to", required_argument, 0, 'T'},
		{"by", required_argument, 0, 'b'},
		{"trend", required_argument, 0, 't'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	int c;
	while ((c = getopt_long(argc, argv, "c:F:T:b:t:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->q.cohort = optarg; break;
		case 'F': a->q.from = optarg; break;
		case 'T': a->q.to = optarg; break;
		case 'b': a->q.by = optarg; break;
		case 't': a->q.trend = optarg; break;
		case 'f':
			if (lq_cli_format("funnel", optarg, 1, &a->fmt))
				return LQ_EXIT_USER;
			break;
		case 'h': fputs(funnel_help, stdout); return -1;
		default: return lq_cli_usage("funnel", "see leadq funnel --help");
		}
	}
	if (optind < argc)
		return lq_cli_usage("funnel", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ---- cells --------------------------------------------------------------- */

static void pct_cell(double rate, char *out, size_t n)
{
	if (isnan(rate))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.1f%%", rate * 100.0);
}

static void days_cell(const lq_funnel_stat *st, char *out, size_t n)
{
	if (st->n == 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.1f / %.1f (%zu)", lq_funnel_days(st->median),
			 lq_funnel_days(st->p90), st->n);
}

static void pair_name(const lq_funnel_result *res, size_t a, size_t b,
		      const char *prefix, const char *sep, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s%s", prefix, lq_stage_name(res->stages[a]), sep,
		 lq_stage_name(res->stages[b]));
}

/* The rows printed: every row, then the total when there are groups or
 * periods (alone, the one row is the total). */
typedef struct row_list {
	const lq_funnel_row **v;
	size_t n;
} row_list;

static row_list rows_to_print(const lq_funnel_report *r)
{
	const lq_funnel_result *res = &r->result;
	row_list l = {lq_xcalloc(res->nrows + 1, sizeof *l.v), 0};
	if (!r->by && !r->trend) {
		l.v[l.n++] = &res->total;
		return l;
	}
	for (size_t i = 0; i < res->nrows; i++)
		l.v[l.n++] = &res->rows[i];
	l.v[l.n++] = &res->total;
	return l;
}

/* ---- tables -------------------------------------------------------------- */

/* Column headers of a table being built (">" right-aligns). */
typedef struct table_cols {
	char names[32][40];
	const char *v[32];
	size_t n;
} table_cols;

static void col(table_cols *c, const char *name)
{
	if (c->n < sizeof c->v / sizeof *c->v) {
		snprintf(c->names[c->n], sizeof c->names[c->n], "%s", name);
		c->v[c->n] = c->names[c->n];
		c->n++;
	}
}

/* Leading cells every table has: group, and period with a trend. */
static size_t lead_cells(const lq_funnel_report *r, const lq_funnel_row *row,
			 const char **cells)
{
	size_t n = 0;
	cells[n++] = row->group;
	if (r->trend)
		cells[n++] = row->period ? row->period : "";
	return n;
}

static void lead_cols(const lq_funnel_report *r, table_cols *c)
{
	col(c, r->by ? r->by : "group");
	if (r->trend)
		col(c, r->trend == LQ_PERIOD_WEEK ? "week" : "month");
}

/* first stage shown as a count: the cohort's own stage is the entries */
static size_t first_count(const lq_funnel_result *res)
{
	return res->cohort == LQ_FUNNEL_MQL ? 1 : 0;
}

static void print_conversion(const lq_funnel_report *r, const row_list *rows,
			     FILE *out)
{
	const lq_funnel_result *res = &r->result;
	table_cols c = {.n = 0};
	char name[64], cells_buf[48][48];
	const char *cells[48];
	lead_cols(r, &c);
	col(&c, ">entries");
	for (size_t k = first_count(res); k < res->nstages; k++) {
		snprintf(name, sizeof name, ">%s", lq_stage_name(res->stages[k]));
		col(&c, name);
	}
	for (size_t k = 0; k + 1 < res->nstages; k++) {
		pair_name(res, k, k + 1, ">", ">", name, sizeof name);
		col(&c, name);
	}
	col(&c, ">mql>sql");
	col(&c, ">entry>won");
	lq_table *t = lq_table_new(c.n, c.v);
	for (size_t i = 0; i < rows->n; i++) {
		const lq_funnel_row *row = rows->v[i];
		size_t n = lead_cells(r, row, cells), b = 0;
		snprintf(cells_buf[b], 48, "%zu", row->entries);
		cells[n++] = cells_buf[b++];
		for (size_t k = first_count(res); k < res->nstages; k++) {
			snprintf(cells_buf[b], 48, "%zu", row->reached[k]);
			cells[n++] = cells_buf[b++];
		}
		for (size_t k = 0; k + 1 < res->nstages; k++) {
			pct_cell(lq_funnel_rate(row->reached[k + 1], row->reached[k]),
				 cells_buf[b], 48);
			cells[n++] = cells_buf[b++];
		}
		size_t mql = res->cohort == LQ_FUNNEL_MQL ? 0 : 2;
		pct_cell(lq_funnel_rate(row->reached[mql + 2], row->reached[mql]),
			 cells_buf[b], 48);
		cells[n++] = cells_buf[b++];
		pct_cell(lq_funnel_rate(row->won, row->entries), cells_buf[b], 48);
		cells[n++] = cells_buf[b++];
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	lq_table_free(t);
}

static void print_to_won(const lq_funnel_report *r, const row_list *rows,
			 FILE *out)
{
	const lq_funnel_result *res = &r->result;
	table_cols c = {.n = 0};
	char name[64], cells_buf[16][48];
	const char *cells[24];
	size_t won = res->nstages - 1;
	lead_cols(r, &c);
	for (size_t k = 0; k < won; k++) {
		pair_name(res, k, won, ">", ">", name, sizeof name);
		col(&c, name);
	}
	col(&c, ">lost");
	col(&c, ">nurture");
	col(&c, ">disqualified");
	col(&c, ">open");
	lq_table *t = lq_table_new(c.n, c.v);
	for (size_t i = 0; i < rows->n; i++) {
		const lq_funnel_row *row = rows->v[i];
		size_t n = lead_cells(r, row, cells), b = 0;
		for (size_t k = 0; k < won; k++) {
			pct_cell(lq_funnel_rate(row->reached[won], row->reached[k]),
				 cells_buf[b], 48);
			cells[n++] = cells_buf[b++];
		}
		size_t outcomes[] = {row->lost, row->nurture, row->disqualified,
				     row->open};
		for (size_t k = 0; k < 4; k++) {
			snprintf(cells_buf[b], 48, "%zu", outcomes[k]);
			cells[n++] = cells_buf[b++];
		}
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	lq_table_free(t);
}

static void print_days(const lq_funnel_report *r, const row_list *rows,
		       FILE *out)
{
	const lq_funnel_result *res = &r->result;
	table_cols c = {.n = 0};
	char name[64], cells_buf[16][64];
	const char *cells[24];
	lead_cols(r, &c);
	for (size_t k = 0; k + 1 < res->nstages; k++) {
		pair_name(res, k, k + 1, ">", ">", name, sizeof name);
		col(&c, name);
	}
	col(&c, ">entry>won");
	lq_table *t = lq_table_new(c.n, c.v);
	for (size_t i = 0; i < rows->n; i++) {
		const lq_funnel_row *row = rows->v[i];
		size_t n = lead_cells(r, row, cells), b = 0;
		for (size_t k = 0; k + 1 < res->nstages; k++) {
			days_cell(&row->step[k], cells_buf[b], 64);
			cells[n++] = cells_buf[b++];
		}
		days_cell(&row->to_won, cells_buf[b], 64);
		cells[n++] = cells_buf[b++];
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	lq_table_free(t);
}

static void print_heading(const lq_funnel_report *r, FILE *out)
{
	const lq_funnel_row *t = &r->result.total;
	char a[LQ_TIME_STRLEN], b[LQ_TIME_STRLEN];
	fprintf(out, "cohort %s: %zu entries from %zu leads",
		lq_funnel_cohort_name(r->result.cohort), t->entries, t->leads);
	if (r->by)
		fprintf(out, ", by %s", r->by);
	if (r->trend)
		fprintf(out, ", per %s", lq_funnel_period_name(r->trend));
	if (r->has_from) {
		lq_time_format(r->from, a);
		fprintf(out, ", from %s", a);
	}
	if (r->has_to) {
		lq_time_format(r->to, b);
		fprintf(out, ", before %s", b);
	}
	fputc('\n', out);
}

static void print_tables(const lq_funnel_report *r, FILE *out)
{
	row_list rows = rows_to_print(r);
	print_heading(r, out);
	fputs("\nconversion\n", out);
	print_conversion(r, &rows, out);
	fputs("\nto won from each stage, and how the other entries ended\n", out);
	print_to_won(r, &rows, out);
	fputs("\ndays between stages: median / p90 (entries timed)\n", out);
	print_days(r, &rows, out);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(out, "%snote: %s\n", i ? "" : "\n", r->notes[i]);
	free(rows.v);
}

/* ---- csv ----------------------------------------------------------------- */

static void csv_header(const lq_funnel_report *r, lq_buf *b)
{
	const lq_funnel_result *res = &r->result;
	lq_funnel_pair pairs[LQ_FUNNEL_MAX_RATES];
	size_t np = lq_funnel_rate_pairs(res, pairs, LQ_FUNNEL_MAX_RATES);
	lq_buf_adds(b, "group,period,entries,leads");
	for (size_t k = 0; k < res->nstages; k++)
		lq_buf_addf(b, ",reached_%s", lq_stage_name(res->stages[k]));
	lq_buf_adds(b, ",lost,nurture,disqualified,open");
	for (size_t i = 0; i < np; i++)
		lq_buf_addf(b, ",rate_%s_%s", lq_stage_name(res->stages[pairs[i].from]),
			    lq_stage_name(res->stages[pairs[i].to]));
	lq_buf_adds(b, ",rate_entry_won");
	for (size_t k = 0; k + 1 < res->nstages; k++) {
		const char *x = lq_stage_name(res->stages[k]);
		const char *y = lq_stage_name(res->stages[k + 1]);
		lq_buf_addf(b, ",days_%s_%s_median,days_%s_%s_p90,days_%s_%s_n",
			    x, y, x, y, x, y);
	}
	lq_buf_adds(b, ",days_entry_won_median,days_entry_won_p90,"
		    "days_entry_won_n,days_left_out\n");
}

static void csv_num(lq_buf *b, double v)
{
	char s[64];
	lq_funnel_fmt(v, s, sizeof s);
	lq_buf_addc(b, ',');
	lq_buf_adds(b, s);
}

static void csv_stat(lq_buf *b, const lq_funnel_stat *st, size_t *left_out)
{
	csv_num(b, lq_funnel_days(st->median));
	csv_num(b, lq_funnel_days(st->p90));
	lq_buf_addf(b, ",%zu", st->n);
	*left_out += st->left_out;
}

static void csv_row(const lq_funnel_result *res, const lq_funnel_row *row,
		    lq_buf *b)
{
	lq_funnel_pair pairs[LQ_FUNNEL_MAX_RATES];
	size_t np = lq_funnel_rate_pairs(res, pairs, LQ_FUNNEL_MAX_RATES);
	size_t left_out = 0;
	lq_buf_add_csv_cell(b, row->group);
	lq_buf_addc(b, ',');
	lq_buf_add_csv_cell(b, row->period ? row->period : "");
	lq_buf_addf(b, ",%zu,%zu", row->entries, row->leads);
	for (size_t k = 0; k < res->nstages; k++)
		lq_buf_addf(b, ",%zu", row->reached[k]);
	lq_buf_addf(b, ",%zu,%zu,%zu,%zu", row->lost, row->nurture,
		    row->disqualified, row->open);
	for (size_t i = 0; i < np; i++)
		csv_num(b, lq_funnel_rate(row->reached[pairs[i].to],
					  row->reached[pairs[i].from]));
	csv_num(b, lq_funnel_rate(row->won, row->entries));
	for (size_t k = 0; k + 1 < res->nstages; k++)
		csv_stat(b, &row->step[k], &left_out);
	csv_stat(b, &row->to_won, &left_out);
	lq_buf_addf(b, ",%zu\n", left_out);
}

static void print_csv(const lq_funnel_report *r, FILE *out)
{
	row_list rows = rows_to_print(r);
	lq_buf b = LQ_BUF_INIT;
	csv_header(r, &b);
	for (size_t i = 0; i < rows.n; i++)
		csv_row(&r->result, rows.v[i], &b);
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
	free(rows.v);
}

static void print_json(const lq_funnel_report *r, FILE *out)
{
	lq_buf b = LQ_BUF_INIT;
	lq_funnel_json(&b, r);
	fputs(lq_buf_str(&b), out);
	fputc('\n', out);
	lq_buf_free(&b);
}

int lq_cmd_funnel(lq_cli *cli, int argc, char **argv)
{
	funnel_args a = {{0}, LQ_FMT_TABLE};
	lq_funnel_report rep;
	lq_service *svc;
	lq_error err;
	int rc = parse_funnel_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_funnel(svc, &a.q, &rep, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		if (a.fmt == LQ_FMT_JSON)
			print_json(&rep, stdout);
		else if (a.fmt == LQ_FMT_CSV)
			print_csv(&rep, stdout);
		else
			print_tables(&rep, stdout);
		lq_funnel_report_free(&rep);
	}
	lq_service_close(svc);
	return rc;
}
