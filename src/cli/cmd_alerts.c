/*
 * cmd_alerts.c - alerts for sales: `leadq webhook add|list|remove`,
 * `leadq outbox [retry ID]` and `leadq deliver` (one delivery pass, for
 * cron; `leadq serve` runs it continuously once the server exists).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/table.h"

static const char webhook_help[] =
	"usage: leadq webhook add URL --secret S [--events mql,sla_overdue,stage_changed]\n"
	"       leadq webhook list\n"
	"       leadq webhook remove ID\n\n"
	"Alerts are POSTed as JSON with X-Leadq-Signature: sha256=<hex HMAC-SHA256\n"
	"of the body keyed by the secret>, X-Leadq-Delivery (unique per delivery)\n"
	"and X-Leadq-Event. Webhooks in the model's `webhooks:` section are added\n"
	"when the model is applied.\n";

static int parse_id(const char *cmd, const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0)
		return lq_cli_usage(cmd, "'%s' is not an id", s);
	*id = v;
	return 0;
}

static int webhook_add(lq_service *svc, int argc, char **argv, lq_error *err)
{
	static const struct option opts[] = {
		{"secret", required_argument, 0, 's'},
		{"events", required_argument, 0, 'e'}, {0}};
	const char *secret = NULL, *events = NULL;
	int64_t id;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:e:", opts, NULL)) != -1) {
		if (c == 's')
			secret = optarg;
		else if (c == 'e')
			events = optarg;
		else
			return lq_error_set(err, LQ_EINVAL, "see leadq webhook --help");
	}
	if (argc - optind != 1)
		return lq_error_set(err, LQ_EINVAL, "webhook add needs exactly one URL");
	if (!secret)
		return lq_error_set(err, LQ_EINVAL, "webhook add needs --secret (8 to 256 bytes)");
	int rc = lq_service_webhook_add(svc, argv[optind], events, secret, &id, err);
	if (rc == 0)
		printf("webhook %lld added\n", (long long)id);
	return rc;
}

static int webhook_list(lq_service *svc, lq_error *err)
{
	static const char *const cols[] = {">ID", "URL", "EVENTS", "ORIGIN"};
	lq_webhook *w = NULL;
	size_t n = 0;
	int rc = lq_store_webhooks(svc->store, &w, &n, err);
	if (rc)
		return rc;
	lq_table *t = lq_table_new(4, cols);
	for (size_t i = 0; i < n; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)w[i].id);
		const char *cells[] = {id, w[i].url, w[i].events, w[i].origin};
		lq_table_row(t, cells);
	}
	lq_table_print(t, stdout);
	lq_table_free(t);
	lq_webhooks_free(w, n);
	return 0;
}

int lq_cmd_webhook(lq_cli *cli, int argc, char **argv)
{
	lq_service *svc;
	lq_error err;
	int64_t id = 0;
	int rc;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(webhook_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? LQ_EXIT_USER : 0;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "remove"))
		return lq_cli_usage("webhook", "unknown subcommand '%s' (add, list, remove)", argv[1]);
	if (!strcmp(argv[1], "remove") && (argc != 3 || parse_id("webhook", argv[2], &id)))
		return argc != 3 ? lq_cli_usage("webhook", "usage: leadq webhook remove ID")
				 : LQ_EXIT_USER;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (!strcmp(argv[1], "add"))
		rc = webhook_add(svc, argc - 1, argv + 1, &err);
	else if (!strcmp(argv[1], "list"))
		rc = webhook_list(svc, &err);
	else if ((rc = lq_service_webhook_remove(svc, id, &err)) == 0)
		printf("webhook %lld removed\n", (long long)id);
	if (rc)
		rc = lq_cli_fail(&err);
	lq_service_close(svc);
	return rc;
}

static const char *status_name(lq_outbox_status s)
{
	return s == LQ_OUTBOX_PENDING ? "pending" : s == LQ_OUTBOX_DELIVERED ? "delivered" : "dead";
}

static int outbox_list(lq_service *svc, int status, lq_error *err)
{
	static const char *const cols[] = {">ID", "EVENT", ">LEAD", "STATUS", ">TRIES",
					   "NEXT", "LAST ERROR", "DELIVERY ID"};
	lq_outbox_row *r = NULL;
	size_t n = 0;
	int rc = lq_store_outbox_list(svc->store, status, 200, &r, &n, err);
	if (rc)
		return rc;
	lq_table *t = lq_table_new(8, cols);
	for (size_t i = 0; i < n; i++) {
		char id[24], lead[24], tries[16], next[LQ_TIME_STRLEN] = "";
		snprintf(id, sizeof id, "%lld", (long long)r[i].id);
		snprintf(lead, sizeof lead, "%lld", (long long)r[i].lead_id);
		snprintf(tries, sizeof tries, "%d", r[i].attempts);
		if (r[i].status == LQ_OUTBOX_PENDING)
			lq_time_format(r[i].next_at, next);
		const char *cells[] = {id, r[i].event, lead, status_name(r[i].status), tries,
				       next, r[i].last_error, r[i].delivery_id};
		lq_table_row(t, cells);
	}
	lq_table_print(t, stdout);
	lq_table_free(t);
	lq_outbox_rows_free(r, n);
	return 0;
}

int lq_cmd_outbox(lq_cli *cli, int argc, char **argv)
{
	static const char *const names[] = {"pending", "delivered", "dead"};
	int status = -2;
	int64_t id = 0;
	lq_service *svc;
	lq_error err;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "--help"))
		return puts("usage: leadq outbox [pending|dead|delivered|all]\n"
			    "       leadq outbox retry ID\n\n"
			    "Alerts waiting for delivery (default: pending and dead)."), 0;
	if (argc >= 2 && !strcmp(argv[1], "retry")) {
		if (argc != 3 || parse_id("outbox", argv[2], &id))
			return argc != 3 ? lq_cli_usage("outbox", "usage: leadq outbox retry ID")
					 : LQ_EXIT_USER;
	} else if (argc == 2) {
		status = !strcmp(argv[1], "all") ? -1 : -3;
		for (int i = 0; i < 3; i++)
			if (!strcmp(argv[1], names[i]))
				status = i;
		if (status == -3)
			return lq_cli_usage("outbox", "unknown status '%s' (pending, dead, delivered, all)",
					    argv[1]);
	} else if (argc > 2) {
		return lq_cli_usage("outbox", "see leadq outbox --help");
	}
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (id) {
		if ((rc = lq_service_outbox_retry(svc, id, &err)) == 0)
			printf("outbox row %lld is due again\n", (long long)id);
	} else if (status == -2) {
		puts("pending:");
		rc = outbox_list(svc, LQ_OUTBOX_PENDING, &err);
		if (rc == 0) {
			puts("dead:");
			rc = outbox_list(svc, LQ_OUTBOX_DEAD, &err);
		}
	} else {
		rc = outbox_list(svc, status, &err);
	}
	if (rc)
		rc = lq_cli_fail(&err);
	lq_service_close(svc);
	return rc;
}

int lq_cmd_deliver(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"limit", required_argument, 0, 'n'},
		{"max-attempts", required_argument, 0, 'm'},
		{"help", no_argument, 0, 'h'}, {0}};
	long limit = 1000, max_attempts = 8;
	lq_deliver_report rep;
	lq_service *svc;
	lq_error err;
	char *end;
	int c, rc;

	while ((c = getopt_long(argc, argv, "n:m:h", opts, NULL)) != -1) {
		if (c == 'h')
			return puts("usage: leadq deliver [--limit N] [--max-attempts N]\n\n"
				    "One pass: raise sla_overdue alerts for MQLs past their SLA, then\n"
				    "POST every due outbox row. Failed deliveries are retried on later\n"
				    "passes with exponential backoff (30s doubling to 1h, +-20% jitter);\n"
				    "after --max-attempts (default 8) a row is dead (see leadq outbox).\n"
				    "Run it from cron every minute."), 0;
		long *dst = c == 'n' ? &limit : c == 'm' ? &max_attempts : NULL;
		if (!dst)
			return lq_cli_usage("deliver", "see leadq deliver --help");
		*dst = strtol(optarg, &end, 10);
		if (!*optarg || *end || *dst < 1 || *dst > 1000000)
			return lq_cli_usage("deliver", "'%s' is not a whole number from 1", optarg);
	}
	if (optind < argc)
		return lq_cli_usage("deliver", "unexpected argument '%s'", argv[optind]);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_deliver(svc, (size_t)limit, (int)max_attempts, &rep, &err))
		rc = lq_cli_fail(&err);
	else
		printf("delivered %zu of %zu attempted, %zu to retry, %zu dead, %zu sla alerts raised\n",
		       rep.delivered, rep.attempted, rep.retried, rep.dead, rep.swept);
	lq_service_close(svc);
	return rc;
}
