/*
 * alerts.h - turning lifecycle changes into outbox rows, one per webhook
 * that listens to the event, written in the same transaction as the change
 * so that an alert is never lost and never sent for a change that was
 * rolled back. Delivery happens later (deliver.c). Private to src/service/.
 *
 * Events: mql (a lead became an MQL), stage_changed (any live transition),
 * sla_overdue (an MQL waited longer than the model's sal_sla).
 */
#ifndef LQ_ALERTS_H
#define LQ_ALERTS_H

#include "service/service.h"

/* (Re)load the webhooks from the store into svc. */
int lq_alerts_reload(lq_service *svc, lq_error *err);

/* A live stage change happened to lead (already updated to `to`). */
int lq_alert_stage_change(lq_service *svc, const lq_lead *lead,
			  lq_stage from, lq_time at, const char *actor,
			  const char *reason, lq_error *err);

/* lead (an MQL) is past its acceptance SLA, due at `due`. */
int lq_alert_sla_overdue(lq_service *svc, const lq_lead *lead, lq_time due,
			 lq_error *err);

/* Replace the model's webhooks in the store with those of m. */
int lq_alerts_sync_model(lq_service *svc, const lq_model *m, lq_error *err);

#endif
