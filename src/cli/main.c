/*
 * main.c - the leadq command: global options (--db, --now), then a table
 * of subcommands, git-style. The only place that reads the clock.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "io/json_arena.h"
#include "io/signature.h"
#include "io/webhook_post.h"

static const lq_cmd commands[] = {
	{"init", lq_cmd_init, "create the database"},
	{"model", lq_cmd_model, "check, apply or show the scoring model"},
	{"import", lq_cmd_import, "import leads, events or historic stages"},
	{"leads", lq_cmd_leads, "list leads with their scores"},
	{"show", lq_cmd_show, "everything about one lead"},
	{"explain", lq_cmd_explain, "why a lead has its score"},
	{"forget", lq_cmd_forget, "erase a lead's personal data (right to be forgotten)"},
	{"queue", lq_cmd_queue, "MQLs awaiting sales, best first, with SLA time left"},
	{"accept", lq_cmd_action, "sales accepts an MQL (mql -> sal)"},
	{"reject", lq_cmd_action, "sales rejects a lead (-> nurture or disqualified)"},
	{"qualify", lq_cmd_action, "record BANT answers (sal -> sql when complete)"},
	{"opportunity", lq_cmd_action, "record the SQO checklist (sql -> sqo)"},
	{"won", lq_cmd_action, "the deal is won (sqo -> won)"},
	{"lost", lq_cmd_action, "the deal is lost"},
	{"note", lq_cmd_action, "add a note to a lead's current cycle"},
	{"task", lq_cmd_task, "add a follow-up task, or mark one done"},
	{"tasks", lq_cmd_tasks, "open follow-up tasks"},
	{"sla", lq_cmd_sla, "overdue MQLs and tasks"},
	{"webhook", lq_cmd_webhook, "add, list or remove alert webhooks"},
	{"outbox", lq_cmd_outbox, "alerts waiting for delivery; retry a dead one"},
	{"deliver", lq_cmd_deliver, "one alert delivery pass (for cron)"},
	{"serve", lq_cmd_serve, "serve the HTTP API, tracking API and dashboard"},
	{"funnel", lq_cmd_funnel, "conversion and time between stages, by cohort and group"},
	{"key", lq_cmd_key, "create, list or revoke API keys"},
	{"backtest", lq_cmd_backtest, "replay history under a model: weekly MQLs, precision, recall"},
	{"insights", lq_cmd_insights, "which attribute values leads with an outcome share"},
	{"learn", lq_cmd_learn, "fit a model on history; write a draft scoring model"},
	{"score-predict", lq_cmd_score_predict, "store every lead's learned probability"},
	{"predict", lq_cmd_predict, "one lead's learned probability, explained"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
	fputs("usage: leadq [--db PATH] [--now TIME] COMMAND [ARGS]\n\n"
	      "Lead qualification: score leads on fit and engagement, move them\n"
	      "through the lifecycle, explain every point.\n\ncommands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\nglobal options:\n"
	      "  --db PATH    database file (default $LEADQ_DB or ./leadq.db)\n"
	      "  --now TIME   run as if the clock said TIME, ISO 8601\n"
	      "               (default $LEADQ_NOW or the system clock)\n"
	      "  --help       this text; `leadq COMMAND --help` for a command\n"
	      "  --version    print the version\n", out);
}

static lq_time clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (lq_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_now(lq_cli *cli, const char *s, const char *from)
{
	lq_error err;
	lq_error_clear(&err);
	if (lq_time_parse_iso(s, &cli->now, &err) == 0) {
		cli->now_fixed = 1;
		return 0;
	}
	lq_error_prefix(&err, "%s", from);
	return lq_cli_fail(&err);
}

/* Take the global options out of argv (they may stand anywhere before
 * "--"), leaving the command and its own arguments. */
static int take_global_options(lq_cli *cli, int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *val = NULL;
		int is_db = strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '=');
		int is_now = strncmp(a, "--now", 5) == 0 && (a[5] == '\0' || a[5] == '=');
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!is_db && !is_now) {
			argv[out++] = argv[i];
			continue;
		}
		val = strchr(a, '=');
		if (val)
			val++;
		else if (i + 1 < *argc)
			val = argv[++i];
		else
			return lq_cli_usage(NULL, "%s needs a value", a);
		if (is_db)
			cli->db = val;
		else if (set_now(cli, val, "--now"))
			return LQ_EXIT_USER;
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

/* Libraries with process-wide state are set up once, here. */
static int run_command(const lq_cmd *cmd, lq_cli *cli, int argc, char **argv)
{
	if (lq_crypto_init()) {
		fputs("leadq: libsodium could not be initialised\n", stderr);
		return LQ_EXIT_INTERNAL;
	}
	lq_webhook_global_init();
	optind = 1;
	int rc = cmd->fn(cli, argc, argv);
	lq_webhook_global_cleanup();
	return rc;
}

int main(int argc, char **argv)
{
	lq_cli cli = {.db = getenv("LEADQ_DB"), .prog = "leadq"};
	const char *env_now = getenv("LEADQ_NOW");

	lq_json_arena_install();   /* before any thread: cJSON's hooks */
	if (!cli.db || !*cli.db)
		cli.db = "leadq.db";
	cli.now = clock_now();
	if (env_now && *env_now && set_now(&cli, env_now, "LEADQ_NOW"))
		return LQ_EXIT_USER;
	if (take_global_options(&cli, &argc, argv))
		return LQ_EXIT_USER;
	if (argc < 2) {
		usage(stderr);
		return LQ_EXIT_USER;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("leadq 0.1.0");
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return run_command(&commands[i], &cli, argc - 1, argv + 1);
	}
	return lq_cli_usage(NULL, "unknown command '%s' (see leadq --help)",
			    argv[1]);
}
