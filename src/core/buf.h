/*
 * buf.h - a growable byte string (like git's strbuf), the only way leadq
 * builds text of unknown length. Replaces sprintf/strcat.
 *
 * An lq_buf is always NUL-terminated once anything was added; data is NULL
 * before that. Allocation failure aborts the process (out of memory is not
 * a recoverable input error); every other function is total.
 */
#ifndef LQ_BUF_H
#define LQ_BUF_H

#include <stddef.h>

typedef struct lq_buf {
	char *data;
	size_t len;
	size_t cap;
} lq_buf;

#define LQ_BUF_INIT {NULL, 0, 0}

void lq_buf_grow(lq_buf *b, size_t extra);
void lq_buf_add(lq_buf *b, const void *data, size_t len);
void lq_buf_adds(lq_buf *b, const char *s);
void lq_buf_addc(lq_buf *b, char c);
void lq_buf_addf(lq_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal (quotes and escapes included). */
void lq_buf_add_json_str(lq_buf *b, const char *s);
/* Append s as a CSV cell (quoted when it holds , " CR or LF). */
void lq_buf_add_csv_cell(lq_buf *b, const char *s);
void lq_buf_reset(lq_buf *b);
/* Hand the string to the caller (who frees it); b is left empty. */
char *lq_buf_take(lq_buf *b);
void lq_buf_free(lq_buf *b);
/* "" when empty, never NULL; borrowed. */
const char *lq_buf_str(const lq_buf *b);

/* malloc helpers that exit on out-of-memory. */
void *lq_xmalloc(size_t n);
void *lq_xcalloc(size_t n, size_t size);
void *lq_xrealloc(void *p, size_t n);
char *lq_xstrdup(const char *s);     /* NULL in, NULL out */
char *lq_xstrndup(const char *s, size_t n);

#endif
