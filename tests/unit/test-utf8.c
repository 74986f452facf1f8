/* test-utf8.c — validation (overlong, surrogates, truncated, above U+10FFFF), decoding,
 * encoding, counting, control characters, display widths and cutting. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "utf8.h"

#define UTF8_OK(lit) ck_assert_msg(utf8_valid(lit, sizeof(lit) - 1), "should be valid: %s", #lit)
#define UTF8_BAD(lit)                                                                              \
	ck_assert_msg(!utf8_valid(lit, sizeof(lit) - 1), "should be invalid: %s", #lit)

static void decodes_to(const char *s, size_t len, size_t want_len, uint32_t want_cp);

/* utf8_decode of len bytes gives want_len and want_cp (U+FFFD when want_len is 0). */
static void decodes_to(const char *s, size_t len, size_t want_len, uint32_t want_cp)
{
	uint32_t cp = 0;
	size_t n = utf8_decode(s, len, &cp);

	ck_assert_uint_eq(n, want_len);
	ck_assert_uint_eq(cp, want_cp);
}

START_TEST(test_valid_good)
{
	UTF8_OK("");
	UTF8_OK("plain ascii");
	UTF8_OK("caf\xc3\xa9");                          /* é */
	UTF8_OK("\xe2\x82\xac");                         /* € */
	UTF8_OK("\xf0\x9f\x98\x80");                     /* U+1F600 */
	UTF8_OK("\xc2\x80");                             /* U+0080, smallest 2-byte */
	UTF8_OK("\xe0\xa0\x80");                         /* U+0800, smallest 3-byte */
	UTF8_OK("\xed\x9f\xbf");                         /* U+D7FF, just below surrogates */
	UTF8_OK("\xee\x80\x80");                         /* U+E000, just above surrogates */
	UTF8_OK("\xef\xbf\xbf");                         /* U+FFFF */
	UTF8_OK("\xf0\x90\x80\x80");                     /* U+10000, smallest 4-byte */
	UTF8_OK("\xf4\x8f\xbf\xbf");                     /* U+10FFFF, the largest */
	UTF8_OK("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); /* 日本語 */
	UTF8_OK("a\0b");                                 /* a NUL byte is a character */
	/* Only len bytes are looked at: a bad byte beyond them is ignored. */
	ck_assert(utf8_valid("ab\xff", 2));
}
END_TEST

START_TEST(test_valid_bad)
{
	UTF8_BAD("\x80"); /* lone continuation */
	UTF8_BAD("a\xbf"
		 "b");                        /* continuation in the middle */
	UTF8_BAD("\xc0\xaf");                 /* overlong '/' */
	UTF8_BAD("\xc1\xbf");                 /* overlong 2-byte */
	UTF8_BAD("\xe0\x80\xaf");             /* overlong 3-byte */
	UTF8_BAD("\xe0\x9f\xbf");             /* overlong U+07FF */
	UTF8_BAD("\xf0\x80\x80\xaf");         /* overlong 4-byte */
	UTF8_BAD("\xf0\x8f\xbf\xbf");         /* overlong U+FFFF */
	UTF8_BAD("\xed\xa0\x80");             /* U+D800, high surrogate */
	UTF8_BAD("\xed\xbf\xbf");             /* U+DFFF, low surrogate */
	UTF8_BAD("\xed\xa0\xbd\xed\xb8\x80"); /* a CESU-8 surrogate pair */
	UTF8_BAD("\xf4\x90\x80\x80");         /* U+110000 */
	UTF8_BAD("\xf7\xbf\xbf\xbf");         /* U+1FFFFF */
	UTF8_BAD("\xf5\x80\x80\x80");         /* lead byte beyond U+10FFFF */
	UTF8_BAD("\xf8\x88\x80\x80\x80");     /* old 5-byte form */
	UTF8_BAD("\xff");
	UTF8_BAD("\xfe");
	UTF8_BAD("\xc3");         /* truncated 2-byte */
	UTF8_BAD("\xe2\x82");     /* truncated 3-byte */
	UTF8_BAD("\xf0\x9f\x98"); /* truncated 4-byte */
	UTF8_BAD("\xe2\x82"
		 "a");            /* continuation replaced by ASCII */
	UTF8_BAD("\xc3\xc3\xa9"); /* lead byte where a continuation belongs */
	UTF8_BAD("ok\xe2\x82");   /* truncated at the very end */
	/* A valid sequence cut by len is truncated too. */
	ck_assert(!utf8_valid("\xe2\x82\xac", 2));
}
END_TEST

START_TEST(test_decode)
{
	decodes_to("A", 1, 1, 'A');
	decodes_to("", 1, 1, 0); /* the NUL byte, when len counts it */
	decodes_to("\xc3\xa9", 2, 2, 0xE9);
	decodes_to("\xe2\x82\xac", 3, 3, 0x20AC);
	decodes_to("\xf0\x9f\x98\x80", 4, 4, 0x1F600);
	decodes_to("\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF);
	/* Only the first character: the rest is the next call's. */
	decodes_to("\xc3\xa9x", 3, 2, 0xE9);
	/* Invalid: 0 and U+FFFD. */
	decodes_to("A", 0, 0, UTF8_REPLACEMENT);
	decodes_to("\xc0\x80", 2, 0, UTF8_REPLACEMENT);     /* overlong NUL */
	decodes_to("\xe0\x80\x80", 3, 0, UTF8_REPLACEMENT); /* overlong */
	decodes_to("\xed\xa0\x80", 3, 0, UTF8_REPLACEMENT); /* surrogate */
	decodes_to("\xf4\x90\x80\x80", 4, 0, UTF8_REPLACEMENT);
	decodes_to("\xe2\x82\xac", 2, 0, UTF8_REPLACEMENT); /* cut by len */
	decodes_to("\x80", 1, 0, UTF8_REPLACEMENT);
}
END_TEST

/* utf8_next resynchronises one byte after an invalid one. */
START_TEST(test_next)
{
	const char *s = "a\xff\xe2\x82\xac\xe2\x82"
			"b";
	uint32_t cps[8];
	size_t n = 0;

	for (const char *p = s; *p != '\0'; n++)
		p += utf8_next(p, &cps[n]);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(cps[0], 'a');
	ck_assert_uint_eq(cps[1], UTF8_REPLACEMENT);
	ck_assert_uint_eq(cps[2], 0x20AC);
	ck_assert_uint_eq(cps[3], UTF8_REPLACEMENT); /* \xe2 of the truncated sequence */
	ck_assert_uint_eq(cps[4], UTF8_REPLACEMENT); /* its lone continuation \x82 */
	ck_assert_uint_eq(cps[5], 'b');
}
END_TEST

/* Every scalar value encodes to what decodes back to it, in as many bytes as it needs. */
START_TEST(test_encode_round_trip)
{
	uint32_t bad = 0, nbad = 0;

	/* One check at the end: a ck_assert per code point is too slow under Check. */
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		char buf[4];
		uint32_t back = 0;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		size_t n = utf8_encode(cp, buf);
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n != want || utf8_decode(buf, n, &back) != n || back != cp ||
		    !utf8_valid(buf, n)) {
			if (nbad++ == 0)
				bad = cp;
		}
	}
	ck_assert_msg(nbad == 0, "%u code points fail, the first U+%04X", nbad, bad);
}
END_TEST

START_TEST(test_count)
{
	ck_assert_uint_eq(utf8_count(""), 0);
	ck_assert_uint_eq(utf8_count("abc"), 3);
	ck_assert_uint_eq(utf8_count("donn\xc3\xa9"
				     "es"),
			  7);
	ck_assert_uint_eq(utf8_count("\xe6\x9d\xb1\xe4\xba\xac"), 2); /* 東京 */
	ck_assert_uint_eq(utf8_count("\xf0\x9f\x98\x80!"), 2);        /* 😀! */
	ck_assert_uint_eq(utf8_count("e\xcc\x81"), 2); /* a combining mark is a code point */
	ck_assert_uint_eq(utf8_count_n("donn\xc3\xa9"
				       "es",
				       6),
			  5); /* "donné" */
	ck_assert_uint_eq(utf8_count_n("abc", 0), 0);
	ck_assert_uint_eq(utf8_count_n("a\0b", 3), 3);
}
END_TEST

START_TEST(test_control)
{
	ck_assert(utf8_is_control(0x00));
	ck_assert(utf8_is_control('\n'));
	ck_assert(utf8_is_control(0x1F));
	ck_assert(!utf8_is_control(' '));
	ck_assert(!utf8_is_control('~'));
	ck_assert(utf8_is_control(0x7F));
	ck_assert(utf8_is_control(0x80));
	ck_assert(utf8_is_control(0x9F));
	ck_assert(!utf8_is_control(0xA0));
	ck_assert(!utf8_is_control(0x2028));
}
END_TEST

START_TEST(test_width)
{
	ck_assert_int_eq(utf8_width('a'), 1);
	ck_assert_int_eq(utf8_width(0xE9), 1);   /* é */
	ck_assert_int_eq(utf8_width(0x2026), 1); /* … */
	/* Combining and format characters take no column. */
	ck_assert_int_eq(utf8_width(0x0301), 0); /* combining acute */
	ck_assert_int_eq(utf8_width(0x036F), 0);
	ck_assert_int_eq(utf8_width(0x0370), 1);  /* just after the block */
	ck_assert_int_eq(utf8_width(0x200B), 0);  /* zero width space */
	ck_assert_int_eq(utf8_width(0xFE0F), 0);  /* variation selector 16 */
	ck_assert_int_eq(utf8_width(0xFEFF), 0);  /* BOM */
	ck_assert_int_eq(utf8_width(0xE0100), 0); /* variation selector 17 */
	/* CJK, Hangul and fullwidth forms take two. */
	ck_assert_int_eq(utf8_width(0x6771), 2);  /* 東 */
	ck_assert_int_eq(utf8_width(0x3042), 2);  /* あ */
	ck_assert_int_eq(utf8_width(0xAC00), 2);  /* 가 */
	ck_assert_int_eq(utf8_width(0xFF21), 2);  /* Ａ */
	ck_assert_int_eq(utf8_width(0xFF61), 1);  /* halfwidth ｡ */
	ck_assert_int_eq(utf8_width(0x20000), 2); /* CJK extension B */
	/* Emoji. */
	ck_assert_int_eq(utf8_width(0x1F600), 2); /* 😀 */
	ck_assert_int_eq(utf8_width(0x1F914), 2); /* 🤔 */
	ck_assert_int_eq(utf8_width(0x231A), 2);  /* ⌚ */
}
END_TEST

START_TEST(test_cut)
{
	const char *s = "ab\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"; /* a b é € 😀 */

	ck_assert_uint_eq(utf8_cut(s, 0), 0);
	ck_assert_uint_eq(utf8_cut(s, 2), 2);
	ck_assert_uint_eq(utf8_cut(s, 3), 2); /* not half of é */
	ck_assert_uint_eq(utf8_cut(s, 4), 4);
	ck_assert_uint_eq(utf8_cut(s, 6), 4); /* not two thirds of € */
	ck_assert_uint_eq(utf8_cut(s, 7), 7);
	ck_assert_uint_eq(utf8_cut(s, 10), 7);
	ck_assert_uint_eq(utf8_cut(s, 11), 11);
	ck_assert_uint_eq(utf8_cut(s, 100), 11); /* stops at the NUL */
	/* An invalid byte is a character of its own: cutting always moves on. */
	ck_assert_uint_eq(utf8_cut("\xff\xfe", 1), 1);
	ck_assert_uint_eq(utf8_cut("\xe2\x82", 5), 2);
}
END_TEST

START_TEST(test_scrub)
{
	/* jansson's "near '…'" stops inside a character (found by fuzz-import-json). */
	char s[] = "near '\"Renforce\\\xdf' \xed\xa0\x80 \xc3\xa9t\xc3\xa9 \xf0\x9f";
	utf8_scrub(s);
	ck_assert_str_eq(s, "near '\"Renforce\\?' ??? \xc3\xa9t\xc3\xa9 ??");
	ck_assert(utf8_valid(s, strlen(s)));
}
END_TEST

Suite *make_utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");
	tcase_add_test(tc, test_valid_good);
	tcase_add_test(tc, test_valid_bad);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_next);
	tcase_add_test(tc, test_encode_round_trip);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_control);
	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_cut);
	tcase_add_test(tc, test_scrub);
	suite_add_tcase(s, tc);
	return s;
}
