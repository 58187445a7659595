/*
 * deliver.c - alert delivery: the SLA sweep that raises sla_overdue alerts,
 * and the pass that POSTs due outbox rows with their signature. Network
 * calls happen outside any transaction; each row's outcome is committed on
 * its own, so a deliverer killed mid-pass loses nothing and a restart
 * sends what is left (at least once, same delivery id).
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/followup.h"
#include "io/signature.h"
#include "io/webhook_post.h"
#include "service/alerts.h"

#define POST_TIMEOUT_MS 10000

/* ---- webhooks and the outbox --------------------------------------------- */

static int check_url(const char *url, lq_error *err)
{
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
		return lq_error_set(err, LQ_EINVAL, "webhook url must start with http:// or https://");
	if (strlen(url) > 2048)
		return lq_error_set(err, LQ_EINVAL, "webhook url is longer than 2048 bytes");
	return 0;
}

int lq_service_webhook_add(lq_service *svc, const char *url,
			   const char *events, const char *secret,
			   int64_t *id, lq_error *err)
{
	char canonical[128];
	unsigned mask = events ? lq_alert_parse_list(events, err) : LQ_ALERT_ALL;
	int rc = check_url(url, err);
	if (rc)
		return rc;
	if (!mask)
		return LQ_EINVAL;
	if (!secret || strlen(secret) < 8 || strlen(secret) > 256)
		return lq_error_set(err, LQ_EINVAL, "webhook secret must be 8 to 256 bytes");
	lq_alert_format_list(mask, canonical, sizeof canonical);
	lq_webhook w = {.url = (char *)url, .events = canonical,
			.secret = (char *)secret, .origin = "cli",
			.created_at = svc->now};
	rc = lq_store_webhook_add(svc->store, &w, err);
	*id = w.id;
	svc->webhooks_loaded = 0;
	return rc;
}

int lq_service_webhook_remove(lq_service *svc, int64_t id, lq_error *err)
{
	int rc = lq_store_webhook_remove(svc->store, id, err);
	if (rc == LQ_ENOTFOUND)
		return lq_error_set(err, LQ_ENOTFOUND, "no webhook %lld", (long long)id);
	svc->webhooks_loaded = 0;
	return rc;
}

int lq_service_outbox_retry(lq_service *svc, int64_t id, lq_error *err)
{
	lq_outbox_row r;
	memset(&r, 0, sizeof r);
	int rc = lq_store_outbox_get(svc->store, id, &r, err);
	if (rc == LQ_ENOTFOUND)
		return lq_error_set(err, LQ_ENOTFOUND, "no outbox row %lld", (long long)id);
	if (rc)
		return rc;
	if (r.status == LQ_OUTBOX_DELIVERED) {
		lq_outbox_row_free(&r);
		return lq_error_set(err, LQ_ECONFLICT, "outbox row %lld was delivered already",
				    (long long)id);
	}
	r.status = LQ_OUTBOX_PENDING;
	r.attempts = 0;
	r.next_at = svc->now;
	rc = lq_store_outbox_update(svc->store, &r, err);
	lq_outbox_row_free(&r);
	return rc;
}

/* ---- the SLA sweep --------------------------------------------------------- */

#define SWEEP_BATCH 1000   /* overdue MQLs alerted per transaction */

/* Alert the MQLs in ids whose SLA ran out (re-read inside the transaction:
 * a lead may have moved on since the ids were read). */
static int alert_overdue(lq_service *svc, const int64_t *ids, size_t n,
			 lq_deliver_report *rep, lq_error *err)
{
	int rc = lq_store_begin(svc->store, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		lq_lead lead;
		int first = 0;
		lq_lead_init(&lead);
		rc = lq_store_lead_get(svc->store, ids[i], &lead, err);
		lq_time due = rc == 0 ? lq_sla_due(svc->model, &lead) : 0;
		if (rc == 0 && due && due < svc->now)
			rc = lq_store_alert_once(svc->store, lead.id, "sla_overdue",
						 lead.stage_at, &first, err);
		if (rc == 0 && first) {
			rc = lq_alert_sla_overdue(svc, &lead, due, err);
			rep->swept++;
		}
		lq_lead_free(&lead);
	}
	if (rc == 0)
		rc = lq_store_commit(svc->store, err);
	if (rc)
		lq_store_rollback(svc->store);
	return rc;
}

/* Every MQL past its SLA (entered mql more than sal_sla ago) gets one
 * sla_overdue alert per entry. The search reads indexes only, so a sweep
 * that finds nothing new costs no write and no lead read. */
static int sweep(lq_service *svc, lq_deliver_report *rep, lq_error *err)
{
	if (!svc->model || svc->model->sal_sla <= 0)
		return 0;
	lq_time before = svc->now - svc->model->sal_sla;
	int rc = 0;
	for (;;) {
		int64_t *ids = NULL;
		size_t n = 0, swept = rep->swept;
		rc = lq_store_mqls_unalerted(svc->store, before, "sla_overdue",
					     SWEEP_BATCH, &ids, &n, err);
		if (rc == 0 && n)
			rc = alert_overdue(svc, ids, n, rep, err);
		free(ids);
		/* A full batch that alerted nothing (its leads moved on
		 * meanwhile) would come back: the next sweep sees it. */
		if (rc || n < SWEEP_BATCH || rep->swept == swept)
			return rc;
	}
}

/* ---- delivery -------------------------------------------------------------- */

static void record_outcome(lq_service *svc, lq_outbox_row *r,
			   const lq_post_result *res, int transport_ok,
			   int max_attempts, lq_deliver_report *rep)
{
	char msg[300];
	r->attempts++;
	free(r->last_error);
	r->last_error = NULL;
	if (transport_ok && res->status >= 200 && res->status < 300) {
		r->status = LQ_OUTBOX_DELIVERED;
		r->delivered_at = svc->now;
		rep->delivered++;
		return;
	}
	if (transport_ok)
		snprintf(msg, sizeof msg, "HTTP %ld", res->status);
	else
		snprintf(msg, sizeof msg, "%s", res->error[0] ? res->error : "transport error");
	r->last_error = lq_xstrdup(msg);
	if (r->attempts >= (r->max_attempts > 0 ? r->max_attempts : max_attempts)) {
		r->status = LQ_OUTBOX_DEAD;
		rep->dead++;
	} else {
		r->next_at = svc->now + lq_backoff_delay(r->attempts, lq_random_unit());
		rep->retried++;
	}
}

static int deliver_row(lq_service *svc, lq_outbox_row *r, int max_attempts,
		       lq_deliver_report *rep, lq_error *err)
{
	char sig[65], header[80];
	lq_post_result res;
	lq_error post_err;
	size_t len = strlen(r->payload);

	memset(&res, 0, sizeof res);
	lq_error_clear(&post_err);
	lq_sign_hmac_sha256_hex(r->secret ? r->secret : "", r->payload, len, sig);
	snprintf(header, sizeof header, "sha256=%s", sig);
	int sent = lq_webhook_post(r->url, r->payload, len, header, r->delivery_id,
				   r->event, POST_TIMEOUT_MS, &res, &post_err) == 0;
	rep->attempted++;
	record_outcome(svc, r, &res, sent, max_attempts, rep);
	return lq_store_outbox_update(svc->store, r, err);
}

int lq_service_deliver(lq_service *svc, size_t limit, int max_attempts,
		       lq_deliver_report *rep, lq_error *err)
{
	lq_outbox_row *rows = NULL;
	size_t n = 0;
	int rc;

	memset(rep, 0, sizeof *rep);
	if (max_attempts < 1)
		max_attempts = 1;
	rc = sweep(svc, rep, err);
	if (rc == 0)
		rc = lq_store_outbox_due(svc->store, svc->now, limit, &rows, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = deliver_row(svc, &rows[i], max_attempts, rep, err);
	lq_outbox_rows_free(rows, n);
	return rc;
}
