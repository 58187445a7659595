/*
 * json_span.h - where a value lies in JSON text cJSON has already
 * accepted. cJSON keeps no positions; the two places that need them (the
 * byte size of each /v1/batch item, segment_span.c, and the properties
 * text an event line can be stored with, event_record.c) walk the raw
 * text with these. They never allocate and give up (NULL) on anything
 * they do not expect, so callers keep a fallback.
 */
#ifndef LQ_JSON_SPAN_H
#define LQ_JSON_SPAN_H

/* p past any white space as cJSON reads it (bytes 1 to 32). */
const char *lq_json_ws(const char *p, const char *end);
/* p at '"': just past the closing quote, NULL when unterminated. */
const char *lq_json_skip_string(const char *p, const char *end);
/* p at a value: just past it (a string, an object or array with what it
 * holds, or a scalar up to the next delimiter), NULL when malformed. */
const char *lq_json_skip_value(const char *p, const char *end);

/* One member of an object: its key as written (between the quotes, still
 * escaped) and its value's text. */
typedef struct lq_json_member {
	const char *key;
	size_t key_len;
	const char *value, *value_end;
} lq_json_member;

/* The members of the object at p in order: *pos starts at the object
 * ('{', whitespace before it allowed); each call fills m and returns 1,
 * 0 after the last member, -1 when the text is not what was expected. */
int lq_json_next_member(const char **pos, const char *end, lq_json_member *m);
/* The same up to the member's value: m->value set, m->value_end NULL and
 * *pos at the value, which the caller walks (or skips) itself. */
int lq_json_member_start(const char **pos, const char *end, lq_json_member *m);

#endif
