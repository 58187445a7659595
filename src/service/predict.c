/*
 * predict.c - applying the newest learned model: score-predict (every
 * lead's probability, stored beside its rules score in one transaction)
 * and predict (one lead, explained by the features that moved it most).
 * Features are rebuilt from the store exactly as learning built them, as
 * of each lead's entry (now for leads that have not entered).
 */
#include "service/learn_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static int load_learned(lq_service *svc, lq_learned *m, lq_error *err)
{
	lq_learned_row row;
	int rc = lq_store_learned_get(svc->store, 0, &row, err);
	if (rc)
		return rc;
	rc = lq_learned_from_json(row.json, m, err);
	if (rc) {
		lq_error_prefix(err, "stored learned model v%lld",
				(long long)row.version);
		rc = LQ_EINTERNAL;
		err->code = rc;
	} else {
		m->version = row.version;
	}
	lq_learned_row_free(&row);
	return rc;
}

/* ---- score-predict -------------------------------------------------------- */

static int cmp_row(const void *pa, const void *pb)
{
	const lq_prediction_row *a = pa, *b = pb;
	if (a->probability != b->probability)
		return a->probability > b->probability ? -1 : 1;
	return (a->lead_id > b->lead_id) - (a->lead_id < b->lead_id);
}

static int store_predictions(lq_service *svc, const lq_predict_report *r,
			     lq_error *err)
{
	lq_prediction *p = lq_xcalloc(r->n + 1, sizeof *p);
	for (size_t i = 0; i < r->n; i++)
		p[i] = (lq_prediction){r->rows[i].lead_id, r->learned_version,
				       r->rows[i].probability, svc->now};
	int rc = lq_store_begin(svc->store, err);
	if (rc == 0)
		rc = lq_store_predictions_put(svc->store, p, r->n, err);
	if (rc == 0)
		rc = lq_store_commit(svc->store, err);
	if (rc)
		lq_store_rollback(svc->store);
	free(p);
	return rc;
}

static void fill_rows(lq_predict_report *out, const lq_learned *m,
		      const lq_learn_data *d, lq_gather_extra *x)
{
	lq_matrix mx;
	lq_features_matrix(d, &m->fs, &mx);
	out->n = d->nrows;
	out->rows = lq_xcalloc(d->nrows + 1, sizeof *out->rows);
	for (size_t i = 0; i < d->nrows; i++) {
		lq_prediction_row *r = &out->rows[i];
		r->lead_id = d->rows[i].lead_id;
		r->key = x[i].key;
		x[i].key = NULL;
		r->stage = x[i].stage;
		r->scored = x[i].scored;
		r->score = x[i].score;
		r->grade = x[i].grade;
		r->probability = lq_learned_explain(m, &mx, i, NULL, NULL);
		out->mean += r->probability / (double)d->nrows;
	}
	lq_matrix_free(&mx);
}

int lq_service_score_predict(lq_service *svc, lq_predict_report *out,
			     lq_error *err)
{
	lq_gather g = {.predict = 1, .now = svc->now};
	lq_learn_scope scope;
	lq_gather_extra *x = NULL;
	lq_learned m;
	lq_learn_data d;
	int rc;
	memset(out, 0, sizeof *out);
	memset(&scope, 0, sizeof scope);
	if ((rc = load_learned(svc, &m, err)))
		return rc;
	out->learned_version = m.version;
	out->auc = m.res.auc_mean;
	snprintf(out->outcome, sizeof out->outcome, "%s", m.outcome);
	lq_learn_data_init(&d);
	rc = lq_learn_gather(svc, &g, &d, &scope, &x, err);
	if (rc == 0) {
		fill_rows(out, &m, &d, x);
		rc = store_predictions(svc, out, err);
	}
	if (rc == 0)
		qsort(out->rows, out->n, sizeof *out->rows, cmp_row);
	lq_gather_extras_free(x, rc == 0 ? d.nrows : 0);
	lq_learn_data_free(&d);
	lq_learned_free(&m);
	if (rc)
		lq_predict_report_free(out);
	return rc;
}

void lq_predict_report_free(lq_predict_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->rows[i].key);
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

/* ---- predict one lead ----------------------------------------------------- */

/* The lead's row: profile, entry from its history, events up to entry. */
static int lead_row(lq_service *svc, lq_predict_detail *out,
		    lq_learn_data *d, lq_error *err)
{
	lq_stage_change *h = NULL;
	lq_event *ev = NULL;
	size_t nh = 0, nev = 0;
	lq_account acc;
	int has_acc = 0;
	int rc = lq_store_stage_history(svc->store, out->lead.id, &h, &nh, err);
	lq_account_init(&acc);
	if (rc == 0 && out->lead.account_id) {
		rc = lq_store_account_get(svc->store, out->lead.account_id, &acc, err);
		has_acc = rc == 0;
	}
	if (rc == 0)
		rc = lq_store_lead_events(svc->store, out->lead.id, &ev, &nev, err);
	if (rc == 0) {
		lq_time entry = lq_learn_entry(h, nh, 0);
		out->entered = entry && entry < svc->now;
		out->as_of = out->entered ? entry : svc->now;
		lq_learn_data_add_lead(d, &out->lead, has_acc ? &acc : NULL, -1,
				       out->as_of);
		for (size_t i = 0; i < nev; i++)
			lq_learn_data_add_event(d, 0, &ev[i]);
		lq_learn_data_finish(d);
	}
	lq_stage_changes_free(h, nh);
	lq_events_free(ev, nev);
	lq_account_free(&acc);
	return rc;
}

/* The stored prediction and rules score, when there are some. */
static int saved_scores(lq_service *svc, lq_predict_detail *out,
			lq_error *err)
{
	lq_score_row s;
	int rc = lq_store_prediction_get(svc->store, out->lead.id, &out->saved,
					 err);
	out->stored = rc == 0;
	if (rc && rc != LQ_ENOTFOUND)
		return rc;
	rc = lq_store_score_get(svc->store, out->lead.id, &s, err);
	if (rc == 0) {
		out->scored = 1;
		out->score = s.score;
		out->grade = s.grade;
		lq_score_row_free(&s);
	}
	if (rc == LQ_ENOTFOUND)
		lq_error_clear(err);
	return rc == LQ_ENOTFOUND ? 0 : rc;
}

int lq_service_predict(lq_service *svc, const char *key,
		       lq_predict_detail *out, lq_error *err)
{
	lq_learn_data d;
	lq_matrix mx;
	int rc;
	memset(out, 0, sizeof *out);
	lq_lead_init(&out->lead);
	lq_learn_data_init(&d);
	rc = lq_service_find_lead(svc, key, &out->lead, err);
	if (rc == 0)
		rc = load_learned(svc, &out->model, err);
	if (rc == 0)
		rc = lead_row(svc, out, &d, err);
	if (rc == 0)
		rc = saved_scores(svc, out, err);
	if (rc == 0) {
		lq_features_matrix(&d, &out->model.fs, &mx);
		out->probability = lq_learned_explain(&out->model, &mx, 0,
						      &out->contrib,
						      &out->ncontrib);
		lq_matrix_free(&mx);
	}
	lq_learn_data_free(&d);
	if (rc)
		lq_predict_detail_free(out);
	return rc;
}

void lq_predict_detail_free(lq_predict_detail *d)
{
	lq_lead_free(&d->lead);
	lq_learned_free(&d->model);
	free(d->contrib);
	d->contrib = NULL;
	d->ncontrib = 0;
}
