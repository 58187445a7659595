/*
 * checkpointer.c - passive WAL checkpoints on their own thread and
 * connections (why: see the comment at the top of writer.c and
 * inbox_writer.h).
 */
#include "server/checkpointer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/buf.h"
#include "store/inbox.h"
#include "store/store.h"

struct lq_checkpointer {
	lq_store *store;
	lq_inbox *inbox;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_mutex_t running;   /* held during a checkpoint */
	int pending;
	int urgent;
	int stopping;
	uint64_t started;          /* rounds started */
	uint64_t ended;            /* rounds ended */
};

/* Sleep the gap after a round, cut short by an urgent poke or stop. */
static void wait_gap(lq_checkpointer *cp)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += LQ_CHECKPOINT_GAP_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cp->lock);
	while (!cp->urgent && !cp->stopping &&
	       pthread_cond_timedwait(&cp->wake, &cp->lock, &until) == 0)
		;
	pthread_mutex_unlock(&cp->lock);
}

/* Wait for a poke; 0 when stopping. */
static int next_round(lq_checkpointer *cp)
{
	pthread_mutex_lock(&cp->lock);
	while (!cp->pending && !cp->stopping)
		pthread_cond_wait(&cp->wake, &cp->lock);
	int go = !cp->stopping;
	cp->pending = cp->urgent = 0;
	cp->started++;
	pthread_mutex_unlock(&cp->lock);
	return go;
}

static void report(const lq_error *err, const char *what)
{
	char msg[600];
	lq_error_format(err, msg, sizeof msg);
	fprintf(stderr, "leadq: checkpoint%s failed: %s\n", what, msg);
}

static void *checkpointer_main(void *arg)
{
	lq_checkpointer *cp = arg;
	pthread_setname_np(pthread_self(), "lq-checkpoint"); /* top -H, perf */
	while (next_round(cp)) {
		lq_error err;
		lq_error_clear(&err);
		pthread_mutex_lock(&cp->running);
		int rc = lq_store_checkpoint_passive(cp->store, &err);
		pthread_mutex_unlock(&cp->running);
		if (rc)
			report(&err, "");
		lq_error_clear(&err);
		if (lq_inbox_checkpoint(cp->inbox, &err))
			report(&err, " of the tracking inbox");
		pthread_mutex_lock(&cp->lock);
		cp->ended++;
		pthread_mutex_unlock(&cp->lock);
		wait_gap(cp);
	}
	return NULL;
}

int lq_checkpointer_start(const char *db, lq_checkpointer **out,
			  lq_error *err)
{
	lq_checkpointer *cp = lq_xcalloc(1, sizeof *cp);
	int rc = lq_store_open(db, 0, &cp->store, err);
	if (rc == 0)
		rc = lq_inbox_open(db, &cp->inbox, err);
	if (rc) {
		lq_store_close(cp->store);
		free(cp);
		return rc;
	}
	pthread_mutex_init(&cp->lock, NULL);
	pthread_mutex_init(&cp->running, NULL);
	pthread_cond_init(&cp->wake, NULL);
	if (pthread_create(&cp->thread, NULL, checkpointer_main, cp)) {
		lq_inbox_close(cp->inbox);
		lq_store_close(cp->store);
		pthread_mutex_destroy(&cp->lock);
		pthread_mutex_destroy(&cp->running);
		pthread_cond_destroy(&cp->wake);
		free(cp);
		return lq_error_set(err, LQ_EINTERNAL, "cannot start the checkpointer thread");
	}
	*out = cp;
	return 0;
}

uint64_t lq_checkpointer_poke(lq_checkpointer *cp, int urgent)
{
	pthread_mutex_lock(&cp->lock);
	uint64_t ticket = cp->started;
	cp->pending = 1;
	if (urgent)
		cp->urgent = 1;
	pthread_cond_signal(&cp->wake);
	pthread_mutex_unlock(&cp->lock);
	return ticket;
}

int lq_checkpointer_caught_up(lq_checkpointer *cp, uint64_t ticket)
{
	pthread_mutex_lock(&cp->lock);
	int yes = cp->ended > ticket;
	pthread_mutex_unlock(&cp->lock);
	return yes;
}

int lq_checkpointer_try_on(lq_checkpointer *cp, lq_store *store,
			   lq_error *err)
{
	if (pthread_mutex_trylock(&cp->running))
		return 0;
	lq_store_checkpoint_passive(store, err);
	pthread_mutex_unlock(&cp->running);
	return 1;
}

uint64_t lq_checkpointer_count(lq_checkpointer *cp)
{
	pthread_mutex_lock(&cp->lock);
	uint64_t n = cp->ended;
	pthread_mutex_unlock(&cp->lock);
	return n;
}

void lq_checkpointer_stop(lq_checkpointer *cp)
{
	if (!cp)
		return;
	pthread_mutex_lock(&cp->lock);
	cp->stopping = 1;
	pthread_cond_signal(&cp->wake);
	pthread_mutex_unlock(&cp->lock);
	pthread_join(cp->thread, NULL);
	lq_inbox_close(cp->inbox);
	lq_store_close(cp->store);
	pthread_mutex_destroy(&cp->lock);
	pthread_mutex_destroy(&cp->running);
	pthread_cond_destroy(&cp->wake);
	free(cp);
}
