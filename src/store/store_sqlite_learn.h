/*
 * store_sqlite_learn.h - private to src/store/: the SQLite backend's
 * operations on learned models and predictions (migration 4), for the ops
 * table in store_sqlite.c. Implemented in store_sqlite_learn.c.
 */
#ifndef LQ_STORE_SQLITE_LEARN_H
#define LQ_STORE_SQLITE_LEARN_H

#include "store/store.h"

int lq_store_sqlite_learned_add(lq_store *s, const char *outcome,
				lq_time created_at, const char *json,
				int64_t *version, lq_error *err);
int lq_store_sqlite_learned_get(lq_store *s, int64_t version,
				lq_learned_row *out, lq_error *err);
int lq_store_sqlite_predictions_put(lq_store *s, const lq_prediction *p,
				    size_t n, lq_error *err);
int lq_store_sqlite_prediction_get(lq_store *s, int64_t lead_id,
				   lq_prediction *out, lq_error *err);

#endif
