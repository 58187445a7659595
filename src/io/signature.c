/*
 * signature.c - HMAC-SHA256 webhook signatures and UUID v4 delivery ids
 * with libsodium. Never compares MACs with memcmp/strcmp.
 */
#include "io/signature.h"

#include <string.h>

#include <sodium.h>

#include "core/error.h"

#define SIG_PREFIX "sha256="
#define SIG_HEX_LEN (2 * crypto_auth_hmacsha256_BYTES)

int lq_crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

static void hmac_sha256(const char *secret, const void *body, size_t len,
			unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;
	const char *key = secret ? secret : "";

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key,
				    strlen(key));
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
}

void lq_sign_hmac_sha256_hex(const char *secret, const void *body, size_t len,
			     char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	hmac_sha256(secret, body, len, mac);
	sodium_bin2hex(out, SIG_HEX_LEN + 1, mac, sizeof mac);
}

/* Decode "sha256=<64 hex>" into mac; 0 or -1 when malformed. */
static int parse_header(const char *value,
			unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	size_t plen = strlen(SIG_PREFIX);
	const char *hex;
	size_t bin_len = 0;
	const char *end = NULL;

	if (!value || strncmp(value, SIG_PREFIX, plen) != 0)
		return -1;
	hex = value + plen;
	if (strlen(hex) != SIG_HEX_LEN)
		return -1;
	if (sodium_hex2bin(mac, crypto_auth_hmacsha256_BYTES, hex, SIG_HEX_LEN,
			   NULL, &bin_len, &end) != 0)
		return -1;
	if (bin_len != crypto_auth_hmacsha256_BYTES || *end != '\0')
		return -1;
	return 0;
}

int lq_sign_verify(const char *secret, const void *body, size_t len,
		   const char *header_value)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES];
	unsigned char got[crypto_auth_hmacsha256_BYTES];
	int ok;

	if (parse_header(header_value, got) != 0)
		return LQ_EINVAL;
	hmac_sha256(secret, body, len, want);
	ok = sodium_memcmp(want, got, sizeof want) == 0;
	sodium_memzero(want, sizeof want);
	return ok ? 0 : LQ_EINVAL;
}

void lq_random_delivery_id(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t o = 0;

	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (size_t i = 0; i < sizeof b; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
}

double lq_random_unit(void)
{
	return (double)randombytes_uniform(1000000000u) / 1e9;
}
