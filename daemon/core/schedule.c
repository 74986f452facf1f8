/* schedule.c — parse recurring schedules and compute their runs in an IANA time zone.
 *
 * Runs are computed per local calendar date: the wanted wall-clock time of that date is turned
 * into an instant (its first occurrence when the hour is doubled, the end of the gap when it does
 * not exist), so each matching date yields exactly one run. */
#include "suivi-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/schedule.h"
#include "util.h"
#include "zone.h"

#define DAY_SECONDS 86400
/* Far enough to find the next monthly run from any date, with margin. */
#define SEARCH_DAYS 400
/* UTC offsets are within -12 h … +14 h; 30 h brackets any local wall time. */
#define BRACKET_SECONDS (30 * 3600)

static const char *const weekday_names[7][2] = {
    {"mon", "monday"}, {"tue", "tuesday"},  {"wed", "wednesday"}, {"thu", "thursday"},
    {"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
};

static int parse_time(const char *text, int *hour, int *minute, char **cause);
static int parse_mday(const char *text, int *mday, char **cause);
static int split_words(char *s, char *words[], int max);
static time_t search(const struct schedule *s, const char *tz, time_t t, int step);
static time_t wall_seconds(time_t t);
static time_t local_run(int year, int mon, int mday, int hour, int minute);
static bool date_matches(const struct schedule *s, const struct tm *date);
static void date_of(time_t t, struct tm *date);
static void date_add_days(struct tm *date, int days);

int schedule_parse(const char *text, struct schedule *out, char **cause)
{
	char *copy, *words[4];
	struct schedule s = {0};
	int n, i, rc = -1;

	copy = xstrdup(text);
	n = split_words(copy, words, (int)ARRAY_LEN(words));
	if (n == 0) {
		set_cause(cause, "schedule is empty (expected \"daily HH:MM\", \"mon HH:MM\" or "
				 "\"monthly D HH:MM\")");
		goto out;
	}
	if (strcasecmp(words[0], "daily") == 0) {
		if (n != 2) {
			set_cause(cause, "a daily schedule is written \"daily HH:MM\"");
			goto out;
		}
		s.kind = SCHEDULE_DAILY;
		if (parse_time(words[1], &s.hour, &s.minute, cause) != 0)
			goto out;
	} else if (strcasecmp(words[0], "monthly") == 0) {
		if (n != 3) {
			set_cause(cause, "a monthly schedule is written \"monthly D HH:MM\"");
			goto out;
		}
		s.kind = SCHEDULE_MONTHLY;
		if (parse_mday(words[1], &s.mday, cause) != 0)
			goto out;
		if (parse_time(words[2], &s.hour, &s.minute, cause) != 0)
			goto out;
	} else {
		for (i = 0; i < 7; i++) {
			if (strcasecmp(words[0], weekday_names[i][0]) == 0 ||
			    strcasecmp(words[0], weekday_names[i][1]) == 0)
				break;
		}
		if (i == 7) {
			set_cause(cause, "schedule must start with daily, monthly or a day name "
					 "(mon … sun)");
			goto out;
		}
		if (n != 2) {
			set_cause(cause, "a weekly schedule is written \"%s HH:MM\"",
				  weekday_names[i][0]);
			goto out;
		}
		s.kind = SCHEDULE_WEEKLY;
		s.weekday = i;
		if (parse_time(words[1], &s.hour, &s.minute, cause) != 0)
			goto out;
	}
	*out = s;
	rc = 0;
out:
	free(copy);
	return rc;
}

void schedule_format(const struct schedule *s, char *buf, size_t len)
{
	switch (s->kind) {
	case SCHEDULE_DAILY:
		snprintf(buf, len, "daily %02d:%02d", s->hour, s->minute);
		break;
	case SCHEDULE_WEEKLY:
		snprintf(buf, len, "%s %02d:%02d", weekday_names[s->weekday % 7][0], s->hour,
			 s->minute);
		break;
	case SCHEDULE_MONTHLY:
		snprintf(buf, len, "monthly %d %02d:%02d", s->mday, s->hour, s->minute);
		break;
	}
}

time_t schedule_next(const struct schedule *s, const char *tz, time_t after)
{
	return search(s, tz, after, 1);
}

time_t schedule_prev(const struct schedule *s, const char *tz, time_t at)
{
	return search(s, tz, at, -1);
}

/* Walk local dates from t's, forward (step 1) to the first run after t or backward (step -1)
 * to the last run at or before t. Start one day behind: a run whose time falls in a gap can
 * land on the next date. */
static time_t search(const struct schedule *s, const char *tz, time_t t, int step)
{
	struct zone_saved saved;
	struct tm date;
	time_t run, found = (time_t)-1;
	int i;

	if (zone_enter(tz, &saved) != 0)
		return (time_t)-1;
	date_of(t, &date);
	date_add_days(&date, -step);
	for (i = 0; i < SEARCH_DAYS; i++, date_add_days(&date, step)) {
		if (!date_matches(s, &date))
			continue;
		run = local_run(date.tm_year, date.tm_mon, date.tm_mday, s->hour, s->minute);
		if (run != (time_t)-1 && (step > 0 ? run > t : run <= t)) {
			found = run;
			break;
		}
	}
	zone_leave(&saved);
	return found;
}

/* Parse "H:MM" or "HH:MM" (24-hour clock). */
static int parse_time(const char *text, int *hour, int *minute, char **cause)
{
	size_t len = strlen(text);
	int h, m;

	if ((len != 4 && len != 5) || text[len - 3] != ':' || !isdigit((unsigned char)text[0]) ||
	    (len == 5 && !isdigit((unsigned char)text[1])) ||
	    !isdigit((unsigned char)text[len - 2]) || !isdigit((unsigned char)text[len - 1])) {
		set_cause(cause, "schedule time must be written HH:MM");
		return -1;
	}
	h = atoi(text);
	m = atoi(text + len - 2);
	if (h > 23 || m > 59) {
		set_cause(cause, "schedule time must be between 00:00 and 23:59");
		return -1;
	}
	*hour = h;
	*minute = m;
	return 0;
}

/* Parse a day of month; 29..31 are refused because they do not exist in every month. */
static int parse_mday(const char *text, int *mday, char **cause)
{
	size_t len = strlen(text);
	int d;

	if (len < 1 || len > 2 || !isdigit((unsigned char)text[0]) ||
	    (len == 2 && !isdigit((unsigned char)text[1]))) {
		set_cause(cause, "day of month must be a number from 1 to 28");
		return -1;
	}
	d = atoi(text);
	if (d < 1 || d > 28) {
		set_cause(cause, "day of month must be a number from 1 to 28");
		return -1;
	}
	*mday = d;
	return 0;
}

/* Split s in place on blanks; returns the word count, or max + 1 when there are too many. */
static int split_words(char *s, char *words[], int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		words[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

/* The local wall-clock time of t, as seconds counted like a UTC time (t plus its offset). */
static time_t wall_seconds(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
}

/* The instant of a wall-clock time on a local date in the current zone: its first occurrence
 * when it occurs twice, the first instant after the gap when it does not occur at all. */
static time_t local_run(int year, int mon, int mday, int hour, int minute)
{
	struct tm tm = {0};
	time_t want, t, cand, best = (time_t)-1, lo, hi, mid;
	long offsets[32];
	int noffsets = 0, i, j;

	tm.tm_year = year;
	tm.tm_mon = mon;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	want = timegm(&tm);

	/* Every occurrence of `want` is want - offset for an offset in effect within the bracket;
	 * collect those offsets (mktime's guess plus samples every two hours). */
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t != (time_t)-1)
		offsets[noffsets++] = tm.tm_gmtoff;
	for (t = want - 14 * 3600; t <= want + 14 * 3600 && noffsets < (int)ARRAY_LEN(offsets);
	     t += 2 * 3600) {
		struct tm lt;

		if (localtime_r(&t, &lt) == NULL)
			continue;
		for (j = 0; j < noffsets; j++)
			if (offsets[j] == lt.tm_gmtoff)
				break;
		if (j == noffsets)
			offsets[noffsets++] = lt.tm_gmtoff;
	}
	for (i = 0; i < noffsets; i++) {
		cand = want - offsets[i];
		if (wall_seconds(cand) == want && (best == (time_t)-1 || cand < best))
			best = cand;
	}
	if (best != (time_t)-1)
		return best;

	/* In a gap: the first instant whose wall time is past `want`. Wall time only moves forward
	 * around a gap, so a binary search over the bracket finds it. */
	lo = want - BRACKET_SECONDS; /* wall(lo) < want */
	hi = want + BRACKET_SECONDS; /* wall(hi) > want */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (wall_seconds(mid) >= want)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static bool date_matches(const struct schedule *s, const struct tm *date)
{
	switch (s->kind) {
	case SCHEDULE_DAILY:
		return true;
	case SCHEDULE_WEEKLY:
		/* tm_wday counts from Sunday; the schedule from Monday. */
		return (date->tm_wday + 6) % 7 == s->weekday;
	case SCHEDULE_MONTHLY:
		return date->tm_mday == s->mday;
	}
	return false;
}

/* The local calendar date of t (fields normalised at noon so day arithmetic stays exact). */
static void date_of(time_t t, struct tm *date)
{
	struct tm lt;

	if (localtime_r(&t, &lt) == NULL) {
		memset(date, 0, sizeof *date);
		date->tm_year = 70;
		date->tm_mday = 1;
	} else {
		memset(date, 0, sizeof *date);
		date->tm_year = lt.tm_year;
		date->tm_mon = lt.tm_mon;
		date->tm_mday = lt.tm_mday;
	}
	date->tm_hour = 12;
	(void)timegm(date); /* fills tm_wday */
}

/* Calendar arithmetic in UTC, independent of the zone. */
static void date_add_days(struct tm *date, int days)
{
	time_t t = timegm(date) + (time_t)days * DAY_SECONDS;

	gmtime_r(&t, date);
}
