/* api-owners.h — /v1/owners: the organisations and people who lead recommendations. */
#ifndef SUIVI_API_OWNERS_H
#define SUIVI_API_OWNERS_H

#include "db/db.h"
#include "http/http.h"

extern const struct route api_owners_routes[];
extern const struct db_stmt api_owners_stmts[];

#endif
