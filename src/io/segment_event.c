/*
 * segment_event.c - the activity part of Segment track, page and screen
 * calls: the leadq event type (event_map, else the normalised event name;
 * page_view, screen_view) and the properties (flattened; page details from
 * context.page). Parsing only: it reads the model's event_map and nothing
 * else.
 */
#include "io/segment_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "io/record_util.h"

/* Page details taken from context.page when properties lack them. */
static const char *const page_keys[] = {"url", "path", "title", "referrer",
					"search", NULL};

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

size_t lq_segment_normalise(const char *name, char *out)
{
	size_t n = 0;
	int gap = 0;

	for (const unsigned char *p = (const unsigned char *)name;
	     p && *p && n < LQ_MODEL_MAX_EVENT_TYPE; p++) {
		if (!is_alnum(*p)) {
			gap = 1;
			continue;
		}
		if (gap && n)
			out[n++] = '_';
		gap = 0;
		if (n < LQ_MODEL_MAX_EVENT_TYPE)
			out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	while (n && out[n - 1] == '_')
		n--;
	out[n] = '\0';
	return n;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* track: the event name through event_map, else normalised. */
static int track_type(const lq_seg_dec *d, const cJSON *o, lq_event *ev,
		      lq_error *err)
{
	char type[LQ_MODEL_MAX_EVENT_TYPE + 1], *name;
	const char *mapped;
	int rc = lq_seg_text(get(o, "event"), "event", LQ_SEG_MAX_NAME, &name,
			     err);

	if (rc)
		return rc;
	if (!name)
		return lq_rec_fail(err, "event", "track requires event");
	if ((mapped = lq_model_event_type(d->m, name)))
		ev->type = lq_xstrdup(mapped);
	else if (lq_segment_normalise(name, type))
		ev->type = lq_xstrdup(type);
	else
		rc = lq_rec_fail(err, "event", "event: '%.64s' has no letters or "
				 "digits to make an event type of (map it in the "
				 "model's event_map)", name);
	free(name);
	return rc;
}

/* Set props[key] from a text field of o unless properties gave it. */
static int prop_from(lq_attrs *props, const cJSON *o, const char *key,
		     const char *field, lq_error *err)
{
	char *s;
	int rc;

	if (lq_attrs_get(props, key))
		return 0;
	if ((rc = lq_seg_text(get(o, key), field, LQ_REC_MAX_STR, &s, err)) || !s)
		return rc;
	lq_attrs_set(props, key, lq_value_str(s));
	free(s);
	return 0;
}

/* context.page of the message, else of the batch; NULL when none. */
static int context_page(const lq_seg_dec *d, const cJSON *o,
			const cJSON **page, lq_error *err)
{
	const cJSON *ctx;
	int rc = lq_seg_obj(get(o, "context"), "context", &ctx, err);

	*page = NULL;
	if (rc == 0 && !ctx)
		ctx = d->batch_ctx;
	if (rc == 0 && ctx)
		rc = lq_seg_obj(get(ctx, "page"), "context.page", page, err);
	return rc;
}

static int page_props(const lq_seg_dec *d, const cJSON *o, lq_attrs *props,
		      lq_error *err)
{
	char field[32];
	const cJSON *page;
	int rc = context_page(d, o, &page, err);

	for (size_t i = 0; rc == 0 && page && page_keys[i]; i++) {
		snprintf(field, sizeof field, "context.page.%s", page_keys[i]);
		rc = prop_from(props, page, page_keys[i], field, err);
	}
	return rc;
}

int lq_seg_event_part(const lq_seg_dec *d, const cJSON *o, lq_seg_msg *msg,
		      lq_error *err)
{
	lq_event *ev = &msg->event;
	const cJSON *props;
	int rc;

	if (msg->type == LQ_SEG_TRACK)
		rc = track_type(d, o, ev, err);
	else {
		ev->type = lq_xstrdup(msg->type == LQ_SEG_PAGE ? "page_view"
							       : "screen_view");
		rc = 0;
	}
	if (rc || (rc = lq_seg_obj(get(o, "properties"), "properties", &props,
				   err)))
		return rc;
	if (props)
		lq_attrs_from_cjson(props, &ev->props);
	if (msg->type == LQ_SEG_TRACK)
		return 0;
	if ((rc = prop_from(&ev->props, o, "name", "name", err)) ||
	    (rc = prop_from(&ev->props, o, "category", "category", err)))
		return rc;
	return msg->type == LQ_SEG_PAGE ? page_props(d, o, &ev->props, err) : 0;
}
