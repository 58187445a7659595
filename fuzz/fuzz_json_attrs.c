/*
 * fuzz_json_attrs.c - libFuzzer harness, differential: the fast decoder
 * of stored JSON (io/json_attrs.c) against the general one (cJSON,
 * lq_attrs_from_json_keys). For any text cJSON reads, whatever the fast
 * decoder accepts must give the same map, with every key and with a key
 * list; the same for single column values (lq_json_value_flat against
 * the value cJSON reads in {"v": text}). Nothing may crash, leak or read
 * out of bounds, whatever the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "fuzz_util.h"
#include "io/json_attrs.h"

static const char *const some_keys[] = {"url", "a", "plan.name", "", NULL};

static char *attrs_text(const lq_attrs *a)
{
	lq_buf b = LQ_BUF_INIT;
	lq_attrs_to_json(a, &b);
	char *s = strdup(lq_buf_str(&b));
	lq_buf_free(&b);
	if (!s)
		abort();
	return s;
}

static void same_maps(const lq_attrs *x, const lq_attrs *y)
{
	char *a = attrs_text(x), *b = attrs_text(y);
	if (strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
}

static void check_object(const char *text, const char *const *keys)
{
	lq_attrs fast = LQ_ATTRS_INIT, general = LQ_ATTRS_INIT;
	int flat = lq_json_attrs_flat(text, strlen(text), keys, &fast) == 0;
	int rc = lq_attrs_from_json_keys(text, keys, &general);

	if (!flat && fast.n)
		abort();         /* giving up leaves the map as it was */
	if (flat && rc == 0)
		same_maps(&fast, &general);
	lq_attrs_free(&fast);
	lq_attrs_free(&general);
}

static void check_value(const char *text)
{
	lq_attrs fast = LQ_ATTRS_INIT, general = LQ_ATTRS_INIT;
	lq_value v;
	size_t len = strlen(text);
	char *wrapped = malloc(len + 8);

	if (!wrapped)
		abort();
	snprintf(wrapped, len + 8, "{\"v\":%s}", text);
	if (lq_json_value_flat(text, len, &v) == 0) {
		if (v.kind != LQ_V_ABSENT)
			lq_attrs_set(&fast, "v", v);
		if (lq_attrs_from_json_keys(wrapped, NULL, &general) == 0)
			same_maps(&fast, &general);
	} else if (v.kind != LQ_V_ABSENT) {
		abort();         /* giving up leaves the value absent */
	}
	lq_attrs_free(&fast);
	lq_attrs_free(&general);
	free(wrapped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_cstr(data, size);
	cJSON *j = cJSON_Parse(text);

	if (cJSON_IsObject(j)) {
		check_object(text, NULL);
		check_object(text, some_keys);
	} else if (j) {
		check_value(text);
	} else {         /* text cJSON refuses: only must not crash */
		lq_attrs a = LQ_ATTRS_INIT;
		lq_value v;
		lq_json_attrs_flat(text, strlen(text), NULL, &a);
		lq_attrs_free(&a);
		lq_json_value_flat(text, strlen(text), &v);
		lq_value_free(&v);
	}
	cJSON_Delete(j);
	free(text);
	return 0;
}
