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

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t lq_funnel_period_key(lq_funnel_period p, lq_time t)
{
	int64_t days = floor_div(t, LQ_MS_DAY), y;
	unsigned m, d;
	if (p == LQ_PERIOD_MONTH) {
		civil_from_days(days, &y, &m, &d);
		return y * 12 + (m - 1);
	}
	if (p == LQ_PERIOD_WEEK)   /* the Monday; 1970-01-01 was a Thursday */
		return days - (days + 3 - floor_div(days + 3, 7) * 7);
	return 0;
}

int64_t lq_funnel_period_next(lq_funnel_period p, int64_t key)
{
	return p == LQ_PERIOD_WEEK ? key + 7 : key + 1;
}

void lq_funnel_period_key_label(lq_funnel_period p, int64_t key, char *out,
				size_t outsz)
{
	int64_t y;
	unsigned m, d;
	if (p == LQ_PERIOD_MONTH) {
		y = floor_div(key, 12);
		snprintf(out, outsz, "%04lld-%02u", (long long)y,
			 (unsigned)(key - y * 12 + 1));
	} else if (p == LQ_PERIOD_WEEK) {
		/* the ISO year and week are those of the week's Thursday */
		int64_t thursday = key + 3;
		civil_from_days(thursday, &y, &m, &d);
		int64_t ordinal = thursday - days_from_civil(y, 1, 1);
		snprintf(out, outsz, "%04lld-W%02u", (long long)y,
			 (unsigned)(ordinal / 7 + 1));
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

static int cmp_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

double lq_funnel_median(int64_t *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_i64);
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

double lq_funnel_p90(int64_t *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_i64);
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
