/*
 * render_json.c - leads, accounts and explanations as JSON objects.
 */
#include <math.h>

#include "cli/render.h"

static void key(lq_buf *b, int *first, const char *k)
{
	if (!*first)
		lq_buf_addc(b, ',');
	*first = 0;
	lq_buf_add_json_str(b, k);
	lq_buf_addc(b, ':');
}

static void str_field(lq_buf *b, int *first, const char *k, const char *v)
{
	key(b, first, k);
	if (v)
		lq_buf_add_json_str(b, v);
	else
		lq_buf_adds(b, "null");
}

static void num_field(lq_buf *b, int *first, const char *k, double v)
{
	key(b, first, k);
	if (isnan(v))
		lq_buf_adds(b, "null");
	else
		lq_buf_addf(b, "%.10g", round(v * 100) / 100);
}

static void time_field(lq_buf *b, int *first, const char *k, lq_time t)
{
	char s[LQ_TIME_STRLEN];
	if (!t) {
		str_field(b, first, k, NULL);
		return;
	}
	lq_time_format(t, s);
	str_field(b, first, k, s);
}

void lq_json_lead(lq_buf *b, const lq_lead *l)
{
	int first = 1;
	lq_buf_addc(b, '{');
	key(b, &first, "id");
	lq_buf_addf(b, "%lld", (long long)l->id);
	str_field(b, &first, "external_id", l->external_id);
	str_field(b, &first, "email", l->email);
	str_field(b, &first, "email_domain", l->email_domain);
	str_field(b, &first, "first_name", l->first_name);
	str_field(b, &first, "last_name", l->last_name);
	str_field(b, &first, "title", l->title);
	str_field(b, &first, "seniority", l->seniority);
	str_field(b, &first, "department", l->department);
	str_field(b, &first, "country", l->country);
	str_field(b, &first, "source", l->source);
	time_field(b, &first, "created_at", l->created_at);
	str_field(b, &first, "stage", lq_stage_name(l->stage));
	time_field(b, &first, "stage_at", l->stage_at);
	str_field(b, &first, "owner", l->owner);
	key(b, &first, "cycle");
	lq_buf_addf(b, "%d", l->cycle);
	key(b, &first, "attrs");
	lq_attrs_to_json(&l->attrs, b);
	lq_buf_addc(b, '}');
}

void lq_json_account(lq_buf *b, const lq_account *a)
{
	int first = 1;
	lq_buf_addc(b, '{');
	key(b, &first, "id");
	lq_buf_addf(b, "%lld", (long long)a->id);
	str_field(b, &first, "domain", a->domain);
	str_field(b, &first, "name", a->name);
	str_field(b, &first, "industry", a->industry);
	num_field(b, &first, "employees", a->employees);
	num_field(b, &first, "revenue", a->revenue);
	num_field(b, &first, "traffic", a->traffic);
	num_field(b, &first, "ad_spend", a->ad_spend);
	key(b, &first, "tech");
	if (a->tech.kind == LQ_V_LIST)
		lq_value_to_json(&a->tech, b);
	else
		lq_buf_adds(b, "[]");
	key(b, &first, "attrs");
	lq_attrs_to_json(&a->attrs, b);
	lq_buf_addc(b, '}');
}

static void json_item(lq_buf *b, const lq_explain_item *it)
{
	int first = 1;
	lq_buf_addc(b, '{');
	str_field(b, &first, "kind", lq_explain_kind_name(it->kind));
	str_field(b, &first, "rule", it->rule);
	str_field(b, &first, "when", it->when);
	num_field(b, &first, "points", it->points);
	if (it->kind == LQ_EXPLAIN_ENGAGEMENT) {
		num_field(b, &first, "full", it->full);
		num_field(b, &first, "decayed", it->uncapped);
		num_field(b, &first, "cap", it->cap ? it->cap : NAN);
		key(b, &first, "capped");
		lq_buf_adds(b, it->cap && it->uncapped > it->cap ? "true" : "false");
		key(b, &first, "events");
		lq_buf_addc(b, '[');
		for (size_t i = 0; i < it->nevents; i++)
			lq_buf_addf(b, "%s%lld", i ? "," : "",
				    (long long)it->event_ids[i]);
		lq_buf_addc(b, ']');
		key(b, &first, "expired_events");
		lq_buf_addf(b, "%zu", it->nexpired);
		time_field(b, &first, "last_at", it->last_at);
	}
	lq_buf_addc(b, '}');
}

void lq_json_explanation(lq_buf *b, const lq_explanation *x)
{
	int first = 1;
	char grade[2] = {x->grade, 0};
	lq_buf_addc(b, '{');
	time_field(b, &first, "at", x->now);
	num_field(b, &first, "fit", x->fit);
	num_field(b, &first, "channel", x->channel);
	num_field(b, &first, "engagement", x->engagement);
	num_field(b, &first, "score", x->score);
	str_field(b, &first, "grade", grade);
	key(b, &first, "disqualified");
	lq_buf_adds(b, x->disqualified ? "true" : "false");
	key(b, &first, "rules");
	lq_buf_addc(b, '[');
	for (size_t i = 0; i < x->n; i++) {
		if (i)
			lq_buf_addc(b, ',');
		json_item(b, &x->items[i]);
	}
	lq_buf_adds(b, "]}");
}
