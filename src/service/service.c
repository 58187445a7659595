/*
 * service.c - opening a service (store + current model) and resolving the
 * keys users type to name a lead.
 */
#include "service/service.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static int load_current_model(lq_service *svc, lq_error *err)
{
	lq_model_row row;
	memset(&row, 0, sizeof row);
	int rc = lq_store_model_current(svc->store, &row, err);
	if (rc == LQ_ENOTFOUND) {
		lq_error_clear(err);
		return 0;
	}
	if (rc)
		return rc;
	rc = lq_model_load(row.text, strlen(row.text), "stored model",
			   &svc->model, NULL, err);
	if (rc)
		lq_error_prefix(err, "stored model version %lld does not load",
				(long long)row.version);
	else
		svc->model_version = row.version;
	lq_model_row_free(&row);
	return rc ? LQ_EINTERNAL : 0;
}

int lq_service_open(const char *db, int create, lq_time now,
		    lq_service **out, lq_error *err)
{
	lq_service *svc = lq_xcalloc(1, sizeof *svc);
	svc->now = now;
	int rc = lq_store_open(db, create, &svc->store, err);
	if (rc == 0)
		rc = load_current_model(svc, err);
	if (rc) {
		lq_service_close(svc);
		return rc;
	}
	*out = svc;
	return 0;
}

void lq_service_close(lq_service *svc)
{
	if (!svc)
		return;
	lq_model_free(svc->model);
	lq_webhooks_free(svc->webhooks, svc->nwebhooks);
	free(svc->webhook_events);
	lq_store_close(svc->store);
	free(svc);
}

int lq_service_forget(lq_service *svc, const char *key, lq_error *err)
{
	int64_t id;
	int rc = lq_service_find_lead_id(svc, key, &id, err);
	if (rc == 0)
		rc = lq_store_begin(svc->store, err);
	if (rc)
		return rc;
	rc = lq_store_lead_erase(svc->store, id, err);
	if (rc == 0)
		rc = lq_store_commit(svc->store, err);
	if (rc) {
		lq_store_rollback(svc->store);
		return rc;
	}
	/* The erasure is committed. Folding the WAL into the database file
	 * and truncating it removes the pages that still held the person's
	 * data from the log; if readers keep it busy, the next checkpoint
	 * does it (docs/security.md, "Erasure"). */
	lq_error cp;
	lq_error_clear(&cp);
	lq_store_checkpoint(svc->store, &cp);
	return 0;
}

int lq_service_accounts(lq_service *svc, size_t limit, size_t offset,
			lq_account **out, size_t *n, lq_error *err)
{
	return lq_store_accounts(svc->store, limit, offset, out, n, err);
}

/* A lead by its number: into out, or only checked and its id set. */
static int lead_number(lq_service *svc, int64_t number, lq_lead *out,
		       int64_t *id, lq_error *err)
{
	lq_lead lead;
	int rc;
	if (out)
		return lq_store_lead_get(svc->store, number, out, err);
	lq_lead_init(&lead);
	rc = lq_store_lead_get(svc->store, number, &lead, err);
	*id = rc == 0 ? lead.id : 0;
	lq_lead_free(&lead);
	return rc;
}

/* "123" or "#123" -> 123; 0 when key is not a lead number. */
static int64_t key_as_id(const char *key)
{
	if (*key == '#')
		key++;
	if (!*key || strlen(key) > 18)
		return 0;
	for (const char *p = key; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return strtoll(key, NULL, 10);
}

/* The lead of key: its id (out NULL) or the whole lead. */
static int find_lead(lq_service *svc, const char *key, lq_lead *out,
		     int64_t *id, lq_error *err)
{
	int rc;
	if (!key || !*key)
		return lq_error_set(err, LQ_EINVAL, "no lead given");
	if (strchr(key, '@')) {
		char *email = lq_xstrdup(key);
		lq_str_lower(email);
		rc = out ? lq_store_lead_by_email(svc->store, email, out, err)
			 : lq_store_lead_id_by_key(svc->store, 0, email, id, err);
		free(email);
	} else {
		rc = out ? lq_store_lead_by_external_id(svc->store, key, out, err)
			 : lq_store_lead_id_by_key(svc->store, 1, key, id, err);
		int64_t number = key_as_id(key);
		if (rc == LQ_ENOTFOUND && number > 0)
			rc = lead_number(svc, number, out, id, err);
	}
	if (rc == LQ_ENOTFOUND)
		return lq_error_set(err, LQ_ENOTFOUND,
				    "no lead '%.200s' (give an email, an external id or a lead number)",
				    key);
	return rc;
}

int lq_service_find_lead(lq_service *svc, const char *key, lq_lead *out,
			 lq_error *err)
{
	int64_t id;
	return find_lead(svc, key, out, &id, err);
}

int lq_service_find_lead_id(lq_service *svc, const char *key, int64_t *id,
			    lq_error *err)
{
	*id = 0;
	return find_lead(svc, key, NULL, id, err);
}
