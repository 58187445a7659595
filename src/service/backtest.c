/*
 * backtest.c - `leadq backtest`: load the model file(s), walk the stored
 * history and feed it to the pure replay in engine/backtest. Read-only:
 * never writes to the store, never opens a transaction (BEGIN IMMEDIATE
 * would lock writers out for the whole run).
 *
 * Streaming: one walk over the stage history keeps, per lead that reached
 * sql, two times (ordered by lead id, like the leads walk); then one walk
 * over the leads, by id, reads each lead's events, replays them under
 * every model and forgets them. Memory: one lead's events, the outcome
 * times of leads that reached sql, and the engine's small record per
 * qualified or won lead; never the event table.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/stage_machine.h"

/* Outcome times of one lead that reached sql (or beyond). */
typedef struct bt_outcome_row {
	int64_t lead_id;
	lq_backtest_outcome o;
} bt_outcome_row;

typedef struct bt_gather {
	lq_service *svc;
	const lq_backtest_request *rq;
	lq_model *const *models;
	lq_backtest *acc;
	bt_outcome_row *outs;      /* by lead id */
	size_t nouts, cap, cur;
	size_t events_read;
	lq_error *err;
} bt_gather;

/* ---- models -------------------------------------------------------------- */

/* Append the problems of one file to everything found so far. */
static void diags_append(lq_diags *all, lq_diags *one)
{
	for (size_t i = 0; i < one->n; i++) {
		if (all->n == all->cap) {
			all->cap = all->cap ? all->cap * 2 : 8;
			all->items = lq_xrealloc(all->items,
						 all->cap * sizeof *all->items);
		}
		all->items[all->n++] = one->items[i];
	}
	lq_diags_free(one);
}

/* The applied model, for the name LQ_BACKTEST_CURRENT. */
static int load_current(lq_service *svc, lq_model **out, lq_diags *diags,
			lq_error *err)
{
	lq_model_row row;
	memset(&row, 0, sizeof row);
	int rc = lq_store_model_current(svc->store, &row, err);
	if (rc == LQ_ENOTFOUND)
		return lq_error_set(err, LQ_EINVAL, "no model applied yet: "
				    "%s needs `leadq model apply FILE`",
				    LQ_BACKTEST_CURRENT);
	if (rc)
		return rc;
	rc = lq_model_load(row.text, strlen(row.text), LQ_BACKTEST_CURRENT,
			   out, diags, err);
	lq_model_row_free(&row);
	return rc;
}

static int load_models(lq_service *svc, const lq_backtest_request *rq,
		       lq_backtest_result *res, lq_diags *diags, lq_error *err)
{
	int first_rc = 0;

	for (size_t k = 0; k < rq->nmodels; k++) {
		lq_diags one = {0};
		lq_error e;
		int rc;

		lq_error_clear(&e);
		if (rq->texts[k])
			rc = lq_model_load(rq->texts[k], strlen(rq->texts[k]),
					   rq->files[k], &res->models[k], &one, &e);
		else if (strcmp(rq->files[k], LQ_BACKTEST_CURRENT) == 0)
			rc = load_current(svc, &res->models[k], &one, &e);
		else
			rc = lq_model_load_file(rq->files[k], &res->models[k],
						&one, &e);
		if (diags)
			diags_append(diags, &one);
		else
			lq_diags_free(&one);
		if (rc && !first_rc) {
			first_rc = rc;
			if (err)
				*err = e;
		}
	}
	return first_rc;
}

/* ---- outcomes: one walk over the stage history --------------------------- */

static int outcome_row(void *ctx, const lq_stage_change *c)
{
	bt_gather *g = ctx;

	if (lq_stage_rank(c->to) < lq_stage_rank(LQ_STAGE_SQL))
		return 0;
	if (g->nouts == 0 || g->outs[g->nouts - 1].lead_id != c->lead_id) {
		if (g->nouts == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 256;
			g->outs = lq_xrealloc(g->outs, g->cap * sizeof *g->outs);
		}
		g->outs[g->nouts].lead_id = c->lead_id;
		lq_backtest_outcome_init(&g->outs[g->nouts].o);
		g->nouts++;
	}
	lq_backtest_outcome_add(&g->outs[g->nouts - 1].o, c->to, c->at);
	return 0;
}

/* The outcome of lead id; the leads walk asks in increasing id order. */
static lq_backtest_outcome outcome_of(bt_gather *g, int64_t id)
{
	lq_backtest_outcome none;

	while (g->cur < g->nouts && g->outs[g->cur].lead_id < id)
		g->cur++;
	if (g->cur < g->nouts && g->outs[g->cur].lead_id == id)
		return g->outs[g->cur].o;
	lq_backtest_outcome_init(&none);
	return none;
}

/* ---- replay: one walk over the leads ------------------------------------- */

static int replay_lead(void *ctx, const lq_lead *lead,
		       const lq_account *account, const lq_score_row *score)
{
	bt_gather *g = ctx;
	lq_backtest_hit hits[LQ_BACKTEST_MAX_MODELS];
	lq_backtest_outcome o = outcome_of(g, lead->id);
	lq_event *ev = NULL;
	size_t n = 0;

	int rc = lq_store_lead_events(g->svc->store, lead->id, &ev, &n, g->err);
	if (rc)
		return rc;
	g->events_read += n;
	for (size_t k = 0; k < g->rq->nmodels; k++)
		lq_backtest_replay(g->models[k], lead, account, ev, n,
				   o.sql_at, &hits[k]);
	lq_backtest_add(g->acc, &o, hits);
	lq_events_free(ev, n);
	return 0;
}

static int gather(lq_service *svc, const lq_backtest_request *rq,
		  lq_backtest_result *res, lq_error *err)
{
	lq_lead_filter all = {.stage = LQ_STAGE_NONE};
	lq_backtest_opts opts;
	bt_gather g = {.svc = svc, .rq = rq, .models = res->models, .err = err};
	int rc;

	lq_backtest_opts_init(&opts, rq->nmodels);
	opts.from = rq->from;
	opts.to = rq->to;
	opts.capacity = rq->capacity;
	g.acc = lq_backtest_new(&opts);
	rc = lq_store_stage_changes_each(svc->store, outcome_row, &g, err);
	if (rc == 0)
		rc = lq_store_leads_each(svc->store, &all, replay_lead, &g, err);
	if (rc == 0) {
		lq_backtest_report_make(g.acc, &res->report);
		res->events_read = g.events_read;
	}
	lq_backtest_free(g.acc);
	free(g.outs);
	return rc;
}

void lq_backtest_request_init(lq_backtest_request *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->from = LQ_TIME_MIN;
	rq->to = LQ_BACKTEST_NEVER;
}

int lq_service_backtest(lq_service *svc, const lq_backtest_request *rq,
			lq_backtest_result *out, lq_diags *diags,
			lq_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (diags)
		memset(diags, 0, sizeof *diags);
	if (rq->nmodels < 1 || rq->nmodels > LQ_BACKTEST_MAX_MODELS)
		return lq_error_set(err, LQ_EINVAL, "backtest needs 1 or %d "
				    "model files", LQ_BACKTEST_MAX_MODELS);
	if (rq->from >= rq->to)
		return lq_error_set(err, LQ_EINVAL, "empty window: --from must "
				    "be before --to");
	rc = load_models(svc, rq, out, diags, err);
	if (rc == 0)
		rc = gather(svc, rq, out, err);
	if (rc)
		lq_backtest_result_free(out);
	return rc;
}

void lq_backtest_result_free(lq_backtest_result *r)
{
	if (!r)
		return;
	for (size_t k = 0; k < LQ_BACKTEST_MAX_MODELS; k++) {
		lq_model_free(r->models[k]);
		r->models[k] = NULL;
	}
	lq_backtest_report_free(&r->report);
}
