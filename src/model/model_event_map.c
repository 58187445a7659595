/*
 * model_event_map.c - the event_map section of a model file: which leadq
 * event type a Segment event name stands for, e.g.
 *   event_map:
 *     "Demo Requested": demo_request
 * and the lookup the tracking input uses (lq_model_event_type). Problems
 * (not a mapping, bad type name, duplicate name, too many entries) are
 * reported with their position and loading goes on. No I/O here.
 */
#include "model/model_event_map.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

#define EXAMPLE "(\"Demo Requested\": demo_request)"

static int valid_type(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && n <= LQ_MODEL_MAX_EVENT_TYPE && s[n] == '\0';
}

/* The event name of key node k, or NULL with a diagnostic. */
static const char *entry_name(lq_ml *ml, const yaml_node_t *k)
{
	const char *name = lq_model_scalar(k);

	if (!name) {
		lq_model_diag(ml, k, "event names in event_map must be text " EXAMPLE);
		return NULL;
	}
	if (lq_model_is_null(k) || !*name) {
		lq_model_diag(ml, k, "empty event name in event_map");
		return NULL;
	}
	if (strlen(name) > LQ_MODEL_MAX_SEGMENT_EVENT) {
		lq_model_diag(ml, k, "event name in event_map is longer than %d bytes",
			      LQ_MODEL_MAX_SEGMENT_EVENT);
		return NULL;
	}
	return name;
}

/* The leadq type of value node v for event name, or NULL (diagnosed). */
static const char *entry_type(lq_ml *ml, const yaml_node_t *v,
			      const char *name)
{
	const char *type = lq_model_scalar(v);

	if (!v || lq_model_is_null(v)) {
		lq_model_diag(ml, v, "missing event type for '%.100s' in event_map "
			      "(a name like demo_request)", name);
		return NULL;
	}
	if (!type) {
		lq_model_diag(ml, v, "event type for '%.100s' in event_map must be "
			      "a name like demo_request, not a %s", name,
			      v->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
		return NULL;
	}
	if (!valid_type(type)) {
		lq_model_diag(ml, v, "bad event type '%.100s' for '%.100s' in "
			      "event_map (use 1 to %d of a-z, 0-9 and _)", type,
			      name, LQ_MODEL_MAX_EVENT_TYPE);
		return NULL;
	}
	return type;
}

static int cmp_exact(const void *a, const void *b)
{
	const lq_event_map_entry *x = *(lq_event_map_entry *const *)a;
	const lq_event_map_entry *y = *(lq_event_map_entry *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x > y) - (x < y);
}

/* Ignoring case; ties keep file order (entries sit in file order). */
static int cmp_nocase(const void *a, const void *b)
{
	const lq_event_map_entry *x = *(lq_event_map_entry *const *)a;
	const lq_event_map_entry *y = *(lq_event_map_entry *const *)b;
	int c = strcasecmp(x->name, y->name);

	return c ? c : (x > y) - (x < y);
}

/* Sort the lookup indexes; report names written twice (exactly). */
static void build_index(lq_ml *ml, lq_model *m)
{
	size_t n = m->nevent_map;

	m->event_map_exact = lq_xcalloc(n ? n : 1, sizeof *m->event_map_exact);
	m->event_map_nocase = lq_xcalloc(n ? n : 1, sizeof *m->event_map_nocase);
	for (size_t i = 0; i < n; i++)
		m->event_map_exact[i] = m->event_map_nocase[i] = &m->event_map[i];
	qsort(m->event_map_exact, n, sizeof *m->event_map_exact, cmp_exact);
	qsort(m->event_map_nocase, n, sizeof *m->event_map_nocase, cmp_nocase);
	for (size_t i = 1; i < n; i++) {
		const lq_event_map_entry *a = m->event_map_exact[i - 1];
		const lq_event_map_entry *b = m->event_map_exact[i];
		if (strcmp(a->name, b->name) == 0)
			lq_model_diag_at(ml, b->line, b->col, "duplicate event "
					 "'%.100s' in event_map (first at line %d)",
					 b->name, a->line);
	}
}

void lq_model_load_event_map(lq_ml *ml, const yaml_node_t *map)
{
	lq_model *m = ml->m;
	size_t n;

	if (!map || lq_model_is_null(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		lq_model_diag(ml, map, "event_map must be a mapping of Segment "
			      "event names to event types " EXAMPLE);
		return;
	}
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	if (n > LQ_MODEL_MAX_EVENT_MAP) {
		lq_model_diag(ml, map, "too many entries in event_map (%zu, %d at most)",
			      n, LQ_MODEL_MAX_EVENT_MAP);
		return;
	}
	m->event_map = lq_xcalloc(n ? n : 1, sizeof *m->event_map);
	for (size_t i = 0; i < n; i++) {
		yaml_node_pair_t *p = &map->data.mapping.pairs.start[i];
		yaml_node_t *k = lq_model_node(ml, p->key);
		const char *name = entry_name(ml, k);
		const char *type = name ? entry_type(ml, lq_model_node(ml, p->value), name)
					: NULL;
		if (!type)
			continue;
		lq_event_map_entry *e = &m->event_map[m->nevent_map++];
		e->name = lq_xstrdup(name);
		e->type = lq_xstrdup(type);
		e->line = lq_model_line(k);
		e->col = (int)k->start_mark.column + 1;
	}
	build_index(ml, m);
}

void lq_model_free_event_map(lq_model *m)
{
	for (size_t i = 0; i < m->nevent_map; i++) {
		free(m->event_map[i].name);
		free(m->event_map[i].type);
	}
	free(m->event_map);
	free(m->event_map_exact);
	free(m->event_map_nocase);
	m->event_map = NULL;
	m->event_map_exact = m->event_map_nocase = NULL;
	m->nevent_map = 0;
}

/* First position in the sorted index whose name is not below name. */
static size_t lower_bound(lq_event_map_entry *const *idx, size_t n,
			  const char *name, int nocase)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = nocase ? strcasecmp(idx[mid]->name, name)
			       : strcmp(idx[mid]->name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *lq_model_event_type(const lq_model *m, const char *segment_event)
{
	size_t n, i;

	if (!m || !segment_event || !m->nevent_map)
		return NULL;
	n = m->nevent_map;
	i = lower_bound(m->event_map_exact, n, segment_event, 0);
	if (i < n && strcmp(m->event_map_exact[i]->name, segment_event) == 0)
		return m->event_map_exact[i]->type;
	i = lower_bound(m->event_map_nocase, n, segment_event, 1);
	if (i < n && strcasecmp(m->event_map_nocase[i]->name, segment_event) == 0)
		return m->event_map_nocase[i]->type;
	return NULL;
}
