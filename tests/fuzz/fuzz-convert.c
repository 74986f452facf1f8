/* fuzz-convert.c — suivi import's reading of documents (client/convert.c): what a file is by
 * its content, then .docx, .odt (libarchive, libxml2) and HTML (libxml2) into minutes text.
 * PDF goes to a child process and is left out. Input: the file as it is.
 *
 * Properties: a refusal has a cause naming the file, on one line; a conversion is
 * NUL-free text made of paragraphs each followed by a blank line. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum convert_kind kind;
	char *cause = NULL;

	if (!convert_sniff("f", (const char *)data, size, &kind, &cause)) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, "f ", 2) == 0, "cause: %s", cause);
		free(cause);
		return 0;
	}
	if (kind == CONVERT_TEXT || kind == CONVERT_PDF)
		return 0;
	char *text = convert_document(kind, "f", (const char *)data, size, &cause);
	if (text == NULL) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, "f ", 2) == 0 &&
			       strchr(cause, '\n') == NULL,
			   "cause: %s", cause);
		free(cause);
		return 0;
	}
	size_t n = strlen(text);
	FUZZ_CHECK(n >= 3 && text[n - 1] == '\n' && text[n - 2] == '\n', "paragraphs end so");
	FUZZ_CHECK(strstr(text, "\n\n\n") == NULL && text[0] != '\n', "empty paragraph");
	free(text);
	return 0;
}
