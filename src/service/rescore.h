/*
 * rescore.h - rescore every lead under the service's current model (the
 * bulk pass of a model apply). Private to src/service/.
 */
#ifndef LQ_RESCORE_H
#define LQ_RESCORE_H

#include "service/service.h"

/* Inside the caller's write transaction: rebuild every lead's fit and
 * engagement from its stored events under svc->model, apply the automatic
 * stage changes at svc->now and store the scores (svc->model_version).
 * Counts go to rep (leads_rescored, stage_changes). */
int lq_rescore_all(lq_service *svc, lq_apply_report *rep, lq_error *err);

#endif
