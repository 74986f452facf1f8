/* date.h — civil dates (proleptic Gregorian), shared by suivid and suivi. */
#ifndef SUIVI_DATE_H
#define SUIVI_DATE_H

#include <stdbool.h>
#include <time.h>

#include "util.h"

struct date {
	int year;  /* 1..9999 */
	int month; /* 1..12 */
	int day;   /* 1..31, valid for the month */
};

/* Parse exactly YYYY-MM-DD; refuses impossible dates such as 2019-02-30. */
bool date_parse(const char *s, struct date *out);
/* Write YYYY-MM-DD into buf (at least 11 bytes). */
void date_format(const struct date *d, char *buf);
bool date_valid(int year, int month, int day);
int date_days_in_month(int year, int month);
/* Days since 1970-01-01 and back. */
long date_to_days(const struct date *d);
struct date date_from_days(long days);
/* Add months, clamping the day to the end of the target month (Jan 31 + 1m = Feb 28/29). */
struct date date_add_months(const struct date *d, int months);
/* 0 = Monday … 6 = Sunday. */
int date_weekday(const struct date *d);
/* The date at instant t in the IANA time zone tz (NULL: the process's own zone); false when
 * tz is not a zone this machine knows (zone.h) or the year is outside 1..9999. */
bool date_in_zone(const char *tz, time_t t, struct date *out) WUR;
/* Today in zone tz, as date_in_zone. */
bool date_today(const char *tz, struct date *out) WUR;

#endif
