/* sha256.h — SHA-256 (FIPS 180-4), for token hashes and migration checksums. */
#ifndef SUIVI_SHA256_H
#define SUIVI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256_ctx {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char buf[64];
	size_t buflen;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_DIGEST_LEN]);
void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_LEN]);
/* Lower-case hex of the digest into hex (65 bytes with the NUL). */
void sha256_hex(const void *data, size_t len, char hex[2 * SHA256_DIGEST_LEN + 1]);

#endif
