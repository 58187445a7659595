/*
 * routes_track.c - the Segment-compatible tracking API: /v1/track, /page,
 * /screen, /identify, /group, /alias and /v1/batch. A request's messages
 * are applied as one job in the writer's group commit: all of them or
 * none, and the answer comes after the commit (an acknowledged event is
 * durable). messageId de-duplicates. The body is decoded and checked on
 * the request thread; the job is deferred (http.h), so no request thread
 * waits for the commit.
 */
#include <stdlib.h>
#include <string.h>

#include "io/segment.h"
#include "server/server_internal.h"

static int apply_message(lq_ingest *session, lq_seg_msg *m, lq_error *err)
{
	lq_who who = {.user_id = m->user_id, .anonymous_id = m->anonymous_id};
	int dup = 0;
	switch (m->type) {
	case LQ_SEG_TRACK:
	case LQ_SEG_PAGE:
	case LQ_SEG_SCREEN:
		return lq_ingest_event(session, &who, &m->event, &dup, err);
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

static int apply_batch(lq_service *svc, lq_ingest *session, void *arg,
		       lq_error *err)
{
	lq_seg_batch *b = arg;
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

static lq_seg_type endpoint_of(const char *path)
{
	lq_seg_type t = LQ_SEG_BATCH;
	lq_seg_type_parse(path + 4, &t);
	return t;
}

static void batch_free(void *arg)
{
	lq_seg_batch_free(arg);
	free(arg);
}

static void answer(int rc, const lq_error *err, void *arg, lq_http_res *res)
{
	if (rc) {
		lq_http_fail(res, err);
		return;
	}
	lq_buf_adds(&res->body, "{\"success\":true}");
	lq_http_json(res, 200);
}

int lq_route_track(lq_http_req *req, lq_http_res *res)
{
	lq_seg_batch *b = lq_xcalloc(1, sizeof *b);
	lq_error err;

	lq_error_clear(&err);
	if (lq_segment_decode(req->body, req->body_len, endpoint_of(req->path),
			      req->svc->model, req->now, b, &err)) {
		lq_http_fail(res, &err);
		batch_free(b);
		return 0;
	}
	*req->defer = (lq_http_defer){.fn = apply_batch, .arg = b,
				      .free_arg = batch_free, .session = 1,
				      .weight = b->n, .answer = answer};
	return 0;
}
