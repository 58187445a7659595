/*
 * inbox_apply.c - the tracking API's requests applied from the inbox to
 * the database, in order, many per transaction (see inbox_apply.h).
 */
#include "server/inbox_apply.h"

#include <string.h>

#include "io/segment.h"

#define APPLIED_COUNTER "inbox_applied"
#define MAX_REJECTED 32        /* per call; the rest waits for the next */
#define STOPPED 1              /* the walk reached stop_before */

static int apply_message(lq_ingest *session, lq_seg_msg *m, lq_error *err)
{
	lq_who who = {.user_id = m->user_id, .anonymous_id = m->anonymous_id};
	switch (m->type) {
	case LQ_SEG_TRACK:
	case LQ_SEG_PAGE:
	case LQ_SEG_SCREEN:
		return lq_ingest_event(session, &who, &m->event, err);
	case LQ_SEG_IDENTIFY:
		return lq_ingest_identify(session, &who, &m->traits, err);
	case LQ_SEG_GROUP:
		/* A company only means something once we know the person. */
		if (!m->user_id)
			return 0;
		who.anonymous_id = NULL;
		return lq_ingest_identify(session, &who, &m->traits, err);
	case LQ_SEG_ALIAS:
		return lq_ingest_alias(session, &who, m->previous_id, err);
	case LQ_SEG_BATCH:
		break;
	}
	return lq_error_set(err, LQ_EINVAL, "unexpected message type");
}

static int apply_batch(lq_ingest *session, lq_seg_batch *b, lq_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		int rc = apply_message(session, &b->msgs[i], err);
		if (rc) {
			if (b->n > 1)
				lq_error_prefix(err, "batch[%zu]", i);
			return rc;
		}
	}
	return 0;
}

/* Failures of the storage are retried later; any other failure is the
 * request's own. */
static int is_storage_failure(int rc)
{
	return rc == LQ_EIO || rc == LQ_ENOMEM || rc == LQ_EINTERNAL;
}

typedef struct pass {
	lq_service *svc;
	lq_ingest *session;
	const int64_t *skip;      /* rows rejected before: left out */
	size_t nskip;
	int64_t stop_before;      /* 0, or the first row not to take */
	int64_t last_id;          /* the last row taken (applied or skipped) */
	size_t max_events;        /* no row taken past this many events */
	size_t events;            /* events in the rows taken */
	size_t requests;
	int64_t failed_id;        /* the row that failed, when one did */
	lq_error failed;
} pass;

static int skipped(const pass *p, int64_t id)
{
	for (size_t i = 0; i < p->nskip; i++)
		if (p->skip[i] == id)
			return 1;
	return 0;
}

static int apply_row(void *ctx, const lq_inbox_row *row)
{
	pass *p = ctx;
	lq_seg_batch b;
	int rc;

	if ((p->stop_before && row->id >= p->stop_before) ||
	    p->events >= p->max_events)
		return STOPPED;
	if (!skipped(p, row->id)) {
		memset(&b, 0, sizeof b);
		lq_error_clear(&p->failed);
		rc = lq_segment_decode(row->body, row->len, (lq_seg_type)row->kind,
				       p->svc->model, row->received_at, &b,
				       &p->failed);
		p->events += b.n;
		if (rc == 0)
			rc = apply_batch(p->session, &b, &p->failed);
		lq_seg_batch_free(&b);
		if (rc) {
			p->failed_id = row->id;
			return rc;
		}
		p->requests++;
	}
	p->last_id = row->id;
	return 0;
}

/* One transaction: the rows after after (at most limit), less p's skips,
 * up to p->stop_before. Returns 0 (committed), the failing row's code
 * (rolled back, p->failed_id set) or a storage failure (rolled back). */
static int run_pass(pass *p, lq_inbox *ib, int64_t after, size_t limit,
		    lq_import_report *events, lq_error *err)
{
	int rc = lq_ingest_begin(p->svc, &p->session, err);
	if (rc)
		return rc;
	p->last_id = after;
	p->events = 0;
	p->requests = 0;
	p->failed_id = 0;
	rc = lq_inbox_each(ib, after, limit, apply_row, p, err);
	if (rc == STOPPED)
		rc = 0;
	if (rc == 0)
		rc = lq_ingest_flush(p->session, err);   /* score and store */
	if (rc == 0 && p->last_id > after)
		rc = lq_store_counter_set(p->svc->store, APPLIED_COUNTER,
					  p->last_id, err);
	if (rc == 0)
		*events = *lq_ingest_report(p->session);
	int end_rc = lq_ingest_end(p->session, rc == 0, err);
	p->session = NULL;
	return rc ? rc : end_rc;
}

static void log_rejected(FILE *log, int64_t id, const lq_error *e)
{
	if (log)
		fprintf(log, "leadq: tracking request %lld (inbox) rejected "
			"when applied: %s\n", (long long)id, e->msg);
}

int lq_inbox_applied(lq_service *svc, int64_t *id, lq_error *err)
{
	return lq_store_counter_get(svc->store, APPLIED_COUNTER, id, err);
}

int lq_inbox_apply(lq_service *svc, lq_inbox *ib, int64_t after,
		   lq_inbox_pass size, FILE *log, lq_inbox_report *rep,
		   lq_error *err)
{
	int64_t skip[MAX_REJECTED];
	pass p = {.svc = svc, .skip = skip, .max_events = size.events};
	int rc;

	memset(rep, 0, sizeof *rep);
	rep->last_id = after;
	for (;;) {
		rc = run_pass(&p, ib, after, size.rows, &rep->events, err);
		if (rc == 0 || !p.failed_id || is_storage_failure(rc))
			break;
		/* The request's own failure: without it, from the start. */
		if (p.nskip == MAX_REJECTED) {
			p.stop_before = p.failed_id;
			continue;
		}
		log_rejected(log, p.failed_id, &p.failed);
		skip[p.nskip++] = p.failed_id;
	}
	if (rc == 0) {
		rep->last_id = p.last_id;
		rep->requests = p.requests;
		rep->rejected = p.nskip;
	} else if (p.failed_id && !err->code) {
		*err = p.failed;
	}
	return rc;
}
