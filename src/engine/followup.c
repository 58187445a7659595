/*
 * followup.c - SLA due times and retry backoff.
 */
#include "engine/followup.h"

lq_time lq_sla_due(const lq_model *m, const lq_lead *lead)
{
	if (!m || m->sal_sla <= 0 || lead->stage != LQ_STAGE_MQL ||
	    lead->stage_at == 0)
		return 0;
	return lead->stage_at + m->sal_sla;
}

lq_dur lq_backoff_delay(int attempts, double u)
{
	lq_dur d = LQ_BACKOFF_BASE;
	for (int i = 1; i < attempts && d < LQ_BACKOFF_MAX; i++)
		d *= 2;
	if (d > LQ_BACKOFF_MAX)
		d = LQ_BACKOFF_MAX;
	if (u < 0)
		u = 0;
	if (u >= 1)
		u = 0.999999;
	return (lq_dur)((double)d * (0.8 + 0.4 * u));
}
