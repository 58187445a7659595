/*
 * cli_common.c - error printing, opening the service, format options:
 * the few things every command does the same way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int lq_cli_fail(const lq_error *err)
{
	char msg[1024];
	lq_error_format(err, msg, sizeof msg);
	fprintf(stderr, "leadq: %s\n", msg);
	return lq_error_is_user(err->code) ? LQ_EXIT_USER : LQ_EXIT_INTERNAL;
}

int lq_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "leadq%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return LQ_EXIT_USER;
}

void lq_cli_print_diags(const lq_diags *d)
{
	char msg[1024];
	for (size_t i = 0; i < d->n; i++) {
		lq_error_format(&d->items[i], msg, sizeof msg);
		fprintf(stderr, "%s\n", msg);
	}
}

int lq_cli_open(lq_cli *cli, int create, lq_service **out)
{
	lq_error err;
	lq_error_clear(&err);
	if (lq_service_open(cli->db, create, cli->now, out, &err))
		return lq_cli_fail(&err);
	return 0;
}

int lq_cli_format(const char *cmd, const char *s, int allow_csv,
		  lq_format *out)
{
	if (strcmp(s, "table") == 0)
		*out = LQ_FMT_TABLE;
	else if (strcmp(s, "json") == 0)
		*out = LQ_FMT_JSON;
	else if (allow_csv && strcmp(s, "csv") == 0)
		*out = LQ_FMT_CSV;
	else
		return lq_cli_usage(cmd, "unknown format '%s' (use table, json%s)",
				    s, allow_csv ? " or csv" : ""), -1;
	return 0;
}
