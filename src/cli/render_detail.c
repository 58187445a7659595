/*
 * render_detail.c - one lead in full (`leadq show`) or its explanation
 * (`leadq explain`), for a sales rep to read or a script to parse.
 */
#include <math.h>
#include <string.h>

#include "cli/render.h"

static void print_kv(FILE *out, const char *k, const char *v)
{
	if (v && *v)
		fprintf(out, "  %-12s %s\n", k, v);
}

static void print_num(FILE *out, const char *k, double v)
{
	if (!isnan(v))
		fprintf(out, "  %-12s %.10g\n", k, v);
}

static void print_profile(const lq_lead_detail *d, FILE *out)
{
	const lq_lead *l = &d->lead;
	lq_buf b = LQ_BUF_INIT;
	char t[LQ_TIME_STRLEN];

	lq_lead_label(l, &b);
	fprintf(out, "lead #%lld  %s\n", (long long)l->id, lq_buf_str(&b));
	print_kv(out, "stage", lq_stage_name(l->stage));
	if (l->stage_at) {
		lq_time_format(l->stage_at, t);
		print_kv(out, "since", t);
	}
	print_kv(out, "owner", l->owner);
	if (l->cycle > 1)
		fprintf(out, "  %-12s %d\n", "cycle", l->cycle);
	print_kv(out, "external id", l->external_id);
	print_kv(out, "title", l->title);
	print_kv(out, "seniority", l->seniority);
	print_kv(out, "department", l->department);
	print_kv(out, "country", l->country);
	print_kv(out, "source", l->source);
	if (l->created_at) {
		lq_time_format(l->created_at, t);
		print_kv(out, "created", t);
	}
	for (size_t i = 0; i < l->attrs.n; i++) {
		lq_buf_reset(&b);
		lq_value_to_text(&l->attrs.items[i].val, &b);
		fprintf(out, "  attr.%-7s %s\n", l->attrs.items[i].key, lq_buf_str(&b));
	}
	if (d->has_account) {
		const lq_account *a = &d->account;
		fprintf(out, "account %s\n", a->domain);
		print_kv(out, "name", a->name);
		print_kv(out, "industry", a->industry);
		print_num(out, "employees", a->employees);
		print_num(out, "revenue", a->revenue);
		print_num(out, "traffic", a->traffic);
		print_num(out, "ad spend", a->ad_spend);
		lq_buf_reset(&b);
		lq_value_to_text(&a->tech, &b);
		print_kv(out, "tech", lq_buf_str(&b));
	}
	lq_buf_free(&b);
}

static void print_item(const lq_explain_item *it, lq_time now, FILE *out)
{
	char pts[32], last[LQ_TIME_STRLEN];
	if (it->kind == LQ_EXPLAIN_DISQUALIFIER) {
		fprintf(out, "  DISQUALIFIED  %s  (%s)\n", it->rule, it->when);
		return;
	}
	snprintf(pts, sizeof pts, "%+.1f", it->points);
	fprintf(out, "  %8s  %-11s %s", pts, lq_explain_kind_name(it->kind), it->rule);
	if (it->kind != LQ_EXPLAIN_ENGAGEMENT) {
		fprintf(out, "  (%s)\n", it->when);
		return;
	}
	lq_time_format(it->last_at, last);
	fprintf(out, "  (%zu event%s, last %s", it->nevents,
		it->nevents == 1 ? "" : "s", it->nevents ? last : "-");
	if (fabs(it->full - it->uncapped) > 0.005)
		fprintf(out, "; %.1f decayed to %.1f", it->full, it->uncapped);
	if (it->cap && it->uncapped > it->cap)
		fprintf(out, "; capped at %.10g", it->cap);
	if (it->nexpired)
		fprintf(out, "; %zu expired", it->nexpired);
	fputs(")\n", out);
	(void)now;
}

static void print_explanation(const lq_lead_detail *d, FILE *out)
{
	const lq_explanation *x = &d->explanation;
	char at[LQ_TIME_STRLEN];
	if (!d->explained) {
		fputs("score: no model applied yet (leadq model apply FILE)\n", out);
		return;
	}
	lq_time_format(x->now, at);
	fprintf(out, "score %.1f = fit %.10g + channel %.10g + engagement %.1f, "
		"grade %c%s\n", x->score, x->fit, x->channel, x->engagement,
		x->grade, x->disqualified ? ", DISQUALIFIED" : "");
	fprintf(out, "  model '%s' v%lld, at %s\n", d->model_name ? d->model_name : "",
		(long long)d->model_version, at);
	if (x->n == 0)
		fputs("  (no rule matched)\n", out);
	for (size_t i = 0; i < x->n; i++)
		print_item(&x->items[i], x->now, out);
}

static void print_history(const lq_lead_detail *d, FILE *out)
{
	char at[LQ_TIME_STRLEN];
	fputs("history\n", out);
	for (size_t i = 0; i < d->nhistory; i++) {
		const lq_stage_change *c = &d->history[i];
		lq_time_format(c->at, at);
		fprintf(out, "  %s  %-12s -> %-12s %s%s%s\n", at,
			c->from == LQ_STAGE_NONE ? "(new)" : lq_stage_name(c->from),
			lq_stage_name(c->to), c->actor ? c->actor : "",
			c->reason ? ": " : "", c->reason ? c->reason : "");
	}
}

static void print_events(const lq_lead_detail *d, FILE *out)
{
	char at[LQ_TIME_STRLEN];
	size_t first = d->nevents > 10 ? d->nevents - 10 : 0;
	lq_buf props = LQ_BUF_INIT;
	fprintf(out, "events (%zu", d->nevents);
	fputs(first ? ", newest 10)\n" : ")\n", out);
	for (size_t i = d->nevents; i-- > first;) {
		const lq_event *e = &d->events[i];
		lq_buf_reset(&props);
		lq_attrs_to_json(&e->props, &props);
		lq_time_format(e->at, at);
		fprintf(out, "  %s  #%-6lld %-18s %s\n", at, (long long)e->id,
			e->type, e->props.n ? lq_buf_str(&props) : "");
	}
	lq_buf_free(&props);
}

static void print_followup(const lq_lead_detail *d, FILE *out)
{
	char at[LQ_TIME_STRLEN];
	if (d->nanswers) {
		fputs("checklist (this cycle)\n", out);
		for (size_t i = 0; i < d->nanswers; i++)
			fprintf(out, "  %-17s %s\n", d->answers[i].item, d->answers[i].value);
	}
	if (d->nnotes)
		fputs("notes\n", out);
	for (size_t i = 0; i < d->nnotes; i++) {
		lq_time_format(d->notes[i].at, at);
		fprintf(out, "  %s  cycle %d  %s: %s\n", at, d->notes[i].cycle,
			d->notes[i].actor ? d->notes[i].actor : "", d->notes[i].text);
	}
	if (d->ntasks)
		fputs("tasks\n", out);
	for (size_t i = 0; i < d->ntasks; i++) {
		lq_time_format(d->tasks[i].due, at);
		fprintf(out, "  #%-4lld due %s  %-5s %s%s%s\n", (long long)d->tasks[i].id, at,
			d->tasks[i].done_at ? "done" : "open", d->tasks[i].text,
			d->tasks[i].owner ? "  @" : "", d->tasks[i].owner ? d->tasks[i].owner : "");
	}
}

void lq_render_lead_detail(const lq_lead_detail *d, lq_format fmt, int full,
			   FILE *out)
{
	if (fmt == LQ_FMT_JSON) {
		lq_buf b = LQ_BUF_INIT;
		lq_json_lead_detail(&b, d, full);
		lq_buf_addc(&b, '\n');
		fputs(lq_buf_str(&b), out);
		lq_buf_free(&b);
		return;
	}
	if (full)
		print_profile(d, out);
	print_explanation(d, out);
	if (full) {
		print_history(d, out);
		print_followup(d, out);
		print_events(d, out);
	}
}
