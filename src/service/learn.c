/*
 * learn.c - the learning operations: insights (which attribute values
 * leads with an outcome share) and learn (fit a logistic regression with
 * cross-validation, keep it as a new learned-model version, draft a
 * scoring model from it). Reads through learn_gather.c; the only write is
 * the learned model, in one transaction.
 */
#include "service/learn_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/draft_model.h"

#define INSIGHTS_MIN_SUPPORT 30
#define LEARN_MIN_SUPPORT 20
#define DEFAULT_BINS 5
#define MAX_BINS 20
#define MAX_LEVELS 30

/* The rows of q's outcome, filtered, finished and leak-checked. skip
 * (caller frees the array) holds q's exclusions and the outcome itself. */
static int gather(lq_service *svc, const lq_learn_query *q,
		  const lq_outcome *o, lq_learn_data *d, const char ***skip,
		  lq_learn_scope *scope, lq_error *err)
{
	lq_gather g = {.outcome = o, .as_of = q->as_of, .now = svc->now};
	const char **sk = lq_xcalloc(q->nexclude + 2, sizeof *sk);
	const char **leaky = NULL;
	for (size_t i = 0; i < q->nexclude; i++)
		sk[i] = q->exclude[i];
	if (o->is_attr)
		sk[q->nexclude] = o->name;
	*skip = sk;
	lq_learn_data_init(d);
	d->only = q->fields;
	d->nonly = q->nfields;
	d->skip = sk;
	d->nskip = q->nexclude + (o->is_attr ? 1 : 0);
	int rc = lq_learn_gather(svc, &g, d, scope, NULL, err);
	if (rc || q->no_leak_check)
		return rc;
	scope->nleaky = lq_learn_data_leak_check(d, &leaky);
	scope->leaky = lq_xcalloc(scope->nleaky + 1, sizeof *scope->leaky);
	for (size_t i = 0; i < scope->nleaky; i++)
		scope->leaky[i] = lq_xstrdup(leaky[i]);
	free(leaky);
	return 0;
}

static void scope_free(lq_learn_scope *s)
{
	for (size_t i = 0; i < s->nleaky; i++)
		free(s->leaky[i]);
	free(s->leaky);
	memset(s, 0, sizeof *s);
}

static int plan_opts(const lq_learn_query *q, size_t dflt_support,
		     lq_plan_opts *po, lq_error *err)
{
	if (q->bins && (q->bins < 2 || q->bins > MAX_BINS))
		return lq_error_set(err, LQ_EINVAL, "bins must be 2 to %d, not %d",
				    MAX_BINS, q->bins);
	po->min_support = q->min_support ? q->min_support : dflt_support;
	po->bins = q->bins ? q->bins : DEFAULT_BINS;
	po->max_levels = MAX_LEVELS;
	po->insights = 0;
	return 0;
}

static int need_both_classes(const lq_learn_data *d, const char *outcome,
			     const lq_learn_scope *scope, lq_error *err)
{
	if (d->nrows == 0 && scope->unlabelled)
		return lq_error_set(err, LQ_EINVAL, "no lead has %s as 0 or 1 "
				    "(%zu leads without a 0/1 value)", outcome,
				    scope->unlabelled);
	if (d->npos == 0)
		return lq_error_set(err, LQ_EINVAL, "no lead reached the outcome "
				    "'%s' (%zu leads looked at)", outcome, d->nrows);
	if (d->nneg == 0)
		return lq_error_set(err, LQ_EINVAL, "every lead reached the "
				    "outcome '%s': nothing to compare", outcome);
	return 0;
}

int lq_service_insights(lq_service *svc, const lq_learn_query *q,
			lq_insights_report *out, lq_error *err)
{
	lq_outcome o;
	lq_learn_data d;
	lq_plan_opts po;
	const char **skip = NULL;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = lq_outcome_parse(q->outcome, &o, err)) ||
	    (rc = plan_opts(q, INSIGHTS_MIN_SUPPORT, &po, err)))
		return rc;
	snprintf(out->outcome, sizeof out->outcome, "%s", o.name);
	rc = gather(svc, q, &o, &d, &skip, &out->scope, err);
	if (rc == 0)
		rc = need_both_classes(&d, o.name, &out->scope, err);
	if (rc == 0)
		lq_insights_compute(&d, &po, &out->insights);
	lq_learn_data_free(&d);
	free(skip);
	if (rc)
		lq_insights_report_free(out);
	return rc;
}

void lq_insights_report_free(lq_insights_report *r)
{
	scope_free(&r->scope);
	lq_insights_free(&r->insights);
}

/* ---- learn ---------------------------------------------------------------- */

static int *labels_of(const lq_learn_data *d)
{
	int *y = lq_xcalloc(d->nrows + 1, sizeof *y);
	for (size_t i = 0; i < d->nrows; i++)
		y[i] = d->rows[i].label == 1;
	return y;
}

static int store_model(lq_service *svc, lq_learned *m, lq_error *err)
{
	char *json = lq_learned_to_json(m);
	int rc = lq_store_begin(svc->store, err);
	if (rc == 0)
		rc = lq_store_learned_add(svc->store, m->outcome, m->created_at,
					  json, &m->version, err);
	if (rc == 0)
		rc = lq_store_commit(svc->store, err);
	if (rc)
		lq_store_rollback(svc->store);
	free(json);
	return rc;
}

static int fit(lq_service *svc, const lq_learn_query *q, const lq_outcome *o,
	       const lq_learn_opts *opts, lq_learn_data *d, int dry_run,
	       lq_learn_report *out, lq_error *err)
{
	lq_learned *m = &out->model;
	lq_plan_opts po;
	lq_matrix x;
	int rc = plan_opts(q, LEARN_MIN_SUPPORT, &po, err);
	if (rc)
		return rc;
	lq_features_plan(d, &po, &m->fs);
	if (m->fs.n == 0)
		return lq_error_set(err, LQ_EINVAL, "no feature is shared by %zu "
				    "or more leads: nothing to learn from "
				    "(lower --min-support?)", po.min_support);
	m->outcome = lq_xstrdup(o->name);
	m->created_at = svc->now;
	m->as_of = q->as_of;
	m->opts = *opts;
	m->min_support = po.min_support;
	m->bins = po.bins;
	lq_features_matrix(d, &m->fs, &x);
	int *y = labels_of(d);
	rc = lq_learn_fit_cv(&x, y, opts, &m->res, err);
	if (rc == 0)
		lq_learn_reference_levels(&m->fs, &x, m->res.w, &m->res.bias);
	if (rc == 0 && !dry_run)
		rc = store_model(svc, m, err);
	if (rc == 0)
		out->draft = lq_draft_model_yaml(m, &x);
	free(y);
	lq_matrix_free(&x);
	return rc;
}

int lq_service_learn(lq_service *svc, const lq_learn_query *q,
		     const lq_learn_opts *opts, int dry_run,
		     lq_learn_report *out, lq_error *err)
{
	lq_outcome o;
	lq_learn_data d;
	const char **skip = NULL;
	int rc;
	memset(out, 0, sizeof *out);
	if (!(opts->c > 0) || opts->c > 1e6)
		return lq_error_set(err, LQ_EINVAL, "C must be above 0 and at "
				    "most 1000000");
	if ((rc = lq_outcome_parse(q->outcome, &o, err)))
		return rc;
	rc = gather(svc, q, &o, &d, &skip, &out->scope, err);
	if (rc == 0)
		rc = need_both_classes(&d, o.name, &out->scope, err);
	if (rc == 0)
		rc = fit(svc, q, &o, opts, &d, dry_run, out, err);
	lq_learn_data_free(&d);
	free(skip);
	if (rc)
		lq_learn_report_free(out);
	return rc;
}

void lq_learn_report_free(lq_learn_report *r)
{
	scope_free(&r->scope);
	lq_learned_free(&r->model);
	free(r->draft);
	r->draft = NULL;
}
