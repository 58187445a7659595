/*
 * import_run.c - the transaction and bad-record policy shared by every
 * import, and the account/lead creation they have in common.
 */
#include "service/import_run.h"

#include "engine/stage_machine.h"
#include "io/ndjson_lines.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Flush the working set every this many leads: memory stays bounded on
 * files of any size while everything is still one transaction (a work is
 * about 1.6 KB with the bench's model: some 400 MiB at most). A lead
 * flushed is loaded again when its next event comes, so more is faster:
 * on 1M leads, twice the old 131,072 took an import 15% less time, with
 * the page cache cut from 512 to 384 MiB to pay for it. */
#define IMPORT_WORKSET_LIMIT 262144

int lq_import_begin(lq_import_run *run, lq_service *svc, const char *name,
		    const lq_import_opts *opts, lq_import_report *rep,
		    lq_reject_fn on_reject, void *ctx, lq_error *err)
{
	memset(run, 0, sizeof *run);
	memset(rep, 0, sizeof *rep);
	run->svc = svc;
	run->opts = opts;
	run->rep = rep;
	run->on_reject = on_reject;
	run->ctx = ctx;
	run->name = name;
	lq_workset_init(&run->ws, IMPORT_WORKSET_LIMIT);
	if (opts->map_spec) {
		int rc = lq_colmap_parse(opts->map_spec, &run->map, err);
		if (rc)
			return rc;
	}
	return lq_store_begin(svc->store, err);
}

int lq_import_bad_record(lq_import_run *run, int line, int rc, lq_error *err)
{
	snprintf(err->file, sizeof err->file, "%s", run->name);
	err->line = line;
	err->col = 0;
	if (!lq_error_is_user(rc) || !run->opts->skip_bad)
		return rc;
	run->rep->rejected++;
	if (run->on_reject)
		run->on_reject(run->ctx, err);
	lq_error_clear(err);
	return 0;
}

int lq_import_end(lq_import_run *run, int rc, lq_error *err)
{
	if (rc == 0)
		rc = lq_workset_flush(run->svc, &run->ws, err);
	if (rc == 0)
		rc = lq_store_commit(run->svc->store, err);
	if (rc)
		lq_store_rollback(run->svc->store);
	lq_workset_free(&run->ws);
	lq_import_keys_forget(run);
	lq_imap_free(&run->keys);
	lq_colmap_free(run->map);
	run->map = NULL;
	return rc;
}

static int read_header(lq_import_run *run, lq_csv_reader *r,
		       lq_import_header_fn header_fn, lq_error *err)
{
	const lq_csv_row *row;
	int rc = lq_csv_next(r, &row, err);
	if (rc == 0)
		rc = lq_error_set(err, LQ_EINVAL, "empty file: expected a header row");
	else if (rc > 0)
		rc = header_fn(run, row, err);
	if (rc < 0 && !err->line) {
		snprintf(err->file, sizeof err->file, "%s", run->name);
		err->line = 1;
	}
	return rc;
}

int lq_import_csv(lq_import_run *run, FILE *in, lq_import_header_fn header_fn,
		  lq_import_row_fn row_fn, lq_error *err)
{
	lq_csv_reader *r = NULL;
	const lq_csv_row *row;
	int rc = lq_csv_open(in, run->name, &r, err);
	if (rc == 0)
		rc = read_header(run, r, header_fn, err);
	while (rc >= 0 && (rc = lq_csv_next(r, &row, err)) > 0) {
		run->rep->lines++;
		rc = row_fn(run, row, err);
		if (rc)
			rc = lq_import_bad_record(run, row->line, rc, err);
	}
	lq_csv_close(r);
	return rc < 0 ? rc : 0;
}

int lq_import_ndjson(lq_import_run *run, FILE *in, size_t max,
		     lq_import_line_fn line_fn, lq_error *err)
{
	lq_ndjson_lines lines;
	const char *line;
	size_t len;
	int rc;

	lq_ndjson_lines_init(&lines, in, run->name, max);
	for (;;) {
		rc = lq_ndjson_lines_next(&lines, &line, &len, err);
		if (rc == LQ_EINVAL &&
		    (rc = lq_import_bad_record(run, lines.line, rc, err)) == 0)
			continue;
		if (rc <= 0)
			break;
		run->rep->lines++;
		rc = line_fn(run, line, len, err);
		if (rc && (rc = lq_import_bad_record(run, lines.line, rc, err)))
			break;
	}
	lq_ndjson_lines_free(&lines);
	return rc < 0 ? rc : 0;
}

static const char *const builtin_freemail[] = {
	"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com",
	"outlook.com", "live.com", "msn.com", "aol.com", "icloud.com",
	"me.com", "mail.com", "gmx.com", "gmx.de", "web.de", "proton.me",
	"protonmail.com", "yandex.com", "yandex.ru", "zoho.com", "qq.com",
	"163.com", "uol.com.br", "bol.com.br", "free.fr", "orange.fr",
};

int lq_is_freemail(const lq_service *svc, const char *domain)
{
	const lq_model *m = svc->model;
	for (size_t i = 0; m && i < m->nlists; i++) {
		if (strcmp(m->lists[i].name, "freemail"))
			continue;
		for (size_t k = 0; k < m->lists[i].items.n; k++) {
			const lq_value *v = &m->lists[i].items.items[k];
			if (v->kind == LQ_V_STR && strcasecmp(v->str, domain) == 0)
				return 1;
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof builtin_freemail / sizeof *builtin_freemail; i++)
		if (strcasecmp(builtin_freemail[i], domain) == 0)
			return 1;
	return 0;
}

static void merge_str(char **dst, const char *src)
{
	if (!src)
		return;
	free(*dst);
	*dst = lq_xstrdup(src);
}

static void merge_num(double *dst, double src)
{
	if (!isnan(src))
		*dst = src;
}

static void merge_account(lq_account *dst, const lq_account *src)
{
	merge_str(&dst->name, src->name);
	merge_str(&dst->industry, src->industry);
	merge_num(&dst->employees, src->employees);
	merge_num(&dst->revenue, src->revenue);
	merge_num(&dst->traffic, src->traffic);
	merge_num(&dst->ad_spend, src->ad_spend);
	if (src->tech.kind != LQ_V_ABSENT) {
		lq_value_free(&dst->tech);
		dst->tech = lq_value_copy(&src->tech);
	}
	for (size_t i = 0; i < src->attrs.n; i++)
		lq_attrs_set(&dst->attrs, src->attrs.items[i].key,
			     lq_value_copy(&src->attrs.items[i].val));
}

int lq_import_account(lq_import_run *run, lq_lead *lead,
		      const lq_account *given, int has_given,
		      int64_t *account_id, lq_error *err)
{
	lq_account acc;
	char *domain = NULL;
	int rc;

	*account_id = 0;
	if (has_given && given->domain)
		domain = lq_xstrdup(given->domain);
	else if (lead->email_domain && !lq_is_freemail(run->svc, lead->email_domain))
		domain = lq_xstrdup(lead->email_domain);
	if (!domain)
		return 0;
	lq_str_lower(domain);
	lq_account_init(&acc);
	rc = lq_store_account_by_domain(run->svc->store, domain, &acc, err);
	if (rc == LQ_ENOTFOUND) {
		lq_error_clear(err);
		acc.domain = domain;
		domain = NULL;
		rc = 0;
	}
	if (rc == 0 && has_given)
		merge_account(&acc, given);
	if (rc == 0 && (acc.id == 0 || has_given))
		rc = lq_store_account_put(run->svc->store, &acc, err);
	*account_id = acc.id;
	lq_account_free(&acc);
	free(domain);
	return rc;
}

int lq_import_new_lead(lq_import_run *run, lq_lead *lead, lq_stage stage,
		       lq_time at, lq_lead_work **out, lq_error *err)
{
	lq_service *svc = run->svc;
	lq_account acc;
	int rc;

	lead->stage = stage;
	lead->stage_at = at;
	lead->cycle = lq_stage_rank(stage) >= LQ_STAGE_MQL ? 1 : 0;
	rc = lq_store_lead_put(svc->store, lead, err);
	if (rc)
		return rc;
	lq_stage_change c = {.lead_id = lead->id, .from = LQ_STAGE_NONE,
			     .to = stage, .at = at, .actor = "import",
			     .reason = NULL};
	rc = lq_store_stage_add(svc->store, &c, err);
	if (rc)
		return rc;
	lq_account_init(&acc);
	if (lead->account_id) {
		rc = lq_store_account_get(svc->store, lead->account_id, &acc, err);
		if (rc)
			return rc;
	}
	*out = lq_work_new(svc, lead, lead->account_id ? &acc : NULL);
	lq_account_free(&acc);
	lq_workset_adopt(&run->ws, *out);
	run->rep->created++;
	return 0;
}
