/*
 * writer.c - the single writer thread with group commit.
 */
#include "server/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

typedef struct job {
	int session;
	lq_write_fn fn;
	void *arg;
	lq_error *err;
	int rc;
	int done;
	pthread_cond_t cond;      /* its caller waits here: woken alone */
	struct job *next;
} job;

struct lq_writer {
	lq_service *svc;
	lq_clock_fn clock;
	void *clock_ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* the writer: work arrived or stop */
	job *head, *tail;
	int stopping;
	uint64_t generation;
	lq_writer_stats stats;
};

/* Take the whole queue. Called with the lock held. */
static job *take_all(lq_writer *w)
{
	job *list = w->head;
	w->head = w->tail = NULL;
	return list;
}

static void finish(lq_writer *w, job *j, int rc)
{
	j->rc = rc;
	pthread_mutex_lock(&w->lock);
	j->done = 1;
	w->stats.jobs++;
	/* One waiter per job: waking every caller on each finish made 64
	 * blocked request threads spin through the lock for every job. */
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&w->lock);
}

static int run_standalone(lq_writer *w, job *j)
{
	return j->fn(w->svc, NULL, j->arg, j->err);
}

/* One job inside the session, isolated by a savepoint. */
static int run_in_session(lq_writer *w, lq_ingest *session, job *j)
{
	int rc = lq_store_mark(w->svc->store, j->err);
	if (rc)
		return rc;
	rc = j->fn(w->svc, session, j->arg, j->err);
	if (rc == 0)
		rc = lq_ingest_flush(session, j->err);
	if (rc == 0)
		rc = lq_store_release(w->svc->store, j->err);
	if (rc) {
		lq_store_undo(w->svc->store);
		lq_ingest_forget(session);
	}
	return rc;
}

/* Run the session jobs of list from first up to the next standalone job
 * in one transaction; returns the first job not run. */
static job *run_group(lq_writer *w, job *first)
{
	lq_ingest *session = NULL;
	lq_error err;
	job *j, *end = first;
	int commit_rc;

	while (end && end->session)
		end = end->next;
	lq_error_clear(&err);
	commit_rc = lq_ingest_begin(w->svc, &session, &err);
	for (j = first; commit_rc == 0 && j != end; j = j->next)
		j->rc = run_in_session(w, session, j);
	if (commit_rc == 0) {
		const lq_import_report *rep = lq_ingest_report(session);
		uint64_t stored = rep->stored, dups = rep->duplicates;
		commit_rc = lq_ingest_end(session, 1, &err);
		if (commit_rc == 0) {
			pthread_mutex_lock(&w->lock);
			w->stats.commits++;
			w->stats.events += stored;
			w->stats.duplicates += dups;
			pthread_mutex_unlock(&w->lock);
		}
	}
	for (j = first; j != end;) {
		job *next = j->next;
		if (commit_rc) {
			*j->err = err;
			j->rc = commit_rc;
		}
		finish(w, j, j->rc);
		j = next;
	}
	return end;
}

static void run_list(lq_writer *w, job *list)
{
	while (list) {
		w->svc->now = w->clock(w->clock_ctx);
		if (list->session) {
			list = run_group(w, list);
		} else {
			job *next = list->next;
			finish(w, list, run_standalone(w, list));
			list = next;
		}
	}
}

static void *writer_main(void *arg)
{
	lq_writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		job *list = take_all(w);
		int stopping = w->stopping;
		pthread_mutex_unlock(&w->lock);
		run_list(w, list);
		if (stopping && !list)
			return NULL;
	}
}

int lq_writer_start(const char *db, lq_clock_fn clock, void *clock_ctx,
		    lq_writer **out, lq_error *err)
{
	lq_writer *w = lq_xcalloc(1, sizeof *w);
	int rc = lq_service_open(db, 0, clock(clock_ctx), &w->svc, err);
	if (rc) {
		free(w);
		return rc;
	}
	w->clock = clock;
	w->clock_ctx = clock_ctx;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		lq_service_close(w->svc);
		free(w);
		return lq_error_set(err, LQ_EINTERNAL, "cannot start the writer thread");
	}
	*out = w;
	return 0;
}

int lq_writer_run(lq_writer *w, int session, lq_write_fn fn, void *arg,
		  lq_error *err)
{
	job j = {.session = session, .fn = fn, .arg = arg, .err = err};
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return lq_error_set(err, LQ_EINTERNAL, "the server is shutting down");
	}
	pthread_cond_init(&j.cond, NULL);
	if (w->tail)
		w->tail->next = &j;
	else
		w->head = &j;
	w->tail = &j;
	pthread_cond_signal(&w->wake);
	while (!j.done)
		pthread_cond_wait(&j.cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	pthread_cond_destroy(&j.cond);
	return j.rc;
}

uint64_t lq_writer_generation(lq_writer *w)
{
	return __atomic_load_n(&w->generation, __ATOMIC_ACQUIRE);
}

void lq_writer_bump_generation(lq_writer *w)
{
	__atomic_add_fetch(&w->generation, 1, __ATOMIC_RELEASE);
}

void lq_writer_stats_get(lq_writer *w, lq_writer_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
}

void lq_writer_stop(lq_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	lq_service_close(w->svc);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
