/*
 * record_util.h - small helpers shared by the record decoders in io/
 * (lead_record, event_record, stage_record): field errors, bounded and
 * trimmed strings, times and stages with clear messages, and parsing one
 * NDJSON line. Internal to io/; no business rules here either.
 */
#ifndef LQ_RECORD_UTIL_H
#define LQ_RECORD_UTIL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "core/error.h"
#include "core/stage.h"
#include "core/time.h"

#define LQ_REC_MAX_STR 4096   /* bytes in one string field */

/* Fill err with LQ_EINVAL, a message and err->field = field (may be NULL);
 * returns LQ_EINVAL. */
int lq_rec_fail(lq_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy s without leading/trailing white space into *out (caller frees);
 * *out is NULL when s is NULL or blank. Error when longer than max:
 * "<field>: longer than <max> bytes". */
int lq_rec_str(const char *field, const char *s, size_t max, char **out,
	       lq_error *err);

/* The same over s[0..n) (no NUL needed), for text that lies in a line. */
int lq_rec_strn(const char *field, const char *s, size_t n, size_t max,
		char **out, lq_error *err);
/* Narrow s[0..*n) to its text without leading/trailing white space. */
void lq_rec_trim(const char **s, size_t *n);

/* Parse a time with fmt (strptime) or ISO 8601 when fmt is NULL. Errors:
 * "<field>: 'v' does not match the date format '<fmt>'",
 * "<field>: 'v' is not an ISO 8601 time (e.g. 2026-03-01T10:00:00Z)",
 * "<field>: 'v': year out of range 1900-9999". */
int lq_rec_time(const char *field, const char *s, const char *fmt,
		lq_time *out, lq_error *err);

/* Parse a stage name: "unknown stage 'x' (valid: subscriber, ...)". */
int lq_rec_stage(const char *field, const char *s, lq_stage *out,
		 lq_error *err);

/* Offset of the first byte of s[0..len) that is not part of well-formed
 * UTF-8 (overlong forms, surrogates, code points past U+10FFFF and
 * sequences cut short are not), len when all of it is. */
size_t lq_rec_utf8_bad(const char *s, size_t len);

/* Parse one NDJSON line that must hold one JSON object (at most max_depth
 * nested arrays/objects below it). On success *out is the object (caller
 * cJSON_Deletes it). Errors set err->col where known:
 * "invalid UTF-8 at column N", "NUL byte at column N" (raw, or \u0000 in
 * a string: C strings would silently cut the value there),
 * "invalid JSON at column N", "<what> must be a JSON object",
 * "<what> is nested deeper than N levels". */
int lq_rec_json_object(const char *line, size_t len, const char *what,
		       int max_depth, cJSON **out, lq_error *err);

/* A JSON string or number as text (numbers without a fraction print as
 * integers); NULL for other types. Caller frees. */
char *lq_rec_json_text(const cJSON *j);
/* A number as lq_rec_json_text spells it, into out; returns its length. */
#define LQ_REC_NUM_TEXT 64
size_t lq_rec_num_text(double x, char out[LQ_REC_NUM_TEXT]);

/* Lowercase a lead key in place when it is an email (holds '@'). */
void lq_rec_lead_key(char *key);

#endif
