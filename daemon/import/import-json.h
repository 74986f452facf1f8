/* import-json.h — the application/json reader, called by import.c. */
#ifndef SUIVI_IMPORT_JSON_H
#define SUIVI_IMPORT_JSON_H

#include <stddef.h>

#include "import/import-item.h"

/* Read len bytes of data (BOM already skipped), adding each item with import_item_add; -1
 * with the first error in ctx. */
int import_json_parse(struct import_item_ctx *ctx, const char *data, size_t len) WUR;

#endif
