/*
 * model_load.c - loading a scoring model from YAML (lq_model_load, _file)
 * and the model's lifetime (lq_model_free, lq_model_grade). Handles the
 * top level, version, name, lists, grades and stages; the rule sections
 * are in model_rules.c, routing, on_recycle and webhooks in
 * model_lifecycle.c, event_map in model_event_map.c. Every problem is
 * collected (sorted by line) and a model with any problem is freed, never
 * returned half-built. The only I/O is reading the model file in
 * lq_model_load_file.
 */
#include "model/model_internal.h"
#include "model/model_event_map.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static const char *const top_keys[] = {
	"version", "name", "lists", "grades", "fit", "channel", "engagement",
	"stages", "routing", "on_recycle", "webhooks", "event_map", NULL};
static const char *const grade_keys[] = {"A", "B", "C", "D", NULL};
static const char *const stage_keys[] = {"mql", "hand_raiser", "sal_sla",
					 "sql_requires", "sqo_requires", NULL};
static const struct {
	const char *item;
	const char *bant;
} sql_items[] = {
	{"budget", "budget"}, {"authority", "authority"}, {"need", "need"},
	{"timing", "timing"}, {"money", "budget"}, {"urgency", "timing"},
};
static const char *const sqo_items[] = {"buy_cycle", "influencer",
					"time_frame", "opportunity_size",
					"follow_up", NULL};
static const int default_grades[4] = {50, 30, 15, 0};

const char *lq_model_sql_item(const char *item)
{
	for (size_t i = 0; item && i < sizeof sql_items / sizeof sql_items[0]; i++)
		if (strcmp(item, sql_items[i].item) == 0)
			return sql_items[i].bant;
	return NULL;
}

int lq_model_is_sqo_item(const char *item)
{
	for (size_t i = 0; item && sqo_items[i]; i++)
		if (strcmp(item, sqo_items[i]) == 0)
			return 1;
	return 0;
}

char lq_model_grade(const lq_model *m, double fit)
{
	for (int i = 0; i < 4; i++) {
		int min = m ? m->grades[i].min : default_grades[i];
		if (fit >= (double)min)
			return "ABCD"[i];
	}
	return 'F';
}

static lq_model *model_new(void)
{
	lq_model *m = lq_xcalloc(1, sizeof *m);

	m->version = 1;
	m->name = lq_xstrdup("");
	for (int i = 0; i < 4; i++) {
		m->grades[i].letter = "ABCD"[i];
		m->grades[i].min = default_grades[i];
	}
	return m;
}

static void free_rules(lq_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].name);
		lq_expr_free(r[i].when);
	}
	free(r);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lq_model_free(lq_model *m)
{
	if (!m)
		return;
	free(m->name);
	for (size_t i = 0; i < m->nlists; i++) {
		free(m->lists[i].name);
		lq_value_free(&m->lists[i].items);
	}
	free(m->lists);
	free_rules(m->fit, m->nfit);
	free_rules(m->channel, m->nchannel);
	for (size_t i = 0; i < m->nactions; i++) {
		free(m->actions[i].name);
		free(m->actions[i].on);
		lq_expr_free(m->actions[i].when);
	}
	free(m->actions);
	lq_expr_free(m->mql);
	lq_expr_free(m->hand_raiser);
	free_strv(m->sql_requires, m->nsql_requires);
	free_strv(m->sqo_requires, m->nsqo_requires);
	lq_model_free_lifecycle(m);
	lq_model_free_event_map(m);
	free(m->text);
	free(m);
}

/* ---- top-level values ---- */

static void load_version(lq_ml *ml, const yaml_node_t *v)
{
	long x;

	if (lq_model_get_int(ml, v, "version", 0, INT_MAX, &x))
		return;
	if (x != 1)
		lq_model_diag(ml, v, "unsupported model version %ld (this leadq reads version 1)", x);
	ml->m->version = (int)x;
}

static void load_name(lq_ml *ml, const yaml_node_t *v)
{
	char *s = lq_model_get_str(ml, v, "name", LQ_MODEL_MAX_NAME);

	if (s) {
		free(ml->m->name);
		ml->m->name = s;
	}
}

static int valid_list_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

/* Items of one named list into out->items (a list of strings). */
static void load_list_items(lq_ml *ml, const yaml_node_t *v, lq_named_list *out)
{
	size_t n;

	if (!v || v->type != YAML_SEQUENCE_NODE) {
		lq_model_diag(ml, v, "list '%s' must be a list of values [a, b]",
			      out->name);
		return;
	}
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n > LQ_MODEL_MAX_LIST_ITEMS) {
		lq_model_diag(ml, v, "list '%s' has too many items (%d at most)",
			      out->name, LQ_MODEL_MAX_LIST_ITEMS);
		return;
	}
	out->items.items = lq_xcalloc(n, sizeof *out->items.items);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = lq_model_node(ml, v->data.sequence.items.start[i]);
		const char *s = lq_model_scalar(it);
		if (!s || !*s) {
			lq_model_diag(ml, it, "items of list '%s' must be plain non-empty values",
				      out->name);
			continue;
		}
		out->items.items[out->items.n++] = lq_value_str(s);
	}
}

static void load_lists(lq_ml *ml, const yaml_node_t *map)
{
	lq_model *m = ml->m;
	size_t n;

	if (lq_model_is_null(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		lq_model_diag(ml, map, "lists must be a mapping of names to lists (freemail: [a, b])");
		return;
	}
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	if (n > LQ_MODEL_MAX_LISTS) {
		lq_model_diag(ml, map, "too many lists (%d at most)", LQ_MODEL_MAX_LISTS);
		return;
	}
	m->lists = lq_xcalloc(n, sizeof *m->lists);
	for (size_t i = 0; i < n; i++) {
		yaml_node_pair_t *p = &map->data.mapping.pairs.start[i];
		yaml_node_t *k = lq_model_node(ml, p->key);
		char *name = lq_model_get_str(ml, k, "list name", LQ_MODEL_MAX_NAME);
		if (!name)
			continue;
		if (!valid_list_name(name)) {
			lq_model_diag(ml, k, "bad list name '%s' (use letters, digits, _ and -)", name);
			free(name);
			continue;
		}
		for (size_t j = 0; j < m->nlists; j++)
			if (strcmp(m->lists[j].name, name) == 0) {
				lq_model_diag(ml, k, "duplicate list '%s'", name);
				break;
			}
		lq_named_list *l = &m->lists[m->nlists++];
		l->name = name;
		l->items.kind = LQ_V_LIST;
		load_list_items(ml, lq_model_node(ml, p->value), l);
	}
}

static void load_grades(lq_ml *ml, const yaml_node_t *map)
{
	const yaml_node_t *v[4];
	long min[4];
	int ok = 1;

	if (lq_model_check_keys(ml, map, grade_keys,
				"in grades (A, B, C and D take minimum fit points; F is everything below D)")) {
		lq_model_diag(ml, map, "grades must be a mapping like {A: 50, B: 30, C: 15, D: 0}");
		return;
	}
	for (int i = 0; i < 4; i++) {
		char what[32];
		v[i] = lq_model_get(ml, map, grade_keys[i]);
		snprintf(what, sizeof what, "grade %s", grade_keys[i]);
		if (!v[i]) {
			lq_model_diag(ml, map, "grades needs A, B, C and D (missing %s)",
				      grade_keys[i]);
			ok = 0;
		} else if (lq_model_get_int(ml, v[i], what, -1000000, 1000000, &min[i])) {
			ok = 0;
		}
	}
	for (int i = 1; ok && i < 4; i++)
		if (min[i] >= min[i - 1]) {
			lq_model_diag(ml, v[i], "grades must be descending: %s (%ld) is not below %s (%ld)",
				      grade_keys[i], min[i], grade_keys[i - 1], min[i - 1]);
			ok = 0;
		}
	for (int i = 0; ok && i < 4; i++)
		ml->m->grades[i].min = (int)min[i];
}

/* The canonical form used to find repeats: BANT name for sql items. */
static const char *req_key(const char *s, int sqo)
{
	return sqo ? s : lq_model_sql_item(s);
}

static void load_requires(lq_ml *ml, const yaml_node_t *seq, int sqo)
{
	const char *key = sqo ? "sqo_requires" : "sql_requires";
	const char *allowed = sqo
		? "buy_cycle, influencer, time_frame, opportunity_size, follow_up"
		: "budget, authority, need, timing, money, urgency";
	char ***out = sqo ? &ml->m->sqo_requires : &ml->m->sql_requires;
	size_t *nout = sqo ? &ml->m->nsqo_requires : &ml->m->nsql_requires, n;

	if (lq_model_is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE) {
		lq_model_diag(ml, seq, "stages.%s must be a list like [%s]", key, allowed);
		return;
	}
	n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	*out = lq_xcalloc(n, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = lq_model_node(ml, seq->data.sequence.items.start[i]);
		const char *s = lq_model_scalar(it);
		if (!s || !(sqo ? lq_model_is_sqo_item(s) : lq_model_sql_item(s) != NULL)) {
			lq_model_diag(ml, it, "unknown %s item '%.60s' (allowed: %s)",
				      key, s ? s : "?", allowed);
			continue;
		}
		for (size_t j = 0; j < *nout; j++)
			if (strcmp(req_key((*out)[j], sqo), req_key(s, sqo)) == 0) {
				lq_model_diag(ml, it, "%s item '%s' repeats '%s'", key,
					      s, (*out)[j]);
				break;
			}
		(*out)[(*nout)++] = lq_xstrdup(s);
	}
}

static void load_stages(lq_ml *ml, const yaml_node_t *map)
{
	const yaml_node_t *v;

	if (lq_model_is_null(map))
		return;
	if (lq_model_check_keys(ml, map, stage_keys, "in stages")) {
		lq_model_diag(ml, map, "stages must be a mapping (mql:, hand_raiser:, sal_sla:, ...)");
		return;
	}
	if ((v = lq_model_get(ml, map, "mql")) && !lq_model_is_null(v))
		ml->m->mql = lq_model_get_expr(ml, v, LQ_CTX_STAGE, "stages.mql");
	if ((v = lq_model_get(ml, map, "hand_raiser")) && !lq_model_is_null(v))
		ml->m->hand_raiser = lq_model_get_expr(ml, v, LQ_CTX_HAND_RAISER,
						       "stages.hand_raiser");
	if ((v = lq_model_get(ml, map, "sal_sla")))
		lq_model_get_dur(ml, v, "stages.sal_sla", &ml->m->sal_sla);
	if ((v = lq_model_get(ml, map, "sql_requires")))
		load_requires(ml, v, 0);
	if ((v = lq_model_get(ml, map, "sqo_requires")))
		load_requires(ml, v, 1);
}

static void load_root(lq_ml *ml, const yaml_node_t *root)
{
	const yaml_node_t *v;

	if (lq_model_check_keys(ml, root, top_keys, NULL)) {
		lq_model_diag(ml, root, "a model file must be a mapping (version:, name:, fit:, ...)");
		return;
	}
	/* lists first: the rules refer to them */
	if ((v = lq_model_get(ml, root, "version")))
		load_version(ml, v);
	if ((v = lq_model_get(ml, root, "name")))
		load_name(ml, v);
	if ((v = lq_model_get(ml, root, "lists")))
		load_lists(ml, v);
	if ((v = lq_model_get(ml, root, "grades")))
		load_grades(ml, v);
	lq_model_load_fit(ml, lq_model_get(ml, root, "fit"), 0);
	lq_model_load_fit(ml, lq_model_get(ml, root, "channel"), 1);
	lq_model_load_engagement(ml, lq_model_get(ml, root, "engagement"));
	if ((v = lq_model_get(ml, root, "stages")))
		load_stages(ml, v);
	lq_model_load_lifecycle(ml, root);
	lq_model_load_event_map(ml, lq_model_get(ml, root, "event_map"));
}

/* ---- YAML parsing ---- */

static void offset_pos(const lq_ml *ml, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < ml->len; i++) {
		if (ml->text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static void yaml_problem(lq_ml *ml, const yaml_parser_t *p)
{
	int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_MEMORY_ERROR) {
		lq_model_diag_at(ml, 1, 1, "out of memory reading yaml");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		offset_pos(ml, p->problem_offset, &line, &col);
		lq_model_diag_at(ml, line, col, "yaml syntax error: %s", problem);
		return;
	}
	if (p->context)
		lq_model_diag_at(ml, line, col, "yaml syntax error: %s (%s at line %d)",
				 problem, p->context, (int)p->context_mark.line + 1);
	else
		lq_model_diag_at(ml, line, col, "yaml syntax error: %s", problem);
}

static void check_single_document(lq_ml *ml, yaml_parser_t *p)
{
	yaml_document_t more;
	yaml_node_t *root;

	if (!yaml_parser_load(p, &more)) {
		yaml_problem(ml, p);
		return;
	}
	root = yaml_document_get_root_node(&more);
	if (root)
		lq_model_diag_at(ml, (int)root->start_mark.line + 1,
				 (int)root->start_mark.column + 1,
				 "model file holds more than one YAML document");
	yaml_document_delete(&more);
}

/* libyaml takes time quadratic in the nesting of flow collections (a
 * 200 KB "[[[[...]]]]" keeps it busy for half a minute), so the depth is
 * checked first with its event parser, which stops as soon as the limit is
 * passed. Syntax errors are left to the load that follows. -1 when too
 * deep. */
static int check_depth(lq_ml *ml)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0, end = 0;

	if (!yaml_parser_initialize(&p))
		return 0;
	yaml_parser_set_input_string(&p, (const unsigned char *)ml->text, ml->len);
	while (!end && rc == 0 && yaml_parser_parse(&p, &ev)) {
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > LQ_MODEL_MAX_DEPTH) {
				lq_model_diag_at(ml, (int)ev.start_mark.line + 1,
						 (int)ev.start_mark.column + 1,
						 "model is nested deeper than %d levels",
						 LQ_MODEL_MAX_DEPTH);
				rc = -1;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* A "\0" escape puts a NUL inside a scalar, where C strings would cut the
 * value short without a word: refuse it. -1 when one is found. */
static int check_nul(lq_ml *ml)
{
	int rc = 0;

	for (yaml_node_t *n = ml->doc.nodes.start; n < ml->doc.nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE &&
		    memchr(n->data.scalar.value, '\0', n->data.scalar.length)) {
			lq_model_diag(ml, n, "NUL character (\\0) in a value");
			rc = -1;
		}
	return rc;
}

static void parse(lq_ml *ml)
{
	yaml_parser_t p;
	yaml_node_t *root;

	if (check_depth(ml))
		return;
	if (!yaml_parser_initialize(&p)) {
		lq_model_diag_at(ml, 1, 1, "out of memory reading yaml");
		return;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)ml->text, ml->len);
	if (!yaml_parser_load(&p, &ml->doc)) {
		yaml_problem(ml, &p);
		yaml_parser_delete(&p);
		return;
	}
	root = yaml_document_get_root_node(&ml->doc);
	if (!root)
		lq_model_diag_at(ml, 1, 1, "model file is empty");
	else if (check_nul(ml) == 0 && lq_model_check_aliases(ml) == 0) {
		load_root(ml, root);
		check_single_document(ml, &p);
	}
	yaml_document_delete(&ml->doc);
	yaml_parser_delete(&p);
}

int lq_model_load(const char *text, size_t len, const char *file,
		  lq_model **out, lq_diags *diags, lq_error *err)
{
	lq_diags local = {0};
	lq_ml ml = {0};

	if (out)
		*out = NULL;
	lq_error_clear(err);
	ml.diags = diags ? diags : &local;
	memset(ml.diags, 0, sizeof *ml.diags);
	ml.file = file;
	ml.text = text ? text : "";
	ml.len = text ? len : 0;
	ml.m = model_new();
	if (ml.len > LQ_MODEL_MAX_FILE)
		lq_model_diag_at(&ml, 1, 1, "model file too large (%d MB at most)",
				 LQ_MODEL_MAX_FILE / (1024 * 1024));
	else
		parse(&ml);
	if (ml.diags->n) {
		lq_model_diags_sort(ml.diags);
		if (err)
			*err = ml.diags->items[0];
		lq_model_free(ml.m);
		lq_diags_free(&local);
		return LQ_EINVAL;
	}
	ml.m->text = lq_xstrndup(ml.text, ml.len);
	if (out)
		*out = ml.m;
	else
		lq_model_free(ml.m);
	return 0;
}

/* Fill err (and diags) for a file that could not be read. */
static int file_error(const char *path, int code, const char *what,
		      lq_diags *diags, lq_error *err)
{
	lq_error e;

	lq_error_at(&e, code, path, 0, 0, "%s", what);
	if (diags) {
		memset(diags, 0, sizeof *diags);
		diags->items = lq_xmalloc(sizeof e);
		diags->items[0] = e;
		diags->n = diags->cap = 1;
	}
	if (err)
		*err = e;
	return code;
}

static int read_all(FILE *f, lq_buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		lq_buf_add(b, chunk, n);
		if (b->len > LQ_MODEL_MAX_FILE)
			return 1;
	}
	return ferror(f) ? -1 : 0;
}

int lq_model_load_file(const char *path, lq_model **out, lq_diags *diags,
		       lq_error *err)
{
	char msg[300];
	lq_buf b = LQ_BUF_INIT;
	FILE *f;
	int rc;

	if (out)
		*out = NULL;
	f = path ? fopen(path, "rb") : NULL;
	if (!f) {
		int code = errno == ENOENT ? LQ_ENOTFOUND : LQ_EIO;
		const char *why = path ? strerror(errno) : "no path given";
		size_t at = strlen("cannot open model file: ");
		snprintf(msg, sizeof msg, "cannot open model file: %s", why);
		msg[at] = (char)tolower((unsigned char)msg[at]);
		return file_error(path, code, msg, diags, err);
	}
	rc = read_all(f, &b);
	fclose(f);
	if (rc) {
		lq_buf_free(&b);
		if (rc > 0) {
			snprintf(msg, sizeof msg, "model file too large (%d MB at most)",
				 LQ_MODEL_MAX_FILE / (1024 * 1024));
			return file_error(path, LQ_EINVAL, msg, diags, err);
		}
		return file_error(path, LQ_EIO, "cannot read model file", diags, err);
	}
	rc = lq_model_load(b.data ? b.data : "", b.len, path, out, diags, err);
	lq_buf_free(&b);
	return rc;
}
