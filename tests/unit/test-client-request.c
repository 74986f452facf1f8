/* test-client-request.c — exit codes from HTTP statuses, the one-sentence errors built from
 * problem+json (a refused transition names the allowed statuses), path and query escaping
 * of refs, and the command table behind suivi --help. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "client/cmd.h"
#include "client/request.h"
#include "suites.h"

#define PROBLEM "application/problem+json"

static char *sentence(int status, const char *type, const char *body);

static char *sentence(int status, const char *type, const char *body)
{
	return request_error_sentence(status, type, body, body != NULL ? strlen(body) : 0);
}

START_TEST(test_exit_codes)
{
	static const struct {
		int status;
		int code;
	} cases[] = {
	    {200, 0}, {201, 0}, {204, 0}, {400, 1}, {404, 1}, {405, 1},
	    {409, 1}, {412, 1}, {413, 1}, {415, 1}, {422, 1}, {401, 4},
	    {403, 4}, {500, 3}, {502, 3}, {503, 3}, {302, 3}, {100, 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(request_exit_code(cases[i].status) == cases[i].code, "HTTP %d",
			      cases[i].status);
	ck_assert_int_eq(EXIT_DONE, 0);
	ck_assert_int_eq(EXIT_REFUSED, 1);
	ck_assert_int_eq(EXIT_USAGE, 2);
	ck_assert_int_eq(EXIT_UNREACHABLE, 3);
	ck_assert_int_eq(EXIT_AUTH, 4);
}
END_TEST

START_TEST(test_refused_transition)
{
	char *s = sentence(409, PROBLEM,
			   "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,"
			   "\"detail\":\"cannot move bamako-2019/3 from implemented to blocked\","
			   "\"code\":\"invalid_transition\",\"allowed\":[\"in_progress\"]}");
	ck_assert_str_eq(s, "cannot move bamako-2019/3 from implemented to blocked: allowed: "
			    "in_progress");
	free(s);
	/* Several statuses; a final full stop in the detail does not end the sentence early. */
	s = sentence(409, PROBLEM "; charset=utf-8",
		     "{\"title\":\"Conflict\",\"status\":409,\"code\":\"invalid_transition\","
		     "\"detail\":\"bamako-2019/4 cannot go from accepted to proposed.\","
		     "\"allowed\":[\"in_progress\",\"implemented\",\"blocked\",\"obsolete\"]}");
	ck_assert_str_eq(s, "bamako-2019/4 cannot go from accepted to proposed: allowed: "
			    "in_progress, implemented, blocked, obsolete");
	free(s);
	s = sentence(409, PROBLEM,
		     "{\"status\":409,\"code\":\"invalid_transition\",\"detail\":\"no way out\","
		     "\"allowed\":[]}");
	ck_assert_str_eq(s, "no way out: allowed: none");
	free(s);
}
END_TEST

START_TEST(test_other_problems)
{
	char *s =
	    sentence(422, PROBLEM,
		     "{\"title\":\"Unprocessable Content\",\"status\":422,"
		     "\"detail\":\"invalid fields\",\"errors\":["
		     "{\"field\":\"due_on\",\"message\":\"2019-02-30 is not a date\"},"
		     "{\"field\":\"priority\",\"message\":\"must be low, normal or high\"}]}");
	ck_assert_str_eq(s, "invalid fields: due_on: 2019-02-30 is not a date; priority: must be "
			    "low, normal or high");
	free(s);
	/* An error the detail already says is not repeated. */
	s = sentence(422, PROBLEM,
		     "{\"detail\":\"comment is required to move to blocked\",\"code\":"
		     "\"comment_required\",\"errors\":[{\"field\":\"comment\",\"message\":"
		     "\"comment is required to move to blocked\"}]}");
	ck_assert_str_eq(s, "comment is required to move to blocked");
	free(s);
	s = sentence(404, PROBLEM, "{\"title\":\"Not Found\",\"status\":404}");
	ck_assert_str_eq(s, "Not Found (HTTP 404)");
	free(s);
	s = sentence(401, PROBLEM, "{\"detail\":\"missing or invalid token\"}");
	ck_assert_str_eq(s, "missing or invalid token");
	free(s);
	/* Not a problem document. */
	s = sentence(502, "text/html", "<html>Bad Gateway</html>");
	ck_assert_str_eq(s, "the server failed (HTTP 502)");
	free(s);
	s = sentence(413, NULL, NULL);
	ck_assert_str_eq(s, "the server refused the request (HTTP 413)");
	free(s);
	s = sentence(400, PROBLEM, "{not json");
	ck_assert_str_eq(s, "the server refused the request (HTTP 400)");
	free(s);
	/* Control characters from the server never reach the terminal. */
	s = sentence(409, PROBLEM, "{\"detail\":\"bad\\u001b[2J\\nthing\"}");
	ck_assert_str_eq(s, "bad [2J thing");
	free(s);
}
END_TEST

START_TEST(test_escape_and_paths)
{
	struct client c = {.err = stderr, .out = stdout};
	char *s = client_escape("bamako-2019/3", true);
	ck_assert_str_eq(s, "bamako-2019/3");
	free(s);
	s = client_escape("bamako-2019/3", false);
	ck_assert_str_eq(s, "bamako-2019%2F3");
	free(s);
	s = client_escape("r\xc3\xa9seau & co?#", false);
	ck_assert_str_eq(s, "r%C3%A9seau%20%26%20co%3F%23");
	free(s);

	s = client_rec_path(&c, "bamako-2019/3", "/transitions");
	ck_assert_str_eq(s, "/v1/recommendations/bamako-2019/3/transitions");
	free(s);
	s = client_rec_path(&c, "42", "");
	ck_assert_str_eq(s, "/v1/recommendations/42");
	free(s);
	s = client_rec_path(&c, "a b/3", "");
	ck_assert_str_eq(s, "/v1/recommendations/a%20b/3");
	free(s);
	static const char *const bad[] = {"", "../tokens", "x/..", "x//3", "/3", "x/3/", "./3"};
	FILE *devnull = fopen("/dev/null", "w");
	c.err = devnull;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(client_rec_path(&c, bad[i], "") == NULL, "%s accepted", bad[i]);
	fclose(devnull);

	char *q = NULL;
	client_query_add(&q, "status", "in_progress");
	client_query_add(&q, "status", "blocked");
	client_query_add(&q, "q",
			 "base de donn\xc3\xa9"
			 "es&x=1");
	ck_assert_str_eq(q,
			 "?status=in_progress&status=blocked&q=base%20de%20donn%C3%A9es%26x%3D1");
	free(q);
}
END_TEST

START_TEST(test_command_table)
{
	static const char *const required[] = {
	    "owner",  "meeting",       "add",   "import",   "list",         "show",    "history",
	    "status", "assign",        "due",   "comment",  "edit",         "overdue", "report",
	    "remind", "notifications", "token", "workflow", "calendar-url", "mail-in",
	};
	size_t n = 0;
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++, n++) {
		ck_assert_ptr_nonnull((*e)->usage);
		ck_assert_ptr_nonnull((*e)->summary);
		ck_assert_ptr_nonnull((*e)->exec);
		ck_assert_ptr_eq(cmd_find((*e)->name), *e);
		if ((*e)->alias != NULL)
			ck_assert_ptr_eq(cmd_find((*e)->alias), *e);
		/* The usage starts with the command's own name. */
		ck_assert(strncmp((*e)->usage, (*e)->name, strlen((*e)->name)) == 0);
		/* One line for suivi --help. */
		ck_assert_ptr_null(strchr((*e)->summary, '\n'));
	}
	ck_assert_uint_eq(n, sizeof required / sizeof required[0]);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(cmd_find(required[i]) != NULL, "%s missing", required[i]);
	ck_assert_ptr_null(cmd_find("frobnicate"));
}
END_TEST

Suite *make_client_request_suite(void)
{
	Suite *s = suite_create("client_request");
	TCase *tc = tcase_create("client_request");
	tcase_add_test(tc, test_exit_codes);
	tcase_add_test(tc, test_refused_transition);
	tcase_add_test(tc, test_other_problems);
	tcase_add_test(tc, test_escape_and_paths);
	tcase_add_test(tc, test_command_table);
	suite_add_tcase(s, tc);
	return s;
}
