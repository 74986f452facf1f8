/* api-health.h */
#ifndef SUIVI_API_HEALTH_H
#define SUIVI_API_HEALTH_H
#include "http/http.h"
extern const struct route api_health_routes[];
extern const struct db_stmt api_health_stmts[];
#endif
