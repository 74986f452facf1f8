/* schedule.h — recurring schedules in a time zone: "daily HH:MM", "mon HH:MM" … "sun HH:MM",
 * "monthly D HH:MM" (D in 1..28). Pure computation: the scheduler module owns the timers.
 *
 * Wall-clock times are interpreted in an IANA zone. Across daylight-saving changes a run is
 * never skipped nor doubled: a time that does not exist that day (spring forward) runs at
 * the first instant after the gap; a time that occurs twice (fall back) runs once, at its
 * first occurrence. */
#ifndef SUIVI_SCHEDULE_H
#define SUIVI_SCHEDULE_H

#include <stdbool.h>
#include <time.h>

#include "util.h"

enum schedule_kind {
	SCHEDULE_DAILY,
	SCHEDULE_WEEKLY,
	SCHEDULE_MONTHLY,
};

struct schedule {
	enum schedule_kind kind;
	int weekday; /* SCHEDULE_WEEKLY: 0 = Monday … 6 = Sunday */
	int mday;    /* SCHEDULE_MONTHLY: 1..28 */
	int hour;    /* 0..23 */
	int minute;  /* 0..59 */
};

/* Parse schedule text; -1 with a one-sentence *cause on error. */
int schedule_parse(const char *text, struct schedule *out, char **cause) WUR;
/* Canonical text of a schedule ("mon 08:00"); buf of at least 32 bytes. */
void schedule_format(const struct schedule *s, char *buf, size_t len);
/* The first run strictly after `after` (UTC seconds), in zone tz. Returns (time_t)-1 on error,
 * an unknown zone (zone_valid) included. */
time_t schedule_next(const struct schedule *s, const char *tz, time_t after);
/* The latest run at or before `at` (UTC seconds), in zone tz: the run a daemon that was down
 * may have missed. Returns (time_t)-1 on error. */
time_t schedule_prev(const struct schedule *s, const char *tz, time_t at);

#endif
