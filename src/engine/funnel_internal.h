/*
 * funnel_internal.h - calendar period keys shared by funnel.c and
 * funnel_period.c; not part of the engine's interface.
 *
 * A key is an integer that orders periods: months since year 0 (UTC) for
 * LQ_PERIOD_MONTH, the day number (since 1970-01-01) of the ISO week's
 * Monday for LQ_PERIOD_WEEK, 0 for LQ_PERIOD_NONE.
 */
#ifndef LQ_FUNNEL_INTERNAL_H
#define LQ_FUNNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/funnel.h"

int64_t lq_funnel_period_key(lq_funnel_period p, lq_time t);
int64_t lq_funnel_period_next(lq_funnel_period p, int64_t key);
void lq_funnel_period_key_label(lq_funnel_period p, int64_t key, char *out,
				size_t outsz);

#endif
