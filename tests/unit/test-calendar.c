/* test-calendar.c — the iCalendar text of the deadline feed: escaping, folding at 75 octets
 * between UTF-8 characters, CRLF, all-day dates, SEQUENCE from the version, and refusal of a
 * document of the wrong shape. (Real parsers read the feed in tests/integration.) */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "render/calendar.h"
#include "suites.h"
#include "utf8.h"
#include "util.h"

/* Every line ends in CRLF, holds at most 75 octets, is valid UTF-8 on its own, and no CR or
 * LF stands alone. */
static void assert_lines_ok(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	ck_assert(len >= 2 && memcmp(end - 2, "\r\n", 2) == 0);
	while (p < end) {
		const char *crlf = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(crlf);
		size_t n = (size_t)(crlf - p);
		ck_assert_msg(n <= 75, "line of %zu octets: %.*s", n, (int)n, p);
		ck_assert(memchr(p, '\n', n) == NULL && memchr(p, '\r', n) == NULL);
		ck_assert_msg(utf8_valid(p, n), "a fold split a character: %.*s", (int)n, p);
		p = crlf + 2;
	}
}

/* Lines unfolded (CRLF + space removed), for comparing values. */
static char *unfold(const char *text)
{
	char *u = xstrdup(text);
	char *o = u;
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return u;
}

START_TEST(test_escape_and_fold)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	calendar_line(&buf, &len, &cap, "SUMMARY", "a,b;c\\d\ne\r\n\x01z", 1);
	ck_assert_str_eq(buf, "SUMMARY:a\\,b\\;c\\\\d\\ne\\nz\r\n");
	free(buf);

	/* 200 two-octet characters: folds fall between them, never inside. */
	char value[401];
	for (int i = 0; i < 200; i++)
		memcpy(value + 2 * i, "\xc3\xa9", 2);
	value[400] = '\0';
	buf = NULL;
	len = cap = 0;
	calendar_line(&buf, &len, &cap, "DESCRIPTION", value, 1);
	assert_lines_ok(buf, len);
	char *u = unfold(buf);
	char *want = xasprintf("DESCRIPTION:%s\r\n", value);
	ck_assert_str_eq(u, want);
	free(want);
	free(u);
	free(buf);

	/* Four-octet characters (emoji) across the boundary too. */
	char emoji[4 * 40 + 1];
	for (int i = 0; i < 40; i++)
		memcpy(emoji + 4 * i, "\xf0\x9f\x93\x85", 4);
	emoji[160] = '\0';
	buf = NULL;
	len = cap = 0;
	calendar_line(&buf, &len, &cap, "X", emoji, 1);
	assert_lines_ok(buf, len);
	free(buf);
}
END_TEST

static const char *const doc_text =
    "{\"events\":[{\"id\":42,\"ref\":\"bamako-2019/3\",\"text\":\"Publier le rapport; vite, "
    "bien\",\"due_on\":\"2024-02-29\",\"version\":3,\"updated_at\":\"2024-01-05T10:20:30Z\","
    "\"owner\":\"dg\",\"owner_name\":\"Direction générale\",\"status\":\"accepted\","
    "\"status_label\":\"accepted\",\"meeting\":\"bamako-2019\",\"meeting_title\":\"Bamako "
    "2019\"}]}";

START_TEST(test_feed)
{
	json_t *doc = json_loads(doc_text, 0, NULL);
	size_t len = 0;
	char *ics = calendar_ics(doc, "http://h:1", &len);
	ck_assert_ptr_nonnull(ics);
	ck_assert_uint_eq(len, strlen(ics));
	assert_lines_ok(ics, len);
	char *u = unfold(ics);
	ck_assert(strncmp(u, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", 37) == 0);
	ck_assert_ptr_nonnull(strstr(u, "\r\nUID:suivi-recommendation-42\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nSEQUENCE:2\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nDTSTAMP:20240105T102030Z\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nLAST-MODIFIED:20240105T102030Z\r\n"));
	/* A leap day ends on 1 March: DTEND is exclusive. */
	ck_assert_ptr_nonnull(strstr(u, "\r\nDTSTART;VALUE=DATE:20240229\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nDTEND;VALUE=DATE:20240301\r\n"));
	ck_assert_ptr_nonnull(strstr(
	    u, "\r\nSUMMARY:bamako-2019/3 \xe2\x80\x94 Publier le rapport\\; vite\\, bien\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\\nhttp://h:1/v1/recommendations/42\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "Owner: Direction générale (dg)\\nStatus: accepted"));
	ck_assert(len > 17 && strcmp(ics + len - 15, "END:VCALENDAR\r\n") == 0);

	/* The same document gives the same bytes (the ETag is their hash). */
	size_t len2 = 0;
	char *again = calendar_ics(doc, "http://h:1", &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert(memcmp(ics, again, len) == 0);
	free(again);
	free(u);
	free(ics);
	json_decref(doc);
}
END_TEST

START_TEST(test_refuses_bad_documents)
{
	static const char *const bad[] = {
	    "{}",
	    "{\"events\":{}}",
	    "{\"events\":[{\"id\":1,\"ref\":\"m/1\",\"text\":\"t\",\"due_on\":\"2024-02-30\","
	    "\"version\":1,\"updated_at\":\"2024-01-05T10:20:30Z\"}]}",
	    "{\"events\":[{\"id\":1,\"ref\":\"m/1\",\"text\":\"t\",\"due_on\":\"2024-02-03\","
	    "\"version\":1,\"updated_at\":\"yesterday\"}]}",
	    "{\"events\":[{\"ref\":\"m/1\",\"text\":\"t\",\"due_on\":\"2024-02-03\","
	    "\"version\":1,\"updated_at\":\"2024-01-05T10:20:30Z\"}]}",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		json_t *doc = json_loads(bad[i], 0, NULL);
		size_t len = 0;
		ck_assert_ptr_nonnull(doc);
		ck_assert_msg(calendar_ics(doc, NULL, &len) == NULL, "accepted %s", bad[i]);
		json_decref(doc);
	}
	/* No events is a calendar all the same. */
	json_t *empty = json_loads("{\"events\":[]}", 0, NULL);
	size_t len = 0;
	char *ics = calendar_ics(empty, NULL, &len);
	ck_assert_ptr_nonnull(ics);
	ck_assert_ptr_null(strstr(ics, "VEVENT"));
	free(ics);
	json_decref(empty);
}
END_TEST

Suite *make_calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("ics");
	tcase_add_test(tc, test_escape_and_fold);
	tcase_add_test(tc, test_feed);
	tcase_add_test(tc, test_refuses_bad_documents);
	suite_add_tcase(s, tc);
	return s;
}
