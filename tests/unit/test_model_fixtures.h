/*
 * test_model_fixtures.h - the model-loading checks the model tests share:
 * load a model that must load, load one that must fail, and expect a
 * problem at a line and column. Models given as text are named "t.yaml".
 */
#ifndef LQ_TEST_MODEL_FIXTURES_H
#define LQ_TEST_MODEL_FIXTURES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model/model.h"

static inline lq_model *load_ok(const char *yaml)
{
	lq_model *m = NULL;
	lq_diags d = {0};
	lq_error err;
	int rc = lq_model_load(yaml, strlen(yaml), "t.yaml", &m, &d, &err);
	if (rc != 0) {
		char out[700];
		lq_error_format(&err, out, sizeof out);
		fail_msg("model should load: %s (%zu problems)", out, d.n);
	}
	assert_non_null(m);
	assert_int_equal(d.n, 0);
	lq_diags_free(&d);
	return m;
}

/* Load yaml, which must fail; returns the problems (caller frees). */
static inline lq_diags load_bad(const char *yaml)
{
	lq_model *m = (lq_model *)&m;
	lq_diags d = {0};
	lq_error err;
	int rc = lq_model_load(yaml, strlen(yaml), "t.yaml", &m, &d, &err);
	assert_int_equal(rc, LQ_EINVAL);
	assert_null(m);
	assert_true(d.n > 0);
	assert_int_equal(err.code, LQ_EINVAL);
	assert_string_equal(err.msg, d.items[0].msg);
	assert_int_equal(err.line, d.items[0].line);
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.items[i].file, "t.yaml");
	return d;
}

/* Problem i is msg at line:col (col 0: any column). */
static inline void expect_diag(const lq_diags *d, size_t i, int line, int col,
			       const char *msg)
{
	if (i >= d->n)
		fail_msg("expected problem #%zu '%s', only %zu found", i, msg, d->n);
	const lq_error *e = &d->items[i];
	if (!strstr(e->msg, msg))
		fail_msg("problem #%zu is '%s' (%d:%d), expected '%s'", i, e->msg,
			 e->line, e->col, msg);
	if (!strstr(e->file, ".yaml"))
		fail_msg("problem '%s' names file '%s'", e->msg, e->file);
	if (e->line != line || (col && e->col != col))
		fail_msg("'%s' at %d:%d, expected %d:%d", e->msg, e->line, e->col,
			 line, col);
}

/* Load yaml expecting exactly one problem. */
static inline void expect_one(const char *yaml, int line, int col,
			      const char *msg)
{
	lq_diags d = load_bad(yaml);
	expect_diag(&d, 0, line, col, msg);
	if (d.n != 1)
		fail_msg("expected one problem, got %zu (second: '%s')", d.n,
			 d.items[1].msg);
	lq_diags_free(&d);
}

#endif
