/*
 * model_mask.c - the model text as shown to people and API clients: the
 * value of every `secret:` key (the webhooks' HMAC keys) replaced by
 * LQ_MODEL_SECRET_MASK, everything else byte for byte as written. The
 * stored model keeps the secret (signing needs it); only what is shown
 * is masked. Never returns text that still holds a secret: when the text
 * cannot be parsed, it returns NULL and the caller shows nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/buf.h"
#include "model/model.h"

typedef struct span {
	size_t start, end;    /* byte offsets, end exclusive */
} span;

typedef struct spans {
	span *items;
	size_t n, cap;
} spans;

/* libyaml marks count characters; the text is UTF-8 (after an optional
 * byte order mark, which is not counted). Byte offset of character index. */
static size_t byte_offset(const char *text, size_t len, size_t index)
{
	size_t i = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (size_t chars = 0; i < len; i++) {
		if (((unsigned char)text[i] & 0xC0) == 0x80)
			continue;         /* a continuation byte */
		if (chars++ == index)
			return i;
	}
	return len;
}

static void add_secret(spans *s, const char *text, size_t len,
		       const yaml_node_t *v)
{
	size_t start = byte_offset(text, len, v->start_mark.index);
	size_t end = byte_offset(text, len, v->end_mark.index);
	/* Keep an anchor (&name) or tag (!tag) before the value, so aliases
	 * of it still resolve, and the line breaks a block scalar ends with. */
	while (start < end && (text[start] == '&' || text[start] == '!')) {
		while (start < end && text[start] != ' ' && text[start] != '\t' &&
		       text[start] != '\n')
			start++;
		while (start < end && (text[start] == ' ' || text[start] == '\t'))
			start++;
	}
	while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	if (start >= end)
		return;
	for (size_t i = 0; i < s->n; i++)       /* an alias: masked already */
		if (s->items[i].start == start)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->items = lq_xrealloc(s->items, s->cap * sizeof *s->items);
	}
	s->items[s->n++] = (span){start, end};
}

static int is_secret_key(const yaml_node_t *k)
{
	return k && k->type == YAML_SCALAR_NODE &&
	       k->data.scalar.length == 6 &&
	       memcmp(k->data.scalar.value, "secret", 6) == 0;
}

static int by_start(const void *a, const void *b)
{
	const span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

char *lq_model_mask_secrets(const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_document_t doc;
	spans s = {0};
	lq_buf out = LQ_BUF_INIT;
	size_t at = 0;

	if (!yaml_parser_initialize(&p))
		return NULL;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return NULL;
	}
	for (yaml_node_t *n = doc.nodes.start; n < doc.nodes.top; n++) {
		if (n->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
		     pr < n->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
			yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
			if (is_secret_key(k) && v && v->type == YAML_SCALAR_NODE)
				add_secret(&s, text, len, v);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	if (s.n > 1)   /* items is NULL when there is no secret */
		qsort(s.items, s.n, sizeof *s.items, by_start);
	for (size_t i = 0; i < s.n; i++) {
		if (s.items[i].start < at)      /* overlapping: cannot happen */
			continue;
		lq_buf_add(&out, text + at, s.items[i].start - at);
		lq_buf_adds(&out, "\"" LQ_MODEL_SECRET_MASK "\"");
		at = s.items[i].end;
	}
	lq_buf_add(&out, text + at, len - at);
	free(s.items);
	return lq_buf_take(&out);
}
