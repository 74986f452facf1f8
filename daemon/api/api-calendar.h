/* api-calendar.h — GET /v1/calendar.ics: open deadlines as an iCalendar feed. */
#ifndef SUIVI_API_CALENDAR_H
#define SUIVI_API_CALENDAR_H

#include "http/http.h"

extern const struct route api_calendar_routes[];
extern const struct db_stmt api_calendar_stmts[];

#endif
