/*
 * store.c - the public lq_store_* functions. Picks a backend from the path
 * at open, checks the arguments every backend would otherwise check alike,
 * and dispatches through the backend's lq_store_ops. Also the release
 * functions for the records the store hands out.
 *
 * Never SQL here: statements belong to the backends (store_sqlite*.c).
 */
#include "store/store.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_backend.h"

/* Backends by path prefix; the first match wins, "" matches any path. A
 * NULL open marks a backend this build does not have yet. */
static const struct {
	const char *prefix;
	const char *label;
	int (*open)(const char *path, int create, lq_store **out,
		    lq_error *err);
} backends[] = {
	{"postgres://", "postgresql", NULL},
	{"postgresql://", "postgresql", NULL},
	{"", "sqlite", lq_store_sqlite_open},
};

int lq_store_open(const char *path, int create, lq_store **out, lq_error *err)
{
	*out = NULL;
	if (!path || !*path)
		return lq_error_set(err, LQ_EINVAL, "database path is empty");
	for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
		size_t n = strlen(backends[i].prefix);
		if (strncmp(path, backends[i].prefix, n) != 0)
			continue;
		if (!backends[i].open)
			return lq_error_set(err, LQ_EINVAL,
					    "%s databases are not supported by "
					    "this build of leadq",
					    backends[i].label);
		return backends[i].open(path, create, out, err);
	}
	return lq_error_set(err, LQ_EINTERNAL, "no backend for %s", path);
}

void lq_store_close(lq_store *s)
{
	if (s)
		s->ops->close(s);
}

int lq_store_schema_version(lq_store *s)
{
	return s->ops->schema_version(s);
}

int lq_store_begin(lq_store *s, lq_error *err)
{
	return s->ops->begin(s, err);
}

int lq_store_commit(lq_store *s, lq_error *err)
{
	return s->ops->commit(s, err);
}

int lq_store_mark(lq_store *s, lq_error *err)
{
	return s->ops->mark(s, err);
}

int lq_store_release(lq_store *s, lq_error *err)
{
	return s->ops->release(s, err);
}

void lq_store_undo(lq_store *s)
{
	s->ops->undo(s);
}

void lq_store_rollback(lq_store *s)
{
	if (s)
		s->ops->rollback(s);
}

/* ---- argument checks shared by every backend ---------------------------- */

static int stage_ok(lq_stage st, int none_ok)
{
	return (none_ok && st == LQ_STAGE_NONE) ||
	       (st >= 0 && st < LQ_STAGE_COUNT);
}

static int grade_ok(char g)
{
	return g == 0 || (g >= 'A' && g <= 'F');
}

/* ---- models --------------------------------------------------------------- */

void lq_model_row_free(lq_model_row *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->text);
	memset(r, 0, sizeof *r);
}

int lq_store_model_add(lq_store *s, const char *name, const char *text,
		       lq_time applied_at, int64_t *version, lq_error *err)
{
	if (!text)
		return lq_error_set(err, LQ_EINVAL, "model text is missing");
	return s->ops->model_add(s, name, text, applied_at, version, err);
}

int lq_store_model_current(lq_store *s, lq_model_row *out, lq_error *err)
{
	return s->ops->model_current(s, out, err);
}

/* ---- accounts ------------------------------------------------------------- */

int lq_store_account_get(lq_store *s, int64_t id, lq_account *out,
			 lq_error *err)
{
	return s->ops->account_get(s, id, out, err);
}

int lq_store_account_by_domain(lq_store *s, const char *domain,
			       lq_account *out, lq_error *err)
{
	if (!domain)
		return lq_error_set(err, LQ_ENOTFOUND, "no account without a "
				    "domain");
	return s->ops->account_by_domain(s, domain, out, err);
}

int lq_store_account_put(lq_store *s, lq_account *a, lq_error *err)
{
	if (a->id < 0)
		return lq_error_set(err, LQ_EINVAL, "invalid account id %lld",
				    (long long)a->id);
	return s->ops->account_put(s, a, err);
}

/* ---- leads ---------------------------------------------------------------- */

int lq_store_lead_get(lq_store *s, int64_t id, lq_lead *out, lq_error *err)
{
	return s->ops->lead_get(s, id, out, err);
}

int lq_store_lead_by_email(lq_store *s, const char *email, lq_lead *out,
			   lq_error *err)
{
	if (!email)
		return lq_error_set(err, LQ_ENOTFOUND, "no lead without an "
				    "email");
	return s->ops->lead_by_email(s, email, out, err);
}

int lq_store_lead_by_external_id(lq_store *s, const char *external_id,
				 lq_lead *out, lq_error *err)
{
	if (!external_id)
		return lq_error_set(err, LQ_ENOTFOUND, "no lead without an "
				    "external id");
	return s->ops->lead_by_external_id(s, external_id, out, err);
}

int lq_store_lead_id_by_key(lq_store *s, int external, const char *key,
			    int64_t *id, lq_error *err)
{
	*id = 0;
	if (!key)
		return lq_error_set(err, LQ_ENOTFOUND, "no lead without an %s",
				    external ? "external id" : "email");
	return s->ops->lead_id_by_key(s, external, key, id, err);
}

int lq_store_lead_put(lq_store *s, lq_lead *l, lq_error *err)
{
	if (l->id < 0 || l->account_id < 0)
		return lq_error_set(err, LQ_EINVAL, "invalid lead or account "
				    "id");
	if (!stage_ok(l->stage, 1))
		return lq_error_set(err, LQ_EINVAL, "invalid stage %d for lead",
				    (int)l->stage);
	return s->ops->lead_put(s, l, err);
}

/* ---- events --------------------------------------------------------------- */

int lq_store_event_add(lq_store *s, lq_event *e, int *duplicate,
		       lq_error *err)
{
	int dup_unused;

	if (!duplicate)
		duplicate = &dup_unused;
	*duplicate = 0;
	int rc = lq_store_event_check(e, err);
	return rc ? rc : s->ops->event_add(s, e, duplicate, err);
}

int lq_store_event_check(const lq_event *e, lq_error *err)
{
	if (!e->type || !*e->type)
		return lq_error_set(err, LQ_EINVAL, "event has no type");
	if (e->lead_id <= 0)
		return lq_error_set(err, LQ_EINVAL, "event has no lead");
	return lq_event_props_check(e, err);
}

int lq_store_events_add(lq_store *s, lq_event *ev, size_t n,
			unsigned char *dup, lq_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int rc = lq_store_event_check(&ev[i], err);
		if (rc)
			return rc;
	}
	return n ? s->ops->events_add(s, ev, n, dup, err) : 0;
}

int lq_store_events_dups(lq_store *s, lq_event *ev, size_t n,
			 unsigned char *dup, lq_error *err)
{
	return n ? s->ops->events_dups(s, ev, n, dup, err) : 0;
}

void lq_store_events_recent(lq_store *s, int on)
{
	if (s->ops->events_recent)
		s->ops->events_recent(s, on);
}

int lq_store_events_fold_step(lq_store *s, int64_t min_rows, int64_t *moved,
			      int *more, lq_error *err)
{
	*more = 0;
	*moved = 0;
	return s->ops->events_fold_step
		? s->ops->events_fold_step(s, min_rows, moved, more, err) : 0;
}

int lq_store_events_insert(lq_store *s, lq_event *ev, size_t n,
			   lq_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int rc = lq_store_event_check(&ev[i], err);
		if (rc)
			return rc;
	}
	return n ? s->ops->events_insert(s, ev, n, err) : 0;
}

int lq_store_cache_size(lq_store *s, int64_t kib, lq_error *err)
{
	return s->ops->cache_size ? s->ops->cache_size(s, kib, err) : 0;
}

int64_t lq_store_cache_bytes(lq_store *s)
{
	return s->ops->cache_bytes ? s->ops->cache_bytes(s) : 0;
}

int lq_store_lead_events(lq_store *s, int64_t lead_id, lq_event **out,
			 size_t *n, lq_error *err)
{
	*out = NULL;
	*n = 0;
	return s->ops->lead_events(s, lead_id, out, n, err);
}

void lq_events_free(lq_event *ev, size_t n)
{
	if (!ev)
		return;
	for (size_t i = 0; i < n; i++)
		lq_event_free(&ev[i]);
	free(ev);
}

int lq_store_events_each(lq_store *s, lq_event_fn fn, void *ctx,
			 lq_error *err)
{
	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for events");
	return s->ops->events_range(s, INT64_MIN, INT64_MAX, NULL, fn, ctx, err);
}

/* ---- bulk passes ---------------------------------------------------------- */

int lq_store_leads_range(lq_store *s, int64_t from, int64_t to,
			 lq_lead_take_fn fn, void *ctx, lq_error *err)
{
	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for leads");
	return s->ops->leads_range(s, from, to, fn, ctx, err);
}

int lq_store_events_range(lq_store *s, int64_t from, int64_t to,
			  const lq_props_wanted *want, lq_event_fn fn,
			  void *ctx, lq_error *err)
{
	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for events");
	return s->ops->events_range(s, from, to, want, fn, ctx, err);
}

int lq_store_lead_id_max(lq_store *s, int64_t *out, lq_error *err)
{
	return s->ops->lead_id_max(s, out, err);
}

int lq_store_open_peer(lq_store *s, lq_store **out, lq_error *err)
{
	return s->ops->open_peer(s, out, err);
}

int lq_store_scores_bulk(lq_store *s, int on, lq_error *err)
{
	return s->ops->scores_bulk ? s->ops->scores_bulk(s, on, err) : 0;
}

int lq_store_scores_ranked(lq_store *s, int64_t below, lq_error *err)
{
	return s->ops->scores_ranked ? s->ops->scores_ranked(s, below, err) : 0;
}

int lq_store_begin_read(lq_store *s, lq_error *err)
{
	return s->ops->begin_read(s, err);
}

/* ---- scores --------------------------------------------------------------- */

void lq_score_row_free(lq_score_row *r)
{
	if (!r)
		return;
	free(r->disqualified_by);
	free(r->state);
	memset(r, 0, sizeof *r);
}

int lq_store_score_put(lq_store *s, const lq_score_row *r, lq_error *err)
{
	if (r->lead_id <= 0)
		return lq_error_set(err, LQ_EINVAL, "score has no lead");
	if (!grade_ok(r->grade))
		return lq_error_set(err, LQ_EINVAL, "invalid grade %d for lead "
				    "%lld", r->grade, (long long)r->lead_id);
	if (r->state_len && !r->state)
		return lq_error_set(err, LQ_EINVAL, "score state has a length "
				    "but no bytes");
	return s->ops->score_put(s, r, err);
}

int lq_store_score_get(lq_store *s, int64_t lead_id, lq_score_row *out,
		       lq_error *err)
{
	return s->ops->score_get(s, lead_id, out, err);
}

/* ---- the sales queue ------------------------------------------------------ */

static int queue_group_ok(const lq_queue_group *g, lq_error *err)
{
	if (!g || (g->scored && !grade_ok(g->grade)))
		return lq_error_set(err, LQ_EINVAL, "invalid queue group");
	return 0;
}

int lq_store_queue_count(lq_store *s, const lq_queue_filter *f, int64_t *n,
			 lq_error *err)
{
	*n = 0;
	if (!f || !grade_ok(f->grade))
		return lq_error_set(err, LQ_EINVAL, "invalid queue filter");
	return s->ops->queue_count(s, f, n, err);
}

int lq_store_queue_each(lq_store *s, const lq_queue_group *g,
			lq_queue_fn fn, void *ctx, lq_error *err)
{
	int rc = queue_group_ok(g, err);
	if (rc)
		return rc;
	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for the queue");
	return s->ops->queue_each(s, g, fn, ctx, err);
}

int lq_store_queue_scored_after(lq_store *s, lq_time t, const char *owner,
				const char *source, lq_queue_fn fn, void *ctx,
				lq_error *err)
{
	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for the queue");
	return s->ops->queue_scored_after(s, t, owner, source, fn, ctx, err);
}

/* ---- stage history -------------------------------------------------------- */

int lq_store_stage_add(lq_store *s, lq_stage_change *c, lq_error *err)
{
	if (c->lead_id <= 0)
		return lq_error_set(err, LQ_EINVAL, "stage change has no lead");
	if (!stage_ok(c->from, 1) || !stage_ok(c->to, 0))
		return lq_error_set(err, LQ_EINVAL, "invalid stage change %d -> "
				    "%d for lead %lld", (int)c->from,
				    (int)c->to, (long long)c->lead_id);
	return s->ops->stage_add(s, c, err);
}

int lq_store_models(lq_store *s, lq_model_row **out, size_t *n,
		    lq_error *err)
{
	return s->ops->models(s, out, n, err);
}

void lq_model_rows_free(lq_model_row *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		lq_model_row_free(&r[i]);
	free(r);
}

int lq_store_accounts(lq_store *s, size_t limit, size_t offset,
		      lq_account **out, size_t *n, lq_error *err)
{
	return s->ops->accounts(s, limit, offset, out, n, err);
}

void lq_accounts_free(lq_account *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++)
		lq_account_free(&a[i]);
	free(a);
}

int lq_store_lead_erase(lq_store *s, int64_t lead_id, lq_error *err)
{
	return s->ops->lead_erase(s, lead_id, err);
}

int lq_store_checkpoint(lq_store *s, lq_error *err)
{
	return s->ops->checkpoint ? s->ops->checkpoint(s, err) : 0;
}

int lq_store_checkpoint_passive(lq_store *s, lq_error *err)
{
	return s->ops->checkpoint_passive ? s->ops->checkpoint_passive(s, err) : 0;
}

void lq_store_wal_hook(lq_store *s, lq_wal_fn fn, void *ctx)
{
	if (s->ops->wal_hook)
		s->ops->wal_hook(s, fn, ctx);
}

int lq_store_key_add(lq_store *s, lq_api_key *k, lq_error *err)
{
	if (!k->role || !k->prefix || !k->hash)
		return lq_error_set(err, LQ_EINVAL, "an api key needs a role, a prefix and a hash");
	return s->ops->key_add(s, k, err);
}

int lq_store_key_by_prefix(lq_store *s, const char *prefix, lq_api_key *out,
			   lq_error *err)
{
	return s->ops->key_by_prefix(s, prefix, out, err);
}

int lq_store_keys(lq_store *s, lq_api_key **out, size_t *n, lq_error *err)
{
	return s->ops->keys(s, out, n, err);
}

int lq_store_key_revoke(lq_store *s, int64_t id, lq_time at, lq_error *err)
{
	return s->ops->key_revoke(s, id, at, err);
}

void lq_api_key_free(lq_api_key *k)
{
	if (!k)
		return;
	free(k->name);
	free(k->role);
	free(k->prefix);
	free(k->hash);
	memset(k, 0, sizeof *k);
}

void lq_api_keys_free(lq_api_key *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		lq_api_key_free(&k[i]);
	free(k);
}

int lq_store_anon_event_add(lq_store *s, const char *anonymous_id,
			    lq_event *e, int *duplicate, lq_error *err)
{
	int dup = 0;
	if (!anonymous_id || !*anonymous_id || !e->type)
		return lq_error_set(err, LQ_EINVAL, "an anonymous event needs an anonymous id and a type");
	int rc = s->ops->anon_event_add(s, anonymous_id, e, &dup, err);
	if (duplicate)
		*duplicate = dup;
	return rc;
}

int lq_store_anon_events_take(lq_store *s, const char *anonymous_id,
			      lq_event **out, size_t *n, lq_error *err)
{
	return s->ops->anon_events_take(s, anonymous_id, out, n, err);
}

int lq_store_identity_get(lq_store *s, const char *anonymous_id,
			  int64_t *lead_id, lq_error *err)
{
	return s->ops->identity_get(s, anonymous_id, lead_id, err);
}

int lq_store_identity_link(lq_store *s, const char *anonymous_id,
			   int64_t lead_id, lq_time at, lq_error *err)
{
	return s->ops->identity_link(s, anonymous_id, lead_id, at, err);
}

int lq_store_stage_changes_each(lq_store *s, lq_stage_change_fn fn,
				void *ctx, lq_error *err)
{
	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for stage changes");
	return s->ops->stage_changes_each(s, fn, ctx, err);
}

int lq_store_stage_history(lq_store *s, int64_t lead_id,
			   lq_stage_change **out, size_t *n, lq_error *err)
{
	*out = NULL;
	*n = 0;
	return s->ops->stage_history(s, lead_id, out, n, err);
}

void lq_stage_changes_free(lq_stage_change *c, size_t n)
{
	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		free(c[i].actor);
		free(c[i].reason);
	}
	free(c);
}

/* ---- qualification answers, notes, tasks ---------------------------------- */

void lq_answers_free(lq_answer *a, size_t n)
{
	if (!a)
		return;
	for (size_t i = 0; i < n; i++) {
		free(a[i].item);
		free(a[i].value);
		free(a[i].actor);
	}
	free(a);
}

int lq_store_answer_set(lq_store *s, int64_t lead_id, int cycle,
			const lq_answer *a, lq_error *err)
{
	if (lead_id <= 0)
		return lq_error_set(err, LQ_EINVAL, "answer has no lead");
	if (cycle < 0)
		return lq_error_set(err, LQ_EINVAL, "invalid cycle %d for lead "
				    "%lld", cycle, (long long)lead_id);
	if (!a || !a->item || !*a->item)
		return lq_error_set(err, LQ_EINVAL, "answer has no item");
	return s->ops->answer_set(s, lead_id, cycle, a, err);
}

int lq_store_answers(lq_store *s, int64_t lead_id, int cycle,
		     lq_answer **out, size_t *n, lq_error *err)
{
	*out = NULL;
	*n = 0;
	return s->ops->answers(s, lead_id, cycle, out, n, err);
}

void lq_notes_free(lq_note *n, size_t count)
{
	if (!n)
		return;
	for (size_t i = 0; i < count; i++) {
		free(n[i].actor);
		free(n[i].text);
	}
	free(n);
}

int lq_store_note_add(lq_store *s, lq_note *n, lq_error *err)
{
	if (n->lead_id <= 0)
		return lq_error_set(err, LQ_EINVAL, "note has no lead");
	if (n->cycle < 0)
		return lq_error_set(err, LQ_EINVAL, "invalid cycle %d for lead "
				    "%lld", n->cycle, (long long)n->lead_id);
	if (!n->text)
		return lq_error_set(err, LQ_EINVAL, "note has no text");
	return s->ops->note_add(s, n, err);
}

int lq_store_notes(lq_store *s, int64_t lead_id, lq_note **out, size_t *n,
		   lq_error *err)
{
	*out = NULL;
	*n = 0;
	return s->ops->notes(s, lead_id, out, n, err);
}

void lq_tasks_free(lq_task *t, size_t n)
{
	if (!t)
		return;
	for (size_t i = 0; i < n; i++) {
		free(t[i].owner);
		free(t[i].text);
	}
	free(t);
}

int lq_store_task_add(lq_store *s, lq_task *t, lq_error *err)
{
	if (t->lead_id <= 0)
		return lq_error_set(err, LQ_EINVAL, "task has no lead");
	return s->ops->task_add(s, t, err);
}

int lq_store_task_done(lq_store *s, int64_t id, lq_time at, lq_error *err)
{
	/* done_at 0 means open: it cannot record a completion. */
	if (at == 0)
		return lq_error_set(err, LQ_EINVAL, "task %lld has no done time",
				    (long long)id);
	return s->ops->task_done(s, id, at, err);
}

int lq_store_tasks(lq_store *s, const lq_task_filter *f, lq_task **out,
		   size_t *n, lq_error *err)
{
	static const lq_task_filter any = {0};

	*out = NULL;
	*n = 0;
	if (!f)
		f = &any;
	if (f->lead_id < 0)
		return lq_error_set(err, LQ_EINVAL, "invalid task filter");
	return s->ops->tasks(s, f, out, n, err);
}

/* ---- webhooks, outbox, alerts, counters ----------------------------------- */

static int outbox_status_ok(int status)
{
	return status >= LQ_OUTBOX_PENDING && status <= LQ_OUTBOX_DEAD;
}

void lq_webhooks_free(lq_webhook *w, size_t n)
{
	if (!w)
		return;
	for (size_t i = 0; i < n; i++) {
		free(w[i].url);
		free(w[i].events);
		free(w[i].secret);
		free(w[i].origin);
	}
	free(w);
}

int lq_store_webhook_add(lq_store *s, lq_webhook *w, lq_error *err)
{
	if (!w->url || !*w->url)
		return lq_error_set(err, LQ_EINVAL, "webhook has no url");
	return s->ops->webhook_add(s, w, err);
}

int lq_store_webhook_remove(lq_store *s, int64_t id, lq_error *err)
{
	return s->ops->webhook_remove(s, id, err);
}

int lq_store_webhooks_remove_origin(lq_store *s, const char *origin,
				    lq_error *err)
{
	if (!origin)
		return lq_error_set(err, LQ_EINVAL, "webhook origin is missing");
	return s->ops->webhooks_remove_origin(s, origin, err);
}

int lq_store_webhooks(lq_store *s, lq_webhook **out, size_t *n,
		      lq_error *err)
{
	*out = NULL;
	*n = 0;
	return s->ops->webhooks(s, out, n, err);
}

void lq_outbox_row_free(lq_outbox_row *r)
{
	if (!r)
		return;
	free(r->delivery_id);
	free(r->url);
	free(r->secret);
	free(r->event);
	free(r->payload);
	free(r->last_error);
	memset(r, 0, sizeof *r);
}

void lq_outbox_rows_free(lq_outbox_row *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		lq_outbox_row_free(&r[i]);
	free(r);
}

/* Every text an outbox row needs to be delivered. */
static int outbox_row_complete(const lq_outbox_row *r, lq_error *err)
{
	const struct {
		const char *text;
		const char *name;
	} need[] = {
		{r->delivery_id, "delivery id"},
		{r->url, "url"},
		{r->event, "event"},
		{r->payload, "payload"},
	};

	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!need[i].text || !*need[i].text)
			return lq_error_set(err, LQ_EINVAL, "outbox row has no "
					    "%s", need[i].name);
	return 0;
}

int lq_store_outbox_add(lq_store *s, lq_outbox_row *r, lq_error *err)
{
	int rc = outbox_row_complete(r, err);

	if (rc)
		return rc;
	if (!outbox_status_ok((int)r->status))
		return lq_error_set(err, LQ_EINVAL, "invalid outbox status %d",
				    (int)r->status);
	return s->ops->outbox_add(s, r, err);
}

int lq_store_outbox_due(lq_store *s, lq_time now, size_t limit,
			lq_outbox_row **out, size_t *n, lq_error *err)
{
	*out = NULL;
	*n = 0;
	return s->ops->outbox_due(s, now, limit, out, n, err);
}

int lq_store_outbox_list(lq_store *s, int status, size_t limit,
			 lq_outbox_row **out, size_t *n, lq_error *err)
{
	*out = NULL;
	*n = 0;
	if (status != -1 && !outbox_status_ok(status))
		return lq_error_set(err, LQ_EINVAL, "invalid outbox status %d",
				    status);
	return s->ops->outbox_list(s, status, limit, out, n, err);
}

int lq_store_outbox_get(lq_store *s, int64_t id, lq_outbox_row *out,
			lq_error *err)
{
	return s->ops->outbox_get(s, id, out, err);
}

int lq_store_outbox_update(lq_store *s, const lq_outbox_row *r,
			   lq_error *err)
{
	if (!outbox_status_ok((int)r->status))
		return lq_error_set(err, LQ_EINVAL, "invalid outbox status %d",
				    (int)r->status);
	return s->ops->outbox_update(s, r, err);
}

int lq_store_alert_once(lq_store *s, int64_t lead_id, const char *kind,
			int64_t key, int *first, lq_error *err)
{
	int first_unused;

	if (!first)
		first = &first_unused;
	*first = 0;
	if (!kind || !*kind)
		return lq_error_set(err, LQ_EINVAL, "alert has no kind");
	return s->ops->alert_once(s, lead_id, kind, key, first, err);
}

int lq_store_mqls_unalerted(lq_store *s, lq_time before, const char *kind,
			    size_t limit, int64_t **ids, size_t *n,
			    lq_error *err)
{
	*ids = NULL;
	*n = 0;
	if (!kind || !*kind)
		return lq_error_set(err, LQ_EINVAL, "alert has no kind");
	return s->ops->mqls_unalerted(s, before, kind, limit, ids, n, err);
}

int lq_store_counter_next(lq_store *s, const char *name, int64_t *value,
			  lq_error *err)
{
	int64_t value_unused;

	if (!value)
		value = &value_unused;
	*value = 0;
	if (!name || !*name)
		return lq_error_set(err, LQ_EINVAL, "counter has no name");
	return s->ops->counter_next(s, name, value, err);
}

int lq_store_counter_get(lq_store *s, const char *name, int64_t *value,
			 lq_error *err)
{
	*value = 0;
	if (!name || !*name)
		return lq_error_set(err, LQ_EINVAL, "counter has no name");
	return s->ops->counter_get(s, name, value, err);
}

int lq_store_counter_set(lq_store *s, const char *name, int64_t value,
			 lq_error *err)
{
	if (!name || !*name)
		return lq_error_set(err, LQ_EINVAL, "counter has no name");
	return s->ops->counter_set(s, name, value, err);
}

/* ---- listing and counts --------------------------------------------------- */

int lq_store_leads_each(lq_store *s, const lq_lead_filter *filter,
			lq_lead_fn fn, void *ctx, lq_error *err)
{
	static const lq_lead_filter any = {.stage = LQ_STAGE_NONE};

	if (!fn)
		return lq_error_set(err, LQ_EINVAL, "no callback for leads");
	if (!filter)
		filter = &any;
	if (!stage_ok(filter->stage, 1) || !grade_ok(filter->grade) ||
	    filter->account_id < 0)
		return lq_error_set(err, LQ_EINVAL, "invalid lead filter");
	return s->ops->leads_each(s, filter, fn, ctx, err);
}

int lq_store_count(lq_store *s, lq_store_counts *out, lq_error *err)
{
	memset(out, 0, sizeof *out);
	return s->ops->count(s, out, err);
}

int lq_store_gauges_get(lq_store *s, lq_store_gauges *out, lq_error *err)
{
	memset(out, 0, sizeof *out);
	return s->ops->gauges(s, out, err);
}
