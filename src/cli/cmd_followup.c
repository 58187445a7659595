/*
 * cmd_followup.c - what sales has to do next: `leadq queue` (MQLs awaiting
 * sales, best first, with SLA time left), `leadq sla` (what is overdue),
 * `leadq task` (add a follow-up, or mark one done) and `leadq tasks`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "cli/table.h"

typedef struct list_args {
	const char *owner;
	size_t limit;
	int overdue;
	lq_format fmt;
} list_args;

static int parse_list_args(const char *cmd, const char *usage, int argc,
			   char **argv, list_args *a)
{
	static const struct option opts[] = {
		{"owner", required_argument, 0, 'o'},
		{"limit", required_argument, 0, 'n'},
		{"overdue", no_argument, 0, 'd'},
		{"format", required_argument, 0, 'f'},
		{"help", no_argument, 0, 'h'}, {0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:n:df:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->owner = optarg; break;
		case 'n': {
			char *end;
			long long v = strtoll(optarg, &end, 10);
			if (!*optarg || *end || v < 0)
				return lq_cli_usage(cmd, "--limit needs a whole number >= 0");
			a->limit = (size_t)v;
			break;
		}
		case 'd': a->overdue = 1; break;
		case 'f':
			if (lq_cli_format(cmd, optarg, 1, &a->fmt))
				return LQ_EXIT_USER;
			break;
		case 'h': printf("usage: leadq %s %s\n", cmd, usage); return -1;
		default: return lq_cli_usage(cmd, "see leadq %s --help", cmd);
		}
	}
	if (optind < argc)
		return lq_cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* "3h12m left", "2d4h late", "no SLA" */
static void sla_text(lq_time due, lq_time now, char *out, size_t n)
{
	char d[32];
	if (!due) {
		snprintf(out, n, "no SLA");
		return;
	}
	lq_dur_format(due >= now ? due - now : now - due, d, sizeof d);
	snprintf(out, n, "%s %s", d, due >= now ? "left" : "late");
}

static void queue_table(const lq_queue *q, lq_time now, lq_format fmt, FILE *out)
{
	static const char *const cols[] = {">ID", "LEAD", "COMPANY", "GRADE", ">ENG",
					   ">SCORE", "OWNER", "SLA"};
	lq_table *t = lq_table_new(8, cols);
	lq_buf label = LQ_BUF_INIT;
	for (size_t i = 0; i < q->n; i++) {
		const lq_lead_row *r = &q->rows[i].row;
		char id[24], grade[4], eng[32], score[32], sla[48];
		snprintf(id, sizeof id, "%lld", (long long)r->lead.id);
		snprintf(grade, sizeof grade, "%c", r->scored ? r->grade : '-');
		snprintf(eng, sizeof eng, "%.1f", r->engagement);
		snprintf(score, sizeof score, "%.1f", r->score);
		sla_text(q->rows[i].due, now, sla, sizeof sla);
		lq_buf_reset(&label);
		lq_lead_label(&r->lead, &label);
		const char *cells[] = {id, lq_buf_str(&label),
				       r->account.name ? r->account.name : r->account.domain,
				       grade, eng, score, r->lead.owner, sla};
		lq_table_row(t, cells);
	}
	if (fmt == LQ_FMT_TABLE) {
		lq_table_print(t, out);
		if (q->total > q->n)
			fprintf(out, "(%zu of %zu; --limit to see more)\n", q->n, q->total);
	} else {
		lq_table_print_csv(t, out);
	}
	lq_table_free(t);
	lq_buf_free(&label);
}

static void print_json_queue(const lq_queue *q, lq_time now)
{
	lq_buf b = LQ_BUF_INIT;
	lq_json_queue(&b, q, now);
	lq_buf_addc(&b, '\n');
	fputs(lq_buf_str(&b), stdout);
	lq_buf_free(&b);
}

static void print_queue(const lq_queue *q, lq_time now, lq_format fmt)
{
	if (fmt == LQ_FMT_JSON)
		print_json_queue(q, now);
	else
		queue_table(q, now, fmt, stdout);
}

int lq_cmd_queue(lq_cli *cli, int argc, char **argv)
{
	list_args a = {.limit = 50};
	lq_service *svc;
	lq_queue q;
	lq_error err;
	int rc = parse_list_args("queue", "[--owner REP] [--limit N] [--format table|json|csv]\n\n"
				 "MQLs awaiting sales, best first (grade, then engagement, then\n"
				 "age), with the time left to accept or reject them (sal_sla).",
				 argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	lq_queue_query qq = {.owner = a.owner, .limit = a.limit};
	if (lq_service_queue(svc, &qq, &q, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		print_queue(&q, svc->now, a.fmt);
		lq_queue_free(&q);
	}
	lq_service_close(svc);
	return rc;
}

static void print_tasks(const lq_task *t, size_t n, lq_time now, lq_format fmt)
{
	if (fmt == LQ_FMT_JSON) {
		lq_buf b = LQ_BUF_INIT;
		lq_json_tasks(&b, t, n, now);
		lq_buf_addc(&b, '\n');
		fputs(lq_buf_str(&b), stdout);
		lq_buf_free(&b);
		return;
	}
	{
	static const char *const cols[] = {">TASK", ">LEAD", "OWNER", "DUE", "STATUS", "TEXT"};
	lq_table *tab = lq_table_new(6, cols);
	for (size_t i = 0; i < n; i++) {
		char id[24], lead[24], due[LQ_TIME_STRLEN], status[48];
		snprintf(id, sizeof id, "%lld", (long long)t[i].id);
		snprintf(lead, sizeof lead, "%lld", (long long)t[i].lead_id);
		lq_time_format(t[i].due, due);
		if (t[i].done_at)
			snprintf(status, sizeof status, "done");
		else
			sla_text(t[i].due, now, status, sizeof status);
		const char *cells[] = {id, lead, t[i].owner, due, status, t[i].text};
		lq_table_row(tab, cells);
	}
	if (fmt == LQ_FMT_CSV)
		lq_table_print_csv(tab, stdout);
	else
		lq_table_print(tab, stdout);
	lq_table_free(tab);
	}
}

int lq_cmd_sla(lq_cli *cli, int argc, char **argv)
{
	list_args a = {0};
	lq_service *svc;
	lq_sla_report r;
	lq_error err;
	int rc = parse_list_args("sla", "[--owner REP] [--format table|json|csv]\n\n"
				 "MQLs not accepted or rejected within the model's sal_sla, most\n"
				 "late first, then open tasks past their due time.",
				 argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_sla(svc, a.owner, &r, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		if (a.fmt == LQ_FMT_TABLE)
			printf("overdue MQLs: %zu\n", r.overdue.n);
		print_queue(&r.overdue, svc->now, a.fmt);
		if (a.fmt == LQ_FMT_TABLE) {
			printf("overdue tasks: %zu\n", r.ntasks);
			print_tasks(r.tasks, r.ntasks, svc->now, a.fmt);
		}
		lq_sla_report_free(&r);
	}
	lq_service_close(svc);
	return rc;
}

int lq_cmd_tasks(lq_cli *cli, int argc, char **argv)
{
	list_args a = {0};
	lq_service *svc;
	lq_task *t = NULL;
	size_t n = 0;
	lq_error err;
	int rc = parse_list_args("tasks", "[--overdue] [--owner REP] [--format table|json|csv]\n\n"
				 "Open follow-up tasks by due time.", argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_tasks(svc, a.owner, a.overdue, &t, &n, &err)) {
		rc = lq_cli_fail(&err);
	} else {
		print_tasks(t, n, svc->now, a.fmt);
		lq_tasks_free(t, n);
	}
	lq_service_close(svc);
	return rc;
}

static int task_done(lq_cli *cli, int argc, char **argv)
{
	char *end;
	lq_service *svc;
	lq_error err;
	int rc;
	if (argc != 3)
		return lq_cli_usage("task", "usage: leadq task done ID");
	long long id = strtoll(argv[2], &end, 10);
	if (!*argv[2] || *end || id <= 0)
		return lq_cli_usage("task", "'%s' is not a task id", argv[2]);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_task_done(svc, id, &err))
		rc = lq_cli_fail(&err);
	else
		printf("task %lld done\n", id);
	lq_service_close(svc);
	return rc;
}

int lq_cmd_task(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"due", required_argument, 0, 'd'},
		{"owner", required_argument, 0, 'o'},
		{"help", no_argument, 0, 'h'}, {0}};
	const char *due_s = NULL, *owner = NULL;
	lq_service *svc;
	lq_time due;
	int64_t id;
	lq_error err;
	int c, rc;

	if (argc >= 2 && strcmp(argv[1], "done") == 0)
		return task_done(cli, argc, argv);
	while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		if (c == 'd')
			due_s = optarg;
		else if (c == 'o')
			owner = optarg;
		else if (c == 'h')
			return puts("usage: leadq task LEAD --due TIME [--owner REP] TEXT\n"
				    "       leadq task done ID"), 0;
		else
			return lq_cli_usage("task", "see leadq task --help");
	}
	if (argc - optind != 2 || !due_s)
		return lq_cli_usage("task", "usage: leadq task LEAD --due TIME [--owner REP] TEXT");
	lq_error_clear(&err);
	if (lq_time_parse_iso(due_s, &due, &err))
		return lq_cli_fail(&err);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	if (lq_service_task(svc, argv[optind], owner, due, argv[optind + 1], &id, &err))
		rc = lq_cli_fail(&err);
	else
		printf("task %lld added\n", (long long)id);
	lq_service_close(svc);
	return rc;
}
