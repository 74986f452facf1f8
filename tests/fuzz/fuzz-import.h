/* fuzz-import.h — the import targets' shared checks (fuzz-import.c). */
#ifndef SUIVI_FUZZ_IMPORT_H
#define SUIVI_FUZZ_IMPORT_H

#include <stddef.h>
#include <stdint.h>

/* Parse data as media_type and check every property of the answer (aborts on a failure). */
void fuzz_import(const char *media_type, const uint8_t *data, size_t size);

#endif
