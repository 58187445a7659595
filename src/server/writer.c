/*
 * writer.c - the single writer thread with group commit. Jobs arrive on a
 * queue (lq_writer_submit: the job's done is called after it); the thread
 * takes everything queued at once and runs the session jobs among it as
 * group commits, the standalone ones alone. Between them it applies the
 * tracking API's inbox. It never waits for anything but the queue and
 * SQLite, and it never checkpoints the WAL in the common case (see
 * wal_hook below).
 */
#include "server/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "server/inbox_apply.h"
#include "server/mono.h"

/* After an apply of the inbox failed (disk full...), the next try waits
 * this long unless a job comes first. */
#define LQ_INBOX_RETRY_MS 1000

/*
 * Checkpoints. SQLite's automatic checkpoint runs inside the commit that
 * pushes the WAL past 1000 pages, on the committing thread: the writer
 * would copy pages into the database file and fsync both files (5-40 ms
 * per fsync on the project's disk) while every request of the next group
 * waits. Instead the writer's connection has its own WAL hook: past
 * LQ_WRITER_WAL_SOFT bytes it only pokes the checkpointer thread
 * (checkpointer.c), whose own connection runs passive checkpoints (they
 * never block the writer, nor readers) at most every
 * LQ_CHECKPOINT_GAP_MS.
 *
 * A passive checkpoint lets the WAL start over only if it has caught up
 * with the last commit when the next transaction starts: whenever the
 * writer pauses (its queue empty) for one round, the WAL restarts by
 * itself. A continuous stream of group commits never allows it, so past
 * LQ_WRITER_WAL_HARD bytes the writer asks for an urgent round and, at
 * the first commit after that round ended, runs one passive checkpoint
 * itself (unless the checkpointer is busy again: then at a later commit);
 * the next transaction then restarts the WAL. That inline checkpoint
 * copies what was committed during the urgent round and fsyncs: measured
 * 110-170 ms under the bench's sustained load (the WAL grows by ~12 KB
 * per event there, near the disk's bandwidth), a stall of every waiting
 * request. Hence a high limit: 1 GiB of WAL, reached only after seconds
 * of saturation, bounds the file (and its index) while keeping the stall
 * out of all but the slowest 0.1-1% of requests. A reader holding an old
 * snapshot can delay a restart (SQLite's rule); it never makes the
 * writer wait. The limits are bytes: SQLite's own 1000 pages were 4 MiB
 * with the 4 KiB pages of old databases, 16 MiB with 16 KiB pages, and a
 * commit that leaves the WAL under the soft limit asks for no round, so
 * the log of a burst could stay unchecked until the next one.
 */
#define LQ_WRITER_WAL_SOFT (4LL << 20)
#define LQ_WRITER_WAL_HARD (1LL << 30)

/*
 * The size of an inbox pass: at most that many requests, and no more
 * requests once it holds that many events. A pass that leaves requests
 * behind (the writer is behind the tracking load) makes the next one
 * twice as large, up to LQ_INBOX_PASS_MAX; a pass that empties the inbox
 * sets it back to LQ_INBOX_PASS_MIN, so a writer keeping up applies
 * within a few milliseconds of each acknowledgement. Events of many
 * requests share their leads' pages (work, score rows, index pages), so
 * a large pass writes far less per event: draining a backlog of ~1M
 * events (200k leads, 6.5M stored) went from 16,600 events/s at a fixed
 * 2,048 to 28,000 at 65,536 (38,600 at 262,144). A read waits for the
 * requests acknowledged before it anyway; a pass is only as large as
 * twice the backlog it found, so its wait grows with the backlog, not
 * with the cap. The cap bounds the pass's memory and how long a job
 * (an action from the dashboard) waits behind one: ~2 s here.
 */
#define LQ_INBOX_PASS_MIN 2048
#define LQ_INBOX_PASS_MAX 65536

/* The writer's page cache (LQ_WRITER_CACHE_MIB, `serve --cache-mb`): a
 * pass touches the pages of every lead it scores; 64 MiB (the CLI's)
 * re-read most of them from the OS at each pass, 256 MiB applied a
 * backlog 9-20% faster (1 GiB: 16%), for ~200 MiB more resident once
 * full (it fills only as pages are read). */

struct lq_writer {
	lq_service *svc;
	lq_clock_fn clock;
	void *clock_ctx;
	lq_checkpointer *cp;
	int restarting;           /* over the hard limit: waiting for... */
	uint64_t ticket;          /* ...the urgent round asked for */
	pthread_t thread;
	int running;              /* the thread was started and not joined */
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* the writer: work arrived or stop */
	lq_writer_job *head, *tail;
	int stopping;
	uint64_t generation;
	lq_writer_stats stats;
	lq_inbox *ib;             /* the writer's own connection to it */
	int64_t applied;          /* inbox rows applied up to (lock) */
	int64_t appended;         /* inbox rows acknowledged up to (lock) */
	int64_t retry_at_ms;      /* no apply before (after a failure) */
	size_t pass_size;         /* the next pass's requests and events */
	lq_writer_watch *watches; /* waiting for applied to move (lock) */
	int wal_pages;            /* after the last commit (atomic) */
	int64_t fold_min_rows;    /* recent events before a fold starts */
	int folding;              /* a fold of recent events is under way
				     (lock) */
};

/* ---- watches of the applied position ---------------------------------------- */

/* Nothing to wait for: applied far enough, past its deadline, applying
 * failing (reads answer at once, as they would without an inbox), or the
 * writer closing. Called with the lock. */
static int watch_over(const lq_writer *w, const lq_writer_watch *x,
		      int64_t now)
{
	return w->applied >= x->target || w->stopping ||
	       now < w->retry_at_ms ||
	       (x->deadline_ms > 0 && now >= x->deadline_ms);
}

/* Call done for every watch that is over; done runs without the lock
 * (it resumes a connection). */
static void release_watches(lq_writer *w)
{
	lq_writer_watch *over = NULL, **p;
	int64_t now = lq_mono_ms();

	pthread_mutex_lock(&w->lock);
	for (p = &w->watches; *p;) {
		lq_writer_watch *x = *p;
		if (watch_over(w, x, now)) {
			*p = x->next;
			x->next = over;
			over = x;
		} else {
			p = &x->next;
		}
	}
	pthread_mutex_unlock(&w->lock);
	while (over) {
		lq_writer_watch *next = over->next;
		over->done(over);    /* the last touch of it */
		over = next;
	}
}

/* The earliest deadline of a watch, 0 when none. Called with the lock. */
static int64_t next_deadline(const lq_writer *w)
{
	int64_t first = 0;
	for (const lq_writer_watch *x = w->watches; x; x = x->next)
		if (x->deadline_ms > 0 && (first == 0 || x->deadline_ms < first))
			first = x->deadline_ms;
	return first;
}

int lq_writer_watch_applied(lq_writer *w, lq_writer_watch *watch)
{
	pthread_mutex_lock(&w->lock);
	int over = watch_over(w, watch, lq_mono_ms());
	if (!over) {
		watch->next = w->watches;
		w->watches = watch;
		pthread_cond_signal(&w->wake);   /* it may sleep past the deadline */
	}
	pthread_mutex_unlock(&w->lock);
	return over;
}

/* ---- the inbox ------------------------------------------------------------ */

/* Rows to apply, and not waiting after a failure. Called with the lock. */
static int inbox_due(lq_writer *w)
{
	return w->applied < w->appended && lq_mono_ms() >= w->retry_at_ms;
}

/* The next pass: twice this one while requests are left behind. */
static size_t next_pass_size(size_t size, int behind)
{
	if (!behind)
		return LQ_INBOX_PASS_MIN;
	return size < LQ_INBOX_PASS_MAX / 2 ? size * 2 : LQ_INBOX_PASS_MAX;
}

/* One transaction applying the inbox; 0 when it committed. */
static int apply_inbox(lq_writer *w)
{
	lq_inbox_report rep;
	lq_error err;
	int64_t after, target;

	/* target is read before the walk: rows up to it were committed
	 * before the walk's snapshot, so a walk that finds none of them
	 * means they are gone (deleted as applied), never still to come. */
	pthread_mutex_lock(&w->lock);
	after = w->applied;
	target = w->appended;
	pthread_mutex_unlock(&w->lock);
	lq_error_clear(&err);
	w->svc->now = w->clock(w->clock_ctx);
	lq_inbox_pass size = {w->pass_size, w->pass_size};
	int rc = lq_inbox_apply(w->svc, w->ib, after, size, stderr, &rep, &err);
	pthread_mutex_lock(&w->lock);
	if (rc) {
		w->stats.inbox_failures++;
		w->retry_at_ms = lq_mono_ms() + LQ_INBOX_RETRY_MS;
	} else {
		w->applied = rep.last_id > after ? rep.last_id : target;
		w->pass_size = next_pass_size(w->pass_size, w->applied < w->appended);
		w->stats.pass_size = w->pass_size;
		w->stats.cache_bytes = (uint64_t)lq_store_cache_bytes(w->svc->store);
		w->stats.inbox_applies++;
		w->stats.inbox_requests += rep.requests;
		w->stats.inbox_rejected += rep.rejected;
		w->stats.events += rep.events.stored;
		w->stats.duplicates += rep.events.duplicates;
	}
	pthread_mutex_unlock(&w->lock);
	release_watches(w);
	if (rc)
		fprintf(stderr, "leadq: cannot apply the tracking inbox (retrying "
			"in %d ms): %s\n", LQ_INBOX_RETRY_MS, err.msg);
	return rc;
}

/* Delete the applied rows from the inbox, leaving no copy (before an
 * erasure, and at the end). Not before other jobs: under tracking load
 * the truncating checkpoint waits for the inbox thread's commits and
 * holds them back in turn. Measured in session 12 (200k leads, the
 * bench's /v1/track load): a note posted during the load took 1.7-5.4 s
 * and the acknowledgements' p99 went from 8-14 ms to 1-2.5 s. Most of
 * that stall was the request thread then blocked until the writer ran
 * the note (every connection of that thread waited with it; writes are
 * deferred now, server_defer.c); compacting before every job only added
 * to it. */
static void compact_inbox(lq_writer *w)
{
	lq_error err;
	pthread_mutex_lock(&w->lock);
	int64_t applied = w->applied;
	pthread_mutex_unlock(&w->lock);
	lq_error_clear(&err);
	if (lq_inbox_compact(w->ib, applied, &err))
		fprintf(stderr, "leadq: cannot compact the tracking inbox: %s\n",
			err.msg);
}

/* Apply the inbox up to target (before jobs: each sees what was
 * acknowledged before it was queued). */
static void drain_inbox(lq_writer *w, int64_t target)
{
	for (;;) {
		pthread_mutex_lock(&w->lock);
		int more = w->applied < target;
		pthread_mutex_unlock(&w->lock);
		if (!more || apply_inbox(w))
			return;
	}
}

void lq_writer_inbox_appended(lq_writer *w, int64_t last_id)
{
	pthread_mutex_lock(&w->lock);
	if (last_id > w->appended) {
		w->appended = last_id;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
}

int64_t lq_writer_inbox_applied(lq_writer *w)
{
	pthread_mutex_lock(&w->lock);
	int64_t applied = w->applied;
	pthread_mutex_unlock(&w->lock);
	return applied;
}

/* ---- the fold of recent events -------------------------------------------- */

/* One slice of the fold when one is under way or due (see
 * store_sqlite_fold.c): after each inbox pass, and while nothing else
 * waits. A failure (disk full...) is reported; the next pass tries
 * again. */
static void fold_step(lq_writer *w)
{
	lq_error err;
	int more = 0;
	int64_t moved = 0;
	lq_error_clear(&err);
	int rc = lq_store_events_fold_step(w->svc->store, w->fold_min_rows,
					   &moved, &more, &err);
	pthread_mutex_lock(&w->lock);
	w->folding = more;
	if (rc == 0 && moved) {
		w->stats.fold_steps++;
		w->stats.folded += (uint64_t)moved;
	}
	pthread_mutex_unlock(&w->lock);
	if (rc)
		fprintf(stderr, "leadq: cannot fold recent events (trying again "
			"after the next tracking pass): %s\n", err.msg);
}

/* Wait on the writer's condition until the monotonic time until_ms (0:
 * no limit). Called with the lock. */
static void sleep_until(lq_writer *w, int64_t until_ms)
{
	if (until_ms == 0) {
		pthread_cond_wait(&w->wake, &w->lock);
		return;
	}
	int64_t left = until_ms - lq_mono_ms();
	struct timespec until;
	if (left <= 0)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += left / 1000;
	until.tv_nsec += (long)(left % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&w->wake, &w->lock, &until);
}

/* Sleep until a job, rows to apply, a watch's deadline, or stop. Called
 * with the lock; the caller releases the watches that are over. */
static void wait_for_work(lq_writer *w)
{
	while (!w->head && !w->stopping && !inbox_due(w) && !w->folding) {
		int64_t until = next_deadline(w);
		if (w->applied < w->appended &&     /* retrying later */
		    (until == 0 || w->retry_at_ms < until))
			until = w->retry_at_ms;
		if (until && until <= lq_mono_ms())
			return;
		sleep_until(w, until);
	}
}

/* Take the whole queue. Called with the lock held. */
static lq_writer_job *take_all(lq_writer *w)
{
	lq_writer_job *list = w->head;
	w->head = w->tail = NULL;
	w->stats.queued = 0;
	return list;
}

/* Hand the result over; the job is not touched after done. */
static void finish(lq_writer *w, lq_writer_job *j)
{
	pthread_mutex_lock(&w->lock);
	w->stats.jobs++;
	pthread_mutex_unlock(&w->lock);
	j->done(j);
}

static void run_standalone(lq_writer *w, lq_writer_job *j)
{
	lq_error_clear(&j->err);
	j->rc = j->fn(w->svc, NULL, j->arg, &j->err);
}

/* One job inside the session, isolated by a savepoint. */
static int run_in_session(lq_writer *w, lq_ingest *session, lq_writer_job *j)
{
	lq_error_clear(&j->err);
	int rc = lq_store_mark(w->svc->store, &j->err);
	if (rc)
		return rc;
	rc = j->fn(w->svc, session, j->arg, &j->err);
	if (rc == 0)
		rc = lq_ingest_flush(session, &j->err);
	if (rc == 0)
		rc = lq_store_release(w->svc->store, &j->err);
	if (rc) {
		lq_store_undo(w->svc->store);
		lq_ingest_forget(session);
	}
	return rc;
}

/* The end of the group that starts at first: the next standalone job, or
 * the first job past the group's bounds. */
static lq_writer_job *group_end(lq_writer_job *first)
{
	size_t jobs = 0, weight = 0;
	lq_writer_job *end = first;
	while (end && end->kind == LQ_WRITE_SESSION && jobs < LQ_WRITER_GROUP_JOBS &&
	       weight < LQ_WRITER_GROUP_WEIGHT) {
		jobs++;
		weight += end->weight ? end->weight : 1;
		end = end->next;
	}
	return end;
}

static void count_group(lq_writer *w, size_t jobs, const lq_import_report *rep)
{
	pthread_mutex_lock(&w->lock);
	w->stats.commits++;
	w->stats.group_jobs += jobs;
	if (jobs > w->stats.group_max)
		w->stats.group_max = jobs;
	w->stats.events += rep->stored;
	w->stats.duplicates += rep->duplicates;
	pthread_mutex_unlock(&w->lock);
}

/* Run the session jobs of list from first up to group_end in one
 * transaction; returns the first job not run. */
static lq_writer_job *run_group(lq_writer *w, lq_writer_job *first)
{
	lq_ingest *session = NULL;
	lq_error err;
	lq_writer_job *j, *end = group_end(first);
	size_t jobs = 0;
	int commit_rc;

	lq_error_clear(&err);
	commit_rc = lq_ingest_begin(w->svc, &session, &err);
	for (j = first; commit_rc == 0 && j != end; j = j->next, jobs++)
		j->rc = run_in_session(w, session, j);
	if (commit_rc == 0) {
		lq_import_report rep = *lq_ingest_report(session);
		commit_rc = lq_ingest_end(session, 1, &err);
		if (commit_rc == 0)
			count_group(w, jobs, &rep);
	}
	for (j = first; j != end;) {
		lq_writer_job *next = j->next;
		if (commit_rc) {
			j->err = err;
			j->rc = commit_rc;
		}
		finish(w, j);
		j = next;
	}
	return end;
}

static void run_list(lq_writer *w, lq_writer_job *list)
{
	int64_t target = 0;
	for (lq_writer_job *j = list; j; j = j->next)
		if (j->inbox_target > target)
			target = j->inbox_target;
	if (list)
		drain_inbox(w, target);
	while (list) {
		w->svc->now = w->clock(w->clock_ctx);
		if (list->kind == LQ_WRITE_SESSION) {
			list = run_group(w, list);
		} else {
			lq_writer_job *next = list->next;
			if (list->kind == LQ_WRITE_ERASURE)
				compact_inbox(w);
			run_standalone(w, list);
			finish(w, list);
			list = next;
		}
	}
}

static void *writer_main(void *arg)
{
	lq_writer *w = arg;
	pthread_setname_np(pthread_self(), "lq-writer"); /* top -H, perf */
	for (;;) {
		pthread_mutex_lock(&w->lock);
		wait_for_work(w);
		lq_writer_job *list = take_all(w);
		int stopping = w->stopping;
		int due = inbox_due(w);
		int64_t appended = w->appended;
		pthread_mutex_unlock(&w->lock);
		release_watches(w);
		run_list(w, list);
		if (due && !list && apply_inbox(w) == 0)
			fold_step(w);
		else if (!due && !list && !stopping)
			fold_step(w);   /* a fold under way, nothing else */
		if (stopping && !list) {
			/* the inbox thread has stopped: this is all of it */
			drain_inbox(w, appended);
			compact_inbox(w);
			release_watches(w);
			return NULL;
		}
	}
}

/* After each commit of the writer's connection, with the WAL's size. */
static void wal_hook(void *ctx, int pages, int page_size)
{
	lq_writer *w = ctx;
	lq_error err;
	long long bytes = (long long)pages * page_size;
	__atomic_store_n(&w->wal_pages, pages, __ATOMIC_RELAXED);
	if (bytes < LQ_WRITER_WAL_HARD) {
		w->restarting = 0;
		if (bytes >= LQ_WRITER_WAL_SOFT)
			lq_checkpointer_poke(w->cp, 0);
		return;
	}
	if (!w->restarting) {     /* an urgent round first: it copies most */
		w->ticket = lq_checkpointer_poke(w->cp, 1);
		w->restarting = 1;
		return;
	}
	if (!lq_checkpointer_caught_up(w->cp, w->ticket))
		return;
	lq_error_clear(&err);
	if (lq_checkpointer_try_on(w->cp, w->svc->store, &err)) {
		w->restarting = 0;    /* the next transaction restarts the WAL */
		pthread_mutex_lock(&w->lock);
		w->stats.inline_checkpoints++;
		pthread_mutex_unlock(&w->lock);
	}
}

int lq_writer_start(const char *db, lq_clock_fn clock, void *clock_ctx,
		    lq_checkpointer *cp, const lq_writer_opts *opts,
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
	w->cp = cp;
	w->fold_min_rows = opts->fold_min_rows > 0 ? opts->fold_min_rows
						   : LQ_WRITER_FOLD_MIN_ROWS;
	w->folding = 1;           /* finish a fold left under way */
	w->pass_size = w->stats.pass_size = LQ_INBOX_PASS_MIN;
	lq_store_events_recent(w->svc->store, 1);
	rc = lq_store_cache_size(w->svc->store, (int64_t)(opts->cache_mib > 0
		? opts->cache_mib : LQ_WRITER_CACHE_MIB) * 1024, err);
	if (rc == 0)
		rc = lq_inbox_open(db, &w->ib, err);
	if (rc == 0)
		rc = lq_inbox_last_id(w->ib, &w->appended, err);
	if (rc == 0)
		rc = lq_inbox_applied(w->svc, &w->applied, err);
	if (rc == 0 && w->appended < w->applied) {
		rc = lq_inbox_ids_after(w->ib, w->applied, err);
		w->appended = w->applied;
	}
	if (rc) {
		lq_inbox_close(w->ib);
		lq_service_close(w->svc);
		free(w);
		return rc;
	}
	if (cp)
		lq_store_wal_hook(w->svc->store, wal_hook, w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		lq_inbox_close(w->ib);
		lq_service_close(w->svc);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		free(w);
		return lq_error_set(err, LQ_EINTERNAL, "cannot start the writer thread");
	}
	w->running = 1;
	*out = w;
	return 0;
}

int lq_writer_submit(lq_writer *w, lq_writer_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return LQ_ECONFLICT;
	}
	if (job->inbox_target <= 0 || job->inbox_target > w->appended)
		job->inbox_target = w->appended;
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->stats.queued++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
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
	out->inbox_pending = (uint64_t)(w->appended - w->applied);
	out->wal_pages = (uint64_t)__atomic_load_n(&w->wal_pages, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&w->lock);
}

void lq_writer_close(lq_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	int running = w->running;
	w->running = 0;
	pthread_mutex_unlock(&w->lock);
	if (running)
		pthread_join(w->thread, NULL);
	release_watches(w);   /* any left (a thread never started) */
}

void lq_writer_stop(lq_writer *w)
{
	if (!w)
		return;
	lq_writer_close(w);
	if (w->cp)
		lq_store_wal_hook(w->svc->store, NULL, NULL);
	lq_service_close(w->svc);
	lq_inbox_close(w->ib);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
