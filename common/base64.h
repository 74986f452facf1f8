/* base64.h — base64 (RFC 4648 section 4, padded: MIME encoded words) and base64url (section 5,
 * unpadded: tokens and page cursors), shared by suivid and suivi.
 *
 * The decoder is strict: it accepts exactly what base64_url_encode can write, so that one
 * value has one spelling (no padding, no white space, no stray bits in the last character). */
#ifndef SUIVI_BASE64_H
#define SUIVI_BASE64_H

#include <stddef.h>

#include "util.h"

/* Characters base64_encode writes for len bytes (padded to a multiple of 4). */
#define BASE64_LEN(len) (((len) + 2) / 3 * 4)
/* Characters base64_url_encode writes for len bytes (no padding). */
#define BASE64_URL_LEN(len) (((len)*4 + 2) / 3)

/* Write len bytes as padded base64 into out: BASE64_LEN(len) characters and a NUL. */
void base64_encode(const void *in, size_t len, char *out);
/* Write len bytes as unpadded base64url into out: BASE64_URL_LEN(len) characters and a NUL. */
void base64_url_encode(const void *in, size_t len, char *out);
/* Decode len characters of unpadded base64url: a new buffer of *out_len bytes followed by a
 * NUL (not counted), or NULL when s is not what base64_url_encode writes. Caller frees. */
char *base64_url_decode(const char *s, size_t len, size_t *out_len) WUR;

#endif
