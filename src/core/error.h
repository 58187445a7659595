/*
 * error.h - the one error type every leadq function fills.
 *
 * Functions return 0 on success or a negative LQ_E* code and describe the
 * problem in an lq_error: a lowercase message with the problem first, and,
 * when input is at fault, where (file, line, column). Adapters turn it into
 * a CLI message (exit 2 for user errors, 1 for internal ones) or an HTTP
 * error body. Never abort() on bad input.
 */
#ifndef LQ_ERROR_H
#define LQ_ERROR_H

#include <stddef.h>

enum {
	LQ_OK = 0,
	LQ_EINVAL = -1,    /* bad input from a user: file, CSV cell, JSON body */
	LQ_ENOTFOUND = -2, /* the lead, account or file asked for does not exist */
	LQ_ECONFLICT = -3, /* the request contradicts the current state */
	LQ_ENOMEM = -4,    /* allocation failed */
	LQ_EIO = -5,       /* the database or a file could not be read/written */
	LQ_EINTERNAL = -6, /* a bug or an unexpected library failure */
	LQ_ETOOBIG = -7,   /* input larger than its limit (HTTP 413) */
};

typedef struct lq_error {
	int code;          /* one of LQ_E*, 0 when no error */
	char msg[512];     /* lowercase, no full stop, problem first */
	char file[256];    /* input file at fault, "" when none */
	int line;          /* 1-based line in file, 0 when unknown */
	int col;           /* 1-based column, 0 when unknown */
	char field[64];    /* field at fault (HTTP error bodies), "" when none */
} lq_error;

/* Clear err (code 0, empty strings). err may be NULL. */
void lq_error_clear(lq_error *err);

/* Set code and a printf-style message; returns code so callers can write
 * `return lq_error_set(err, LQ_EINVAL, "...")`. err may be NULL. */
int lq_error_set(lq_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, with a position in an input file (file may be NULL or ""). */
int lq_error_at(lq_error *err, int code, const char *file, int line, int col,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prefix the existing message with "prefix: " (e.g. "line 4"). */
void lq_error_prefix(lq_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write "file:line:col: message" (or the parts that are known) into out. */
void lq_error_format(const lq_error *err, char *out, size_t outsz);

/* True when code is a user error (exit status 2), false for internal. */
int lq_error_is_user(int code);

#endif
