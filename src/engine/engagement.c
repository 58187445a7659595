/*
 * engagement.c - incremental engagement state: decayed sums, expiry
 * windows, caps. Pure maths over (model, events, now); no clock, no I/O.
 */
#include "engine/engagement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lq_engagement_init(lq_engagement *e, const lq_model *m)
{
	e->nrules = m->nactions;
	e->rules = lq_xcalloc(m->nactions ? m->nactions : 1, sizeof *e->rules);
}

void lq_engagement_free(lq_engagement *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nrules; i++) {
		free(e->rules[i].at);
		free(e->rules[i].pts);
	}
	free(e->rules);
	e->rules = NULL;
	e->nrules = 0;
}

/* 2^(-age/h), 1 when there is no decay or the event is not in the past. */
static double decay(lq_dur half_life, lq_time age)
{
	if (half_life <= 0 || age <= 0)
		return 1.0;
	return exp2(-(double)age / (double)half_life);
}

static void window_drop_expired(lq_rule_state *rs, lq_dur expires, lq_time now)
{
	size_t keep = 0;
	for (size_t i = 0; i < rs->n; i++) {
		if (now - rs->at[i] >= expires)
			continue;
		rs->at[keep] = rs->at[i];
		rs->pts[keep] = rs->pts[i];
		keep++;
	}
	rs->n = keep;
}

static void window_push(lq_rule_state *rs, lq_time at, double pts)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 4;
		rs->at = lq_xrealloc(rs->at, rs->cap * sizeof *rs->at);
		rs->pts = lq_xrealloc(rs->pts, rs->cap * sizeof *rs->pts);
	}
	rs->at[rs->n] = at;
	rs->pts[rs->n] = pts;
	rs->n++;
}

/* Fold one event into a no-expiry rule: keep sum referred to the latest
 * event time so exponents stay small. */
static void sum_add(lq_rule_state *rs, lq_dur half_life, lq_time at, double pts)
{
	if (rs->count == 0 || at >= rs->ref) {
		rs->sum = rs->sum * decay(half_life, at - rs->ref) + pts;
		rs->ref = at;
	} else {
		rs->sum += pts * decay(half_life, rs->ref - at);
	}
}

static int action_matches(const lq_action *a, const lq_eval_env *env)
{
	if (!env->event || !env->event->type || strcmp(a->on, env->event->type))
		return 0;
	return a->when == NULL || lq_expr_eval(a->when, env);
}

int lq_engagement_add(lq_engagement *e, const lq_model *m,
		      const lq_eval_env *env, lq_time now)
{
	int matched = 0;
	lq_time at = env->event ? env->event->at : 0;

	for (size_t i = 0; i < m->nactions && i < e->nrules; i++) {
		const lq_action *a = &m->actions[i];
		lq_rule_state *rs = &e->rules[i];
		if (!action_matches(a, env))
			continue;
		matched++;
		if (a->expires > 0) {
			window_drop_expired(rs, a->expires, now);
			if (now - at < a->expires)
				window_push(rs, at, a->points);
		} else {
			sum_add(rs, a->half_life, at, a->points);
		}
		rs->count++;
		if (at > rs->last || rs->count == 1)
			rs->last = at;
	}
	return matched;
}

double lq_engagement_rule_at(const lq_engagement *e, const lq_model *m,
			     size_t i, lq_time now, double *uncapped)
{
	const lq_action *a = &m->actions[i];
	const lq_rule_state *rs = &e->rules[i];
	double v = 0;

	if (a->expires > 0) {
		for (size_t k = 0; k < rs->n; k++)
			if (now - rs->at[k] < a->expires)
				v += rs->pts[k] * decay(a->half_life, now - rs->at[k]);
	} else if (rs->count > 0) {
		v = rs->sum * decay(a->half_life, now - rs->ref);
	}
	if (uncapped)
		*uncapped = v;
	if (a->max > 0 && v > a->max)
		v = a->max;
	return v;
}

double lq_engagement_at(const lq_engagement *e, const lq_model *m, lq_time now)
{
	double total = 0;
	for (size_t i = 0; i < e->nrules && i < m->nactions; i++)
		total += lq_engagement_rule_at(e, m, i, now, NULL);
	return total;
}

/* ---- encoding: "LQE1", nrules, then per rule fixed fields + window ---- */

static void put_u64(lq_buf *out, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	lq_buf_add(out, b, 8);
}

static void put_f64(lq_buf *out, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	put_u64(out, v);
}

void lq_engagement_encode(const lq_engagement *e, lq_buf *out)
{
	lq_buf_add(out, "LQE1", 4);
	put_u64(out, e->nrules);
	for (size_t i = 0; i < e->nrules; i++) {
		const lq_rule_state *rs = &e->rules[i];
		put_f64(out, rs->sum);
		put_u64(out, (uint64_t)rs->ref);
		put_u64(out, rs->count);
		put_u64(out, (uint64_t)rs->last);
		put_u64(out, rs->n);
		for (size_t k = 0; k < rs->n; k++) {
			put_u64(out, (uint64_t)rs->at[k]);
			put_f64(out, rs->pts[k]);
		}
	}
}

typedef struct reader {
	const unsigned char *p;
	size_t left;
	int bad;
} reader;

static uint64_t get_u64(reader *r)
{
	uint64_t v = 0;
	if (r->left < 8) {
		r->bad = 1;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	r->left -= 8;
	return v;
}

static double get_f64(reader *r)
{
	uint64_t v = get_u64(r);
	double d;
	memcpy(&d, &v, sizeof d);
	return d;
}

static void decode_rule(reader *r, lq_rule_state *rs)
{
	rs->sum = get_f64(r);
	rs->ref = (lq_time)get_u64(r);
	rs->count = (uint32_t)get_u64(r);
	rs->last = (lq_time)get_u64(r);
	uint64_t n = get_u64(r);
	if (r->bad || n > r->left / 16) {
		r->bad = 1;
		return;
	}
	for (uint64_t k = 0; k < n; k++) {
		lq_time at = (lq_time)get_u64(r);
		window_push(rs, at, get_f64(r));
	}
}

int lq_engagement_decode(const void *data, size_t len, const lq_model *m,
			 lq_engagement *out)
{
	reader r = {data, len, 0};
	lq_engagement_init(out, m);
	if (!data || len < 12 || memcmp(data, "LQE1", 4) != 0)
		goto fail;
	r.p += 4;
	r.left -= 4;
	if (get_u64(&r) != m->nactions)
		goto fail;
	for (size_t i = 0; i < out->nrules && !r.bad; i++)
		decode_rule(&r, &out->rules[i]);
	if (r.bad || r.left != 0)
		goto fail;
	return 0;
fail:
	lq_engagement_free(out);
	lq_engagement_init(out, m);
	return -1;
}
