/* date.c — civil dates in the proleptic Gregorian calendar. Day counts use Howard Hinnant's
 * days_from_civil / civil_from_days algorithms
 * (http://howardhinnant.github.io/date_algorithms.html), exact over the whole 1..9999 range without
 * any table or loop. */
#include "suivi-config.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "zone.h"

static bool is_leap(int year);
static bool parse_digits(const char *s, int n, int *out);

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Exactly n ASCII digits (isdigit would accept locale digits and sscanf signs and spaces). */
static bool parse_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int date_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

bool date_valid(int year, int month, int day)
{
	if (year < 1 || year > 9999 || month < 1 || month > 12)
		return false;
	return day >= 1 && day <= date_days_in_month(year, month);
}

bool date_parse(const char *s, struct date *out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!parse_digits(s, 4, &y) || !parse_digits(s + 5, 2, &m) || !parse_digits(s + 8, 2, &d))
		return false;
	if (!date_valid(y, m, d))
		return false;
	out->year = y;
	out->month = m;
	out->day = d;
	return true;
}

void date_format(const struct date *d, char *buf)
{
	snprintf(buf, 11, "%04d-%02d-%02d", d->year, d->month, d->day);
}

/* days_from_civil: shift the year to start in March so the leap day is the last one, then
 * count whole 400-year eras (146097 days each) and the days within the era. */
long date_to_days(const struct date *d)
{
	long y = d->year - (d->month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;                             /* [0, 399] */
	long mp = d->month > 2 ? d->month - 3 : d->month + 9; /* March = 0 */
	long doy = (153 * mp + 2) / 5 + d->day - 1;           /* [0, 365] */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;     /* [0, 146096] */
	return era * 146097 + doe - 719468; /* 719468 = days from 0000-03-01 to 1970-01-01 */
}

/* civil_from_days: the inverse of date_to_days. */
struct date date_from_days(long days)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct date d;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

struct date date_add_months(const struct date *d, int months)
{
	/* Count months from year 0 so that negative additions floor correctly. */
	long total = (long)d->year * 12 + (d->month - 1) + months;
	long y = total >= 0 ? total / 12 : (total - 11) / 12;
	struct date r;
	r.year = (int)y;
	r.month = (int)(total - y * 12) + 1;
	int last = date_days_in_month(r.year, r.month);
	r.day = d->day > last ? last : d->day;
	return r;
}

int date_weekday(const struct date *d)
{
	long days = date_to_days(d);
	/* 1970-01-01 was a Thursday, 3 when Monday is 0. */
	long w = (days + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

bool date_in_zone(const char *tz, time_t t, struct date *out)
{
	struct tm tm;

	if (!zone_localtime(tz, t, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
		return false;
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	return true;
}

bool date_today(const char *tz, struct date *out)
{
	return date_in_zone(tz, time(NULL), out);
}
