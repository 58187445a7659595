/*
 * table.c - aligned text tables.
 */
#include "cli/table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

struct lq_table {
	size_t ncols;
	char **headers;
	int *right;
	char **cells;      /* nrows * ncols */
	size_t nrows, cap;
};

/* Display width: count UTF-8 lead bytes. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

lq_table *lq_table_new(size_t ncols, const char *const *headers)
{
	lq_table *t = lq_xcalloc(1, sizeof *t);
	t->ncols = ncols;
	t->headers = lq_xcalloc(ncols, sizeof *t->headers);
	t->right = lq_xcalloc(ncols, sizeof *t->right);
	for (size_t i = 0; i < ncols; i++) {
		t->right[i] = headers[i][0] == '>';
		t->headers[i] = lq_xstrdup(headers[i] + t->right[i]);
	}
	return t;
}

void lq_table_row(lq_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = lq_xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = lq_xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

static void print_cell(FILE *out, const char *s, size_t width, int right,
		       int last)
{
	size_t pad = width - text_width(s);
	if (right)
		fprintf(out, "%*s%s", (int)pad, "", s);
	else if (last)
		fputs(s, out);
	else
		fprintf(out, "%s%*s", s, (int)pad, "");
}

static void print_line(const lq_table *t, FILE *out, char *const *cells,
		       const size_t *width)
{
	for (size_t i = 0; i < t->ncols; i++) {
		print_cell(out, cells[i], width[i], t->right[i], i + 1 == t->ncols);
		fputs(i + 1 < t->ncols ? "  " : "\n", out);
	}
}

void lq_table_print(const lq_table *t, FILE *out)
{
	size_t *width = lq_xcalloc(t->ncols, sizeof *width);
	for (size_t i = 0; i < t->ncols; i++) {
		width[i] = text_width(t->headers[i]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = text_width(t->cells[r * t->ncols + i]);
			if (w > width[i])
				width[i] = w;
		}
	}
	print_line(t, out, t->headers, width);
	for (size_t r = 0; r < t->nrows; r++)
		print_line(t, out, &t->cells[r * t->ncols], width);
	free(width);
}

void lq_table_print_csv(const lq_table *t, FILE *out)
{
	lq_buf b = LQ_BUF_INIT;
	for (size_t i = 0; i < t->ncols; i++) {
		char *h = lq_xstrdup(t->headers[i]);
		for (char *p = h; *p; p++)
			*p = *p == ' ' ? '_' : (char)tolower((unsigned char)*p);
		lq_buf_adds(&b, i ? "," : "");
		lq_buf_add_csv_cell(&b, h);
		free(h);
	}
	lq_buf_addc(&b, '\n');
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols; i++) {
			lq_buf_adds(&b, i ? "," : "");
			lq_buf_add_csv_cell(&b, t->cells[r * t->ncols + i]);
		}
		lq_buf_addc(&b, '\n');
	}
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

void lq_table_free(lq_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->headers[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->right);
	free(t->cells);
	free(t);
}
