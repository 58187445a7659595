/*
 * cmd_leads.c - reading leads: `leadq leads` (filtered, sorted listing),
 * `leadq show LEAD` (everything) and `leadq explain LEAD` (every point).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"

static const char leads_help[] =
	"usage: leadq leads [--stage S] [--grade G] [--source SRC]\n"
	"                   [--sort score|engagement|fit|updated] [--limit N]\n"
	"                   [--format table|json|csv]\n\n"
	"List leads with their grade and points evaluated now (see --now),\n"
	"best first. --limit 0 lists every lead (default 50).\n";

static int parse_sort(const char *s, lq_lead_sort *out)
{
	if (lq_lead_sort_parse(s, out) == 0)
		return 0;
	return lq_cli_usage("leads", "unknown sort '%s' (use score, engagement, fit or updated)", s);
}

static int parse_limit(const char *s, size_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*s == '\0' || *end || v < 0)
		return lq_cli_usage("leads", "--limit needs a whole number >= 0, not '%s'", s);
	*out = (size_t)v;
	return 0;
}

static int parse_grade(const char *s, char *out)
{
	char g = (char)toupper((unsigned char)s[0]);
	if (s[0] == '\0' || s[1] != '\0' || !strchr("ABCDF", g))
		return lq_cli_usage("leads", "unknown grade '%s' (use A, B, C, D or F)", s);
	*out = g;
	return 0;
}

static int parse_leads_args(int argc, char **argv, lq_lead_query *q,
			    lq_format *fmt)
{
	static const struct option opts[] = {
		{"stage", required_argument, 0, 's'},
		{"grade", required_argument, 0, 'g'},
		{"source", required_argument, 0, 'S'},
		{"sort", required_argument, 0, 'o'},
		{"limit", required_argument, 0, 'n'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	int c;
	while ((c = getopt_long(argc, argv, "s:g:S:o:n:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			q->filter.stage = lq_stage_parse(optarg);
			if (q->filter.stage == LQ_STAGE_NONE)
				return lq_cli_usage("leads", "unknown stage '%s' (stages: %s)",
						    optarg, lq_stage_all_names());
			break;
		case 'g':
			if (parse_grade(optarg, &q->filter.grade))
				return LQ_EXIT_USER;
			break;
		case 'S': q->filter.source = optarg; break;
		case 'o':
			if (parse_sort(optarg, &q->sort))
				return LQ_EXIT_USER;
			break;
		case 'n':
			if (parse_limit(optarg, &q->limit))
				return LQ_EXIT_USER;
			break;
		case 'f':
			if (lq_cli_format("leads", optarg, 1, fmt))
				return LQ_EXIT_USER;
			break;
		case 'h': fputs(leads_help, stdout); return -1;
		default: return lq_cli_usage("leads", "see leadq leads --help");
		}
	}
	if (optind < argc)
		return lq_cli_usage("leads", "unexpected argument '%s'", argv[optind]);
	return 0;
}

int lq_cmd_leads(lq_cli *cli, int argc, char **argv)
{
	lq_lead_query q = {.filter = {.stage = LQ_STAGE_NONE}, .limit = 50};
	lq_format fmt = LQ_FMT_TABLE;
	lq_lead_list list;
	lq_service *svc;
	lq_error err;
	int rc = parse_leads_args(argc, argv, &q, &fmt);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_leads(svc, &q, &list, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		lq_render_lead_list(&list, fmt, stdout);
		lq_lead_list_free(&list);
	}
	lq_service_close(svc);
	return rc;
}

/* show and explain share everything but the amount printed. */
static int lead_detail_cmd(lq_cli *cli, int argc, char **argv, int full)
{
	static const struct option opts[] = {
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	const char *name = full ? "show" : "explain";
	lq_format fmt = LQ_FMT_TABLE;
	lq_lead_detail d;
	lq_service *svc;
	lq_error err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f' && lq_cli_format(name, optarg, 0, &fmt))
			return LQ_EXIT_USER;
		if (c == 'h') {
			printf("usage: leadq %s LEAD [--format table|json]\n\n%s\n"
			       "LEAD is an email, an external id or a lead number.\n",
			       name, full ? "Profile, account, score with its explanation, "
					    "stage history and recent events."
					  : "Every rule that gave the lead points now, with "
					    "the events behind them.");
			return 0;
		}
		if (c != 'f')
			return lq_cli_usage(name, "see leadq %s --help", name);
	}
	if (optind + 1 != argc)
		return lq_cli_usage(name, "needs exactly one LEAD (email, external id or number)");
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_lead_detail(svc, argv[optind], &d, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		lq_render_lead_detail(&d, fmt, full, stdout);
		lq_lead_detail_free(&d);
	}
	lq_service_close(svc);
	return rc;
}

int lq_cmd_show(lq_cli *cli, int argc, char **argv)
{
	return lead_detail_cmd(cli, argc, argv, 1);
}

int lq_cmd_explain(lq_cli *cli, int argc, char **argv)
{
	return lead_detail_cmd(cli, argc, argv, 0);
}
