/* fuzz-import-minutes.c — the importer of meeting minutes (text/plain): bullets, numbers, letters,
 * roman numerals, headings, continuations; the properties are in fuzz-import.c. Input: the body as
 * it is. */
#include "suivi-config.h"

#include "fuzz-import.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("text/plain", data, size);
	return 0;
}
