/*
 * csv_reader.h - a streaming CSV reader over a FILE*, one row at a time
 * (RFC 4180 via libcsv, strict: a stray or unbalanced quote is an error).
 *
 * It reads the file in fixed-size chunks, so memory depends on the longest
 * row, never on the file size. It handles CRLF and CR line ends, quoted
 * cells holding commas, quotes and newlines, and a UTF-8 byte order mark at
 * the start. It only splits text into cells: what the cells mean is the
 * business of the record decoders (lead_record, stage_record), and it must
 * never interpret them.
 *
 * Unquoted cells lose their leading and trailing spaces and tabs; blank
 * lines are skipped. Errors carry the file name and the 1-based line.
 */
#ifndef LQ_CSV_READER_H
#define LQ_CSV_READER_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

#define LQ_CSV_MAX_CELL (1024 * 1024)      /* bytes in one cell */
#define LQ_CSV_MAX_CELLS 10000             /* cells in one row */
#define LQ_CSV_MAX_ROW (64 * 1024 * 1024)  /* bytes in one row */

typedef struct lq_csv_reader lq_csv_reader;

/* One row, borrowed from the reader: valid until the next lq_csv_next or
 * lq_csv_close. Cells are NUL-terminated ("" for an empty cell). */
typedef struct lq_csv_row {
	const char **cells;
	size_t n;          /* number of cells, at least 1 */
	int line;          /* 1-based physical line where the row starts */
} lq_csv_row;

/* Start reading f (borrowed: the caller closes it after lq_csv_close).
 * name is used in error messages ("leads.csv:12: ..."); NULL means "".
 * Returns 0 and a reader the caller frees with lq_csv_close. */
int lq_csv_open(FILE *f, const char *name, lq_csv_reader **out,
		lq_error *err);

/* Read the next row: 1 with *row set, 0 at the end of the file, or a
 * negative LQ_E* code with err->file and err->line set:
 *   LQ_EINVAL "unbalanced quote", "quote inside an unquoted cell",
 *             "text after a closing quote", "NUL byte in input",
 *             "invalid UTF-8 in cell 3" (text must be UTF-8),
 *             "cell larger than 1048576 bytes",
 *             "row has more than 10000 cells",
 *             "row larger than 67108864 bytes"
 *   LQ_EIO    "cannot read: <strerror>"
 * After an error every further call returns the same error. */
int lq_csv_next(lq_csv_reader *r, const lq_csv_row **row, lq_error *err);

/* Release the reader (not the FILE). NULL is a no-op. */
void lq_csv_close(lq_csv_reader *r);

#endif
