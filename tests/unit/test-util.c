/* test-util.c — allocators, set_cause, UTF-8 validation, trimming. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util.h"

#define UTF8_OK(lit) ck_assert_msg(utf8_valid(lit, sizeof(lit) - 1), "should be valid: %s", #lit)
#define UTF8_BAD(lit) ck_assert_msg(!utf8_valid(lit, sizeof(lit) - 1), "should be invalid: %s", #lit)

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

START_TEST(test_utf8_valid_good)
{
	UTF8_OK("");
	UTF8_OK("plain ascii");
	UTF8_OK("caf\xc3\xa9");                 /* é */
	UTF8_OK("\xe2\x82\xac");                /* € */
	UTF8_OK("\xf0\x9f\x98\x80");            /* U+1F600 */
	UTF8_OK("\xc2\x80");                    /* U+0080, smallest 2-byte */
	UTF8_OK("\xe0\xa0\x80");                /* U+0800, smallest 3-byte */
	UTF8_OK("\xed\x9f\xbf");                /* U+D7FF, just below surrogates */
	UTF8_OK("\xee\x80\x80");                /* U+E000, just above surrogates */
	UTF8_OK("\xef\xbf\xbf");                /* U+FFFF */
	UTF8_OK("\xf0\x90\x80\x80");            /* U+10000, smallest 4-byte */
	UTF8_OK("\xf4\x8f\xbf\xbf");            /* U+10FFFF, the largest */
	UTF8_OK("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); /* 日本語 */
	/* Only len bytes are looked at: a bad byte beyond them is ignored. */
	ck_assert(utf8_valid("ab\xff", 2));
}
END_TEST

START_TEST(test_utf8_valid_bad)
{
	UTF8_BAD("\x80");                 /* lone continuation */
	UTF8_BAD("a\xbf" "b");            /* continuation in the middle */
	UTF8_BAD("\xc0\xaf");             /* overlong '/' */
	UTF8_BAD("\xc1\xbf");             /* overlong 2-byte */
	UTF8_BAD("\xe0\x80\xaf");         /* overlong 3-byte */
	UTF8_BAD("\xe0\x9f\xbf");         /* overlong U+07FF */
	UTF8_BAD("\xf0\x80\x80\xaf");     /* overlong 4-byte */
	UTF8_BAD("\xf0\x8f\xbf\xbf");     /* overlong U+FFFF */
	UTF8_BAD("\xed\xa0\x80");         /* U+D800, high surrogate */
	UTF8_BAD("\xed\xbf\xbf");         /* U+DFFF, low surrogate */
	UTF8_BAD("\xf4\x90\x80\x80");     /* U+110000 */
	UTF8_BAD("\xf5\x80\x80\x80");     /* lead byte beyond U+10FFFF */
	UTF8_BAD("\xff");
	UTF8_BAD("\xfe");
	UTF8_BAD("\xc3");                 /* truncated 2-byte */
	UTF8_BAD("\xe2\x82");             /* truncated 3-byte */
	UTF8_BAD("\xf0\x9f\x98");         /* truncated 4-byte */
	UTF8_BAD("\xe2\x82" "a");         /* continuation replaced by ASCII */
	UTF8_BAD("\xc3\xc3\xa9");         /* lead byte where a continuation belongs */
	/* A valid sequence cut by len is truncated too. */
	ck_assert(!utf8_valid("\xe2\x82\xac", 2));
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
	tcase_add_test(tc, test_utf8_valid_good);
	tcase_add_test(tc, test_utf8_valid_bad);
	tcase_add_test(tc, test_str_trim);
	suite_add_tcase(s, tc);
	return s;
}
