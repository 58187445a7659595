/*
 * alerts.c - outbox rows for lifecycle events: one JSON payload per event,
 * one row per listening webhook, each with its own delivery id.
 */
#include "service/alerts.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "io/signature.h"

static void free_webhooks(lq_service *svc)
{
	lq_webhooks_free(svc->webhooks, svc->nwebhooks);
	free(svc->webhook_events);
	svc->webhooks = NULL;
	svc->webhook_events = NULL;
	svc->nwebhooks = 0;
	svc->webhooks_loaded = 0;
}

int lq_alerts_reload(lq_service *svc, lq_error *err)
{
	free_webhooks(svc);
	int rc = lq_store_webhooks(svc->store, &svc->webhooks, &svc->nwebhooks, err);
	if (rc)
		return rc;
	svc->webhook_events = lq_xcalloc(svc->nwebhooks ? svc->nwebhooks : 1,
					 sizeof *svc->webhook_events);
	for (size_t i = 0; i < svc->nwebhooks; i++)
		svc->webhook_events[i] = lq_alert_parse_list(svc->webhooks[i].events, NULL);
	svc->webhooks_loaded = 1;
	return 0;
}

static int listeners(lq_service *svc, unsigned event, lq_error *err)
{
	int n = 0;
	if (!svc->webhooks_loaded) {
		int rc = lq_alerts_reload(svc, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < svc->nwebhooks; i++)
		n += (svc->webhook_events[i] & event) != 0;
	return n;
}

static void json_lead(lq_buf *b, const lq_lead *l)
{
	lq_buf_addf(b, "{\"id\":%lld,\"email\":", (long long)l->id);
	l->email ? lq_buf_add_json_str(b, l->email) : lq_buf_adds(b, "null");
	lq_buf_adds(b, ",\"external_id\":");
	l->external_id ? lq_buf_add_json_str(b, l->external_id) : lq_buf_adds(b, "null");
	lq_buf_adds(b, ",\"first_name\":");
	l->first_name ? lq_buf_add_json_str(b, l->first_name) : lq_buf_adds(b, "null");
	lq_buf_adds(b, ",\"last_name\":");
	l->last_name ? lq_buf_add_json_str(b, l->last_name) : lq_buf_adds(b, "null");
	lq_buf_addf(b, ",\"stage\":\"%s\",\"cycle\":%d,\"owner\":",
		    lq_stage_name(l->stage), l->cycle);
	l->owner ? lq_buf_add_json_str(b, l->owner) : lq_buf_adds(b, "null");
	lq_buf_addc(b, '}');
}

/* Write one outbox row per webhook listening to event; body is the
 * payload without its delivery id, which each row gets in front. */
static int emit(lq_service *svc, unsigned event, const lq_lead *lead,
		const char *body, lq_error *err)
{
	int n = listeners(svc, event, err);
	if (n <= 0)
		return n;
	for (size_t i = 0; i < svc->nwebhooks; i++) {
		if (!(svc->webhook_events[i] & event))
			continue;
		char id[37];
		lq_buf payload = LQ_BUF_INIT;
		lq_random_delivery_id(id);
		lq_buf_addf(&payload, "{\"delivery_id\":\"%s\",\"event\":\"%s\",%s",
			    id, lq_alert_name(event), body);
		lq_outbox_row r = {
			.delivery_id = id, .webhook_id = svc->webhooks[i].id,
			.url = svc->webhooks[i].url, .secret = svc->webhooks[i].secret,
			.event = (char *)lq_alert_name(event), .lead_id = lead->id,
			.payload = payload.data, .created_at = svc->now,
			.next_at = svc->now, .status = LQ_OUTBOX_PENDING,
			.max_attempts = svc->webhooks[i].max_attempts,
		};
		int rc = lq_store_outbox_add(svc->store, &r, err);
		lq_buf_free(&payload);
		if (rc)
			return rc;
	}
	return 0;
}

int lq_alert_stage_change(lq_service *svc, const lq_lead *lead, lq_stage from,
			  lq_time at, const char *actor, const char *reason,
			  lq_error *err)
{
	char t[LQ_TIME_STRLEN];
	lq_buf body = LQ_BUF_INIT;
	int rc;

	lq_time_format(at, t);
	lq_buf_addf(&body, "\"at\":\"%s\",\"from\":", t);
	if (from == LQ_STAGE_NONE)
		lq_buf_adds(&body, "null");
	else
		lq_buf_add_json_str(&body, lq_stage_name(from));
	lq_buf_addf(&body, ",\"to\":\"%s\",\"actor\":", lq_stage_name(lead->stage));
	lq_buf_add_json_str(&body, actor ? actor : "");
	lq_buf_adds(&body, ",\"reason\":");
	reason ? lq_buf_add_json_str(&body, reason) : lq_buf_adds(&body, "null");
	lq_buf_adds(&body, ",\"lead\":");
	json_lead(&body, lead);
	lq_buf_adds(&body, "}");
	rc = emit(svc, LQ_ALERT_STAGE_CHANGED, lead, lq_buf_str(&body), err);
	if (rc == 0 && lead->stage == LQ_STAGE_MQL)
		rc = emit(svc, LQ_ALERT_MQL, lead, lq_buf_str(&body), err);
	lq_buf_free(&body);
	return rc;
}

int lq_alert_sla_overdue(lq_service *svc, const lq_lead *lead, lq_time due,
			 lq_error *err)
{
	char t[LQ_TIME_STRLEN], d[LQ_TIME_STRLEN];
	lq_buf body = LQ_BUF_INIT;
	lq_time_format(svc->now, t);
	lq_time_format(due, d);
	lq_buf_addf(&body, "\"at\":\"%s\",\"due\":\"%s\",\"late_seconds\":%lld,\"lead\":",
		    t, d, (long long)((svc->now - due) / 1000));
	json_lead(&body, lead);
	lq_buf_adds(&body, "}");
	int rc = emit(svc, LQ_ALERT_SLA_OVERDUE, lead, lq_buf_str(&body), err);
	lq_buf_free(&body);
	return rc;
}

int lq_alerts_sync_model(lq_service *svc, const lq_model *m, lq_error *err)
{
	int rc = lq_store_webhooks_remove_origin(svc->store, "model", err);
	for (size_t i = 0; rc == 0 && i < m->nwebhooks; i++) {
		char events[128];
		lq_alert_format_list(m->webhooks[i].events, events, sizeof events);
		lq_webhook w = {.url = m->webhooks[i].url, .events = events,
				.secret = m->webhooks[i].secret, .origin = "model",
				.created_at = svc->now,
				.max_attempts = m->webhooks[i].max_attempts};
		rc = lq_store_webhook_add(svc->store, &w, err);
	}
	svc->webhooks_loaded = 0;
	return rc;
}
