/* fuzz-cursor.c — page cursors (api_cursor_decode, api_cursor_encode) and the base64url
 * codec under them.
 *
 * Input: a cursor as a client would send it (up to a NUL), and the whole input as a key.
 * Properties: a cursor that decodes gives a key in valid UTF-8 without NUL, and encoding that
 * key gives the very cursor back (one key, one spelling: a strict decoder); any key without
 * NUL survives encode then decode; base64url decodes what it encodes, byte for byte, and
 * refuses nothing it wrote. */
#include "suivi-config.h"

#include <string.h>

#include "api/api-util.h"
#include "base64.h"
#include "fuzz.h"
#include "utf8.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	size_t tlen = strlen(text);

	char *key = api_cursor_decode(text);
	if (key != NULL) {
		FUZZ_CHECK(utf8_valid(key, strlen(key)), "key not UTF-8");
		char *again = api_cursor_encode(key);
		FUZZ_CHECK(strcmp(again, text) == 0, "cursor %s decodes to a key encoded as %s",
			   text, again);
		free(again);
		free(key);
	}
	if (utf8_valid(text, tlen)) {
		char *cursor = api_cursor_encode(text);
		key = api_cursor_decode(cursor);
		/* Cursors are bounded (512 characters); longer keys are no page's. */
		if (strlen(cursor) <= 512)
			FUZZ_CHECK(key != NULL && strcmp(key, text) == 0, "key %s lost through %s",
				   text, cursor);
		free(key);
		free(cursor);
	}

	char *enc = xmalloc(BASE64_URL_LEN(size) + 1);
	base64_url_encode(data, size, enc);
	FUZZ_CHECK(strlen(enc) == BASE64_URL_LEN(size), "length %zu for %zu bytes", strlen(enc),
		   size);
	size_t n;
	char *dec = base64_url_decode(enc, strlen(enc), &n);
	FUZZ_CHECK(dec != NULL && n == size && memcmp(dec, data, size) == 0,
		   "base64url round trip of %zu bytes", size);
	free(dec);
	free(enc);
	free(text);
	return 0;
}
