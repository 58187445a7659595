/*
 * segment_internal.h - private to src/io/segment*.c: the decoder's state
 * and the helpers the message parts share (segment.c: envelope, ids,
 * times; segment_event.c: track, page and screen; segment_traits.c:
 * identify and group traits; segment_span.c: the byte size of each batch
 * item). Parsing only, like segment.h.
 */
#ifndef LQ_SEGMENT_INTERNAL_H
#define LQ_SEGMENT_INTERNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "io/segment.h"

/* One decode call: what every message of the body shares. */
typedef struct lq_seg_dec {
	const lq_model *m;
	lq_time now;
	const cJSON *batch_ctx;      /* the batch's "context", NULL when none */
	lq_time sent_at;             /* the batch's "sentAt", when has_sent_at */
	int has_sent_at;
} lq_seg_dec;

/* A string or number (v may be NULL) as trimmed text of at most max bytes
 * into *out (caller frees); *out NULL for absent, null or blank. Other
 * types: "<field>: expected a string". */
int lq_seg_text(const cJSON *v, const char *field, size_t max, char **out,
		lq_error *err);

/* An object or nothing (v NULL or null: *out NULL); anything else:
 * "<field>: expected an object". */
int lq_seg_obj(const cJSON *v, const char *field, const cJSON **out,
	       lq_error *err);

/* Fill msg->event.type and .props of a track, page or screen message o
 * (msg->type says which). */
int lq_seg_event_part(const lq_seg_dec *d, const cJSON *o, lq_seg_msg *msg,
		      lq_error *err);

/* identify traits (an object, may be NULL) into in: lead fields, account
 * from company, attributes. */
int lq_seg_identify_traits(const cJSON *traits, lq_lead_input *in,
			   lq_error *err);

/* group traits (an object, may be NULL) into in->account. */
int lq_seg_group_traits(const cJSON *traits, lq_lead_input *in,
			lq_error *err);

/* The size in bytes, as sent, of each of the n items of arr, the array
 * that is the value of the member_index-th member of the JSON object in
 * body (which cJSON parsed into arr's parent) into sizes. */
void lq_segment_item_sizes(const char *body, size_t len, size_t member_index,
			   const cJSON *arr, size_t *sizes, size_t n);

#endif
