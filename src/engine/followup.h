/*
 * followup.h - service-level timing: when an MQL's acceptance is due (the
 * model's sal_sla), how late it is, and when a failed webhook delivery is
 * tried again (exponential backoff with jitter). Pure: now and the random
 * draw are parameters.
 */
#ifndef LQ_FOLLOWUP_H
#define LQ_FOLLOWUP_H

#include "core/lead.h"
#include "core/time.h"
#include "model/model.h"

/* When sales must have accepted or rejected this MQL; 0 when the lead is
 * not an MQL, its entry time is unknown, or the model has no sal_sla. */
lq_time lq_sla_due(const lq_model *m, const lq_lead *lead);

/* First retry after 30 s, doubling per failed attempt up to 1 h; u in
 * [0, 1) spreads it by +-20% so receivers that fail together do not get
 * retried together. attempts counts the failed attempts so far (>= 1). */
lq_dur lq_backoff_delay(int attempts, double u);

#define LQ_BACKOFF_BASE (30 * LQ_MS_SECOND)
#define LQ_BACKOFF_MAX LQ_MS_HOUR

#endif
