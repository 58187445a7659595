/*
 * cmd_lifecycle.c - the sales actions on one lead: accept, reject,
 * qualify (BANT/ANUM), opportunity (SQO), won, lost, note. Every command
 * takes --actor (default $LEADQ_ACTOR, else $USER) recorded in the history.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct action_args {
	const char *lead;
	const char *actor;
	const char *owner;
	const char *reason;
	const char *amount;
	int disqualify;
	lq_answer_in answers[16];
	size_t nanswers;
	const char *text;
} action_args;

/* One table for every option of every action; each command lists the
 * ones it accepts in its getopt string. */
enum { OPT_ACTOR = 1000, OPT_OWNER, OPT_REASON, OPT_RECYCLE, OPT_DISQUALIFY,
       OPT_AMOUNT, OPT_ANSWER, OPT_HELP };

static const struct option action_opts[] = {
	{"actor", required_argument, 0, OPT_ACTOR},
	{"owner", required_argument, 0, OPT_OWNER},
	{"reason", required_argument, 0, OPT_REASON},
	{"recycle", no_argument, 0, OPT_RECYCLE},
	{"disqualify", no_argument, 0, OPT_DISQUALIFY},
	{"amount", required_argument, 0, OPT_AMOUNT},
	{"budget", required_argument, 0, OPT_ANSWER},
	{"money", required_argument, 0, OPT_ANSWER},
	{"authority", required_argument, 0, OPT_ANSWER},
	{"need", required_argument, 0, OPT_ANSWER},
	{"timing", required_argument, 0, OPT_ANSWER},
	{"urgency", required_argument, 0, OPT_ANSWER},
	{"buy-cycle", required_argument, 0, OPT_ANSWER},
	{"influencer", required_argument, 0, OPT_ANSWER},
	{"time-frame", required_argument, 0, OPT_ANSWER},
	{"size", required_argument, 0, OPT_ANSWER},
	{"follow-up", required_argument, 0, OPT_ANSWER},
	{"help", no_argument, 0, OPT_HELP},
	{0}};

typedef struct action_cmd {
	const char *name;
	const char *usage;
	unsigned allowed;     /* bit per OPT_* - OPT_ACTOR */
	int (*run)(lq_service *svc, action_args *a, lq_error *err);
} action_cmd;

#define ALLOW(o) (1u << ((o) - OPT_ACTOR))

static const char *default_actor(void)
{
	const char *a = getenv("LEADQ_ACTOR");
	if (!a || !*a)
		a = getenv("USER");
	return a && *a ? a : "cli";
}

static int print_checklist(const char *step, const lq_checklist_result *r)
{
	if (r->moved)
		printf("lead is now %s\n", lq_stage_name(r->stage));
	else if (r->nmissing)
		printf("answers recorded; still %s, %s needs: %s\n",
		       lq_stage_name(r->stage), step, r->missing);
	else
		printf("answers recorded; lead is %s\n", lq_stage_name(r->stage));
	return 0;
}

static int run_accept(lq_service *svc, action_args *a, lq_error *err)
{
	int rc = lq_service_accept(svc, a->lead, a->actor, a->owner, err);
	if (rc == 0)
		printf("accepted %s: now sal\n", a->lead);
	return rc;
}

static int run_reject(lq_service *svc, action_args *a, lq_error *err)
{
	int rc = lq_service_reject(svc, a->lead, a->actor, a->reason,
				   a->disqualify, err);
	if (rc == 0)
		printf("rejected %s: now %s\n", a->lead,
		       a->disqualify ? "disqualified" : "nurture");
	return rc;
}

static int run_qualify(lq_service *svc, action_args *a, lq_error *err)
{
	lq_checklist_result r;
	int rc = lq_service_qualify(svc, a->lead, a->actor, a->answers,
				    a->nanswers, &r, err);
	return rc ? rc : print_checklist("sql", &r);
}

static int run_opportunity(lq_service *svc, action_args *a, lq_error *err)
{
	lq_checklist_result r;
	int rc = lq_service_opportunity(svc, a->lead, a->actor, a->answers,
					a->nanswers, &r, err);
	return rc ? rc : print_checklist("sqo", &r);
}

static int run_won(lq_service *svc, action_args *a, lq_error *err)
{
	int rc = lq_service_won(svc, a->lead, a->actor, a->amount, err);
	if (rc == 0)
		printf("%s won\n", a->lead);
	return rc;
}

static int run_lost(lq_service *svc, action_args *a, lq_error *err)
{
	int rc = lq_service_lost(svc, a->lead, a->actor, a->reason, err);
	if (rc == 0)
		printf("%s lost\n", a->lead);
	return rc;
}

static int run_note(lq_service *svc, action_args *a, lq_error *err)
{
	int64_t id;
	int rc = lq_service_note(svc, a->lead, a->actor, a->text, &id, err);
	if (rc == 0)
		printf("note %lld added\n", (long long)id);
	return rc;
}

static const unsigned bant = ALLOW(OPT_ANSWER) | ALLOW(OPT_ACTOR);

static const action_cmd actions[] = {
	{"accept", "LEAD [--owner REP]", ALLOW(OPT_OWNER) | ALLOW(OPT_ACTOR), run_accept},
	{"reject", "LEAD --reason TEXT [--recycle|--disqualify]",
	 ALLOW(OPT_REASON) | ALLOW(OPT_RECYCLE) | ALLOW(OPT_DISQUALIFY) | ALLOW(OPT_ACTOR), run_reject},
	{"qualify", "LEAD --budget yes|no|unknown --authority ... --need ... --timing ...\n"
		    "       (ANUM: --money for budget, --urgency for timing)", bant, run_qualify},
	{"opportunity", "LEAD --buy-cycle yes --influencer yes --time-frame DATE --size AMOUNT\n"
			"       --follow-up yes", bant, run_opportunity},
	{"won", "LEAD [--amount AMOUNT]", ALLOW(OPT_AMOUNT) | ALLOW(OPT_ACTOR), run_won},
	{"lost", "LEAD --reason TEXT", ALLOW(OPT_REASON) | ALLOW(OPT_ACTOR), run_lost},
	{"note", "LEAD TEXT", ALLOW(OPT_ACTOR), run_note},
};

static int add_answer(action_args *a, const char *item, const char *value)
{
	if (a->nanswers == sizeof a->answers / sizeof a->answers[0])
		return lq_cli_usage(NULL, "too many answers");
	a->answers[a->nanswers++] = (lq_answer_in){item, value};
	return 0;
}

static int parse_action(const action_cmd *cmd, int argc, char **argv,
			action_args *a)
{
	int c, idx;
	while ((c = getopt_long(argc, argv, "", action_opts, &idx)) != -1) {
		if (c == OPT_HELP) {
			printf("usage: leadq %s %s\n       [--actor NAME]\n", cmd->name, cmd->usage);
			return -1;
		}
		if (c == '?' || !(cmd->allowed & ALLOW(c)))
			return lq_cli_usage(cmd->name, "%s%s does not apply here (see leadq %s --help)",
					    c == '?' ? "that option" : "--",
					    c == '?' ? "" : action_opts[idx].name, cmd->name);
		switch (c) {
		case OPT_ACTOR: a->actor = optarg; break;
		case OPT_OWNER: a->owner = optarg; break;
		case OPT_REASON: a->reason = optarg; break;
		case OPT_RECYCLE: a->disqualify = 0; break;
		case OPT_DISQUALIFY: a->disqualify = 1; break;
		case OPT_AMOUNT: a->amount = optarg; break;
		case OPT_ANSWER:
			if (add_answer(a, action_opts[idx].name, optarg))
				return LQ_EXIT_USER;
			break;
		}
	}
	int want = strcmp(cmd->name, "note") == 0 ? 2 : 1;
	if (argc - optind != want)
		return lq_cli_usage(cmd->name, "usage: leadq %s %s", cmd->name, cmd->usage);
	a->lead = argv[optind];
	a->text = want == 2 ? argv[optind + 1] : NULL;
	return 0;
}

int lq_cmd_action(lq_cli *cli, int argc, char **argv)
{
	const action_cmd *cmd = NULL;
	action_args a;
	lq_service *svc;
	lq_error err;
	int rc;

	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(argv[0], actions[i].name) == 0)
			cmd = &actions[i];
	if (!cmd)
		return lq_cli_usage(NULL, "unknown action '%s'", argv[0]);
	memset(&a, 0, sizeof a);
	a.actor = default_actor();
	if ((rc = parse_action(cmd, argc, argv, &a)))
		return rc < 0 ? 0 : rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (cmd->run(svc, &a, &err))
		rc = lq_cli_fail(&err);
	lq_service_close(svc);
	return rc;
}
