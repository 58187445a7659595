/*
 * store_sqlite_events.c - events in SQLite: the hot insert path with
 * msg_id de-duplication, a lead's events, and the ordered walk over every
 * event.
 *
 * Events live in two tables (migration 8): events_main, clustered by
 * (lead_id, at, id) (migration 6), and events_recent, rows appended by a
 * connection that asked for it (lq_store_events_recent: the server) and
 * moved into events_main by the fold (store_sqlite_fold.c). Every read
 * and every duplicate lookup below sees both.
 * A message id counts once per lead (migration 7): a batch is
 * de-duplicated by (lead_id, msg_hash), msg_hash a 64-bit hash of
 * msg_id, looked up in that order in the index events_lead_msg, a hit
 * confirmed by comparing msg_id, so a collision never loses an event.
 * The batch is then given ids from the counter 'event_id' in arrival
 * order and inserted sorted by the table's key, so both B-trees are
 * walked in the order of the lead. The two steps are also offered apart
 * (events_dups, events_insert): an import scores a batch as soon as it
 * knows its duplicates and writes many batches in one sorted pass.
 * The counter is read once per transaction and written back before
 * COMMIT (lq_store_sqlite_events_sync); after a rollback the id kept in
 * memory may be ahead of the stored one (a gap), never behind.
 *
 * A database's first import stores events into tables holding none with
 * a msg_id: every lookup then finds nothing but what the transaction
 * stored itself. Such a write transaction notes the (lead, msg_hash)
 * pairs it stores in a Bloom filter (fresh) and asks the index only
 * about pairs the filter may hold: 13-15% of an import's time. Every
 * event row is written by insert_sorted, which notes the pairs of all
 * the rows it was given (fresh_learn; the fold moves rows keeping their
 * pairs), so the filter misses none; it lives until the transaction ends
 * (the commit and rollback hooks, which a write transaction always
 * runs).
 */
#include <stdlib.h>
#include <string.h>

#include "core/imap.h"
#include "core/keysort.h"
#include "store/store_sqlite.h"

/* Fill out (owned strings) from the current row (SQ_EVENT_COLS at
 * column 0). */
static int read_event(sqlite3_stmt *st, lq_event *out, lq_error *err)
{
	lq_event_init(out);
	out->id = sq_col_int(st, 0);
	out->lead_id = sq_col_int(st, 1);
	out->msg_id = sq_col_text(st, 2, 1);
	out->type = sq_col_text(st, 3, 1);
	out->at = sq_col_int(st, 4);
	if (lq_store_sqlite_col_attrs(st, 5, &out->props) == 0)
		return 0;
	lq_event_free(out);
	return lq_error_set(err, LQ_EIO, "event %lld has malformed properties "
			    "in the database", (long long)sq_col_int(st, 0));
}

/* ---- msg_id hashes and the id counter -------------------------------------- */

/* Stored in msg_hash: lq_str_hash64 is stable across versions. */
static int64_t msg_hash(const char *s)
{
	return (int64_t)lq_str_hash64(s, LQ_HASH_SEED);
}

/* SQL lq_msg_hash(text): NULL stays NULL (migration 6 fills msg_hash). */
static void sql_msg_hash(sqlite3_context *c, int argc, sqlite3_value **v)
{
	const unsigned char *t = sqlite3_value_text(v[0]);
	(void)argc;
	if (sqlite3_value_type(v[0]) == SQLITE_NULL || !t)
		sqlite3_result_null(c);
	else
		sqlite3_result_int64(c, msg_hash((const char *)t));
}

/* The fresh filter forgotten: the next transaction decides again. */
void lq_store_sqlite_fresh_forget(lq_sqlite *q)
{
	lq_bloom_free(&q->fresh);
}

/* Any end of a transaction: the next one reads the counter again. */
static int on_commit(void *arg)
{
	((lq_sqlite *)arg)->event_loaded = 0;
	lq_store_sqlite_fresh_forget(arg);
	return 0;
}

static void on_rollback(void *arg)
{
	((lq_sqlite *)arg)->event_loaded = 0;
	lq_store_sqlite_fresh_forget(arg);
}

int lq_store_sqlite_events_setup(lq_sqlite *q)
{
	sqlite3_commit_hook(q->db, on_commit, q);
	sqlite3_rollback_hook(q->db, on_rollback, q);
	return sqlite3_create_function(q->db, "lq_msg_hash", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC |
				       SQLITE_INNOCUOUS, NULL, sql_msg_hash,
				       NULL, NULL);
}

int lq_store_sqlite_events_sync(lq_sqlite *q, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_EVENT_ID_PUT];
	int rc;
	if (!q->event_dirty)
		return 0;
	if (sq_bind_int(st, 1, q->event_next))
		return lq_store_sqlite_fail(q, st, err, "store the event id");
	rc = lq_store_sqlite_run(q, st, err, "store the event id");
	if (rc == 0)
		q->event_dirty = 0;
	return rc;
}

/* The stored counter, once per transaction: never go behind it. */
static int load_next_id(lq_sqlite *q, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_EVENT_ID_GET];
	int rc;
	if (q->event_loaded)
		return 0;
	rc = lq_store_sqlite_row(q, st, err, "read the event id");
	if (rc < 0)
		return rc;
	if (rc == 1) {
		int64_t v = sq_col_int(st, 0);
		sqlite3_reset(st);
		if (v > q->event_next)
			q->event_next = v;
	}
	if (q->event_next < 1)
		q->event_next = 1;
	q->event_loaded = 1;
	return 0;
}

/* ---- sorting the batch ---------------------------------------------------- */

/* A batch index i with its sort key (a, b) is an lq_key3 (core/keysort.h):
 * i breaks ties, so the order is the batch's among equal keys. */

/* What the insert needs of each event besides the event: its msg_hash and
 * the lengths of its texts, bound with them. They are measured in one
 * pass in batch order, where the texts lie side by side (the import
 * decodes into one arena); the insert walks the batch in key order, and
 * SQLite's own strlen there was one cache miss per text (5% of an
 * import). */
typedef struct ev_meta {
	int64_t hash;
	size_t msg_len, type_len, props_len;
} ev_meta;

/* ---- the fresh filter -------------------------------------------------- */

/* 2^21 words: 16 MiB, at most; ~0.02% false "maybe" after 4M events,
 * ~5% after 20M (a "maybe" is one lookup, as without the filter). */
#define FRESH_LOG2_WORDS 21

static uint64_t fresh_key(int64_t lead_id, int64_t hash)
{
	return (uint64_t)hash ^ ((uint64_t)lead_id * 0x9e3779b97f4a7c15ULL);
}

/* Whether this transaction keeps the fresh filter: a write transaction
 * (its end runs a hook) over tables where no event with a msg_id was
 * stored before it. Decided at its first lookup. */
static int fresh_filter_on(lq_sqlite *q, lq_error *err)
{
	if (q->msg_stored)
		return 0;
	if (q->fresh.words)
		return 1;
	if (sqlite3_txn_state(q->db, "main") != SQLITE_TXN_WRITE)
		return 0;
	sqlite3_stmt *st = q->stmt[SQ_EVENT_ANY_MSG];
	int rc = lq_store_sqlite_row(q, st, err, "look for stored events");
	if (rc != 1)
		return rc < 0 ? rc : lq_error_set(err, LQ_EINTERNAL,
						  "no answer to EXISTS");
	int stored = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (stored) {
		q->msg_stored = 1;
		return 0;
	}
	lq_bloom_init(&q->fresh, FRESH_LOG2_WORDS);
	return 1;
}

/* ---- de-duplication ------------------------------------------------------- */

/* Mark the events of one (lead, hash) group that repeat a msg_id stored
 * for that lead. */
static int dedup_stored(lq_sqlite *q, lq_event *ev, const lq_key3 *g,
			size_t n, unsigned char *dup, lq_error *err)
{
	sqlite3_stmt *st = q->stmt[SQ_EVENT_BY_HASH];
	int rc;
	if (sq_bind_int(st, 1, g[0].a) || sq_bind_int(st, 2, g[0].b))
		return lq_store_sqlite_fail(q, st, err, "look up an event id");
	while ((rc = lq_store_sqlite_row(q, st, err, "look up an event id")) == 1) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		for (size_t k = 0; t && k < n; k++)
			if (strcmp(ev[g[k].i].msg_id, t) == 0)
				dup[g[k].i] = 1;
	}
	return rc;
}

/* Mark the events of one (lead, hash) group that repeat an earlier one
 * of it. */
static void dedup_batch(lq_event *ev, const lq_key3 *g, size_t n,
			unsigned char *dup)
{
	for (size_t k = 1; k < n; k++)
		for (size_t j = 0; j < k && !dup[g[k].i]; j++)
			if (!dup[g[j].i] &&
			    strcmp(ev[g[j].i].msg_id, ev[g[k].i].msg_id) == 0)
				dup[g[k].i] = 1;
}

/* meta[i] of every event (see ev_meta); texts absent are length 0. */
static void measure(const lq_event *ev, size_t n, ev_meta *meta)
{
	for (size_t i = 0; i < n; i++) {
		const lq_event *e = &ev[i];
		meta[i].hash = e->msg_id ? msg_hash(e->msg_id) : 0;
		meta[i].msg_len = e->msg_id ? strlen(e->msg_id) : 0;
		meta[i].type_len = e->type ? strlen(e->type) : 0;
		meta[i].props_len = e->props_json && e->props.n
			? strlen(e->props_json) : 0;
	}
}

/* dup[i] = 1 for every event whose msg_id is stored for its lead or came
 * earlier in the batch for the same lead. Lookups go in (lead, hash)
 * order, the index's. */
static int dedup(lq_sqlite *q, lq_event *ev, size_t n, const ev_meta *meta,
		 unsigned char *dup, lq_error *err)
{
	lq_key3 *refs = lq_xmalloc((n ? n : 1) * sizeof *refs);
	size_t m = 0;
	int filter = fresh_filter_on(q, err);
	int rc = filter < 0 ? filter : 0;

	filter = filter > 0;

	for (size_t i = 0; i < n; i++) {
		dup[i] = 0;
		if (ev[i].msg_id)
			refs[m++] = (lq_key3){ev[i].lead_id, meta[i].hash, i};
	}
	lq_key3_sort(refs, m);   /* by (lead, hash), then batch order */
	for (size_t a = 0, b; rc == 0 && a < m; a = b) {
		for (b = a + 1; b < m && refs[b].a == refs[a].a &&
				refs[b].b == refs[a].b; b++)
			;
		if (!filter || lq_bloom_maybe(&q->fresh,
					      fresh_key(refs[a].a, refs[a].b)))
			rc = dedup_stored(q, ev, refs + a, b - a, dup, err);
		dedup_batch(ev, refs + a, b - a, dup);
	}
	free(refs);
	return rc;
}

/* ---- insertion ------------------------------------------------------------ */

static int insert_one(lq_sqlite *q, const lq_event *e, const ev_meta *m,
		      lq_error *err)
{
	sqlite3_stmt *st = q->stmt[q->events_recent ? SQ_EVENT_ADD_RECENT
						     : SQ_EVENT_ADD];
	int rc = 0;
	/* the decoder's text of the props when it kept it (props_json) */
	if (e->props_json && e->props.n) {
		if (sq_bind_text_len(st, 5, e->props_json, m->props_len))
			return lq_store_sqlite_fail(q, st, err, "store event");
	} else {
		rc = lq_store_sqlite_bind_attrs(st, 5, &e->props, &q->json[0],
						err);
	}
	if (rc)
		return rc;
	if (sq_bind_int(st, 1, e->lead_id) || sq_bind_int(st, 2, e->at) ||
	    sq_bind_int(st, 3, e->id) ||
	    sq_bind_text_len(st, 4, e->type, m->type_len) ||
	    sq_bind_text_len(st, 6, e->msg_id, m->msg_len) ||
	    (e->msg_id ? sq_bind_int(st, 7, m->hash) : sqlite3_bind_null(st, 7)))
		return lq_store_sqlite_fail(q, st, err, "store event");
	rc = lq_store_sqlite_run(q, st, err, "store event");
	if (rc == 0 && sqlite3_changes(q->db) != 1)
		return lq_error_set(err, LQ_EINTERNAL, "event %lld was not "
				    "stored", (long long)e->id);
	return rc;
}

/* The fresh filter learns the (lead, msg_hash) pairs of the rows a batch
 * inserted: after the inserts, in one loop, where each word's cache miss
 * overlaps the next (after each insert, SQLite had evicted the filter: a
 * miss each, 2.5% of an import). Also after a failed insert: a pair not
 * stored is only a lookup more, a pair missing would be a duplicate
 * stored. */
static void fresh_learn(lq_sqlite *q, const lq_event *ev, size_t n,
			const ev_meta *meta, const unsigned char *skip)
{
	if (!q->fresh.words)
		return;
	for (size_t i = 0; i < n; i++)
		if (ev[i].msg_id && !(skip && skip[i]))
			lq_bloom_add(&q->fresh, fresh_key(ev[i].lead_id,
							  meta[i].hash));
}

/* The insert walks the batch in key order, so each event and its texts
 * are far from the last ones, and SQLite's work on a row evicts them
 * anyway: loading them was a cache miss each (the event alone 3% of an
 * import, its texts part of SQLite's copying). Fetch the event two rows
 * ahead and the texts of the next one while SQLite works on this row. */
/* always_inline: GCC takes a call that only prefetches for one without
 * effect and drops it. A prefetch never faults: absent (NULL) texts need
 * no test. */
static inline __attribute__((always_inline)) void
prefetch_rows(const lq_event *ev, const ev_meta *meta, const lq_key3 *keys,
	      size_t k, size_t m)
{
	if (k + 2 < m) {
		const lq_event *e = &ev[keys[k + 2].i];
		__builtin_prefetch(e);
		__builtin_prefetch((const char *)e + sizeof *e - 1);
		__builtin_prefetch(&meta[keys[k + 2].i]);
	}
	if (k + 1 < m) {
		const lq_event *e = &ev[keys[k + 1].i];
		__builtin_prefetch(e->msg_id);
		__builtin_prefetch(e->type);
		__builtin_prefetch(e->props_json);
		__builtin_prefetch(e->props_json ? e->props_json + 64 : NULL);
	}
}

/* Give ids in batch order, then insert sorted by (lead_id, at, id).
 * skip (may be NULL): events not to store. */
static int insert_sorted(lq_sqlite *q, lq_event *ev, size_t n,
			 const ev_meta *meta, const unsigned char *skip,
			 lq_error *err)
{
	lq_key3 *keys = lq_xmalloc((n ? n : 1) * sizeof *keys);
	size_t m = 0;
	int rc = load_next_id(q, err);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (skip && skip[i])
			continue;
		ev[i].id = q->event_next++;
		q->event_dirty = 1;
		keys[m++] = (lq_key3){ev[i].lead_id, ev[i].at, i};
	}
	/* by (lead_id, at, id): ids grow with i */
	lq_key3_sort(keys, m);
	for (size_t k = 0; rc == 0 && k < m; k++) {
		prefetch_rows(ev, meta, keys, k, m);
		rc = insert_one(q, &ev[keys[k].i], &meta[keys[k].i], err);
	}
	fresh_learn(q, ev, n, meta, skip);
	free(keys);
	if (rc == 0 && q->events_recent)
		rc = lq_store_sqlite_recent_count_add(q, (int64_t)m, err);
	return rc;
}

/* What a batch step is: look its duplicates up, store it, or both. */
enum { STEP_DEDUP = 1, STEP_INSERT = 2 };

static int run_steps(lq_sqlite *q, int steps, lq_event *ev, size_t n,
		     unsigned char *dup, lq_error *err)
{
	ev_meta *meta = lq_xmalloc((n ? n : 1) * sizeof *meta);
	int rc = 0;
	measure(ev, n, meta);
	if (steps & STEP_DEDUP)
		rc = dedup(q, ev, n, meta, dup, err);
	if (rc == 0 && (steps & STEP_INSERT))
		rc = insert_sorted(q, ev, n, meta, dup, err);
	free(meta);
	return rc;
}

/* Outside a transaction a step that writes gets its own, counter
 * included. */
static int batch_step(lq_store *s, int steps, lq_event *ev, size_t n,
		      unsigned char *dup, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	int own = (steps & STEP_INSERT) && sqlite3_get_autocommit(q->db);
	int rc = own ? lq_store_sqlite_run(q, q->stmt[SQ_BEGIN], err,
					   "start a transaction") : 0;
	if (rc)
		return rc;
	rc = run_steps(q, steps, ev, n, dup, err);
	return own ? lq_store_sqlite_finish(q, rc, err) : rc;
}

int lq_store_sqlite_events_add(lq_store *s, lq_event *ev, size_t n,
			       unsigned char *dup, lq_error *err)
{
	return batch_step(s, STEP_DEDUP | STEP_INSERT, ev, n, dup, err);
}

int lq_store_sqlite_events_dups(lq_store *s, lq_event *ev, size_t n,
				unsigned char *dup, lq_error *err)
{
	return batch_step(s, STEP_DEDUP, ev, n, dup, err);
}

int lq_store_sqlite_events_insert(lq_store *s, lq_event *ev, size_t n,
				  lq_error *err)
{
	return batch_step(s, STEP_INSERT, ev, n, NULL, err);
}

int lq_store_sqlite_event_add(lq_store *s, lq_event *e, int *duplicate,
			      lq_error *err)
{
	unsigned char dup = 0;
	int rc = lq_store_sqlite_events_add(s, e, 1, &dup, err);
	*duplicate = rc == 0 && dup;
	return rc;
}

int lq_store_sqlite_lead_events(lq_store *s, int64_t lead_id, lq_event **out,
				size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_LEAD_EVENTS];
	lq_event *ev = NULL;
	size_t len = 0, cap = 0;
	int rc;

	sq_bind_int(st, 1, lead_id);
	while ((rc = lq_store_sqlite_row(q, st, err, "read events")) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			ev = lq_xrealloc(ev, cap * sizeof *ev);
		}
		rc = read_event(st, &ev[len], err);
		if (rc) {
			sqlite3_reset(st);
			goto free_events;
		}
		len++;
	}
	if (rc < 0)
		goto free_events;
	*out = ev;
	*n = len;
	return 0;
free_events:
	lq_events_free(ev, len);
	return rc;
}

/* ---- anonymous visitors ----------------------------------------------------- */

int lq_store_sqlite_anon_event_add(lq_store *s, const char *anonymous_id,
				   lq_event *e, int *duplicate, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ANON_EVENT_ADD];
	int rc = lq_store_sqlite_bind_attrs(st, 4, &e->props, &q->json[0], err);

	if (rc)
		return rc;
	if (sq_bind_text(st, 1, anonymous_id) || sq_bind_int(st, 2, e->at) ||
	    sq_bind_text(st, 3, e->type) || sq_bind_text(st, 5, e->msg_id))
		return lq_store_sqlite_fail(q, st, err, "store anonymous event");
	rc = lq_store_sqlite_run(q, st, err, "store anonymous event");
	if (rc)
		return rc;
	*duplicate = sqlite3_changes(q->db) == 0;
	if (!*duplicate)
		e->id = sqlite3_last_insert_rowid(q->db);
	return 0;
}

static int read_anon_event(sqlite3_stmt *st, void *row, lq_error *err)
{
	return read_event(st, row, err);
}

static void release_events(void *rows, size_t n)
{
	lq_events_free(rows, n);
}

int lq_store_sqlite_anon_events_take(lq_store *s, const char *anonymous_id,
				     lq_event **out, size_t *n, lq_error *err)
{
	lq_sqlite *q = sq_handle(s);
	sqlite3_stmt *st = q->stmt[SQ_ANON_EVENTS_OF];
	void *rows = NULL;
	int rc;

	if (sq_bind_text(st, 1, anonymous_id))
		return lq_store_sqlite_fail(q, st, err, "read anonymous events");
	rc = lq_store_sqlite_collect(q, st, sizeof(lq_event), read_anon_event,
				     release_events, &rows, n, err,
				     "read anonymous events");
	if (rc)
		return rc;
	st = q->stmt[SQ_ANON_EVENTS_DELETE];
	if (sq_bind_text(st, 1, anonymous_id) ||
	    (rc = lq_store_sqlite_run(q, st, err, "delete anonymous events"))) {
		lq_events_free(rows, *n);
		return rc ? rc : lq_store_sqlite_fail(q, st, err, "delete anonymous events");
	}
	*out = rows;
	return 0;
}
