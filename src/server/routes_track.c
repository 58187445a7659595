/*
 * routes_track.c - the Segment-compatible tracking API: /v1/track, /page,
 * /screen, /identify, /group, /alias and /v1/batch. The body is decoded
 * and checked on the request thread (a bad message is 400 and nothing of
 * the request is kept); a good request is appended to the inbox and
 * answered after that append is committed (an acknowledged request is
 * durable, inbox_writer.h). The writer applies it soon after, all of its
 * messages or none (inbox_apply.h); every API read waits for that
 * (server.c). messageId de-duplicates, per lead.
 */
#include <stdlib.h>
#include <string.h>

#include "io/segment.h"
#include "server/server_internal.h"

/* What a message says that the database cannot change: refused now, with
 * 400, rather than when applied. */
static int check_message(lq_service *svc, const lq_seg_msg *m, lq_error *err)
{
	lq_who who = {.user_id = m->user_id, .anonymous_id = m->anonymous_id};
	switch (m->type) {
	case LQ_SEG_TRACK:
	case LQ_SEG_PAGE:
	case LQ_SEG_SCREEN:
		return lq_ingest_check_event(svc, &who, &m->event, err);
	case LQ_SEG_IDENTIFY:
		return lq_ingest_check_identify(&who, &m->traits, err);
	default:
		return 0;
	}
}

static int check_batch(lq_service *svc, const lq_seg_batch *b, lq_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		int rc = check_message(svc, &b->msgs[i], err);
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

static void answer(int rc, const lq_error *err, lq_http_res *res)
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
	lq_seg_type kind = endpoint_of(req->path);
	lq_seg_batch b;
	lq_error err;

	memset(&b, 0, sizeof b);
	lq_error_clear(&err);
	int rc = lq_segment_decode(req->body, req->body_len, kind,
				   req->svc->model, req->now, &b, &err);
	if (rc == 0)
		rc = check_batch(req->svc, &b, &err);
	lq_seg_batch_free(&b);
	if (rc) {
		lq_http_fail(res, &err);
		return 0;
	}
	*req->defer = (lq_http_defer){.inbox = 1, .kind = (int)kind,
				      .answer = answer};
	return 0;
}
