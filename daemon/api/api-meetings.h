/* api-meetings.h — /v1/meetings: the meetings whose recommendations are followed. */
#ifndef SUIVI_API_MEETINGS_H
#define SUIVI_API_MEETINGS_H

#include "db/db.h"
#include "http/http.h"

extern const struct route api_meetings_routes[];
extern const struct db_stmt api_meetings_stmts[];

#endif
