/*
 * learned_model.c - a learned model to and from JSON (cJSON), and the
 * probability and top contributions of one row (see learned_model.h).
 * Never does I/O: the store keeps the text, this file only reads and
 * writes it.
 */
#include "engine/learned_model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static const char *const feat_kinds[] = {"eq", "other", "missing",
					 "contains", "range", "linear"};
static const char *const attr_kinds[] = {"cat", "num", "list", "events",
					 "recent"};

const char *lq_feat_kind_name(lq_feat_kind k)
{
	return (unsigned)k < 6 ? feat_kinds[k] : "?";
}

const char *lq_attr_kind_name(lq_attr_kind k)
{
	return (unsigned)k < 5 ? attr_kinds[k] : "?";
}

static int kind_of(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void lq_learned_free(lq_learned *m)
{
	if (!m)
		return;
	free(m->outcome);
	lq_feature_set_free(&m->fs);
	lq_learn_result_free(&m->res);
	memset(m, 0, sizeof *m);
}

/* ---- writing -------------------------------------------------------------- */

/* Infinite bounds and NAN metrics are null. */
static void add_num(cJSON *o, const char *key, double x)
{
	if (isfinite(x))
		cJSON_AddNumberToObject(o, key, x);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *number_or_null(double x)
{
	return isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull();
}

static cJSON *feature_json(const lq_feature *f, double w)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", lq_feat_kind_name(f->kind));
	cJSON_AddStringToObject(o, "attr", f->attr);
	cJSON_AddStringToObject(o, "attr_kind", lq_attr_kind_name(f->attr_kind));
	if (f->level)
		cJSON_AddStringToObject(o, "level", f->level);
	if (f->kind == LQ_FEAT_OTHER) {
		cJSON *k = cJSON_AddArrayToObject(o, "kept");
		for (size_t i = 0; i < f->nkept; i++)
			cJSON_AddItemToArray(k, cJSON_CreateString(f->kept[i]));
	}
	if (f->kind == LQ_FEAT_RANGE) {
		add_num(o, "lo", f->lo);
		add_num(o, "hi", f->hi);
	}
	if (f->kind == LQ_FEAT_LINEAR)
		add_num(o, "cap", f->cap);
	cJSON_AddNumberToObject(o, "support", (double)f->support);
	cJSON_AddNumberToObject(o, "support_pos", (double)f->support_pos);
	cJSON_AddStringToObject(o, "label", f->label);
	add_num(o, "weight", w);
	return o;
}

static cJSON *metrics_json(const lq_learn_result *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *fa = cJSON_AddArrayToObject(o, "fold_auc");
	cJSON *fl = cJSON_AddArrayToObject(o, "fold_logloss");
	cJSON *lift = cJSON_AddArrayToObject(o, "lift");
	add_num(o, "auc_mean", r->auc_mean);
	add_num(o, "auc_oof", r->auc_oof);
	add_num(o, "logloss", r->logloss);
	add_num(o, "base_rate", r->base_rate);
	for (int f = 0; f < r->folds; f++) {
		cJSON_AddItemToArray(fa, number_or_null(r->fold_auc[f]));
		cJSON_AddItemToArray(fl, number_or_null(r->fold_logloss[f]));
	}
	for (size_t i = 0; i < r->nlift; i++) {
		const lq_lift_row *d = &r->lift[i];
		cJSON *row = cJSON_CreateObject();
		cJSON_AddNumberToObject(row, "n", (double)d->n);
		cJSON_AddNumberToObject(row, "pos", (double)d->pos);
		add_num(row, "min_p", d->min_p);
		add_num(row, "max_p", d->max_p);
		add_num(row, "rate", d->rate);
		add_num(row, "lift", d->lift);
		add_num(row, "capture", d->capture);
		cJSON_AddItemToArray(lift, row);
	}
	return o;
}

char *lq_learned_to_json(const lq_learned *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "format", 1);
	cJSON_AddStringToObject(o, "outcome", m->outcome ? m->outcome : "");
	cJSON_AddNumberToObject(o, "created_at", (double)m->created_at);
	cJSON_AddNumberToObject(o, "as_of", (double)m->as_of);
	cJSON_AddStringToObject(o, "solver", m->opts.l1 ? "l1" : "l2");
	cJSON_AddNumberToObject(o, "c", m->opts.c);
	cJSON_AddNumberToObject(o, "folds", m->opts.folds);
	cJSON_AddNumberToObject(o, "seed", (double)m->opts.seed);
	cJSON_AddNumberToObject(o, "min_support", (double)m->min_support);
	cJSON_AddNumberToObject(o, "bins", m->bins);
	cJSON_AddNumberToObject(o, "rows", (double)m->res.nrows);
	cJSON_AddNumberToObject(o, "positives", (double)m->res.npos);
	add_num(o, "bias", m->res.bias);
	cJSON_AddItemToObject(o, "metrics", metrics_json(&m->res));
	cJSON *fs = cJSON_AddArrayToObject(o, "features");
	for (size_t j = 0; j < m->fs.n; j++)
		cJSON_AddItemToArray(fs, feature_json(&m->fs.items[j],
						      j < m->res.nw ? m->res.w[j] : 0));
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	char *out = lq_xstrdup(text);
	cJSON_free(text);
	return out;
}

/* ---- reading -------------------------------------------------------------- */

static double num_or(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? lq_xstrdup(v->valuestring) : NULL;
}

static int read_kept(const cJSON *o, lq_feature *f)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kept"), *it;
	if (!k)
		return 0;
	if (!cJSON_IsArray(k))
		return -1;
	f->kept = lq_xcalloc((size_t)cJSON_GetArraySize(k) + 1, sizeof *f->kept);
	cJSON_ArrayForEach(it, k) {
		if (!cJSON_IsString(it))
			return -1;
		f->kept[f->nkept++] = lq_xstrdup(it->valuestring);
	}
	return 0;
}

static int read_feature(const cJSON *o, lq_feature *f, double *w)
{
	char *kind = str_of(o, "kind"), *akind = str_of(o, "attr_kind");
	int k = kind_of(kind, feat_kinds, 6), ak = kind_of(akind, attr_kinds, 5);
	free(kind);
	free(akind);
	memset(f, 0, sizeof *f);
	f->attr = str_of(o, "attr");
	f->level = str_of(o, "level");
	f->label = str_of(o, "label");
	f->lo = num_or(o, "lo", -INFINITY);
	f->hi = num_or(o, "hi", INFINITY);
	f->cap = num_or(o, "cap", 1);
	f->support = (size_t)num_or(o, "support", 0);
	f->support_pos = (size_t)num_or(o, "support_pos", 0);
	*w = num_or(o, "weight", 0);
	if (k < 0 || ak < 0 || !f->attr || read_kept(o, f))
		return -1;
	f->kind = (lq_feat_kind)k;
	f->attr_kind = (lq_attr_kind)ak;
	if (((k == LQ_FEAT_EQ || k == LQ_FEAT_CONTAINS) && !f->level) ||
	    (k == LQ_FEAT_LINEAR && !(f->cap > 0)))
		return -1;
	if (!f->label)
		lq_feature_label(f);
	return 0;
}

static void read_metrics(const cJSON *o, lq_learn_result *r)
{
	const cJSON *fa = cJSON_GetObjectItemCaseSensitive(o, "fold_auc");
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(o, "fold_logloss");
	const cJSON *lift = cJSON_GetObjectItemCaseSensitive(o, "lift"), *it;
	r->auc_mean = num_or(o, "auc_mean", NAN);
	r->auc_oof = num_or(o, "auc_oof", NAN);
	r->logloss = num_or(o, "logloss", NAN);
	r->base_rate = num_or(o, "base_rate", NAN);
	r->folds = 0;
	cJSON_ArrayForEach(it, fa) {
		if (r->folds >= LQ_LEARN_MAX_FOLDS)
			break;
		r->fold_auc[r->folds] = cJSON_IsNumber(it) ? it->valuedouble : NAN;
		const cJSON *l = cJSON_GetArrayItem(fl, r->folds);
		r->fold_logloss[r->folds++] = cJSON_IsNumber(l) ? l->valuedouble : NAN;
	}
	cJSON_ArrayForEach(it, lift) {
		if (r->nlift >= LQ_LEARN_DECILES)
			break;
		lq_lift_row *d = &r->lift[r->nlift++];
		d->n = (size_t)num_or(it, "n", 0);
		d->pos = (size_t)num_or(it, "pos", 0);
		d->min_p = num_or(it, "min_p", NAN);
		d->max_p = num_or(it, "max_p", NAN);
		d->rate = num_or(it, "rate", NAN);
		d->lift = num_or(it, "lift", NAN);
		d->capture = num_or(it, "capture", NAN);
	}
}

static int read_features(const cJSON *arr, lq_learned *m)
{
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(arr), j = 0;
	m->res.w = lq_xcalloc(n + 1, sizeof *m->res.w);
	cJSON_ArrayForEach(it, arr) {
		lq_feature f;
		int bad = read_feature(it, &f, &m->res.w[j]);
		lq_feature_set_push(&m->fs, &f);
		if (bad)
			return -1;
		j++;
	}
	m->res.nw = j;
	return 0;
}

static void read_header(const cJSON *o, lq_learned *m)
{
	char *solver = str_of(o, "solver");
	m->outcome = str_of(o, "outcome");
	m->created_at = (lq_time)num_or(o, "created_at", 0);
	m->as_of = (lq_time)num_or(o, "as_of", 0);
	m->opts.l1 = solver && strcmp(solver, "l1") == 0;
	free(solver);
	m->opts.c = num_or(o, "c", 1);
	m->opts.folds = (int)num_or(o, "folds", 0);
	m->opts.seed = (uint64_t)num_or(o, "seed", 0);
	m->min_support = (size_t)num_or(o, "min_support", 0);
	m->bins = (int)num_or(o, "bins", 0);
	m->res.nrows = (size_t)num_or(o, "rows", 0);
	m->res.npos = (size_t)num_or(o, "positives", 0);
	m->res.bias = num_or(o, "bias", 0);
}

int lq_learned_from_json(const char *json, lq_learned *out, lq_error *err)
{
	cJSON *o = json ? cJSON_Parse(json) : NULL;
	const cJSON *fs;
	int rc = 0;
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(o)) {
		rc = lq_error_set(err, LQ_EINVAL, "learned model is not a JSON object");
		goto delete_json;
	}
	read_header(o, out);
	read_metrics(cJSON_GetObjectItemCaseSensitive(o, "metrics"), &out->res);
	fs = cJSON_GetObjectItemCaseSensitive(o, "features");
	if (!out->outcome || !cJSON_IsArray(fs) || read_features(fs, out)) {
		rc = lq_error_set(err, LQ_EINVAL, "learned model has a missing "
				  "or malformed field");
		lq_learned_free(out);
	}
delete_json:
	cJSON_Delete(o);
	return rc;
}

/* ---- explaining one row --------------------------------------------------- */

static int cmp_contribution(const void *pa, const void *pb)
{
	const lq_contribution *a = pa, *b = pb;
	double x = fabs(a->effect), y = fabs(b->effect);
	if (x != y)
		return x > y ? -1 : 1;
	return (a->feature > b->feature) - (a->feature < b->feature);
}

double lq_learned_explain(const lq_learned *m, const lq_matrix *x, size_t i,
			  lq_contribution **out, size_t *n)
{
	double z = lq_learn_margin(m->res.w, m->res.bias, x, i);
	if (out) {
		size_t k = 0, cnt = x->start[i + 1] - x->start[i];
		lq_contribution *c = lq_xcalloc(cnt + 1, sizeof *c);
		for (size_t e = x->start[i]; e < x->start[i + 1]; e++) {
			size_t j = x->col[e];
			c[k++] = (lq_contribution){j, x->val[e],
						   m->res.w[j] * x->val[e]};
		}
		qsort(c, k, sizeof *c, cmp_contribution);
		*out = c;
		*n = k;
	}
	return lq_learn_sigmoid(z);
}
