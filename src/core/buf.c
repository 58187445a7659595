/*
 * buf.c - growable strings and the exit-on-OOM allocators.
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	fputs("leadq: out of memory\n", stderr);
	exit(1);
}

void *lq_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *lq_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *lq_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory();
	return q;
}

char *lq_xstrdup(const char *s)
{
	return s ? lq_xstrndup(s, strlen(s)) : NULL;
}

char *lq_xstrndup(const char *s, size_t n)
{
	char *p = lq_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void lq_buf_grow(lq_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = lq_xrealloc(b->data, cap);
	b->cap = cap;
}

void lq_buf_add(lq_buf *b, const void *data, size_t len)
{
	lq_buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void lq_buf_adds(lq_buf *b, const char *s)
{
	lq_buf_add(b, s, strlen(s));
}

void lq_buf_addc(lq_buf *b, char c)
{
	lq_buf_add(b, &c, 1);
}

void lq_buf_addf(lq_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	lq_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void lq_buf_add_json_str(lq_buf *b, const char *s)
{
	lq_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': lq_buf_adds(b, "\\\""); break;
		case '\\': lq_buf_adds(b, "\\\\"); break;
		case '\n': lq_buf_adds(b, "\\n"); break;
		case '\r': lq_buf_adds(b, "\\r"); break;
		case '\t': lq_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20)
				lq_buf_addf(b, "\\u%04x", *p);
			else
				lq_buf_addc(b, (char)*p);
		}
	}
	lq_buf_addc(b, '"');
}

void lq_buf_add_csv_cell(lq_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		lq_buf_adds(b, s);
		return;
	}
	lq_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			lq_buf_addc(b, '"');
		lq_buf_addc(b, *s);
	}
	lq_buf_addc(b, '"');
}

void lq_buf_reset(lq_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *lq_buf_take(lq_buf *b)
{
	char *s = b->data ? b->data : lq_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void lq_buf_free(lq_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *lq_buf_str(const lq_buf *b)
{
	return b->data ? b->data : "";
}
