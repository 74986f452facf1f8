/* test-zone.c — zone names (IANA only, TZif files only, $TZDIR), an unknown zone refused
 * with TZ left alone, local times across Europe/Brussels's DST changes and in Asia/Tashkent,
 * and TZ restored after every switch. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "date.h"
#include "suites.h"
#include "util.h"
#include "zone.h"

static time_t utc(int y, int mo, int d, int h, int mi, int s);
static void local_is(const char *tz, time_t t, int y, int mo, int d, int h, int mi, long off,
		     int dst);

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

/* zone_localtime(tz, t) is y-mo-d h:mi at UTC offset off seconds, with DST flag dst. */
static void local_is(const char *tz, time_t t, int y, int mo, int d, int h, int mi, long off,
		     int dst)
{
	struct tm tm;

	ck_assert(zone_localtime(tz, t, &tm));
	ck_assert_msg(tm.tm_year + 1900 == y && tm.tm_mon + 1 == mo && tm.tm_mday == d &&
			  tm.tm_hour == h && tm.tm_min == mi,
		      "%s at %lld: %04d-%02d-%02d %02d:%02d, expected %04d-%02d-%02d %02d:%02d", tz,
		      (long long)t, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		      tm.tm_min, y, mo, d, h, mi);
	ck_assert_int_eq(tm.tm_gmtoff, off);
	ck_assert_int_eq(tm.tm_isdst > 0, dst);
}

START_TEST(test_valid_names)
{
	ck_assert(zone_valid("Europe/Brussels"));
	ck_assert(zone_valid("UTC"));
	ck_assert(zone_valid("Asia/Tashkent"));
	ck_assert(zone_valid("America/Argentina/Buenos_Aires"));
	ck_assert(zone_valid("Etc/GMT+5"));
	ck_assert(zone_valid("Etc/GMT-14"));

	ck_assert(!zone_valid(NULL));
	ck_assert(!zone_valid(""));
	ck_assert(!zone_valid("Europe/Nowhere"));
	ck_assert(!zone_valid("Europe")); /* a directory */
	ck_assert(!zone_valid("/usr/share/zoneinfo/UTC"));
	ck_assert(!zone_valid("../zoneinfo/UTC"));
	ck_assert(!zone_valid("Europe/../UTC"));
	ck_assert(!zone_valid("Europe/Brussels\n"));
	ck_assert(!zone_valid("Europe/Brussels "));
	ck_assert(!zone_valid("zone.tab"));
	ck_assert(!zone_valid("CET-1CEST,M3.5.0,M10.5.0/3"));
	ck_assert(!zone_valid("Europe/Bruxelles\xc3\xa9"));
	/* A regular file under zoneinfo that is not a zone, like tzdata's leapseconds: glibc
	 * would silently use UTC. Made in a TZDIR of our own, so that the check runs whether or
	 * not this machine's tzdata ships the file. */
	char dir[] = "/tmp/suivi-tz-notzone-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *path = xasprintf("%s/leapseconds", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#\tLeap seconds, as tzdata lists them\nLeap\t2016\tDec\t31\t23:59:60\t+\tS\n", f);
	ck_assert_int_eq(fclose(f), 0);
	char *saved = getenv("TZDIR") != NULL ? xstrdup(getenv("TZDIR")) : NULL;
	setenv("TZDIR", dir, 1);
	bool valid = zone_valid("leapseconds");
	if (saved != NULL)
		setenv("TZDIR", saved, 1);
	else
		unsetenv("TZDIR");
	free(saved);
	unlink(path);
	rmdir(dir);
	free(path);
	ck_assert_msg(!valid, "a regular file that is not TZif was taken for a zone");
}
END_TEST

START_TEST(test_valid_tzdir)
{
	char dir[] = "/tmp/suivi-tzdir-XXXXXX";
	char *sub, *path, *cmd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	sub = xasprintf("%s/Test", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	path = xasprintf("%s/Zone", sub);
	cmd = xasprintf("cp /usr/share/zoneinfo/Europe/Brussels %s", path);
	ck_assert_int_eq(system(cmd), 0);

	setenv("TZDIR", dir, 1);
	ck_assert(zone_valid("Test/Zone"));
	ck_assert(!zone_valid("Europe/Brussels"));
	ck_assert(zone_valid("UTC")); /* always known */
	unsetenv("TZDIR");
	ck_assert(!zone_valid("Test/Zone"));
	ck_assert(zone_valid("Europe/Brussels"));

	unlink(path);
	rmdir(sub);
	rmdir(dir);
	free(cmd);
	free(path);
	free(sub);
}
END_TEST

/* Refused, and nothing changed: TZ, set or unset, is what it was. */
START_TEST(test_unknown_refused)
{
	static const char *const bad[] = {"Mars/Olympus", "Europe/Bruxelles", "", "../etc/passwd",
					  "CET-1CEST,M3.5.0,M10.5.0/3"};
	struct zone_saved saved;
	struct tm tm;
	struct date d;

	for (int round = 0; round < 2; round++) {
		if (round == 0)
			setenv("TZ", "America/New_York", 1);
		else
			unsetenv("TZ");
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			ck_assert_msg(zone_enter(bad[i], &saved) == -1, "entered \"%s\"", bad[i]);
			ck_assert_msg(!zone_localtime(bad[i], 0, &tm), "\"%s\" read as a zone",
				      bad[i]);
			ck_assert(!date_in_zone(bad[i], 0, &d));
			ck_assert(!date_today(bad[i], &d));
			if (round == 0)
				ck_assert_str_eq(getenv("TZ"), "America/New_York");
			else
				ck_assert_ptr_null(getenv("TZ"));
		}
	}
	ck_assert(zone_localtime(NULL, 0, &tm)); /* NULL: the process's own zone */
}
END_TEST

/* 2026-03-29 01:00 UTC: Brussels goes from 02:00 CET to 03:00 CEST. 2026-10-25 01:00 UTC:
 * from 03:00 CEST back to 02:00 CET. */
START_TEST(test_brussels_dst)
{
	const char *tz = "Europe/Brussels";
	struct date d;

	local_is(tz, utc(2026, 3, 29, 0, 59, 0), 2026, 3, 29, 1, 59, 3600, 0);
	local_is(tz, utc(2026, 3, 29, 1, 0, 0), 2026, 3, 29, 3, 0, 7200, 1);
	local_is(tz, utc(2026, 7, 1, 12, 0, 0), 2026, 7, 1, 14, 0, 7200, 1);
	local_is(tz, utc(2026, 10, 25, 0, 59, 0), 2026, 10, 25, 2, 59, 7200, 1);
	local_is(tz, utc(2026, 10, 25, 1, 0, 0), 2026, 10, 25, 2, 0, 3600, 0);
	/* The date turns at local midnight: an hour before UTC's in winter, two in summer. */
	ck_assert(date_in_zone(tz, utc(2026, 1, 14, 22, 59, 59), &d));
	ck_assert_int_eq(d.day, 14);
	ck_assert(date_in_zone(tz, utc(2026, 1, 14, 23, 0, 0), &d));
	ck_assert_int_eq(d.day, 15);
	ck_assert(date_in_zone(tz, utc(2026, 7, 14, 21, 59, 59), &d));
	ck_assert_int_eq(d.day, 14);
	ck_assert(date_in_zone(tz, utc(2026, 7, 14, 22, 0, 0), &d));
	ck_assert_int_eq(d.day, 15);
	/* The night of the change: 23:30 UTC on the 28th is already the 29th, 00:30 CET. */
	ck_assert(date_in_zone(tz, utc(2026, 3, 28, 23, 30, 0), &d));
	ck_assert_int_eq(d.month * 100 + d.day, 329);
}
END_TEST

/* UTC+5 all year, no DST since 1992. */
START_TEST(test_tashkent)
{
	const char *tz = "Asia/Tashkent";
	struct date d;

	local_is(tz, utc(2026, 1, 15, 12, 0, 0), 2026, 1, 15, 17, 0, 18000, 0);
	local_is(tz, utc(2026, 7, 15, 12, 0, 0), 2026, 7, 15, 17, 0, 18000, 0);
	ck_assert(date_in_zone(tz, utc(2026, 6, 30, 18, 59, 59), &d));
	ck_assert_int_eq(d.month * 100 + d.day, 630);
	ck_assert(date_in_zone(tz, utc(2026, 6, 30, 19, 0, 0), &d));
	ck_assert_int_eq(d.month * 100 + d.day, 701);
	/* New year comes five hours before UTC's. */
	ck_assert(date_in_zone(tz, utc(2026, 12, 31, 19, 0, 0), &d));
	ck_assert_int_eq(d.year * 10000 + d.month * 100 + d.day, 20270101);
}
END_TEST

/* After a switch TZ is what it was, set or unset, and libc follows it again. */
START_TEST(test_restored)
{
	struct zone_saved saved;
	struct tm tm;
	time_t t = utc(2026, 7, 1, 12, 0, 0);

	setenv("TZ", "America/New_York", 1);
	ck_assert_int_eq(zone_enter("Asia/Tashkent", &saved), 0);
	ck_assert_str_eq(getenv("TZ"), "Asia/Tashkent");
	localtime_r(&t, &tm);
	ck_assert_int_eq(tm.tm_hour, 17);
	zone_leave(&saved);
	ck_assert_str_eq(getenv("TZ"), "America/New_York");
	localtime_r(&t, &tm);
	ck_assert_int_eq(tm.tm_hour, 8); /* 12:00 UTC is 08:00 EDT */
	local_is("Europe/Brussels", t, 2026, 7, 1, 14, 0, 7200, 1);
	ck_assert_str_eq(getenv("TZ"), "America/New_York");

	unsetenv("TZ");
	local_is("Asia/Tashkent", t, 2026, 7, 1, 17, 0, 18000, 0);
	ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

Suite *make_zone_suite(void)
{
	Suite *s = suite_create("zone");
	TCase *tc = tcase_create("zone");
	tcase_add_test(tc, test_valid_names);
	tcase_add_test(tc, test_valid_tzdir);
	tcase_add_test(tc, test_unknown_refused);
	tcase_add_test(tc, test_brussels_dst);
	tcase_add_test(tc, test_tashkent);
	tcase_add_test(tc, test_restored);
	suite_add_tcase(s, tc);
	return s;
}
