/*
 * colmap.c - parsing and applying `--map col=field,...`. Renames only;
 * never decides whether a field exists.
 */
#include "io/colmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

struct colmap_entry {
	char *column;
	char *field;
};

struct lq_colmap {
	struct colmap_entry *items;
	size_t n, cap;
};

/* Trim spaces from [*a, *b). */
static void trim(const char **a, const char **b)
{
	while (*a < *b && isspace((unsigned char)**a))
		(*a)++;
	while (*b > *a && isspace((unsigned char)(*b)[-1]))
		(*b)--;
}

static const struct colmap_entry *find(const lq_colmap *m, const char *col)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (strcasecmp(m->items[i].column, col) == 0)
			return &m->items[i];
	return NULL;
}

static void add(lq_colmap *m, char *column, char *field)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->items = lq_xrealloc(m->items, m->cap * sizeof *m->items);
	}
	m->items[m->n].column = column;
	m->items[m->n].field = field;
	m->n++;
}

static int malformed(const char *s, const char *e, lq_error *err)
{
	int len = (int)(e - s);
	return lq_error_set(err, LQ_EINVAL, "invalid --map entry '%.*s': "
			    "expected column=field", len > 100 ? 100 : len, s);
}

/* Parse one entry [s, e) that is not blank. */
static int parse_entry(lq_colmap *m, const char *s, const char *e,
		       lq_error *err)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));

	if (!eq)
		return malformed(s, e, err);
	const char *ca = s, *cb = eq, *fa = eq + 1, *fb = e;
	trim(&ca, &cb);
	trim(&fa, &fb);
	if (ca == cb || fa == fb)
		return malformed(s, e, err);
	if (cb - ca > LQ_COLMAP_MAX_NAME || fb - fa > LQ_COLMAP_MAX_NAME)
		return lq_error_set(err, LQ_EINVAL,
				    "--map entry '%.40s...' has a name longer "
				    "than %d bytes", s, LQ_COLMAP_MAX_NAME);
	char *column = lq_xstrndup(ca, (size_t)(cb - ca));
	if (find(m, column)) {
		lq_error_set(err, LQ_EINVAL, "column '%s' is mapped twice in "
			     "--map", column);
		free(column);
		return LQ_EINVAL;
	}
	add(m, column, lq_xstrndup(fa, (size_t)(fb - fa)));
	return 0;
}

int lq_colmap_parse(const char *spec, lq_colmap **out, lq_error *err)
{
	lq_colmap *m = lq_xcalloc(1, sizeof *m);
	int rc = 0;

	*out = NULL;
	if (spec && strlen(spec) > LQ_COLMAP_MAX_SPEC) {
		rc = lq_error_set(err, LQ_EINVAL, "--map is longer than %d "
				  "bytes", LQ_COLMAP_MAX_SPEC);
		goto fail;
	}
	for (const char *s = spec; s && *s;) {
		const char *comma = strchr(s, ',');
		const char *e = comma ? comma : s + strlen(s);
		const char *a = s, *b = e;
		trim(&a, &b);
		if (a < b && (rc = parse_entry(m, a, b, err)) < 0)
			goto fail;
		s = comma ? comma + 1 : e;
	}
	*out = m;
	return 0;

fail:
	lq_colmap_free(m);
	return rc;
}

const char *lq_colmap_apply(const lq_colmap *m, const char *column)
{
	const struct colmap_entry *e = find(m, column);
	return e ? e->field : column;
}

int lq_colmap_ignored(const char *field)
{
	return field && strcmp(field, LQ_COLMAP_IGNORE) == 0;
}

void lq_colmap_free(lq_colmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].column);
		free(m->items[i].field);
	}
	free(m->items);
	free(m);
}
