/* test-validate.c — request bodies against field tables: every problem is listed. */
#include "suivi-config.h"

#include <string.h>

#include <jansson.h>

#include "suites.h"
#include "api/validate.h"

static const char *const prio[] = {"low", "normal", "high", NULL};

static const struct field_spec specs[] = {
    {"handle", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0, NULL, NULL, 0},
    {"name", FIELD_STRING, FIELD_REQUIRED, 1, 10, NULL, 0, NULL, NULL, 0},
    {"email", FIELD_EMAIL, 0, 0, 254, NULL, 0, NULL, NULL, 0},
    {"due_on", FIELD_DATE, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"priority", FIELD_ENUM, 0, 0, 0, prio, 0, NULL, NULL, 0},
    {"active", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"tags", FIELD_STRING_LIST, 0, 1, 5, NULL, 2, NULL, NULL, 0},
    {"notes", FIELD_TEXT, 0, 0, 100, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

/* The message given for field, or NULL. */
static const char *message_for(json_t *errors, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach (errors, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
			return json_string_value(json_object_get(e, "message"));
	}
	return NULL;
}

START_TEST(test_good_object)
{
	json_t *o = json_loads("{\"handle\":\"ocrtis\",\"name\":\"Égalité\",\"email\":\"a@b.fr\","
			       "\"due_on\":null,\"priority\":\"high\",\"active\":false,"
			       "\"tags\":[\"a\",\"b\"],\"notes\":\"l1\\nl2\"}",
			       0, NULL);
	json_t *errors = NULL;

	ck_assert(validate_object(o, specs, &errors));
	ck_assert_ptr_null(errors);
	json_decref(o);
}
END_TEST

START_TEST(test_every_problem_listed)
{
	json_t *o = json_loads("{\"handle\":\"Bad Handle\",\"name\":\"much too long name\","
			       "\"email\":\"x\\r\\nBcc: e@v\",\"due_on\":\"2019-02-30\","
			       "\"priority\":\"urgent\",\"active\":\"yes\",\"tags\":[\"a\",\"a\"],"
			       "\"notes\":\"bell\\u0007\",\"extra\":1}",
			       0, NULL);
	json_t *errors = NULL;

	ck_assert(!validate_object(o, specs, &errors));
	ck_assert_int_eq(json_array_size(errors), 9);
	ck_assert_ptr_nonnull(strstr(message_for(errors, "handle"), "a-z"));
	ck_assert_str_eq(message_for(errors, "name"), "must be at most 10 characters");
	ck_assert_str_eq(message_for(errors, "email"), "is not an email address");
	ck_assert_str_eq(message_for(errors, "due_on"), "'2019-02-30' is not a date (YYYY-MM-DD)");
	ck_assert_str_eq(message_for(errors, "priority"), "must be one of low, normal, high");
	ck_assert_str_eq(message_for(errors, "active"), "must be true or false");
	ck_assert_str_eq(message_for(errors, "tags"), "item 2 repeats item 1");
	ck_assert_str_eq(message_for(errors, "notes"), "must not contain control characters");
	ck_assert_str_eq(message_for(errors, "extra"), "is not a known field");
	json_decref(errors);
	json_decref(o);
}
END_TEST

START_TEST(test_required_and_null)
{
	json_t *o = json_loads("{\"email\":null}", 0, NULL);
	json_t *errors = NULL;

	ck_assert(!validate_object(o, specs, &errors));
	ck_assert_str_eq(message_for(errors, "handle"), "is required");
	ck_assert_str_eq(message_for(errors, "name"), "is required");
	ck_assert_str_eq(message_for(errors, "email"), "must not be null");
	json_decref(errors);
	json_decref(o);
	o = json_loads("[1]", 0, NULL);
	errors = NULL;
	ck_assert(!validate_object(o, specs, &errors));
	ck_assert_str_eq(message_for(errors, ""), "the body must be a JSON object");
	json_decref(errors);
	json_decref(o);
}
END_TEST

START_TEST(test_lengths_count_characters)
{
	/* Ten accented letters are ten characters, twenty bytes. */
	json_t *o = json_loads("{\"handle\":\"a\",\"name\":\"éééééééééé\"}", 0, NULL);
	json_t *errors = NULL;

	ck_assert(validate_object(o, specs, &errors));
	json_decref(o);
}
END_TEST

START_TEST(test_query_helpers)
{
	json_t *errors = NULL;
	long v = 0;
	bool b = false;

	ck_assert(validate_query_int("limit", "500", 1, 500, &v, &errors));
	ck_assert_int_eq(v, 500);
	ck_assert(!validate_query_int("limit", "501", 1, 500, &v, &errors));
	ck_assert(!validate_query_int("limit", "12abc", 1, 500, &v, &errors));
	ck_assert(!validate_query_int("limit", "99999999999999999999", 1, 500, &v, &errors));
	ck_assert(validate_query_bool("open", "true", &b, &errors) && b);
	ck_assert(!validate_query_bool("open", "maybe", &b, &errors));
	ck_assert(!validate_query_date("as_of", "2023-02-29", &errors));
	ck_assert(validate_query_date("as_of", "2024-02-29", &errors));
	ck_assert(!validate_query_slug("owner", "-x", &errors));
	ck_assert_int_eq(json_array_size(errors), 6);
	json_decref(errors);
}
END_TEST

Suite *make_validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, test_good_object);
	tcase_add_test(tc, test_every_problem_listed);
	tcase_add_test(tc, test_required_and_null);
	tcase_add_test(tc, test_lengths_count_characters);
	tcase_add_test(tc, test_query_helpers);
	suite_add_tcase(s, tc);
	return s;
}
