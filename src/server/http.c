/*
 * http.c - error bodies, statuses, query strings.
 */
#include "server/http.h"

#include <stdio.h>
#include <string.h>

int lq_http_status_for(int code)
{
	switch (code) {
	case LQ_EINVAL: return 400;
	case LQ_ENOTFOUND: return 404;
	case LQ_ECONFLICT: return 409;
	case LQ_ETOOBIG: return 413;
	default: return 500;
	}
}

static const char *code_name(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 413: return "too_large";
	case 415: return "unsupported_media_type";
	case 422: return "invalid";
	case 429: return "rate_limited";
	case 503: return "unavailable";
	default: return "internal";
	}
}

void lq_http_error(lq_http_res *res, int status, const char *message,
		   const char *field)
{
	res->status = status;
	res->content_type = "application/json";
	lq_buf_reset(&res->body);
	lq_buf_addf(&res->body, "{\"error\":{\"code\":\"%s\",\"message\":", code_name(status));
	lq_buf_add_json_str(&res->body, message);
	if (field && *field) {
		lq_buf_adds(&res->body, ",\"field\":");
		lq_buf_add_json_str(&res->body, field);
	}
	lq_buf_adds(&res->body, "}}");
}

void lq_http_fail(lq_http_res *res, const lq_error *err)
{
	int status = lq_http_status_for(err->code);
	char msg[1024];
	lq_error_format(err, msg, sizeof msg);
	if (status == 500) {
		/* The details (a storage failure: disk full, I/O error...) go
		 * to the server log only; the caller learns nothing internal. */
		fprintf(stderr, "leadq: internal error: %s\n", msg);
		lq_http_error(res, 500, "internal error (see the server log)", NULL);
		return;
	}
	lq_http_error(res, status, msg, err->field);
}

void lq_http_json(lq_http_res *res, int status)
{
	res->status = status;
	res->content_type = "application/json";
}

const char *lq_http_query(const lq_http_req *req, const char *name)
{
	return req->arg ? req->arg(req->conn, name) : NULL;
}

void lq_http_defer_write(lq_http_req *req, lq_write_kind kind,
			 lq_write_fn fn, void *arg, lq_http_written_fn written)
{
	req->defer->write = (lq_http_write){kind, fn, arg, written};
}
