/* test-import.h — what the import suites share: the default options (the default workflow
 * and limits, as api-import.c passes the database's) and parse helpers. */
#ifndef SUIVI_TEST_IMPORT_H
#define SUIVI_TEST_IMPORT_H

#include <stddef.h>

#include "import/import.h"

extern const struct import_options import_test_opts;

/* import_parse with import_test_opts. */
int import_test_parse(const char *type, const char *data, size_t len, struct import_result *res,
		      struct import_error *err);
/* Parse, failing the test with the error when refused. */
void import_test_ok(const char *type, const char *data, size_t len, struct import_result *res);
/* Parse, expecting a refusal and an empty result. */
void import_test_err(const char *type, const char *data, struct import_error *err);
/* unit repeated n times (caller frees). */
char *import_test_repeat(const char *unit, size_t n);

#endif
