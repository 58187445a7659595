/*
 * fuzz_segment.c - libFuzzer harness for the Segment tracking API decoder
 * (io/segment.c, segment_event.c, segment_traits.c, segment_span.c) that
 * /v1/track, /page, /screen, /identify, /group, /alias and /v1/batch use.
 *
 * The input is a request body; it is decoded as sent to every endpoint,
 * with a model whose event_map renames a few events. A body must be
 * decoded or refused with a message (a batch whole or not at all); nothing
 * may crash, leak or read out of bounds. Decoded messages are checked for
 * the fields the decoder promises (a track always has an event type...),
 * times inside the years 1900-9999 and UTF-8 text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "io/json_arena.h"
#include "io/segment.h"

static lq_model *model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	lq_json_arena_install();   /* as leadq's main: decodes in arenas */
	static const char yaml[] =
		"version: 1\n"
		"name: fuzz\n"
		"fit:\n"
		"  - rule: size\n"
		"    when: account.employees between 50 and 750\n"
		"    points: 20\n"
		"engagement:\n"
		"  half_life: 30d\n"
		"  actions:\n"
		"    - rule: demo\n"
		"      on: demo_request\n"
		"      points: 25\n"
		"event_map:\n"
		"  Demo Requested: demo_request\n"
		"  \"Pricing Viewed\": page_view\n"
		"  Signed Up: signup\n";
	lq_error err;
	if (lq_model_load(yaml, sizeof yaml - 1, "fuzz.yaml", &model, NULL, &err))
		abort();
	return 0;
}

static void check(const lq_seg_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const lq_seg_msg *m = &b->msgs[i];
		if (m->event.at < LQ_TIME_MIN || m->event.at > LQ_TIME_MAX)
			abort();   /* every time inside the years 1900-9999 */
		const lq_lead *l = &m->traits.lead;
		const lq_account *a = &m->traits.account;
		if (!fz_utf8_ok(m->user_id) || !fz_utf8_ok(m->anonymous_id) ||
		    !fz_utf8_ok(m->previous_id) || !fz_utf8_ok(m->group_id) ||
		    !fz_utf8_ok(m->event.type) || !fz_utf8_ok(m->event.msg_id) ||
		    !fz_attrs_ok(&m->event.props) || !fz_utf8_ok(l->email) ||
		    !fz_utf8_ok(l->first_name) || !fz_utf8_ok(l->last_name) ||
		    !fz_utf8_ok(l->title) || !fz_attrs_ok(&l->attrs) ||
		    !fz_utf8_ok(a->domain) || !fz_utf8_ok(a->name) ||
		    !fz_attrs_ok(&a->attrs))
			abort();   /* only UTF-8 text comes out */
		switch (m->type) {
		case LQ_SEG_TRACK:
		case LQ_SEG_PAGE:
		case LQ_SEG_SCREEN:
			if (!m->event.type || !m->event.type[0] ||
			    strlen(m->event.type) > LQ_MODEL_MAX_EVENT_TYPE)
				abort();
			/* fall through */
		case LQ_SEG_IDENTIFY:
			if (!m->user_id && !m->anonymous_id)
				abort();
			break;
		case LQ_SEG_GROUP:
			if (!m->group_id)
				abort();
			break;
		case LQ_SEG_ALIAS:
			if (!m->previous_id || !m->user_id)
				abort();
			break;
		case LQ_SEG_BATCH:
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const lq_seg_type endpoints[] = {
		LQ_SEG_TRACK, LQ_SEG_PAGE, LQ_SEG_SCREEN, LQ_SEG_IDENTIFY,
		LQ_SEG_GROUP, LQ_SEG_ALIAS, LQ_SEG_BATCH};
	for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
		lq_seg_batch b;
		lq_error err;
		memset(&b, 0, sizeof b);
		int rc = lq_segment_decode((const char *)data, size, endpoints[i],
					   i % 2 ? model : NULL, FZ_NOW, &b, &err);
		if (rc == 0)
			check(&b);
		else if (b.n || b.msgs || !err.msg[0])
			abort();   /* refused: nothing kept, and a reason */
		lq_seg_batch_free(&b);
	}
	return 0;
}
