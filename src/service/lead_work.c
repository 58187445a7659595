/*
 * lead_work.c - load, score, move and save one lead inside a write
 * operation. The only place the service turns engine results into stored
 * scores and stage history.
 */
#include "service/lead_work.h"

#include <stdlib.h>
#include <string.h>

#include "engine/routing.h"
#include "engine/stage_auto.h"
#include "service/alerts.h"

static void work_env(const lq_lead_work *w, const lq_event *ev,
		     lq_eval_env *env)
{
	memset(env, 0, sizeof *env);
	env->lead = &w->lead;
	env->account = w->has_account ? &w->account : NULL;
	env->event = ev;
}

void lq_work_refit(lq_service *svc, lq_lead_work *w)
{
	if (!svc->model)
		return;
	lq_eval_env env;
	work_env(w, NULL, &env);
	lq_fit_compute(svc->model, &w->lead, env.account, &w->fit);
	w->score_dirty = 1;
}

static void advance_clock(lq_service *svc, lq_lead_work *w, lq_time t)
{
	if (t > svc->now)
		t = svc->now;
	if (t > w->clock)
		w->clock = t;
}

lq_lead_work *lq_work_new(lq_service *svc, lq_lead *lead, lq_account *account)
{
	lq_lead_work *w = lq_xcalloc(1, sizeof *w);
	w->lead = *lead;
	lq_lead_init(lead);
	lq_account_init(&w->account);
	if (account) {
		w->account = *account;
		w->has_account = 1;
		lq_account_init(account);
	}
	if (svc->model)
		lq_engagement_init(&w->eng, svc->model);
	advance_clock(svc, w, w->lead.created_at);
	lq_work_refit(svc, w);
	return w;
}

static void replay_start(lq_service *svc, lq_lead_work *w)
{
	lq_engagement_free(&w->eng);
	lq_engagement_init(&w->eng, svc->model);
	w->score_dirty = 1;
}

void lq_work_replay_event(lq_service *svc, lq_lead_work *w,
			  const lq_event *ev)
{
	lq_eval_env env;
	if (ev->at < w->lead.engagement_since)
		return;
	work_env(w, ev, &env);
	lq_engagement_add(&w->eng, svc->model, &env, svc->now);
	advance_clock(svc, w, ev->at);
}

/* Rebuild the engagement state from every stored event of the lead. */
static int work_replay(lq_service *svc, lq_lead_work *w, lq_error *err)
{
	lq_event *ev = NULL;
	size_t n = 0;
	int rc = lq_store_lead_events(svc->store, w->lead.id, &ev, &n, err);
	if (rc)
		return rc;
	replay_start(svc, w);
	for (size_t i = 0; i < n; i++)
		lq_work_replay_event(svc, w, &ev[i]);
	lq_events_free(ev, n);
	return 0;
}

static int work_load_score(lq_service *svc, lq_lead_work *w, lq_error *err)
{
	lq_score_row row;
	memset(&row, 0, sizeof row);
	int rc = lq_store_score_get(svc->store, w->lead.id, &row, err);
	if (rc == LQ_ENOTFOUND) {
		lq_error_clear(err);
		return work_replay(svc, w, err);
	}
	if (rc)
		return rc;
	if (row.model_version == svc->model_version &&
	    lq_engagement_decode(row.state, row.state_len, svc->model,
				 &w->eng) == 0) {
		advance_clock(svc, w, row.scored_at);
		lq_score_row_free(&row);
		return 0;
	}
	lq_score_row_free(&row);
	return work_replay(svc, w, err);
}

int lq_work_load(lq_service *svc, int64_t lead_id, lq_lead_work **out,
		 lq_error *err)
{
	lq_lead_work *w = lq_xcalloc(1, sizeof *w);
	int rc;

	lq_lead_init(&w->lead);
	lq_account_init(&w->account);
	rc = lq_store_lead_get(svc->store, lead_id, &w->lead, err);
	if (rc)
		goto fail;
	if (w->lead.account_id) {
		rc = lq_store_account_get(svc->store, w->lead.account_id,
					  &w->account, err);
		if (rc)
			goto fail;
		w->has_account = 1;
	}
	advance_clock(svc, w, w->lead.created_at);
	if (svc->model) {
		lq_work_refit(svc, w);
		w->score_dirty = 0;
		rc = work_load_score(svc, w, err);
		if (rc)
			goto fail;
	}
	*out = w;
	return 0;
fail:
	lq_work_free(w);
	return rc;
}

/* Entering mql: a new cycle, and an owner from the routing rules or the
 * round robin when the lead has none. */
static int enter_mql(lq_service *svc, lq_lead_work *w, lq_time at,
		     lq_error *err)
{
	lq_eval_env env;
	const char *owner;
	w->lead.cycle++;
	if (!svc->model || w->lead.owner)
		return 0;
	work_env(w, NULL, &env);
	lq_fit_to_env(&w->fit, lq_engagement_at(&w->eng, svc->model, at), &env);
	owner = lq_route_by_rules(svc->model, &env);
	if (!owner && svc->model->nround_robin) {
		int64_t counter;
		int rc = lq_store_counter_next(svc->store, "round_robin", &counter, err);
		if (rc)
			return rc;
		owner = lq_route_round_robin(svc->model, counter);
	}
	w->lead.owner = lq_xstrdup(owner);
	return 0;
}

/* Entering nurture with `on_recycle: reset_engagement`: what the lead did
 * before no longer counts. */
static void enter_nurture(lq_service *svc, lq_lead_work *w, lq_time at)
{
	if (!svc->model || !svc->model->on_recycle_reset)
		return;
	w->lead.engagement_since = at;
	lq_engagement_free(&w->eng);
	lq_engagement_init(&w->eng, svc->model);
	w->score_dirty = 1;
}

int lq_work_set_stage(lq_service *svc, lq_lead_work *w, lq_stage to,
		      lq_time at, const char *actor, const char *reason,
		      lq_error *err)
{
	lq_stage from = w->lead.stage;
	lq_stage_change c = {
		.lead_id = w->lead.id, .from = from, .to = to,
		.at = at, .actor = (char *)actor, .reason = (char *)reason,
	};
	int rc = lq_store_stage_add(svc->store, &c, err);
	if (rc == 0 && to == LQ_STAGE_MQL)
		rc = enter_mql(svc, w, at, err);
	if (rc)
		return rc;
	if (to == LQ_STAGE_NURTURE)
		enter_nurture(svc, w, at);
	w->lead.stage = to;
	w->lead.stage_at = at;
	w->lead_dirty = 1;
	return lq_alert_stage_change(svc, &w->lead, from, at, actor, reason, err);
}

int lq_work_import_stage(lq_service *svc, lq_lead_work *w, lq_stage to,
			 lq_time at, const char *actor, const char *reason,
			 lq_error *err)
{
	lq_stage_change c = {
		.lead_id = w->lead.id, .from = w->lead.stage, .to = to,
		.at = at, .actor = (char *)actor, .reason = (char *)reason,
	};
	int rc = lq_store_stage_add(svc->store, &c, err);
	if (rc)
		return rc;
	if (to == LQ_STAGE_MQL && w->lead.stage != LQ_STAGE_MQL)
		w->lead.cycle++;
	w->lead.stage = to;
	w->lead.stage_at = at;
	w->lead_dirty = 1;
	return 0;
}

int lq_work_check_stage(lq_service *svc, lq_lead_work *w, const lq_event *ev,
			lq_time at, size_t *stage_changes, lq_error *err)
{
	lq_eval_env env;
	lq_stage_decision d;

	if (!svc->model)
		return 0;
	work_env(w, ev, &env);
	lq_fit_to_env(&w->fit, lq_engagement_at(&w->eng, svc->model, at), &env);
	if (!lq_stage_auto(svc->model, w->lead.stage, &w->fit, &env, &d))
		return 0;
	if (stage_changes)
		(*stage_changes)++;
	return lq_work_set_stage(svc, w, d.to, at, "model", d.reason, err);
}

int lq_work_add_event(lq_service *svc, lq_lead_work *w, const lq_event *ev,
		      size_t *stage_changes, lq_error *err)
{
	lq_eval_env env;
	advance_clock(svc, w, ev->at);
	if (!svc->model || ev->at < w->lead.engagement_since)
		return 0;
	work_env(w, ev, &env);
	lq_engagement_add(&w->eng, svc->model, &env, svc->now);
	w->score_dirty = 1;
	return lq_work_check_stage(svc, w, ev, w->clock, stage_changes, err);
}

static int work_save_score(lq_service *svc, lq_lead_work *w, lq_error *err)
{
	lq_buf state = LQ_BUF_INIT;
	lq_score_row row;
	double eng = lq_engagement_at(&w->eng, svc->model, w->clock);

	lq_engagement_encode(&w->eng, &state);
	memset(&row, 0, sizeof row);
	row.lead_id = w->lead.id;
	row.model_version = svc->model_version;
	row.fit = w->fit.fit;
	row.channel = w->fit.channel;
	row.grade = w->fit.grade;
	row.engagement = eng;
	row.score = w->fit.fit + w->fit.channel + eng;
	row.scored_at = w->clock;
	row.disqualified_by = w->fit.disq_rule >= 0
		? svc->model->fit[w->fit.disq_rule].name : NULL;
	row.state = state.data;
	row.state_len = state.len;
	int rc = lq_store_score_put(svc->store, &row, err);
	lq_buf_free(&state);
	return rc;
}

int lq_work_save(lq_service *svc, lq_lead_work *w, lq_error *err)
{
	int rc = 0;
	if (w->lead_dirty) {
		rc = lq_store_lead_put(svc->store, &w->lead, err);
		if (rc)
			return rc;
		w->lead_dirty = 0;
	}
	if (w->score_dirty && svc->model) {
		rc = work_save_score(svc, w, err);
		if (rc)
			return rc;
		w->score_dirty = 0;
	}
	return 0;
}

void lq_work_free(lq_lead_work *w)
{
	if (!w)
		return;
	lq_lead_free(&w->lead);
	lq_account_free(&w->account);
	lq_engagement_free(&w->eng);
	free(w);
}

void lq_workset_init(lq_workset *ws, size_t limit)
{
	memset(ws, 0, sizeof *ws);
	ws->limit = limit;
}

int lq_workset_get(lq_service *svc, lq_workset *ws, int64_t lead_id,
		   lq_lead_work **out, lq_error *err)
{
	lq_lead_work *w = lq_imap_get(&ws->map, lead_id);
	if (w) {
		*out = w;
		return 0;
	}
	if (ws->limit && ws->map.n >= ws->limit) {
		int rc = lq_workset_flush(svc, ws, err);
		if (rc)
			return rc;
	}
	int rc = lq_work_load(svc, lead_id, &w, err);
	if (rc)
		return rc;
	lq_imap_put(&ws->map, lead_id, w);
	*out = w;
	return 0;
}

void lq_workset_adopt(lq_workset *ws, lq_lead_work *w)
{
	lq_imap_put(&ws->map, w->lead.id, w);
}

int lq_workset_reserve(lq_service *svc, lq_workset *ws, size_t n,
		       lq_error *err)
{
	if (!ws->limit || ws->map.n + n <= ws->limit)
		return 0;
	return lq_workset_flush(svc, ws, err);
}

/* The held works, gathered to be saved in lead id order. */
typedef struct gather {
	lq_lead_work **w;
	size_t n;
} gather;

static void gather_one(void *ctx, void *val)
{
	gather *g = ctx;
	g->w[g->n++] = val;
}

static int cmp_work_id(const void *a, const void *b)
{
	int64_t x = (*(lq_lead_work *const *)a)->lead.id;
	int64_t y = (*(lq_lead_work *const *)b)->lead.id;
	return (x > y) - (x < y);
}

/* Saved in lead id order: the score and lead rows are written walking
 * their B-trees forward, not at random (the map's order). */
int lq_workset_flush(lq_service *svc, lq_workset *ws, lq_error *err)
{
	gather g = {lq_xmalloc((ws->map.n ? ws->map.n : 1) * sizeof *g.w), 0};
	int rc = 0;
	lq_imap_each(&ws->map, gather_one, &g);
	qsort(g.w, g.n, sizeof *g.w, cmp_work_id);
	for (size_t i = 0; i < g.n; i++) {
		if (rc == 0)
			rc = lq_work_save(svc, g.w[i], err);
		lq_work_free(g.w[i]);
	}
	free(g.w);
	lq_imap_clear(&ws->map);
	return rc;
}

static void free_one(void *ctx, void *val)
{
	lq_work_free(val);
}

void lq_workset_free(lq_workset *ws)
{
	lq_imap_each(&ws->map, free_one, NULL);
	lq_imap_free(&ws->map);
}
