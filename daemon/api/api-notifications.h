/* api-notifications.h — POST /v1/reminders/run, GET /v1/notifications,
 * POST /v1/notifications/{id}/retry (secretariat). */
#ifndef SUIVI_API_NOTIFICATIONS_H
#define SUIVI_API_NOTIFICATIONS_H
#include "http/http.h"
extern const struct route api_notifications_routes[];
extern const struct db_stmt api_notifications_stmts[];
#endif
