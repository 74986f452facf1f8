/* test-auth.c — token generation, hashing and role names. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "http/auth.h"
#include "suites.h"

#define PREFIX_LEN (sizeof AUTH_TOKEN_PREFIX - 1)
/* 24 random bytes in unpadded base64url are exactly 32 characters. */
#define TOKEN_LEN (PREFIX_LEN + 32)
#define MANY 1000

static bool is_base64url(char c);
static int cmp_str(const void *a, const void *b);

static bool is_base64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_token_format)
{
	char *token = NULL;
	char hash[65];
	ck_assert_int_eq(auth_token_generate(&token, hash), 0);
	ck_assert_ptr_nonnull(token);
	ck_assert_uint_eq(strlen(token), TOKEN_LEN);
	ck_assert_int_eq(strncmp(token, "suivi_", PREFIX_LEN), 0);
	for (const char *p = token + PREFIX_LEN; *p != '\0'; p++)
		ck_assert_msg(is_base64url(*p), "'%c' is not base64url in %s", *p, token);
	ck_assert_ptr_null(strchr(token, '='));
	free(token);
}
END_TEST

/* The hash handed back with a new token is the hash the lookup will compute. */
START_TEST(test_token_hash_matches)
{
	char *token = NULL;
	char hash[65], again[65];
	ck_assert_int_eq(auth_token_generate(&token, hash), 0);
	ck_assert_uint_eq(strlen(hash), 64);
	auth_token_hash(token, again);
	ck_assert_str_eq(hash, again);
	for (const char *p = hash; *p != '\0'; p++)
		ck_assert(strchr("0123456789abcdef", *p) != NULL);
	free(token);
}
END_TEST

START_TEST(test_tokens_distinct)
{
	char *tokens[MANY];
	char hash[65];
	for (size_t i = 0; i < MANY; i++)
		ck_assert_int_eq(auth_token_generate(&tokens[i], hash), 0);
	qsort(tokens, MANY, sizeof tokens[0], cmp_str);
	for (size_t i = 1; i < MANY; i++)
		ck_assert_str_ne(tokens[i - 1], tokens[i]);
	/* Every alphabet position gets used: a broken encoder (say, only 32 symbols) fails. */
	bool seen[256] = {false};
	for (size_t i = 0; i < MANY; i++) {
		for (const char *p = tokens[i] + PREFIX_LEN; *p != '\0'; p++)
			seen[(unsigned char)*p] = true;
		free(tokens[i]);
	}
	size_t used = 0;
	for (size_t c = 0; c < 256; c++) {
		if (seen[c]) {
			ck_assert(is_base64url((char)c));
			used++;
		}
	}
	ck_assert_uint_eq(used, 64);
}
END_TEST

START_TEST(test_hash_known_value)
{
	char hash[65];
	auth_token_hash("abc", hash);
	ck_assert_str_eq(hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	auth_token_hash("suivi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", hash);
	/* printf %s 'suivi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' | sha256sum */
	ck_assert_str_eq(hash, "4c3715660aa7e16cd1b631cad1f29729aae03ae7d7056aac018b7ec77e68ec55");
}
END_TEST

START_TEST(test_role_round_trip)
{
	static const struct {
		const char *name;
		enum role role;
	} cases[] = {
	    {"viewer", ROLE_VIEWER},           {"feed", ROLE_FEED},   {"owner", ROLE_OWNER},
	    {"secretariat", ROLE_SECRETARIAT}, {"admin", ROLE_ADMIN},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		enum role r = ROLE_PUBLIC;
		ck_assert(role_parse(cases[i].name, &r));
		ck_assert_int_eq(r, cases[i].role);
		ck_assert_str_eq(role_name(r), cases[i].name);
	}
	/* The order the router relies on. */
	ck_assert_int_lt(ROLE_PUBLIC, ROLE_VIEWER);
	/* A feed token passes no role check: only ROUTE_FEED_KEY routes let it in. */
	ck_assert_int_lt(ROLE_FEED, ROLE_VIEWER);
	ck_assert_int_lt(ROLE_VIEWER, ROLE_OWNER);
	ck_assert_int_lt(ROLE_OWNER, ROLE_SECRETARIAT);
	ck_assert_int_lt(ROLE_SECRETARIAT, ROLE_ADMIN);
}
END_TEST

START_TEST(test_role_parse_refuses)
{
	enum role r = ROLE_ADMIN;
	ck_assert(!role_parse("public", &r)); /* a route property, never granted */
	ck_assert(!role_parse("Admin", &r));
	ck_assert(!role_parse("", &r));
	ck_assert(!role_parse("admin ", &r));
	ck_assert_int_eq(r, ROLE_ADMIN);
}
END_TEST

Suite *make_auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("tokens");
	tcase_add_test(tc, test_token_format);
	tcase_add_test(tc, test_token_hash_matches);
	tcase_add_test(tc, test_tokens_distinct);
	tcase_add_test(tc, test_hash_known_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("roles");
	tcase_add_test(tc, test_role_round_trip);
	tcase_add_test(tc, test_role_parse_refuses);
	suite_add_tcase(s, tc);
	return s;
}
