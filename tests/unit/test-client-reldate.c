/* test-client-reldate.c — typed dates relative to an injected "today": month-end clamping,
 * leap years, +0d, and the inputs refused before any request; the words shown next to due
 * dates. */
#include "suivi-config.h"

#include <string.h>

#include "client/reldate.h"
#include "suites.h"

static void check(const char *today, const char *input, const char *expected);

/* expected NULL: the input must be refused. */
static void check(const char *today, const char *input, const char *expected)
{
	struct date t, d = {0, 0, 0};
	char buf[11];

	ck_assert(date_parse(today, &t));
	bool ok = reldate_parse(input, &t, &d);
	if (expected == NULL) {
		ck_assert_msg(!ok, "\"%s\" accepted", input);
		return;
	}
	ck_assert_msg(ok, "\"%s\" refused", input);
	date_format(&d, buf);
	ck_assert_msg(strcmp(buf, expected) == 0, "%s %s: got %s, want %s", today, input, buf,
		      expected);
}

START_TEST(test_keywords)
{
	check("2024-05-17", "today", "2024-05-17");
	check("2024-05-17", "tomorrow", "2024-05-18");
	check("2023-12-31", "tomorrow", "2024-01-01");
	check("2024-02-28", "tomorrow", "2024-02-29");
	check("2023-02-28", "tomorrow", "2023-03-01");
}
END_TEST

START_TEST(test_days_weeks)
{
	check("2024-05-17", "+0d", "2024-05-17");
	check("2024-05-17", "+1d", "2024-05-18");
	check("2024-05-17", "+15d", "2024-06-01");
	check("2024-12-25", "+10d", "2025-01-04");
	check("2024-02-27", "+2d", "2024-02-29");
	check("2023-02-27", "+2d", "2023-03-01");
	check("2024-05-17", "+0w", "2024-05-17");
	check("2024-05-17", "+2w", "2024-05-31");
	check("2024-05-17", "+52w", "2025-05-16");
	check("2024-05-17", "+365d", "2025-05-17");
}
END_TEST

START_TEST(test_months_clamp)
{
	check("2024-01-31", "+1m", "2024-02-29"); /* leap year */
	check("2023-01-31", "+1m", "2023-02-28");
	check("2023-01-31", "+13m", "2024-02-29");
	check("2024-03-31", "+1m", "2024-04-30");
	check("2024-08-31", "+3m", "2024-11-30");
	check("2024-10-15", "+3m", "2025-01-15");
	check("2024-05-17", "+0m", "2024-05-17");
	check("2024-02-29", "+12m", "2025-02-28");
	check("2024-02-29", "+48m", "2028-02-29");
	check("2099-12-31", "+2m", "2100-02-28"); /* 2100 is not a leap year */
	check("1999-12-31", "+2m", "2000-02-29"); /* 2000 is */
}
END_TEST

START_TEST(test_absolute)
{
	check("2024-05-17", "2019-10-01", "2019-10-01");
	check("2024-05-17", "2024-02-29", "2024-02-29");
	check("2024-05-17", "2019-02-30", NULL);
	check("2024-05-17", "2023-02-29", NULL);
	check("2024-05-17", "2024-04-31", NULL);
	check("2024-05-17", "2024-13-01", NULL);
	check("2024-05-17", "2024-5-17", NULL);
	check("2024-05-17", "17/05/2024", NULL);
}
END_TEST

START_TEST(test_refused)
{
	static const char *const bad[] = {
	    "",          "+",   "+d",        "+3",        "3d",     "-3d",    "+-3d",   "++3d",
	    "+3x",       "+3D", "+3dd",      "+ 3d",      "+3 d",   "+1y",    "Today",  "tomorow",
	    "yesterday", "now", "+9999999d", "+1234567m", "+0x10d", " today", "today ",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check("2024-05-17", bad[i], NULL);
	/* Beyond year 9999. */
	check("9999-12-31", "tomorrow", NULL);
	check("9999-12-01", "+1m", NULL);
	check("2024-05-17", "+999999w", NULL);
	check("2024-05-17", "+999999m", NULL);
	check("2024-05-17", "+999999d", "4762-04-13");
}
END_TEST

START_TEST(test_describe)
{
	struct date today, due;
	char buf[64];
	static const struct {
		const char *due;
		const char *words;
	} cases[] = {
	    {"2024-05-05", "overdue by 12 days"},  {"2024-05-16", "overdue by 1 day"},
	    {"2024-05-17", "due today"},           {"2024-05-18", "due tomorrow"},
	    {"2024-05-20", "in 3 days"},           {"2025-05-17", "in 365 days"},
	    {"2023-05-17", "overdue by 366 days"},
	};
	ck_assert(date_parse("2024-05-17", &today));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert(date_parse(cases[i].due, &due));
		reldate_describe(&due, &today, buf, sizeof buf);
		ck_assert_str_eq(buf, cases[i].words);
	}
}
END_TEST

Suite *make_client_reldate_suite(void)
{
	Suite *s = suite_create("client_reldate");
	TCase *tc = tcase_create("client_reldate");
	tcase_add_test(tc, test_keywords);
	tcase_add_test(tc, test_days_weeks);
	tcase_add_test(tc, test_months_clamp);
	tcase_add_test(tc, test_absolute);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_describe);
	suite_add_tcase(s, tc);
	return s;
}
