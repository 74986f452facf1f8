/* api-reports.h — /v1/reports/{overdue,summary,brief} as JSON, text (as mailed) or CSV. */
#ifndef SUIVI_API_REPORTS_H
#define SUIVI_API_REPORTS_H

#include "db/db.h"
#include "http/http.h"

extern const struct route api_reports_routes[];
extern const struct db_stmt api_reports_stmts[];

#endif
