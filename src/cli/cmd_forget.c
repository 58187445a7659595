/*
 * cmd_forget.c - `leadq forget LEAD`: erase a person (the right to be
 * forgotten), the same operation as DELETE /api/leads/{lead}. Prints what
 * was done; never prints the personal data it erased.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "server/inbox_apply.h"
#include "store/inbox.h"

static const char forget_help[] =
	"usage: leadq forget LEAD\n\n"
	"Erase a lead's personal data: its email, names, title, external id and\n"
	"custom attributes are blanked; its events, notes, tasks, checklist\n"
	"answers, score, alerts, anonymous visits and stage-change reasons are\n"
	"deleted. An anonymous row with its stages and source stays, so funnel\n"
	"counts do not change. Deleted content is overwritten in the database\n"
	"file and the WAL is checkpointed (see docs/security.md). When the\n"
	"database has a tracking inbox (DB-inbox, made by `leadq serve`), the\n"
	"requests it keeps that were applied are deleted too; while it holds\n"
	"requests not applied yet the forget refuses (they would bring the\n"
	"person back): erase through the running server's API instead\n"
	"(DELETE /api/leads/LEAD), or start the server to apply them first.\n"
	"LEAD is an email, an external id or a lead number. Cannot be undone.\n";

/* The tracking inbox of db when a server made one (*ib NULL otherwise),
 * checked to hold no request that is not applied yet: applied after the
 * erasure, one would bring the person back as a new lead. */
static int open_inbox(const char *db, lq_service *svc, lq_inbox **ib,
		      int64_t *applied, lq_error *err)
{
	char *path = lq_inbox_path(db);
	int64_t last = 0;
	int rc = 0;

	*ib = NULL;
	if (access(path, F_OK) == 0) {
		rc = lq_inbox_open(db, ib, err);
		if (rc == 0)
			rc = lq_inbox_last_id(*ib, &last, err);
		if (rc == 0)
			rc = lq_inbox_applied(svc, applied, err);
		if (rc == 0 && last > *applied)
			rc = lq_error_set(err, LQ_ECONFLICT,
					  "the tracking inbox %s holds %lld request%s not "
					  "applied yet, which may name this person: erase "
					  "through the running server (DELETE /api/leads/"
					  "LEAD), or start `leadq serve` to apply them and "
					  "forget again; nothing was erased",
					  path, (long long)(last - *applied),
					  last - *applied == 1 ? "" : "s");
	}
	free(path);
	return rc;
}

int lq_cmd_forget(lq_cli *cli, int argc, char **argv)
{
	lq_service *svc;
	lq_inbox *ib = NULL;
	int64_t applied = 0;
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
		rc = open_inbox(cli->db, svc, &ib, &applied, &err);
	if (rc == 0)
		rc = lq_service_forget(svc, argv[1], &err);
	if (rc == 0)
		printf("lead %lld erased: personal data, events, notes and tasks are gone\n",
		       (long long)lead.id);
	/* No copy of what the person sent stays in the inbox (its applied
	 * rows, and its WAL), as the server's erasure does. */
	if (rc == 0 && ib && (rc = lq_inbox_compact(ib, applied, &err)))
		lq_error_prefix(&err, "the lead is erased, but its tracking "
				"requests may stay in the inbox until the server "
				"trims it");
	if (rc)
		rc = lq_cli_fail(&err);
	lq_lead_free(&lead);
	lq_inbox_close(ib);
	lq_service_close(svc);
	return rc;
}
