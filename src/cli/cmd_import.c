/*
 * cmd_import.c - `leadq import leads|events|stages FILE`: load a file in one
 * transaction (all or nothing), or with --skip-bad load the good records
 * and report every bad one with its line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char import_help[] =
	"usage: leadq import leads FILE [--map COL=FIELD,...] [--stage S]\n"
	"                               [--date-format FMT] [--format csv|ndjson]\n"
	"       leadq import events FILE|- [--date-format FMT] [--cache-mb N]\n"
	"                                     [--hold-mb N]\n"
	"       leadq import stages FILE [--map COL=FIELD,...] [--stage S]\n"
	"                               [--date-format FMT]\n"
	"  every form also takes --skip-bad\n\n"
	"leads    create or update leads from CSV or NDJSON (by external_id or\n"
	"         email); --stage sets the stage new leads enter with\n"
	"events   activity as NDJSON, one event a line (- reads stdin); an\n"
	"         event whose id was seen before for the same lead counts once;\n"
	"         --cache-mb sets the page cache the import may use, 16 to\n"
	"         16384 MiB (default 384, or $LEADQ_IMPORT_CACHE_MB): a file far\n"
	"         larger than it is slower; --hold-mb sets the memory of scored\n"
	"         events held to be written together, sorted by lead, 1 to\n"
	"         16384 MiB (default 256, or $LEADQ_IMPORT_HOLD_MB): more holds\n"
	"         fewer, faster writes\n"
	"stages   historic stage changes (columns lead, stage, at, actor,\n"
	"         reason); --stage sets one stage for every row\n\n"
	"--map          rename source columns: first_contact_date=created_at;\n"
	"               COL=- ignores a column\n"
	"--date-format  strptime format for dates, e.g. %d-%m-%Y (default ISO 8601)\n"
	"--skip-bad     load the good records and report each bad one with its\n"
	"               line (default: one bad record changes nothing)\n";

typedef enum { KIND_LEADS, KIND_EVENTS, KIND_STAGES } import_kind;

typedef struct import_args {
	import_kind kind;
	const char *file;
	const char *format;
	lq_import_opts opts;
} import_args;

static void print_reject(void *ctx, const lq_error *err)
{
	char msg[1024];
	lq_error_format(err, msg, sizeof msg);
	fprintf(stderr, "leadq: skipped %s\n", msg);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int input_format(const import_args *a, lq_input_format *out)
{
	const char *f = a->format;
	if (!f) {
		if (ends_with(a->file, ".csv"))
			f = "csv";
		else if (ends_with(a->file, ".ndjson") || ends_with(a->file, ".jsonl") ||
			 ends_with(a->file, ".json"))
			f = "ndjson";
		else
			return lq_cli_usage("import", "cannot tell the format of '%s' from its "
					    "name: give --format csv or --format ndjson", a->file);
	}
	if (strcmp(f, "csv") == 0)
		*out = LQ_INPUT_CSV;
	else if (strcmp(f, "ndjson") == 0)
		*out = LQ_INPUT_NDJSON;
	else
		return lq_cli_usage("import", "unknown format '%s' (csv or ndjson)", f);
	return 0;
}

/* A size in MiB from an option or the environment (NULL or empty: not
 * given, *out left as it is): min to 16384. */
static int mib_arg(const char *text, long min, const char *what,
		   const char *where, int *out)
{
	char *end;
	long mb;
	if (!text || !*text)
		return 0;
	mb = strtol(text, &end, 10);
	if (*end || mb < min || mb > 16384)
		return lq_cli_usage("import", "%s must be %ld to 16384 MiB, not "
				    "'%s' (%s)", what, min, text, where);
	*out = (int)mb;
	return 0;
}

static int parse_args(int argc, char **argv, import_args *a)
{
	static const struct option opts[] = {
		{"map", required_argument, 0, 'm'},
		{"stage", required_argument, 0, 's'},
		{"date-format", required_argument, 0, 'd'},
		{"format", required_argument, 0, 'f'},
		{"skip-bad", no_argument, 0, 'k'},
		{"cache-mb", required_argument, 0, 'c'},
		{"hold-mb", required_argument, 0, 'H'},
		{"help", no_argument, 0, 'h'}, {0}};
	const char *cache_mb = getenv("LEADQ_IMPORT_CACHE_MB");
	const char *hold_mb = getenv("LEADQ_IMPORT_HOLD_MB");
	int c;
	while ((c = getopt_long(argc, argv, "m:s:d:f:kc:H:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cache_mb = optarg; break;
		case 'H': hold_mb = optarg; break;
		case 'm': a->opts.map_spec = optarg; break;
		case 'd': a->opts.date_fmt = optarg; break;
		case 'f': a->format = optarg; break;
		case 'k': a->opts.skip_bad = 1; break;
		case 's':
			a->opts.stage = lq_stage_parse(optarg);
			if (a->opts.stage == LQ_STAGE_NONE)
				return lq_cli_usage("import", "unknown stage '%s' (stages: %s)",
						    optarg, lq_stage_all_names());
			break;
		case 'h': fputs(import_help, stdout); return -1;
		default: return lq_cli_usage("import", "see leadq import --help");
		}
	}
	if (optind + 1 != argc)
		return lq_cli_usage("import", "needs exactly one FILE (see leadq import --help)");
	a->file = argv[optind];
	if (a->kind == KIND_EVENTS && (a->opts.map_spec || a->opts.stage != LQ_STAGE_NONE))
		return lq_cli_usage("import events", "--map and --stage apply to leads and stages only");
	int rc = mib_arg(cache_mb, 16, "the page cache", "--cache-mb or "
			 "LEADQ_IMPORT_CACHE_MB", &a->opts.cache_mib);
	return rc ? rc : mib_arg(hold_mb, 1, "the events held", "--hold-mb or "
				 "LEADQ_IMPORT_HOLD_MB", &a->opts.hold_mib);
}

static void print_report(const import_args *a, const lq_import_report *r)
{
	static const char *const what[] = {"leads", "events", "stage changes"};
	printf("imported %s: %zu records", a->file, r->lines);
	if (a->kind == KIND_LEADS)
		printf(", %zu leads created, %zu updated", r->created, r->updated);
	else
		printf(", %zu %s stored", r->stored, what[a->kind]);
	if (a->kind == KIND_EVENTS)
		printf(", %zu duplicates, %zu new leads", r->duplicates, r->created);
	printf(", %zu rejected, %zu automatic stage changes\n", r->rejected,
	       r->stage_changes);
}

static int run_import(lq_service *svc, import_args *a, lq_input_format fmt,
		      FILE *in, lq_import_report *rep, lq_error *err)
{
	const char *name = strcmp(a->file, "-") == 0 ? "<stdin>" : a->file;
	switch (a->kind) {
	case KIND_LEADS:
		return lq_service_import_leads(svc, in, name, fmt, &a->opts, rep,
					       print_reject, NULL, err);
	case KIND_EVENTS:
		return lq_service_import_events(svc, in, name, &a->opts, rep,
						print_reject, NULL, err);
	case KIND_STAGES:
		return lq_service_import_stages(svc, in, name, &a->opts, rep,
						print_reject, NULL, err);
	}
	return LQ_EINTERNAL;
}

int lq_cmd_import(lq_cli *cli, int argc, char **argv)
{
	static const char *const kinds[] = {"leads", "events", "stages"};
	import_args a = {.opts = {.stage = LQ_STAGE_NONE}};
	lq_import_report rep;
	lq_service *svc;
	lq_input_format fmt = LQ_INPUT_NDJSON;
	lq_error err;
	FILE *in;
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(import_help, help ? stdout : stderr);
		return help ? 0 : LQ_EXIT_USER;
	}
	for (a.kind = KIND_LEADS; a.kind <= KIND_STAGES; a.kind++)
		if (strcmp(argv[1], kinds[a.kind]) == 0)
			break;
	if (a.kind > KIND_STAGES)
		return lq_cli_usage("import", "unknown kind '%s' (leads, events or stages)", argv[1]);
	if ((rc = parse_args(argc - 1, argv + 1, &a)))
		return rc < 0 ? 0 : rc;
	if (a.kind == KIND_LEADS && input_format(&a, &fmt))
		return LQ_EXIT_USER;
	in = strcmp(a.file, "-") == 0 ? stdin : fopen(a.file, "rb");
	if (!in)
		return lq_cli_usage("import", "cannot open '%s'", a.file);
	if ((rc = lq_cli_open(cli, 0, &svc)) == 0) {
		lq_error_clear(&err);
		if (run_import(svc, &a, fmt, in, &rep, &err))
			rc = lq_cli_fail(&err);
		else
			print_report(&a, &rep);
		lq_service_close(svc);
	}
	if (in != stdin)
		fclose(in);
	return rc;
}
