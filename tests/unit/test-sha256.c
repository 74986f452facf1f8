/* test-sha256.c — SHA-256 against the NIST FIPS 180-4 example vectors. */
#include "suivi-config.h"

#include <string.h>

#include "sha256.h"
#include "suites.h"
#include "util.h"

static void digest_hex(const unsigned char d[SHA256_DIGEST_LEN], char hex[65]);

static void digest_hex(const unsigned char d[SHA256_DIGEST_LEN], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

START_TEST(test_empty)
{
	char hex[65];
	sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_abc)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_448_bits)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[65];
	ck_assert_uint_eq(strlen(msg) * 8, 448);
	sha256_hex(msg, strlen(msg), hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_896_bits)
{
	static const char msg[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
				  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char hex[65];
	ck_assert_uint_eq(strlen(msg) * 8, 896);
	sha256_hex(msg, strlen(msg), hex);
	ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

/* A million 'a' fed in chunks of 1, 3, 7, 64, 65, 999 … bytes so that every path through the
 * buffering (partial fill, exact block, several blocks at once) is taken. */
START_TEST(test_million_a_chunks)
{
	static const size_t sizes[] = {1, 3, 7, 64, 65, 127, 999, 4096, 63};
	static unsigned char a[4096];
	struct sha256_ctx c;
	unsigned char d[SHA256_DIGEST_LEN];
	char hex[65];
	size_t done = 0, i = 0;

	memset(a, 'a', sizeof a);
	sha256_init(&c);
	while (done < 1000000) {
		size_t n = sizes[i++ % ARRAY_LEN(sizes)];
		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&c, a, n);
		done += n;
	}
	sha256_final(&c, d);
	digest_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Lengths around the padding boundary: 55 bytes fit the length in the same block, 56 and 64
 * need an extra one (values from coreutils sha256sum). */
START_TEST(test_padding_boundaries)
{
	char msg[64], hex[65];
	memset(msg, '0', sizeof msg);
	sha256_hex(msg, 55, hex);
	ck_assert_str_eq(hex, "9f8ef876f51f5313c91cc3f6b8119af09d8bbdd72098fa149b2780eb3591d6be");
	sha256_hex(msg, 56, hex);
	ck_assert_str_eq(hex, "bd03ac1428f0ea86f4b83a731ffc7967bb82866d8545322f888d2f6e857ffc18");
	sha256_hex(msg, 64, hex);
	ck_assert_str_eq(hex, "60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55");
}
END_TEST

/* The one-shot function and the incremental one agree, byte at a time included. */
START_TEST(test_oneshot_matches_incremental)
{
	static const char msg[] = "The quick brown fox jumps over the lazy dog";
	unsigned char one[SHA256_DIGEST_LEN], inc[SHA256_DIGEST_LEN];
	struct sha256_ctx c;
	char hex[65];

	sha256(msg, strlen(msg), one);
	sha256_init(&c);
	for (size_t i = 0; i < strlen(msg); i++)
		sha256_update(&c, msg + i, 1);
	sha256_final(&c, inc);
	ck_assert_mem_eq(one, inc, SHA256_DIGEST_LEN);
	digest_hex(one, hex);
	ck_assert_str_eq(hex, "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
}
END_TEST

Suite *make_sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("nist");
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_abc);
	tcase_add_test(tc, test_448_bits);
	tcase_add_test(tc, test_896_bits);
	tcase_add_test(tc, test_million_a_chunks);
	tcase_add_test(tc, test_padding_boundaries);
	tcase_add_test(tc, test_oneshot_matches_incremental);
	suite_add_tcase(s, tc);
	return s;
}
