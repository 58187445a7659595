/*
 * model_apply.c - make a new scoring model current: validate it, store it
 * as a new version and rescore every lead under it, all in one transaction.
 * A model that does not load changes nothing.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "service/alerts.h"
#include "service/lead_work.h"

typedef struct id_list {
	int64_t *ids;
	size_t n, cap;
} id_list;

static int collect_id(void *ctx, const lq_lead *lead, const lq_account *acc,
		      const lq_score_row *score)
{
	id_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->ids = lq_xrealloc(l->ids, l->cap * sizeof *l->ids);
	}
	l->ids[l->n++] = lead->id;
	return 0;
}

/* Rescore one lead from its events; the model's automatic transitions are
 * checked at now (the new model did not exist before). */
static int rescore_lead(lq_service *svc, int64_t id, lq_apply_report *rep,
			lq_error *err)
{
	lq_lead_work *w = NULL;
	int rc = lq_work_load(svc, id, &w, err);
	if (rc == 0)
		rc = lq_work_check_stage(svc, w, NULL, svc->now,
					 &rep->stage_changes, err);
	if (rc == 0) {
		w->score_dirty = 1;
		rc = lq_work_save(svc, w, err);
	}
	lq_work_free(w);
	rep->leads_rescored += rc == 0;
	return rc;
}

static int rescore_all(lq_service *svc, lq_apply_report *rep, lq_error *err)
{
	id_list ids = {0};
	lq_lead_filter all = {.stage = LQ_STAGE_NONE};
	int rc = lq_store_leads_each(svc->store, &all, collect_id, &ids, err);
	for (size_t i = 0; rc == 0 && i < ids.n; i++)
		rc = rescore_lead(svc, ids.ids[i], rep, err);
	free(ids.ids);
	return rc;
}

int lq_service_model_apply(lq_service *svc, const char *text, size_t len,
			   const char *file, lq_apply_report *rep,
			   lq_diags *diags, lq_error *err)
{
	lq_model *model = NULL, *old_model = svc->model;
	int64_t old_version = svc->model_version, version = 0;
	int rc;

	memset(rep, 0, sizeof *rep);
	rc = lq_model_load(text, len, file, &model, diags, err);
	if (rc)
		return rc;
	rc = lq_store_begin(svc->store, err);
	if (rc)
		goto fail_model;
	rc = lq_store_model_add(svc->store, model->name ? model->name : "",
				text, svc->now, &version, err);
	if (rc)
		goto fail_tx;
	svc->model = model;
	svc->model_version = version;
	rc = lq_alerts_sync_model(svc, model, err);
	if (rc == 0)
		rc = rescore_all(svc, rep, err);
	if (rc)
		goto fail_tx;
	rc = lq_store_commit(svc->store, err);
	if (rc)
		goto fail_tx;
	lq_model_free(old_model);
	rep->version = version;
	return 0;
fail_tx:
	lq_store_rollback(svc->store);
	svc->webhooks_loaded = 0;
	svc->model = old_model;
	svc->model_version = old_version;
fail_model:
	lq_model_free(model);
	return rc;
}

int lq_service_model_shown(lq_service *svc, lq_model_row *out, lq_error *err)
{
	int rc = lq_store_model_current(svc->store, out, err);
	if (rc)
		return rc;
	char *masked = lq_model_mask_secrets(out->text, strlen(out->text));
	free(out->text);
	out->text = masked;
	if (!masked) {
		lq_model_row_free(out);
		return lq_error_set(err, LQ_EINTERNAL, "the stored model is not "
				    "valid YAML: its secrets cannot be masked");
	}
	return 0;
}
