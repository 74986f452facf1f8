/* test-date.c — civil date parsing, day counts, month arithmetic, weekdays and "today". */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "suites.h"

static struct date mkdate(int y, int m, int d);

static struct date mkdate(int y, int m, int d)
{
	struct date r = {y, m, d};
	return r;
}

START_TEST(test_parse_valid)
{
	struct date d;
	ck_assert(date_parse("2024-02-29", &d));
	ck_assert_int_eq(d.year, 2024);
	ck_assert_int_eq(d.month, 2);
	ck_assert_int_eq(d.day, 29);
	ck_assert(date_parse("0001-01-01", &d));
	ck_assert_int_eq(d.year, 1);
	ck_assert(date_parse("9999-12-31", &d));
	ck_assert_int_eq(d.year, 9999);
	ck_assert_int_eq(d.day, 31);
	ck_assert(date_parse("2000-02-29", &d));
}
END_TEST

START_TEST(test_parse_refuses)
{
	static const char *const bad[] = {
	    "2019-02-30",  "2023-02-29",  "1900-02-29",
	    "2024-04-31",  "2024-13-01",  "2024-00-10",
	    "2024-01-00",  "2024-01-32",  "0000-01-01",
	    "10000-01-01", "2024-1-01",   "2024-01-1",
	    "24-01-01",    "2024/01/01",  "2024-01-01 ",
	    " 2024-01-01", "2024-01-01x", "+024-01-01",
	    "2024-+1-01",  "2024-01- 1",  "",
	    "today",       "2024-0a-01",  "2024--01-01",
	};
	struct date d = {7, 7, 7};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(!date_parse(bad[i], &d), "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(d.year, 7); /* untouched on failure */
	}
	ck_assert(!date_parse(NULL, &d));
}
END_TEST

START_TEST(test_format)
{
	char buf[11];
	struct date d = mkdate(7, 3, 9);
	date_format(&d, buf);
	ck_assert_str_eq(buf, "0007-03-09");
	d = mkdate(2024, 12, 31);
	date_format(&d, buf);
	ck_assert_str_eq(buf, "2024-12-31");
}
END_TEST

START_TEST(test_leap_years)
{
	ck_assert_int_eq(date_days_in_month(1900, 2), 28);
	ck_assert_int_eq(date_days_in_month(2000, 2), 29);
	ck_assert_int_eq(date_days_in_month(2100, 2), 28);
	ck_assert_int_eq(date_days_in_month(2400, 2), 29);
	ck_assert_int_eq(date_days_in_month(2023, 2), 28);
	ck_assert_int_eq(date_days_in_month(2024, 2), 29);
	ck_assert_int_eq(date_days_in_month(2024, 4), 30);
	ck_assert_int_eq(date_days_in_month(2024, 12), 31);
	ck_assert(!date_valid(1900, 2, 29));
	ck_assert(date_valid(2000, 2, 29));
	ck_assert(!date_valid(0, 1, 1));
	ck_assert(!date_valid(10000, 1, 1));
	/* 1900 is not leap: 1900-02-28 and 1900-03-01 are consecutive days. */
	struct date a = mkdate(1900, 2, 28), b = mkdate(1900, 3, 1);
	ck_assert_int_eq(date_to_days(&b) - date_to_days(&a), 1);
	a = mkdate(2000, 2, 28);
	b = mkdate(2000, 3, 1);
	ck_assert_int_eq(date_to_days(&b) - date_to_days(&a), 2);
}
END_TEST

START_TEST(test_days_known_values)
{
	struct date d = mkdate(1970, 1, 1);
	ck_assert_int_eq(date_to_days(&d), 0);
	d = mkdate(1969, 12, 31);
	ck_assert_int_eq(date_to_days(&d), -1);
	d = mkdate(2000, 3, 1);
	ck_assert_int_eq(date_to_days(&d), 11017);
	d = mkdate(2024, 2, 29);
	ck_assert_int_eq(date_to_days(&d), 19782);
	d = mkdate(1, 1, 1);
	ck_assert_int_eq(date_to_days(&d), -719162);
	d = mkdate(9999, 12, 31);
	ck_assert_int_eq(date_to_days(&d), 2932896);
	d = date_from_days(19782);
	ck_assert_int_eq(d.year, 2024);
	ck_assert_int_eq(d.month, 2);
	ck_assert_int_eq(d.day, 29);
}
END_TEST

/* Every day from 0001-01-01 to 9999-12-31: from_days(to_days(x)) == x, consecutive days are
 * consecutive dates, and the dates walk the calendar exactly as days_in_month says. */
START_TEST(test_round_trip_all_days)
{
	struct date first = mkdate(1, 1, 1), last = mkdate(9999, 12, 31);
	long lo = date_to_days(&first), hi = date_to_days(&last);
	struct date expect = first;

	for (long n = lo; n <= hi; n++) {
		struct date d = date_from_days(n);
		if (d.year != expect.year || d.month != expect.month || d.day != expect.day)
			ck_abort_msg("day %ld gave %d-%d-%d, expected %d-%d-%d", n, d.year, d.month,
				     d.day, expect.year, expect.month, expect.day);
		if (date_to_days(&d) != n)
			ck_abort_msg("round trip of day %ld failed", n);
		if (++expect.day > date_days_in_month(expect.year, expect.month)) {
			expect.day = 1;
			if (++expect.month > 12) {
				expect.month = 1;
				expect.year++;
			}
		}
	}
}
END_TEST

/* Agrees with libc's timegm over a range of days around the epoch. */
START_TEST(test_matches_timegm)
{
	for (long n = -40000; n <= 40000; n += 37) {
		struct date d = date_from_days(n);
		struct tm tm = {0};
		tm.tm_year = d.year - 1900;
		tm.tm_mon = d.month - 1;
		tm.tm_mday = d.day;
		time_t t = timegm(&tm);
		ck_assert_int_eq((long)t, n * 86400); /* midnight UTC, exact */
		ck_assert_int_eq(date_weekday(&d), (tm.tm_wday + 6) % 7);
	}
}
END_TEST

START_TEST(test_add_months)
{
	struct date d = mkdate(2024, 1, 31), r;
	r = date_add_months(&d, 1);
	ck_assert_int_eq(r.year, 2024);
	ck_assert_int_eq(r.month, 2);
	ck_assert_int_eq(r.day, 29);
	d = mkdate(2023, 1, 31);
	r = date_add_months(&d, 1);
	ck_assert_int_eq(r.month, 2);
	ck_assert_int_eq(r.day, 28);
	d = mkdate(2024, 11, 30);
	r = date_add_months(&d, 3);
	ck_assert_int_eq(r.year, 2025);
	ck_assert_int_eq(r.month, 2);
	ck_assert_int_eq(r.day, 28);
	d = mkdate(2024, 3, 31);
	r = date_add_months(&d, -1);
	ck_assert_int_eq(r.year, 2024);
	ck_assert_int_eq(r.month, 2);
	ck_assert_int_eq(r.day, 29);
	d = mkdate(2024, 1, 15);
	r = date_add_months(&d, -13);
	ck_assert_int_eq(r.year, 2022);
	ck_assert_int_eq(r.month, 12);
	ck_assert_int_eq(r.day, 15);
	r = date_add_months(&d, 24);
	ck_assert_int_eq(r.year, 2026);
	ck_assert_int_eq(r.month, 1);
	ck_assert_int_eq(r.day, 15);
	r = date_add_months(&d, 0);
	ck_assert_int_eq(r.year, 2024);
	ck_assert_int_eq(r.month, 1);
	ck_assert_int_eq(r.day, 15);
	d = mkdate(1999, 8, 31);
	r = date_add_months(&d, 6);
	ck_assert_int_eq(r.year, 2000);
	ck_assert_int_eq(r.month, 2);
	ck_assert_int_eq(r.day, 29);
}
END_TEST

START_TEST(test_weekday)
{
	struct date d = mkdate(1970, 1, 1);
	ck_assert_int_eq(date_weekday(&d), 3); /* Thursday */
	d = mkdate(2024, 1, 1);
	ck_assert_int_eq(date_weekday(&d), 0); /* Monday */
	d = mkdate(2000, 2, 29);
	ck_assert_int_eq(date_weekday(&d), 1); /* Tuesday */
	d = mkdate(1969, 12, 28);
	ck_assert_int_eq(date_weekday(&d), 6); /* Sunday */
	d = mkdate(1, 1, 1);
	ck_assert_int_eq(date_weekday(&d), 0); /* Monday (proleptic Gregorian) */
}
END_TEST

/* A zone 14 hours east and one 12 hours west never share a date with UTC at the same moment
 * differently than by one day; each is consistent with gmtime plus its offset. Zone offsets
 * here are whole hours, so readings taken within one UTC hour all match the clock read before
 * them: when an hour boundary passes between the readings, they are taken again (the next
 * boundary is an hour away, so a second attempt always fits; five bound a stalled machine). */
START_TEST(test_today_zones)
{
	struct date utc, kiri, baker, local;
	time_t before = 0, after = 0;
	int attempts = 0;
	do {
		before = time(NULL);
		ck_assert(date_today("UTC", &utc));
		ck_assert(date_today("Pacific/Kiritimati", &kiri)); /* UTC+14 */
		ck_assert(date_today("Etc/GMT+12", &baker));        /* UTC-12 */
		after = time(NULL);
	} while (before / 3600 != after / 3600 && ++attempts < 5);
	ck_assert_msg(before / 3600 == after / 3600,
		      "an hour boundary passed during each of %d attempts at reading the date in "
		      "three zones (last attempt: %lld to %lld)",
		      attempts, (long long)before, (long long)after);

	struct tm tm;
	time_t t = before + 14 * 3600;
	gmtime_r(&t, &tm);
	ck_assert_int_eq(kiri.day, tm.tm_mday);
	ck_assert_int_eq(kiri.month, tm.tm_mon + 1);
	t = before - 12 * 3600;
	gmtime_r(&t, &tm);
	ck_assert_int_eq(baker.day, tm.tm_mday);
	gmtime_r(&before, &tm);
	ck_assert_int_eq(utc.day, tm.tm_mday);
	ck_assert_int_eq(utc.year, tm.tm_year + 1900);
	/* 26 hours apart: never the same date. */
	ck_assert_int_eq(date_to_days(&kiri) - date_to_days(&baker) >= 1, 1);

	/* NULL uses the process's TZ. */
	ck_assert(date_today(NULL, &local));
}
END_TEST

/* The previous TZ comes back, set or unset, and an unknown zone is refused. */
START_TEST(test_today_restores_tz)
{
	struct date d;
	setenv("TZ", "Europe/Brussels", 1);
	ck_assert(date_today("Asia/Tokyo", &d));
	ck_assert_str_eq(getenv("TZ"), "Europe/Brussels");
	unsetenv("TZ");
	ck_assert(date_today("America/New_York", &d));
	ck_assert_ptr_null(getenv("TZ"));
	ck_assert(!date_today("Nowhere/Atlantis", &d));
	ck_assert(!date_today("", &d));
	ck_assert(!date_today("../../etc/passwd", &d));
	ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

Suite *make_date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("civil");
	tcase_add_test(tc, test_parse_valid);
	tcase_add_test(tc, test_parse_refuses);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_leap_years);
	tcase_add_test(tc, test_days_known_values);
	tcase_add_test(tc, test_round_trip_all_days);
	tcase_add_test(tc, test_matches_timegm);
	tcase_add_test(tc, test_add_months);
	tcase_add_test(tc, test_weekday);
	tcase_add_test(tc, test_today_zones);
	tcase_add_test(tc, test_today_restores_tz);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
