/*
 * test_csv.c - the streaming CSV reader (io/csv_reader) and the --map
 * column mapping (io/colmap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "io/colmap.h"
#include "io/csv_reader.h"

/* A reader over the first len bytes of data (NULs allowed). */
struct src {
	FILE *f;
	lq_csv_reader *r;
};

static void src_open(struct src *s, const char *data, size_t len)
{
	lq_error err;
	s->f = tmpfile();
	assert_non_null(s->f);
	assert_int_equal(fwrite(data, 1, len, s->f), len);
	rewind(s->f);
	assert_int_equal(lq_csv_open(s->f, "t.csv", &s->r, &err), 0);
}

static void src_close(struct src *s)
{
	lq_csv_close(s->r);
	fclose(s->f);
}

static const lq_csv_row *next_row(struct src *s)
{
	const lq_csv_row *row = NULL;
	lq_error err;
	lq_error_clear(&err);
	int rc = lq_csv_next(s->r, &row, &err);
	if (rc != 1)
		fail_msg("expected a row, got %d: %s", rc, err.msg);
	return row;
}

static void expect_end(struct src *s)
{
	const lq_csv_row *row;
	lq_error err;
	assert_int_equal(lq_csv_next(s->r, &row, &err), 0);
	assert_null(row);
	assert_int_equal(lq_csv_next(s->r, &row, &err), 0);
}

/* Read rows until an error; check its code, line and message. */
static void expect_error(const char *data, size_t len, int line,
			 const char *msg_part)
{
	struct src s;
	const lq_csv_row *row;
	lq_error err;
	int rc;

	src_open(&s, data, len);
	lq_error_clear(&err);
	while ((rc = lq_csv_next(s.r, &row, &err)) == 1)
		;
	assert_int_equal(rc, LQ_EINVAL);
	assert_string_equal(err.file, "t.csv");
	assert_int_equal(err.line, line);
	if (!strstr(err.msg, msg_part))
		fail_msg("message '%s' lacks '%s'", err.msg, msg_part);
	/* errors are sticky */
	lq_error_clear(&err);
	assert_int_equal(lq_csv_next(s.r, &row, &err), LQ_EINVAL);
	assert_int_equal(err.line, line);
	src_close(&s);
}

static void assert_cells(const lq_csv_row *row, int line, size_t n, ...)
{
	va_list ap;
	assert_int_equal(row->line, line);
	assert_int_equal(row->n, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(row->cells[i], va_arg(ap, const char *));
	va_end(ap);
}

#define S(lit) lit, sizeof(lit) - 1

static void test_simple_rows(void **state)
{
	struct src s;
	src_open(&s, S("email,name,score\nana@acme.io,Ana,42\nbo@x.io,Bo,7\n"));
	assert_cells(next_row(&s), 1, 3, "email", "name", "score");
	assert_cells(next_row(&s), 2, 3, "ana@acme.io", "Ana", "42");
	assert_cells(next_row(&s), 3, 3, "bo@x.io", "Bo", "7");
	expect_end(&s);
	src_close(&s);
}

static void test_quoted_cells(void **state)
{
	struct src s;
	src_open(&s, S("a,b,c\n"
		       "\"Acme, Inc.\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
		       "\"\",x,\"  padded  \"\n"));
	assert_cells(next_row(&s), 1, 3, "a", "b", "c");
	assert_cells(next_row(&s), 2, 3, "Acme, Inc.", "say \"hi\"",
		     "two\nlines");
	/* the row after a quoted newline starts on line 4 */
	assert_cells(next_row(&s), 4, 3, "", "x", "  padded  ");
	expect_end(&s);
	src_close(&s);
}

static void test_crlf_and_unquoted_spaces(void **state)
{
	struct src s;
	src_open(&s, S("a,b\r\n 1 , two words \r\n\"q\r\nx\",3\r\nlast,4\r\n"));
	assert_cells(next_row(&s), 1, 2, "a", "b");
	assert_cells(next_row(&s), 2, 2, "1", "two words");
	assert_cells(next_row(&s), 3, 2, "q\r\nx", "3");
	assert_cells(next_row(&s), 5, 2, "last", "4");
	expect_end(&s);
	src_close(&s);
}

static void test_bom_blank_lines_no_final_newline(void **state)
{
	struct src s;
	src_open(&s, S("\xEF\xBB\xBF" "email,name\n\n\n  \nx@y.io,,\n,\nlast,row"));
	assert_cells(next_row(&s), 1, 2, "email", "name");
	assert_cells(next_row(&s), 5, 3, "x@y.io", "", "");
	assert_cells(next_row(&s), 6, 2, "", "");
	assert_cells(next_row(&s), 7, 2, "last", "row");
	expect_end(&s);
	src_close(&s);
}

static void test_empty_input(void **state)
{
	struct src s;
	src_open(&s, "", 0);
	expect_end(&s);
	src_close(&s);
	src_open(&s, S("\n\r\n\n"));
	expect_end(&s);
	src_close(&s);
	lq_csv_close(NULL);
}

static void test_unbalanced_quote(void **state)
{
	expect_error(S("a,b\n1,2\n3,\"open\n4,5\n"), 3, "unbalanced quote");
	expect_error(S("a,\"b"), 1, "unbalanced quote");
}

static void test_misplaced_quotes(void **state)
{
	expect_error(S("a,b\nab\"c,d\n"), 2, "quote inside an unquoted cell");
	expect_error(S("a,b\n\n\"ab\"c,d\n"), 3, "text after a closing quote");
}

static void test_error_column(void **state)
{
	struct src s;
	const lq_csv_row *row;
	lq_error err;
	src_open(&s, S("a,b\nxy,a\"b\n"));
	next_row(&s);
	assert_int_equal(lq_csv_next(s.r, &row, &err), LQ_EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 5);
	src_close(&s);
}

static void test_nul_byte(void **state)
{
	expect_error(S("a,b\nc,d\ne\0f,g\n"), 3, "NUL byte");
}

/* Cells must be UTF-8 (t_bad_corpus.sh: leads_*_utf8.csv); a cut
 * sequence is caught even at the very end of the file. */
static void test_invalid_utf8(void **state)
{
	expect_error(S("a,b\nc,d\ne,caf\xe9\n"), 3, "invalid UTF-8 in cell 2");
	expect_error(S("a,b\n\xc0\xaf,x\n"), 2, "invalid UTF-8 in cell 1");
	expect_error(S("a,b\n\xed\xa0\x80,x\n"), 2, "invalid UTF-8 in cell 1");
	expect_error(S("a,b\nx,\"\xe2\x82"), 2, "unbalanced quote");
	expect_error(S("a,b\nx,\xe2\x82"), 2, "invalid UTF-8 in cell 2");
	struct src s;
	src_open(&s, S("a,\xe2\x82\xac \xf0\x9f\x98\x80\n"));
	assert_cells(next_row(&s), 1, 2, "a", "\xe2\x82\xac \xf0\x9f\x98\x80");
	expect_end(&s);
	src_close(&s);
}

static char *repeat(char c, size_t n, const char *prefix, const char *suffix,
		    size_t *len)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, prefix);
	lq_buf_grow(&b, n);
	memset(b.data + b.len, c, n);
	b.len += n;
	lq_buf_adds(&b, suffix);
	*len = b.len;
	return lq_buf_take(&b);
}

static void test_cell_limit(void **state)
{
	size_t len;
	char *data;
	struct src s;

	/* exactly the limit, quoted: accepted */
	data = repeat('x', LQ_CSV_MAX_CELL, "h\n\"", "\"\nnext\n", &len);
	src_open(&s, data, len);
	next_row(&s);
	const lq_csv_row *row = next_row(&s);
	assert_int_equal(row->line, 2);
	assert_int_equal(strlen(row->cells[0]), LQ_CSV_MAX_CELL);
	assert_cells(next_row(&s), 3, 1, "next");
	src_close(&s);
	free(data);

	/* one byte more, unquoted: an error naming the row's line */
	data = repeat('x', LQ_CSV_MAX_CELL + 1, "h\nok\n", "\n", &len);
	expect_error(data, len, 3, "cell larger than 1048576 bytes");
	free(data);

	/* a runaway quoted cell stops at the limit, not at the end of file */
	data = repeat('y', 3 * LQ_CSV_MAX_CELL, "h\n\"", "", &len);
	expect_error(data, len, 2, "cell larger than");
	free(data);
}

static void test_cell_count_limit(void **state)
{
	size_t len;
	char *data = repeat(',', LQ_CSV_MAX_CELLS - 1, "a\n", "\n", &len);
	struct src s;

	src_open(&s, data, len);
	next_row(&s);
	assert_int_equal(next_row(&s)->n, LQ_CSV_MAX_CELLS);
	src_close(&s);
	free(data);

	data = repeat(',', LQ_CSV_MAX_CELLS, "a\n", "\n", &len);
	expect_error(data, len, 2, "row has more than 10000 cells");
	free(data);
}

/* CRLF split across the reader's 64 KB chunks, many rows. */
static void test_chunk_boundaries(void **state)
{
	lq_buf b = LQ_BUF_INIT;
	struct src s;
	size_t i;

	for (i = 0; i < 65535; i++)
		lq_buf_addc(&b, 'a');
	lq_buf_adds(&b, "\r\nb\r\n");
	for (i = 0; i < 20000; i++)
		lq_buf_addf(&b, "r%zu,\"q\nq\",%zu\r\n", i, i * 2);
	src_open(&s, b.data, b.len);
	assert_int_equal(strlen(next_row(&s)->cells[0]), 65535);
	assert_cells(next_row(&s), 2, 1, "b");
	for (i = 0; i < 20000; i++) {
		const lq_csv_row *row = next_row(&s);
		char want[32];
		snprintf(want, sizeof want, "r%zu", i);
		assert_int_equal(row->line, 3 + 2 * (int)i);
		assert_int_equal(row->n, 3);
		assert_string_equal(row->cells[0], want);
		assert_string_equal(row->cells[1], "q\nq");
	}
	expect_end(&s);
	src_close(&s);
	lq_buf_free(&b);
}

/* ---- colmap ---- */

static void test_colmap_apply(void **state)
{
	lq_colmap *m;
	lq_error err;

	assert_int_equal(lq_colmap_parse(" first_contact_date=created_at, "
					 "origin = source,,junk=-", &m, &err),
			 0);
	assert_string_equal(lq_colmap_apply(m, "first_contact_date"),
			    "created_at");
	assert_string_equal(lq_colmap_apply(m, "Origin"), "source");
	assert_string_equal(lq_colmap_apply(m, "junk"), "-");
	assert_true(lq_colmap_ignored(lq_colmap_apply(m, "junk")));
	assert_false(lq_colmap_ignored(lq_colmap_apply(m, "origin")));
	const char *col = "email";
	assert_ptr_equal(lq_colmap_apply(m, col), col);
	lq_colmap_free(m);

	assert_ptr_equal(lq_colmap_apply(NULL, col), col);
	assert_int_equal(lq_colmap_parse(NULL, &m, &err), 0);
	assert_ptr_equal(lq_colmap_apply(m, col), col);
	lq_colmap_free(m);
	assert_int_equal(lq_colmap_parse("", &m, &err), 0);
	lq_colmap_free(m);
	lq_colmap_free(NULL);
}

static void expect_map_error(const char *spec, const char *msg)
{
	lq_colmap *m = (lq_colmap *)1;
	lq_error err;
	lq_error_clear(&err);
	assert_int_equal(lq_colmap_parse(spec, &m, &err), LQ_EINVAL);
	assert_null(m);
	assert_string_equal(err.msg, msg);
}

static void test_colmap_errors(void **state)
{
	expect_map_error("a=b,c", "invalid --map entry 'c': expected "
			 "column=field");
	expect_map_error("=x", "invalid --map entry '=x': expected "
			 "column=field");
	expect_map_error("a= ", "invalid --map entry 'a=': expected "
			 "column=field");
	expect_map_error("a=b,A=c", "column 'A' is mapped twice in --map");
	size_t len;
	char *big = repeat('c', LQ_COLMAP_MAX_NAME + 1, "", "=x", &len);
	lq_colmap *m;
	lq_error err;
	assert_int_equal(lq_colmap_parse(big, &m, &err), LQ_EINVAL);
	assert_non_null(strstr(err.msg, "longer than 256 bytes"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_rows),
		cmocka_unit_test(test_quoted_cells),
		cmocka_unit_test(test_crlf_and_unquoted_spaces),
		cmocka_unit_test(test_bom_blank_lines_no_final_newline),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_unbalanced_quote),
		cmocka_unit_test(test_misplaced_quotes),
		cmocka_unit_test(test_error_column),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_cell_limit),
		cmocka_unit_test(test_cell_count_limit),
		cmocka_unit_test(test_chunk_boundaries),
		cmocka_unit_test(test_colmap_apply),
		cmocka_unit_test(test_colmap_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
