/*
 * webhook_post.c - one libcurl easy handle per POST: signed JSON out,
 * status back, response body counted and dropped. Never follows
 * redirects, never installs signal handlers, never logs the URL (it may
 * hold a token).
 */
#include "io/webhook_post.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#define DEFAULT_TIMEOUT_MS 10000L
#define MAX_HEADER_VALUE 256
#define MAX_RESPONSE_BYTES (1024 * 1024)

/* Response body sink: counts bytes and stops the transfer past a bound. */
typedef struct body_sink {
	size_t seen;
	int overflow;
} body_sink;

static size_t drop_body(char *data, size_t size, size_t nmemb, void *userp)
{
	body_sink *sink = userp;
	size_t n = size * nmemb;

	(void)data;
	if (n > MAX_RESPONSE_BYTES - sink->seen) {
		sink->overflow = 1;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	sink->seen += n;
	return n;
}

void lq_webhook_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void lq_webhook_global_cleanup(void)
{
	curl_global_cleanup();
}

static int header_value_ok(const char *v)
{
	size_t n = strlen(v);
	if (n > MAX_HEADER_VALUE)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

/* Append "name: value" to *list; LQ_EINVAL for a bad value, LQ_EINTERNAL
 * when curl cannot allocate. */
static int add_header(struct curl_slist **list, const char *name,
		      const char *value, lq_error *err)
{
	char line[64 + MAX_HEADER_VALUE];
	struct curl_slist *next;

	if (!value)
		value = "";
	if (!header_value_ok(value))
		return lq_error_set(err, LQ_EINVAL,
				    "webhook header %s is too long or holds a "
				    "control character", name);
	snprintf(line, sizeof line, "%s: %s", name, value);
	next = curl_slist_append(*list, line);
	if (!next)
		return lq_error_set(err, LQ_EINTERNAL,
				    "out of memory building webhook headers");
	*list = next;
	return 0;
}

static int build_headers(struct curl_slist **list, const char *signature,
			 const char *delivery_id, const char *event,
			 lq_error *err)
{
	int rc;

	*list = NULL;
	if ((rc = add_header(list, "Content-Type", "application/json", err)) ||
	    (rc = add_header(list, "X-Leadq-Signature", signature, err)) ||
	    (rc = add_header(list, "X-Leadq-Delivery", delivery_id, err)) ||
	    (rc = add_header(list, "X-Leadq-Event", event, err)))
		return rc;
	/* No "Expect: 100-continue" round trip for larger bodies. */
	struct curl_slist *next = curl_slist_append(*list, "Expect:");
	if (!next)
		return lq_error_set(err, LQ_EINTERNAL,
				    "out of memory building webhook headers");
	*list = next;
	return 0;
}

/* Protocol restriction: http and https only, for the request and (although
 * redirects are not followed) for any redirect. */
static CURLcode restrict_protocols(CURL *h)
{
	CURLcode rc;
#if LIBCURL_VERSION_NUM >= 0x075500
	rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
				      "http,https");
#else
	rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS,
			      (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS,
				      (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	return rc;
}

static CURLcode set_options(CURL *h, const char *url, const char *body,
			    size_t len, struct curl_slist *headers,
			    long timeout_ms, body_sink *sink, char *errbuf)
{
	CURLcode rc = CURLE_OK;

#define SET(opt, val) \
	do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_URL, url);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDS, body ? body : "");
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_USERAGENT, "leadq/0.1");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_WRITEFUNCTION, drop_body);
	SET(CURLOPT_WRITEDATA, sink);
#undef SET
	if (rc == CURLE_OK)
		rc = restrict_protocols(h);
	return rc;
}

static int is_usage_error(CURLcode rc)
{
	return rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL;
}

/* Turn the outcome of curl_easy_perform into our result. */
static int finish(CURL *h, CURLcode rc, const body_sink *sink,
		  const char *errbuf, lq_post_result *out, lq_error *err)
{
	long status = 0;

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	/* A response too long to read to its end still answered. */
	if (rc == CURLE_WRITE_ERROR && sink->overflow && status > 0)
		rc = CURLE_OK;
	if (rc == CURLE_OK) {
		out->status = status;
		return 0;
	}
	out->status = 0;
	snprintf(out->error, sizeof out->error, "%s",
		 errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return lq_error_set(err, is_usage_error(rc) ? LQ_EINVAL : LQ_EIO,
			    "webhook post failed: %s", out->error);
}

int lq_webhook_post(const char *url, const char *body, size_t len,
		    const char *signature_header_value, const char *delivery_id,
		    const char *event, long timeout_ms, lq_post_result *out,
		    lq_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	body_sink sink = {0, 0};
	CURL *h = NULL;
	CURLcode crc;
	int rc;

	memset(out, 0, sizeof *out);
	if (!url || !url[0])
		return lq_error_set(err, LQ_EINVAL, "webhook url is empty");
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	rc = build_headers(&headers, signature_header_value, delivery_id,
			   event, err);
	if (rc)
		goto free_headers;
	h = curl_easy_init();
	if (!h) {
		rc = lq_error_set(err, LQ_EINTERNAL, "cannot create a curl handle");
		goto free_headers;
	}
	crc = set_options(h, url, body, len, headers, timeout_ms, &sink, errbuf);
	if (crc != CURLE_OK) {
		rc = lq_error_set(err, LQ_EINTERNAL, "cannot set curl option: %s",
				  curl_easy_strerror(crc));
		goto cleanup_handle;
	}
	crc = curl_easy_perform(h);
	rc = finish(h, crc, &sink, errbuf, out, err);
cleanup_handle:
	curl_easy_cleanup(h);
free_headers:
	if (rc && !out->error[0])
		snprintf(out->error, sizeof out->error, "%s",
			 err ? err->msg : "webhook post failed");
	curl_slist_free_all(headers);
	return rc;
}
