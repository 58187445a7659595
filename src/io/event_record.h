/*
 * event_record.h - decoding one NDJSON event line, e.g.
 *   {"id": "msg-1", "lead": "ana@acme.io", "type": "page_view",
 *    "at": "2026-03-01T10:00:00Z",
 *    "properties": {"url": "/pricing", "seconds": 40}}
 * into an lq_event plus the key of the lead it belongs to.
 *
 * Parsing only: it never resolves the lead key, checks the type against a
 * model or scores anything. Errors name the field (err->field) but not the
 * line: the caller sets err->line.
 */
#ifndef LQ_EVENT_RECORD_H
#define LQ_EVENT_RECORD_H

#include <stddef.h>

#include "core/error.h"
#include "core/lead.h"

#define LQ_EVENTREC_MAX_LINE 32768   /* bytes in one line */
#define LQ_EVENTREC_MAX_TYPE 64      /* bytes in type */
#define LQ_EVENTREC_MAX_ID 256       /* bytes in id */
#define LQ_EVENTREC_MAX_DEPTH 16     /* nested arrays/objects */

typedef struct lq_event_input {
	lq_event event;    /* msg_id, type, at, props; ids are 0 */
	char *lead_key;    /* email (lowercased) or external id, as given */
	int in_arena;      /* the strings, props included, live in the arena
			      given to lq_eventrec_decode: never free them */
} lq_event_input;

void lq_eventrec_init(lq_event_input *in);
/* Releases the fields (unless in_arena), re-inits. */
void lq_eventrec_free(lq_event_input *in);

/* Memory shared by the decoded strings of many events that are dropped
 * together (a batch held for one write): chunks reused from batch to
 * batch instead of some ten mallocs and frees per event, and each event's
 * texts side by side. */
typedef struct lq_eventrec_arena {
	struct lq_eventrec_chunk **chunks;
	size_t n;          /* chunks allocated */
	size_t cur;        /* the one being filled */
	size_t used;       /* bytes of it given out */
} lq_eventrec_arena;

void lq_eventrec_arena_init(lq_eventrec_arena *a);
/* Every event decoded into it is gone; its chunks are kept. */
void lq_eventrec_arena_reset(lq_eventrec_arena *a);
void lq_eventrec_arena_free(lq_eventrec_arena *a);
/* How far the arena is filled: what is decoded after a mark can be given
 * back with lq_eventrec_arena_rewind (a line decoded, then refused, so
 * that refused lines take no memory). */
typedef struct lq_eventrec_mark {
	size_t cur, used;
} lq_eventrec_mark;
lq_eventrec_mark lq_eventrec_arena_mark(const lq_eventrec_arena *a);
void lq_eventrec_arena_rewind(lq_eventrec_arena *a, lq_eventrec_mark m);
/* Hand what src holds to dst: the filled chunks move (the strings stay
 * where they are, valid until dst is reset or freed), src keeps its spare
 * chunks and is empty. dst is not decoded into afterwards. */
void lq_eventrec_arena_move(lq_eventrec_arena *dst, lq_eventrec_arena *src);
/* The memory of its chunks, in bytes. */
size_t lq_eventrec_arena_bytes(const lq_eventrec_arena *a);

/* Decode one line (len bytes; need not be NUL-terminated). Keys (case-
 * insensitive): id (string or number, optional, stored as event.msg_id),
 * lead | email | external_id (the lead key; when several are given, lead
 * wins over email over external_id), type (trimmed, kept as given), at
 * (time string, parsed with date_fmt or ISO 8601 when NULL), properties
 * (object, optional; flattened with dots into event.props). Strings are
 * trimmed; null is absent. out must be initialised; it is reset first and
 * left reset on error. Errors (LQ_EINVAL):
 *   "event line is longer than 32768 bytes"
 *   "invalid JSON at column N" (err->col set)
 *   "event must be a JSON object"
 *   "event is nested deeper than 16 levels"
 *   "unknown field 'x' (accepted: id, lead, email, external_id, type, at,
 *    properties)"
 *   "missing lead (give lead, email or external_id)"
 *   "missing type", "type: longer than 64 bytes", "id: longer than 256
 *   bytes", "type: expected a string", "type: given twice"
 *   "missing at", "at: 'x' is not an ISO 8601 time (...)",
 *   "at: 'x' does not match the date format '%d-%m-%Y'"
 *   "properties: expected an object" */
int lq_eventrec_from_json(const char *line, size_t len, const char *date_fmt,
			  lq_event_input *out, lq_error *err);
/* The same, with the strings in arena (NULL: the heap) when the line is
 * plain enough to be decoded without a cJSON tree: out->in_arena is then
 * set and out is valid until the arena is reset; on the heap otherwise. */
int lq_eventrec_decode(const char *line, size_t len, const char *date_fmt,
		       lq_eventrec_arena *arena, lq_event_input *out,
		       lq_error *err);
/* The cJSON way alone, which decodes every line the other way does not
 * take: both must give the same event and the same error for any line
 * (fuzz/fuzz_event.c and tests/unit/test_event_json.c compare them). */
int lq_eventrec_from_cjson(const char *line, size_t len, const char *date_fmt,
			   lq_event_input *out, lq_error *err);

#endif
