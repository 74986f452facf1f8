/* fuzz-import-csv.c — the importer of RFC 4180 CSV with a header row, any of three delimiters; the
 * properties are in fuzz-import.c. Input: the body as it is. */
#include "suivi-config.h"

#include "fuzz-import.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("text/csv", data, size);
	return 0;
}
