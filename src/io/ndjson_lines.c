/*
 * ndjson_lines.c - bounded line reader for NDJSON input.
 */
#include "io/ndjson_lines.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void lq_ndjson_lines_init(lq_ndjson_lines *r, FILE *in, const char *name,
			  size_t max)
{
	memset(r, 0, sizeof *r);
	r->in = in;
	r->name = name;
	r->max = max;
}

/* Skip to the end of the current line. */
static void skip_rest(FILE *in)
{
	int c;
	while ((c = getc_unlocked(in)) != EOF && c != '\n')
		;
}

/* Read one physical line into r->buf; 1 read, 0 EOF, -1 too long. */
static int read_line(lq_ndjson_lines *r, size_t *len)
{
	size_t n = 0;
	int c;
	if (!r->buf) {
		r->cap = 4096;
		r->buf = lq_xmalloc(r->cap);
	}
	/* getc_unlocked: one reader per stream; locked getc per byte was 5%
	 * of an import */
	while ((c = getc_unlocked(r->in)) != EOF && c != '\n') {
		if (n >= r->max) {
			skip_rest(r->in);
			return -1;
		}
		if (n + 1 >= r->cap) {
			r->cap *= 2;
			r->buf = lq_xrealloc(r->buf, r->cap);
		}
		r->buf[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return 0;
	if (n && r->buf[n - 1] == '\r')
		n--;
	r->buf[n] = '\0';
	*len = n;
	return 1;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t", s[i]))
			return 0;
	return 1;
}

int lq_ndjson_lines_next(lq_ndjson_lines *r, const char **line, size_t *len,
			 lq_error *err)
{
	for (;;) {
		int rc = read_line(r, len);
		r->line++;
		if (rc < 0)
			return lq_error_at(err, LQ_EINVAL, r->name, r->line, 0,
					   "line is longer than %zu bytes", r->max);
		if (rc == 0) {
			r->line--;
			if (ferror(r->in))
				return lq_error_at(err, LQ_EIO, r->name, 0, 0,
						   "read error");
			return 0;
		}
		if (!is_blank(r->buf, *len)) {
			*line = r->buf;
			return 1;
		}
	}
}

void lq_ndjson_lines_free(lq_ndjson_lines *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
}
