/*
 * ndjson_lines.h - read newline-delimited records (NDJSON) one line at a
 * time with its line number, refusing lines longer than a bound so memory
 * stays independent of the input. Blank lines are skipped; a trailing CR
 * is dropped. The reader reads ahead of the line it returns, so the
 * stream is for it alone until it is freed.
 */
#ifndef LQ_NDJSON_LINES_H
#define LQ_NDJSON_LINES_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

typedef struct lq_ndjson_lines {
	FILE *in;          /* borrowed */
	const char *name;  /* for messages */
	size_t max;        /* longest line accepted, in bytes */
	int line;          /* 1-based number of the line last returned */
	char *buf;         /* the line returned */
	size_t cap;
	char *ahead;       /* read from in, not yet returned: */
	size_t pos, end;   /* ahead[pos..end) */
	int eof;           /* in gave all it had */
} lq_ndjson_lines;

void lq_ndjson_lines_init(lq_ndjson_lines *r, FILE *in, const char *name,
			  size_t max);
/* 1 with *line and *len set (valid until the next call), 0 at end of input,
 * LQ_EINVAL for an over-long line (err names it; the reader skips past it
 * so the caller may go on), LQ_EIO on a read error. */
int lq_ndjson_lines_next(lq_ndjson_lines *r, const char **line, size_t *len,
			 lq_error *err);
void lq_ndjson_lines_free(lq_ndjson_lines *r);

#endif
