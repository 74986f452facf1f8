/* api-dashboard.h */
#ifndef SUIVI_API_DASHBOARD_H
#define SUIVI_API_DASHBOARD_H
#include "http/http.h"
extern const struct route api_dashboard_routes[];
extern const struct db_stmt api_dashboard_stmts[];
#endif
