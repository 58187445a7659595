/*
 * funnel.c - `leadq funnel` and the API's funnel: check the query, walk
 * every lead (for its group label) and every stage change (for its
 * history), hand the histories to the engine's funnel maths and add the
 * notes a reader needs. Reads only; memory is proportional to the number
 * of leads and stage changes. Never computes a number itself: that is
 * engine/funnel.c.
 */
#include "service/service.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

typedef enum by_kind {
	BY_NONE, BY_SOURCE, BY_GRADE, BY_OWNER, BY_MONTH, BY_WEEK,
	BY_ATTR, BY_ACCOUNT,
} by_kind;

typedef struct by_spec {
	by_kind kind;
	const char *name;       /* attr.NAME: NAME; account.FIELD: FIELD */
} by_spec;

typedef struct lead_slot {
	int64_t id;
	lq_time created_at;
	char *group;
} lead_slot;

typedef struct change_slot {
	size_t lead;            /* index into the lead slots */
	int64_t id;
	lq_stage to;
	lq_time at;
} change_slot;

typedef struct gather {
	by_spec by;
	lead_slot *leads;
	size_t nleads, leads_cap;
	change_slot *changes;
	size_t nchanges, changes_cap;
	size_t cursor;          /* lead slot of the last change seen */
} gather;

#define NONE_LABEL "(none)"

/* ---- the query ----------------------------------------------------------- */

static const char *const account_fields[] = {
	"domain", "name", "industry", "employees", "revenue", "traffic",
	"ad_spend", "tech",
};

static int bad_field(lq_error *err, const char *field)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	return err->code;
}

static int parse_account_field(const char *f)
{
	if (strncmp(f, "attr.", 5) == 0)
		return f[5] != '\0';
	for (size_t i = 0; i < sizeof account_fields / sizeof *account_fields; i++)
		if (strcmp(f, account_fields[i]) == 0)
			return 1;
	return 0;
}

static int parse_by(const char *s, by_spec *out, lq_error *err)
{
	static const struct { const char *name; by_kind kind; } plain[] = {
		{"source", BY_SOURCE}, {"grade", BY_GRADE}, {"owner", BY_OWNER},
		{"month", BY_MONTH}, {"week", BY_WEEK}};
	memset(out, 0, sizeof *out);
	if (!s || !*s)
		return 0;
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		if (strcmp(s, plain[i].name) == 0) {
			out->kind = plain[i].kind;
			return 0;
		}
	if (strncmp(s, "attr.", 5) == 0 && s[5]) {
		*out = (by_spec){BY_ATTR, s + 5};
		return 0;
	}
	if (strncmp(s, "account.", 8) == 0 && parse_account_field(s + 8)) {
		*out = (by_spec){BY_ACCOUNT, s + 8};
		return 0;
	}
	lq_error_set(err, LQ_EINVAL, "unknown grouping '%.64s' (use source, grade, "
		     "owner, month, week, attr.NAME or account.FIELD with FIELD "
		     "one of domain, name, industry, employees, revenue, traffic, "
		     "ad_spend, tech, attr.NAME)", s);
	return bad_field(err, "by");
}

static int parse_period(const char *s, const char *what, lq_funnel_period *out,
			lq_error *err)
{
	*out = LQ_PERIOD_NONE;
	if (!s || !*s)
		return 0;
	if (strcmp(s, "month") == 0)
		*out = LQ_PERIOD_MONTH;
	else if (strcmp(s, "week") == 0)
		*out = LQ_PERIOD_WEEK;
	else {
		lq_error_set(err, LQ_EINVAL, "unknown %s period '%.64s' (use week "
			     "or month)", what, s);
		return bad_field(err, what);
	}
	return 0;
}

static int parse_date(const char *s, const char *what, int *has, lq_time *t,
		      lq_error *err)
{
	lq_error perr;
	*has = 0;
	if (!s)
		return 0;
	lq_error_clear(&perr);
	if (lq_time_parse_iso(s, t, &perr)) {
		lq_error_set(err, LQ_EINVAL, "invalid %s date '%.64s' (use ISO 8601, "
			     "e.g. 2018-03-01 or 2018-03-01T12:00:00Z)", what, s);
		return bad_field(err, what);
	}
	*has = 1;
	return 0;
}

static int parse_cohort(const char *s, lq_funnel_cohort *out, lq_error *err)
{
	*out = LQ_FUNNEL_MQL;
	if (!s || strcmp(s, "mql") == 0)
		return 0;
	if (strcmp(s, "created") == 0) {
		*out = LQ_FUNNEL_CREATED;
		return 0;
	}
	lq_error_set(err, LQ_EINVAL, "unknown cohort '%.64s' (use mql or created)", s);
	return bad_field(err, "cohort");
}

static int parse_query(const lq_funnel_query *q, by_spec *by,
		       lq_funnel_opts *o, lq_error *err)
{
	char a[LQ_TIME_STRLEN], b[LQ_TIME_STRLEN];
	memset(o, 0, sizeof *o);
	if (parse_cohort(q->cohort, &o->cohort, err) || parse_by(q->by, by, err) ||
	    parse_period(q->trend, "trend", &o->trend, err) ||
	    parse_date(q->from, "from", &o->has_from, &o->from, err) ||
	    parse_date(q->to, "to", &o->has_to, &o->to, err))
		return err->code;
	if (o->has_from && o->has_to && o->from >= o->to) {
		lq_time_format(o->from, a);
		lq_time_format(o->to, b);
		lq_error_set(err, LQ_EINVAL, "empty date range: from %s is not "
			     "before to %s", a, b);
		return bad_field(err, "to");
	}
	o->group_period = by->kind == BY_MONTH ? LQ_PERIOD_MONTH
			  : by->kind == BY_WEEK ? LQ_PERIOD_WEEK : LQ_PERIOD_NONE;
	if (o->group_period && o->trend) {
		lq_error_set(err, LQ_EINVAL, "cannot group by %s and show a trend "
			     "at once (a trend is per period already)", q->by);
		return bad_field(err, "trend");
	}
	return 0;
}

/* ---- group labels -------------------------------------------------------- */

static void account_label(const lq_account *a, const char *field, lq_buf *b)
{
	const lq_value *v = NULL;
	lq_value num = LQ_VALUE_ABSENT;
	if (!a)
		return;
	if (strncmp(field, "attr.", 5) == 0)
		v = lq_attrs_get(&a->attrs, field + 5);
	else if (strcmp(field, "domain") == 0)
		lq_buf_adds(b, a->domain ? a->domain : "");
	else if (strcmp(field, "name") == 0)
		lq_buf_adds(b, a->name ? a->name : "");
	else if (strcmp(field, "industry") == 0)
		lq_buf_adds(b, a->industry ? a->industry : "");
	else if (strcmp(field, "tech") == 0)
		v = &a->tech;
	else {
		double x = strcmp(field, "employees") == 0 ? a->employees
			 : strcmp(field, "revenue") == 0 ? a->revenue
			 : strcmp(field, "traffic") == 0 ? a->traffic : a->ad_spend;
		if (!isnan(x))
			num = lq_value_num(x);
		v = &num;
	}
	if (v)
		lq_value_to_text(v, b);
}

/* The group of a lead as text; "(none)" when the field is empty. */
static char *group_label(const by_spec *by, const lq_lead *l,
			 const lq_account *a, const lq_score_row *score)
{
	lq_buf b = LQ_BUF_INIT;
	const lq_value *v;
	switch (by->kind) {
	case BY_NONE: return lq_xstrdup(LQ_FUNNEL_ALL);
	case BY_MONTH: case BY_WEEK: return lq_xstrdup("");
	case BY_GRADE:
		return lq_xstrdup(score && score->grade ? (char[]){score->grade, 0}
				  : "-");
	case BY_SOURCE: lq_buf_adds(&b, l->source ? l->source : ""); break;
	case BY_OWNER: lq_buf_adds(&b, l->owner ? l->owner : ""); break;
	case BY_ATTR:
		if ((v = lq_attrs_get(&l->attrs, by->name)))
			lq_value_to_text(v, &b);
		break;
	case BY_ACCOUNT: account_label(a, by->name, &b); break;
	}
	if (b.len == 0) {
		lq_buf_free(&b);
		return lq_xstrdup(NONE_LABEL);
	}
	return lq_buf_take(&b);
}

/* ---- walking the store --------------------------------------------------- */

static int on_lead(void *ctx, const lq_lead *l, const lq_account *a,
		   const lq_score_row *score)
{
	gather *g = ctx;
	if (g->nleads == g->leads_cap) {
		g->leads_cap = g->leads_cap ? g->leads_cap * 2 : 1024;
		g->leads = lq_xrealloc(g->leads, g->leads_cap * sizeof *g->leads);
	}
	g->leads[g->nleads++] = (lead_slot){l->id, l->created_at,
					     group_label(&g->by, l, a, score)};
	return 0;
}

/* Changes come by lead id, like the leads: follow them with a cursor. A
 * change of a lead created after the lead walk is skipped. */
static int on_change(void *ctx, const lq_stage_change *c)
{
	gather *g = ctx;
	while (g->cursor < g->nleads && g->leads[g->cursor].id < c->lead_id)
		g->cursor++;
	if (g->cursor == g->nleads || g->leads[g->cursor].id != c->lead_id)
		return 0;
	if (g->nchanges == g->changes_cap) {
		g->changes_cap = g->changes_cap ? g->changes_cap * 2 : 4096;
		g->changes = lq_xrealloc(g->changes,
					 g->changes_cap * sizeof *g->changes);
	}
	g->changes[g->nchanges++] = (change_slot){g->cursor, c->id, c->to, c->at};
	return 0;
}

/* Recorded order: by lead, then by change id. */
static int cmp_change(const void *pa, const void *pb)
{
	const change_slot *a = pa, *b = pb;
	if (a->lead != b->lead)
		return a->lead < b->lead ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static void gather_free(gather *g)
{
	for (size_t i = 0; i < g->nleads; i++)
		free(g->leads[i].group);
	free(g->leads);
	free(g->changes);
}

/* The engine's view of the gathered leads; steps and leads are the
 * caller's to free. */
static void build_histories(const gather *g, lq_funnel_step **steps_out,
			    lq_funnel_lead **leads_out)
{
	lq_funnel_step *steps = lq_xcalloc(g->nchanges ? g->nchanges : 1,
					   sizeof *steps);
	lq_funnel_lead *leads = lq_xcalloc(g->nleads ? g->nleads : 1,
					   sizeof *leads);
	for (size_t i = 0; i < g->nleads; i++)
		leads[i] = (lq_funnel_lead){g->leads[i].group,
					    g->leads[i].created_at, NULL, 0};
	for (size_t i = 0; i < g->nchanges; i++) {
		lq_funnel_lead *l = &leads[g->changes[i].lead];
		steps[i] = (lq_funnel_step){g->changes[i].to, g->changes[i].at};
		if (!l->steps)
			l->steps = &steps[i];
		l->nsteps++;
	}
	*steps_out = steps;
	*leads_out = leads;
}

/* ---- notes --------------------------------------------------------------- */

static void add_note(lq_funnel_report *r, lq_buf *b)
{
	r->notes = lq_xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
	r->notes[r->nnotes++] = lq_buf_take(b);
}

static size_t left_out(const lq_funnel_row *t)
{
	size_t n = t->to_won.left_out;
	for (size_t k = 0; k + 1 < LQ_FUNNEL_MAX_STAGES; k++)
		n += t->step[k].left_out;
	return n;
}

static void make_notes(lq_funnel_report *r)
{
	const lq_funnel_row *t = &r->result.total;
	lq_buf b = LQ_BUF_INIT;
	size_t neg = left_out(t);
	if (t->entries == 0) {
		lq_buf_adds(&b, "no cohort entries in this range");
		add_note(r, &b);
	}
	if (r->result.cohort == LQ_FUNNEL_MQL && t->entries > t->leads) {
		lq_buf_addf(&b, "recycled leads count once per mql entry: %zu "
			    "entries from %zu leads", t->entries, t->leads);
		add_note(r, &b);
	}
	if (neg) {
		lq_buf_addf(&b, "%zu duration%s below zero left out of time "
			    "statistics (a change recorded with an earlier time "
			    "than the one before it); the conversion%s still "
			    "count%s", neg, neg == 1 ? "" : "s",
			    neg == 1 ? "" : "s", neg == 1 ? "s" : "");
		add_note(r, &b);
	}
	if (r->result.no_time) {
		lq_buf_addf(&b, "%zu lead%s with no creation time and no history "
			    "left out", r->result.no_time,
			    r->result.no_time == 1 ? "" : "s");
		add_note(r, &b);
	}
}

/* ---- the operation ------------------------------------------------------- */

static int walk_store(lq_service *svc, gather *g, lq_error *err)
{
	static const lq_lead_filter any = {.stage = LQ_STAGE_NONE};
	int rc = lq_store_leads_each(svc->store, &any, on_lead, g, err);
	if (rc == 0)
		rc = lq_store_stage_changes_each(svc->store, on_change, g, err);
	if (rc == 0 && g->nchanges)
		qsort(g->changes, g->nchanges, sizeof *g->changes, cmp_change);
	return rc;
}

int lq_service_funnel(lq_service *svc, const lq_funnel_query *q,
		      lq_funnel_report *out, lq_error *err)
{
	gather g;
	lq_funnel_opts opts;
	lq_funnel_step *steps = NULL;
	lq_funnel_lead *leads = NULL;

	memset(out, 0, sizeof *out);
	memset(&g, 0, sizeof g);
	int rc = parse_query(q, &g.by, &opts, err);
	if (rc)
		return rc;
	rc = walk_store(svc, &g, err);
	if (rc)
		goto out_gather;
	build_histories(&g, &steps, &leads);
	rc = lq_funnel_compute(leads, g.nleads, &opts, &out->result, err);
	if (rc)
		goto out_histories;
	out->by = q->by && *q->by ? lq_xstrdup(q->by) : NULL;
	out->trend = opts.trend;
	out->has_from = opts.has_from;
	out->from = opts.from;
	out->has_to = opts.has_to;
	out->to = opts.to;
	make_notes(out);
out_histories:
	free(steps);
	free(leads);
out_gather:
	gather_free(&g);
	return rc;
}

void lq_funnel_report_free(lq_funnel_report *r)
{
	if (!r)
		return;
	lq_funnel_result_free(&r->result);
	free(r->by);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof *r);
}
