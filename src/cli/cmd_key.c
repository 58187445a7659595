/*
 * cmd_key.c - `leadq key create|list|revoke`: API keys for the HTTP API.
 * `create` prints the new key once (the only time it exists in clear);
 * nothing here ever prints a stored key's secret or hash, only its public
 * prefix.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "core/buf.h"

static const char key_help[] =
	"usage: leadq key create --role ROLE [--name NAME] [--format table|json]\n"
	"       leadq key list [--format table|json]\n"
	"       leadq key revoke ID\n\n"
	"API keys for the HTTP API (Authorization: Bearer KEY, or Basic with\n"
	"the key as user name, or writeKey in a tracking body). Roles:\n"
	"  ingest     send events only (the tracking API)\n"
	"  sales      read leads and act on the lifecycle\n"
	"  marketing  read leads, read and change the scoring model\n"
	"  admin      everything\n"
	"A key is shown once, when it is created; only a hash of its secret\n"
	"part is stored, so a lost key cannot be recovered: revoke it and\n"
	"create another.\n";

static const char create_help[] =
	"usage: leadq key create --role admin|sales|marketing|ingest [--name NAME]\n"
	"                        [--format table|json]\n\n"
	"Create an API key and print it once: in table format the key alone on\n"
	"stdout (KEY=$(leadq key create --role ingest) captures it), in JSON an\n"
	"object with its id, name, role, prefix and the key.\n";

static const char list_help[] =
	"usage: leadq key list [--format table|json]\n\n"
	"Every API key: id, name, role, public prefix, created and revoked\n"
	"times. Keys themselves are never shown again.\n";

static const char revoke_help[] =
	"usage: leadq key revoke ID\n\n"
	"Revoke an API key at once; requests with it are refused from then on.\n";

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

static void json_key(lq_buf *b, const lq_api_key *k)
{
	char created[LQ_TIME_STRLEN], revoked[LQ_TIME_STRLEN];
	lq_time_format(k->created_at, created);
	lq_buf_addf(b, "{\"id\":%lld,\"name\":", (long long)k->id);
	k->name ? lq_buf_add_json_str(b, k->name) : lq_buf_adds(b, "null");
	lq_buf_adds(b, ",\"role\":");
	lq_buf_add_json_str(b, k->role);
	lq_buf_adds(b, ",\"prefix\":");
	lq_buf_add_json_str(b, k->prefix);
	lq_buf_addf(b, ",\"created_at\":\"%s\",\"revoked_at\":", created);
	if (k->revoked_at) {
		lq_time_format(k->revoked_at, revoked);
		lq_buf_addf(b, "\"%s\"", revoked);
	} else {
		lq_buf_adds(b, "null");
	}
	lq_buf_addc(b, '}');
}

/* ---- create ---------------------------------------------------------------- */

typedef struct create_args {
	const char *role, *name;
	lq_format fmt;
} create_args;

static int parse_create(int argc, char **argv, create_args *a)
{
	static const struct option opts[] = {
		{"role", required_argument, 0, 'r'},
		{"name", required_argument, 0, 'n'},
		{"format", required_argument, 0, 'f'}, {0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:n:f:", opts, NULL)) != -1) {
		if (c == 'r')
			a->role = optarg;
		else if (c == 'n')
			a->name = optarg;
		else if (c == 'f') {
			if (lq_cli_format("key create", optarg, 0, &a->fmt))
				return LQ_EXIT_USER;
		} else
			return lq_cli_usage("key create", "see leadq key create --help");
	}
	if (optind < argc)
		return lq_cli_usage("key create", "unexpected argument '%s'", argv[optind]);
	if (!a->role)
		return lq_cli_usage("key create",
				    "--role is required (admin, sales, marketing, ingest)");
	if (!lq_role_parse(a->role))
		return lq_cli_usage("key create",
				    "unknown role '%s' (roles: admin, sales, marketing, ingest)",
				    a->role);
	return 0;
}

static void print_created(const create_args *a, const char *key, int64_t id)
{
	if (a->fmt == LQ_FMT_JSON) {
		lq_buf b = LQ_BUF_INIT;
		char prefix[LQ_KEY_PREFIX_LEN + 1];
		memcpy(prefix, key + 3, LQ_KEY_PREFIX_LEN);
		prefix[LQ_KEY_PREFIX_LEN] = '\0';
		lq_buf_addf(&b, "{\"id\":%lld,\"name\":", (long long)id);
		a->name ? lq_buf_add_json_str(&b, a->name) : lq_buf_adds(&b, "null");
		lq_buf_addf(&b, ",\"role\":\"%s\",\"prefix\":\"%s\",\"key\":\"%s\"}",
			    lq_role_name(lq_role_parse(a->role)), prefix, key);
		puts(lq_buf_str(&b));
		sodium_memzero(b.data, b.len);
		lq_buf_free(&b);
	} else {
		puts(key);
	}
	fflush(stdout);
	fprintf(stderr, "leadq: api key %lld created (role %s): this is the only "
		"time it is shown, store it now\n", (long long)id,
		lq_role_name(lq_role_parse(a->role)));
}

static int key_create(lq_cli *cli, int argc, char **argv)
{
	create_args a = {.fmt = LQ_FMT_TABLE};
	lq_service *svc;
	lq_error err;
	char *key = NULL;
	int64_t id = 0;
	int rc;

	if (wants_help(argc, argv))
		return fputs(create_help, stdout), 0;
	if ((rc = parse_create(argc, argv, &a)))
		return rc;
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_key_create(svc, a.role, a.name, &key, &id, &err))
		rc = lq_cli_fail(&err);
	else
		print_created(&a, key, id);
	if (key) {
		sodium_memzero(key, strlen(key));
		free(key);
	}
	lq_service_close(svc);
	return rc;
}

/* ---- list ------------------------------------------------------------------ */

static void print_table(const lq_api_key *k, size_t n)
{
	static const char *const cols[] = {">ID", "NAME", "ROLE", "PREFIX",
					   "CREATED", "REVOKED"};
	lq_table *t = lq_table_new(6, cols);
	for (size_t i = 0; i < n; i++) {
		char id[24], created[LQ_TIME_STRLEN], revoked[LQ_TIME_STRLEN] = "";
		snprintf(id, sizeof id, "%lld", (long long)k[i].id);
		lq_time_format(k[i].created_at, created);
		if (k[i].revoked_at)
			lq_time_format(k[i].revoked_at, revoked);
		const char *cells[] = {id, k[i].name, k[i].role, k[i].prefix,
				       created, revoked};
		lq_table_row(t, cells);
	}
	lq_table_print(t, stdout);
	lq_table_free(t);
}

static void print_json(const lq_api_key *k, size_t n)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "{\"keys\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			lq_buf_addc(&b, ',');
		json_key(&b, &k[i]);
	}
	lq_buf_adds(&b, "]}");
	puts(lq_buf_str(&b));
	lq_buf_free(&b);
}

static int key_list(lq_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, 0, 'f'}, {0}};
	lq_format fmt = LQ_FMT_TABLE;
	lq_api_key *k = NULL;
	lq_service *svc;
	lq_error err;
	size_t n = 0;
	int c, rc;

	if (wants_help(argc, argv))
		return fputs(list_help, stdout), 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (c != 'f')
			return lq_cli_usage("key list", "see leadq key list --help");
		if (lq_cli_format("key list", optarg, 0, &fmt))
			return LQ_EXIT_USER;
	}
	if (optind < argc)
		return lq_cli_usage("key list", "unexpected argument '%s'", argv[optind]);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_keys(svc, &k, &n, &err))
		rc = lq_cli_fail(&err);
	else if (fmt == LQ_FMT_JSON)
		print_json(k, n);
	else
		print_table(k, n);
	lq_api_keys_free(k, n);
	lq_service_close(svc);
	return rc;
}

/* ---- revoke ---------------------------------------------------------------- */

static int key_revoke(lq_cli *cli, int argc, char **argv)
{
	lq_service *svc;
	lq_error err;
	long long id;
	char *end;
	int rc;

	if (wants_help(argc, argv))
		return fputs(revoke_help, stdout), 0;
	if (argc != 2)
		return lq_cli_usage("key revoke", "usage: leadq key revoke ID");
	id = strtoll(argv[1], &end, 10);
	if (!*argv[1] || *end || id <= 0)
		return lq_cli_usage("key revoke", "'%s' is not a key id", argv[1]);
	if ((rc = lq_cli_open(cli, 0, &svc)))
		return rc;
	lq_error_clear(&err);
	if (lq_service_key_revoke(svc, id, &err))
		rc = lq_cli_fail(&err);
	else
		printf("api key %lld revoked\n", id);
	lq_service_close(svc);
	return rc;
}

int lq_cmd_key(lq_cli *cli, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(key_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? LQ_EXIT_USER : 0;
	}
	if (!strcmp(argv[1], "create"))
		return key_create(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return key_list(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "revoke"))
		return key_revoke(cli, argc - 1, argv + 1);
	return lq_cli_usage("key", "unknown subcommand '%s' (create, list, revoke)",
			    argv[1]);
}
