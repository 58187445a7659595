/*
 * store_learn.c - the public lq_store_* functions for learned models and
 * predictions (migration 4): argument checks every backend would make
 * alike, then dispatch through the backend's ops. Never SQL here.
 */
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_backend.h"

void lq_learned_row_free(lq_learned_row *r)
{
	if (!r)
		return;
	free(r->outcome);
	free(r->json);
	memset(r, 0, sizeof *r);
}

int lq_store_learned_add(lq_store *s, const char *outcome, lq_time created_at,
			 const char *json, int64_t *version, lq_error *err)
{
	if (!outcome || !*outcome || !json || !version)
		return lq_error_set(err, LQ_EINVAL, "learned model needs an "
				    "outcome and its json");
	return s->ops->learned_add(s, outcome, created_at, json, version, err);
}

int lq_store_learned_get(lq_store *s, int64_t version, lq_learned_row *out,
			 lq_error *err)
{
	memset(out, 0, sizeof *out);
	if (version < 0)
		return lq_error_set(err, LQ_EINVAL, "learned model version %lld "
				    "is negative", (long long)version);
	return s->ops->learned_get(s, version, out, err);
}

int lq_store_predictions_put(lq_store *s, const lq_prediction *p, size_t n,
			     lq_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (!(p[i].probability >= 0 && p[i].probability <= 1))
			return lq_error_set(err, LQ_EINVAL, "probability of lead "
					    "%lld is not in [0, 1]",
					    (long long)p[i].lead_id);
	return n ? s->ops->predictions_put(s, p, n, err) : 0;
}

int lq_store_prediction_get(lq_store *s, int64_t lead_id, lq_prediction *out,
			    lq_error *err)
{
	memset(out, 0, sizeof *out);
	return s->ops->prediction_get(s, lead_id, out, err);
}
