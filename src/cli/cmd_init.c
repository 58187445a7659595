/*
 * cmd_init.c - `leadq init`: create the database (or bring an existing one
 * up to the current schema).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char init_help[] =
	"usage: leadq [--db PATH] init\n\n"
	"Create the database at PATH (default $LEADQ_DB or ./leadq.db) and run\n"
	"its schema migrations. Safe to run again on an existing database.\n";

int lq_cmd_init(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0}};
	lq_service *svc;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(init_help, stdout);
			return 0;
		}
		return lq_cli_usage("init", "see leadq init --help");
	}
	if (optind < argc)
		return lq_cli_usage("init", "unexpected argument '%s'", argv[optind]);
	if (lq_cli_open(cli, 1, &svc))
		return LQ_EXIT_USER;
	printf("initialised %s (schema %d)\n", cli->db,
	       lq_store_schema_version(svc->store));
	lq_service_close(svc);
	return 0;
}
