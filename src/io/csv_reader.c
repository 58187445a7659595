/*
 * csv_reader.c - pull-style CSV rows on top of libcsv's push parser.
 *
 * The file is read in chunks; each chunk is fed to libcsv one physical line
 * at a time (up to and including the first CR or LF), so at most one row
 * can end per feed and the reader can stop right after it. Line numbers are
 * counted here; a row's line is the line of its first non-blank byte.
 * Never interprets cells and never reads more than one chunk ahead.
 */
#include "io/csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "io/record_util.h"

#define CHUNK_SIZE (64 * 1024)
/* libcsv's cell buffer may not grow past this: a little over the cell limit
 * so that a closing quote, trailing spaces and the NUL still fit. */
#define ENTRY_LIMIT ((size_t)LQ_CSV_MAX_CELL + 64)

enum row_fault { FAULT_NONE, FAULT_CELL, FAULT_CELLS, FAULT_ROW, FAULT_UTF8 };

struct lq_csv_reader {
	FILE *f;
	char *name;
	struct csv_parser parser;
	unsigned char *chunk;
	size_t pos, len;           /* unread bytes are chunk[pos..len) */
	int eof, started, finished;
	int line, col, prev_cr;    /* position of the next byte to feed */
	int in_row, row_line;      /* a row has begun, and on which line */
	lq_buf text;               /* cells of the row, each NUL-terminated */
	size_t *offs;              /* where each cell starts in text */
	size_t noffs, cap;
	const char **cells;        /* cap entries, filled when the row ends */
	int row_done;
	enum row_fault fault;
	size_t fault_cell;         /* 1-based cell of FAULT_UTF8 */
	lq_csv_row row;
	lq_error fail;             /* sticky error; code 0 when none */
};

/* The growth function handed to libcsv: refuses to grow past ENTRY_LIMIT
 * (libcsv then stops with CSV_ENOMEM, reported as an oversized cell) and
 * exits on real out-of-memory like every leadq allocation. */
static void *bounded_realloc(void *p, size_t n)
{
	return n > ENTRY_LIMIT ? NULL : lq_xrealloc(p, n);
}

static void on_cell(void *data, size_t len, void *ctx)
{
	lq_csv_reader *r = ctx;

	if (r->fault)
		return;
	if (len > LQ_CSV_MAX_CELL) {
		r->fault = FAULT_CELL;
		return;
	}
	if (r->noffs == LQ_CSV_MAX_CELLS) {
		r->fault = FAULT_CELLS;
		return;
	}
	if (r->text.len + len + 1 > LQ_CSV_MAX_ROW) {
		r->fault = FAULT_ROW;
		return;
	}
	if (data && lq_rec_utf8_bad(data, len) < len) {
		r->fault = FAULT_UTF8;
		r->fault_cell = r->noffs + 1;
		return;
	}
	if (r->noffs == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->offs = lq_xrealloc(r->offs, r->cap * sizeof *r->offs);
		r->cells = lq_xrealloc(r->cells, r->cap * sizeof *r->cells);
	}
	r->offs[r->noffs++] = r->text.len;
	lq_buf_add(&r->text, data ? data : "", data ? len : 0);
	lq_buf_addc(&r->text, '\0');
}

static void on_row(int c, void *ctx)
{
	lq_csv_reader *r = ctx;
	(void)c;
	r->row_done = 1;
	r->in_row = 0;
}

static int fail_at(lq_csv_reader *r, lq_error *err, int code, int line,
		   int col, const char *msg)
{
	lq_error_at(&r->fail, code, r->name, line, col, "%s", msg);
	if (err)
		*err = r->fail;
	return code;
}

static int row_fault(lq_csv_reader *r, lq_error *err)
{
	char msg[96];

	switch (r->fault) {
	case FAULT_CELLS:
		snprintf(msg, sizeof msg, "row has more than %d cells",
			 LQ_CSV_MAX_CELLS);
		break;
	case FAULT_ROW:
		snprintf(msg, sizeof msg, "row larger than %d bytes",
			 LQ_CSV_MAX_ROW);
		break;
	case FAULT_UTF8:
		snprintf(msg, sizeof msg, "invalid UTF-8 in cell %zu",
			 r->fault_cell);
		break;
	default:
		snprintf(msg, sizeof msg, "cell larger than %d bytes",
			 LQ_CSV_MAX_CELL);
		break;
	}
	return fail_at(r, err, LQ_EINVAL, r->row_line, 0, msg);
}

/* 1-based column of the byte `off` bytes into the current segment
 * (saturates instead of overflowing on absurdly long lines). */
static int col_at(const lq_csv_reader *r, size_t off)
{
	return off >= (size_t)(INT_MAX - r->col) ? INT_MAX
						 : r->col + (int)off + 1;
}

/* libcsv stopped after `used` bytes of the current segment. */
static int parse_fault(lq_csv_reader *r, size_t used, lq_error *err)
{
	if (csv_error(&r->parser) != CSV_EPARSE) {
		r->fault = FAULT_CELL;
		return row_fault(r, err);
	}
	return fail_at(r, err, LQ_EINVAL, r->line, col_at(r, used),
		       r->parser.quoted ? "text after a closing quote"
					: "quote inside an unquoted cell");
}

/* Length of the next segment: up to and including the first CR or LF. */
static size_t segment_len(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\r' || s[i] == '\n')
			return i + 1;
	return len;
}

static int is_blank(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Move the line/column counters past a fed segment (CRLF is one end). */
static void advance(lq_csv_reader *r, const unsigned char *s, size_t n)
{
	unsigned char last = s[n - 1];

	if (last == '\r' || last == '\n') {
		if ((last == '\r' || !r->prev_cr) && r->line < INT_MAX)
			r->line++;
		r->prev_cr = last == '\r';
		r->col = 0;
	} else {
		r->prev_cr = 0;
		r->col = col_at(r, n) - 1;
	}
}

static int feed(lq_csv_reader *r, lq_error *err)
{
	const unsigned char *s = r->chunk + r->pos;
	size_t n = segment_len(s, r->len - r->pos);
	const unsigned char *nul = memchr(s, '\0', n);

	if (nul)
		return fail_at(r, err, LQ_EINVAL, r->line,
			       col_at(r, (size_t)(nul - s)), "NUL byte in input");
	if (!r->in_row && !is_blank(s, n)) {
		r->in_row = 1;
		r->row_line = r->line;
	}
	size_t used = csv_parse(&r->parser, s, n, on_cell, on_row, r);
	if (used < n)
		return parse_fault(r, used, err);
	if (r->fault)
		return row_fault(r, err);
	advance(r, s, n);
	r->pos += n;
	return 0;
}

static int refill(lq_csv_reader *r, lq_error *err)
{
	static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

	r->pos = 0;
	r->len = fread(r->chunk, 1, CHUNK_SIZE, r->f);
	if (r->len == 0) {
		if (ferror(r->f)) {
			char msg[300];
			snprintf(msg, sizeof msg, "cannot read: %s",
				 strerror(errno));
			return fail_at(r, err, LQ_EIO, r->line, 0, msg);
		}
		r->eof = 1;
	}
	if (!r->started && r->len >= 3 && memcmp(r->chunk, bom, 3) == 0)
		r->pos = 3;
	r->started = 1;
	return 0;
}

/* End of input: flush the last row (a file need not end with a newline). */
static int finish(lq_csv_reader *r, lq_error *err)
{
	if (r->finished)
		return 0;
	r->finished = 1;
	if (csv_fini(&r->parser, on_cell, on_row, r) != 0)
		return fail_at(r, err, LQ_EINVAL, r->row_line, 0,
			       "unbalanced quote");
	if (r->fault)
		return row_fault(r, err);
	return 0;
}

static void reset_row(lq_csv_reader *r)
{
	lq_buf_reset(&r->text);
	r->noffs = 0;
	r->row_done = 0;
	r->fault = FAULT_NONE;
}

static int emit(lq_csv_reader *r, const lq_csv_row **row)
{
	for (size_t i = 0; i < r->noffs; i++)
		r->cells[i] = r->text.data + r->offs[i];
	r->row.cells = r->cells;
	r->row.n = r->noffs;
	r->row.line = r->row_line;
	*row = &r->row;
	return 1;
}

int lq_csv_open(FILE *f, const char *name, lq_csv_reader **out, lq_error *err)
{
	*out = NULL;
	if (!f)
		return lq_error_set(err, LQ_EINTERNAL, "csv reader needs a file");
	lq_csv_reader *r = lq_xcalloc(1, sizeof *r);
	r->f = f;
	r->name = lq_xstrdup(name ? name : "");
	r->chunk = lq_xmalloc(CHUNK_SIZE);
	r->line = 1;
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI |
				 CSV_APPEND_NULL) != 0) {
		lq_csv_close(r);
		return lq_error_set(err, LQ_EINTERNAL, "cannot start csv parser");
	}
	csv_set_realloc_func(&r->parser, bounded_realloc);
	csv_set_blk_size(&r->parser, 1024);
	*out = r;
	return 0;
}

int lq_csv_next(lq_csv_reader *r, const lq_csv_row **row, lq_error *err)
{
	int rc;

	*row = NULL;
	if (r->fail.code) {
		if (err)
			*err = r->fail;
		return r->fail.code;
	}
	reset_row(r);
	while (!r->row_done) {
		if (r->pos < r->len)
			rc = feed(r, err);
		else if (!r->eof)
			rc = refill(r, err);
		else if (!r->finished)
			rc = finish(r, err);
		else
			return 0;
		if (rc < 0)
			return rc;
	}
	return emit(r, row);
}

void lq_csv_close(lq_csv_reader *r)
{
	if (!r)
		return;
	csv_free(&r->parser);
	lq_buf_free(&r->text);
	free(r->offs);
	free(r->cells);
	free(r->chunk);
	free(r->name);
	free(r);
}
