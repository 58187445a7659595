/*
 * cmd_learn.c - `leadq insights` (which attribute values leads with an
 * outcome share, with lift and Wilson intervals) and `leadq learn` (a
 * cross-validated logistic regression, stored, and a draft scoring model
 * written to a file). Parses options and prints; the work is in
 * service/learn.c.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_learn.h"
#include "cli/table.h"
#include "core/buf.h"

static const char insights_help[] =
	"usage: leadq insights [--outcome won|sqo|sql|sal|attr.NAME]\n"
	"                      [--min-support N] [--bins N] [--as-of DATE]\n"
	"                      [--fields LIST] [--exclude LIST] [--no-leak-check]\n"
	"                      [--limit N] [--format table|json|csv]\n\n"
	"For every attribute value (categorical values, numbers in quantile bins,\n"
	"missing values, event counts per type before the lead entered the\n"
	"funnel): its share among leads with the outcome and among the others,\n"
	"the lift (ratio of the shares) and 95% Wilson intervals, highest lift\n"
	"first. Values held by fewer than --min-support leads (30) are left out.\n"
	"Attributes that exist for one outcome class only (recorded with the\n"
	"outcome) are left out unless --no-leak-check. LIST: attribute names\n"
	"separated by commas (source, account.employees, attr.plan; event\n"
	"features are events.TYPE and recent.TYPE); a name ending in '*' is a\n"
	"prefix (attr.*). --as-of DATE looks at the leads and stage history as\n"
	"they were before DATE. --limit 0: all.\n";

static const char learn_help[] =
	"usage: leadq learn [--outcome won|sqo|sql|sal|attr.NAME] [--as-of DATE]\n"
	"                   [--folds 5] [--l1|--l2] [--c 1.0] [--seed 1]\n"
	"                   [--min-support N] [--bins N] [--fields LIST]\n"
	"                   [--exclude LIST] [--no-leak-check] [--dry-run]\n"
	"                   [--out FILE] [--format table|json]\n\n"
	"Fit a logistic regression (liblinear; L2 by default) on every lead's\n"
	"attributes and engagement as of its entry into the funnel (its first\n"
	"mql or later stage, else created_at; events after it never count),\n"
	"with k-fold cross-validation: AUC per fold, log-loss, lift by decile.\n"
	"--as-of DATE learns as if it were DATE: leads created or entered\n"
	"before it, stage history and outcomes before it. --fields, --exclude:\n"
	"see leadq insights --help.\n"
	"The model is stored as a new learned-model version (not with\n"
	"--dry-run) for score-predict and predict; --out writes a draft scoring\n"
	"model whose points are the scaled coefficients.\n";

/* ---- shared options -------------------------------------------------------- */

void lq_learn_args_free(lq_learn_args *a)
{
	free(a->fields_buf);
	free(a->exclude_buf);
	free(a->fields);
	free(a->exclude);
}

/* Split a comma list into a copy (buf) and pointers into it. */
static const char **split_list(const char *s, char **buf, size_t *n)
{
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	free(*buf);
	*buf = lq_xstrdup(s);
	const char **v = lq_xcalloc(cap + 1, sizeof *v);
	*n = 0;
	for (char *p = *buf, *next; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (*p)
			v[(*n)++] = p;
	}
	return v;
}

static int parse_count(const char *cmd, const char *opt, const char *s,
		       size_t max, size_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 0 || (size_t)v > max)
		return lq_cli_usage(cmd, "%s needs a whole number 0 to %zu, not '%s'",
				    opt, max, s);
	*out = (size_t)v;
	return 0;
}

int lq_learn_arg(const char *cmd, int c, const char *arg, lq_learn_args *a)
{
	lq_error err;
	size_t n = 0;   /* set by parse_count; gcc -O3 cannot see it */
	switch (c) {
	case 'o': a->q.outcome = arg; return 0;
	case 'm': return parse_count(cmd, "--min-support", arg, 100000000,
				     &a->q.min_support);
	case 'b':
		if (parse_count(cmd, "--bins", arg, 20, &n))
			return LQ_EXIT_USER;
		a->q.bins = (int)n;
		return 0;
	case 'F':
		free(a->fields);
		a->fields = split_list(arg, &a->fields_buf, &a->q.nfields);
		a->q.fields = a->fields;
		return 0;
	case 'X':
		free(a->exclude);
		a->exclude = split_list(arg, &a->exclude_buf, &a->q.nexclude);
		a->q.exclude = a->exclude;
		return 0;
	case 'K': a->q.no_leak_check = 1; return 0;
	case 'A':
		lq_error_clear(&err);
		if (lq_time_parse_iso(arg, &a->q.as_of, &err)) {
			lq_error_prefix(&err, "--as-of");
			return lq_cli_fail(&err);
		}
		return 0;
	}
	return lq_cli_usage(cmd, "see leadq %s --help", cmd);
}

/* ---- output helpers ----------------------------------------------------------- */

void lq_learn_pct(double x, char *out, size_t outsz)
{
	if (!isfinite(x))
		snprintf(out, outsz, "-");
	else if (x > 0 && x < 0.1)
		snprintf(out, outsz, "%.1f%%", 100 * x);
	else
		snprintf(out, outsz, "%.0f%%", 100 * x);
}

static void lift_text(double lift, char *out, size_t outsz)
{
	if (isinf(lift))
		snprintf(out, outsz, "inf");
	else
		snprintf(out, outsz, "%.2f", lift);
}

void lq_learn_print_scope(const lq_learn_scope *s, FILE *out)
{
	if (s->not_entered || s->unlabelled)
		fprintf(out, "  left out: %zu leads not in the funnel by then, "
			"%zu without a 0/1 outcome\n", s->not_entered,
			s->unlabelled);
	if (s->events || s->events_after)
		fprintf(out, "  events: %zu at or before entry used, %zu after "
			"entry ignored\n", s->events, s->events_after);
	for (size_t i = 0; i < s->nleaky; i++)
		fprintf(out, "%s%s%s", i ? ", " : "  left out, present for one "
			"outcome only (recorded with it?): ", s->leaky[i],
			i + 1 == s->nleaky ? "\n" : "");
}

/* ---- insights ------------------------------------------------------------- */

static void sentence(const lq_insight *it, const char *outcome, FILE *out)
{
	char a[16], b[16], l[16];
	lq_learn_pct(it->share_pos, a, sizeof a);
	lq_learn_pct(it->share_neg, b, sizeof b);
	lift_text(it->lift, l, sizeof l);
	fprintf(out, "  %s: %s of %s vs %s of others, lift %s\n",
		it->feature->label, a, outcome, b, l);
}

static void insights_table(const lq_insights_report *r, size_t limit,
			   FILE *out)
{
	const lq_insights *in = &r->insights;
	char of[160], rate_h[160];
	size_t n = limit && limit < in->n ? limit : in->n, shown = 0;
	snprintf(of, sizeof of, ">of %s", r->outcome);
	snprintf(rate_h, sizeof rate_h, ">%s rate", r->outcome);
	const char *const hdr[] = {"feature", of, ">of others", ">lift", rate_h,
				   ">95% CI", ">leads"};
	fprintf(out, "insights for %s: %zu of %zu leads (", r->outcome, in->npos,
		in->npos + in->nneg);
	fprintf(out, "%.1f%%) reached it\n", 100.0 * (double)in->npos /
		(double)(in->npos + in->nneg));
	lq_learn_print_scope(&r->scope, out);
	fputs("\nmost over-represented among them:\n", out);
	for (size_t i = 0; i < in->n && shown < 5 && in->items[i].lift > 1; i++, shown++)
		sentence(&in->items[i], r->outcome, out);
	fputs("most under-represented:\n", out);
	for (size_t i = in->n, k = 0; i > 0 && k < 5 && in->items[i - 1].lift < 1; i--, k++)
		sentence(&in->items[i - 1], r->outcome, out);
	fputc('\n', out);
	lq_table *t = lq_table_new(7, hdr);
	for (size_t i = 0; i < n; i++) {
		const lq_insight *it = &in->items[i];
		char a[16], b[16], l[16], rate[16], lo[16], hi[16], ci[40], cnt[24];
		lq_learn_pct(it->share_pos, a, sizeof a);
		lq_learn_pct(it->share_neg, b, sizeof b);
		lift_text(it->lift, l, sizeof l);
		lq_learn_pct(it->rate, rate, sizeof rate);
		lq_learn_pct(it->rate_lo, lo, sizeof lo);
		lq_learn_pct(it->rate_hi, hi, sizeof hi);
		snprintf(ci, sizeof ci, "%s-%s", lo, hi);
		snprintf(cnt, sizeof cnt, "%zu", it->pos_with + it->neg_with);
		const char *cells[] = {it->feature->label, a, b, l, rate, ci, cnt};
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	lq_table_free(t);
}

static void insights_csv(const lq_insights_report *r, size_t limit, FILE *out)
{
	const lq_insights *in = &r->insights;
	size_t n = limit && limit < in->n ? limit : in->n;
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "feature,attr,kind,pos_with,pos_total,neg_with,neg_total,"
		    "share_pos,share_neg,lift,pos_lo,pos_hi,neg_lo,neg_hi,rate,"
		    "rate_lo,rate_hi\n");
	for (size_t i = 0; i < n; i++) {
		const lq_insight *it = &in->items[i];
		lq_buf_add_csv_cell(&b, it->feature->label);
		lq_buf_addc(&b, ',');
		lq_buf_add_csv_cell(&b, it->feature->attr);
		lq_buf_addf(&b, ",%s,%zu,%zu,%zu,%zu,%.6f,%.6f,",
			    lq_feat_kind_name(it->feature->kind), it->pos_with,
			    in->npos, it->neg_with, in->nneg, it->share_pos,
			    it->share_neg);
		if (isinf(it->lift))
			lq_buf_adds(&b, "inf");
		else
			lq_buf_addf(&b, "%.6f", it->lift);
		lq_buf_addf(&b, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n",
			    it->pos_lo, it->pos_hi, it->neg_lo, it->neg_hi,
			    it->rate, it->rate_lo, it->rate_hi);
	}
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

static void insights_json(const lq_insights_report *r, size_t limit,
			  FILE *out)
{
	const lq_insights *in = &r->insights;
	size_t n = limit && limit < in->n ? limit : in->n;
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "{\"outcome\":");
	lq_buf_add_json_str(&b, r->outcome);
	lq_buf_addf(&b, ",\"positives\":%zu,\"negatives\":%zu,\"left_out\":[",
		    in->npos, in->nneg);
	for (size_t i = 0; i < r->scope.nleaky; i++) {
		if (i)
			lq_buf_addc(&b, ',');
		lq_buf_add_json_str(&b, r->scope.leaky[i]);
	}
	lq_buf_adds(&b, "],\"items\":[");
	for (size_t i = 0; i < n; i++) {
		const lq_insight *it = &in->items[i];
		lq_buf_adds(&b, i ? ",{\"feature\":" : "{\"feature\":");
		lq_buf_add_json_str(&b, it->feature->label);
		lq_buf_adds(&b, ",\"attr\":");
		lq_buf_add_json_str(&b, it->feature->attr);
		lq_buf_addf(&b, ",\"kind\":\"%s\",\"pos_with\":%zu,\"neg_with\":%zu,"
			    "\"share_pos\":%.6f,\"share_neg\":%.6f,\"lift\":",
			    lq_feat_kind_name(it->feature->kind), it->pos_with,
			    it->neg_with, it->share_pos, it->share_neg);
		if (isinf(it->lift))
			lq_buf_adds(&b, "null");
		else
			lq_buf_addf(&b, "%.6f", it->lift);
		lq_buf_addf(&b, ",\"share_pos_ci\":[%.6f,%.6f],\"share_neg_ci\":"
			    "[%.6f,%.6f],\"rate\":%.6f,\"rate_ci\":[%.6f,%.6f]}",
			    it->pos_lo, it->pos_hi, it->neg_lo, it->neg_hi,
			    it->rate, it->rate_lo, it->rate_hi);
	}
	lq_buf_adds(&b, "]}\n");
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

#define LEARN_QUERY_OPTIONS \
	{"outcome", required_argument, 0, 'o'}, \
	{"min-support", required_argument, 0, 'm'}, \
	{"bins", required_argument, 0, 'b'}, \
	{"fields", required_argument, 0, 'F'}, \
	{"exclude", required_argument, 0, 'X'}, \
	{"no-leak-check", no_argument, 0, 'K'}, \
	{"as-of", required_argument, 0, 'A'}

int lq_cmd_insights(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		LEARN_QUERY_OPTIONS,
		{"limit", required_argument, 0, 'n'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	lq_learn_args a = {0};
	lq_format fmt = LQ_FMT_TABLE;
	size_t limit = 0;
	lq_insights_report r;
	lq_service *svc;
	lq_error err;
	int c, rc = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(insights_help, stdout);
			lq_learn_args_free(&a);
			return 0;
		}
		if (c == 'n')
			rc = parse_count("insights", "--limit", optarg, 100000000, &limit);
		else if (c == 'f')
			rc = lq_cli_format("insights", optarg, 1, &fmt) ? LQ_EXIT_USER : 0;
		else
			rc = lq_learn_arg("insights", c, optarg, &a);
	}
	if (rc == 0 && optind < argc)
		rc = lq_cli_usage("insights", "unexpected argument '%s'", argv[optind]);
	if (rc == 0 && (rc = lq_cli_open(cli, 0, &svc)) == 0) {
		lq_error_clear(&err);
		if (lq_service_insights(svc, &a.q, &r, &err)) {
			rc = lq_cli_fail(&err);
		} else {
			if (fmt == LQ_FMT_JSON)
				insights_json(&r, limit, stdout);
			else if (fmt == LQ_FMT_CSV)
				insights_csv(&r, limit, stdout);
			else
				insights_table(&r, limit, stdout);
			lq_insights_report_free(&r);
		}
		lq_service_close(svc);
	}
	lq_learn_args_free(&a);
	return rc;
}

/* ---- learn ---------------------------------------------------------------- */

typedef struct learn_cli {
	lq_learn_args a;
	lq_learn_opts o;
	const char *out;
	int dry_run;
	lq_format fmt;
} learn_cli;

static int parse_c(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v > 0) || v > 1e6)
		return lq_cli_usage("learn", "--c needs a number above 0 and at "
				    "most 1000000, not '%s'", s);
	*out = v;
	return 0;
}

static int learn_arg(int c, const char *arg, learn_cli *l)
{
	size_t n = 0;   /* set by parse_count; gcc -O3 cannot see it */
	switch (c) {
	case 'k':
		if (parse_count("learn", "--folds", arg, LQ_LEARN_MAX_FOLDS, &n))
			return LQ_EXIT_USER;
		if (n < 2)
			return lq_cli_usage("learn", "--folds needs 2 to %d",
					    LQ_LEARN_MAX_FOLDS);
		l->o.folds = (int)n;
		return 0;
	case '1': l->o.l1 = 1; return 0;
	case '2': l->o.l1 = 0; return 0;
	case 'C': return parse_c(arg, &l->o.c);
	case 's':
		if (parse_count("learn", "--seed", arg, 1000000000, &n))
			return LQ_EXIT_USER;
		l->o.seed = n;
		return 0;
	case 'w': l->out = arg; return 0;
	case 'd': l->dry_run = 1; return 0;
	case 'f': return lq_cli_format("learn", arg, 0, &l->fmt) ? LQ_EXIT_USER : 0;
	}
	return lq_learn_arg("learn", c, arg, &l->a);
}

static int parse_learn(int argc, char **argv, learn_cli *l)
{
	static const struct option opts[] = {
		LEARN_QUERY_OPTIONS,
		{"folds", required_argument, 0, 'k'},
		{"l1", no_argument, 0, '1'},
		{"l2", no_argument, 0, '2'},
		{"c", required_argument, 0, 'C'},
		{"seed", required_argument, 0, 's'},
		{"out", required_argument, 0, 'w'},
		{"dry-run", no_argument, 0, 'd'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	int c, rc;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(learn_help, stdout);
			return -1;
		}
		if ((rc = learn_arg(c, optarg, l)))
			return rc;
	}
	if (optind < argc)
		return lq_cli_usage("learn", "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int write_draft(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		if (f)
			fclose(f);
		fprintf(stderr, "leadq: cannot write draft model %s\n", path);
		return LQ_EXIT_USER;
	}
	return 0;
}

int lq_cmd_learn(lq_cli *cli, int argc, char **argv)
{
	learn_cli l = {.o = {.c = 1.0, .folds = 5, .seed = 1}};
	lq_learn_report r;
	lq_service *svc;
	lq_error err;
	int rc = parse_learn(argc, argv, &l);
	if (rc == 0 && (rc = lq_cli_open(cli, 0, &svc)) == 0) {
		lq_error_clear(&err);
		if (lq_service_learn(svc, &l.a.q, &l.o, l.dry_run, &r, &err)) {
			rc = lq_cli_fail(&err);
		} else {
			if (l.out)
				rc = write_draft(l.out, r.draft);
			lq_learn_print_report(&r, l.out, l.fmt, stdout);
			lq_learn_report_free(&r);
		}
		lq_service_close(svc);
	}
	lq_learn_args_free(&l.a);
	return rc < 0 ? 0 : rc;
}
