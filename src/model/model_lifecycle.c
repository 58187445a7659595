/*
 * model_lifecycle.c - the parts of a model file about what happens to a
 * lead after scoring: routing (who gets a new MQL: rules, first match wins,
 * then round_robin), on_recycle (keep or reset engagement when a lead comes
 * back from nurture) and webhooks (where alerts are posted, with which
 * events, secret and attempts). Also the alert event names shared with the
 * store and the CLI (lq_alert_*). Like the other section loaders it reports
 * every problem with its position and keeps going. No I/O here.
 */
#include "model/model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

#define ALERT_NAMES "mql, sla_overdue, stage_changed"

static const char *const routing_keys[] = {"rules", "round_robin", NULL};
static const char *const route_keys[] = {"when", "owner", NULL};
static const char *const webhook_keys[] = {"url", "events", "secret",
					   "max_attempts", NULL};

static const struct {
	unsigned bit;
	const char *name;
} alerts[] = {
	{LQ_ALERT_MQL, "mql"},
	{LQ_ALERT_SLA_OVERDUE, "sla_overdue"},
	{LQ_ALERT_STAGE_CHANGED, "stage_changed"},
};
#define NALERTS (sizeof alerts / sizeof alerts[0])

/* ---- alert event names ---- */

const char *lq_alert_name(unsigned one_bit)
{
	for (size_t i = 0; i < NALERTS; i++)
		if (alerts[i].bit == one_bit)
			return alerts[i].name;
	return NULL;
}

/* The bit for the len bytes at name, 0 when unknown. */
static unsigned alert_bit(const char *name, size_t len)
{
	for (size_t i = 0; i < NALERTS; i++)
		if (strlen(alerts[i].name) == len &&
		    memcmp(alerts[i].name, name, len) == 0)
			return alerts[i].bit;
	return 0;
}

typedef enum alert_problem {
	ALERT_OK = 0,
	ALERT_UNKNOWN,   /* bad holds the name */
	ALERT_EMPTY_ITEM,
	ALERT_NONE,
} alert_problem;

/* Parse "mql, sla_overdue" into *mask; on a problem, an unknown name is
 * copied (shortened) into bad. */
static alert_problem alert_parse(const char *list, unsigned *mask, char *bad,
				 size_t badsz)
{
	const char *p = list;

	*mask = 0;
	if (!p || !p[strspn(p, " \t")])
		return ALERT_NONE;
	for (;;) {
		const char *end = strchr(p, ','), *stop;
		p += strspn(p, " \t");
		stop = end ? end : p + strlen(p);
		while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		if (stop == p)
			return ALERT_EMPTY_ITEM;
		unsigned bit = alert_bit(p, (size_t)(stop - p));
		if (!bit) {
			snprintf(bad, badsz, "%.*s", (int)(stop - p), p);
			return ALERT_UNKNOWN;
		}
		*mask |= bit;
		if (!end)
			return ALERT_OK;
		p = end + 1;
	}
}

unsigned lq_alert_parse_list(const char *comma_list, lq_error *err)
{
	char bad[64];
	unsigned mask;

	lq_error_clear(err);
	switch (alert_parse(comma_list, &mask, bad, sizeof bad)) {
	case ALERT_OK:
		return mask;
	case ALERT_UNKNOWN:
		lq_error_set(err, LQ_EINVAL, "unknown alert event '%s' (" ALERT_NAMES ")",
			     bad);
		break;
	case ALERT_EMPTY_ITEM:
		lq_error_set(err, LQ_EINVAL, "empty alert event name in list (" ALERT_NAMES ")");
		break;
	case ALERT_NONE:
		lq_error_set(err, LQ_EINVAL, "no alert events given (" ALERT_NAMES ")");
		break;
	}
	if (err)
		snprintf(err->field, sizeof err->field, "events");
	return 0;
}

void lq_alert_format_list(unsigned mask, char *out, size_t outsz)
{
	size_t pos = 0;

	if (!out || !outsz)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < NALERTS && pos < outsz; i++) {
		if (!(mask & alerts[i].bit))
			continue;
		int n = snprintf(out + pos, outsz - pos, "%s%s", pos ? "," : "",
				 alerts[i].name);
		if (n < 0)
			return;
		pos += (size_t)n;
	}
}

/* ---- helpers ---- */

static const char *shown(const yaml_node_t *n)
{
	const char *s = lq_model_scalar(n);

	if (s)
		return s;
	return n && n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
}

static size_t seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

static yaml_node_t *seq_item(lq_ml *ml, const yaml_node_t *seq, size_t i)
{
	return lq_model_node(ml, seq->data.sequence.items.start[i]);
}

/* ---- routing ---- */

static void load_route(lq_ml *ml, const yaml_node_t *map, size_t index,
		       lq_route_rule *r)
{
	const yaml_node_t *v;
	char where[64], what[96];

	r->line = lq_model_line(map);
	snprintf(where, sizeof where, "routing rule #%zu", index + 1);
	snprintf(what, sizeof what, "in %s", where);
	lq_model_check_keys(ml, map, route_keys, what);
	if ((v = lq_model_get(ml, map, "when"))) {
		snprintf(what, sizeof what, "when of %s", where);
		r->when = lq_model_get_expr(ml, v, LQ_CTX_ROUTING, what);
	} else {
		lq_model_diag(ml, map, "%s needs 'when'", where);
	}
	if ((v = lq_model_get(ml, map, "owner"))) {
		snprintf(what, sizeof what, "owner in %s", where);
		r->owner = lq_model_get_str(ml, v, what, LQ_MODEL_MAX_OWNER);
	} else {
		lq_model_diag(ml, map, "%s needs 'owner'", where);
	}
}

static void load_routes(lq_ml *ml, const yaml_node_t *seq)
{
	lq_model *m = ml->m;
	size_t n;

	if (!seq || lq_model_is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE) {
		lq_model_diag(ml, seq, "routing.rules must be a list of routing rules (when:, owner:)");
		return;
	}
	n = seq_len(seq);
	if (n > LQ_MODEL_MAX_RULES) {
		lq_model_diag(ml, seq, "too many routing rules (%d at most)",
			      LQ_MODEL_MAX_RULES);
		return;
	}
	m->routes = lq_xcalloc(n ? n : 1, sizeof *m->routes);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = seq_item(ml, seq, i);
		if (!item || item->type != YAML_MAPPING_NODE) {
			lq_model_diag(ml, item, "each routing rule must be a mapping (when:, owner:)");
			continue;
		}
		load_route(ml, item, i, &m->routes[m->nroutes++]);
	}
}

static void load_round_robin(lq_ml *ml, const yaml_node_t *seq)
{
	lq_model *m = ml->m;
	size_t n;

	if (!seq || lq_model_is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE || seq_len(seq) == 0) {
		lq_model_diag(ml, seq, "routing.round_robin must be a non-empty list of owners like [carla, dan]");
		return;
	}
	n = seq_len(seq);
	if (n > LQ_MODEL_MAX_OWNERS) {
		lq_model_diag(ml, seq, "too many owners in routing.round_robin (%d at most)",
			      LQ_MODEL_MAX_OWNERS);
		return;
	}
	m->round_robin = lq_xcalloc(n, sizeof *m->round_robin);
	for (size_t i = 0; i < n; i++) {
		char what[64];
		snprintf(what, sizeof what, "owner #%zu in routing.round_robin", i + 1);
		char *s = lq_model_get_str(ml, seq_item(ml, seq, i), what,
					   LQ_MODEL_MAX_OWNER);
		if (s)
			m->round_robin[m->nround_robin++] = s;
	}
}

static void load_routing(lq_ml *ml, const yaml_node_t *map)
{
	if (!map || lq_model_is_null(map))
		return;
	if (lq_model_check_keys(ml, map, routing_keys, "in routing")) {
		lq_model_diag(ml, map, "routing must be a mapping (rules:, round_robin:)");
		return;
	}
	load_routes(ml, lq_model_get(ml, map, "rules"));
	load_round_robin(ml, lq_model_get(ml, map, "round_robin"));
}

/* ---- on_recycle ---- */

static void load_on_recycle(lq_ml *ml, const yaml_node_t *v)
{
	const char *s = lq_model_scalar(v);

	if (!v || lq_model_is_null(v))
		return;
	if (s && strcmp(s, "reset_engagement") == 0)
		ml->m->on_recycle_reset = 1;
	else if (s && strcmp(s, "keep_engagement") == 0)
		ml->m->on_recycle_reset = 0;
	else
		lq_model_diag(ml, v, "on_recycle must be keep_engagement or reset_engagement, got '%.60s'",
			      shown(v));
}

/* ---- webhooks ---- */

/* The url in v, copied; NULL (reported) unless http(s) with a host. */
static char *webhook_url(lq_ml *ml, const yaml_node_t *v, const char *where)
{
	const char *s = lq_model_scalar(v), *host;

	if (!s || !*s) {
		lq_model_diag(ml, v, "url in %s must be non-empty text", where);
		return NULL;
	}
	if (strlen(s) > LQ_MODEL_MAX_URL) {
		lq_model_diag(ml, v, "url in %s is too long (%d bytes at most)",
			      where, LQ_MODEL_MAX_URL);
		return NULL;
	}
	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else {
		lq_model_diag(ml, v, "url in %s must start with http:// or https://, got '%.60s'",
			      where, s);
		return NULL;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			lq_model_diag(ml, v, "url in %s must not contain spaces or control characters",
				      where);
			return NULL;
		}
	if (!*host || strchr("/?#", *host)) {
		lq_model_diag(ml, v, "url in %s has no host", where);
		return NULL;
	}
	return lq_xstrdup(s);
}

/* events: [mql, ...] or "mql, stage_changed"; 0 (reported) on a problem. */
static unsigned webhook_events(lq_ml *ml, const yaml_node_t *v,
			       const char *where)
{
	unsigned mask = 0, bit;
	char bad[64];

	if (v->type == YAML_SCALAR_NODE) {
		switch (alert_parse(lq_model_scalar(v), &mask, bad, sizeof bad)) {
		case ALERT_OK:
			return mask;
		case ALERT_UNKNOWN:
			lq_model_diag(ml, v, "unknown alert event '%s' in %s (" ALERT_NAMES ")",
				      bad, where);
			return 0;
		default:
			break;
		}
	} else if (v->type == YAML_SEQUENCE_NODE && seq_len(v) > 0) {
		for (size_t i = 0; i < seq_len(v); i++) {
			yaml_node_t *it = seq_item(ml, v, i);
			const char *s = lq_model_scalar(it);
			if (!s || !(bit = alert_bit(s, strlen(s)))) {
				lq_model_diag(ml, it, "unknown alert event '%.60s' in %s (" ALERT_NAMES ")",
					      shown(it), where);
				return 0;
			}
			mask |= bit;
		}
		return mask;
	}
	lq_model_diag(ml, v, "events in %s must be a non-empty list like [" ALERT_NAMES "]",
		      where);
	return 0;
}

static char *webhook_secret(lq_ml *ml, const yaml_node_t *v, const char *where)
{
	const char *s = lq_model_scalar(v);
	size_t len = s ? strlen(s) : 0;

	/* the message never shows the secret itself */
	if (!s || lq_model_is_null(v)) {
		lq_model_diag(ml, v, "secret in %s must be text of %d to %d bytes",
			      where, LQ_MODEL_MIN_SECRET, LQ_MODEL_MAX_SECRET);
		return NULL;
	}
	if (strcmp(s, LQ_MODEL_SECRET_MASK) == 0) {
		lq_model_diag(ml, v, "secret in %s is the mask leadq shows in place of "
			      "a secret: write the secret itself", where);
		return NULL;
	}
	if (len < LQ_MODEL_MIN_SECRET || len > LQ_MODEL_MAX_SECRET) {
		lq_model_diag(ml, v, "secret in %s must be %d to %d bytes, got %zu",
			      where, LQ_MODEL_MIN_SECRET, LQ_MODEL_MAX_SECRET, len);
		return NULL;
	}
	return lq_xstrdup(s);
}

static void load_webhook(lq_ml *ml, const yaml_node_t *map, size_t index,
			 lq_model_webhook *w)
{
	const yaml_node_t *v;
	char where[64], what[96];
	long x;

	w->line = lq_model_line(map);
	w->events = LQ_ALERT_ALL;
	w->max_attempts = LQ_MODEL_DEFAULT_ATTEMPTS;
	snprintf(where, sizeof where, "webhook #%zu", index + 1);
	snprintf(what, sizeof what, "in %s", where);
	lq_model_check_keys(ml, map, webhook_keys, what);
	if ((v = lq_model_get(ml, map, "url")))
		w->url = webhook_url(ml, v, where);
	else
		lq_model_diag(ml, map, "%s needs 'url'", where);
	if ((v = lq_model_get(ml, map, "events")) && !lq_model_is_null(v))
		w->events = webhook_events(ml, v, where);
	if ((v = lq_model_get(ml, map, "secret")))
		w->secret = webhook_secret(ml, v, where);
	else
		lq_model_diag(ml, map, "%s needs 'secret' (the HMAC key, %d to %d bytes)",
			      where, LQ_MODEL_MIN_SECRET, LQ_MODEL_MAX_SECRET);
	if ((v = lq_model_get(ml, map, "max_attempts"))) {
		snprintf(what, sizeof what, "max_attempts in %s", where);
		if (lq_model_get_int(ml, v, what, 1, LQ_MODEL_MAX_ATTEMPTS, &x) == 0)
			w->max_attempts = (int)x;
	}
}

static void load_webhooks(lq_ml *ml, const yaml_node_t *seq)
{
	lq_model *m = ml->m;
	size_t n;

	if (!seq || lq_model_is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE) {
		lq_model_diag(ml, seq, "webhooks must be a list of webhooks (url:, secret:, events:)");
		return;
	}
	n = seq_len(seq);
	if (n > LQ_MODEL_MAX_WEBHOOKS) {
		lq_model_diag(ml, seq, "too many webhooks (%d at most)",
			      LQ_MODEL_MAX_WEBHOOKS);
		return;
	}
	m->webhooks = lq_xcalloc(n ? n : 1, sizeof *m->webhooks);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = seq_item(ml, seq, i);
		if (!item || item->type != YAML_MAPPING_NODE) {
			lq_model_diag(ml, item, "each webhook must be a mapping (url:, secret:, events:)");
			continue;
		}
		load_webhook(ml, item, i, &m->webhooks[m->nwebhooks++]);
	}
}

/* ---- entry points ---- */

void lq_model_load_lifecycle(lq_ml *ml, const yaml_node_t *root)
{
	load_routing(ml, lq_model_get(ml, root, "routing"));
	load_on_recycle(ml, lq_model_get(ml, root, "on_recycle"));
	load_webhooks(ml, lq_model_get(ml, root, "webhooks"));
}

void lq_model_free_lifecycle(lq_model *m)
{
	for (size_t i = 0; i < m->nroutes; i++) {
		lq_expr_free(m->routes[i].when);
		free(m->routes[i].owner);
	}
	free(m->routes);
	for (size_t i = 0; i < m->nround_robin; i++)
		free(m->round_robin[i]);
	free(m->round_robin);
	for (size_t i = 0; i < m->nwebhooks; i++) {
		free(m->webhooks[i].url);
		free(m->webhooks[i].secret);
	}
	free(m->webhooks);
}
