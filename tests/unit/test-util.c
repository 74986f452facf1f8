/* test-util.c — allocators, set_cause, trimming. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util.h"

START_TEST(test_xasprintf)
{
	char *s = xasprintf("%s-%d-%05.1f", "ab", 42, 3.14159);
	ck_assert_str_eq(s, "ab-42-003.1");
	free(s);

	/* Longer than any small internal buffer. */
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	s = xasprintf("[%s]", big);
	ck_assert_uint_eq(strlen(s), sizeof big + 1);
	ck_assert_int_eq(s[0], '[');
	ck_assert_int_eq(s[sizeof big], ']');
	free(s);
}
END_TEST

START_TEST(test_xstrdup_xstrndup)
{
	char *s = xstrdup("hello");
	ck_assert_str_eq(s, "hello");
	free(s);
	s = xstrndup("hello", 3);
	ck_assert_str_eq(s, "hel");
	free(s);
	/* n beyond the end stops at the NUL. */
	s = xstrndup("hi", 10);
	ck_assert_str_eq(s, "hi");
	free(s);
}
END_TEST

START_TEST(test_xalloc)
{
	int *p = xcalloc(16, sizeof *p);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(p[i], 0);
	p = xrealloc(p, 1000 * sizeof *p);
	p[999] = 7;
	ck_assert_int_eq(p[999], 7);
	ck_assert_int_eq(p[0], 0);
	free(p);
	/* Zero-sized requests still give a pointer that free() accepts. */
	void *z = xmalloc(0);
	ck_assert_ptr_nonnull(z);
	free(z);
}
END_TEST

START_TEST(test_set_cause)
{
	char *cause = NULL;
	set_cause(&cause, "bad %s at %d", "thing", 3);
	ck_assert_str_eq(cause, "bad thing at 3");
	/* Replaces the old value; may use it as an argument. */
	set_cause(&cause, "wrapped: %s", cause);
	ck_assert_str_eq(cause, "wrapped: bad thing at 3");
	free(cause);
	/* A NULL cause is allowed: nothing happens. */
	set_cause(NULL, "ignored %d", 1);
}
END_TEST

START_TEST(test_str_trim)
{
	char a[] = "  \t key = value \r\n";
	ck_assert_str_eq(str_trim(a), "key = value");
	ck_assert_str_eq(a, "key = value"); /* in place, from the start of the buffer */
	char b[] = " \t\n ";
	ck_assert_str_eq(str_trim(b), "");
	char c[] = "x";
	ck_assert_str_eq(str_trim(c), "x");
	char d[] = "";
	ck_assert_str_eq(str_trim(d), "");
	/* Non-ASCII bytes are not white space. */
	char e[] = "\xc2\xa0x\xc2\xa0";
	ck_assert_str_eq(str_trim(e), "\xc2\xa0x\xc2\xa0");
}
END_TEST

Suite *make_util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, test_xasprintf);
	tcase_add_test(tc, test_xstrdup_xstrndup);
	tcase_add_test(tc, test_xalloc);
	tcase_add_test(tc, test_set_cause);
	tcase_add_test(tc, test_str_trim);
	suite_add_tcase(s, tc);
	return s;
}
