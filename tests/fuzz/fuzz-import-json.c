/* fuzz-import-json.c — the importer of a JSON array of recommendation objects; the properties are
 * in fuzz-import.c. Input: the body as it is. */
#include "suivi-config.h"

#include "fuzz-import.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("application/json", data, size);
	return 0;
}
