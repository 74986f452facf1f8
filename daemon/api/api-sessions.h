/* api-sessions.h */
#ifndef SUIVI_API_SESSIONS_H
#define SUIVI_API_SESSIONS_H
#include "http/http.h"
extern const struct route api_sessions_routes[];
extern const struct db_stmt api_sessions_stmts[];
#endif
