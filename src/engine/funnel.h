/*
 * funnel.h - funnel maths: from per-lead stage histories to cohort entries,
 * and from entries to counts, conversion rates and stage-to-stage times per
 * group. Pure: no I/O, no clock; the caller (service/funnel.c) gathers the
 * histories and labels every lead with its group.
 *
 * Definitions (README "Funnel" says the same for users):
 *
 * - A history is a lead's stage changes in the order they were recorded.
 *   It is not re-sorted by time: an imported change dated earlier than the
 *   one before it is still the next step; its duration comes out below
 *   zero and is left out of time statistics (counted in `left_out`), while
 *   the conversion still counts.
 * - Cohort mql: every entry into mql is one cohort entry (a recycled lead
 *   that re-qualifies makes a second one). A change into sal..won straight
 *   from outside the funnel (no stage yet, subscriber, lead, nurture,
 *   disqualified) is an entry too: by the monotone rule it passed mql.
 *   What an entry reached is read from its change up to the next entry.
 * - Cohort created: one entry per lead, at created_at (else its first
 *   change), covering its whole history.
 * - Monotone: an entry reached stage k when it reached k or any later
 *   main-path stage (mql -> won counts for sal, sql and sqo).
 * - Outcome of an entry: won when it reached won; else lost, nurture or
 *   disqualified when its last change went there; else open.
 * - Time k -> k+1: from the first entry into k to the first entry into k+1
 *   after it, within the cohort entry; skipped stages have no time. Time to
 *   won: from the cohort entry's time to its first entry into won.
 * - Median: the middle value; for an even count, the mean of the two
 *   middle values. p90: nearest rank, the value at 1-based rank
 *   ceil(0.9 n) of the sorted values.
 * - --from/--to select entries by entry time, from inclusive, to exclusive.
 */
#ifndef LQ_FUNNEL_H
#define LQ_FUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/stage.h"
#include "core/time.h"

#define LQ_FUNNEL_MAX_STAGES 7          /* subscriber .. won */
#define LQ_FUNNEL_MAX_RATES 16
#define LQ_FUNNEL_ALL "(all)"           /* the total row's group */

typedef enum lq_funnel_cohort {
	LQ_FUNNEL_MQL = 0,
	LQ_FUNNEL_CREATED,
} lq_funnel_cohort;

typedef enum lq_funnel_period {
	LQ_PERIOD_NONE = 0,
	LQ_PERIOD_MONTH,                /* "2018-03" (UTC) */
	LQ_PERIOD_WEEK,                 /* ISO week, "2018-W09" */
} lq_funnel_period;

typedef struct lq_funnel_step {
	lq_stage to;
	lq_time at;
} lq_funnel_step;

/* One lead: its group label and its history (borrowed). */
typedef struct lq_funnel_lead {
	const char *group;              /* NULL counts as "" */
	lq_time created_at;             /* 0 when unknown */
	const lq_funnel_step *steps;    /* in recorded order */
	size_t nsteps;
} lq_funnel_lead;

typedef struct lq_funnel_opts {
	lq_funnel_cohort cohort;
	int has_from, has_to;
	lq_time from, to;               /* entries with from <= time < to */
	lq_funnel_period group_period;  /* group by the entry's period */
	lq_funnel_period trend;         /* split each group by period */
} lq_funnel_opts;

/* Durations in milliseconds; median and p90 are NAN when n is 0. */
typedef struct lq_funnel_stat {
	size_t n;
	size_t left_out;                /* below zero, not in n */
	double median;
	double p90;
} lq_funnel_stat;

typedef struct lq_funnel_row {
	char *group;
	char *period;                   /* NULL unless trend */
	size_t entries;                 /* cohort entries */
	size_t leads;                   /* distinct leads among them */
	size_t reached[LQ_FUNNEL_MAX_STAGES];   /* per result stage */
	size_t won, lost, nurture, disqualified, open;
	lq_funnel_stat step[LQ_FUNNEL_MAX_STAGES - 1];  /* stage i -> i+1 */
	lq_funnel_stat to_won;          /* cohort entry -> won */
} lq_funnel_row;

typedef struct lq_funnel_result {
	lq_funnel_cohort cohort;
	size_t nstages;                 /* 5 (mql..won) or 7 */
	lq_stage stages[LQ_FUNNEL_MAX_STAGES];
	lq_funnel_row total;            /* every entry, group "(all)" */
	lq_funnel_row *rows;            /* see lq_funnel_compute for order */
	size_t nrows;
	size_t no_time;                 /* created: leads with no time at all */
} lq_funnel_result;

/* Compute the funnel of n leads. Rows: one per group (per group and
 * period with a trend). Groups by period come in time order; other groups
 * by entries, most first, then by name. With periods (group_period or
 * trend) every group gets a row for every period from the first to the
 * last entry (empty ones included, so charts have no holes); more than
 * 100,000 rows is LQ_EINVAL. LQ_EINVAL when both group_period and
 * trend are set, or when from is not before to. Free with
 * lq_funnel_result_free. */
int lq_funnel_compute(const lq_funnel_lead *leads, size_t n,
		      const lq_funnel_opts *opts, lq_funnel_result *out,
		      lq_error *err);
void lq_funnel_result_free(lq_funnel_result *r);

/* num / den, NAN when den is 0. */
double lq_funnel_rate(size_t num, size_t den);

/* The conversion rates every front end shows, in a stable order: each
 * stage to the next, each earlier stage to won, then mql to sql. Fills
 * pairs of stage indexes into the result's stages; returns the count. */
typedef struct lq_funnel_pair {
	size_t from, to;
} lq_funnel_pair;
size_t lq_funnel_rate_pairs(const lq_funnel_result *r,
			    lq_funnel_pair *pairs, size_t max);

/* Median and p90 (definitions above) of v, which is sorted in place. */
double lq_funnel_median(int64_t *v, size_t n);
double lq_funnel_p90(int64_t *v, size_t n);

/* The label of the period holding t ("2018-03", "2018-W09"). */
void lq_funnel_period_label(lq_funnel_period p, lq_time t, char *out,
			    size_t outsz);
/* "month", "week"; NULL for none. */
const char *lq_funnel_period_name(lq_funnel_period p);
const char *lq_funnel_cohort_name(lq_funnel_cohort c);

#endif
