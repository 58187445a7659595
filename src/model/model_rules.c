/*
 * model_rules.c - loading the rule sections of a model file: fit and
 * channel rules (rule, when, points, disqualify) and engagement (half_life,
 * actions with rule, on, when, points, max, expires, half_life). Checks
 * every rule fully and reports every problem; rule names must be unique
 * within a section. Builds into the lq_model under construction only.
 */
#include "model/model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define MAX_POINTS 1000000

static const char *const fit_keys[] = {"rule", "when", "points", "disqualify",
				       NULL};
static const char *const channel_keys[] = {"rule", "when", "points", NULL};
static const char *const action_keys[] = {"rule", "on", "when", "points", "max",
					  "expires", "half_life", NULL};
static const char *const engagement_keys[] = {"half_life", "actions", NULL};

/* A rule name and where it was written, for the duplicate check. */
typedef struct named {
	const char *name;
	int line, col;
} named;

static int cmp_named(const void *a, const void *b)
{
	const named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* Report every later rule whose name an earlier one of section has. */
static void check_duplicates(lq_ml *ml, named *v, size_t n,
			     const char *section)
{
	qsort(v, n, sizeof *v, cmp_named);
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		while (i < n && strcmp(v[i].name, v[first].name) == 0) {
			lq_model_diag_at(ml, v[i].line, v[i].col,
					 "duplicate rule name '%.100s' in %s (first defined at line %d)",
					 v[i].name, section, v[first].line);
			i++;
		}
	}
}

/* "fit rule 'x'" or "fit rule #3" when the name is missing. */
static void label(char *out, size_t outsz, const char *kind,
		  const char *name, size_t index)
{
	if (name)
		snprintf(out, outsz, "%s '%.100s'", kind, name);
	else
		snprintf(out, outsz, "%s #%zu", kind, index + 1);
}

/* The rule's name; NULL (reported) when missing or bad. */
static char *rule_name(lq_ml *ml, const yaml_node_t *map, const char *kind,
		       size_t index, const yaml_node_t **at)
{
	yaml_node_t *v = lq_model_get(ml, map, "rule");
	char what[160];

	*at = v;
	if (!v || lq_model_is_null(v)) {
		lq_model_diag(ml, map, "%s #%zu needs a name (rule: ...)", kind,
			      index + 1);
		return NULL;
	}
	snprintf(what, sizeof what, "the name of %s #%zu", kind, index + 1);
	return lq_model_get_str(ml, v, what, LQ_MODEL_MAX_NAME);
}

static int sequence_of(lq_ml *ml, const yaml_node_t *seq, const char *section,
		       const char *item)
{
	if (!seq || lq_model_is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE) {
		lq_model_diag(ml, seq, "%s must be a list of %s", section, item);
		return 0;
	}
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (n > LQ_MODEL_MAX_RULES) {
		lq_model_diag(ml, seq, "too many %s (%d at most)", item,
			      LQ_MODEL_MAX_RULES);
		return 0;
	}
	return 1;
}

static void load_rule(lq_ml *ml, const yaml_node_t *map, int channel,
		      size_t index, lq_rule *r, named *nm)
{
	const char *kind = channel ? "channel rule" : "fit rule";
	const yaml_node_t *name_at, *v;
	char where[160], what[200];
	long points = 0;
	int has_points = 0;

	memset(r, 0, sizeof *r);
	r->line = lq_model_line(map);
	r->name = rule_name(ml, map, kind, index, &name_at);
	label(where, sizeof where, kind, r->name, index);
	if (r->name) {
		nm->name = r->name;
		nm->line = lq_model_line(name_at);
		nm->col = (int)name_at->start_mark.column + 1;
	}
	snprintf(what, sizeof what, "in %s", where);
	lq_model_check_keys(ml, map, channel ? channel_keys : fit_keys, what);
	if ((v = lq_model_get(ml, map, "when"))) {
		snprintf(what, sizeof what, "when of %s", where);
		r->when = lq_model_get_expr(ml, v, LQ_CTX_FIT, what);
	} else {
		lq_model_diag(ml, map, "%s needs 'when'", where);
	}
	if ((v = lq_model_get(ml, map, "disqualify"))) {
		snprintf(what, sizeof what, "disqualify in %s", where);
		if (lq_model_get_bool(ml, v, what, &r->disqualify))
			return;  /* reported; "needs points" would only add noise */
	}
	if ((v = lq_model_get(ml, map, "points"))) {
		snprintf(what, sizeof what, "points in %s", where);
		has_points = lq_model_get_int(ml, v, what, -MAX_POINTS,
					      MAX_POINTS, &points) == 0;
		r->points = (int)points;
		if (!has_points)
			return;
	}
	if (!has_points && !r->disqualify)
		lq_model_diag(ml, map, channel ? "%s needs 'points'"
				   : "%s needs 'points' or 'disqualify: true'",
			      where);
}

void lq_model_load_fit(lq_ml *ml, const yaml_node_t *seq, int channel)
{
	const char *section = channel ? "channel" : "fit";
	lq_rule **rules = channel ? &ml->m->channel : &ml->m->fit;
	size_t *nrules = channel ? &ml->m->nchannel : &ml->m->nfit, nn = 0;
	named *names;

	if (!sequence_of(ml, seq, section, channel ? "channel rules" : "fit rules"))
		return;
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	*rules = lq_xcalloc(n, sizeof **rules);
	names = lq_xcalloc(n, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = lq_model_node(ml, seq->data.sequence.items.start[i]);
		if (!item || item->type != YAML_MAPPING_NODE) {
			lq_model_diag(ml, item, "each %s rule must be a mapping (rule:, when:, points:)",
				      section);
			continue;
		}
		load_rule(ml, item, channel, i, &(*rules)[*nrules], &names[nn]);
		if (names[nn].name)
			nn++;
		(*nrules)++;
	}
	check_duplicates(ml, names, nn, section);
	free(names);
}

static void action_durations(lq_ml *ml, const yaml_node_t *map,
			     const char *where, lq_action *a, int *own_hl)
{
	const yaml_node_t *v;
	char what[200];

	if ((v = lq_model_get(ml, map, "max"))) {
		snprintf(what, sizeof what, "max in %s", where);
		lq_model_get_num(ml, v, what, 0, 1e9, &a->max);
	}
	if ((v = lq_model_get(ml, map, "expires"))) {
		snprintf(what, sizeof what, "expires in %s", where);
		lq_model_get_dur(ml, v, what, &a->expires);
	}
	if ((v = lq_model_get(ml, map, "half_life"))) {
		snprintf(what, sizeof what, "half_life in %s", where);
		*own_hl = 1;
		lq_model_get_dur(ml, v, what, &a->half_life);
	}
}

static void load_action(lq_ml *ml, const yaml_node_t *map, size_t index,
			lq_action *a, named *nm, int *own_hl)
{
	const yaml_node_t *name_at, *v;
	char where[160], what[200];

	memset(a, 0, sizeof *a);
	a->line = lq_model_line(map);
	a->name = rule_name(ml, map, "engagement action", index, &name_at);
	label(where, sizeof where, "engagement action", a->name, index);
	if (a->name) {
		nm->name = a->name;
		nm->line = lq_model_line(name_at);
		nm->col = (int)name_at->start_mark.column + 1;
	}
	snprintf(what, sizeof what, "in %s", where);
	lq_model_check_keys(ml, map, action_keys, what);
	if ((v = lq_model_get(ml, map, "on"))) {
		snprintf(what, sizeof what, "on in %s", where);
		a->on = lq_model_get_str(ml, v, what, LQ_MODEL_MAX_NAME);
	} else {
		lq_model_diag(ml, map, "%s needs 'on' (the event type)", where);
	}
	if ((v = lq_model_get(ml, map, "when")) && !lq_model_is_null(v)) {
		snprintf(what, sizeof what, "when of %s", where);
		a->when = lq_model_get_expr(ml, v, LQ_CTX_ACTION, what);
	}
	if ((v = lq_model_get(ml, map, "points"))) {
		snprintf(what, sizeof what, "points in %s", where);
		lq_model_get_num(ml, v, what, -MAX_POINTS, MAX_POINTS, &a->points);
	} else {
		lq_model_diag(ml, map, "%s needs 'points'", where);
	}
	action_durations(ml, map, where, a, own_hl);
}

static void load_actions(lq_ml *ml, const yaml_node_t *seq, int **own_hl)
{
	lq_model *m = ml->m;
	size_t nn = 0;
	named *names;

	if (!sequence_of(ml, seq, "engagement.actions", "engagement actions"))
		return;
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	m->actions = lq_xcalloc(n, sizeof *m->actions);
	names = lq_xcalloc(n, sizeof *names);
	*own_hl = lq_xcalloc(n, sizeof **own_hl);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = lq_model_node(ml, seq->data.sequence.items.start[i]);
		if (!item || item->type != YAML_MAPPING_NODE) {
			lq_model_diag(ml, item, "each engagement action must be a mapping (rule:, on:, points:)");
			continue;
		}
		load_action(ml, item, i, &m->actions[m->nactions], &names[nn],
			    &(*own_hl)[m->nactions]);
		if (names[nn].name)
			nn++;
		m->nactions++;
	}
	check_duplicates(ml, names, nn, "engagement actions");
	free(names);
}

void lq_model_load_engagement(lq_ml *ml, const yaml_node_t *map)
{
	const yaml_node_t *v;
	int *own_hl = NULL;

	if (!map || lq_model_is_null(map))
		return;
	if (lq_model_check_keys(ml, map, engagement_keys, "in engagement")) {
		lq_model_diag(ml, map, "engagement must be a mapping (half_life:, actions:)");
		return;
	}
	if ((v = lq_model_get(ml, map, "half_life")))
		lq_model_get_dur(ml, v, "engagement half_life", &ml->m->half_life);
	load_actions(ml, lq_model_get(ml, map, "actions"), &own_hl);
	for (size_t i = 0; own_hl && i < ml->m->nactions; i++)
		if (!own_hl[i])
			ml->m->actions[i].half_life = ml->m->half_life;
	free(own_hl);
}
