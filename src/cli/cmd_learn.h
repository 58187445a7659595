/*
 * cmd_learn.h - what the learning commands share (cmd_learn.c,
 * cmd_predict.c, render_learn.c): the options every learning query takes
 * and the printing of a learn report. Private to src/cli/.
 */
#ifndef LQ_CMD_LEARN_H
#define LQ_CMD_LEARN_H

#include <stdio.h>

#include "cli/cli.h"

/* Options of a learning query; q borrows the lists held here. */
typedef struct lq_learn_args {
	lq_learn_query q;
	char *fields_buf, *exclude_buf;
	const char **fields, **exclude;
} lq_learn_args;

/* Apply option c (getopt code: o outcome, m min-support, b bins, F fields,
 * X exclude, K no-leak-check, A as-of) with its argument; prints a usage
 * problem and returns 2 when it is bad. */
int lq_learn_arg(const char *cmd, int c, const char *arg, lq_learn_args *a);
void lq_learn_args_free(lq_learn_args *a);

/* "31%", "0.4%", "-" for NAN. */
void lq_learn_pct(double x, char *out, size_t outsz);
/* What was left out of the data, as indented lines. */
void lq_learn_print_scope(const lq_learn_scope *s, FILE *out);
/* The learn report: metrics, lift table, top features (table), or the
 * stored model as JSON. draft_path is where the draft went (NULL: none). */
void lq_learn_print_report(const lq_learn_report *r, const char *draft_path,
			   lq_format fmt, FILE *out);

#endif
