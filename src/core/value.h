/*
 * value.h - the values rules compare: absent, number, string, list of
 * values; and lq_attrs, a small key -> value map for custom attributes and
 * event properties.
 *
 * An lq_value owns its string and items when it was made by the functions
 * here (lq_value_str, lq_value_copy...) and is released by lq_value_free.
 * Values handed to the expression evaluator are borrowed views.
 */
#ifndef LQ_VALUE_H
#define LQ_VALUE_H

#include <stddef.h>

typedef enum lq_vkind {
	LQ_V_ABSENT = 0, /* the field is missing: every comparison is false */
	LQ_V_NUM,
	LQ_V_STR,
	LQ_V_LIST,       /* items are numbers or strings */
} lq_vkind;

typedef struct lq_value {
	lq_vkind kind;
	double num;              /* LQ_V_NUM */
	char *str;               /* LQ_V_STR: NUL-terminated */
	struct lq_value *items;  /* LQ_V_LIST */
	size_t n;                /* LQ_V_LIST: item count */
} lq_value;

#define LQ_VALUE_ABSENT ((lq_value){LQ_V_ABSENT, 0, NULL, NULL, 0})

lq_value lq_value_num(double x);
lq_value lq_value_str(const char *s);         /* copies s; NULL -> absent */
lq_value lq_value_strn(const char *s, size_t n);
/* A cell from CSV/text: a number when the whole text is a finite number
 * ("42", "-1.5", "1e3"), absent when empty, else a string (copied). */
lq_value lq_value_from_text(const char *s);
/* Split "a;b;c" into a list of trimmed strings (empty items dropped). */
lq_value lq_value_list_split(const char *s, char sep);
void lq_value_list_push(lq_value *list, lq_value item); /* takes item */
lq_value lq_value_copy(const lq_value *v);
/* False when v is or holds a number that is not finite (JSON has no
 * spelling for NaN or infinity). */
int lq_value_finite(const lq_value *v);
void lq_value_free(lq_value *v);               /* leaves it absent */

/* Parse a whole string as a finite number; 0 on success. */
int lq_parse_number(const char *s, double *out);

/* Append v as JSON (null, number, string, array) to a buffer. */
struct lq_buf;
void lq_value_to_json(const lq_value *v, struct lq_buf *out);
/* Append v as text ("" absent, "a;b" list). */
void lq_value_to_text(const lq_value *v, struct lq_buf *out);

typedef struct lq_attr {
	char *key;
	lq_value val;
} lq_attr;

typedef struct lq_attrs {
	lq_attr *items;
	size_t n, cap;
} lq_attrs;

#define LQ_ATTRS_INIT {NULL, 0, 0}

/* Borrowed pointer to the value for key, NULL when not present. */
const lq_value *lq_attrs_get(const lq_attrs *a, const char *key);
/* Set key to val (takes ownership of val; replaces an existing value). */
void lq_attrs_set(lq_attrs *a, const char *key, lq_value val);
void lq_attrs_copy(lq_attrs *dst, const lq_attrs *src); /* dst is cleared */
void lq_attrs_free(lq_attrs *a);
/* Serialise as a JSON object / parse one (flat: scalar and list values;
 * nested objects are flattened with dots). */
void lq_attrs_to_json(const lq_attrs *a, struct lq_buf *out);
int lq_attrs_from_json(const char *json, lq_attrs *out);
/* The same, keeping only the keys in keys (a NULL-terminated list of
 * flattened names; NULL keeps every key): what lq_attrs_from_json gives,
 * less the other keys, without building them. */
int lq_attrs_from_json_keys(const char *json, const char *const *keys,
			    lq_attrs *out);
/* With a key list (flattened names, NULL terminated): is name (len
 * bytes) one of the keys (prefix 0), or the start of one followed by a
 * dot (prefix 1)? Without one (NULL), every name is wanted. */
int lq_attrs_key_wanted(const char *const *keys, const char *name, size_t len,
			int prefix);
/* Same from a parsed cJSON object (type erased to keep cJSON out of this
 * header); -1 when obj is not an object. */
int lq_attrs_from_cjson(const void *obj, lq_attrs *out);

#endif
