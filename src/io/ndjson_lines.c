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

/* Bytes read from the stream at once: lines are cut out of them with
 * memchr (a getc per byte was 2.5% of an event import). */
#define READ_AHEAD 65536

/* More input into ahead; 0 at end of input (or on a read error). */
static int fill(lq_ndjson_lines *r)
{
	if (r->eof)
		return 0;
	if (!r->ahead)
		r->ahead = lq_xmalloc(READ_AHEAD);
	r->pos = 0;
	r->end = fread(r->ahead, 1, READ_AHEAD, r->in);
	r->eof = r->end == 0;
	return !r->eof;
}

/* Append ahead[pos, pos + n) to the line in buf (n bytes: n <= max). */
static void keep(lq_ndjson_lines *r, size_t *len, size_t n)
{
	if (!r->buf || *len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (*len + n + 1 > cap)
			cap *= 2;
		r->buf = lq_xrealloc(r->buf, cap);
		r->cap = cap;
	}
	memcpy(r->buf + *len, r->ahead + r->pos, n);
	*len += n;
}

/* Read one physical line into r->buf; 1 read, 0 EOF, -1 too long (the
 * rest of it skipped). */
static int read_line(lq_ndjson_lines *r, size_t *len)
{
	size_t n = 0;
	int ended = 0, too_long = 0;

	while (!ended && (r->pos < r->end || fill(r))) {
		const char *p = r->ahead + r->pos;
		const char *nl = memchr(p, '\n', r->end - r->pos);
		size_t take = nl ? (size_t)(nl - p) : r->end - r->pos;
		if (!too_long && n + take > r->max)
			too_long = 1;
		if (!too_long)
			keep(r, &n, take);
		r->pos += take + (nl != NULL);
		ended = nl != NULL;
	}
	if (too_long)
		return -1;
	if (!ended && n == 0)
		return 0;
	if (!r->buf)
		keep(r, &n, 0);
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
	free(r->ahead);
	memset(r, 0, sizeof *r);
}
