/*
 * error.c - filling and formatting lq_error. No allocation, no I/O.
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lq_error_clear(lq_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof *err);
}

static int error_vset(lq_error *err, int code, const char *file, int line,
		      int col, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	err->col = col;
	return code;
}

int lq_error_set(lq_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int lq_error_at(lq_error *err, int code, const char *file, int line, int col,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

void lq_error_prefix(lq_error *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof err->msg];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
}

void lq_error_format(const lq_error *err, char *out, size_t outsz)
{
	if (err->file[0] && err->line > 0 && err->col > 0)
		snprintf(out, outsz, "%s:%d:%d: %s", err->file, err->line,
			 err->col, err->msg);
	else if (err->file[0] && err->line > 0)
		snprintf(out, outsz, "%s:%d: %s", err->file, err->line, err->msg);
	else if (err->file[0])
		snprintf(out, outsz, "%s: %s", err->file, err->msg);
	else
		snprintf(out, outsz, "%s", err->msg);
}

int lq_error_is_user(int code)
{
	return code == LQ_EINVAL || code == LQ_ENOTFOUND || code == LQ_ECONFLICT ||
	       code == LQ_ETOOBIG;
}
