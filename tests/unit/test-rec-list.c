/* test-rec-list.c — the recommendation list statement: every filter becomes a fixed piece
 * with its value as a parameter, and the order follows the due-date filters. */
#include "suivi-config.h"

#include <string.h>

#include "api/rec-list.h"
#include "suites.h"

START_TEST(test_no_filter_orders_by_id)
{
	struct rec_filters f = {.today = "2026-11-22", .limit = 50, .open = -1, .overdue = -1};
	struct rec_query q;

	rec_list_build(&f, &q);
	ck_assert_int_eq(q.nparams, 2);
	ck_assert_str_eq(q.params[0], "2026-11-22");
	ck_assert_str_eq(q.params[1], "50");
	ck_assert_ptr_nonnull(strstr(q.sql, "WHERE TRUE ORDER BY r.id LIMIT"));
	ck_assert(!q.by_due);
	rec_query_clear(&q);
}
END_TEST

START_TEST(test_every_filter_is_a_parameter)
{
	struct rec_filters f = {.today = "2026-11-22",
				.limit = 10,
				.statuses = {"accepted", "in_progress"},
				.nstatuses = 2,
				.open = 1,
				.overdue = -1,
				.owner = "ocrtis",
				.meeting = "bamako-2019",
				.tags = {"data", "x'); DROP TABLE owners; --"},
				.ntags = 2,
				.q = "données",
				.after = "42"};
	struct rec_query q;

	rec_list_build(&f, &q);
	ck_assert_int_eq(q.nparams, 9);
	ck_assert_str_eq(q.params[2], "{\"accepted\",\"in_progress\"}");
	ck_assert_str_eq(q.params[3], "ocrtis");
	ck_assert_str_eq(q.params[4], "bamako-2019");
	ck_assert_str_eq(q.params[6], "x'); DROP TABLE owners; --");
	ck_assert_str_eq(q.params[7], "données");
	/* No value ever reaches the SQL text. */
	ck_assert_ptr_null(strstr(q.sql, "ocrtis"));
	ck_assert_ptr_null(strstr(q.sql, "DROP"));
	ck_assert_ptr_null(strstr(q.sql, "données"));
	ck_assert_ptr_nonnull(strstr(q.sql, "r.status = ANY($3::text[])"));
	ck_assert_ptr_nonnull(strstr(q.sql, "r.tags @> ARRAY[$7::text]"));
	ck_assert_ptr_nonnull(strstr(q.sql, "r.id > suivi_cursor_id($9)"));
	ck_assert_ptr_nonnull(strstr(q.sql, "AND r.is_open"));
	rec_query_clear(&q);
}
END_TEST

START_TEST(test_due_filters_order_by_due_date)
{
	struct rec_filters f = {
	    .today = "2026-11-22", .limit = 5, .open = -1, .overdue = 1, .after = "2026-03-31,42"};
	struct rec_query q;

	rec_list_build(&f, &q);
	ck_assert(q.by_due);
	ck_assert_ptr_nonnull(strstr(q.sql, "r.due_on < $1::date"));
	ck_assert_ptr_nonnull(strstr(q.sql, "ORDER BY r.due_on, r.id"));
	ck_assert_ptr_nonnull(strstr(q.sql, "suivi_cursor_due($3)"));
	ck_assert_ptr_nonnull(strstr(q.sql, ", true)::text"));
	rec_query_clear(&q);
}
END_TEST

START_TEST(test_status_literal_escapes_quotes)
{
	struct rec_filters f = {.today = "2026-11-22",
				.limit = 5,
				.open = 0,
				.overdue = 0,
				.statuses = {"a\"b\\c", "d"},
				.nstatuses = 2};
	struct rec_query q;

	rec_list_build(&f, &q);
	ck_assert_str_eq(q.params[2], "{\"a\\\"b\\\\c\",\"d\"}");
	ck_assert_ptr_nonnull(strstr(q.sql, "NOT r.is_open"));
	ck_assert_ptr_nonnull(strstr(q.sql, "r.due_on >= $1::date"));
	rec_query_clear(&q);
}
END_TEST

/* One status is an equality, which lets the (status, id) index give the order by id. */
START_TEST(test_one_status_is_an_equality)
{
	struct rec_filters f = {.today = "2026-11-22",
				.limit = 50,
				.open = -1,
				.overdue = -1,
				.statuses = {"in_progress"},
				.nstatuses = 1,
				.tags = {"climate"},
				.ntags = 1,
				.after = "450000"};
	struct rec_query q;

	rec_list_build(&f, &q);
	ck_assert_int_eq(q.nparams, 5);
	ck_assert_str_eq(q.params[2], "in_progress");
	ck_assert_ptr_nonnull(strstr(q.sql, "r.status = $3 AND"));
	ck_assert_ptr_null(strstr(q.sql, "ANY("));
	ck_assert_ptr_nonnull(strstr(q.sql, "ORDER BY r.id LIMIT"));
	rec_query_clear(&q);
}
END_TEST

Suite *make_rec_list_suite(void)
{
	Suite *s = suite_create("rec_list");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_no_filter_orders_by_id);
	tcase_add_test(tc, test_every_filter_is_a_parameter);
	tcase_add_test(tc, test_due_filters_order_by_due_date);
	tcase_add_test(tc, test_status_literal_escapes_quotes);
	tcase_add_test(tc, test_one_status_is_an_equality);
	suite_add_tcase(s, tc);
	return s;
}
