/*
 * explain.c - build the explanation of a lead's score from its events.
 */
#include "engine/explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/engagement.h"
#include "engine/fit.h"

const char *lq_explain_kind_name(lq_explain_kind k)
{
	switch (k) {
	case LQ_EXPLAIN_DISQUALIFIER: return "disqualifier";
	case LQ_EXPLAIN_FIT: return "fit";
	case LQ_EXPLAIN_CHANNEL: return "channel";
	case LQ_EXPLAIN_ENGAGEMENT: return "engagement";
	}
	return "?";
}

static lq_explain_item *push_item(lq_explanation *x, lq_explain_kind kind,
				  const char *rule, const char *when)
{
	x->items = lq_xrealloc(x->items, (x->n + 1) * sizeof *x->items);
	lq_explain_item *it = &x->items[x->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->rule = rule;
	it->when = when;
	return it;
}

static void explain_rules(lq_explanation *x, const lq_rule *rules, size_t n,
			  lq_explain_kind kind, const lq_eval_env *env)
{
	for (size_t i = 0; i < n; i++) {
		if (!lq_expr_eval(rules[i].when, env))
			continue;
		lq_explain_kind k = rules[i].disqualify ? LQ_EXPLAIN_DISQUALIFIER : kind;
		lq_explain_item *it = push_item(x, k, rules[i].name,
						lq_expr_text(rules[i].when));
		it->points = rules[i].disqualify ? 0 : rules[i].points;
	}
}

/* Which events count for action i at now, with their ids. */
static void explain_action(lq_explanation *x, const lq_model *m, size_t i,
			   const lq_engagement *eng, const lq_eval_env *base,
			   const lq_event *events, size_t nevents, lq_time now)
{
	const lq_action *a = &m->actions[i];
	double uncapped;
	double pts = lq_engagement_rule_at(eng, m, i, now, &uncapped);
	if (eng->rules[i].count == 0)
		return;
	lq_explain_item *it = push_item(x, LQ_EXPLAIN_ENGAGEMENT, a->name,
					a->when ? lq_expr_text(a->when) : NULL);
	it->points = pts;
	it->uncapped = uncapped;
	it->cap = a->max;
	for (size_t k = nevents; k-- > 0;) {
		const lq_event *ev = &events[k];
		lq_eval_env env = *base;
		env.event = ev;
		if (ev->at > now || (base->lead && ev->at < base->lead->engagement_since) ||
		    strcmp(ev->type ? ev->type : "", a->on) ||
		    (a->when && !lq_expr_eval(a->when, &env)))
			continue;
		if (a->expires > 0 && now - ev->at >= a->expires) {
			it->nexpired++;
			continue;
		}
		it->event_ids = lq_xrealloc(it->event_ids,
					    (it->nevents + 1) * sizeof(int64_t));
		it->event_ids[it->nevents++] = ev->id;
		it->full += a->points;
		if (ev->at > it->last_at || it->nevents == 1)
			it->last_at = ev->at;
	}
}

static int cmp_event_time(const void *pa, const void *pb)
{
	const lq_event *a = pa, *b = pb;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Readable order: disqualifier, fit positive (big first), fit negative,
 * channel, engagement (big first). */
static int item_rank(const lq_explain_item *it)
{
	switch (it->kind) {
	case LQ_EXPLAIN_DISQUALIFIER: return 0;
	case LQ_EXPLAIN_FIT: return it->points >= 0 ? 1 : 2;
	case LQ_EXPLAIN_CHANNEL: return 3;
	case LQ_EXPLAIN_ENGAGEMENT: return 4;
	}
	return 5;
}

static int cmp_items(const void *pa, const void *pb)
{
	const lq_explain_item *a = pa, *b = pb;
	int ra = item_rank(a), rb = item_rank(b);
	if (ra != rb)
		return ra - rb;
	if (fabs(a->points) != fabs(b->points))
		return fabs(a->points) > fabs(b->points) ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

void lq_explain_lead(const lq_model *m, const lq_lead *lead,
		     const lq_account *account, const lq_event *events,
		     size_t nevents, lq_time now, lq_explanation *out)
{
	lq_eval_env env = {.lead = lead, .account = account};
	lq_fit_result fit;
	lq_engagement eng;
	lq_event *sorted = lq_xcalloc(nevents ? nevents : 1, sizeof *sorted);

	memset(out, 0, sizeof *out);
	out->now = now;
	if (nevents)
		memcpy(sorted, events, nevents * sizeof *sorted);
	qsort(sorted, nevents, sizeof *sorted, cmp_event_time);

	lq_fit_compute(m, lead, account, &fit);
	explain_rules(out, m->fit, m->nfit, LQ_EXPLAIN_FIT, &env);
	explain_rules(out, m->channel, m->nchannel, LQ_EXPLAIN_CHANNEL, &env);

	lq_engagement_init(&eng, m);
	for (size_t k = 0; k < nevents; k++) {
		if (sorted[k].at > now || (lead && sorted[k].at < lead->engagement_since))
			continue;
		env.event = &sorted[k];
		lq_engagement_add(&eng, m, &env, now);
	}
	env.event = NULL;
	for (size_t i = 0; i < m->nactions; i++)
		explain_action(out, m, i, &eng, &env, sorted, nevents, now);

	out->fit = fit.fit;
	out->channel = fit.channel;
	out->grade = fit.grade;
	out->disqualified = fit.disq_rule >= 0;
	out->engagement = lq_engagement_at(&eng, m, now);
	out->score = out->fit + out->channel + out->engagement;
	if (out->n > 1)   /* items is NULL for a model without rules */
		qsort(out->items, out->n, sizeof *out->items, cmp_items);
	lq_engagement_free(&eng);
	free(sorted);
}

void lq_explanation_free(lq_explanation *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free(x->items[i].event_ids);
	free(x->items);
	memset(x, 0, sizeof *x);
}
