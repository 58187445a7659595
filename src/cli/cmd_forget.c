/*
 * cmd_forget.c - `leadq forget LEAD`: erase a person (the right to be
 * forgotten), the same operation as DELETE /api/leads/{lead}. Prints what
 * was done; never prints the personal data it erased.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char forget_help[] =
	"usage: leadq forget LEAD\n\n"
	"Erase a lead's personal data: its email, names, title, external id and\n"
	"custom attributes are blanked; its events, notes, tasks, checklist\n"
	"answers, score, alerts, anonymous visits and stage-change reasons are\n"
	"deleted. An anonymous row with its stages and source stays, so funnel\n"
	"counts do not change. Deleted content is overwritten in the database\n"
	"file and the WAL is checkpointed (see docs/security.md). LEAD is an\n"
	"email, an external id or a lead number. Cannot be undone.\n";

int lq_cmd_forget(lq_cli *cli, int argc, char **argv)
{
	lq_service *svc;
	lq_lead lead;
	lq_error err;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return fputs(forget_help, stdout), 0;
	if (argc != 2)
		return lq_cli_usage("forget", "usage: leadq forget LEAD");
	if (argv[1][0] == '-')
		return lq_cli_usage("forget", "unknown option '%s' (see leadq forget --help)",
				    argv[1]);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	lq_lead_init(&lead);
	rc = lq_service_find_lead(svc, argv[1], &lead, &err);
	if (rc == 0)
		rc = lq_service_forget(svc, argv[1], &err);
	if (rc == 0)
		printf("lead %lld erased: personal data, events, notes and tasks are gone\n",
		       (long long)lead.id);
	else
		rc = lq_cli_fail(&err);
	lq_lead_free(&lead);
	lq_service_close(svc);
	return rc;
}
