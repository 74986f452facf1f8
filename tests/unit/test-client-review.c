/* test-client-review.c — suivi import's choosing among candidates (client/import-review.c):
 * --pick lists, the review file written and read back, provenance in the details. */
#include "suivi-config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "client/import-review.h"
#include "suites.h"
#include "util.h"

static json_t *cands(void)
{
	json_error_t e;
	json_t *c =
	    json_loads("[{\"n\":1,\"line\":3,\"unit\":\"line\",\"confidence\":90,\"list\":true,"
		       "\"text\":\"Former les agents.\",\"source\":\"Former les agents.\"},"
		       "{\"n\":2,\"line\":7,\"unit\":\"line\",\"confidence\":75,\"list\":false,"
		       "\"text\":\"Publier les chiffres.\","
		       "\"source\":\"Le comité recommande de publier les chiffres.\"}]",
		       0, &e);
	ck_assert_ptr_nonnull(c);
	return c;
}

START_TEST(pick_lists)
{
	bool sel[11];
	char *cause = NULL;

	ck_assert(review_pick_parse("1-5,8", 10, sel, &cause));
	for (int i = 1; i <= 10; i++)
		ck_assert_int_eq(sel[i], (i <= 5 || i == 8));
	ck_assert(review_pick_parse("10", 10, sel, &cause));
	ck_assert(sel[10] && !sel[1]);
	static const char *const bad[] = {"", "0", "11", "3-1", "1,", ",1", "a", "1-", "1;2", "-3"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		ck_assert_msg(!review_pick_parse(bad[i], 10, sel, &cause), "%s taken", bad[i]);
		ck_assert_ptr_nonnull(cause);
		ck_assert_ptr_nonnull(strstr(cause, "--pick"));
		free(cause);
		cause = NULL;
	}
}
END_TEST

START_TEST(review_file_round_trip)
{
	json_t *c = cands();
	char *text = review_text(c, "cr.txt", "bamako-2019");
	ck_assert_ptr_nonnull(
	    strstr(text, "# suivi import: 2 candidates from cr.txt for bamako-2019."));
	ck_assert_ptr_nonnull(
	    strstr(text, "\n# 1: 90%, line 3, list item\n1) Former les agents.\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n# 2: 75%, line 7: Le comité recommande de publier "
					   "les chiffres.\n2) Publier les chiffres.\n"));

	/* Untouched: both, with their provenance. */
	struct date today = {2024, 1, 31};
	json_t *items;
	char *cause = NULL;
	ck_assert(review_parse(text, c, "cr.txt", &today, &items, &cause));
	ck_assert_uint_eq(json_array_size(items), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "details")),
			 "From cr.txt, line 3.");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "details")),
			 "From cr.txt, line 7: “Le comité recommande de publier les chiffres.”");
	json_decref(items);
	free(text);

	/* Edited: one dropped, one reworded with an owner and a relative deadline, one added. */
	ck_assert(review_parse("# comment\n\n2) Publier les chiffres chaque année @ins due:+1m\r\n"
			       "  Tenir un registre due:2025-02-28\n",
			       c, "cr.txt", &today, &items, &cause));
	ck_assert_uint_eq(json_array_size(items), 2);
	json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1);
	ck_assert_str_eq(json_string_value(json_object_get(a, "text")),
			 "Publier les chiffres chaque année");
	ck_assert_str_eq(json_string_value(json_object_get(a, "owner")), "ins");
	ck_assert_str_eq(json_string_value(json_object_get(a, "due_on")), "2024-02-29");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "details")), "line 7"));
	ck_assert_str_eq(json_string_value(json_object_get(b, "text")), "Tenir un registre");
	ck_assert_str_eq(json_string_value(json_object_get(b, "due_on")), "2025-02-28");
	ck_assert_ptr_null(json_object_get(b, "details"));
	json_decref(items);

	/* Refused, naming the line: an unknown number, a bad date, nothing but annotations. */
	static const struct {
		const char *text, *cause;
	} bad[] = {
	    {"\n7) Inventé\n", "line 2: there is no candidate 7"},
	    {"1) Former due:someday\n", "line 1: someday is not a date"},
	    {"1) @ocs\n", "line 1: the recommendation's text is empty"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		ck_assert(!review_parse(bad[i].text, c, "cr.txt", &today, &items, &cause));
		ck_assert_msg(strncmp(cause, bad[i].cause, strlen(bad[i].cause)) == 0, "%s", cause);
		free(cause);
		cause = NULL;
	}
	/* Nothing left: nothing to import, not an error. */
	ck_assert(review_parse("# all gone\n", c, "cr.txt", &today, &items, &cause));
	ck_assert_uint_eq(json_array_size(items), 0);
	json_decref(items);
	json_decref(c);
}
END_TEST

Suite *make_client_review_suite(void)
{
	Suite *s = suite_create("client_review");
	TCase *tc = tcase_create("review");
	tcase_add_test(tc, pick_lists);
	tcase_add_test(tc, review_file_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
