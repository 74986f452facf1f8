/* api-recommendations.h — /v1/recommendations: list, create, read, edit, transitions,
 * comments and history. */
#ifndef SUIVI_API_RECOMMENDATIONS_H
#define SUIVI_API_RECOMMENDATIONS_H

#include "db/db.h"
#include "http/http.h"

extern const struct route api_recommendations_routes[];
extern const struct db_stmt api_recommendations_stmts[];

#endif
