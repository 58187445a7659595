/*
 * segment.c - the envelope of Segment HTTP API bodies: size limits, JSON,
 * single calls and batches (all or nothing, errors naming the item), and
 * the fields every message shares (ids, messageId, timestamp, required
 * fields per type). The type-specific parts are in segment_event.c and
 * segment_traits.c. Parsing only: no lookups, no write-key checks.
 */
#include "io/segment_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/json_arena.h"
#include "io/record_util.h"

#define TYPE_NAMES "track, page, screen, identify, group, alias"

static const struct {
	const char *name;
	lq_seg_type type;
} type_names[] = {
	{"track", LQ_SEG_TRACK}, {"page", LQ_SEG_PAGE},
	{"screen", LQ_SEG_SCREEN}, {"identify", LQ_SEG_IDENTIFY},
	{"group", LQ_SEG_GROUP}, {"alias", LQ_SEG_ALIAS},
	{"batch", LQ_SEG_BATCH}, {"import", LQ_SEG_BATCH},
};
#define NTYPES (sizeof type_names / sizeof type_names[0])

const char *lq_seg_type_name(lq_seg_type t)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "?";
}

int lq_seg_type_parse(const char *name, lq_seg_type *out)
{
	for (size_t i = 0; name && i < NTYPES; i++)
		if (strcasecmp(name, type_names[i].name) == 0) {
			*out = type_names[i].type;
			return 0;
		}
	return -1;
}

/* ---- shared helpers ---- */

int lq_seg_text(const cJSON *v, const char *field, size_t max, char **out,
		lq_error *err)
{
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) && !cJSON_IsNumber(v))
		return lq_rec_fail(err, field, "%s: expected a string", field);
	char *text = lq_rec_json_text(v);
	int rc = lq_rec_str(field, text, max, out, err);
	free(text);
	return rc;
}

int lq_seg_obj(const cJSON *v, const char *field, const cJSON **out,
	       lq_error *err)
{
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return lq_rec_fail(err, field, "%s: expected an object", field);
	*out = v;
	return 0;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* ---- messages ---- */

static void msg_init(lq_seg_msg *msg, lq_seg_type type)
{
	memset(msg, 0, sizeof *msg);
	msg->type = type;
	lq_event_init(&msg->event);
}

static void msg_free(lq_seg_msg *msg)
{
	free(msg->user_id);
	free(msg->anonymous_id);
	free(msg->previous_id);
	free(msg->group_id);
	lq_event_free(&msg->event);
	if (msg->has_traits)
		lq_leadrec_free(&msg->traits);
}

void lq_seg_batch_free(lq_seg_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		msg_free(&b->msgs[i]);
	free(b->msgs);
	free(b->write_key);
	memset(b, 0, sizeof *b);
}

/* An optional time field: *have 0 when absent or null. */
static int opt_time(const cJSON *v, const char *field, lq_time *out,
		    int *have, lq_error *err)
{
	*have = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return lq_rec_fail(err, field, "%s: expected an ISO 8601 time "
				   "string", field);
	int rc = lq_rec_time(field, v->valuestring, NULL, out, err);
	*have = rc == 0;
	return rc;
}

/* timestamp; else originalTimestamp moved by the sender's clock skew
 * (now - sentAt); else now. */
static int msg_time(const lq_seg_dec *d, const cJSON *o, lq_time *at,
		    lq_error *err)
{
	lq_time t = 0, sent = 0;
	int have, have_sent;
	int rc = opt_time(get(o, "timestamp"), "timestamp", &t, &have, err);

	if (rc || have) {
		*at = t;
		return rc;
	}
	rc = opt_time(get(o, "originalTimestamp"), "originalTimestamp", &t,
		      &have, err);
	if (rc || !have) {
		*at = d->now;
		return rc;
	}
	rc = opt_time(get(o, "sentAt"), "sentAt", &sent, &have_sent, err);
	if (rc)
		return rc;
	if (!have_sent && d->has_sent_at) {
		sent = d->sent_at;
		have_sent = 1;
	}
	*at = have_sent ? t + (d->now - sent) : t;
	if (*at < LQ_TIME_MIN || *at > LQ_TIME_MAX)   /* a sender's clock far off */
		return lq_rec_fail(err, "sentAt", "sentAt: corrected for the sender's "
				   "clock, originalTimestamp falls outside the years "
				   "1900-9999");
	return 0;
}

static const struct {
	const char *key;
	size_t off;
} id_fields[] = {
	{"userId", offsetof(lq_seg_msg, user_id)},
	{"anonymousId", offsetof(lq_seg_msg, anonymous_id)},
	{"previousId", offsetof(lq_seg_msg, previous_id)},
	{"groupId", offsetof(lq_seg_msg, group_id)},
};

static int msg_ids(const cJSON *o, lq_seg_msg *msg, lq_error *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof id_fields / sizeof id_fields[0]; i++) {
		char **slot = (char **)((char *)msg + id_fields[i].off);
		rc = lq_seg_text(get(o, id_fields[i].key), id_fields[i].key,
				 LQ_SEG_MAX_ID, slot, err);
	}
	if (rc == 0)
		rc = lq_seg_text(get(o, "messageId"), "messageId", LQ_SEG_MAX_ID,
				 &msg->event.msg_id, err);
	return rc;
}

/* What each type requires beyond userId or anonymousId. */
static int msg_required(const lq_seg_msg *msg, lq_error *err)
{
	if (!msg->user_id && !msg->anonymous_id)
		return lq_rec_fail(err, "userId", "userId or anonymousId is required");
	if (msg->type == LQ_SEG_GROUP && !msg->group_id)
		return lq_rec_fail(err, "groupId", "group requires groupId");
	if (msg->type == LQ_SEG_ALIAS && !msg->previous_id)
		return lq_rec_fail(err, "previousId", "alias requires previousId");
	if (msg->type == LQ_SEG_ALIAS && !msg->user_id)
		return lq_rec_fail(err, "userId", "alias requires userId");
	return 0;
}

/* The traits of an identify (falling back to context.traits) or group. */
static int msg_traits(const cJSON *o, lq_seg_msg *msg, lq_error *err)
{
	const cJSON *traits, *ctx;
	int rc = lq_seg_obj(get(o, "traits"), "traits", &traits, err);

	lq_leadrec_init(&msg->traits);   /* most messages have none */
	msg->has_traits = 1;

	if (rc)
		return rc;
	if (msg->type == LQ_SEG_GROUP)
		return lq_seg_group_traits(traits, &msg->traits, err);
	if (!traits && (rc = lq_seg_obj(get(o, "context"), "context", &ctx,
					err)) == 0 && ctx)
		rc = lq_seg_obj(get(ctx, "traits"), "context.traits", &traits, err);
	return rc ? rc : lq_seg_identify_traits(traits, &msg->traits, err);
}

/* Decode message object o of the given type into msg (initialised by
 * msg_init). */
static int decode_msg(const lq_seg_dec *d, const cJSON *o, lq_seg_type type,
		      lq_seg_msg *msg, lq_error *err)
{
	int rc;

	msg->type = type;
	if ((rc = msg_ids(o, msg, err)) || (rc = msg_required(msg, err)) ||
	    (rc = msg_time(d, o, &msg->event.at, err)))
		return rc;
	switch (type) {
	case LQ_SEG_TRACK:
	case LQ_SEG_PAGE:
	case LQ_SEG_SCREEN:
		return lq_seg_event_part(d, o, msg, err);
	case LQ_SEG_IDENTIFY:
	case LQ_SEG_GROUP:
		return msg_traits(o, msg, err);
	default:
		return 0;
	}
}

/* "type" in a single call must agree with the endpoint when given. */
static int check_type(const cJSON *o, lq_seg_type endpoint, lq_error *err)
{
	const cJSON *v = get(o, "type");
	lq_seg_type t;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return lq_rec_fail(err, "type", "type: expected a string");
	if (lq_seg_type_parse(v->valuestring, &t) || t != endpoint)
		return lq_rec_fail(err, "type", "type: '%.64s' sent to the %s "
				   "endpoint", v->valuestring,
				   lq_seg_type_name(endpoint));
	return 0;
}

static int write_key(const cJSON *o, lq_seg_batch *out, lq_error *err)
{
	return lq_seg_text(get(o, "writeKey"), "writeKey", LQ_SEG_MAX_ID,
			   &out->write_key, err);
}

static int decode_single(const lq_seg_dec *d, const char *body, size_t len,
			 lq_seg_type endpoint, lq_seg_batch *out, lq_error *err)
{
	cJSON *j = NULL;
	int rc;

	if (len > LQ_SEG_MAX_EVENT)
		return lq_error_set(err, LQ_ETOOBIG, "event is larger than 32 KB");
	rc = lq_rec_json_object(body, len, "message", LQ_SEG_MAX_DEPTH, &j, err);
	if (rc)
		return rc;
	out->msgs = lq_xcalloc(1, sizeof *out->msgs);
	out->n = 1;
	msg_init(&out->msgs[0], endpoint);
	if ((rc = write_key(j, out, err)) == 0 &&
	    (rc = check_type(j, endpoint, err)) == 0)
		rc = decode_msg(d, j, endpoint, &out->msgs[0], err);
	cJSON_Delete(j);
	return rc;
}

/* ---- batches ---- */

/* Name batch item i in err's message and field. */
static int item_error(lq_error *err, size_t i, int rc)
{
	char field[sizeof err->field];

	lq_error_prefix(err, "batch[%zu]", i);
	if (err->field[0])
		snprintf(field, sizeof field, "batch[%zu].%s", i, err->field);
	else
		snprintf(field, sizeof field, "batch[%zu]", i);
	memcpy(err->field, field, sizeof field);
	return rc;
}

/* The type of batch item o from its "type" field. */
static int item_type(const cJSON *o, lq_seg_type *out, lq_error *err)
{
	const cJSON *v = get(o, "type");

	if (!v || cJSON_IsNull(v))
		return lq_rec_fail(err, "type", "missing type (" TYPE_NAMES ")");
	if (!cJSON_IsString(v))
		return lq_rec_fail(err, "type", "type: expected a string");
	if (lq_seg_type_parse(v->valuestring, out) || *out == LQ_SEG_BATCH)
		return lq_rec_fail(err, "type", "unknown type '%.64s' (" TYPE_NAMES
				   ")", v->valuestring);
	return 0;
}

static int decode_item(const lq_seg_dec *d, const cJSON *o, size_t size,
		       lq_seg_msg *msg, lq_error *err)
{
	lq_seg_type type;
	int rc;

	msg_init(msg, LQ_SEG_TRACK);
	if (size > LQ_SEG_MAX_EVENT)
		return lq_error_set(err, LQ_ETOOBIG, "event is larger than 32 KB");
	if (!cJSON_IsObject(o))
		return lq_rec_fail(err, NULL, "message must be a JSON object");
	if ((rc = item_type(o, &type, err)))
		return rc;
	return decode_msg(d, o, type, msg, err);
}

/* Batch-level context and sentAt, shared by every item. */
static int batch_shared(const cJSON *j, lq_seg_dec *d, lq_error *err)
{
	int rc = lq_seg_obj(get(j, "context"), "context", &d->batch_ctx, err);

	if (rc == 0)
		rc = opt_time(get(j, "sentAt"), "sentAt", &d->sent_at,
			      &d->has_sent_at, err);
	return rc;
}

/* The position of the first member called key among o's children. */
static size_t member_index(const cJSON *o, const char *key)
{
	size_t i = 0;
	const cJSON *it;

	cJSON_ArrayForEach(it, o) {
		if (it->string && strcmp(it->string, key) == 0)
			return i;
		i++;
	}
	return i;
}

static int decode_items(const lq_seg_dec *d, const char *body, size_t len,
			const cJSON *j, lq_seg_batch *out, lq_error *err)
{
	const cJSON *arr = get(j, "batch"), *it;
	size_t n = (size_t)cJSON_GetArraySize(arr), i = 0, *sizes;
	int rc = 0;

	if (!cJSON_IsArray(arr))
		return lq_rec_fail(err, "batch", "batch: expected an array of "
				   "messages");
	sizes = lq_xcalloc(n ? n : 1, sizeof *sizes);
	lq_segment_item_sizes(body, len, member_index(j, "batch"), arr, sizes, n);
	out->msgs = lq_xcalloc(n ? n : 1, sizeof *out->msgs);
	cJSON_ArrayForEach(it, arr) {
		out->n = i + 1;
		if ((rc = decode_item(d, it, sizes[i], &out->msgs[i], err)))
			break;
		i++;
	}
	free(sizes);
	return rc ? item_error(err, i, rc) : 0;
}

static int decode_batch(lq_seg_dec *d, const char *body, size_t len,
			lq_seg_batch *out, lq_error *err)
{
	cJSON *j = NULL;
	int rc;

	if (len > LQ_SEG_MAX_BATCH)
		return lq_error_set(err, LQ_ETOOBIG, "batch is larger than 500 KB");
	rc = lq_rec_json_object(body, len, "batch body", LQ_SEG_MAX_DEPTH + 2, &j,
				err);
	if (rc)
		return rc;
	if ((rc = write_key(j, out, err)) == 0 &&
	    (rc = batch_shared(j, d, err)) == 0)
		rc = decode_items(d, body, len, j, out, err);
	cJSON_Delete(j);
	return rc;
}

/* The tree of the body lives in an arena (json_arena.h) for the decode. */
static int decode_in_arena(lq_seg_dec *d, const char *body, size_t len,
			   lq_seg_type endpoint, lq_seg_batch *out,
			   lq_error *err)
{
	lq_json_arena arena;
	int rc;

	lq_json_arena_begin(&arena);
	rc = endpoint == LQ_SEG_BATCH
		     ? decode_batch(d, body, len, out, err)
		     : decode_single(d, body, len, endpoint, out, err);
	lq_json_arena_end(&arena);
	return rc;
}

int lq_segment_decode(const char *body, size_t len, lq_seg_type endpoint,
		      const lq_model *m, lq_time now, lq_seg_batch *out,
		      lq_error *err)
{
	lq_seg_dec d = {m, now, NULL, 0, 0};
	lq_error local;
	int rc;

	if (!err)
		err = &local;
	lq_error_clear(err);
	memset(out, 0, sizeof *out);
	if (!body) {
		body = "";
		len = 0;
	}
	if (endpoint == LQ_SEG_BATCH ||
	    (endpoint >= LQ_SEG_TRACK && endpoint <= LQ_SEG_ALIAS))
		rc = decode_in_arena(&d, body, len, endpoint, out, err);
	else
		rc = lq_error_set(err, LQ_EINTERNAL, "unknown segment endpoint %d",
				  (int)endpoint);
	if (rc)
		lq_seg_batch_free(out);
	return rc;
}
