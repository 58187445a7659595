/*
 * cmd_predict.c - `leadq score-predict` (every lead's probability by the
 * newest learned model, stored beside its rules score, and the best ones
 * listed) and `leadq predict LEAD` (one lead's probability explained by
 * its top contributing features). Parses options and prints.
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

static const char score_predict_help[] =
	"usage: leadq score-predict [--limit N] [--format table|json|csv]\n\n"
	"Compute every lead's probability of the outcome with the newest learned\n"
	"model (see leadq learn), features as of the lead's entry into the\n"
	"funnel (now for leads that have not entered), and store it beside the\n"
	"rules score. Lists the --limit (10) most likely leads; 0 lists all.\n";

static const char predict_help[] =
	"usage: leadq predict LEAD [--top N] [--format table|json]\n\n"
	"One lead's probability of the outcome by the newest learned model and\n"
	"the --top (10) features that moved it most, in log-odds.\n"
	"LEAD is an email, an external id or a lead number.\n";

static int parse_n(const char *cmd, const char *opt, const char *s,
		   size_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 0 || v > 100000000)
		return lq_cli_usage(cmd, "%s needs a whole number >= 0, not '%s'",
				    opt, s);
	*out = (size_t)v;
	return 0;
}

/* ---- score-predict ------------------------------------------------------- */

static void rows_json(const lq_predict_report *r, size_t n, FILE *out)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_addf(&b, "{\"learned_version\":%lld,\"outcome\":",
		    (long long)r->learned_version);
	lq_buf_add_json_str(&b, r->outcome);
	lq_buf_addf(&b, ",\"leads\":%zu,\"mean\":%.6f,\"rows\":[", r->n, r->mean);
	for (size_t i = 0; i < n; i++) {
		const lq_prediction_row *p = &r->rows[i];
		lq_buf_addf(&b, "%s{\"id\":%lld,\"lead\":", i ? "," : "",
			    (long long)p->lead_id);
		if (p->key)
			lq_buf_add_json_str(&b, p->key);
		else
			lq_buf_adds(&b, "null");
		lq_buf_addf(&b, ",\"stage\":\"%s\",\"probability\":%.6f,"
			    "\"score\":", lq_stage_name(p->stage), p->probability);
		if (p->scored)
			lq_buf_addf(&b, "%.2f,\"grade\":\"%c\"}", p->score, p->grade);
		else
			lq_buf_adds(&b, "null,\"grade\":null}");
	}
	lq_buf_adds(&b, "]}\n");
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

static void rows_table(const lq_predict_report *r, size_t n, lq_format fmt,
		       FILE *out)
{
	static const char *const hdr[] = {">id", "lead", "stage",
		">probability", ">rules score", "grade"};
	lq_table *t = lq_table_new(6, hdr);
	for (size_t i = 0; i < n; i++) {
		const lq_prediction_row *p = &r->rows[i];
		char id[24], prob[24], score[24], grade[4] = "";
		snprintf(id, sizeof id, "%lld", (long long)p->lead_id);
		snprintf(prob, sizeof prob, "%.4f", p->probability);
		snprintf(score, sizeof score, "%.1f", p->score);
		if (p->scored)
			grade[0] = p->grade;
		const char *cells[] = {id, p->key, lq_stage_name(p->stage), prob,
				       p->scored ? score : "", grade};
		lq_table_row(t, cells);
	}
	if (fmt == LQ_FMT_CSV) {
		lq_table_print_csv(t, out);
	} else {
		char mean[16];
		lq_learn_pct(r->mean, mean, sizeof mean);
		fprintf(out, "scored %zu leads with learned model v%lld (outcome "
			"%s, cross-validated AUC %.3f): mean probability %s\n",
			r->n, (long long)r->learned_version, r->outcome, r->auc,
			mean);
		if (n)
			fputc('\n', out);
		lq_table_print(t, out);
	}
	lq_table_free(t);
}

int lq_cmd_score_predict(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"limit", required_argument, 0, 'n'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	lq_format fmt = LQ_FMT_TABLE;
	size_t limit = 10;
	lq_predict_report r;
	lq_service *svc;
	lq_error err;
	int c, rc;
	while ((c = getopt_long(argc, argv, "n:f:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(score_predict_help, stdout);
			return 0;
		}
		if (c == 'n' && parse_n("score-predict", "--limit", optarg, &limit))
			return LQ_EXIT_USER;
		if (c == 'f' && lq_cli_format("score-predict", optarg, 1, &fmt))
			return LQ_EXIT_USER;
		if (c != 'n' && c != 'f')
			return lq_cli_usage("score-predict", "see leadq score-predict --help");
	}
	if (optind < argc)
		return lq_cli_usage("score-predict", "unexpected argument '%s'",
				    argv[optind]);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_score_predict(svc, &r, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		size_t n = limit && limit < r.n ? limit : r.n;
		if (fmt == LQ_FMT_JSON)
			rows_json(&r, n, stdout);
		else
			rows_table(&r, n, fmt, stdout);
		lq_predict_report_free(&r);
	}
	lq_service_close(svc);
	return rc;
}

/* ---- predict ---------------------------------------------------------------- */

static void detail_json(const lq_predict_detail *d, size_t top, FILE *out)
{
	lq_buf b = LQ_BUF_INIT;
	char at[LQ_TIME_STRLEN];
	lq_time_format(d->as_of, at);
	lq_buf_addf(&b, "{\"id\":%lld,\"learned_version\":%lld,\"outcome\":",
		    (long long)d->lead.id, (long long)d->model.version);
	lq_buf_add_json_str(&b, d->model.outcome);
	lq_buf_addf(&b, ",\"probability\":%.6f,\"as_of\":\"%s\",\"entered\":%s,"
		    "\"bias\":%.6f,\"stored\":", d->probability, at,
		    d->entered ? "true" : "false", d->model.res.bias);
	if (d->stored)
		lq_buf_addf(&b, "%.6f", d->saved.probability);
	else
		lq_buf_adds(&b, "null");
	lq_buf_adds(&b, ",\"contributions\":[");
	for (size_t i = 0; i < d->ncontrib && i < top; i++) {
		const lq_contribution *c = &d->contrib[i];
		lq_buf_adds(&b, i ? ",{\"feature\":" : "{\"feature\":");
		lq_buf_add_json_str(&b, d->model.fs.items[c->feature].label);
		lq_buf_addf(&b, ",\"value\":%.6f,\"effect\":%.6f}", c->value,
			    c->effect);
	}
	lq_buf_adds(&b, "]}\n");
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

static void detail_table(const lq_predict_detail *d, size_t top, FILE *out)
{
	char at[LQ_TIME_STRLEN], p[16], base[16];
	const char *who = d->lead.email ? d->lead.email : d->lead.external_id;
	lq_time_format(d->as_of, at);
	lq_learn_pct(d->probability, p, sizeof p);
	lq_learn_pct(d->model.res.base_rate, base, sizeof base);
	fprintf(out, "lead %lld (%s), stage %s\n", (long long)d->lead.id,
		who ? who : "-", lq_stage_name(d->lead.stage));
	fprintf(out, "probability of %s: %s (learned model v%lld; %s of the "
		"training leads reached it)\n", d->model.outcome, p,
		(long long)d->model.version, base);
	fprintf(out, "  features as of %s (%s)\n", at,
		d->entered ? "entry into the funnel" : "now: not entered yet");
	if (d->stored) {
		char sp[16], sat[LQ_TIME_STRLEN];
		lq_learn_pct(d->saved.probability, sp, sizeof sp);
		lq_time_format(d->saved.scored_at, sat);
		fprintf(out, "  stored prediction %s at %s (v%lld)\n", sp, sat,
			(long long)d->saved.learned_version);
	}
	if (d->scored)
		fprintf(out, "  rules score %.1f, grade %c\n", d->score, d->grade);
	fputs("top contributing features (log-odds; + raises, - lowers):\n", out);
	for (size_t i = 0; i < d->ncontrib && i < top; i++) {
		const lq_contribution *c = &d->contrib[i];
		fprintf(out, "  %+7.3f  %s\n", c->effect,
			d->model.fs.items[c->feature].label);
	}
	fprintf(out, "  %+7.3f  baseline (bias)\n", d->model.res.bias);
}

int lq_cmd_predict(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"top", required_argument, 0, 't'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	lq_format fmt = LQ_FMT_TABLE;
	size_t top = 10;
	lq_predict_detail d;
	lq_service *svc;
	lq_error err;
	int c, rc;
	while ((c = getopt_long(argc, argv, "t:f:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(predict_help, stdout);
			return 0;
		}
		if (c == 't' && parse_n("predict", "--top", optarg, &top))
			return LQ_EXIT_USER;
		if (c == 'f' && lq_cli_format("predict", optarg, 0, &fmt))
			return LQ_EXIT_USER;
		if (c != 't' && c != 'f')
			return lq_cli_usage("predict", "see leadq predict --help");
	}
	if (optind + 1 != argc)
		return lq_cli_usage("predict", "needs exactly one LEAD (email, "
				    "external id or number)");
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_predict(svc, argv[optind], &d, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		if (fmt == LQ_FMT_JSON)
			detail_json(&d, top, stdout);
		else
			detail_table(&d, top, stdout);
		lq_predict_detail_free(&d);
	}
	lq_service_close(svc);
	return rc;
}
