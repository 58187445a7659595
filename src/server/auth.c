/*
 * auth.c - who is calling: the API key from Authorization (Bearer KEY, or
 * HTTP Basic with the key as user name as Segment's libraries send it), or
 * "writeKey" in a tracking body (browsers' sendBeacon cannot set headers);
 * the role check against the route; the per-key rate limit.
 *
 * Verified keys are cached for a few seconds under a hash of the key (the
 * key itself is not kept), so a busy tracking endpoint does not look every
 * key up in the database; a revoked key stops working within that time.
 * The cache runs on the monotonic clock, never on the server's business
 * clock (--now may stand still; revocation must not).
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "server/mono.h"
#include "server/server_internal.h"

#define CACHE_SLOTS 1024
#define CACHE_TTL_MS 5000

typedef struct cached_key {
	unsigned char digest[16];
	int64_t id;
	lq_role role;
	int64_t until;             /* monotonic ms */
} cached_key;

struct lq_key_cache {
	pthread_mutex_t lock;
	cached_key slot[CACHE_SLOTS];
};

lq_key_cache *lq_key_cache_new(void)
{
	lq_key_cache *c = lq_xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void lq_key_cache_free(lq_key_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	sodium_memzero(c, sizeof *c);
	free(c);
}

static size_t cache_slot(const unsigned char *digest)
{
	return ((size_t)digest[0] << 8 | digest[1]) % CACHE_SLOTS;
}

static int cache_get(lq_key_cache *c, const unsigned char *digest, int64_t now,
		     int64_t *id, lq_role *role)
{
	int hit = 0;
	cached_key *k = &c->slot[cache_slot(digest)];
	pthread_mutex_lock(&c->lock);
	if (k->until > now && sodium_memcmp(k->digest, digest, 16) == 0) {
		*id = k->id;
		*role = k->role;
		hit = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

static void cache_put(lq_key_cache *c, const unsigned char *digest, int64_t now,
		      int64_t id, lq_role role)
{
	cached_key *k = &c->slot[cache_slot(digest)];
	pthread_mutex_lock(&c->lock);
	memcpy(k->digest, digest, 16);
	k->id = id;
	k->role = role;
	k->until = now + CACHE_TTL_MS;
	pthread_mutex_unlock(&c->lock);
}

/* The key from the Authorization header, into out; 0 when none. */
static int header_key(const char *authorization, char *out, size_t outsz)
{
	if (!authorization)
		return 0;
	if (strncasecmp(authorization, "Bearer ", 7) == 0) {
		snprintf(out, outsz, "%s", authorization + 7);
		return out[0] != '\0';
	}
	if (strncasecmp(authorization, "Basic ", 6) == 0) {
		unsigned char raw[256];
		size_t len = 0;
		const char *b64 = authorization + 6;
		if (sodium_base642bin(raw, sizeof raw - 1, b64, strlen(b64), NULL, &len,
				      NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			return 0;
		raw[len] = '\0';
		char *colon = strchr((char *)raw, ':');
		if (colon)
			*colon = '\0';   /* the user name is the key, no password */
		snprintf(out, outsz, "%s", (char *)raw);
		sodium_memzero(raw, sizeof raw);
		return out[0] != '\0';
	}
	return 0;
}

/* writeKey in a tracking body (the snippet's sendBeacon fallback). */
static int body_key(const lq_http_req *req, char *out, size_t outsz)
{
	if (strncmp(req->path, "/v1/", 4) != 0 || req->body_len == 0)
		return 0;
	cJSON *j = cJSON_ParseWithLength(req->body, req->body_len);
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "writeKey");
	int found = cJSON_IsString(k) && k->valuestring[0];
	if (found)
		snprintf(out, outsz, "%s", k->valuestring);
	cJSON_Delete(j);
	return found;
}

static int verify(struct lq_server *s, lq_http_req *req, const char *key,
		  lq_http_res *res)
{
	unsigned char digest[16];
	lq_api_key k;
	lq_error err;
	crypto_generichash(digest, sizeof digest, (const unsigned char *)key,
			   strlen(key), NULL, 0);
	if (cache_get(s->keys, digest, lq_mono_ms(), &req->key_id, &req->role))
		return 0;
	memset(&k, 0, sizeof k);
	lq_error_clear(&err);
	int rc = lq_service_key_verify(req->svc, key, &k, &err);
	if (rc == LQ_ENOTFOUND) {
		lq_http_error(res, 401, "invalid api key", NULL);
		return -1;
	}
	if (rc) {
		lq_http_fail(res, &err);
		return -1;
	}
	req->key_id = k.id;
	req->role = lq_role_parse(k.role);
	lq_api_key_free(&k);
	cache_put(s->keys, digest, lq_mono_ms(), req->key_id, req->role);
	return 0;
}

static int rate_limited(struct lq_server *s, lq_http_req *req, lq_http_res *res)
{
	int retry = 0;
	if (lq_ratelimit_take(s->limiter, req->key_id, lq_mono_ms(), 1.0, &retry))
		return 0;
	lq_http_error(res, 429, "too many requests for this api key", NULL);
	snprintf(res->header_name, sizeof res->header_name, "Retry-After");
	snprintf(res->header_value, sizeof res->header_value, "%d", retry);
	return -1;
}

int lq_server_auth(struct lq_server *s, const lq_route *route,
		   const char *authorization, lq_http_req *req,
		   lq_http_res *res)
{
	char key[256];
	int rc;
	if (route->roles == LQ_ANYONE)
		return 0;
	if (!header_key(authorization, key, sizeof key) &&
	    !body_key(req, key, sizeof key)) {
		lq_http_error(res, 401, "an api key is required (Authorization: Bearer KEY)",
			      NULL);
		return -1;
	}
	rc = verify(s, req, key, res);
	sodium_memzero(key, sizeof key);
	if (rc)
		return rc;
	if (!lq_role_allows(req->role, route->roles)) {
		char msg[128];
		snprintf(msg, sizeof msg, "a %s key may not call %s %s",
			 lq_role_name(req->role), route->method, route->pattern);
		lq_http_error(res, 403, msg, NULL);
		return -1;
	}
	return rate_limited(s, req, res);
}
