/*
 * event_record.c - one NDJSON event line into an lq_event. Each top-level
 * key has a handler in the table below; parsing only, no lookups.
 *
 * Two ways to the handlers: plain lines (nearly all of them) are read
 * straight from their text (the line path, below), everything else and
 * every error through a cJSON tree, which alone decides what is valid
 * and words the messages. Strings go to the heap, or to the caller's
 * arena (lq_eventrec_decode) when the line path decoded the line.
 */
#include "io/event_record.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/json_arena.h"
#include "io/json_span.h"
#include "io/record_util.h"

enum { KEY_LEAD, KEY_EMAIL, KEY_EXTERNAL_ID, NKEYS };

/* Members of a properties object decoded from the line, at most. */
#define PLAIN_PROPS 64

/* A member's value as the handlers see it, from cJSON or from the line. */
enum { JV_NULL, JV_STR, JV_NUM, JV_OBJ, JV_OTHER };
typedef struct jval {
	int kind;
	const char *s;          /* JV_STR: its text (no NUL needed) ... */
	size_t n;               /* ... of n bytes */
	double num;             /* JV_NUM */
	const cJSON *obj;       /* JV_OBJ from cJSON; NULL from the line */
	const char *text;       /* JV_OBJ from the line: the object's text ... */
	size_t text_len;        /* ... of text_len bytes */
} jval;

struct ctx {
	lq_event_input *out;
	const char *fmt;
	char *keys[NKEYS];   /* candidate lead keys, by priority */
	int have_at;
	int have_props;      /* properties seen (an empty object counts) */
	const char *line;    /* the line (valid JSON when cJSON parsed it) */
	size_t len;
	lq_eventrec_arena *arena;   /* where strings go; NULL: the heap */
};

typedef int (*key_fn)(struct ctx *c, const char *name, const jval *v,
		      lq_error *err);

void lq_eventrec_init(lq_event_input *in)
{
	lq_event_init(&in->event);
	in->lead_key = NULL;
	in->in_arena = 0;
}

void lq_eventrec_free(lq_event_input *in)
{
	if (!in)
		return;
	if (!in->in_arena) {
		lq_event_free(&in->event);
		free(in->lead_key);
	}
	lq_eventrec_init(in);
}

/* ---- the arena ------------------------------------------------------------ */

#define ARENA_CHUNK (256 * 1024)

struct lq_eventrec_chunk {
	size_t size;
	char data[];            /* 8-byte aligned: lq_attr arrays live here */
};

void lq_eventrec_arena_init(lq_eventrec_arena *a)
{
	memset(a, 0, sizeof *a);
}

void lq_eventrec_arena_reset(lq_eventrec_arena *a)
{
	a->cur = 0;
	a->used = 0;
}

lq_eventrec_mark lq_eventrec_arena_mark(const lq_eventrec_arena *a)
{
	return (lq_eventrec_mark){a->cur, a->used};
}

void lq_eventrec_arena_rewind(lq_eventrec_arena *a, lq_eventrec_mark m)
{
	a->cur = m.cur;
	a->used = m.used;
}

void lq_eventrec_arena_move(lq_eventrec_arena *dst, lq_eventrec_arena *src)
{
	size_t k = src->n ? src->cur + 1 : 0;   /* chunks 0..cur are used */
	if (k == 0)
		return;
	dst->chunks = lq_xrealloc(dst->chunks,
				  (dst->n + k) * sizeof *dst->chunks);
	memcpy(dst->chunks + dst->n, src->chunks, k * sizeof *src->chunks);
	dst->n += k;
	dst->cur = dst->n;   /* full: a decode into dst takes a new chunk */
	dst->used = 0;
	memmove(src->chunks, src->chunks + k, (src->n - k) * sizeof *src->chunks);
	src->n -= k;
	src->cur = 0;
	src->used = 0;
}

size_t lq_eventrec_arena_bytes(const lq_eventrec_arena *a)
{
	size_t b = 0;
	for (size_t i = 0; i < a->n; i++)
		b += sizeof *a->chunks[i] + a->chunks[i]->size;
	return b;
}

void lq_eventrec_arena_free(lq_eventrec_arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->chunks[i]);
	free(a->chunks);
	lq_eventrec_arena_init(a);
}

static void *arena_alloc(lq_eventrec_arena *a, size_t n)
{
	void *p;
	n = (n + 7) & ~(size_t)7;
	while (a->cur < a->n && a->used + n > a->chunks[a->cur]->size) {
		a->cur++;
		a->used = 0;
	}
	if (a->cur == a->n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		a->chunks = lq_xrealloc(a->chunks, (a->n + 1) * sizeof *a->chunks);
		a->chunks[a->n] = lq_xmalloc(sizeof **a->chunks + size);
		a->chunks[a->n++]->size = size;
		a->used = 0;
	}
	p = a->chunks[a->cur]->data + a->used;
	a->used += n;
	return p;
}

/* s[0..n) as a C string, in the arena or on the heap. */
static char *text_dup(struct ctx *c, const char *s, size_t n)
{
	char *t;
	if (!c->arena)
		return lq_xstrndup(s, n);
	t = arena_alloc(c->arena, n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

/* A string or number as trimmed text bounded by max: *text (in v or in
 * num) and *n; *text NULL when null. */
static int scalar(const char *name, const jval *v, size_t max,
		  char num[LQ_REC_NUM_TEXT], const char **text, size_t *n,
		  lq_error *err)
{
	*text = NULL;
	if (v->kind == JV_NULL)
		return 0;
	if (v->kind == JV_STR) {
		*text = v->s;
		*n = v->n;
	} else if (v->kind == JV_NUM) {
		*n = lq_rec_num_text(v->num, num);
		*text = num;
	} else {
		return lq_rec_fail(err, name, "%s: expected a string", name);
	}
	lq_rec_trim(text, n);
	if (*n > max)
		return lq_rec_fail(err, name, "%s: longer than %zu bytes",
				   name, max);
	return 0;
}

/* Store a scalar into *slot unless it is already set (blank is absent). */
static int set_once(struct ctx *c, const char *name, const jval *v,
		    size_t max, char **slot, lq_error *err)
{
	char num[LQ_REC_NUM_TEXT];
	const char *text;
	size_t n;
	int rc = scalar(name, v, max, num, &text, &n, err);

	if (rc < 0 || !text || !n)
		return rc;
	if (*slot)
		return lq_rec_fail(err, name, "%s: given twice", name);
	*slot = text_dup(c, text, n);
	return 0;
}

static int key_id(struct ctx *c, const char *name, const jval *v,
		  lq_error *err)
{
	return set_once(c, "id", v, LQ_EVENTREC_MAX_ID, &c->out->event.msg_id,
			err);
}

static int key_lead(struct ctx *c, const char *name, const jval *v,
		    lq_error *err)
{
	int k = strcmp(name, "lead") == 0 ? KEY_LEAD
	      : strcmp(name, "email") == 0 ? KEY_EMAIL
	      : KEY_EXTERNAL_ID;
	return set_once(c, name, v, LQ_REC_MAX_STR, &c->keys[k], err);
}

static int key_type(struct ctx *c, const char *name, const jval *v,
		    lq_error *err)
{
	if (v->kind != JV_STR && v->kind != JV_NULL)
		return lq_rec_fail(err, "type", "type: expected a string");
	return set_once(c, "type", v, LQ_EVENTREC_MAX_TYPE, &c->out->event.type,
			err);
}

static int key_at(struct ctx *c, const char *name, const jval *v,
		  lq_error *err)
{
	char num[LQ_REC_NUM_TEXT], s[LQ_REC_MAX_STR + 1];
	const char *text;
	size_t n;
	int rc;

	if (v->kind != JV_STR && v->kind != JV_NULL)
		return lq_rec_fail(err, "at", "at: expected a time string");
	rc = scalar("at", v, LQ_REC_MAX_STR, num, &text, &n, err);
	if (rc < 0 || !text || !n)
		return rc;
	/* the time parser wants a C string: a copy on the stack, not the
	 * heap (n <= LQ_REC_MAX_STR) */
	memcpy(s, text, n);
	s[n] = '\0';
	if (c->have_at)
		rc = lq_rec_fail(err, "at", "at: given twice");
	else
		rc = lq_rec_time("at", s, c->fmt, &c->out->event.at, err);
	c->have_at = rc == 0;
	return rc;
}

/* ---- the properties' text ------------------------------------------------
 * The store keeps props as JSON text. A plain line's flat properties
 * object is kept as written (props_from_text, below): decoded, that text
 * gives exactly the attrs decoded from it. Lines decoded the cJSON way
 * (escapes, nested values, odd numbers such as 01 that cJSON takes and
 * JSON does not) get their props encoded again by the store, so that
 * stored text is always strict JSON that decodes to what was decoded. */

static int props_from_text(struct ctx *c, const jval *v);

static int key_properties(struct ctx *c, const char *name, const jval *v,
			  lq_error *err)
{
	if (v->kind == JV_NULL)
		return 0;
	if (v->kind != JV_OBJ)
		return lq_rec_fail(err, "properties",
				   "properties: expected an object");
	if (c->have_props)
		return lq_rec_fail(err, "properties",
				   "properties: given twice");
	c->have_props = 1;
	if (!v->obj)
		return props_from_text(c, v);
	lq_attrs_from_cjson(v->obj, &c->out->event.props);
	return 0;
}

static const struct {
	const char *name;
	size_t len;
	key_fn fn;
} keys[] = {
	{"id", 2, key_id},
	{"lead", 4, key_lead},
	{"email", 5, key_lead},
	{"external_id", 11, key_lead},
	{"type", 4, key_type},
	{"at", 2, key_at},
	{"properties", 10, key_properties},
};

/* ---- the cJSON path: any valid line, and every error message ---------- */

static void jval_from_cjson(const cJSON *it, jval *v)
{
	memset(v, 0, sizeof *v);
	if (cJSON_IsNull(it)) {
		v->kind = JV_NULL;
	} else if (cJSON_IsString(it)) {
		v->kind = JV_STR;
		v->s = it->valuestring;
		v->n = strlen(it->valuestring);
	} else if (cJSON_IsNumber(it)) {
		v->kind = JV_NUM;
		v->num = it->valuedouble;
	} else if (cJSON_IsObject(it)) {
		v->kind = JV_OBJ;
		v->obj = it;
	} else {
		v->kind = JV_OTHER;
	}
}

static int dispatch(struct ctx *c, const cJSON *it, lq_error *err)
{
	const char *name = it->string ? it->string : "";
	jval v;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcasecmp(name, keys[i].name) == 0) {
			jval_from_cjson(it, &v);
			return keys[i].fn(c, keys[i].name, &v, err);
		}
	}
	return lq_rec_fail(err, name, "unknown field '%.64s' (accepted: id, "
			   "lead, email, external_id, type, at, properties)",
			   name);
}

/* Check required fields and pick the lead key. */
static int finish(struct ctx *c, lq_error *err)
{
	for (int k = 0; k < NKEYS && !c->out->lead_key; k++) {
		c->out->lead_key = c->keys[k];
		c->keys[k] = NULL;
	}
	if (!c->out->lead_key)
		return lq_rec_fail(err, "lead", "missing lead (give lead, email "
				   "or external_id)");
	lq_rec_lead_key(c->out->lead_key);
	if (!c->out->event.type)
		return lq_rec_fail(err, "type", "missing type");
	if (!c->have_at)
		return lq_rec_fail(err, "at", "missing at");
	return 0;
}

/* The line's tree lives in an arena (json_arena.h) for the decode. */
static int from_cjson(struct ctx *c, lq_error *err)
{
	const cJSON *it;
	cJSON *j = NULL;
	lq_json_arena arena;
	int rc;

	lq_json_arena_begin(&arena);
	rc = lq_rec_json_object(c->line, c->len, "event",
				LQ_EVENTREC_MAX_DEPTH, &j, err);
	if (rc == 0) {
		cJSON_ArrayForEach(it, j) {
			if ((rc = dispatch(c, it, err)) < 0)
				break;
		}
	}
	if (rc == 0)
		rc = finish(c, err);
	cJSON_Delete(j);
	lq_json_arena_end(&arena);
	return rc;
}

/* ---- the line path ----------------------------------------------------------
 * Nearly every line is plain: an object of strings without escapes,
 * numbers, null and a flat properties object, each key once. Those are
 * decoded straight from the line, without a cJSON tree (its nodes and
 * copies were most of the decoding's allocations), giving the handlers
 * above the very values cJSON would. Anything else, and every error, goes
 * the cJSON way from the start, so messages and edge cases stay its. */

/* A string without escapes or control bytes at p ('"'): its text; *hi
 * collects its bytes' high bits (UTF-8 is checked once, when set). */
static const char *plain_string(const char *p, const char *end,
				const char **s, size_t *n, unsigned *hi)
{
	const char *q = ++p;
	unsigned h = 0;
	for (; q < end && *q != '"'; q++) {
		unsigned char b = (unsigned char)*q;
		if (b < 0x20 || b == '\\')
			return NULL;
		h |= b;
	}
	if (q >= end)
		return NULL;
	*hi |= h;
	*s = p;
	*n = (size_t)(q - p);
	return q + 1;
}

static int digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* An integer of at most 15 digits in p..q ("-" and digits) into *x: it
 * and every partial sum are exact doubles, so this is what strtod gives
 * (-0 included), without it. 0 for other numbers. */
static int ints(const char *p, const char *q, double *x)
{
	int neg = *p == '-';
	int64_t v = 0;
	if (q - p - neg > 15)
		return 0;
	for (const char *d = p + neg; d < q; d++) {
		if (*d < '0' || *d > '9')
			return 0;
		v = v * 10 + (*d - '0');
	}
	*x = neg ? -(double)v : (double)v;
	return 1;
}

/* A number in strict JSON form at p, as cJSON reads it (strtod of its
 * text); NULL for any other spelling or one too long for cJSON's copy. */
static const char *plain_number(const char *p, const char *end, double *x)
{
	const char *q = p;
	char buf[LQ_REC_NUM_TEXT];
	if (q < end && *q == '-')
		q++;
	if (!digit(q, end))
		return NULL;
	if (*q == '0')
		q++;
	else
		while (digit(q, end))
			q++;
	if (q < end && *q == '.') {
		if (!digit(++q, end))
			return NULL;
		while (digit(q, end))
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (!digit(q, end))
			return NULL;
		while (digit(q, end))
			q++;
	}
	if ((size_t)(q - p) >= sizeof buf - 1)
		return NULL;
	if (!ints(p, q, x)) {
		memcpy(buf, p, (size_t)(q - p));
		buf[q - p] = '\0';
		*x = strtod(buf, NULL);
	}
	return q;
}

/* A scalar value at p: string, number or null; NULL for anything else. */
static const char *plain_scalar(const char *p, const char *end, jval *v,
				unsigned *hi)
{
	memset(v, 0, sizeof *v);
	if (p >= end)
		return NULL;
	if (*p == '"') {
		v->kind = JV_STR;
		return plain_string(p, end, &v->s, &v->n, hi);
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		v->kind = JV_NUM;
		return plain_number(p, end, &v->num);
	}
	if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
		v->kind = JV_NULL;
		return p + 4;
	}
	return NULL;
}

/* A walk over the members of one object of the line. */
typedef struct plain_walk {
	const char *p, *end;    /* at the object's '{', then past a value */
	int started;            /* '{' passed */
	unsigned *hi;           /* see plain_string */
} plain_walk;

static const char *plain_object(const char *p, const char *end, jval *v,
				unsigned *hi);

/* The next member: 1 with key and value, 0 past the closing '}', -1 when
 * not plain. Object values (flat ones) only with objects: in the line's
 * own object, not in the objects it holds. */
static int plain_member(plain_walk *w, int objects, const char **key,
			size_t *key_len, jval *v)
{
	const char *q = lq_json_ws(w->p, w->end), *end = w->end;
	if (q >= end)
		return -1;
	if (!w->started) {
		if (*q != '{')
			return -1;
		w->started = 1;
		q = lq_json_ws(q + 1, end);
		if (q < end && *q == '}') {
			w->p = q + 1;
			return 0;
		}
	} else if (*q == ',') {
		q = lq_json_ws(q + 1, end);
	} else if (*q == '}') {
		w->p = q + 1;
		return 0;
	} else {
		return -1;
	}
	if (q >= end || *q != '"' ||
	    !(q = plain_string(q, end, key, key_len, w->hi)))
		return -1;
	q = lq_json_ws(q, end);
	if (q >= end || *q != ':')
		return -1;
	q = lq_json_ws(q + 1, end);
	if (q < end && *q == '{' && objects)
		q = plain_object(q, end, v, w->hi);
	else
		q = plain_scalar(q, end, v, w->hi);
	if (!q)
		return -1;
	w->p = q;
	return 1;
}

/* A flat object value at p ('{'): strings and numbers only (a null would
 * be dropped from the attrs); its text into v, walked again by the
 * properties handler. */
static const char *plain_object(const char *p, const char *end, jval *v,
				unsigned *hi)
{
	plain_walk w = {p, end, 0, hi};
	const char *k;
	size_t kn;
	jval m;
	int rc;
	while ((rc = plain_member(&w, 0, &k, &kn, &m)) == 1)
		if (m.kind == JV_NULL)
			return NULL;
	if (rc < 0)
		return NULL;
	memset(v, 0, sizeof *v);
	v->kind = JV_OBJ;
	v->text = p;
	v->text_len = (size_t)(w.p - p);
	return w.p;
}

/* Flat properties straight from their text: one attr per member (keys
 * once each and not empty, as lq_attrs_from_cjson keeps them; anything
 * else the cJSON way) and the text itself as props_json. */
static int props_from_text(struct ctx *c, const jval *v)
{
	lq_attrs *a = &c->out->event.props;
	unsigned hi = 0;
	plain_walk w = {v->text, v->text + v->text_len, 0, &hi};
	const char *k[PLAIN_PROPS + 1];
	size_t kn[PLAIN_PROPS + 1], n = 0;
	jval m[PLAIN_PROPS + 1];
	int rc;

	while ((rc = plain_member(&w, 0, &k[n], &kn[n], &m[n])) == 1) {
		if (n == PLAIN_PROPS || !kn[n])
			return -1;
		for (size_t i = 0; i < n; i++)
			if (kn[i] == kn[n] && memcmp(k[i], k[n], kn[n]) == 0)
				return -1;
		n++;
	}
	if (rc < 0)
		return -1;
	if (!n)
		return 0;
	a->items = c->arena ? arena_alloc(c->arena, n * sizeof *a->items)
			    : lq_xmalloc(n * sizeof *a->items);
	a->cap = n;
	for (a->n = 0; a->n < n; a->n++) {
		lq_attr *it = &a->items[a->n];
		it->key = text_dup(c, k[a->n], kn[a->n]);
		if (m[a->n].kind == JV_STR) {   /* lq_value_strn, in place */
			it->val = LQ_VALUE_ABSENT;
			it->val.kind = LQ_V_STR;
			it->val.str = text_dup(c, m[a->n].s, m[a->n].n);
		} else {
			it->val = lq_value_num(m[a->n].num);
		}
	}
	c->out->event.props_json = text_dup(c, v->text, v->text_len);
	return 0;
}

/* The index in keys[] of a key as written, -1 when it has none. */
static int plain_key(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (n == keys[i].len && strncasecmp(k, keys[i].name, n) == 0)
			return (int)i;
	return -1;
}

/* What may follow the object on its line: what lq_rec_json_object
 * allows there (isspace), narrower than the white space cJSON skips
 * inside it (any byte from 1 to 32). */
static int only_space_after(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!isspace((unsigned char)*p))
			return 0;
	return 1;
}

/* 0 decoded, -1 not plain or not valid: out is then to be reset and the
 * line decoded the cJSON way. */
static int from_line(struct ctx *c)
{
	unsigned hi = 0;
	plain_walk w = {c->line, c->line + c->len, 0, &hi};
	const char *k;
	size_t kn;
	int rc;
	jval v;

	while ((rc = plain_member(&w, 1, &k, &kn, &v)) == 1) {
		int i = plain_key(k, kn);
		if (i < 0)
			return -1;
		if (keys[i].fn(c, keys[i].name, &v, NULL) < 0)
			return -1;
	}
	if (rc < 0 || !only_space_after(w.p, w.end))
		return -1;
	if ((hi & 0x80) && lq_rec_utf8_bad(c->line, c->len) != c->len)
		return -1;
	return finish(c, NULL) < 0 ? -1 : 0;
}

/* Undo a decoding given up on: out reset, the arena back at mark. */
static void ctx_reset(struct ctx *c, lq_eventrec_mark mark)
{
	for (int k = 0; k < NKEYS; k++) {
		if (!c->arena)
			free(c->keys[k]);
		c->keys[k] = NULL;
	}
	c->have_at = 0;
	c->have_props = 0;
	lq_eventrec_free(c->out);
	if (c->arena)
		lq_eventrec_arena_rewind(c->arena, mark);
}

int lq_eventrec_decode(const char *line, size_t len, const char *date_fmt,
		       lq_eventrec_arena *arena, lq_event_input *out,
		       lq_error *err)
{
	struct ctx c = {out, date_fmt, {NULL}, 0, 0, line, len, arena};
	lq_eventrec_mark mark = {0, 0};
	int rc = 0;

	lq_eventrec_free(out);
	if (len > LQ_EVENTREC_MAX_LINE)
		return lq_rec_fail(err, NULL, "event line is longer than %d "
				   "bytes", LQ_EVENTREC_MAX_LINE);
	if (arena)
		mark = lq_eventrec_arena_mark(arena);
	out->in_arena = arena != NULL;
	if (from_line(&c) < 0) {
		/* the cJSON way, on the heap: lq_attrs_from_cjson's attrs
		 * are malloc'ed */
		ctx_reset(&c, mark);
		c.arena = NULL;
		rc = from_cjson(&c, err);
	}
	for (int k = 0; k < NKEYS && !c.arena; k++)
		free(c.keys[k]);
	if (rc < 0)
		lq_eventrec_free(out);
	return rc;
}

int lq_eventrec_from_json(const char *line, size_t len, const char *date_fmt,
			  lq_event_input *out, lq_error *err)
{
	return lq_eventrec_decode(line, len, date_fmt, NULL, out, err);
}

int lq_eventrec_from_cjson(const char *line, size_t len, const char *date_fmt,
			   lq_event_input *out, lq_error *err)
{
	struct ctx c = {out, date_fmt, {NULL}, 0, 0, line, len, NULL};
	int rc;

	lq_eventrec_free(out);
	if (len > LQ_EVENTREC_MAX_LINE)
		return lq_rec_fail(err, NULL, "event line is longer than %d "
				   "bytes", LQ_EVENTREC_MAX_LINE);
	rc = from_cjson(&c, err);
	for (int k = 0; k < NKEYS; k++)
		free(c.keys[k]);
	if (rc < 0)
		lq_eventrec_free(out);
	return rc;
}
