/* test-schedule.c — schedule parsing and run computation across DST (zone names: test-zone.c). */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "core/schedule.h"
#include "suites.h"
#include "util.h"

#define HOUR 3600
#define DAY (24 * HOUR)
#define BRUSSELS "Europe/Brussels"

static time_t utc(int y, int mo, int d, int h, int mi, int s);
static struct schedule parse_ok(const char *text);
static void local_date(const char *tz, time_t t, int *ymd);
static bool is_day(time_t t, const char *tz, int y, int mo, int d);

/* A UTC instant from calendar fields, computed without the code under test. */
static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static struct schedule parse_ok(const char *text)
{
	struct schedule s;
	char *cause = NULL;

	ck_assert_msg(schedule_parse(text, &s, &cause) == 0, "%s: %s", text, cause);
	ck_assert_ptr_null(cause);
	return s;
}

/* The local date of t in tz as y*10000+m*100+d, with the test's own TZ switch. */
static void local_date(const char *tz, time_t t, int *ymd)
{
	struct tm tm;
	char *old = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;

	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&t, &tm);
	*ymd = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

static bool is_day(time_t t, const char *tz, int y, int mo, int d)
{
	int ymd;

	local_date(tz, t, &ymd);
	return ymd == y * 10000 + mo * 100 + d;
}

START_TEST(test_parse_valid)
{
	static const struct {
		const char *text;
		enum schedule_kind kind;
		int weekday, mday, hour, minute;
		const char *canonical;
	} cases[] = {
	    {"daily 08:00", SCHEDULE_DAILY, 0, 0, 8, 0, "daily 08:00"},
	    {"  Daily\t23:59 ", SCHEDULE_DAILY, 0, 0, 23, 59, "daily 23:59"},
	    {"daily 7:05", SCHEDULE_DAILY, 0, 0, 7, 5, "daily 07:05"},
	    {"mon 08:00", SCHEDULE_WEEKLY, 0, 0, 8, 0, "mon 08:00"},
	    {"Monday 08:00", SCHEDULE_WEEKLY, 0, 0, 8, 0, "mon 08:00"},
	    {"TUESDAY 00:00", SCHEDULE_WEEKLY, 1, 0, 0, 0, "tue 00:00"},
	    {"wed 12:30", SCHEDULE_WEEKLY, 2, 0, 12, 30, "wed 12:30"},
	    {"thursday 01:01", SCHEDULE_WEEKLY, 3, 0, 1, 1, "thu 01:01"},
	    {"Fri 17:45", SCHEDULE_WEEKLY, 4, 0, 17, 45, "fri 17:45"},
	    {"saturday 06:00", SCHEDULE_WEEKLY, 5, 0, 6, 0, "sat 06:00"},
	    {"sun 02:30", SCHEDULE_WEEKLY, 6, 0, 2, 30, "sun 02:30"},
	    {"monthly 1 08:00", SCHEDULE_MONTHLY, 0, 1, 8, 0, "monthly 1 08:00"},
	    {"MONTHLY 28 23:59", SCHEDULE_MONTHLY, 0, 28, 23, 59, "monthly 28 23:59"},
	    {"monthly 09 10:00", SCHEDULE_MONTHLY, 0, 9, 10, 0, "monthly 9 10:00"},
	};
	char buf[32];

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct schedule s = parse_ok(cases[i].text);

		ck_assert_int_eq(s.kind, cases[i].kind);
		if (s.kind == SCHEDULE_WEEKLY)
			ck_assert_int_eq(s.weekday, cases[i].weekday);
		if (s.kind == SCHEDULE_MONTHLY)
			ck_assert_int_eq(s.mday, cases[i].mday);
		ck_assert_int_eq(s.hour, cases[i].hour);
		ck_assert_int_eq(s.minute, cases[i].minute);
		schedule_format(&s, buf, sizeof buf);
		ck_assert_str_eq(buf, cases[i].canonical);
	}
}
END_TEST

START_TEST(test_parse_invalid)
{
	static const char *const bad[] = {
	    "",
	    "   ",
	    "daily",
	    "daily 24:00",
	    "daily 12:60",
	    "daily 8:0",
	    "daily 08-00",
	    "daily 0800",
	    "daily 08:00 mon",
	    "daily -1:00",
	    "mo 08:00",
	    "funday 08:00",
	    "mon",
	    "mon 08:00 08:00",
	    "monthly 08:00",
	    "monthly 0 08:00",
	    "monthly 29 08:00",
	    "monthly 31 08:00",
	    "monthly x 08:00",
	    "monthly 100 08:00",
	    "weekly 08:00",
	    "daily 08:00:00",
	    "daily +8:00",
	};
	struct schedule s;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *cause = NULL;

		ck_assert_msg(schedule_parse(bad[i], &s, &cause) == -1, "accepted \"%s\"", bad[i]);
		ck_assert_msg(cause != NULL && *cause != '\0', "no cause for \"%s\"", bad[i]);
		/* One sentence: no line break. */
		ck_assert_ptr_null(strchr(cause, '\n'));
		free(cause);
	}
}
END_TEST

/* 2026-03-29: Brussels jumps from 02:00 CET to 03:00 CEST; 02:30 does not exist. */
START_TEST(test_spring_forward)
{
	struct schedule s230 = parse_ok("daily 02:30"), s800 = parse_ok("daily 08:00");
	struct schedule sun = parse_ok("sun 02:30");
	time_t t;

	/* 02:30 CET on the 28th is 01:30 UTC. */
	t = schedule_next(&s230, BRUSSELS, utc(2026, 3, 27, 12, 0, 0));
	ck_assert_int_eq(t, utc(2026, 3, 28, 1, 30, 0));
	/* The missing 02:30 runs at the end of the gap, 03:00 CEST = 01:00 UTC. */
	t = schedule_next(&s230, BRUSSELS, t);
	ck_assert_int_eq(t, utc(2026, 3, 29, 1, 0, 0));
	ck_assert(is_day(t, BRUSSELS, 2026, 3, 29));
	/* Then 02:30 CEST = 00:30 UTC on the 30th. */
	t = schedule_next(&s230, BRUSSELS, t);
	ck_assert_int_eq(t, utc(2026, 3, 30, 0, 30, 0));

	/* prev: the gap run is found at and after its instant, not before. */
	ck_assert_int_eq(schedule_prev(&s230, BRUSSELS, utc(2026, 3, 29, 1, 0, 0)),
			 utc(2026, 3, 29, 1, 0, 0));
	ck_assert_int_eq(schedule_prev(&s230, BRUSSELS, utc(2026, 3, 29, 0, 59, 59)),
			 utc(2026, 3, 28, 1, 30, 0));
	ck_assert_int_eq(schedule_prev(&s230, BRUSSELS, utc(2026, 3, 29, 23, 0, 0)),
			 utc(2026, 3, 29, 1, 0, 0));

	/* A weekly run on that Sunday is not skipped either. */
	ck_assert_int_eq(schedule_next(&sun, BRUSSELS, utc(2026, 3, 23, 0, 0, 0)),
			 utc(2026, 3, 29, 1, 0, 0));

	/* 08:00: CET (07:00 UTC) the day before, CEST (06:00 UTC) on the day. */
	t = schedule_next(&s800, BRUSSELS, utc(2026, 3, 28, 0, 0, 0));
	ck_assert_int_eq(t, utc(2026, 3, 28, 7, 0, 0));
	t = schedule_next(&s800, BRUSSELS, t);
	ck_assert_int_eq(t, utc(2026, 3, 29, 6, 0, 0));
	ck_assert_int_eq(schedule_prev(&s800, BRUSSELS, utc(2026, 3, 29, 5, 59, 59)),
			 utc(2026, 3, 28, 7, 0, 0));
}
END_TEST

/* 2026-10-25: Brussels goes back from 03:00 CEST to 02:00 CET; 02:30 happens twice. */
START_TEST(test_fall_back)
{
	struct schedule s230 = parse_ok("daily 02:30"), s800 = parse_ok("daily 08:00");
	time_t first = utc(2026, 10, 25, 0, 30, 0);  /* 02:30 CEST */
	time_t second = utc(2026, 10, 25, 1, 30, 0); /* 02:30 CET */
	time_t t;

	t = schedule_next(&s230, BRUSSELS, utc(2026, 10, 24, 12, 0, 0));
	ck_assert_int_eq(t, first);
	/* Not again at the second 02:30: the next run is on the 26th, 02:30 CET. */
	t = schedule_next(&s230, BRUSSELS, t);
	ck_assert_int_eq(t, utc(2026, 10, 26, 1, 30, 0));
	/* Also when asked from between the two occurrences, or at the second one. */
	ck_assert_int_eq(schedule_next(&s230, BRUSSELS, first + HOUR / 2),
			 utc(2026, 10, 26, 1, 30, 0));
	ck_assert_int_eq(schedule_next(&s230, BRUSSELS, second), utc(2026, 10, 26, 1, 30, 0));
	/* prev at the second occurrence is the first one: the run already happened. */
	ck_assert_int_eq(schedule_prev(&s230, BRUSSELS, second), first);
	ck_assert_int_eq(schedule_prev(&s230, BRUSSELS, first - 1), utc(2026, 10, 24, 0, 30, 0));

	t = schedule_next(&s800, BRUSSELS, utc(2026, 10, 24, 0, 0, 0));
	ck_assert_int_eq(t, utc(2026, 10, 24, 6, 0, 0));
	t = schedule_next(&s800, BRUSSELS, t);
	ck_assert_int_eq(t, utc(2026, 10, 25, 7, 0, 0));
}
END_TEST

START_TEST(test_no_dst_zone)
{
	static const char *const zones[] = {"Asia/Tashkent", "UTC"};
	static const int offsets[] = {5 * HOUR, 0};
	struct schedule s = parse_ok("daily 02:30");

	for (size_t z = 0; z < ARRAY_LEN(zones); z++) {
		time_t t = schedule_next(&s, zones[z], utc(2026, 1, 1, 0, 0, 0) - offsets[z]);

		ck_assert_int_eq(t, utc(2026, 1, 1, 2, 30, 0) - offsets[z]);
		for (int i = 0; i < 366; i++) {
			time_t n = schedule_next(&s, zones[z], t);

			ck_assert_int_eq(n - t, DAY);
			t = n;
		}
	}
}
END_TEST

START_TEST(test_rollover)
{
	struct schedule thu = parse_ok("thu 09:00"), fri = parse_ok("friday 09:00");
	struct schedule m15 = parse_ok("monthly 15 10:00"), m28 = parse_ok("monthly 28 23:59");
	struct schedule m1 = parse_ok("monthly 1 00:00");

	/* 2026-12-31 is a Thursday. */
	ck_assert_int_eq(schedule_next(&thu, "UTC", utc(2026, 12, 30, 0, 0, 0)),
			 utc(2026, 12, 31, 9, 0, 0));
	ck_assert_int_eq(schedule_next(&thu, "UTC", utc(2026, 12, 31, 9, 0, 0)),
			 utc(2027, 1, 7, 9, 0, 0));
	ck_assert_int_eq(schedule_next(&fri, "UTC", utc(2026, 12, 30, 0, 0, 0)),
			 utc(2027, 1, 1, 9, 0, 0));
	ck_assert_int_eq(schedule_prev(&fri, "UTC", utc(2027, 1, 1, 8, 59, 59)),
			 utc(2026, 12, 25, 9, 0, 0));
	/* Monthly in Brussels (CET in winter): Dec → Jan. */
	ck_assert_int_eq(schedule_next(&m15, BRUSSELS, utc(2026, 12, 20, 0, 0, 0)),
			 utc(2027, 1, 15, 9, 0, 0));
	ck_assert_int_eq(schedule_prev(&m15, BRUSSELS, utc(2027, 1, 15, 8, 59, 59)),
			 utc(2026, 12, 15, 9, 0, 0));
	/* February 28 then March 28 2027, itself a DST day (23:59 CEST = 21:59 UTC). */
	ck_assert_int_eq(schedule_next(&m28, BRUSSELS, utc(2027, 2, 1, 0, 0, 0)),
			 utc(2027, 2, 28, 22, 59, 0));
	ck_assert_int_eq(schedule_next(&m28, BRUSSELS, utc(2027, 2, 28, 22, 59, 0)),
			 utc(2027, 3, 28, 21, 59, 0));
	/* Local midnight of Jan 1 is still Dec 31 in UTC. */
	ck_assert_int_eq(schedule_next(&m1, BRUSSELS, utc(2026, 12, 2, 0, 0, 0)),
			 utc(2026, 12, 31, 23, 0, 0));
	ck_assert(is_day(utc(2026, 12, 31, 23, 0, 0), BRUSSELS, 2027, 1, 1));
}
END_TEST

/* A year of daily runs: strictly increasing, one per local date, no date skipped, gaps of
 * exactly 24 h except on the two DST days; prev agrees with next. */
START_TEST(test_year_consistency)
{
	static const char *const texts[] = {"daily 02:30", "daily 08:00", "daily 00:00",
					    "daily 23:59"};

	for (size_t k = 0; k < ARRAY_LEN(texts); k++) {
		struct schedule s = parse_ok(texts[k]);
		time_t t = schedule_next(&s, BRUSSELS, utc(2025, 12, 31, 22, 59, 30));
		int ymd, prev_ymd, nonstandard = 0;

		ck_assert(is_day(t, BRUSSELS, 2026, 1, 1));
		local_date(BRUSSELS, t, &prev_ymd);
		for (int i = 0; i < 365; i++) {
			time_t n = schedule_next(&s, BRUSSELS, t);
			struct tm cal = {0};

			ck_assert_int_gt(n, t);
			ck_assert_int_eq(schedule_prev(&s, BRUSSELS, n), n);
			ck_assert_int_eq(schedule_prev(&s, BRUSSELS, n - 1), t);
			ck_assert_int_eq(schedule_next(&s, BRUSSELS, n - 1), n);
			/* The local date is the next calendar day. */
			local_date(BRUSSELS, n, &ymd);
			cal.tm_year = prev_ymd / 10000 - 1900;
			cal.tm_mon = prev_ymd / 100 % 100 - 1;
			cal.tm_mday = prev_ymd % 100 + 1;
			cal.tm_hour = 12;
			timegm(&cal);
			ck_assert_int_eq(ymd, (cal.tm_year + 1900) * 10000 +
						  (cal.tm_mon + 1) * 100 + cal.tm_mday);
			if (n - t != DAY) {
				bool dst_day = ymd == 20260329 || ymd == 20260330 ||
					       ymd == 20261025 || ymd == 20261026;

				ck_assert_msg(dst_day, "%s: gap %ld before %d", texts[k],
					      (long)(n - t), ymd);
				ck_assert_int_ge(n - t, 23 * HOUR);
				ck_assert_int_le(n - t, 25 * HOUR);
				nonstandard++;
			}
			t = n;
			prev_ymd = ymd;
		}
		/* Each DST change shows up in the gaps (02:30 spreads it over two days). */
		ck_assert_int_ge(nonstandard, 2);
		ck_assert_int_le(nonstandard, 4);
	}
}
END_TEST

START_TEST(test_tz_restored)
{
	struct schedule s = parse_ok("daily 08:00");
	struct tm tm;
	time_t t = utc(2026, 7, 1, 12, 0, 0);

	setenv("TZ", "America/New_York", 1);
	tzset();
	ck_assert_int_eq(schedule_next(&s, BRUSSELS, t), utc(2026, 7, 2, 6, 0, 0));
	ck_assert_str_eq(getenv("TZ"), "America/New_York");
	localtime_r(&t, &tm);
	ck_assert_int_eq(tm.tm_hour, 8); /* 12:00 UTC is 08:00 EDT */

	unsetenv("TZ");
	tzset();
	ck_assert_int_eq(schedule_prev(&s, BRUSSELS, t), utc(2026, 7, 1, 6, 0, 0));
	ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

START_TEST(test_bad_zone)
{
	struct schedule s = parse_ok("daily 08:00");

	ck_assert_int_eq(schedule_next(&s, "Mars/Olympus", 0), (time_t)-1);
	ck_assert_int_eq(schedule_prev(&s, "../etc/passwd", 0), (time_t)-1);
}
END_TEST

Suite *make_schedule_suite(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("schedule");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_parse_valid);
	tcase_add_test(tc, test_parse_invalid);
	tcase_add_test(tc, test_spring_forward);
	tcase_add_test(tc, test_fall_back);
	tcase_add_test(tc, test_no_dst_zone);
	tcase_add_test(tc, test_rollover);
	tcase_add_test(tc, test_year_consistency);
	tcase_add_test(tc, test_tz_restored);
	tcase_add_test(tc, test_bad_zone);
	suite_add_tcase(s, tc);
	return s;
}
