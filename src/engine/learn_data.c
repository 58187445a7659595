/*
 * learn_data.c - collecting the raw values of learning rows (see
 * learn_data.h): profile attributes read through the field registry, so a
 * value means what it means in a rule, and event counts cut at the entry
 * time. Never reads events after a row's entry time into its counts; never
 * does I/O or reads the clock.
 */
#include "engine/learn_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/fields.h"

/* Lead and account fields every row looks at (custom attributes too). */
static const char *const profile_fields[] = {
	"source", "country", "seniority", "department", "title",
	"account.industry", "account.employees", "account.revenue",
	"account.traffic", "account.ad_spend", "account.tech",
};

#define NPROFILE (sizeof profile_fields / sizeof profile_fields[0])
#define MAX_NAME 256

void lq_learn_data_init(lq_learn_data *d)
{
	memset(d, 0, sizeof *d);
}

void lq_learn_data_free(lq_learn_data *d)
{
	for (size_t i = 0; i < d->nrows; i++)
		free(d->rows[i].vals);
	free(d->rows);
	for (size_t i = 0; i < d->nattrs; i++) {
		free(d->attrs[i].name);
		lq_strtab_free(&d->attrs[i].levels);
		free(d->attrs[i].level_rows);
	}
	free(d->attrs);
	lq_strtab_free(&d->names);
	memset(d, 0, sizeof *d);
}

int lq_learn_name_matches(const char *name, const char *const *pat,
			  size_t npat)
{
	for (size_t i = 0; i < npat; i++) {
		size_t n = strlen(pat[i]);
		if (n && pat[i][n - 1] == '*') {
			if (strncmp(name, pat[i], n - 1) == 0)
				return 1;
		} else if (strcmp(name, pat[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

static int allowed(const lq_learn_data *d, const char *name)
{
	if (d->nonly && !lq_learn_name_matches(name, d->only, d->nonly))
		return 0;
	return !lq_learn_name_matches(name, d->skip, d->nskip);
}

/* Index of the attribute called name, created (with its kind) if new. */
static uint32_t attr_of(lq_learn_data *d, const char *name, lq_attr_kind kind)
{
	uint32_t i = lq_strtab_intern(&d->names, name, strlen(name));
	if (i < d->nattrs)
		return i;
	if (d->nattrs == d->acap) {
		d->acap = d->acap ? d->acap * 2 : 32;
		d->attrs = lq_xrealloc(d->attrs, d->acap * sizeof *d->attrs);
	}
	lq_learn_attr *a = &d->attrs[d->nattrs++];
	memset(a, 0, sizeof *a);
	a->name = lq_xstrdup(name);
	a->kind = kind;
	a->excluded = !allowed(d, name);
	if (kind == LQ_ATTR_EVENTS || kind == LQ_ATTR_RECENT)
		a->event = strchr(a->name, '.') + 1;
	return i;
}

static void push(lq_learn_row *r, uint32_t attr, uint32_t level, double num)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->vals = lq_xrealloc(r->vals, r->cap * sizeof *r->vals);
	}
	r->vals[r->n++] = (lq_raw){attr, level, num};
}

/* Text usable as a categorical value: not empty, bounded, printable. */
static int usable_text(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || n >= LQ_LEARN_MAX_LEVEL)
			return 0;
	return n > 0;
}

static uint32_t intern_lower(lq_learn_attr *a, const char *s)
{
	char low[LQ_LEARN_MAX_LEVEL + 1];
	size_t n = 0;
	for (; s[n] && n < LQ_LEARN_MAX_LEVEL; n++)
		low[n] = (s[n] >= 'A' && s[n] <= 'Z') ? (char)(s[n] + 32) : s[n];
	low[n] = '\0';
	return lq_strtab_intern(&a->levels, low, n);
}

static int row_has(const lq_learn_row *r, uint32_t attr, uint32_t level)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->vals[i].attr == attr && r->vals[i].level == level)
			return 1;
	return 0;
}

static void add_text(lq_learn_data *d, lq_learn_row *r, uint32_t ai,
		     const char *s)
{
	if (!usable_text(s))
		return;
	uint32_t lv = intern_lower(&d->attrs[ai], s);
	d->attrs[ai].has_text = 1;
	if (!row_has(r, ai, lv))
		push(r, ai, lv, 0);
}

static void add_list(lq_learn_data *d, lq_learn_row *r, uint32_t ai,
		     const lq_value *v)
{
	char num[64];
	d->attrs[ai].has_list = 1;
	for (size_t i = 0; i < v->n; i++) {
		const lq_value *it = &v->items[i];
		if (it->kind == LQ_V_STR) {
			add_text(d, r, ai, it->str);
		} else if (it->kind == LQ_V_NUM && isfinite(it->num)) {
			snprintf(num, sizeof num, "%.15g", it->num);
			add_text(d, r, ai, num);
		}
	}
}

static void add_value(lq_learn_data *d, lq_learn_row *r, const char *name,
		      const lq_value *v)
{
	if (!v || v->kind == LQ_V_ABSENT)
		return;
	uint32_t ai = attr_of(d, name, LQ_ATTR_CAT);
	lq_learn_attr *a = &d->attrs[ai];
	if (a->excluded)
		return;
	if (v->kind == LQ_V_NUM && isfinite(v->num)) {
		a->has_num = 1;
		push(r, ai, LQ_STRTAB_NONE, v->num);
	} else if (v->kind == LQ_V_STR) {
		add_text(d, r, ai, v->str);
	} else if (v->kind == LQ_V_LIST) {
		add_list(d, r, ai, v);
	}
}

static void add_attrs(lq_learn_data *d, lq_learn_row *r, const char *prefix,
		      const lq_attrs *attrs)
{
	char name[MAX_NAME];
	for (size_t i = 0; i < attrs->n; i++) {
		int n = snprintf(name, sizeof name, "%s%s", prefix,
				 attrs->items[i].key);
		if (n > 0 && (size_t)n < sizeof name)
			add_value(d, r, name, &attrs->items[i].val);
	}
}

static void add_profile(lq_learn_data *d, lq_learn_row *r, const lq_lead *lead,
			const lq_account *account)
{
	lq_eval_env env = {.lead = lead, .account = account};
	for (size_t i = 0; i < NPROFILE; i++) {
		const char *key = NULL;
		size_t keylen = 0;
		const lq_field *f = lq_field_find(profile_fields[i],
						  strlen(profile_fields[i]),
						  LQ_CTX_FIT, &key, &keylen, NULL);
		if (!f)
			continue;
		lq_value v = lq_field_get(f, key, &env);
		add_value(d, r, profile_fields[i], &v);
	}
	add_attrs(d, r, "attr.", &lead->attrs);
	if (account)
		add_attrs(d, r, "account.attr.", &account->attrs);
}

size_t lq_learn_data_add_lead(lq_learn_data *d, const lq_lead *lead,
			      const lq_account *account, int label,
			      lq_time entry)
{
	if (d->nrows == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->rows = lq_xrealloc(d->rows, d->cap * sizeof *d->rows);
	}
	lq_learn_row *r = &d->rows[d->nrows];
	memset(r, 0, sizeof *r);
	r->lead_id = lead->id;
	r->entry = entry;
	r->label = label;
	add_profile(d, r, lead, account);
	return d->nrows++;
}

static void bump(lq_learn_data *d, lq_learn_row *r, const char *prefix,
		 const char *type, lq_attr_kind kind)
{
	char name[MAX_NAME];
	int n = snprintf(name, sizeof name, "%s%s", prefix, type);
	if (n <= 0 || (size_t)n >= sizeof name)
		return;
	uint32_t ai = attr_of(d, name, kind);
	if (d->attrs[ai].excluded)
		return;
	for (uint32_t i = 0; i < r->n; i++)
		if (r->vals[i].attr == ai) {
			r->vals[i].num += 1;
			return;
		}
	push(r, ai, LQ_STRTAB_NONE, 1);
}

void lq_learn_data_add_event(lq_learn_data *d, size_t row, const lq_event *e)
{
	if (row >= d->nrows || !e->type || !usable_text(e->type))
		return;
	lq_learn_row *r = &d->rows[row];
	if (e->at > r->entry)
		return;   /* after the moment of decision: never a feature */
	bump(d, r, "events.", e->type, LQ_ATTR_EVENTS);
	if (r->entry - e->at < LQ_LEARN_RECENT)
		bump(d, r, "recent.", e->type, LQ_ATTR_RECENT);
}

const lq_raw *lq_learn_row_get(const lq_learn_row *r, uint32_t a)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->vals[i].attr == a)
			return &r->vals[i];
	return NULL;
}

static void settle_kinds(lq_learn_data *d)
{
	char num[64];
	for (size_t i = 0; i < d->nattrs; i++) {
		lq_learn_attr *a = &d->attrs[i];
		if (a->kind == LQ_ATTR_EVENTS || a->kind == LQ_ATTR_RECENT)
			continue;
		a->kind = a->has_list ? LQ_ATTR_LIST
			: a->has_text ? LQ_ATTR_CAT : LQ_ATTR_NUM;
	}
	for (size_t i = 0; i < d->nrows; i++) {
		lq_learn_row *r = &d->rows[i];
		for (uint32_t k = 0; k < r->n; k++) {
			lq_raw *v = &r->vals[k];
			lq_learn_attr *a = &d->attrs[v->attr];
			if (v->level != LQ_STRTAB_NONE ||
			    (a->kind != LQ_ATTR_CAT && a->kind != LQ_ATTR_LIST))
				continue;
			snprintf(num, sizeof num, "%.15g", v->num);
			v->level = lq_strtab_intern(&a->levels, num, strlen(num));
		}
	}
}

static void count_presence(lq_learn_data *d)
{
	size_t *seen = lq_xcalloc(d->nattrs ? d->nattrs : 1, sizeof *seen);
	for (size_t i = 0; i < d->nattrs; i++)
		if (d->attrs[i].levels.n)
			d->attrs[i].level_rows = lq_xcalloc(d->attrs[i].levels.n,
							    sizeof(size_t));
	for (size_t i = 0; i < d->nrows; i++) {
		const lq_learn_row *r = &d->rows[i];
		d->npos += r->label == 1;
		d->nneg += r->label == 0;
		for (uint32_t k = 0; k < r->n; k++) {
			lq_learn_attr *a = &d->attrs[r->vals[k].attr];
			if (a->level_rows && r->vals[k].level != LQ_STRTAB_NONE)
				a->level_rows[r->vals[k].level]++;
			if (seen[r->vals[k].attr] == i + 1)
				continue;
			seen[r->vals[k].attr] = i + 1;
			a->present++;
			a->present_pos += r->label == 1;
		}
	}
	free(seen);
}

void lq_learn_data_finish(lq_learn_data *d)
{
	if (d->finished)
		return;
	settle_kinds(d);
	count_presence(d);
	d->finished = 1;
}

static int leaky(const lq_learn_data *d, const lq_learn_attr *a)
{
	if (a->kind == LQ_ATTR_EVENTS || a->kind == LQ_ATTR_RECENT ||
	    a->excluded || !d->npos || !d->nneg)
		return 0;
	double rp = (double)a->present_pos / (double)d->npos;
	double rn = (double)(a->present - a->present_pos) / (double)d->nneg;
	double hi = rp > rn ? rp : rn, lo = rp > rn ? rn : rp;
	size_t nlow = rp > rn ? d->nneg : d->npos;
	return lo <= 0.01 * hi && hi * (double)nlow >= 10.0;
}

size_t lq_learn_data_leak_check(lq_learn_data *d, const char ***names)
{
	size_t n = 0;
	const char **out = names ? lq_xcalloc(d->nattrs + 1, sizeof *out) : NULL;
	for (size_t i = 0; i < d->nattrs; i++) {
		if (!leaky(d, &d->attrs[i]))
			continue;
		d->attrs[i].excluded = 1;
		if (out)
			out[n] = d->attrs[i].name;
		n++;
	}
	if (names)
		*names = out;
	return n;
}
