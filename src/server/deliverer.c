/*
 * deliverer.c - the periodic delivery thread.
 */
#include "server/deliverer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/buf.h"
#include "service/service.h"

#define PASS_LIMIT 200
#define DEFAULT_ATTEMPTS 8

struct lq_deliverer {
	lq_service *svc;
	long interval_ms;
	lq_clock_fn clock;
	void *clock_ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
};

static void wait_interval(lq_deliverer *d)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += d->interval_ms / 1000;
	until.tv_nsec += (d->interval_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&d->lock);
	while (!d->stopping &&
	       pthread_cond_timedwait(&d->wake, &d->lock, &until) == 0)
		;
	pthread_mutex_unlock(&d->lock);
}

static int stopping(lq_deliverer *d)
{
	pthread_mutex_lock(&d->lock);
	int s = d->stopping;
	pthread_mutex_unlock(&d->lock);
	return s;
}

static void *deliverer_main(void *arg)
{
	lq_deliverer *d = arg;
	pthread_setname_np(pthread_self(), "lq-deliver"); /* top -H, perf */
	while (!stopping(d)) {
		lq_deliver_report rep;
		lq_error err;
		lq_error_clear(&err);
		d->svc->now = d->clock(d->clock_ctx);
		/* The cached webhooks may have changed since the last pass. */
		d->svc->webhooks_loaded = 0;
		if (lq_service_deliver(d->svc, PASS_LIMIT, DEFAULT_ATTEMPTS, &rep, &err)) {
			char msg[600];
			lq_error_format(&err, msg, sizeof msg);
			fprintf(stderr, "leadq: delivery pass failed: %s\n", msg);
		}
		wait_interval(d);
	}
	return NULL;
}

int lq_deliverer_start(const char *db, long interval_ms, lq_clock_fn clock,
		       void *clock_ctx, lq_deliverer **out, lq_error *err)
{
	lq_deliverer *d = lq_xcalloc(1, sizeof *d);
	int rc = lq_service_open(db, 0, clock(clock_ctx), &d->svc, err);
	if (rc) {
		free(d);
		return rc;
	}
	d->interval_ms = interval_ms > 0 ? interval_ms : 5000;
	d->clock = clock;
	d->clock_ctx = clock_ctx;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	if (pthread_create(&d->thread, NULL, deliverer_main, d)) {
		lq_service_close(d->svc);
		free(d);
		return lq_error_set(err, LQ_EINTERNAL, "cannot start the delivery thread");
	}
	*out = d;
	return 0;
}

void lq_deliverer_stop(lq_deliverer *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = 1;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	lq_service_close(d->svc);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->wake);
	free(d);
}
