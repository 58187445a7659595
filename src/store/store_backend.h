/*
 * store_backend.h - the contract between store.c (the public lq_store_*
 * functions) and a database backend (store_sqlite*.c today, a PostgreSQL
 * backend later). Private to src/store/: nothing outside this folder may
 * include it.
 *
 * A backend allocates its own handle whose first member is a struct
 * lq_store, so store.c can dispatch through s->ops and the backend can cast
 * the lq_store pointer back to its own type. store.c checks arguments that
 * do not depend on the database (NULL pointers, stage ranges, missing event
 * types) before calling an op, so backends may assume them valid.
 */
#ifndef LQ_STORE_BACKEND_H
#define LQ_STORE_BACKEND_H

#include "store/store.h"

struct lq_store_ops {
	const char *name;   /* "sqlite" */

	void (*close)(lq_store *s);
	int (*schema_version)(lq_store *s);

	int (*begin)(lq_store *s, lq_error *err);
	int (*commit)(lq_store *s, lq_error *err);
	void (*rollback)(lq_store *s);
	int (*mark)(lq_store *s, lq_error *err);
	int (*release)(lq_store *s, lq_error *err);
	void (*undo)(lq_store *s);

	int (*model_add)(lq_store *s, const char *name, const char *text,
			 lq_time applied_at, int64_t *version, lq_error *err);
	int (*model_current)(lq_store *s, lq_model_row *out, lq_error *err);

	int (*account_get)(lq_store *s, int64_t id, lq_account *out,
			   lq_error *err);
	int (*account_by_domain)(lq_store *s, const char *domain,
				 lq_account *out, lq_error *err);
	int (*account_put)(lq_store *s, lq_account *a, lq_error *err);

	int (*lead_get)(lq_store *s, int64_t id, lq_lead *out, lq_error *err);
	int (*lead_by_email)(lq_store *s, const char *email, lq_lead *out,
			     lq_error *err);
	int (*lead_by_external_id)(lq_store *s, const char *external_id,
				   lq_lead *out, lq_error *err);
	int (*lead_id_by_key)(lq_store *s, int external, const char *key,
			      int64_t *id, lq_error *err);
	int (*lead_put)(lq_store *s, lq_lead *l, lq_error *err);

	int (*event_add)(lq_store *s, lq_event *e, int *duplicate,
			 lq_error *err);
	int (*events_add)(lq_store *s, lq_event *ev, size_t n,
			  unsigned char *dup, lq_error *err);
	int (*events_dups)(lq_store *s, lq_event *ev, size_t n,
			   unsigned char *dup, lq_error *err);
	int (*events_insert)(lq_store *s, lq_event *ev, size_t n,
			     lq_error *err);
	void (*events_recent)(lq_store *s, int on);      /* NULL: ignored */
	int (*events_fold_step)(lq_store *s, int64_t min_rows, int64_t *moved,
				int *more, lq_error *err); /* NULL: nothing */
	int (*cache_size)(lq_store *s, int64_t kib, lq_error *err);
	int64_t (*cache_bytes)(lq_store *s);             /* NULL: 0 */
	int (*lead_events)(lq_store *s, int64_t lead_id, lq_event **out,
			   size_t *n, lq_error *err);
	int (*leads_range)(lq_store *s, int64_t from, int64_t to,
			   lq_lead_take_fn fn, void *ctx, lq_error *err);
	int (*events_range)(lq_store *s, int64_t from, int64_t to,
			    const lq_props_wanted *want, lq_event_fn fn,
			    void *ctx, lq_error *err);
	int (*lead_id_max)(lq_store *s, int64_t *out, lq_error *err);
	int (*open_peer)(lq_store *s, lq_store **out, lq_error *err);
	int (*scores_bulk)(lq_store *s, int on, lq_error *err); /* NULL: 0 */
	int (*scores_ranked)(lq_store *s, int64_t below, lq_error *err);
							/* NULL: 0 */
	int (*begin_read)(lq_store *s, lq_error *err);

	int (*score_put)(lq_store *s, const lq_score_row *r, lq_error *err);
	int (*score_get)(lq_store *s, int64_t lead_id, lq_score_row *out,
			 lq_error *err);
	int (*queue_count)(lq_store *s, const lq_queue_filter *f, int64_t *n,
			   lq_error *err);
	int (*queue_each)(lq_store *s, const lq_queue_group *g,
			  lq_queue_fn fn, void *ctx, lq_error *err);
	int (*queue_scored_after)(lq_store *s, lq_time t, const char *owner,
				  const char *source, lq_queue_fn fn,
				  void *ctx, lq_error *err);

	int (*stage_add)(lq_store *s, lq_stage_change *c, lq_error *err);
	int (*models)(lq_store *s, lq_model_row **out, size_t *n,
		      lq_error *err);
	int (*accounts)(lq_store *s, size_t limit, size_t offset,
			lq_account **out, size_t *n, lq_error *err);
	int (*lead_erase)(lq_store *s, int64_t lead_id, lq_error *err);
	int (*checkpoint)(lq_store *s, lq_error *err);   /* NULL: nothing to do */
	int (*checkpoint_passive)(lq_store *s, lq_error *err); /* NULL: nothing */
	void (*wal_hook)(lq_store *s, lq_wal_fn fn, void *ctx); /* NULL: nothing */
	int (*key_add)(lq_store *s, lq_api_key *k, lq_error *err);
	int (*key_by_prefix)(lq_store *s, const char *prefix, lq_api_key *out,
			     lq_error *err);
	int (*keys)(lq_store *s, lq_api_key **out, size_t *n, lq_error *err);
	int (*key_revoke)(lq_store *s, int64_t id, lq_time at, lq_error *err);
	int (*anon_event_add)(lq_store *s, const char *anonymous_id,
			      lq_event *e, int *duplicate, lq_error *err);
	int (*anon_events_take)(lq_store *s, const char *anonymous_id,
				lq_event **out, size_t *n, lq_error *err);
	int (*identity_get)(lq_store *s, const char *anonymous_id,
			    int64_t *lead_id, lq_error *err);
	int (*identity_link)(lq_store *s, const char *anonymous_id,
			     int64_t lead_id, lq_time at, lq_error *err);
	int (*stage_changes_each)(lq_store *s, lq_stage_change_fn fn,
				  void *ctx, lq_error *err);
	int (*stage_history)(lq_store *s, int64_t lead_id,
			     lq_stage_change **out, size_t *n, lq_error *err);

	int (*leads_each)(lq_store *s, const lq_lead_filter *filter,
			  lq_lead_fn fn, void *ctx, lq_error *err);
	int (*count)(lq_store *s, lq_store_counts *out, lq_error *err);
	int (*gauges)(lq_store *s, lq_store_gauges *out, lq_error *err);

	int (*answer_set)(lq_store *s, int64_t lead_id, int cycle,
			  const lq_answer *a, lq_error *err);
	int (*answers)(lq_store *s, int64_t lead_id, int cycle,
		       lq_answer **out, size_t *n, lq_error *err);
	int (*note_add)(lq_store *s, lq_note *n, lq_error *err);
	int (*notes)(lq_store *s, int64_t lead_id, lq_note **out, size_t *n,
		     lq_error *err);
	int (*task_add)(lq_store *s, lq_task *t, lq_error *err);
	int (*task_done)(lq_store *s, int64_t id, lq_time at, lq_error *err);
	int (*tasks)(lq_store *s, const lq_task_filter *f, lq_task **out,
		     size_t *n, lq_error *err);

	int (*webhook_add)(lq_store *s, lq_webhook *w, lq_error *err);
	int (*webhook_remove)(lq_store *s, int64_t id, lq_error *err);
	int (*webhooks_remove_origin)(lq_store *s, const char *origin,
				      lq_error *err);
	int (*webhooks)(lq_store *s, lq_webhook **out, size_t *n,
			lq_error *err);
	int (*outbox_add)(lq_store *s, lq_outbox_row *r, lq_error *err);
	int (*outbox_due)(lq_store *s, lq_time now, size_t limit,
			  lq_outbox_row **out, size_t *n, lq_error *err);
	int (*outbox_list)(lq_store *s, int status, size_t limit,
			   lq_outbox_row **out, size_t *n, lq_error *err);
	int (*outbox_get)(lq_store *s, int64_t id, lq_outbox_row *out,
			  lq_error *err);
	int (*outbox_update)(lq_store *s, const lq_outbox_row *r,
			     lq_error *err);
	int (*mqls_unalerted)(lq_store *s, lq_time before, const char *kind,
			      size_t limit, int64_t **ids, size_t *n,
			      lq_error *err);
	int (*alert_once)(lq_store *s, int64_t lead_id, const char *kind,
			  int64_t key, int *first, lq_error *err);
	int (*counter_next)(lq_store *s, const char *name, int64_t *value,
			    lq_error *err);
	int (*counter_get)(lq_store *s, const char *name, int64_t *value,
			   lq_error *err);
	int (*counter_set)(lq_store *s, const char *name, int64_t value,
			   lq_error *err);

	/* learned models and predictions (migration 4) */
	int (*learned_add)(lq_store *s, const char *outcome,
			   lq_time created_at, const char *json,
			   int64_t *version, lq_error *err);
	int (*learned_get)(lq_store *s, int64_t version, lq_learned_row *out,
			   lq_error *err);
	int (*predictions_put)(lq_store *s, const lq_prediction *p, size_t n,
			       lq_error *err);
	int (*prediction_get)(lq_store *s, int64_t lead_id, lq_prediction *out,
			      lq_error *err);
};

struct lq_store {
	const struct lq_store_ops *ops;
};

/* Backend constructors, chosen by store.c from the path. */
int lq_store_sqlite_open(const char *path, int create, lq_store **out,
			 lq_error *err);

#endif
