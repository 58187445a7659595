/*
 * event_record.c - one NDJSON event line into an lq_event. Each top-level
 * key has a handler in the table below; parsing only, no lookups.
 */
#include "io/event_record.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/json_span.h"
#include "io/record_util.h"

enum { KEY_LEAD, KEY_EMAIL, KEY_EXTERNAL_ID, NKEYS };

struct ctx {
	lq_event_input *out;
	const char *fmt;
	char *keys[NKEYS];   /* candidate lead keys, by priority */
	int have_at;
	const char *line;    /* the line, valid JSON (cJSON parsed it) */
	size_t len;
};

typedef int (*key_fn)(struct ctx *c, const char *name, const cJSON *v,
		      lq_error *err);

void lq_eventrec_init(lq_event_input *in)
{
	lq_event_init(&in->event);
	in->lead_key = NULL;
}

void lq_eventrec_free(lq_event_input *in)
{
	if (!in)
		return;
	lq_event_free(&in->event);
	free(in->lead_key);
	lq_eventrec_init(in);
}

/* A string or number as trimmed text bounded by max; *out NULL when null
 * or blank. */
static int scalar(const char *name, const cJSON *v, size_t max, char **out,
		  lq_error *err)
{
	*out = NULL;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) && !cJSON_IsNumber(v))
		return lq_rec_fail(err, name, "%s: expected a string", name);
	char *text = lq_rec_json_text(v);
	int rc = lq_rec_str(name, text, max, out, err);
	free(text);
	return rc;
}

/* Store a scalar into *slot unless it is already set. */
static int set_once(const char *name, const cJSON *v, size_t max,
		    char **slot, lq_error *err)
{
	char *s;
	int rc = scalar(name, v, max, &s, err);

	if (rc < 0 || !s)
		return rc;
	if (*slot) {
		free(s);
		return lq_rec_fail(err, name, "%s: given twice", name);
	}
	*slot = s;
	return 0;
}

static int key_id(struct ctx *c, const char *name, const cJSON *v,
		  lq_error *err)
{
	return set_once("id", v, LQ_EVENTREC_MAX_ID, &c->out->event.msg_id,
			err);
}

static int key_lead(struct ctx *c, const char *name, const cJSON *v,
		    lq_error *err)
{
	int k = strcasecmp(name, "lead") == 0 ? KEY_LEAD
	      : strcasecmp(name, "email") == 0 ? KEY_EMAIL
	      : KEY_EXTERNAL_ID;
	return set_once(name, v, LQ_REC_MAX_STR, &c->keys[k], err);
}

static int key_type(struct ctx *c, const char *name, const cJSON *v,
		    lq_error *err)
{
	if (!cJSON_IsString(v) && !cJSON_IsNull(v))
		return lq_rec_fail(err, "type", "type: expected a string");
	return set_once("type", v, LQ_EVENTREC_MAX_TYPE, &c->out->event.type,
			err);
}

static int key_at(struct ctx *c, const char *name, const cJSON *v,
		  lq_error *err)
{
	char *s = NULL;
	int rc;

	if (!cJSON_IsString(v) && !cJSON_IsNull(v))
		return lq_rec_fail(err, "at", "at: expected a time string");
	if ((rc = scalar("at", v, LQ_REC_MAX_STR, &s, err)) < 0 || !s)
		return rc;
	if (c->have_at)
		rc = lq_rec_fail(err, "at", "at: given twice");
	else
		rc = lq_rec_time("at", s, c->fmt, &c->out->event.at, err);
	c->have_at = rc == 0;
	free(s);
	return rc;
}

/* ---- the properties' text --------------------------------------------------
 * The store keeps props as JSON text; when the line's properties object
 * is flat (string and number members only, no key twice) that text,
 * decoded, gives exactly the attrs decoded here, so it is kept and stored
 * as is instead of being encoded again. Finding it: a scanner over the
 * line's top-level members (the line is valid JSON: cJSON parsed it);
 * anything unexpected gives up, and the props are encoded as before. */

/* The text of the top-level member "properties" (any case). */
static int props_span(const char *line, size_t len, const char **start,
		      size_t *n)
{
	const char *p = line, *end = line + len;
	lq_json_member m;
	while (lq_json_next_member(&p, end, &m) == 1) {
		if (m.key_len == 10 && !memchr(m.key, '\\', 10) &&
		    strncasecmp(m.key, "properties", 10) == 0) {
			*start = m.value;
			*n = (size_t)(m.value_end - m.value);
			return *n ? 0 : -1;
		}
	}
	return -1;
}

/* True when every member is a string or a number and none is dropped or
 * merged (props holds one entry per member). */
static int flat_object(const cJSON *v, size_t nprops)
{
	const cJSON *it;
	size_t n = 0;
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) && !cJSON_IsNumber(it))
			return 0;
		n++;
	}
	return n > 0 && n == nprops;
}

static void keep_props_text(struct ctx *c, const cJSON *v)
{
	const char *start;
	size_t n;
	if (!c->line || !flat_object(v, c->out->event.props.n) ||
	    props_span(c->line, c->len, &start, &n) || *start != '{')
		return;
	c->out->event.props_json = lq_xstrndup(start, n);
}

static int key_properties(struct ctx *c, const char *name, const cJSON *v,
			  lq_error *err)
{
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return lq_rec_fail(err, "properties",
				   "properties: expected an object");
	if (c->out->event.props.n)
		return lq_rec_fail(err, "properties",
				   "properties: given twice");
	lq_attrs_from_cjson(v, &c->out->event.props);
	keep_props_text(c, v);
	return 0;
}

static const struct {
	const char *name;
	key_fn fn;
} keys[] = {
	{"id", key_id},
	{"lead", key_lead},
	{"email", key_lead},
	{"external_id", key_lead},
	{"type", key_type},
	{"at", key_at},
	{"properties", key_properties},
};

static int dispatch(struct ctx *c, const cJSON *it, lq_error *err)
{
	const char *name = it->string ? it->string : "";

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return keys[i].fn(c, keys[i].name, it, err);
	return lq_rec_fail(err, name, "unknown field '%.64s' (accepted: id, "
			   "lead, email, external_id, type, at, properties)",
			   name);
}

/* Check required fields and pick the lead key. */
static int finish(struct ctx *c, lq_error *err)
{
	for (int k = 0; k < NKEYS && !c->out->lead_key; k++) {
		c->out->lead_key = c->keys[k];
		c->keys[k] = NULL;
	}
	if (!c->out->lead_key)
		return lq_rec_fail(err, "lead", "missing lead (give lead, email "
				   "or external_id)");
	lq_rec_lead_key(c->out->lead_key);
	if (!c->out->event.type)
		return lq_rec_fail(err, "type", "missing type");
	if (!c->have_at)
		return lq_rec_fail(err, "at", "missing at");
	return 0;
}

int lq_eventrec_from_json(const char *line, size_t len, const char *date_fmt,
			  lq_event_input *out, lq_error *err)
{
	struct ctx c = {out, date_fmt, {NULL}, 0, line, len};
	const cJSON *it;
	cJSON *j = NULL;
	int rc;

	lq_eventrec_free(out);
	if (len > LQ_EVENTREC_MAX_LINE)
		return lq_rec_fail(err, NULL, "event line is longer than %d "
				   "bytes", LQ_EVENTREC_MAX_LINE);
	rc = lq_rec_json_object(line, len, "event", LQ_EVENTREC_MAX_DEPTH, &j,
				err);
	if (rc == 0) {
		cJSON_ArrayForEach(it, j) {
			if ((rc = dispatch(&c, it, err)) < 0)
				break;
		}
	}
	if (rc == 0)
		rc = finish(&c, err);
	for (int k = 0; k < NKEYS; k++)
		free(c.keys[k]);
	if (rc < 0)
		lq_eventrec_free(out);
	cJSON_Delete(j);
	return rc;
}
