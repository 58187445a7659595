/*
 * fields.c - the field registry: which names rule expressions may use, in
 * which contexts, with which type, and how each one is read from an
 * lq_eval_env. A constant table; it must never hold mutable state.
 */
#include "model/fields.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CTX_ALL (LQ_CTX_FIT | LQ_CTX_ACTION | LQ_CTX_STAGE | \
		 LQ_CTX_HAND_RAISER | LQ_CTX_ROUTING)
#define CTX_EVENT (LQ_CTX_ACTION | LQ_CTX_HAND_RAISER)
#define CTX_SCORE (LQ_CTX_STAGE | LQ_CTX_HAND_RAISER | LQ_CTX_ROUTING)

/* Fixed names first, then the dynamic prefixes (longest prefix first, so
 * account.attr. wins over nothing and event.type over event.). */
static const lq_field fields[] = {
	{"email", LQ_F_EMAIL, LQ_FT_TEXT, CTX_ALL, 0},
	{"email_domain", LQ_F_EMAIL_DOMAIN, LQ_FT_TEXT, CTX_ALL, 0},
	{"external_id", LQ_F_EXTERNAL_ID, LQ_FT_TEXT, CTX_ALL, 0},
	{"first_name", LQ_F_FIRST_NAME, LQ_FT_TEXT, CTX_ALL, 0},
	{"last_name", LQ_F_LAST_NAME, LQ_FT_TEXT, CTX_ALL, 0},
	{"title", LQ_F_TITLE, LQ_FT_TEXT, CTX_ALL, 0},
	{"seniority", LQ_F_SENIORITY, LQ_FT_TEXT, CTX_ALL, 0},
	{"department", LQ_F_DEPARTMENT, LQ_FT_TEXT, CTX_ALL, 0},
	{"country", LQ_F_COUNTRY, LQ_FT_TEXT, CTX_ALL, 0},
	{"source", LQ_F_SOURCE, LQ_FT_TEXT, CTX_ALL, 0},
	{"created_at", LQ_F_CREATED_AT, LQ_FT_TIME, CTX_ALL, 0},
	{"stage", LQ_F_STAGE, LQ_FT_TEXT, CTX_ALL, 0},
	{"account.domain", LQ_F_ACCOUNT_DOMAIN, LQ_FT_TEXT, CTX_ALL, 0},
	{"account.name", LQ_F_ACCOUNT_NAME, LQ_FT_TEXT, CTX_ALL, 0},
	{"account.industry", LQ_F_ACCOUNT_INDUSTRY, LQ_FT_TEXT, CTX_ALL, 0},
	{"account.employees", LQ_F_ACCOUNT_EMPLOYEES, LQ_FT_NUM, CTX_ALL, 0},
	{"account.revenue", LQ_F_ACCOUNT_REVENUE, LQ_FT_NUM, CTX_ALL, 0},
	{"account.traffic", LQ_F_ACCOUNT_TRAFFIC, LQ_FT_NUM, CTX_ALL, 0},
	{"account.ad_spend", LQ_F_ACCOUNT_AD_SPEND, LQ_FT_NUM, CTX_ALL, 0},
	{"account.tech", LQ_F_ACCOUNT_TECH, LQ_FT_LIST, CTX_ALL, 0},
	{"event.type", LQ_F_EVENT_TYPE, LQ_FT_TEXT, CTX_EVENT, 0},
	{"event.at", LQ_F_EVENT_AT, LQ_FT_TIME, CTX_EVENT, 0},
	{"grade", LQ_F_GRADE, LQ_FT_GRADE, CTX_SCORE, 0},
	{"fit", LQ_F_FIT, LQ_FT_NUM, CTX_SCORE, 0},
	{"channel", LQ_F_CHANNEL, LQ_FT_NUM, CTX_SCORE, 0},
	{"engagement", LQ_F_ENGAGEMENT, LQ_FT_NUM, CTX_SCORE, 0},
	{"score", LQ_F_SCORE, LQ_FT_NUM, CTX_SCORE, 0},
	{"account.attr.", LQ_F_ACCOUNT_ATTR, LQ_FT_ANY, CTX_ALL, 1},
	{"attr.", LQ_F_ATTR, LQ_FT_ANY, CTX_ALL, 1},
	{"event.", LQ_F_EVENT_PROP, LQ_FT_ANY, CTX_EVENT, 1},
};

#define NFIELDS (sizeof fields / sizeof fields[0])

static const struct {
	unsigned bit;
	const char *where;
} ctx_names[] = {
	{LQ_CTX_FIT, "fit and channel rules"},
	{LQ_CTX_ACTION, "engagement actions"},
	{LQ_CTX_STAGE, "stages.mql"},
	{LQ_CTX_HAND_RAISER, "stages.hand_raiser"},
	{LQ_CTX_ROUTING, "routing rules"},
};

const lq_field *lq_field_all(size_t *n)
{
	if (n)
		*n = NFIELDS;
	return fields;
}

const char *lq_field_type_name(lq_ftype t)
{
	switch (t) {
	case LQ_FT_TEXT: return "text";
	case LQ_FT_NUM: return "a number";
	case LQ_FT_TIME: return "a time";
	case LQ_FT_GRADE: return "a grade letter";
	case LQ_FT_LIST: return "a list";
	case LQ_FT_ANY: return "any value";
	}
	return "?";
}

static int name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

static int has_prefix(const char *name, size_t len, const char *p)
{
	size_t n = strlen(p);
	return len >= n && memcmp(name, p, n) == 0;
}

/* Levenshtein distance of a (alen) and b, capped at 3 (enough for hints). */
static size_t edit_distance(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), prev[64], cur[64];

	if (alen >= 63 || blen >= 63)
		return 3;
	for (size_t j = 0; j <= blen; j++)
		prev[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t m = sub < del ? sub : del;
			cur[j] = m < ins ? m : ins;
		}
		memcpy(prev, cur, (blen + 1) * sizeof cur[0]);
	}
	return prev[blen] < 3 ? prev[blen] : 3;
}

/* The fixed field whose last dotted part is name ("employees" ->
 * account.employees), or whose name is within two edits; NULL if none. */
static const char *suggest(const char *name, size_t len)
{
	const char *best = NULL, *last = name;
	size_t best_d = 3;

	for (size_t i = 0; i < len; i++)
		if (name[i] == '.')
			last = name + i + 1;
	for (size_t i = 0; i < NFIELDS; i++) {
		if (fields[i].dynamic)
			continue;
		const char *dot = strrchr(fields[i].name, '.');
		const char *tail = dot ? dot + 1 : fields[i].name;
		size_t n = len - (size_t)(last - name);
		if ((dot || last != name) && name_is(last, n, tail))
			return fields[i].name;
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		if (fields[i].dynamic)
			continue;
		size_t d = edit_distance(name, len, fields[i].name);
		if (d < best_d && d < len) {
			best_d = d;
			best = fields[i].name;
		}
	}
	return best;
}

static void unknown_field(const char *name, size_t len, lq_error *err)
{
	const char *s = suggest(name, len);
	int n = len > 200 ? 200 : (int)len;

	if (s)
		lq_error_set(err, LQ_EINVAL,
			     "unknown field '%.*s' (did you mean %s?)", n, name, s);
	else if (has_prefix(name, len, "account."))
		lq_error_set(err, LQ_EINVAL,
			     "unknown field '%.*s' (custom account attributes are account.attr.%.*s)",
			     n, name, n - 8, name + 8);
	else if (!memchr(name, '.', len))
		lq_error_set(err, LQ_EINVAL,
			     "unknown field '%.*s' (custom attributes are attr.%.*s)",
			     n, name, n, name);
	else
		lq_error_set(err, LQ_EINVAL, "unknown field '%.*s'", n, name);
}

static const char *ctx_where(unsigned ctx)
{
	for (size_t i = 0; i < sizeof ctx_names / sizeof ctx_names[0]; i++)
		if (ctx == ctx_names[i].bit)
			return ctx_names[i].where;
	return "this context";
}

static void wrong_context(const lq_field *f, const char *name, size_t len,
			  unsigned ctx, lq_error *err)
{
	const char *allowed = f->id >= LQ_F_GRADE
		? "grade, fit, channel, engagement and score are only available in stages.mql, stages.hand_raiser and routing rules"
		: "event.* is only available in engagement actions and stages.hand_raiser";
	int n = len > 200 ? 200 : (int)len;

	lq_error_set(err, LQ_EINVAL, "field '%.*s' is not available in %s (%s)",
		     n, name, ctx_where(ctx), allowed);
}

static const lq_field *match(const char *name, size_t len, const char **key,
			     size_t *keylen)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const lq_field *f = &fields[i];
		if (!f->dynamic && name_is(name, len, f->name))
			return f;
		if (f->dynamic && has_prefix(name, len, f->name)) {
			size_t n = strlen(f->name);
			*key = name + n;
			*keylen = len - n;
			return f;
		}
	}
	return NULL;
}

const lq_field *lq_field_find(const char *name, size_t len, unsigned ctx,
			      const char **key, size_t *keylen, lq_error *err)
{
	const char *k = NULL;
	size_t klen = 0;
	const lq_field *f = match(name, len, &k, &klen);

	if (!f) {
		for (size_t i = 0; i < NFIELDS; i++)
			if (fields[i].dynamic && strlen(fields[i].name) == len + 1 &&
			    memcmp(fields[i].name, name, len) == 0) {
				lq_error_set(err, LQ_EINVAL, "field '%.*s' needs a name after the dot (%sNAME)",
					     (int)len, name, fields[i].name);
				return NULL;
			}
		unknown_field(name, len, err);
		return NULL;
	}
	if (f->dynamic && klen == 0) {
		lq_error_set(err, LQ_EINVAL, "field '%.*s' needs a name after the dot (%sNAME)",
			     (int)len, name, f->name);
		return NULL;
	}
	if (!(f->ctx & ctx)) {
		wrong_context(f, name, len, ctx, err);
		return NULL;
	}
	if (key)
		*key = k;
	if (keylen)
		*keylen = klen;
	return f;
}

/* ---- reading values ---- */

static lq_value str_view(const char *s)
{
	lq_value v = LQ_VALUE_ABSENT;
	if (s && *s) {
		v.kind = LQ_V_STR;
		v.str = (char *)s;
	}
	return v;
}

static lq_value num_view(double x)
{
	lq_value v = LQ_VALUE_ABSENT;
	if (!isnan(x))
		v = lq_value_num(x);
	return v;
}

/* A shallow copy of a stored value; empty strings and lists are absent. */
static lq_value any_view(const lq_value *p)
{
	if (!p)
		return LQ_VALUE_ABSENT;
	if (p->kind == LQ_V_STR)
		return str_view(p->str);
	if (p->kind == LQ_V_LIST && p->n == 0)
		return LQ_VALUE_ABSENT;
	if (p->kind == LQ_V_NUM)
		return num_view(p->num);
	return *p;
}

static lq_value lead_field(const lq_field *f, const char *key,
			   const lq_lead *l)
{
	if (!l)
		return LQ_VALUE_ABSENT;
	switch (f->id) {
	case LQ_F_EMAIL: return str_view(l->email);
	case LQ_F_EMAIL_DOMAIN: return str_view(l->email_domain);
	case LQ_F_EXTERNAL_ID: return str_view(l->external_id);
	case LQ_F_FIRST_NAME: return str_view(l->first_name);
	case LQ_F_LAST_NAME: return str_view(l->last_name);
	case LQ_F_TITLE: return str_view(l->title);
	case LQ_F_SENIORITY: return str_view(l->seniority);
	case LQ_F_DEPARTMENT: return str_view(l->department);
	case LQ_F_COUNTRY: return str_view(l->country);
	case LQ_F_SOURCE: return str_view(l->source);
	case LQ_F_CREATED_AT:
		return l->created_at ? lq_value_num((double)l->created_at)
				     : LQ_VALUE_ABSENT;
	case LQ_F_STAGE:
		if (l->stage <= LQ_STAGE_NONE || l->stage >= LQ_STAGE_COUNT)
			return LQ_VALUE_ABSENT;
		return str_view(lq_stage_name(l->stage));
	case LQ_F_ATTR: return any_view(lq_attrs_get(&l->attrs, key));
	default: return LQ_VALUE_ABSENT;
	}
}

static lq_value account_field(const lq_field *f, const char *key,
			      const lq_account *a)
{
	if (!a)
		return LQ_VALUE_ABSENT;
	switch (f->id) {
	case LQ_F_ACCOUNT_DOMAIN: return str_view(a->domain);
	case LQ_F_ACCOUNT_NAME: return str_view(a->name);
	case LQ_F_ACCOUNT_INDUSTRY: return str_view(a->industry);
	case LQ_F_ACCOUNT_EMPLOYEES: return num_view(a->employees);
	case LQ_F_ACCOUNT_REVENUE: return num_view(a->revenue);
	case LQ_F_ACCOUNT_TRAFFIC: return num_view(a->traffic);
	case LQ_F_ACCOUNT_AD_SPEND: return num_view(a->ad_spend);
	case LQ_F_ACCOUNT_TECH: return any_view(&a->tech);
	case LQ_F_ACCOUNT_ATTR: return any_view(lq_attrs_get(&a->attrs, key));
	default: return LQ_VALUE_ABSENT;
	}
}

static lq_value event_field(const lq_field *f, const char *key,
			    const lq_event *e)
{
	if (!e)
		return LQ_VALUE_ABSENT;
	switch (f->id) {
	case LQ_F_EVENT_TYPE: return str_view(e->type);
	case LQ_F_EVENT_AT: return lq_value_num((double)e->at);
	case LQ_F_EVENT_PROP: return any_view(lq_attrs_get(&e->props, key));
	default: return LQ_VALUE_ABSENT;
	}
}

static lq_value score_field(const lq_field *f, const lq_eval_env *env)
{
	static const char *const letters[] = {"A", "B", "C", "D", "F"};
	static const char order[] = "ABCDF";

	if (!env->has_score)
		return LQ_VALUE_ABSENT;
	switch (f->id) {
	case LQ_F_GRADE: {
		const char *p = env->grade ? strchr(order, env->grade) : NULL;
		return p ? str_view(letters[p - order]) : LQ_VALUE_ABSENT;
	}
	case LQ_F_FIT: return num_view(env->fit);
	case LQ_F_CHANNEL: return num_view(env->channel);
	case LQ_F_ENGAGEMENT: return num_view(env->engagement);
	case LQ_F_SCORE: return num_view(env->score);
	default: return LQ_VALUE_ABSENT;
	}
}

lq_value lq_field_get(const lq_field *f, const char *key,
		      const lq_eval_env *env)
{
	if (!f || !env)
		return LQ_VALUE_ABSENT;
	if (f->id <= LQ_F_STAGE || f->id == LQ_F_ATTR)
		return lead_field(f, key, env->lead);
	if (f->id <= LQ_F_ACCOUNT_ATTR)
		return account_field(f, key, env->account);
	if (f->id <= LQ_F_EVENT_PROP)
		return event_field(f, key, env->event);
	return score_field(f, env);
}
