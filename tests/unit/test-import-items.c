/* test-import-items.c — the checks every imported item goes through, whatever its format:
 * tags and list limits, the 10,000-item bound, statuses and limits given by the caller (the
 * database's workflow), defaults and value types. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "suites.h"
#include "test-import.h"
#include "util.h"

START_TEST(test_tags_limits)
{
	struct import_result res;
	struct import_error err;
	/* 20 tags and a 50-character tag pass; a 21st tag or a 51st character do not. */
	char *doc;
	char *tags = import_test_repeat("t;", 19);
	char *tag50 = import_test_repeat("é", 50);
	doc = xasprintf("text,tags\nUn.,\"%s%s\"\n", tags, tag50);
	for (size_t i = 0, k = 0; doc[i] != '\0'; i++) /* t;t;… must differ */
		if (doc[i] == 't' && doc[i + 1] == ';')
			doc[i] = (char)('a' + k++);
	import_test_ok("text/csv", doc, strlen(doc), &res);
	ck_assert_uint_eq(res.items[0].ntags, 20);
	ck_assert_str_eq(res.items[0].tags[19], tag50);
	import_result_free(&res);
	free(doc);

	doc = xasprintf("text,tags\nUn.,\"%sx;%s\"\n", tags, tag50);
	for (size_t i = 0, k = 0; doc[i] != '\0'; i++)
		if (doc[i] == 't' && doc[i + 1] == ';')
			doc[i] = (char)('a' + k++);
	import_test_err("text/csv", doc, &err);
	ck_assert_str_eq(err.field, "tags");
	ck_assert_str_eq(err.message, "has 21 entries, more than 20");
	import_error_clear(&err);
	free(doc);

	doc = xasprintf("[{\"text\":\"Un.\",\"tags\":[\"ok\",\"%sé\"]}]", tag50);
	import_test_err("application/json", doc, &err);
	ck_assert_str_eq(err.message, "tag 2 is 51 characters long, more than 50");
	import_error_clear(&err);
	free(doc);
	free(tags);
	free(tag50);
}
END_TEST

/* 10,000 items per import: the 10,000th passes, the 10,001st fails the whole import. */
START_TEST(test_max_items)
{
	struct import_result res;
	struct import_error err;
	char *csv;
	size_t cap = 64 + 40 * 10001;
	csv = xmalloc(cap);
	size_t len = (size_t)snprintf(csv, cap, "text,owner\r\n");
	for (int i = 1; i <= 10000; i++)
		len += (size_t)snprintf(csv + len, cap - len, "\"Point n° %d.\",ocrtis\r\n", i);
	import_test_ok("text/csv", csv, len, &res);
	ck_assert_uint_eq(res.n, 10000);
	ck_assert_int_eq(res.items[9999].row, 10001);
	ck_assert_str_eq(res.items[9999].text, "Point n° 10000.");
	import_result_free(&res);
	len += (size_t)snprintf(csv + len, cap - len, "\"Point n° 10001.\",ocrtis\r\n");
	ck_assert_int_eq(import_parse("text/csv", csv, len, &import_test_opts, &res, &err), -1);
	ck_assert_int_eq(err.row, 10002);
	ck_assert_ptr_null(err.field);
	ck_assert_str_eq(err.message, "more than 10000 recommendations in one import");
	ck_assert_ptr_null(res.items);
	import_error_clear(&err);
	free(csv);

	char *lines = import_test_repeat("- Un point.\n", 10001);
	ck_assert_int_eq(
	    import_parse("text/plain", lines, strlen(lines), &import_test_opts, &res, &err), -1);
	ck_assert_int_eq(err.row, 10001);
	import_error_clear(&err);
	lines[strlen(lines) - strlen("- Un point.\n")] = '\0';
	import_test_ok("text/plain", lines, strlen(lines), &res);
	ck_assert_uint_eq(res.n, 10000);
	import_result_free(&res);
	free(lines);
}
END_TEST

/* Statuses and limits are the caller's: nothing of the default workflow is built in. */
START_TEST(test_caller_workflow)
{
	static const char *const open[] = {"draft", "review", NULL};
	static const char *const closed[] = {"done", NULL};
	struct import_options o = {
	    .open_statuses = open,
	    .closed_statuses = closed,
	    .text_max = 5,
	    .details_max = 3,
	};
	struct import_result res;
	struct import_error err;
	const char *ok = "[{\"text\":\"Un.\",\"status\":\"review\",\"details\":\"\u00e9t\u00e9\"}]";
	ck_assert_int_eq(import_parse("application/json", ok, strlen(ok), &o, &res, &err), 0);
	ck_assert_str_eq(res.items[0].status, "review");
	import_result_free(&res);

	const char *bad[][2] = {
	    {"[{\"text\":\"Un.\",\"status\":\"proposed\"}]",
	     "\"proposed\" is not one of draft, review"},
	    {"[{\"text\":\"Un.\",\"status\":\"done\"}]",
	     "done is a closed status: an import creates open recommendations (draft, review)"},
	    {"[{\"text\":\"Un deux\"}]", "is 7 characters long, more than 5"},
	    {"[{\"text\":\"Un.\",\"details\":\"abcd\"}]", "is 4 characters long, more than 3"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(
		    import_parse("application/json", bad[i][0], strlen(bad[i][0]), &o, &res, &err),
		    -1);
		ck_assert_str_eq(err.message, bad[i][1]);
		import_error_clear(&err);
	}
	/* Without closed statuses, a closed one is just not an open one. */
	o.closed_statuses = NULL;
	ck_assert_int_eq(
	    import_parse("application/json", bad[1][0], strlen(bad[1][0]), &o, &res, &err), -1);
	ck_assert_str_eq(err.message, "\"done\" is not one of draft, review");
	import_error_clear(&err);
}
END_TEST

START_TEST(test_defaults_and_types)
{
	struct import_options d = import_test_opts;
	d.owner = "ocrtis";
	d.due_on = "2025-06-30";
	struct import_result res;
	struct import_error err;
	const char *csv = "text,owner,due_on\nUn.,,\nDeux.,unodc,2024-01-31\n";
	ck_assert_int_eq(import_parse("text/csv", csv, strlen(csv), &d, &res, &err), 0);
	ck_assert_str_eq(res.items[0].owner, "ocrtis");
	ck_assert_str_eq(res.items[0].due_on, "2025-06-30");
	ck_assert_str_eq(res.items[1].owner, "unodc");
	ck_assert_str_eq(res.items[1].due_on, "2024-01-31");
	import_result_free(&res);

	d.due_on = "2025-02-29";
	ck_assert_int_eq(import_parse("text/csv", csv, strlen(csv), &d, &res, &err), -1);
	ck_assert_int_eq(err.row, 0);
	ck_assert_str_eq(err.field, "due_on");
	ck_assert_str_eq(err.message, "2025-02-29 is not a date (YYYY-MM-DD)");
	char *s = import_error_string(&err);
	ck_assert_str_eq(s, "due_on: 2025-02-29 is not a date (YYYY-MM-DD)");
	free(s);
	import_error_clear(&err);

	ck_assert(import_media_type_supported("text/plain"));
	ck_assert(import_media_type_supported("Text/CSV; header=present; charset=\"utf-8\""));
	ck_assert(import_media_type_supported("application/json;charset=UTF-8"));
	ck_assert(!import_media_type_supported("text/plain; charset=iso-8859-1"));
	ck_assert(!import_media_type_supported("text/plainx"));
	ck_assert(!import_media_type_supported("application/xml"));
	ck_assert(!import_media_type_supported(NULL));
	ck_assert_int_eq(import_parse("text/html", "- a", 3, &import_test_opts, &res, &err), -1);
	ck_assert_str_eq(err.field, "Content-Type");
	import_error_clear(&err);

	/* The message the handler logs or shows: unit, row and field. */
	import_test_err("application/json", "[{\"text\":\"a\"},{\"text\":\"b\",\"owner\":\"-x\"}]",
			&err);
	s = import_error_string(&err);
	ck_assert_str_eq(s, "element 2, owner: the owner \"-x\" is not a handle (a-z, 0-9 and "
			    "'-', 1 to 63 characters, not starting with '-')");
	free(s);
	import_error_clear(&err);
}
END_TEST

Suite *make_import_items_suite(void)
{
	Suite *s = suite_create("import_items");
	TCase *tc = tcase_create("items");
	tcase_add_test(tc, test_tags_limits);
	tcase_add_test(tc, test_caller_workflow);
	tcase_add_test(tc, test_defaults_and_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60); /* sanitizer builds are slow */
	tcase_add_test(tc, test_max_items);
	suite_add_tcase(s, tc);
	return s;
}
