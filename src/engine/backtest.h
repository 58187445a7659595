/*
 * backtest.h - replaying stored history under a scoring model: when would
 * each lead have become an MQL, and how good would those MQLs have been
 * (precision, recall, lead time to won), per ISO week, optionally cut to a
 * sales capacity of N MQLs a week. Pure: no I/O, no clock. The service
 * feeds it one lead at a time (model, lead, account, the lead's events
 * sorted by time, the lead's outcome times) and reads a report at the end.
 * Never reads the store, never writes anything.
 *
 * Semantics (README "Backtesting" says the same for users):
 *
 * - Replay. A lead is evaluated the way live ingest does it, with the
 *   clock moving forward: at created_at (fit alone, no event) and after
 *   each event, in time order, at t = max(created_at, event time so far).
 *   The event is folded into the engine's incremental engagement state
 *   with now = t, then the model's automatic stage decision runs
 *   (lq_stage_auto from a marketing stage): a disqualifier ends the
 *   replay (never an MQL), a hand-raiser event or the mql criteria at t
 *   make the lead an MQL at t. Only what happened up to t is used.
 * - A lead becomes an MQL at most once per backtest (recycles through
 *   nurture are not replayed: what sales would have done with the model's
 *   MQLs is unknowable).
 * - The replay stops at the lead's stop time (the service passes the
 *   first time the stored history shows it at sql or beyond): from then
 *   on sales had it and no model could have qualified it.
 * - Outcomes come from the stored stage history, monotone: reaching sqo or
 *   won counts as reaching sql at that time.
 * - An MQL at time m "leads to" an outcome at time o when m <= o.
 *   Precision: of the MQLs whose time is in the window, the share that led
 *   to sql (resp. won). Recall: of the leads whose won time is in the
 *   window, the share with an MQL (kept, under capacity) that led to won,
 *   wherever that MQL falls. Lead time: won time - MQL time for the MQLs
 *   in the precision numerator; the median is reported.
 * - Weeks are ISO weeks (Monday 00:00 UTC). MQL columns count by the week
 *   of the MQL, won/recall columns by the week of the win.
 * - Capacity N: in every ISO week the N best MQLs by score at their MQL
 *   time are kept (ties: earlier first, then input order) and the rest are
 *   dropped for good: as if sales worked the top N of each week's MQLs.
 */
#ifndef LQ_BACKTEST_H
#define LQ_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/lead.h"
#include "core/stage.h"
#include "core/time.h"
#include "model/model.h"

#define LQ_BACKTEST_MAX_MODELS 2
/* A time that never came (no MQL, never reached sql, never won). */
#define LQ_BACKTEST_NEVER INT64_MAX

/* ---- outcomes ------------------------------------------------------------ */

/* When a lead reached sales' stages in the stored history. */
typedef struct lq_backtest_outcome {
	lq_time sql_at;     /* first entry into sql, sqo or won; NEVER */
	lq_time won_at;     /* first entry into won; NEVER */
} lq_backtest_outcome;

void lq_backtest_outcome_init(lq_backtest_outcome *o);
/* Fold one stored stage change (to, at) of the lead into o; any order. */
void lq_backtest_outcome_add(lq_backtest_outcome *o, lq_stage to, lq_time at);

/* ---- one lead's replay --------------------------------------------------- */

typedef struct lq_backtest_hit {
	int mql;            /* 1 when the lead would have become an MQL */
	lq_time at;         /* when; LQ_BACKTEST_NEVER when not */
	double score;       /* fit + channel + engagement at that time */
	int hand_raiser;    /* qualified by a hand-raiser event */
	int disqualified;   /* a disqualifier matched: never an MQL */
	size_t events;      /* events folded into the engagement state */
} lq_backtest_hit;

/* Replay lead (account may be NULL) and its events (sorted by time, then
 * id; borrowed) under m, evaluating only at times before stop_at
 * (LQ_BACKTEST_NEVER: no stop). A lead with created_at 0 (unknown) is
 * first evaluated at its first event. Fills out. */
void lq_backtest_replay(const lq_model *m, const lq_lead *lead,
			const lq_account *account, const lq_event *events,
			size_t n, lq_time stop_at, lq_backtest_hit *out);

/* ---- ISO weeks ----------------------------------------------------------- */

/* Monday 00:00 UTC of the ISO week holding t. */
lq_time lq_backtest_week_start(lq_time t);
/* ISO year and week number (1..53) of the week starting at monday. */
void lq_backtest_iso_week(lq_time monday, int *year, int *week);

/* ---- accumulating leads into a report ------------------------------------ */

typedef struct lq_backtest_opts {
	size_t nmodels;     /* 1..LQ_BACKTEST_MAX_MODELS */
	lq_time from;       /* window [from, to) on MQL and won times; */
	lq_time to;         /* LQ_TIME_MIN / LQ_BACKTEST_NEVER: open */
	size_t capacity;    /* MQLs kept per ISO week; 0: no cap */
} lq_backtest_opts;

/* nmodels models, an open window, no capacity. */
void lq_backtest_opts_init(lq_backtest_opts *o, size_t nmodels);

/* Counts and ratios of one model over one week or the whole window.
 * Ratios are NAN when their denominator is 0. */
typedef struct lq_backtest_stats {
	size_t candidates;  /* MQLs the model made (before capacity) */
	size_t mqls;        /* MQLs kept (== candidates without capacity) */
	size_t to_sql;      /* kept MQLs that led to sql */
	size_t to_won;      /* kept MQLs that led to won */
	double precision_sql, precision_won;   /* to_x / mqls */
	size_t won;         /* leads won (won time in the week / window) */
	size_t caught;      /* of those, with a kept MQL that led to won */
	size_t caught_uncapped; /* with any MQL that led to won */
	double recall;      /* caught / won */
	double recall_uncapped; /* caught_uncapped / won */
	double median_days; /* median MQL -> won lead time of to_won, days */
	double cutoff;      /* capacity: lowest kept score of a week where
			       MQLs were dropped (week rows only); NAN */
} lq_backtest_stats;

typedef struct lq_backtest_week {
	lq_time start;      /* Monday 00:00 UTC */
	int iso_year, iso_week;
	lq_backtest_stats m[LQ_BACKTEST_MAX_MODELS];
} lq_backtest_week;

typedef struct lq_backtest_report {
	size_t nmodels;
	size_t capacity;
	lq_backtest_week *weeks;   /* every week from the first to the last
				      one with an MQL or a win in the window */
	size_t nweeks;
	lq_backtest_stats total[LQ_BACKTEST_MAX_MODELS];
	/* capacity: the smallest fixed rule "score at MQL time > threshold"
	 * that keeps every week within capacity (the (N+1)-th best score of
	 * the busiest week); has_threshold 0 when no week was over */
	int has_threshold[LQ_BACKTEST_MAX_MODELS];
	double threshold[LQ_BACKTEST_MAX_MODELS];
	size_t leads;              /* leads added */
	size_t events;             /* events replayed, every model summed */
} lq_backtest_report;

typedef struct lq_backtest lq_backtest;

/* A new accumulator. Caller frees with lq_backtest_free. */
lq_backtest *lq_backtest_new(const lq_backtest_opts *opts);
void lq_backtest_free(lq_backtest *b);   /* NULL is a no-op */

/* Count one lead: its outcome and its replay under each model
 * (hits[opts->nmodels]). Keeps a small record (under 64 bytes) only for
 * leads with an MQL under some model or a win in the window. */
void lq_backtest_add(lq_backtest *b, const lq_backtest_outcome *o,
		     const lq_backtest_hit *hits);

/* Rank, count and fill out (caller frees with lq_backtest_report_free).
 * b may be added to and reported again afterwards. */
void lq_backtest_report_make(const lq_backtest *b, lq_backtest_report *out);
void lq_backtest_report_free(lq_backtest_report *r);

#endif
