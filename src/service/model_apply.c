/*
 * model_apply.c - make a new scoring model current: validate it, store it
 * as a new version and rescore every lead under it, all in one transaction.
 * A model that does not load changes nothing.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "service/alerts.h"
#include "service/rescore.h"

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
		rc = lq_rescore_all(svc, rep, err);
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
