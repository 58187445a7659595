/*
 * webhook_post.h - POST one signed JSON body to a webhook URL with
 * libcurl and report the HTTP status. Knows nothing of outbox rows or
 * retries (the delivery pass decides what a status means); never follows
 * redirects, never speaks anything but http/https, never keeps the
 * response body.
 */
#ifndef LQ_WEBHOOK_POST_H
#define LQ_WEBHOOK_POST_H

#include <stddef.h>

#include "core/error.h"

typedef struct lq_post_result {
	long status;      /* HTTP status, 0 when no response */
	char error[256];  /* transport error text or "" */
} lq_post_result;

/* Call once at program start (before any thread uses lq_webhook_post) and
 * once at exit. */
void lq_webhook_global_init(void);
void lq_webhook_global_cleanup(void);

/* POST body[0..len) to url with headers
 *   Content-Type: application/json
 *   X-Leadq-Signature: <signature_header_value>   (e.g. "sha256=<hex>")
 *   X-Leadq-Delivery: <delivery_id>
 *   X-Leadq-Event: <event>
 * within timeout_ms (connect and whole transfer; <= 0 means 10 s).
 * Returns 0 when a response arrived, whatever its status (out->status);
 * LQ_EIO on a transport failure (refused, timeout, DNS, TLS), with
 * out->error and err filled; LQ_EINVAL when the URL is malformed or not
 * http/https, or a header value is too long or holds a control character;
 * LQ_EINTERNAL when libcurl cannot be set up. Thread-safe after
 * lq_webhook_global_init. */
int lq_webhook_post(const char *url, const char *body, size_t len,
		    const char *signature_header_value, const char *delivery_id,
		    const char *event, long timeout_ms, lq_post_result *out,
		    lq_error *err);

#endif
