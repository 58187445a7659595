/*
 * ingest.c - write sessions for activity and identities: the code path
 * both `leadq import events` and the tracking API take. A session is one
 * transaction over many events (the inbox's apply, the server's group
 * commit); each event is validated and its lead resolved before anything
 * is written for it, then queued: the session scores its events in
 * batches and stores them sorted by lead (event_batch.c, event_hold.c),
 * as a file import does. Whatever reads or changes a lead otherwise (an
 * identify, an alias, a lead record) first scores what is queued, so
 * every event is scored in the order it came.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "io/lead_record.h"
#include "service/event_batch.h"
#include "service/import_run.h"

/* Clock skew tolerated between a sender and leadq. */
#define FUTURE_SKEW (5 * LQ_MS_MINUTE)
/* Events scored at once, and the memory of scored events held to be
 * stored in one sorted write (at the latest when the session ends). */
#define INGEST_EVENT_BATCH 8192
#define INGEST_HOLD_MIB 128

struct lq_ingest {
	lq_import_run run;
	lq_import_opts opts;
	lq_import_report rep;
	lq_event_batch events;
};

static void events_init(lq_ingest *in)
{
	lq_event_batch_init(&in->events, INGEST_EVENT_BATCH, INGEST_HOLD_MIB);
	in->run.events = &in->events;
}

int lq_ingest_begin(lq_service *svc, lq_ingest **out, lq_error *err)
{
	lq_ingest *in = lq_xcalloc(1, sizeof *in);
	in->opts.stage = LQ_STAGE_NONE;
	int rc = lq_import_begin(&in->run, svc, "request", &in->opts, &in->rep,
				 NULL, NULL, err);
	if (rc) {
		lq_import_end(&in->run, rc, err);
		free(in);
		return rc;
	}
	events_init(in);
	*out = in;
	return 0;
}

/* Score what is queued (held, not stored yet). */
static int score_queued(lq_ingest *in, lq_error *err)
{
	return lq_event_batch_flush(&in->run, &in->events, err);
}

int lq_ingest_lead(lq_ingest *in, struct lq_lead_input *rec, int64_t *id,
		   lq_error *err)
{
	int rc = score_queued(in, err);
	return rc ? rc : lq_import_lead_record(&in->run, rec, id, err);
}

int lq_ingest_flush(lq_ingest *in, lq_error *err)
{
	int rc = lq_event_batch_finish(&in->run, &in->events, err);
	return rc ? rc : lq_workset_flush(in->run.svc, &in->run.ws, err);
}

void lq_ingest_forget(lq_ingest *in)
{
	size_t limit = in->run.ws.limit;
	lq_import_keys_forget(&in->run);   /* leads it created are gone */
	lq_workset_free(&in->run.ws);
	lq_workset_init(&in->run.ws, limit);
	lq_event_batch_free(&in->events);  /* events not stored are gone */
	events_init(in);
}

const lq_import_report *lq_ingest_report(const lq_ingest *in)
{
	return &in->rep;
}

int lq_ingest_end(lq_ingest *in, int commit, lq_error *err)
{
	int rc = commit ? lq_event_batch_finish(&in->run, &in->events, err) : 0;
	rc = lq_import_end(&in->run, commit ? rc : LQ_EINTERNAL, err);
	lq_event_batch_free(&in->events);
	free(in);
	return commit ? rc : 0;
}

/* ---- resolved lead keys ---------------------------------------------------
 * An event stream names the same leads over and over: each key is looked
 * up in the store once per run and kept here, by a 64-bit hash of its kind
 * and text, the entry holding the text so that a hash collision is a miss,
 * never a wrong lead. Bounded: the map is emptied when it is full. */

#define KEYCACHE_MAX 1000000

typedef struct key_entry {
	int64_t id;
	char kind;
	char key[];
} key_entry;

static int64_t key_hash(char kind, const char *key)
{
	uint64_t h = lq_map_hash64(key, LQ_HASH_SEED ^ (unsigned char)kind);
	return h ? (int64_t)h : 1;      /* 0 is the map's empty key */
}

static int64_t key_get(lq_import_run *run, char kind, const char *key)
{
	key_entry *e = lq_imap_get(&run->keys, key_hash(kind, key));
	return e && e->kind == kind && strcmp(e->key, key) == 0 ? e->id : 0;
}

static void key_put(lq_import_run *run, char kind, const char *key, int64_t id)
{
	int64_t h = key_hash(kind, key);
	key_entry *old = lq_imap_get(&run->keys, h);
	size_t len = strlen(key);
	if (old)
		return;                 /* a collision: keep the first */
	if (run->keys.n >= KEYCACHE_MAX)
		lq_import_keys_forget(run);
	key_entry *e = lq_xmalloc(sizeof *e + len + 1);
	e->id = id;
	e->kind = kind;
	memcpy(e->key, key, len + 1);
	lq_imap_put(&run->keys, h, e);
}

static void free_entry(void *ctx, void *val)
{
	free(val);
}

void lq_import_keys_forget(lq_import_run *run)
{
	if (run->keys.n == 0)
		return;
	lq_imap_each(&run->keys, free_entry, NULL);
	lq_imap_clear(&run->keys);
}

/* A new lead named by an email or an external id, entering at `at`. */
static int create_lead(lq_import_run *run, const char *email,
		       const char *external_id, lq_time at, int64_t *id,
		       lq_error *err)
{
	lq_lead lead;
	lq_lead_work *w;
	int64_t account_id = 0;
	int rc = 0;

	lq_lead_init(&lead);
	lead.external_id = lq_xstrdup(external_id);
	if (email) {
		lead.email = lq_xstrdup(email);
		lq_str_lower(lead.email);
		lead.email_domain = lq_email_domain(lead.email);
		rc = lq_import_account(run, &lead, NULL, 0, &account_id, err);
	}
	lead.account_id = account_id;
	lead.created_at = at;
	if (rc == 0)
		rc = lq_import_new_lead(run, &lead, LQ_STAGE_LEAD, at, &w, err);
	if (rc == 0)
		*id = w->lead.id;
	lq_lead_free(&lead);
	return rc;
}

/* Imports: an email or a known external id. */
static int resolve_key(lq_import_run *run, const char *key, lq_time at,
		       int64_t *id, lq_error *err)
{
	if ((*id = key_get(run, 'k', key)))
		return 0;
	int rc = lq_service_find_lead_id(run->svc, key, id, err);
	if (rc == 0 && *id)
		key_put(run, 'k', key, *id);
	if (rc != LQ_ENOTFOUND)
		return rc;
	lq_error_clear(err);
	if (!lq_looks_like_email(key))
		return lq_error_set(err, LQ_ENOTFOUND,
				    "unknown lead '%.200s': neither a known external id nor an email",
				    key);
	rc = create_lead(run, key, NULL, at, id, err);
	if (rc == 0)
		key_put(run, 'k', key, *id);
	return rc;
}

#define MAX_USER_ID 256

static int user_id_too_long(lq_error *err)
{
	return lq_error_set(err, LQ_EINVAL, "userId is longer than %d bytes",
			    MAX_USER_ID);
}

/* Tracking API: the sender's user id, created when new. */
static int resolve_user(lq_import_run *run, const char *user_id, lq_time at,
			int64_t *id, lq_error *err)
{
	int rc;

	if (strlen(user_id) > MAX_USER_ID)
		return user_id_too_long(err);
	if ((*id = key_get(run, 'u', user_id)))
		return 0;
	rc = lq_store_lead_id_by_key(run->svc->store, 1, user_id, id, err);
	if (rc == LQ_ENOTFOUND && lq_looks_like_email(user_id))
		rc = lq_store_lead_id_by_key(run->svc->store, 0, user_id, id, err);
	if (rc == 0 && *id)
		key_put(run, 'u', user_id, *id);
	if (rc != LQ_ENOTFOUND)
		return rc;
	lq_error_clear(err);
	rc = create_lead(run, lq_looks_like_email(user_id) ? user_id : NULL,
			 user_id, at, id, err);
	if (rc == 0)
		key_put(run, 'u', user_id, *id);
	return rc;
}

static int check_time(lq_service *svc, lq_time at, lq_error *err)
{
	char a[LQ_TIME_STRLEN], n[LQ_TIME_STRLEN];
	if (at <= svc->now + FUTURE_SKEW)
		return 0;
	lq_time_format(at, a);
	lq_time_format(svc->now, n);
	return lq_error_set(err, LQ_EINVAL, "event time %s is later than now (%s)", a, n);
}

int lq_ingest_check_event(lq_service *svc, const lq_who *who,
			  const lq_event *ev, lq_error *err)
{
	if (who->user_id && strlen(who->user_id) > MAX_USER_ID)
		return user_id_too_long(err);
	int rc = check_time(svc, ev->at, err);
	return rc ? rc : lq_event_props_check(ev, err);
}

int lq_ingest_check_identify(const lq_who *who,
			     const struct lq_lead_input *traits, lq_error *err)
{
	if (who->user_id && strlen(who->user_id) > MAX_USER_ID)
		return user_id_too_long(err);
	if (!who->user_id && !traits->lead.external_id && !traits->lead.email)
		return lq_error_set(err, LQ_EINVAL,
				    "identify needs a userId or an email trait");
	return 0;
}

int lq_import_event_lead(lq_import_run *run, const char *key, lq_event *ev,
			 lq_error *err)
{
	int rc = check_time(run->svc, ev->at, err);
	return rc ? rc : resolve_key(run, key, ev->at, &ev->lead_id, err);
}

/* A visitor not linked to a lead yet: the event is kept for it. */
static int keep_for_visitor(lq_import_run *run, const char *anonymous_id,
			    lq_event *ev, lq_error *err)
{
	int dup = 0;
	int rc = lq_store_anon_event_add(run->svc->store, anonymous_id, ev,
					 &dup, err);
	run->rep->duplicates += rc == 0 && dup;
	run->rep->stored += rc == 0 && !dup;
	return rc;
}

/* Queue ev (its lead_id set) to be scored and stored; taken from *ev. */
static int queue_event(lq_ingest *in, lq_event *ev, lq_error *err)
{
	int rc = lq_store_event_check(ev, err);
	if (rc)
		return rc;
	lq_event_batch_take(&in->events, ev, 0);
	return lq_event_batch_full(&in->events) ? score_queued(in, err) : 0;
}

int lq_ingest_event(lq_ingest *in, const lq_who *who, lq_event *ev,
		    lq_error *err)
{
	lq_import_run *run = &in->run;
	int rc = check_time(run->svc, ev->at, err);

	if (rc)
		return rc;
	if (who->user_id) {
		rc = resolve_user(run, who->user_id, ev->at, &ev->lead_id, err);
	} else if (who->anonymous_id) {
		rc = lq_store_identity_get(run->svc->store, who->anonymous_id,
					   &ev->lead_id, err);
		if (rc == LQ_ENOTFOUND) {
			lq_error_clear(err);
			return keep_for_visitor(run, who->anonymous_id, ev, err);
		}
	} else {
		return lq_error_set(err, LQ_EINVAL, "userId or anonymousId is required");
	}
	return rc ? rc : queue_event(in, ev, err);
}

/* Link anonymous_id to lead_id and score its kept events under the lead,
 * with their own times, before anything queued after this call. */
static int adopt_visitor(lq_ingest *in, const char *anonymous_id,
			 int64_t lead_id, lq_error *err)
{
	lq_import_run *run = &in->run;
	lq_event *ev = NULL;
	size_t n = 0;
	int rc = score_queued(in, err);
	size_t stored = run->rep->stored;  /* they counted when first kept */

	lq_import_keys_forget(run);
	if (rc == 0)
		rc = lq_store_identity_link(run->svc->store, anonymous_id,
					    lead_id, run->svc->now, err);
	if (rc == 0)
		rc = lq_store_anon_events_take(run->svc->store, anonymous_id,
					       &ev, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		ev[i].lead_id = lead_id;
		ev[i].id = 0;
		rc = queue_event(in, &ev[i], err);
	}
	if (rc == 0)
		rc = score_queued(in, err);
	run->rep->stored = stored;
	lq_events_free(ev, n);
	return rc;
}

int lq_ingest_identify(lq_ingest *in, const lq_who *who,
		       struct lq_lead_input *traits, lq_error *err)
{
	int64_t id = 0;
	int rc;

	if (who->user_id) {
		free(traits->lead.external_id);
		traits->lead.external_id = lq_xstrdup(who->user_id);
		if (!traits->lead.email && lq_looks_like_email(who->user_id)) {
			traits->lead.email = lq_xstrdup(who->user_id);
			lq_str_lower(traits->lead.email);
			traits->lead.email_domain = lq_email_domain(traits->lead.email);
		}
	}
	if (!traits->lead.external_id && !traits->lead.email)
		return lq_error_set(err, LQ_EINVAL,
				    "identify needs a userId or an email trait");
	rc = lq_ingest_lead(in, traits, &id, err);
	if (rc == 0 && who->anonymous_id && *who->anonymous_id)
		rc = adopt_visitor(in, who->anonymous_id, id, err);
	return rc;
}

int lq_ingest_alias(lq_ingest *in, const lq_who *who, const char *previous_id,
		    lq_error *err)
{
	lq_import_run *run = &in->run;
	int64_t id = 0;
	if (!who->user_id || !previous_id || !*previous_id)
		return lq_error_set(err, LQ_EINVAL, "alias needs userId and previousId");
	int rc = resolve_user(run, who->user_id, run->svc->now, &id, err);
	return rc ? rc : adopt_visitor(in, previous_id, id, err);
}
