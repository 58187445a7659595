/*
 * funnel_period.c - the small pieces of funnel maths that are not about
 * histories: calendar periods (UTC month, ISO week) as integer keys and
 * labels, median and p90, the list of conversion rates shown, names.
 * Pure arithmetic: never reads the clock.
 */
#include "engine/funnel.h"
#include "engine/funnel_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/imap.h"

int64_t lq_funnel_period_key(lq_funnel_period p, lq_time t)
{
	int64_t days = lq_floor_div(t, LQ_MS_DAY), y;
	int m, d;
	if (p == LQ_PERIOD_MONTH) {
		lq_civil_from_days(days, &y, &m, &d);
		return y * 12 + (m - 1);
	}
	if (p == LQ_PERIOD_WEEK)   /* the Monday, as a day number */
		return lq_floor_div(lq_time_week_start(t), LQ_MS_DAY);
	return 0;
}

int64_t lq_funnel_period_next(lq_funnel_period p, int64_t key)
{
	return p == LQ_PERIOD_WEEK ? key + 7 : key + 1;
}

void lq_funnel_period_key_label(lq_funnel_period p, int64_t key, char *out,
				size_t outsz)
{
	if (p == LQ_PERIOD_MONTH) {
		int64_t y = lq_floor_div(key, 12);
		snprintf(out, outsz, "%04lld-%02u", (long long)y,
			 (unsigned)(key - y * 12 + 1));
	} else if (p == LQ_PERIOD_WEEK) {
		int year, week;
		lq_time_iso_week(key * LQ_MS_DAY, &year, &week);
		snprintf(out, outsz, "%04d-W%02d", year, week);
	} else if (outsz) {
		out[0] = '\0';
	}
}

void lq_funnel_period_label(lq_funnel_period p, lq_time t, char *out,
			    size_t outsz)
{
	lq_funnel_period_key_label(p, lq_funnel_period_key(p, t), out, outsz);
}

const char *lq_funnel_period_name(lq_funnel_period p)
{
	return p == LQ_PERIOD_MONTH ? "month" : p == LQ_PERIOD_WEEK ? "week" : NULL;
}

const char *lq_funnel_cohort_name(lq_funnel_cohort c)
{
	return c == LQ_FUNNEL_CREATED ? "created" : "mql";
}

double lq_funnel_median(int64_t *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, lq_int64_cmp);
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

double lq_funnel_p90(int64_t *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, lq_int64_cmp);
	return (double)v[(9 * n + 9) / 10 - 1];   /* rank ceil(0.9 n) */
}

double lq_funnel_rate(size_t num, size_t den)
{
	return den ? (double)num / (double)den : NAN;
}

static int stage_index(const lq_funnel_result *r, lq_stage s)
{
	for (size_t i = 0; i < r->nstages; i++)
		if (r->stages[i] == s)
			return (int)i;
	return -1;
}

size_t lq_funnel_rate_pairs(const lq_funnel_result *r, lq_funnel_pair *pairs,
			    size_t max)
{
	size_t n = 0, last = r->nstages ? r->nstages - 1 : 0;
	int mql = stage_index(r, LQ_STAGE_MQL), sql = stage_index(r, LQ_STAGE_SQL);
	for (size_t i = 0; i + 1 < r->nstages && n < max; i++)
		pairs[n++] = (lq_funnel_pair){i, i + 1};
	for (size_t i = 0; i + 2 < r->nstages && n < max; i++)
		pairs[n++] = (lq_funnel_pair){i, last};
	if (mql >= 0 && sql >= 0 && n < max)
		pairs[n++] = (lq_funnel_pair){(size_t)mql, (size_t)sql};
	return n;
}
