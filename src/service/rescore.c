/*
 * rescore.c - rescoring every lead under a newly applied model: the bulk
 * pass of `leadq model apply` and PUT /api/model, inside their
 * transaction.
 *
 * Leads are taken a range of ids at a time (a "chunk"). Preparing a chunk
 * reads its leads and accounts in id order and its events in (lead_id, at)
 * order - two forward walks, no seek per lead - and rebuilds each lead's
 * fit and engagement from nothing. Applying a chunk checks the automatic
 * stage changes at now and writes the scores. Preparing only reads, so
 * when the database is a file, PREPARERS threads prepare the next chunks,
 * each on its own connection, while the calling thread applies them in
 * order (preparing is most of the work: reading and replaying events).
 * Each connection reads one snapshot; the caller's transaction holds the
 * write lock, so those snapshots are exactly what the caller sees apart
 * from the caller's own writes, which touch only chunks already
 * prepared.
 */
#include "service/rescore.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "service/lead_work.h"

#define CHUNK_LEADS 2048    /* lead ids per chunk */
#define CHUNKS_AHEAD 8      /* chunks prepared ahead of the one applied */
#define PREPARERS 2         /* reading threads (the machine has 2 cores;
				   the caller mostly waits for them) */

typedef struct chunk {
	int64_t to;             /* leads with from <= id < to */
	lq_lead_work **works;   /* in lead id order */
	size_t n, cap;
	size_t next;            /* replay: first work not yet passed */
} chunk;

/* What preparing needs: the new model and now (read only) and a store. */
typedef struct preparer {
	lq_service *svc;
	lq_store *store;
	const lq_props_wanted *want;
	chunk *c;
} preparer;

static void chunk_free(chunk *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		lq_work_free(c->works[i]);
	free(c->works);
	free(c);
}

static int take_lead(void *ctx, lq_lead *lead, lq_account *account)
{
	preparer *p = ctx;
	chunk *c = p->c;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->works = lq_xrealloc(c->works, c->cap * sizeof *c->works);
	}
	c->works[c->n++] = lq_work_new(p->svc, lead, account);
	return 0;
}

/* Events arrive in lead id order: move along the chunk's works with them.
 * An event whose lead is gone (none in the chunk) is passed over. */
static int replay_event(void *ctx, const lq_event *e)
{
	preparer *p = ctx;
	chunk *c = p->c;
	while (c->next < c->n && c->works[c->next]->lead.id < e->lead_id)
		c->next++;
	if (c->next < c->n && c->works[c->next]->lead.id == e->lead_id)
		lq_work_replay_event(p->svc, c->works[c->next], e);
	return 0;
}

static int chunk_prepare(preparer *p, int64_t from, int64_t to, chunk **out,
			 lq_error *err)
{
	p->c = lq_xcalloc(1, sizeof *p->c);
	p->c->to = to;
	int rc = lq_store_leads_range(p->store, from, to, take_lead, p, err);
	if (rc == 0 && p->c->n)
		rc = lq_store_events_range(p->store, from, to, p->want,
					   replay_event, p, err);
	if (rc) {
		chunk_free(p->c);
		p->c = NULL;
		return rc;
	}
	*out = p->c;
	p->c = NULL;
	return 0;
}

/* Stage changes at now (the new model did not exist before), then the
 * score: every lead is written, its score came from another model; then
 * the queue's rank of the chunk's MQLs (chunks come in id order). */
static int chunk_apply(lq_service *svc, chunk *c, lq_apply_report *rep,
		       lq_error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		lq_lead_work *w = c->works[i];
		int rc = lq_work_check_stage(svc, w, NULL, svc->now,
					     &rep->stage_changes, err);
		if (rc == 0) {
			w->score_dirty = 1;
			rc = lq_work_save(svc, w, err);
		}
		if (rc)
			return rc;
		rep->leads_rescored++;
	}
	return lq_store_scores_ranked(svc->store, c->to, err);
}

/* The event properties the engagement rules read: their keys, for the
 * event types of the rules that read any (a rule without a type: every
 * type). Decoding nothing else is most of what a replay saves. */
typedef struct wanted {
	lq_props_wanted want;
	const char **types, **keys;
	size_t ntypes, nkeys, capkeys;
} wanted;

static void add_key(wanted *w, const char *key)
{
	for (size_t i = 0; i < w->nkeys; i++)
		if (strcmp(w->keys[i], key) == 0)
			return;
	if (w->nkeys + 1 >= w->capkeys) {
		w->capkeys = w->capkeys * 2 + 8;
		w->keys = lq_xrealloc(w->keys, w->capkeys * sizeof *w->keys);
	}
	w->keys[w->nkeys++] = key;
	w->keys[w->nkeys] = NULL;
}

typedef struct rule_keys {
	wanted *w;
	size_t n;               /* keys this rule reads */
} rule_keys;

static void rule_key(void *ctx, const char *key)
{
	rule_keys *r = ctx;
	add_key(r->w, key);
	r->n++;
}

static void wanted_init(wanted *w, const lq_model *m)
{
	int any_type = 0;
	memset(w, 0, sizeof *w);
	w->types = lq_xcalloc(m->nactions + 1, sizeof *w->types);
	w->capkeys = 8;
	w->keys = lq_xcalloc(w->capkeys, sizeof *w->keys);
	for (size_t i = 0; i < m->nactions; i++) {
		const lq_action *a = &m->actions[i];
		rule_keys r = {w, 0};
		lq_expr_event_keys(a->when, rule_key, &r);
		if (r.n == 0)
			continue;
		if (a->on)
			w->types[w->ntypes++] = a->on;
		else
			any_type = 1;
	}
	w->want.types = any_type ? NULL : w->types;
	w->want.keys = w->keys;
}

static void wanted_free(wanted *w)
{
	free(w->types);
	free(w->keys);
}

/* ---- one thread ----------------------------------------------------------- */

static int rescore_serial(lq_service *svc, const lq_props_wanted *want,
			  int64_t max_id, lq_apply_report *rep, lq_error *err)
{
	preparer p = {svc, svc->store, want, NULL};
	int rc = 0;
	for (int64_t from = 1; rc == 0 && from <= max_id; from += CHUNK_LEADS) {
		chunk *c = NULL;
		rc = chunk_prepare(&p, from, from + CHUNK_LEADS, &c, err);
		if (rc == 0)
			rc = chunk_apply(svc, c, rep, err);
		chunk_free(c);
	}
	return rc;
}

/* ---- threads: preparers ahead of the caller ------------------------------ */

/* Chunk seq covers lead ids [first_id(seq), first_id(seq + 1)). */
static int64_t first_id(int64_t seq)
{
	return 1 + seq * CHUNK_LEADS;
}

typedef struct pipeline {
	lq_service *svc;
	const lq_props_wanted *want;
	int64_t nchunks;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int64_t next_take;      /* the next chunk a preparer takes */
	int64_t next_apply;     /* the next chunk the caller applies */
	chunk *slot[CHUNKS_AHEAD]; /* prepared chunks, by seq % CHUNKS_AHEAD */
	int stop;               /* a failure, or the caller is done */
	int rc;                 /* the first preparer failure */
	lq_error err;
} pipeline;

typedef struct preparer_thread {
	pipeline *pl;
	lq_store *store;
	pthread_t thread;
	int started;
} preparer_thread;

/* The next chunk to prepare, -1 when there is none or the pass stopped.
 * A preparer never runs more than CHUNKS_AHEAD chunks ahead. */
static int64_t take_chunk(pipeline *pl)
{
	int64_t seq = -1;
	pthread_mutex_lock(&pl->lock);
	while (!pl->stop && pl->next_take < pl->nchunks &&
	       pl->next_take >= pl->next_apply + CHUNKS_AHEAD)
		pthread_cond_wait(&pl->changed, &pl->lock);
	if (!pl->stop && pl->next_take < pl->nchunks)
		seq = pl->next_take++;
	pthread_mutex_unlock(&pl->lock);
	return seq;
}

static void put_chunk(pipeline *pl, int64_t seq, chunk *c, int rc,
		      const lq_error *err)
{
	pthread_mutex_lock(&pl->lock);
	if (rc && !pl->rc) {
		pl->rc = rc;
		pl->err = *err;
		pl->stop = 1;
	}
	if (c && !pl->stop) {
		pl->slot[seq % CHUNKS_AHEAD] = c;
		c = NULL;
	}
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
	chunk_free(c);
}

static void *preparer_main(void *arg)
{
	preparer_thread *t = arg;
	pipeline *pl = t->pl;
	preparer p = {pl->svc, t->store, pl->want, NULL};
	lq_error err;
	int64_t seq;
	int rc = lq_store_begin_read(t->store, &err);

	if (rc)
		put_chunk(pl, 0, NULL, rc, &err);
	while (rc == 0 && (seq = take_chunk(pl)) >= 0) {
		chunk *c = NULL;
		rc = chunk_prepare(&p, first_id(seq), first_id(seq + 1), &c, &err);
		put_chunk(pl, seq, c, rc, &err);
	}
	lq_store_rollback(t->store);
	return NULL;
}

/* Chunk seq once prepared, NULL when the pass stopped first. */
static chunk *wait_chunk(pipeline *pl, int64_t seq)
{
	chunk **slot = &pl->slot[seq % CHUNKS_AHEAD];
	chunk *c;
	pthread_mutex_lock(&pl->lock);
	while (!*slot && !pl->stop)
		pthread_cond_wait(&pl->changed, &pl->lock);
	c = *slot;
	*slot = NULL;
	pl->next_apply = seq + 1;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
	return c;
}

static void stop_pipeline(pipeline *pl)
{
	pthread_mutex_lock(&pl->lock);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
}

static int apply_in_order(pipeline *pl, lq_apply_report *rep, lq_error *err)
{
	int rc = 0;
	for (int64_t seq = 0; rc == 0 && seq < pl->nchunks; seq++) {
		chunk *c = wait_chunk(pl, seq);
		if (!c)
			break;          /* a preparer failed: pl->rc */
		rc = chunk_apply(pl->svc, c, rep, err);
		chunk_free(c);
	}
	return rc;
}

static int rescore_parallel(lq_service *svc, preparer_thread *threads,
			    size_t nthreads, const lq_props_wanted *want,
			    int64_t max_id, lq_apply_report *rep,
			    lq_error *err)
{
	pipeline pl;
	int rc = 0;

	memset(&pl, 0, sizeof pl);
	pl.svc = svc;
	pl.want = want;
	pl.nchunks = (max_id + CHUNK_LEADS - 1) / CHUNK_LEADS;
	pthread_mutex_init(&pl.lock, NULL);
	pthread_cond_init(&pl.changed, NULL);
	for (size_t i = 0; i < nthreads; i++) {
		threads[i].pl = &pl;
		threads[i].started = pthread_create(&threads[i].thread, NULL,
						    preparer_main, &threads[i]) == 0;
		if (!threads[i].started)
			rc = lq_error_set(err, LQ_EINTERNAL, "cannot start a "
					  "rescoring thread");
	}
	if (rc == 0)
		rc = apply_in_order(&pl, rep, err);
	stop_pipeline(&pl);
	for (size_t i = 0; i < nthreads; i++)
		if (threads[i].started)
			pthread_join(threads[i].thread, NULL);
	for (size_t i = 0; i < CHUNKS_AHEAD; i++)
		chunk_free(pl.slot[i]);
	if (rc == 0 && pl.rc) {
		rc = pl.rc;
		if (err)
			*err = pl.err;
	}
	pthread_cond_destroy(&pl.changed);
	pthread_mutex_destroy(&pl.lock);
	return rc;
}

int lq_rescore_all(lq_service *svc, lq_apply_report *rep, lq_error *err)
{
	wanted props;
	preparer_thread threads[PREPARERS];
	size_t nthreads = 0;
	int64_t max_id = 0;
	int rc = lq_store_lead_id_max(svc->store, &max_id, err);

	if (rc == 0)   /* every score is written: the queue ranked once */
		rc = lq_store_scores_bulk(svc->store, 1, err);
	wanted_init(&props, svc->model);
	memset(threads, 0, sizeof threads);
	while (rc == 0 && nthreads < PREPARERS &&
	       lq_store_open_peer(svc->store, &threads[nthreads].store,
				  NULL) == 0)
		nthreads++;
	if (rc == 0 && nthreads)
		rc = rescore_parallel(svc, threads, nthreads, &props.want,
				      max_id, rep, err);
	else if (rc == 0)
		rc = rescore_serial(svc, &props.want, max_id, rep, err);
	for (size_t i = 0; i < nthreads; i++)
		lq_store_close(threads[i].store);
	wanted_free(&props);
	if (rc == 0)
		rc = lq_store_scores_bulk(svc->store, 0, err);
	return rc;
}
