/*
 * cli.h - what the command-line front end's files share: the run context
 * (database path, clock), the command table entry type, and the helpers
 * that turn an lq_error into a message and an exit status.
 *
 * Exit status: 0 success, 1 internal error, 2 user error (bad input,
 * unknown lead, refused transition). Messages go to stderr once, as
 * "leadq: <problem>".
 */
#ifndef LQ_CLI_H
#define LQ_CLI_H

#include "core/error.h"
#include "core/time.h"
#include "service/service.h"

enum { LQ_EXIT_OK = 0, LQ_EXIT_INTERNAL = 1, LQ_EXIT_USER = 2 };

typedef struct lq_cli {
	const char *db;     /* --db, LEADQ_DB, or ./leadq.db */
	lq_time now;        /* --now, LEADQ_NOW, or the clock at start */
	int now_fixed;      /* 1 when --now or LEADQ_NOW gave it */
	const char *prog;   /* "leadq" */
} lq_cli;

typedef int (*lq_cmd_fn)(lq_cli *cli, int argc, char **argv);

typedef struct lq_cmd {
	const char *name;
	lq_cmd_fn fn;
	const char *summary;
} lq_cmd;

/* Print err as "leadq: file:line:col: message" and return its exit
 * status (2 for user errors, 1 otherwise). */
int lq_cli_fail(const lq_error *err);
/* Print a usage problem ("leadq leads: unknown format 'x'") and return 2. */
int lq_cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print every problem of a model as FILE:LINE:COL: message on stderr. */
struct lq_diags;
void lq_cli_print_diags(const struct lq_diags *d);
/* Open the service on cli->db (create when asked); prints the error. */
int lq_cli_open(lq_cli *cli, int create, lq_service **out);

/* Output formats of listings and records. */
typedef enum lq_format { LQ_FMT_TABLE, LQ_FMT_JSON, LQ_FMT_CSV } lq_format;
/* Parse "table|json|csv"; csv allowed only when allow_csv. -1 on error. */
int lq_cli_format(const char *cmd, const char *s, int allow_csv,
		  lq_format *out);

/* Commands (one file per family). */
int lq_cmd_init(lq_cli *cli, int argc, char **argv);
int lq_cmd_model(lq_cli *cli, int argc, char **argv);
int lq_cmd_import(lq_cli *cli, int argc, char **argv);
int lq_cmd_leads(lq_cli *cli, int argc, char **argv);
int lq_cmd_show(lq_cli *cli, int argc, char **argv);
int lq_cmd_explain(lq_cli *cli, int argc, char **argv);
int lq_cmd_forget(lq_cli *cli, int argc, char **argv);
/* accept, reject, qualify, opportunity, won, lost, note (argv[0] names it) */
int lq_cmd_action(lq_cli *cli, int argc, char **argv);
int lq_cmd_queue(lq_cli *cli, int argc, char **argv);
int lq_cmd_sla(lq_cli *cli, int argc, char **argv);
int lq_cmd_task(lq_cli *cli, int argc, char **argv);
int lq_cmd_tasks(lq_cli *cli, int argc, char **argv);
int lq_cmd_webhook(lq_cli *cli, int argc, char **argv);
int lq_cmd_outbox(lq_cli *cli, int argc, char **argv);
int lq_cmd_deliver(lq_cli *cli, int argc, char **argv);
int lq_cmd_serve(lq_cli *cli, int argc, char **argv);
int lq_cmd_funnel(lq_cli *cli, int argc, char **argv);
int lq_cmd_key(lq_cli *cli, int argc, char **argv);
int lq_cmd_backtest(lq_cli *cli, int argc, char **argv);
/* learning: insights, learn, score-predict, predict */
int lq_cmd_insights(lq_cli *cli, int argc, char **argv);
int lq_cmd_learn(lq_cli *cli, int argc, char **argv);
int lq_cmd_score_predict(lq_cli *cli, int argc, char **argv);
int lq_cmd_predict(lq_cli *cli, int argc, char **argv);

#endif
