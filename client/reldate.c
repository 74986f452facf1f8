/* reldate.c — dates typed on the command line, relative to the local date. */
#include "suivi-config.h"

#include <stdio.h>
#include <string.h>

#include "reldate.h"

static bool parse_count(const char *s, size_t len, long *out);
static bool in_range(const struct date *d);

/* Up to six digits: +999999d is already far beyond year 9999, and a bound keeps the
 * arithmetic below free of overflow. */
static bool parse_count(const char *s, size_t len, long *out)
{
	long n = 0;

	if (len == 0 || len > 6)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (s[i] - '0');
	}
	*out = n;
	return true;
}

static bool in_range(const struct date *d)
{
	return d->year >= 1 && d->year <= 9999;
}

bool reldate_parse(const char *s, const struct date *today, struct date *out)
{
	struct date d;
	long n;

	if (s == NULL)
		return false;
	if (strcmp(s, "today") == 0) {
		*out = *today;
		return true;
	}
	if (strcmp(s, "tomorrow") == 0) {
		d = date_from_days(date_to_days(today) + 1);
		if (!in_range(&d))
			return false;
		*out = d;
		return true;
	}
	if (s[0] == '+') {
		size_t len = strlen(s);
		if (len < 3 || !parse_count(s + 1, len - 2, &n))
			return false;
		switch (s[len - 1]) {
		case 'd':
			d = date_from_days(date_to_days(today) + n);
			break;
		case 'w':
			d = date_from_days(date_to_days(today) + 7 * n);
			break;
		case 'm':
			d = date_add_months(today, (int)n);
			break;
		default:
			return false;
		}
		if (!in_range(&d))
			return false;
		*out = d;
		return true;
	}
	if (!date_parse(s, &d) || !in_range(&d))
		return false;
	*out = d;
	return true;
}

void reldate_describe(const struct date *due, const struct date *today, char *buf, size_t len)
{
	long diff = date_to_days(due) - date_to_days(today);

	if (diff < -1)
		snprintf(buf, len, "overdue by %ld days", -diff);
	else if (diff == -1)
		snprintf(buf, len, "overdue by 1 day");
	else if (diff == 0)
		snprintf(buf, len, "due today");
	else if (diff == 1)
		snprintf(buf, len, "due tomorrow");
	else
		snprintf(buf, len, "in %ld days", diff);
}
