/*
 * json_attrs.h - the fast way from stored JSON text to an lq_attrs map.
 *
 * Rescoring and learning read every stored event's properties and every
 * lead's attributes; building a cJSON tree for each (and copying every
 * member when the rules read one or two) was a quarter of a rescore's
 * CPU. This decoder walks the text once with the span walker
 * (json_span.h) and copies only the members wanted. It handles the flat
 * objects leadq stores (string values without escapes, numbers, true,
 * false, null, arrays of those); anything else it leaves to the general
 * decoder (lq_attrs_from_json_keys in core/value.c), whose result is the
 * reference: both give the same map for every valid JSON text this one
 * accepts (leadq stores only text it parsed). It does not check members
 * it skips, so it is for stored text, not for input.
 */
#ifndef LQ_JSON_ATTRS_H
#define LQ_JSON_ATTRS_H

#include <stddef.h>

#include "core/value.h"

/* The members of the JSON object text (len bytes) named in keys (a NULL
 * terminated list of flattened names; NULL: every member) added to out.
 * 0: done. 1: the text holds something this decoder leaves to the
 * general one (an escape, a nested object or array, malformed text); out
 * is then left as it was. */
int lq_json_attrs_flat(const char *json, size_t len, const char *const *keys,
		       lq_attrs *out);

/* One JSON value (a scalar, or an array of scalars) as the general
 * decoder makes it of an object member: 0, or 1 as above (out absent). */
int lq_json_value_flat(const char *json, size_t len, lq_value *out);

/* lq_json_attrs_flat, else the general decoder: 0, or -1 when the text is
 * not a JSON object. */
int lq_json_attrs_keys(const char *json, size_t len, const char *const *keys,
		       lq_attrs *out);

#endif
