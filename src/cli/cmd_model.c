/*
 * cmd_model.c - `leadq model check|apply|show`: validate a model file and
 * print every problem at its line, make it the current model (rescoring
 * every lead), or print the current one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"

static const char model_help[] =
	"usage: leadq model check FILE\n"
	"       leadq model apply FILE\n"
	"       leadq model show [--format yaml|json]\n\n"
	"check   validate FILE; print every problem as FILE:LINE:COL: message\n"
	"        (exit 2), or a summary of the model when it is valid\n"
	"apply   store FILE as a new model version and rescore every lead, in\n"
	"        one transaction (a model with errors changes nothing)\n"
	"show    print the current model and its version\n";

static size_t count_rules(const lq_rule *r, size_t n, int disq, int negative)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += disq ? r[i].disqualify != 0
			  : negative ? (!r[i].disqualify && r[i].points < 0) : 1;
	return k;
}

static void print_summary(const char *file, const lq_model *m)
{
	char sla[32];
	printf("%s: ok, model '%s'\n", file, m->name ? m->name : "");
	printf("  lists:       %zu\n", m->nlists);
	printf("  fit:         %zu rules (%zu undesirable, %zu disqualifier)\n",
	       m->nfit, count_rules(m->fit, m->nfit, 0, 1),
	       count_rules(m->fit, m->nfit, 1, 0));
	printf("  channel:     %zu rules\n", m->nchannel);
	printf("  engagement:  %zu actions\n", m->nactions);
	printf("  grades:      A >= %d, B >= %d, C >= %d, D >= %d, else F\n",
	       m->grades[0].min, m->grades[1].min, m->grades[2].min,
	       m->grades[3].min);
	printf("  mql:         %s\n", m->mql ? lq_expr_text(m->mql) : "(none)");
	printf("  hand_raiser: %s\n",
	       m->hand_raiser ? lq_expr_text(m->hand_raiser) : "(none)");
	lq_dur_format(m->sal_sla, sla, sizeof sla);
	printf("  sal_sla:     %s\n", m->sal_sla ? sla : "(none)");
	printf("  routing:     %zu rules, round robin over %zu reps\n", m->nroutes,
	       m->nround_robin);
	printf("  on_recycle:  %s\n", m->on_recycle_reset ? "reset_engagement"
							 : "keep_engagement");
	printf("  webhooks:    %zu\n", m->nwebhooks);
}

static int read_whole_file(const char *path, lq_buf *out, lq_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	if (!f)
		return lq_error_at(err, LQ_EINVAL, path, 0, 0,
				   "cannot open model file");
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		lq_buf_add(out, chunk, n);
		if (out->len > 4 * 1024 * 1024) {
			fclose(f);
			return lq_error_at(err, LQ_EINVAL, path, 0, 0,
					   "model file is larger than 4 MB");
		}
	}
	fclose(f);
	return 0;
}

static int model_check(const char *file)
{
	lq_model *m = NULL;
	lq_diags diags = {0};
	lq_error err;
	lq_error_clear(&err);
	if (lq_model_load_file(file, &m, &diags, &err)) {
		if (diags.n)
			lq_cli_print_diags(&diags);
		else
			lq_cli_fail(&err);
		lq_diags_free(&diags);
		return lq_error_is_user(err.code) || diags.n ? LQ_EXIT_USER
							    : LQ_EXIT_INTERNAL;
	}
	print_summary(file, m);
	lq_model_free(m);
	lq_diags_free(&diags);
	return 0;
}

static int model_apply(lq_cli *cli, const char *file)
{
	lq_service *svc;
	lq_buf text = LQ_BUF_INIT;
	lq_diags diags = {0};
	lq_apply_report rep;
	lq_error err;
	int rc;

	lq_error_clear(&err);
	if (read_whole_file(file, &text, &err)) {
		lq_buf_free(&text);
		return lq_cli_fail(&err);
	}
	if ((rc = lq_cli_open(cli, 0, &svc))) {
		lq_buf_free(&text);
		return rc;
	}
	rc = lq_service_model_apply(svc, lq_buf_str(&text), text.len, file,
				    &rep, &diags, &err);
	if (rc && diags.n) {
		lq_cli_print_diags(&diags);
		rc = LQ_EXIT_USER;
	} else if (rc) {
		rc = lq_cli_fail(&err);
	} else {
		printf("applied model '%s' as version %lld: %zu leads rescored, "
		       "%zu stage changes\n",
		       svc->model->name ? svc->model->name : "",
		       (long long)rep.version, rep.leads_rescored,
		       rep.stage_changes);
	}
	lq_diags_free(&diags);
	lq_buf_free(&text);
	lq_service_close(svc);
	return rc;
}

static int model_show(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	const char *format = "yaml";
	lq_service *svc;
	lq_model_row row;
	lq_error err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'h')
			return fputs(model_help, stdout), 0;
		else
			return lq_cli_usage("model show", "see leadq model --help");
	}
	if (strcmp(format, "yaml") && strcmp(format, "json"))
		return lq_cli_usage("model show", "unknown format '%s' (use yaml or json)",
				    format);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	memset(&row, 0, sizeof row);
	rc = lq_service_model_shown(svc, &row, &err);
	if (rc == LQ_ENOTFOUND) {
		rc = lq_cli_usage("model show", "no model applied yet (leadq model apply FILE)");
	} else if (rc) {
		rc = lq_cli_fail(&err);
	} else {
		char at[LQ_TIME_STRLEN];
		lq_time_format(row.applied_at, at);
		if (strcmp(format, "json") == 0) {
			lq_buf b = LQ_BUF_INIT;
			lq_buf_addf(&b, "{\"version\":%lld,\"name\":", (long long)row.version);
			lq_buf_add_json_str(&b, row.name ? row.name : "");
			lq_buf_addf(&b, ",\"applied_at\":\"%s\",\"text\":", at);
			lq_buf_add_json_str(&b, row.text);
			lq_buf_adds(&b, "}\n");
			fputs(lq_buf_str(&b), stdout);
			lq_buf_free(&b);
		} else {
			printf("# model version %lld, applied %s\n%s", (long long)row.version,
			       at, row.text);
		}
		lq_model_row_free(&row);
	}
	lq_service_close(svc);
	return rc;
}

int lq_cmd_model(lq_cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(model_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? LQ_EXIT_USER : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "show") == 0)
		return model_show(cli, argc - 1, argv + 1);
	if (strcmp(sub, "check") && strcmp(sub, "apply"))
		return lq_cli_usage("model", "unknown subcommand '%s' (check, apply, show)", sub);
	if (argc != 3 || argv[2][0] == '-') {
		if (argc == 3 && strcmp(argv[2], "--help") == 0)
			return fputs(model_help, stdout), 0;
		return lq_cli_usage("model", "%s needs exactly one FILE", sub);
	}
	return strcmp(sub, "check") == 0 ? model_check(argv[2])
					 : model_apply(cli, argv[2]);
}
