/* api-import.h — POST /v1/meetings/{code}/import: minutes, CSV or JSON into recommendations,
 * all or nothing. */
#ifndef SUIVI_API_IMPORT_H
#define SUIVI_API_IMPORT_H

#include "db/db.h"
#include "http/http.h"

extern const struct route api_import_routes[];
extern const struct db_stmt api_import_stmts[];

#endif
