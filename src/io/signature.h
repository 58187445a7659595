/*
 * signature.h - signing outbound webhook bodies and checking signatures:
 * HMAC-SHA256 of the raw body keyed with the hook's shared secret, sent as
 * "X-Leadq-Signature: sha256=<64 lowercase hex>", plus random delivery ids
 * (UUID v4). Built on libsodium; lq_crypto_init must have run first. Never
 * compares secrets or MACs with anything but a constant-time compare.
 */
#ifndef LQ_SIGNATURE_H
#define LQ_SIGNATURE_H

#include <stddef.h>

/* Initialise libsodium (safe to call more than once); 0 or -1 on failure. */
int lq_crypto_init(void);

/* HMAC-SHA256 of body[0..len) keyed with secret (any length, NULL = ""),
 * written as 64 lowercase hex digits and a NUL into out. */
void lq_sign_hmac_sha256_hex(const char *secret, const void *body, size_t len,
			     char out[65]);

/* 0 when header_value is "sha256=<64 hex digits>" (either case) and the
 * digest matches HMAC-SHA256(secret, body); LQ_EINVAL when it does not
 * match, is malformed or is NULL. */
int lq_sign_verify(const char *secret, const void *body, size_t len,
		   const char *header_value);

/* A random UUID v4 ("xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx", lowercase)
 * and a NUL into out. */
void lq_random_delivery_id(char out[37]);

/* A uniformly random number in [0, 1) (for retry jitter). */
double lq_random_unit(void);

#endif
