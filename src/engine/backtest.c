/*
 * backtest.c - one lead's replay under a model (when would it have become
 * an MQL), the outcome times a stored stage history gives, and the ISO
 * week calendar. Pure: the clock is the events' own time; never reads the
 * system clock, never touches storage. Counting is in backtest_report.c.
 */
#include "engine/backtest.h"

#include <string.h>

#include "engine/engagement.h"
#include "engine/fit.h"
#include "engine/stage_auto.h"
#include "engine/stage_machine.h"

/* ---- outcomes ------------------------------------------------------------ */

void lq_backtest_outcome_init(lq_backtest_outcome *o)
{
	o->sql_at = LQ_BACKTEST_NEVER;
	o->won_at = LQ_BACKTEST_NEVER;
}

void lq_backtest_outcome_add(lq_backtest_outcome *o, lq_stage to, lq_time at)
{
	if (lq_stage_rank(to) >= lq_stage_rank(LQ_STAGE_SQL) && at < o->sql_at)
		o->sql_at = at;
	if (to == LQ_STAGE_WON && at < o->won_at)
		o->won_at = at;
}

/* ---- replay -------------------------------------------------------------- */

typedef struct replay {
	const lq_model *m;
	const lq_lead *lead;
	const lq_account *account;
	lq_fit_result fit;
	lq_engagement eng;
	lq_backtest_hit *out;
} replay;

/* The model's automatic decision at t (event may be NULL). Returns 1 when
 * the replay is over: the lead became an MQL or was disqualified. */
static int decide(replay *r, const lq_event *ev, lq_time t)
{
	lq_eval_env env = {.lead = r->lead, .account = r->account, .event = ev};
	lq_stage_decision d;
	double eng = lq_engagement_at(&r->eng, r->m, t);

	lq_fit_to_env(&r->fit, eng, &env);
	if (!lq_stage_auto(r->m, LQ_STAGE_LEAD, &r->fit, &env, &d))
		return 0;
	if (d.to == LQ_STAGE_DISQUALIFIED) {
		r->out->disqualified = 1;
		return 1;
	}
	if (d.to != LQ_STAGE_MQL)
		return 0;
	r->out->mql = 1;
	r->out->at = t;
	r->out->score = env.score;
	r->out->hand_raiser = strncmp(d.reason, "hand-raiser", 11) == 0;
	return 1;
}

/* Fold event ev into the engagement state at t, then decide. */
static int step(replay *r, const lq_event *ev, lq_time t)
{
	lq_eval_env env = {.lead = r->lead, .account = r->account, .event = ev};

	lq_engagement_add(&r->eng, r->m, &env, t);
	r->out->events++;
	return decide(r, ev, t);
}

void lq_backtest_replay(const lq_model *m, const lq_lead *lead,
			const lq_account *account, const lq_event *events,
			size_t n, lq_time stop_at, lq_backtest_hit *out)
{
	replay r = {.m = m, .lead = lead, .account = account, .out = out};
	lq_time clock = lead->created_at;
	int started = lead->created_at != 0, over = 0;

	memset(out, 0, sizeof *out);
	out->at = LQ_BACKTEST_NEVER;
	lq_fit_compute(m, lead, account, &r.fit);
	lq_engagement_init(&r.eng, m);
	if (lead->created_at) {
		if (lead->created_at >= stop_at)
			over = 1;
		else
			over = decide(&r, NULL, lead->created_at);
	}
	for (size_t i = 0; i < n && !over; i++) {
		/* the lead's clock never goes back (as in live ingest) */
		lq_time t = started && clock > events[i].at ? clock : events[i].at;
		if (t >= stop_at)
			break;
		clock = t;
		started = 1;
		over = step(&r, &events[i], t);
	}
	lq_engagement_free(&r.eng);
}

/* ---- ISO weeks ----------------------------------------------------------- */

lq_time lq_backtest_week_start(lq_time t)
{
	return lq_time_week_start(t);
}

void lq_backtest_iso_week(lq_time monday, int *year, int *week)
{
	lq_time_iso_week(monday, year, week);
}
