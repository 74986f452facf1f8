/* zone.h — IANA time zones, shared by suivid and suivi: the only module that touches the TZ
 * environment variable and tzset().
 *
 * One failure rule everywhere: a zone this machine does not know (no TZif file under the
 * zoneinfo directory, $TZDIR or /usr/share/zoneinfo) is an error returned to the caller, never
 * a silent fallback to UTC as glibc does. Names are IANA names ("Europe/Brussels",
 * "Etc/GMT+5", "UTC"); POSIX rules ("CET-1CEST,M3.5.0,M10.5.0/3"), absolute paths and ".."
 * are refused.
 *
 * Switching the zone changes the whole process: callers are single-threaded (the daemon's one
 * event loop, the client), and nothing may run between zone_enter and zone_leave but the
 * computation that needs the zone. */
#ifndef SUIVI_ZONE_H
#define SUIVI_ZONE_H

#include <stdbool.h>
#include <time.h>

#include "util.h"

/* What zone_enter saves for zone_leave; the fields are zone.c's. */
struct zone_saved {
	char *old; /* TZ before, NULL when it was unset */
};

/* True when tz names a zone this machine knows. */
bool zone_valid(const char *tz);
/* Make tz the process's zone until zone_leave; -1 (nothing changed) when tz is not valid. */
int zone_enter(const char *tz, struct zone_saved *saved) WUR;
/* Restore the zone a successful zone_enter found. */
void zone_leave(struct zone_saved *saved);
/* The local time of instant t in zone tz, or in the process's own zone (TZ, else the system's)
 * when tz is NULL; false when tz is not valid. */
bool zone_localtime(const char *tz, time_t t, struct tm *out) WUR;

#endif
