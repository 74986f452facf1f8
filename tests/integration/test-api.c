/* test-api.c — the HTTP API of SPEC.md end to end: a real suivid on a real PostgreSQL, every
 * endpoint but reminders and notifications, through real sockets. This file: owners, meetings
 * and text that must come back byte for byte, and the program's main. test-api-recs.c:
 * recommendations (create, read by id and ref, edit, If-Match, workflow, comments, history);
 * test-api-list.c: lists and import; test-api-more.c: reports, tokens and request validation. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "apitest.h"
#include "apitest-parts.h"
#include "util.h"

static size_t code_points(const char *s);

static size_t code_points(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* --- owners ------------------------------------------------------------------------------ */

START_TEST(owner_create_get_patch)
{
	char *body = jdump(json_pack("{s:s, s:s, s:s, s:s}", "handle", "ocrtis", "name",
				     "Office central pour la répression du trafic illicite des "
				     "stupéfiants",
				     "email", "ocrtis@example.org", "locale", "fr"));
	struct http_response *r = hreq(at.secretariat, "POST", "/v1/owners", NULL, body, NULL);
	ck_assert_msg(r->status == 201, "create: %d %s", r->status, r->body);
	char *loc = http_header(r, "Location");
	ck_assert_msg(loc != NULL && strcmp(loc, "/v1/owners/ocrtis") == 0, "Location %s",
		      loc != NULL ? loc : "(none)");
	json_t *o = http_json(r);
	ck_assert_str_eq(JSTR(o, "handle"), "ocrtis");
	ck_assert_str_eq(JSTR(o, "locale"), "fr");
	ck_assert(json_is_true(json_object_get(o, "active")));
	ck_assert_str_eq(JSTR(o, "name"),
			 "Office central pour la répression du trafic illicite des stupéfiants");
	json_decref(o);
	free(loc);
	http_response_free(r);
	free(body);

	/* Defaults: locale en, active, empty email. */
	json_t *d = hcall(at.secretariat, "POST", "/v1/owners",
			  "{\"handle\":\"unodc\",\"name\":\"UNODC\"}", 201);
	ck_assert_str_eq(JSTR(d, "locale"), "en");
	ck_assert_str_eq(JSTR(d, "email"), "");
	ck_assert(json_is_true(json_object_get(d, "active")));
	json_decref(d);

	json_t *g = hcall(at.viewer, "GET", "/v1/owners/ocrtis", NULL, 200);
	ck_assert_str_eq(JSTR(g, "email"), "ocrtis@example.org");
	json_decref(g);

	json_t *p =
	    hcall(at.secretariat, "PATCH", "/v1/owners/ocrtis",
		  "{\"name\":\"OCRTIS\",\"locale\":\"en\",\"active\":false,\"email\":\"\"}", 200);
	ck_assert_str_eq(JSTR(p, "name"), "OCRTIS");
	ck_assert_str_eq(JSTR(p, "locale"), "en");
	ck_assert(json_is_false(json_object_get(p, "active")));
	json_decref(p);
	g = hcall(at.viewer, "GET", "/v1/owners/ocrtis", NULL, 200);
	ck_assert_str_eq(JSTR(g, "name"), "OCRTIS");
	ck_assert_str_eq(JSTR(g, "email"), "");
	ck_assert(json_is_false(json_object_get(g, "active")));
	json_decref(g);
}
END_TEST

START_TEST(owner_missing_and_duplicate)
{
	mk_owner("dup-owner");
	char *before = state_digest();
	json_t *p = hcall(at.viewer, "GET", "/v1/owners/no-such-owner", NULL, 404);
	ck_assert_str_eq(JSTR(p, "code"), "not_found");
	json_decref(p);
	p = hcall(at.secretariat, "PATCH", "/v1/owners/no-such-owner", "{\"name\":\"X\"}", 404);
	json_decref(p);
	p = hcall(at.secretariat, "POST", "/v1/owners",
		  "{\"handle\":\"dup-owner\",\"name\":\"Another\"}", 409);
	ck_assert_str_eq(JSTR(p, "code"), "duplicate");
	json_decref(p);
	/* handle cannot change */
	p = hcall(at.secretariat, "PATCH", "/v1/owners/dup-owner", "{\"handle\":\"other\"}", 422);
	ck_assert(problem_names(p, "handle"));
	json_decref(p);
	assert_same_state(before);
	free(before);
	json_t *g = hcall(at.viewer, "GET", "/v1/owners/dup-owner", NULL, 200);
	ck_assert_str_eq(JSTR(g, "name"), "Owner dup-owner");
	json_decref(g);
}
END_TEST

/* Walk a simple list with a small limit: every row of the table once, in order. */
static void walk_list(const char *path, const char *key, const char *expected_sql)
{
	char *expected = dbval("%s", expected_sql);
	char *got = xstrdup("");
	char *after = NULL;
	int pages = 0;

	for (;;) {
		char *url;
		if (after != NULL) {
			char *enc = urlenc(after);
			url = xasprintf("%s?limit=3&after=%s", path, enc);
			free(enc);
		} else {
			url = xasprintf("%s?limit=3", path);
		}
		json_t *page = hcall(at.viewer, "GET", url, NULL, 200);
		json_t *items = json_object_get(page, "items");
		ck_assert(json_is_array(items));
		ck_assert_int_le(json_array_size(items), 3);
		size_t i;
		json_t *it;
		json_array_foreach (items, i, it) {
			char *g = xasprintf("%s%s%s", got, *got != '\0' ? "," : "", JSTR(it, key));
			free(got);
			got = g;
		}
		json_t *next = json_object_get(page, "next");
		free(after);
		after = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		ck_assert_msg(json_is_null(next) || json_array_size(items) == 3,
			      "a short page with a next cursor");
		json_decref(page);
		free(url);
		pages++;
		ck_assert_int_lt(pages, 1000);
		if (after == NULL)
			break;
	}
	ck_assert_msg(strcmp(got, expected) == 0, "%s paged:\n%s\nexpected:\n%s", path, got,
		      expected);
	free(got);
	free(expected);
}

START_TEST(owner_list_pages)
{
	static const char *const handles[] = {"pa-7", "pa-1", "pa-5", "pa-3",
					      "pa-2", "pa-6", "pa-4"};
	for (size_t i = 0; i < ARRAY_LEN(handles); i++)
		mk_owner(handles[i]);
	walk_list("/v1/owners", "handle",
		  "SELECT string_agg(handle, ',' ORDER BY handle COLLATE \"C\") FROM owners");
	json_t *p = hcall(at.viewer, "GET", "/v1/owners?limit=0", NULL, 422);
	ck_assert(problem_names(p, "limit"));
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/owners?limit=501", NULL, 422);
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/owners?colour=red", NULL, 422);
	ck_assert(problem_names(p, "colour"));
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/owners?limit=500", NULL, 200);
	ck_assert_int_eq((long long)json_array_size(json_object_get(p, "items")),
			 dbnum("SELECT count(*) FROM owners"));
	ck_assert(json_is_null(json_object_get(p, "next")));
	json_decref(p);
}
END_TEST

/* --- meetings ---------------------------------------------------------------------------- */

START_TEST(meeting_create_get_patch_counts)
{
	char *body = jdump(
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s,s], s:s, s:s}", "code", "bamako-2019",
		      "title", "Atelier régional sur la lutte contre le trafic des stupéfiants",
		      "starts_on", "2019-10-01", "ends_on", "2019-10-03", "place", "Bamako",
		      "organisers", "Office central des stupéfiants", "Ambassade de France",
		      "notes", "Compte rendu\n« ok »", "series", "sahel-drugs"));
	struct http_response *r = hreq(at.secretariat, "POST", "/v1/meetings", NULL, body, NULL);
	ck_assert_msg(r->status == 201, "create: %d %s", r->status, r->body);
	char *loc = http_header(r, "Location");
	ck_assert_msg(loc != NULL && strcmp(loc, "/v1/meetings/bamako-2019") == 0, "Location %s",
		      loc != NULL ? loc : "(none)");
	free(loc);
	http_response_free(r);
	free(body);

	json_t *m = hcall(at.viewer, "GET", "/v1/meetings/bamako-2019", NULL, 200);
	ck_assert_str_eq(JSTR(m, "ends_on"), "2019-10-03");
	ck_assert_str_eq(JSTR(m, "series"), "sahel-drugs");
	ck_assert_str_eq(JSTR(m, "notes"), "Compte rendu\n« ok »");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "organisers"), 1)),
			 "Ambassade de France");
	json_t *c = json_object_get(m, "counts");
	ck_assert_int_eq(JINT(c, "total"), 0);
	ck_assert_int_eq(JINT(c, "proposed"), 0);
	json_decref(m);

	/* Two proposed (one overdue), one accepted, one implemented. */
	mk_rec_id("bamako-2019", NULL, "2020-01-31");
	mk_rec_id("bamako-2019", NULL, NULL);
	json_decref(mk_rec("{\"meeting\":\"bamako-2019\",\"text\":\"a\",\"status\":\"accepted\","
			   "\"due_on\":\"2099-01-01\"}"));
	json_t *done = mk_rec("{\"meeting\":\"bamako-2019\",\"text\":\"b\",\"status\":\"accepted\","
			      "\"due_on\":\"2020-01-01\"}");
	char *path = xasprintf("/v1/recommendations/%lld/transitions", JINT(done, "id"));
	json_decref(hcall(at.secretariat, "POST", path, "{\"to\":\"implemented\"}", 200));
	free(path);
	json_decref(done);

	m = hcall(at.viewer, "GET", "/v1/meetings/bamako-2019", NULL, 200);
	c = json_object_get(m, "counts");
	ck_assert_int_eq(JINT(c, "proposed"), 2);
	ck_assert_int_eq(JINT(c, "accepted"), 1);
	ck_assert_int_eq(JINT(c, "implemented"), 1);
	ck_assert_int_eq(JINT(c, "in_progress"), 0);
	ck_assert_int_eq(JINT(c, "total"), 4);
	ck_assert_int_eq(JINT(c, "open"), 3);
	ck_assert_int_eq(JINT(c, "overdue"), 1);
	json_decref(m);

	json_t *p =
	    hcall(at.secretariat, "PATCH", "/v1/meetings/bamako-2019",
		  "{\"title\":\"Atelier de Bamako\",\"series\":null,\"organisers\":[]}", 200);
	ck_assert_str_eq(JSTR(p, "title"), "Atelier de Bamako");
	ck_assert(json_is_null(json_object_get(p, "series")));
	ck_assert_int_eq(json_array_size(json_object_get(p, "organisers")), 0);
	ck_assert_str_eq(JSTR(p, "place"), "Bamako");
	json_decref(p);
	m = hcall(at.viewer, "GET", "/v1/meetings/bamako-2019", NULL, 200);
	ck_assert_str_eq(JSTR(m, "title"), "Atelier de Bamako");
	ck_assert(json_is_null(json_object_get(m, "series")));
	json_decref(m);
}
END_TEST

START_TEST(meeting_refusals)
{
	mk_meeting("ref-meeting", "2024-05-01", NULL);
	char *before = state_digest();
	json_t *p = hcall(at.viewer, "GET", "/v1/meetings/nowhere", NULL, 404);
	ck_assert_str_eq(JSTR(p, "code"), "not_found");
	json_decref(p);
	p = hcall(at.secretariat, "PATCH", "/v1/meetings/nowhere", "{\"title\":\"x\"}", 404);
	json_decref(p);
	p = hcall(at.secretariat, "POST", "/v1/meetings",
		  "{\"code\":\"ref-meeting\",\"title\":\"again\",\"starts_on\":\"2024-01-01\"}",
		  409);
	ck_assert_str_eq(JSTR(p, "code"), "duplicate");
	json_decref(p);
	p = hcall(at.secretariat, "POST", "/v1/meetings",
		  "{\"code\":\"backwards\",\"title\":\"t\",\"starts_on\":\"2024-01-05\","
		  "\"ends_on\":\"2024-01-04\"}",
		  422);
	ck_assert(problem_names(p, "ends_on"));
	json_decref(p);
	p = hcall(at.secretariat, "PATCH", "/v1/meetings/ref-meeting",
		  "{\"ends_on\":\"2024-04-30\"}", 422);
	json_decref(p);
	p = hcall(at.secretariat, "PATCH", "/v1/meetings/ref-meeting", "{\"code\":\"renamed\"}",
		  422);
	ck_assert(problem_names(p, "code"));
	json_decref(p);
	p = hcall(at.secretariat, "POST", "/v1/meetings",
		  "{\"code\":\"Not A Slug\",\"title\":\"t\",\"starts_on\":\"2024-02-30\"}", 422);
	ck_assert(problem_names(p, "code"));
	ck_assert(problem_names(p, "starts_on"));
	json_decref(p);
	assert_same_state(before);
	free(before);
}
END_TEST

START_TEST(meeting_list_pages)
{
	mk_meeting("ml-a", "2021-03-01", NULL);
	mk_meeting("ml-b", "2021-03-01", NULL);
	mk_meeting("ml-c", "2021-03-01", NULL);
	mk_meeting("ml-d", "2022-01-01", NULL);
	mk_meeting("ml-e", "2020-01-01", NULL);
	walk_list("/v1/meetings", "code",
		  "SELECT string_agg(code, ',' ORDER BY starts_on DESC, code COLLATE \"C\")"
		  " FROM meetings");
	json_t *p = hcall(at.viewer, "GET", "/v1/meetings?after=garbage", NULL, 400);
	ck_assert_str_eq(JSTR(p, "code"), "bad_cursor");
	json_decref(p);
}
END_TEST

/* --- text comes back as it was sent -------------------------------------------------------- */

static const char *const tricky[] = {
    "Mettre en place une base de données « régionale » — l’OCS, Côte d’Ivoire",
    "Il a dit \"non\", puis 'oui' ; \\ backslash \\\\ et /slash/",
    "'); DROP TABLE recommendations; --",
    "Robert'); DELETE FROM history WHERE ('1'='1",
    "Emoji 🚀 🇫🇷 👩‍💻 and a variation selector ✔️",
    "中文测试：建立区域共享数据库。日本語のテキスト、한국어 텍스트",
    "%s %n %d %% ${HOME} $(id) `id` <script>alert(1)</script> &amp;",
    "Zero\u200bwidth, non\u00a0breaking\u202fspaces, ligature ﬁ, combining e\u0301",
    "Tab\tand\nnew line\nand a last line",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 beyond the BMP: 𝄞 𓀀",
};

START_TEST(stored_text_comes_back_byte_for_byte)
{
	mk_meeting("tx-2020", "2020-01-01", NULL);
	for (size_t i = 0; i < ARRAY_LEN(tricky); i++) {
		/* Tags and names are one line: only texts with no tab or newline there. */
		bool one_line = strpbrk(tricky[i], "\t\n") == NULL;
		char handle[32];
		snprintf(handle, sizeof handle, "tx-owner-%zu", i);
		if (one_line) {
			char *ob =
			    jdump(json_pack("{s:s, s:s}", "handle", handle, "name", tricky[i]));
			json_t *o = hcall(at.secretariat, "POST", "/v1/owners", ob, 201);
			ck_assert_str_eq(JSTR(o, "name"), tricky[i]);
			json_decref(o);
			free(ob);
			char *op = xasprintf("/v1/owners/%s", handle);
			o = hcall(at.viewer, "GET", op, NULL, 200);
			ck_assert_str_eq(JSTR(o, "name"), tricky[i]);
			json_decref(o);
			free(op);
		}
		json_t *b = json_pack("{s:s, s:s, s:s}", "meeting", "tx-2020", "text", tricky[i],
				      "details", tricky[i]);
		/* Tags: one line of at most 50 characters. */
		bool tag = one_line && code_points(tricky[i]) <= 50;
		if (tag)
			json_object_set_new(b, "tags", json_pack("[s]", tricky[i]));
		char *body = jdump(b);
		json_t *rec = mk_rec(body);
		ck_assert_str_eq(JSTR(rec, "text"), tricky[i]);
		long long id = JINT(rec, "id");
		json_decref(rec);

		char *path = xasprintf("/v1/recommendations/%lld", id);
		rec = hcall(at.viewer, "GET", path, NULL, 200);
		ck_assert_msg(strcmp(JSTR(rec, "text"), tricky[i]) == 0, "text %zu: %s", i,
			      JSTR(rec, "text"));
		ck_assert_str_eq(JSTR(rec, "details"), tricky[i]);
		if (tag)
			ck_assert_str_eq(
			    json_string_value(json_array_get(json_object_get(rec, "tags"), 0)),
			    tricky[i]);
		json_decref(rec);

		/* The database holds the very bytes; the comment and history too. */
		char *stored = dbval("SELECT encode(convert_to(text, 'UTF8'), 'hex')"
				     " FROM recommendations WHERE id = %lld",
				     id);
		char *hex = xmalloc(strlen(tricky[i]) * 2 + 1);
		for (size_t k = 0; tricky[i][k] != '\0'; k++)
			sprintf(hex + 2 * k, "%02x", (unsigned char)tricky[i][k]);
		ck_assert_str_eq(stored, hex);
		char *cpath = xasprintf("/v1/recommendations/%lld/comments", id);
		char *cbody = jdump(json_pack("{s:s}", "comment", tricky[i]));
		json_decref(hcall(at.secretariat, "POST", cpath, cbody, 200));
		char *hpath = xasprintf("/v1/recommendations/%lld/history", id);
		json_t *h = hcall(at.viewer, "GET", hpath, NULL, 200);
		json_t *items = json_object_get(h, "items");
		ck_assert_str_eq(JSTR(json_array_get(items, 1), "comment"), tricky[i]);
		ck_assert_str_eq(JSTR(json_object_get(json_array_get(items, 0), "after"), "text"),
				 tricky[i]);
		json_decref(h);
		free(hpath);
		free(cbody);
		free(cpath);
		free(hex);
		free(stored);
		free(path);
		free(body);
	}
	/* The tables are all still there. */
	ck_assert_int_eq(dbnum("SELECT count(*) FROM recommendations r JOIN meetings m"
			       " ON m.id = r.meeting_id WHERE m.code = 'tx-2020'"),
			 (long long)ARRAY_LEN(tricky));
	ck_assert_int_eq(dbnum("SELECT count(*) FROM history h JOIN recommendations r"
			       " ON r.id = h.rec_id JOIN meetings m ON m.id = r.meeting_id"
			       " WHERE m.code = 'tx-2020'"),
			 2 * (long long)ARRAY_LEN(tricky));
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	struct {
		const char *name;
		const TTest *tests[8];
	} groups[] = {
	    {"owners", {owner_create_get_patch, owner_missing_and_duplicate, owner_list_pages}},
	    {"meetings", {meeting_create_get_patch_counts, meeting_refusals, meeting_list_pages}},
	};
	for (size_t i = 0; i < ARRAY_LEN(groups); i++) {
		TCase *tc = tcase_create(groups[i].name);
		tcase_set_timeout(tc, 120);
		for (size_t k = 0; k < 8 && groups[i].tests[k] != NULL; k++)
			tcase_add_test(tc, groups[i].tests[k]);
		suite_add_tcase(s, tc);
	}
	api_recs_tcases(s);
	TCase *tc = tcase_create("text");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, stored_text_comes_back_byte_for_byte);
	suite_add_tcase(s, tc);
	api_list_tcases(s);
	api_more_tcases(s);
	return s;
}

int main(void)
{
	apitest_start();
	SRunner *sr = srunner_create(api_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
