/* test-base64.c — RFC 4648 test vectors, base64url round trips, and refused input. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "suites.h"

static void url_bad(const char *s);

static void url_bad(const char *s)
{
	size_t n = 99;
	char *out = base64_url_decode(s, strlen(s), &n);

	ck_assert_msg(out == NULL, "should be refused: \"%s\"", s);
	ck_assert_uint_eq(n, 99); /* untouched */
}

/* RFC 4648 section 10. */
START_TEST(test_vectors)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const padded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
					     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	static const char *const url[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
	char buf[16];

	for (size_t i = 0; i < 7; i++) {
		size_t len = strlen(plain[i]);
		base64_encode(plain[i], len, buf);
		ck_assert_str_eq(buf, padded[i]);
		ck_assert_uint_eq(strlen(buf), BASE64_LEN(len));
		base64_url_encode(plain[i], len, buf);
		ck_assert_str_eq(buf, url[i]);
		ck_assert_uint_eq(strlen(buf), BASE64_URL_LEN(len));
	}
}
END_TEST

/* The two alphabets differ in their last two characters only. */
START_TEST(test_alphabets)
{
	static const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
	char buf[8];

	base64_encode(bytes, sizeof bytes, buf);
	ck_assert_str_eq(buf, "+/+/");
	base64_url_encode(bytes, sizeof bytes, buf);
	ck_assert_str_eq(buf, "-_-_");
}
END_TEST

/* Every length from 0 to 64 and every byte value survive encode then decode. */
START_TEST(test_url_round_trip)
{
	unsigned char in[64];
	char enc[BASE64_URL_LEN(sizeof in) + 1];

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 255);
	for (size_t len = 0; len <= sizeof in; len++) {
		size_t n = 0;
		base64_url_encode(in, len, enc);
		char *out = base64_url_decode(enc, strlen(enc), &n);
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(n, len);
		ck_assert_mem_eq(out, in, len);
		ck_assert_int_eq(out[n], '\0');
		free(out);
	}
}
END_TEST

START_TEST(test_url_bad)
{
	url_bad("Z");     /* one character: six bits, no whole byte */
	url_bad("Zm9vY"); /* 4k + 1 characters */
	url_bad("Zg==");  /* padding is not base64url */
	url_bad("Zm8=");
	url_bad("Zm+v"); /* the standard alphabet */
	url_bad("Zm/v");
	url_bad("Zm9 v"); /* white space */
	url_bad("Zm9v\n");
	url_bad("Zh");  /* stray bits in the last character ("Zg" is canonical) */
	url_bad("Zm9"); /* ("Zm8" is) */
	url_bad("\xc3\xa9xx");
	/* Only len characters are read: a NUL inside them is refused too. */
	size_t n;
	ck_assert_ptr_null(base64_url_decode("Zm\0v", 4, &n));
	char *out = base64_url_decode("Zm9v!!", 4, &n);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "foo");
	free(out);
}
END_TEST

Suite *make_base64_suite(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("base64");
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_alphabets);
	tcase_add_test(tc, test_url_round_trip);
	tcase_add_test(tc, test_url_bad);
	suite_add_tcase(s, tc);
	return s;
}
