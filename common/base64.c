/* base64.c — base64 and base64url encoding, and a strict base64url decoder. */
#include "suivi-config.h"

#include <stdint.h>
#include <stdlib.h>

#include "base64.h"

static void encode(const unsigned char *in, size_t len, const char *alphabet, bool pad, char *out);
static int url_value(char c);

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char base64_url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Three bytes make four characters; a last group of one or two bytes makes two or three,
 * then '=' up to four when padding. */
static void encode(const unsigned char *in, size_t len, const char *alphabet, bool pad, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = alphabet[(v >> 6) & 63];
		else if (pad)
			out[o++] = '=';
		if (i + 2 < len)
			out[o++] = alphabet[v & 63];
		else if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
}

void base64_encode(const void *in, size_t len, char *out)
{
	encode(in, len, base64_alphabet, true, out);
}

void base64_url_encode(const void *in, size_t len, char *out)
{
	encode(in, len, base64_url_alphabet, false, out);
}

/* The 6-bit value of a base64url character, or -1. */
static int url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

char *base64_url_decode(const char *s, size_t len, size_t *out_len)
{
	uint32_t v = 0;
	int bits = 0;
	size_t o = 0;

	/* A last group of one character would carry 6 bits: not a whole byte. */
	if (len % 4 == 1)
		return NULL;
	char *out = xmalloc(len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		int d = url_value(s[i]);
		if (d < 0) {
			free(out);
			return NULL;
		}
		v = (v << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	/* The bits left over pad the last character: the encoder writes zeros there. */
	if ((v & ((1u << bits) - 1)) != 0) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}
