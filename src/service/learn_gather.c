/*
 * learn_gather.c - reading learning rows from the store: three walks in
 * lead-id order (stage history, leads, events) merged by lead id. The
 * history gives each lead its entry time (first mql or later stage) and
 * the furthest stage it reached; events are handed to the engine, which
 * counts only those at or before the entry time. Reads only; never
 * writes the store.
 */
#include "service/learn_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "engine/stage_machine.h"

int lq_outcome_parse(const char *s, lq_outcome *out, lq_error *err)
{
	memset(out, 0, sizeof *out);
	if (!s)
		s = "won";
	if (strncmp(s, "attr.", 5) == 0 && s[5] && strlen(s) < sizeof out->name) {
		out->is_attr = 1;
		snprintf(out->name, sizeof out->name, "%s", s);
		out->key = out->name + 5;
		return 0;
	}
	lq_stage st = lq_stage_parse(s);
	int rank = st == LQ_STAGE_NONE ? -1 : lq_stage_rank(st);
	if (rank <= lq_stage_rank(LQ_STAGE_MQL))
		return lq_error_set(err, LQ_EINVAL, "unknown outcome '%.60s' "
				    "(use won, sqo, sql, sal or attr.NAME for a "
				    "0/1 attribute)", s);
	out->rank = rank;
	snprintf(out->name, sizeof out->name, "%s", lq_stage_name(st));
	return 0;
}

int lq_outcome_attr_label(const lq_outcome *o, const lq_lead *lead)
{
	static const char *const yes[] = {"1", "true", "yes"};
	static const char *const no[] = {"0", "false", "no"};
	const lq_value *v = lq_attrs_get(&lead->attrs, o->key);
	if (!v)
		return -1;
	if (v->kind == LQ_V_NUM)
		return v->num == 1 ? 1 : v->num == 0 ? 0 : -1;
	for (size_t i = 0; v->kind == LQ_V_STR && i < 3; i++) {
		if (strcasecmp(v->str, yes[i]) == 0)
			return 1;
		if (strcasecmp(v->str, no[i]) == 0)
			return 0;
	}
	return -1;
}

static int enters_funnel(lq_stage s)
{
	return lq_stage_rank(s) >= lq_stage_rank(LQ_STAGE_MQL);
}

lq_time lq_learn_entry(const lq_stage_change *h, size_t n, lq_time as_of)
{
	for (size_t i = 0; i < n; i++)
		if (enters_funnel(h[i].to) && (!as_of || h[i].at < as_of))
			return h[i].at;
	return 0;
}

/* ---- pass 1: stage history ------------------------------------------------ */

typedef struct hist {
	int64_t lead_id;
	lq_time entry;       /* 0: never entered */
	int has_entry;
	int max_rank;        /* -1: no main-path stage */
} hist;

typedef struct hist_walk {
	hist *v;
	size_t n, cap;
	lq_time as_of;
} hist_walk;

static int on_change(void *ctx, const lq_stage_change *c)
{
	hist_walk *w = ctx;
	if (!w->n || w->v[w->n - 1].lead_id != c->lead_id) {
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 1024;
			w->v = lq_xrealloc(w->v, w->cap * sizeof *w->v);
		}
		w->v[w->n++] = (hist){c->lead_id, 0, 0, -1};
	}
	hist *h = &w->v[w->n - 1];
	if (w->as_of && c->at >= w->as_of)
		return 0;   /* after the cut-off: not known yet */
	int rank = lq_stage_rank(c->to);
	if (rank > h->max_rank)
		h->max_rank = rank;
	if (enters_funnel(c->to) && !h->has_entry) {
		h->entry = c->at;
		h->has_entry = 1;
	}
	return 0;
}

/* ---- pass 2: leads -------------------------------------------------------- */

typedef struct lead_walk {
	const lq_gather *g;
	lq_learn_data *d;
	lq_learn_scope *scope;
	hist_walk *h;
	size_t cur;
	lq_gather_extra *extras;
	size_t nextras, cap;
} lead_walk;

static const hist *find_hist(lead_walk *w, int64_t lead_id)
{
	while (w->cur < w->h->n && w->h->v[w->cur].lead_id < lead_id)
		w->cur++;
	if (w->cur < w->h->n && w->h->v[w->cur].lead_id == lead_id)
		return &w->h->v[w->cur];
	return NULL;
}

/* Learning: the entry time, or 0 when the lead is not part of it. */
static lq_time learn_entry(const lq_gather *g, const hist *h,
			   const lq_lead *lead)
{
	lq_time t = h && h->has_entry ? h->entry : lead->created_at;
	if (!t || (g->as_of && t >= g->as_of))
		return 0;
	return t;
}

static int label_of(const lq_gather *g, const hist *h, const lq_lead *lead)
{
	if (g->outcome->is_attr)
		return lq_outcome_attr_label(g->outcome, lead);
	int rank = h ? h->max_rank : g->as_of ? -1 : lq_stage_rank(lead->stage);
	return rank >= g->outcome->rank;
}

static void add_extra(lead_walk *w, const lq_lead *lead,
		      const lq_score_row *score)
{
	if (w->nextras == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1024;
		w->extras = lq_xrealloc(w->extras, w->cap * sizeof *w->extras);
	}
	lq_gather_extra *x = &w->extras[w->nextras++];
	memset(x, 0, sizeof *x);
	x->key = lq_xstrdup(lead->email ? lead->email : lead->external_id);
	x->stage = lead->stage;
	if (score) {
		x->scored = 1;
		x->score = score->score;
		x->grade = score->grade;
	}
}

static int on_lead(void *ctx, const lq_lead *lead, const lq_account *account,
		   const lq_score_row *score)
{
	lead_walk *w = ctx;
	const hist *h = find_hist(w, lead->id);
	lq_time entry;
	int label = -1;
	w->scope->leads++;
	if (w->g->predict) {
		entry = h && h->has_entry && h->entry < w->g->now ? h->entry
								     : w->g->now;
		add_extra(w, lead, score);
	} else {
		entry = learn_entry(w->g, h, lead);
		if (!entry) {
			w->scope->not_entered++;
			return 0;
		}
		label = label_of(w->g, h, lead);
		if (label < 0) {
			w->scope->unlabelled++;
			return 0;
		}
	}
	lq_learn_data_add_lead(w->d, lead, account, label, entry);
	return 0;
}

/* ---- pass 3: events ------------------------------------------------------- */

typedef struct event_walk {
	lq_learn_data *d;
	lq_learn_scope *scope;
	size_t cur;
} event_walk;

static int on_event(void *ctx, const lq_event *e)
{
	event_walk *w = ctx;
	lq_learn_data *d = w->d;
	while (w->cur < d->nrows && d->rows[w->cur].lead_id < e->lead_id)
		w->cur++;
	if (w->cur >= d->nrows || d->rows[w->cur].lead_id != e->lead_id)
		return 0;
	if (e->at <= d->rows[w->cur].entry)
		w->scope->events++;
	else
		w->scope->events_after++;
	lq_learn_data_add_event(d, w->cur, e);
	return 0;
}

int lq_learn_gather(lq_service *svc, const lq_gather *g, lq_learn_data *d,
		    lq_learn_scope *scope, lq_gather_extra **extras,
		    lq_error *err)
{
	hist_walk h = {.as_of = g->predict ? 0 : g->as_of};
	lead_walk lw = {.g = g, .d = d, .scope = scope, .h = &h};
	event_walk ew = {.d = d, .scope = scope};
	int rc = lq_store_stage_changes_each(svc->store, on_change, &h, err);
	if (rc == 0)
		rc = lq_store_leads_each(svc->store, NULL, on_lead, &lw, err);
	free(h.v);
	/* Learning counts events by type and time: no properties decoded. */
	static const char *const no_types[] = {NULL};
	static const lq_props_wanted no_props = {.types = no_types};
	if (rc == 0)
		rc = lq_store_events_range(svc->store, 0, INT64_MAX, &no_props,
					   on_event, &ew, err);
	scope->used = d->nrows;
	if (rc == 0)
		lq_learn_data_finish(d);
	if (rc == 0 && extras)
		*extras = lw.extras;
	else
		lq_gather_extras_free(lw.extras, lw.nextras);
	return rc;
}

void lq_gather_extras_free(lq_gather_extra *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(x[i].key);
	free(x);
}
