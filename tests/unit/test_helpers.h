/*
 * test_helpers.h - small fixtures shared by the engine unit tests: load a
 * model from YAML text (failing the test on any error), build leads and
 * events in a few lines.
 */
#ifndef LQ_TEST_HELPERS_H
#define LQ_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/lead.h"
#include "model/model.h"

static inline lq_model *th_model(const char *yaml)
{
	lq_model *m = NULL;
	lq_error err;
	lq_error_clear(&err);
	if (lq_model_load(yaml, strlen(yaml), "test.yaml", &m, NULL, &err)) {
		char msg[1024];
		lq_error_format(&err, msg, sizeof msg);
		fail_msg("model does not load: %s", msg);
	}
	return m;
}

static inline lq_time th_time(const char *iso)
{
	lq_time t = 0;
	lq_error err;
	assert_int_equal(lq_time_parse_iso(iso, &t, &err), 0);
	return t;
}

/* An event of type at time, with optional url property. */
static inline void th_event(lq_event *e, int64_t id, const char *type,
			    lq_time at, const char *url)
{
	lq_event_init(e);
	e->id = id;
	e->type = lq_xstrdup(type);
	e->at = at;
	if (url)
		lq_attrs_set(&e->props, "url", lq_value_str(url));
}

#endif
