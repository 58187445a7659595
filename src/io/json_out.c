/*
 * json_out.c - JSON documents for leads and their surroundings, built with
 * lq_buf (no intermediate tree: these are on the HTTP hot path).
 */
#include "io/json_out.h"

#include <math.h>

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

static void row_json(lq_buf *b, const lq_lead_row *r)
{
	lq_buf_adds(b, "{\"lead\":");
	lq_json_lead(b, &r->lead);
	lq_buf_adds(b, ",\"account\":");
	if (r->account.domain)
		lq_json_account(b, &r->account);
	else
		lq_buf_adds(b, "null");
	if (r->scored)
		lq_buf_addf(b, ",\"score\":{\"grade\":\"%c\",\"fit\":%.10g,"
			    "\"channel\":%.10g,\"engagement\":%.2f,\"score\":%.2f}}",
			    r->grade, r->fit, r->channel, r->engagement, r->score);
	else
		lq_buf_adds(b, ",\"score\":null}");
}

void lq_json_lead_list(lq_buf *out, const lq_lead_list *l)
{
	lq_buf_addf(out, "{\"total\":%zu,\"leads\":[", l->total);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			lq_buf_addc(out, ',');
		row_json(out, &l->rows[i]);
	}
	lq_buf_adds(out, "]}");
}

static void followup_json(lq_buf *b, const lq_lead_detail *d)
{
	char at[LQ_TIME_STRLEN];
	lq_buf_adds(b, ",\"checklist\":{");
	for (size_t i = 0; i < d->nanswers; i++) {
		lq_buf_adds(b, i ? "," : "");
		lq_buf_add_json_str(b, d->answers[i].item);
		lq_buf_addc(b, ':');
		lq_buf_add_json_str(b, d->answers[i].value);
	}
	lq_buf_adds(b, "},\"notes\":[");
	for (size_t i = 0; i < d->nnotes; i++) {
		lq_time_format(d->notes[i].at, at);
		lq_buf_addf(b, "%s{\"id\":%lld,\"cycle\":%d,\"at\":\"%s\",\"actor\":", i ? "," : "",
			    (long long)d->notes[i].id, d->notes[i].cycle, at);
		lq_buf_add_json_str(b, d->notes[i].actor ? d->notes[i].actor : "");
		lq_buf_adds(b, ",\"text\":");
		lq_buf_add_json_str(b, d->notes[i].text);
		lq_buf_addc(b, '}');
	}
	lq_buf_adds(b, "],\"tasks\":[");
	for (size_t i = 0; i < d->ntasks; i++) {
		lq_time_format(d->tasks[i].due, at);
		lq_buf_addf(b, "%s{\"id\":%lld,\"due\":\"%s\",\"done\":%s,\"text\":", i ? "," : "",
			    (long long)d->tasks[i].id, at, d->tasks[i].done_at ? "true" : "false");
		lq_buf_add_json_str(b, d->tasks[i].text);
		lq_buf_addc(b, '}');
	}
	lq_buf_addc(b, ']');
}

static void history_json(lq_buf *b, const lq_lead_detail *d)
{
	char at[LQ_TIME_STRLEN];
	lq_buf_adds(b, "[");
	for (size_t i = 0; i < d->nhistory; i++) {
		const lq_stage_change *c = &d->history[i];
		lq_time_format(c->at, at);
		lq_buf_addf(b, "%s{\"from\":", i ? "," : "");
		if (c->from == LQ_STAGE_NONE)
			lq_buf_adds(b, "null");
		else
			lq_buf_add_json_str(b, lq_stage_name(c->from));
		lq_buf_addf(b, ",\"to\":\"%s\",\"at\":\"%s\",\"actor\":",
			    lq_stage_name(c->to), at);
		lq_buf_add_json_str(b, c->actor ? c->actor : "");
		lq_buf_adds(b, ",\"reason\":");
		if (c->reason)
			lq_buf_add_json_str(b, c->reason);
		else
			lq_buf_adds(b, "null");
		lq_buf_addc(b, '}');
	}
	lq_buf_addc(b, ']');
}

static void events_json(lq_buf *b, const lq_lead_detail *d)
{
	char at[LQ_TIME_STRLEN];
	lq_buf_adds(b, "[");
	for (size_t i = 0; i < d->nevents; i++) {
		const lq_event *e = &d->events[i];
		lq_time_format(e->at, at);
		lq_buf_addf(b, "%s{\"id\":%lld,\"msg_id\":", i ? "," : "",
			    (long long)e->id);
		if (e->msg_id)
			lq_buf_add_json_str(b, e->msg_id);
		else
			lq_buf_adds(b, "null");
		lq_buf_adds(b, ",\"type\":");
		lq_buf_add_json_str(b, e->type);
		lq_buf_addf(b, ",\"at\":\"%s\",\"properties\":", at);
		lq_attrs_to_json(&e->props, b);
		lq_buf_addc(b, '}');
	}
	lq_buf_addc(b, ']');
}

/* ,"KEY":["item",...] */
static void requirements_json(lq_buf *out, const char *key, char *const *items,
			      size_t n)
{
	lq_buf_addf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		lq_buf_adds(out, i ? "," : "");
		lq_buf_add_json_str(out, items[i]);
	}
	lq_buf_addc(out, ']');
}

void lq_json_lead_detail(lq_buf *out, const lq_lead_detail *d, int full)
{
	lq_buf_adds(out, "{\"lead\":");
	lq_json_lead(out, &d->lead);
	if (full) {
		lq_buf_adds(out, ",\"account\":");
		if (d->has_account)
			lq_json_account(out, &d->account);
		else
			lq_buf_adds(out, "null");
		lq_buf_adds(out, ",\"history\":");
		history_json(out, d);
		lq_buf_adds(out, ",\"events\":");
		events_json(out, d);
		followup_json(out, d);
	}
	lq_buf_adds(out, ",\"model\":");
	if (d->explained) {
		lq_buf_addf(out, "{\"version\":%lld,\"name\":", (long long)d->model_version);
		lq_buf_add_json_str(out, d->model_name ? d->model_name : "");
		requirements_json(out, "sql_requires", d->model->sql_requires,
				  d->model->nsql_requires);
		requirements_json(out, "sqo_requires", d->model->sqo_requires,
				  d->model->nsqo_requires);
		lq_buf_adds(out, "},\"explanation\":");
		lq_json_explanation(out, &d->explanation);
	} else {
		lq_buf_adds(out, "null,\"explanation\":null");
	}
	if (d->predicted) {
		char at[LQ_TIME_STRLEN];
		lq_time_format(d->prediction.scored_at, at);
		lq_buf_addf(out, ",\"prediction\":{\"probability\":%.6g,"
			    "\"learned_version\":%lld,\"scored_at\":\"%s\"}",
			    d->prediction.probability,
			    (long long)d->prediction.learned_version, at);
	}
	lq_buf_adds(out, "}");
}

void lq_json_queue(lq_buf *out, const lq_queue *q, lq_time now)
{
	char due[LQ_TIME_STRLEN];
	lq_buf_addf(out, "{\"total\":%zu,\"leads\":[", q->total);
	for (size_t i = 0; i < q->n; i++) {
		const lq_queue_row *r = &q->rows[i];
		lq_buf_adds(out, i ? ",{\"lead\":" : "{\"lead\":");
		lq_json_lead(out, &r->row.lead);
		lq_buf_adds(out, ",\"owner\":");
		r->row.lead.owner ? lq_buf_add_json_str(out, r->row.lead.owner)
				  : lq_buf_adds(out, "null");
		lq_buf_addf(out, ",\"grade\":\"%c\",\"engagement\":%.2f,\"score\":%.2f,\"sla_due\":",
			    r->row.scored ? r->row.grade : 'F', r->row.engagement, r->row.score);
		if (r->due) {
			lq_time_format(r->due, due);
			lq_buf_addf(out, "\"%s\",\"sla_left_seconds\":%lld}", due,
				    (long long)((r->due - now) / 1000));
		} else {
			lq_buf_adds(out, "null,\"sla_left_seconds\":null}");
		}
	}
	lq_buf_adds(out, "]}");
}

void lq_json_tasks(lq_buf *out, const lq_task *t, size_t n, lq_time now)
{
	char due[LQ_TIME_STRLEN];
	lq_buf_adds(out, "{\"tasks\":[");
	for (size_t i = 0; i < n; i++) {
		lq_time_format(t[i].due, due);
		lq_buf_addf(out, "%s{\"id\":%lld,\"lead_id\":%lld,\"owner\":", i ? "," : "",
			    (long long)t[i].id, (long long)t[i].lead_id);
		t[i].owner ? lq_buf_add_json_str(out, t[i].owner) : lq_buf_adds(out, "null");
		lq_buf_addf(out, ",\"due\":\"%s\",\"overdue\":%s,\"done\":%s,\"text\":", due,
			    !t[i].done_at && t[i].due < now ? "true" : "false",
			    t[i].done_at ? "true" : "false");
		lq_buf_add_json_str(out, t[i].text);
		lq_buf_addc(out, '}');
	}
	lq_buf_adds(out, "]}");
}

