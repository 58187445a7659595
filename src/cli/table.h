/*
 * table.h - aligned text tables for the terminal: collect cells, print with
 * every column as wide as its widest cell (UTF-8 aware for width).
 */
#ifndef LQ_TABLE_H
#define LQ_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct lq_table lq_table;

/* headers: ncols strings, copied. A header starting with '>' is
 * right-aligned (the '>' is not printed). */
lq_table *lq_table_new(size_t ncols, const char *const *headers);
/* Add a row of ncols cells (copied; NULL prints as ""). */
void lq_table_row(lq_table *t, const char *const *cells);
void lq_table_print(const lq_table *t, FILE *out);
/* The same cells as CSV (header names lowercased, spaces as _). */
void lq_table_print_csv(const lq_table *t, FILE *out);
void lq_table_free(lq_table *t);

#endif
