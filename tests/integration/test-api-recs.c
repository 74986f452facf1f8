/* test-api-recs.c — part of the test-api program (test-api.c runs it): recommendations
 * over HTTP — create with every field, read by id and by ref, edit one field at a time,
 * If-Match, the workflow's transitions, comments and history. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "apitest.h"
#include "apitest-parts.h"
#include "util.h"

static void expect_history_len(long long id, size_t n);

START_TEST(rec_create_every_field_and_read_by_id_and_ref)
{
	mk_meeting("rc-2019", "2019-10-01", NULL);
	mk_owner("rc-lead");
	mk_owner("rc-sup1");
	mk_owner("rc-sup2");
	const char *body =
	    "{\"meeting\":\"rc-2019\",\"text\":\"Mettre en place une base de données"
	    " régionale partagée sur les saisies.\",\"details\":\"Hébergée par l’OCS."
	    "\\nSix pays.\",\"owner\":\"rc-lead\",\"supporting\":[\"rc-sup2\","
	    "\"rc-sup1\"],\"status\":\"accepted\",\"priority\":\"high\","
	    "\"due_on\":\"2099-03-31\",\"tags\":[\"data\",\"coopération\"]}";
	struct http_response *r =
	    hreq(at.secretariat, "POST", "/v1/recommendations", NULL, body, NULL);
	ck_assert_msg(r->status == 201, "create: %d %s", r->status, r->body);
	json_t *rec = http_json(r);
	long long id = JINT(rec, "id");
	char *loc = http_header(r, "Location");
	char *want = xasprintf("/v1/recommendations/%lld", id);
	ck_assert_msg(loc != NULL && strcmp(loc, want) == 0, "Location %s", loc ? loc : "(none)");
	char *etag = http_header(r, "ETag");
	ck_assert_msg(etag != NULL && strcmp(etag, "\"1\"") == 0, "ETag %s", etag ? etag : "-");
	free(etag);
	free(loc);
	http_response_free(r);

	ck_assert_str_eq(JSTR(rec, "ref"), "rc-2019/1");
	ck_assert_str_eq(JSTR(rec, "meeting"), "rc-2019");
	ck_assert_int_eq(JINT(rec, "n"), 1);
	ck_assert_str_eq(JSTR(rec, "details"), "Hébergée par l’OCS.\nSix pays.");
	ck_assert_str_eq(JSTR(rec, "owner"), "rc-lead");
	json_t *sup = json_object_get(rec, "supporting");
	ck_assert_int_eq(json_array_size(sup), 2);
	ck_assert_str_eq(json_string_value(json_array_get(sup, 0)), "rc-sup1");
	ck_assert_str_eq(json_string_value(json_array_get(sup, 1)), "rc-sup2");
	ck_assert_str_eq(JSTR(rec, "status"), "accepted");
	ck_assert_str_eq(JSTR(rec, "priority"), "high");
	ck_assert_str_eq(JSTR(rec, "due_on"), "2099-03-31");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rec, "tags"), 1)),
			 "coopération");
	ck_assert_int_eq(JINT(rec, "version"), 1);
	ck_assert(json_is_true(json_object_get(rec, "open")));
	ck_assert(json_is_false(json_object_get(rec, "overdue")));
	ck_assert_ptr_null(json_object_get(rec, "days_overdue"));
	ck_assert(json_is_null(json_object_get(rec, "closed_at")));
	char *created = jdump(json_incref(rec));

	/* The same object by id, by ref in two segments and with an encoded slash. */
	static const char *const paths[] = {NULL, "/v1/recommendations/rc-2019/1",
					    "/v1/recommendations/rc-2019%2F1"};
	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		const char *path = paths[i] != NULL ? paths[i] : want;
		r = hreq(at.viewer, "GET", path, NULL, NULL, NULL);
		ck_assert_msg(r->status == 200, "GET %s: %d %s", path, r->status, r->body);
		etag = http_header(r, "ETag");
		ck_assert_msg(etag != NULL && strcmp(etag, "\"1\"") == 0, "%s ETag %s", path,
			      etag ? etag : "-");
		json_t *g = http_json(r);
		ck_assert_msg(json_equal(g, rec),
			      "GET %s differs from the creation answer:\n%s\n%s", path, r->body,
			      created);
		json_decref(g);
		free(etag);
		http_response_free(r);
	}
	/* The second recommendation of the meeting is number 2. */
	json_t *second = mk_rec("{\"meeting\":\"rc-2019\",\"text\":\"Deux.\"}");
	ck_assert_str_eq(JSTR(second, "ref"), "rc-2019/2");
	ck_assert_str_eq(JSTR(second, "status"), "proposed");
	ck_assert_str_eq(JSTR(second, "priority"), "normal");
	ck_assert(json_is_null(json_object_get(second, "owner")));
	ck_assert(json_is_null(json_object_get(second, "due_on")));
	json_decref(second);

	json_t *p = hcall(at.viewer, "GET", "/v1/recommendations/rc-2019/99", NULL, 404);
	ck_assert_str_eq(JSTR(p, "code"), "not_found");
	ck_assert_str_eq(JSTR(p, "detail"), "there is no recommendation 'rc-2019/99'");
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/recommendations/99999999", NULL, 404);
	json_decref(p);
	/* Numbers no id or n can be: not found, never a failed cast. */
	static const char *const beyond[] = {"/v1/recommendations/99999999999999999999",
					     "/v1/recommendations/rc-2019/99999999999",
					     "/v1/recommendations/rc-2019/0x1"};
	for (size_t i = 0; i < sizeof beyond / sizeof *beyond; i++) {
		p = hcall(at.viewer, "GET", beyond[i], NULL, 404);
		ck_assert_str_eq(JSTR(p, "code"), "not_found");
		json_decref(p);
	}
	p = hcall(at.viewer, "GET", "/v1/recommendations/nowhere/1/history", NULL, 404);
	json_decref(p);
	p = hcall(at.secretariat, "POST", "/v1/recommendations/99999999/comments",
		  "{\"comment\":\"x\"}", 404);
	json_decref(p);
	json_decref(rec);
	free(created);
	free(want);
}
END_TEST

/* PATCH one field; check the new value, the version and the history event it leaves. */
static void patch_one(long long id, const char *body, const char *field, json_t *before,
		      json_t *after, int version)
{
	char *path = xasprintf("/v1/recommendations/%lld", id);
	json_t *rec = hcall(at.secretariat, "PATCH", path, body, 200);
	ck_assert_msg(json_equal(json_object_get(rec, field), after), "PATCH %s: %s is not %s",
		      body, field, json_dumps(after, JSON_ENCODE_ANY));
	ck_assert_int_eq(JINT(rec, "version"), version);
	json_decref(rec);

	char *hpath = xasprintf("/v1/recommendations/%lld/history", id);
	json_t *h = hcall(at.viewer, "GET", hpath, NULL, 200);
	json_t *items = json_object_get(h, "items");
	json_t *ev = json_array_get(items, json_array_size(items) - 1);
	ck_assert_str_eq(JSTR(ev, "kind"), "edit");
	ck_assert_int_eq(JINT(ev, "version"), version);
	ck_assert_str_eq(JSTR(ev, "actor"), "secretariat-bruxelles");
	json_t *b = json_object_get(ev, "before"), *a = json_object_get(ev, "after");
	ck_assert_msg(json_object_size(b) == 1 && json_object_size(a) == 1,
		      "the event of PATCH %s holds more than %s", body, field);
	ck_assert_msg(json_equal(json_object_get(b, field), before), "before of %s", field);
	ck_assert_msg(json_equal(json_object_get(a, field), after), "after of %s", field);
	json_decref(h);
	json_decref(before);
	json_decref(after);
	free(hpath);
	free(path);
}

START_TEST(rec_patch_each_field)
{
	mk_meeting("rp-2020", "2020-01-01", NULL);
	mk_owner("rp-a");
	mk_owner("rp-b");
	json_t *rec = mk_rec("{\"meeting\":\"rp-2020\",\"text\":\"Old text\",\"owner\":\"rp-a\","
			     "\"due_on\":\"2030-01-01\",\"tags\":[\"x\"]}");
	long long id = JINT(rec, "id");
	json_decref(rec);

	patch_one(id, "{\"text\":\"New text\"}", "text", json_string("Old text"),
		  json_string("New text"), 2);
	patch_one(id, "{\"details\":\"Détails\"}", "details", json_string(""),
		  json_string("Détails"), 3);
	patch_one(id, "{\"owner\":\"rp-b\"}", "owner", json_string("rp-a"), json_string("rp-b"), 4);
	patch_one(id, "{\"supporting\":[\"rp-a\"]}", "supporting", json_array(),
		  json_pack("[s]", "rp-a"), 5);
	patch_one(id, "{\"priority\":\"low\"}", "priority", json_string("normal"),
		  json_string("low"), 6);
	patch_one(id, "{\"due_on\":\"2031-02-28\"}", "due_on", json_string("2030-01-01"),
		  json_string("2031-02-28"), 7);
	patch_one(id, "{\"tags\":[\"y\",\"z\"]}", "tags", json_pack("[s]", "x"),
		  json_pack("[s,s]", "y", "z"), 8);
	patch_one(id, "{\"owner\":null}", "owner", json_string("rp-b"), json_null(), 9);
	patch_one(id, "{\"due_on\":null}", "due_on", json_string("2031-02-28"), json_null(), 10);

	/* Nothing changes: no new version, no history. */
	long long events = dbnum("SELECT count(*) FROM history WHERE rec_id = %lld", id);
	char *path = xasprintf("/v1/recommendations/%lld", id);
	json_t *same =
	    hcall(at.secretariat, "PATCH", path, "{\"text\":\"New text\",\"owner\":null}", 200);
	ck_assert_int_eq(JINT(same, "version"), 10);
	json_decref(same);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM history WHERE rec_id = %lld", id), events);

	/* An unknown owner refuses the whole PATCH. */
	char *before = state_digest();
	json_t *p = hcall(at.secretariat, "PATCH", path,
			  "{\"text\":\"Changed\",\"owner\":\"nobody-at-all\"}", 422);
	ck_assert(problem_names(p, "owner"));
	json_decref(p);
	assert_same_state(before);
	free(before);
	free(path);
}
END_TEST

START_TEST(rec_if_match)
{
	mk_meeting("im-2020", "2020-01-01", NULL);
	long long id = mk_rec_id("im-2020", NULL, NULL);
	char *path = xasprintf("/v1/recommendations/%lld", id);
	char *tpath = xasprintf("/v1/recommendations/%lld/transitions", id);
	char *cpath = xasprintf("/v1/recommendations/%lld/comments", id);

	json_t *rec =
	    hcallh(at.secretariat, "PATCH", path, "{\"text\":\"v2\"}", "If-Match: \"1\"\r\n", 200);
	ck_assert_int_eq(JINT(rec, "version"), 2);
	json_decref(rec);

	char *before = state_digest();
	struct {
		const char *path, *body;
	} writes[] = {
	    {path, "{\"text\":\"stale\"}"},
	    {tpath, "{\"to\":\"accepted\"}"},
	    {cpath, "{\"comment\":\"stale\"}"},
	};
	for (size_t i = 0; i < ARRAY_LEN(writes); i++) {
		const char *method = i == 0 ? "PATCH" : "POST";
		json_t *p = hcallh(at.secretariat, method, writes[i].path, writes[i].body,
				   "If-Match: \"1\"\r\n", 412);
		ck_assert_str_eq(JSTR(p, "code"), "stale_version");
		json_decref(p);
	}
	assert_same_state(before);
	free(before);

	rec = hcallh(at.secretariat, "POST", tpath, "{\"to\":\"accepted\"}", "If-Match: \"2\"\r\n",
		     200);
	ck_assert_int_eq(JINT(rec, "version"), 3);
	json_decref(rec);
	rec = hcallh(at.secretariat, "POST", cpath, "{\"comment\":\"ok\"}", "If-Match: \"3\"\r\n",
		     200);
	ck_assert_int_eq(JINT(rec, "version"), 4);
	json_decref(rec);
	/* A weak or unquoted tag is not a version of ours. */
	before = state_digest();
	struct http_response *r = hreq(at.secretariat, "POST", cpath, NULL, "{\"comment\":\"x\"}",
				       "If-Match: banana\r\n");
	ck_assert_msg(r->status == 400 || r->status == 412, "If-Match banana: %d", r->status);
	http_response_free(r);
	assert_same_state(before);
	free(before);
	free(path);
	free(tpath);
	free(cpath);
}
END_TEST

/* POST a transition; returns the answer (expect 200) or the problem. */
static json_t *move(long long id, const char *to, const char *comment, int expect)
{
	char *path = xasprintf("/v1/recommendations/%lld/transitions", id);
	char *body = jdump(comment != NULL ? json_pack("{s:s, s:s}", "to", to, "comment", comment)
					   : json_pack("{s:s}", "to", to));
	json_t *j = hcall(at.secretariat, "POST", path, body, expect);
	free(body);
	free(path);
	return j;
}

START_TEST(rec_transitions)
{
	mk_meeting("tr-2020", "2020-01-01", NULL);
	long long id = mk_rec_id("tr-2020", NULL, NULL);
	char *before = state_digest();

	json_t *p = move(id, "implemented", NULL, 409);
	ck_assert_str_eq(JSTR(p, "code"), "invalid_transition");
	json_t *allowed = json_object_get(p, "allowed");
	json_t *want = json_pack("[s,s,s]", "accepted", "not_accepted", "obsolete");
	ck_assert_msg(json_equal(allowed, want), "allowed from proposed: %s",
		      json_dumps(allowed, JSON_ENCODE_ANY));
	json_decref(want);
	json_decref(p);
	p = move(id, "proposed", NULL, 409);
	json_decref(p);
	p = move(id, "done", NULL, 422);
	ck_assert(problem_names(p, "to"));
	json_decref(p);
	p = move(id, "obsolete", NULL, 422);
	ck_assert_str_eq(JSTR(p, "code"), "comment_required");
	json_decref(p);
	p = move(id, "not_accepted", "   ", 422);
	ck_assert_str_eq(JSTR(p, "code"), "comment_required");
	json_decref(p);
	assert_same_state(before);
	free(before);

	static const struct {
		const char *to, *comment;
	} path[] = {
	    {"accepted", NULL},       {"blocked", "Budget gelé."}, {"in_progress", NULL},
	    {"implemented", "Fait."}, {"in_progress", "Rouvert."}, {"obsolete", "Dépassé."},
	    {"proposed", NULL},       {"not_accepted", "Refusé."}, {"proposed", NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(path); i++) {
		json_t *rec = move(id, path[i].to, path[i].comment, 200);
		ck_assert_str_eq(JSTR(rec, "status"), path[i].to);
		ck_assert_int_eq(JINT(rec, "version"), (long long)i + 2);
		bool closed = strcmp(path[i].to, "implemented") == 0 ||
			      strcmp(path[i].to, "obsolete") == 0 ||
			      strcmp(path[i].to, "not_accepted") == 0;
		ck_assert(json_is_boolean(json_object_get(rec, "open")));
		ck_assert_int_eq(json_is_true(json_object_get(rec, "open")), !closed);
		ck_assert_int_eq(json_is_string(json_object_get(rec, "closed_at")), closed);
		json_decref(rec);
	}
	/* From blocked only in_progress and obsolete. */
	long long b = mk_rec_id("tr-2020", NULL, NULL);
	json_decref(move(b, "accepted", NULL, 200));
	json_decref(move(b, "blocked", "attente", 200));
	p = move(b, "implemented", NULL, 409);
	want = json_pack("[s,s]", "in_progress", "obsolete");
	ck_assert(json_equal(json_object_get(p, "allowed"), want));
	json_decref(want);
	json_decref(p);
}
END_TEST

static void expect_history_len(long long id, size_t n)
{
	char *path = xasprintf("/v1/recommendations/%lld/history", id);
	json_t *h = hcall(at.viewer, "GET", path, NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(h, "items")), n);
	json_decref(h);
	free(path);
}

START_TEST(rec_comments_and_history)
{
	mk_meeting("hi-2020", "2020-01-01", NULL);
	mk_owner("hi-lead");
	long long id = mk_rec_id("hi-2020", "hi-lead", NULL);
	char *owner_token = mk_owner_token("hi-lead");
	char *cpath = xasprintf("/v1/recommendations/%lld/comments", id);
	char *tpath = xasprintf("/v1/recommendations/%lld/transitions", id);

	json_t *rec =
	    hcall(at.secretariat, "POST", cpath, "{\"comment\":\"Relance envoyée.\"}", 200);
	ck_assert_int_eq(JINT(rec, "version"), 2);
	json_decref(rec);
	json_decref(hcall(owner_token, "POST", tpath,
			  "{\"to\":\"accepted\",\"comment\":\"Nous acceptons.\"}", 200));
	json_decref(hcall(owner_token, "POST", cpath, "{\"comment\":\"Budget demandé.\"}", 200));
	char *before = state_digest();
	json_t *p = hcall(at.secretariat, "POST", cpath, "{\"comment\":\"\"}", 422);
	ck_assert(problem_names(p, "comment"));
	json_decref(p);
	p = hcall(at.secretariat, "POST", cpath, "{\"comment\":\" \\n \"}", 422);
	json_decref(p);
	p = hcall(at.secretariat, "POST", cpath, "{}", 422);
	ck_assert(problem_names(p, "comment"));
	json_decref(p);
	assert_same_state(before);
	free(before);

	char *hpath = xasprintf("/v1/recommendations/%lld/history", id);
	json_t *h = hcall(at.viewer, "GET", hpath, NULL, 200);
	json_t *items = json_object_get(h, "items");
	ck_assert_uint_eq(json_array_size(items), 4);
	ck_assert(json_is_null(json_object_get(h, "next")));
	static const struct {
		const char *kind, *actor, *comment;
	} want[] = {
	    {"created", "secretariat-bruxelles", NULL},
	    {"comment", "secretariat-bruxelles", "Relance envoyée."},
	    {"transition", "owner-hi-lead", "Nous acceptons."},
	    {"comment", "owner-hi-lead", "Budget demandé."},
	};
	long long last_id = 0;
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		json_t *ev = json_array_get(items, i);
		ck_assert_str_eq(JSTR(ev, "kind"), want[i].kind);
		ck_assert_str_eq(JSTR(ev, "actor"), want[i].actor);
		ck_assert_int_eq(JINT(ev, "version"), (long long)i + 1);
		ck_assert_int_gt(JINT(ev, "id"), last_id);
		last_id = JINT(ev, "id");
		ck_assert_msg(JSTR(ev, "at") != NULL && strlen(JSTR(ev, "at")) == 20 &&
				  JSTR(ev, "at")[19] == 'Z',
			      "at %s", JSTR(ev, "at"));
		if (want[i].comment != NULL)
			ck_assert_str_eq(JSTR(ev, "comment"), want[i].comment);
		else
			ck_assert(json_is_null(json_object_get(ev, "comment")));
	}
	json_t *created = json_array_get(items, 0);
	ck_assert(json_is_null(json_object_get(created, "before")));
	ck_assert_str_eq(JSTR(json_object_get(created, "after"), "owner"), "hi-lead");
	json_t *tr = json_array_get(items, 2);
	ck_assert_str_eq(JSTR(json_object_get(tr, "before"), "status"), "proposed");
	ck_assert_str_eq(JSTR(json_object_get(tr, "after"), "status"), "accepted");
	ck_assert(json_is_null(json_object_get(json_array_get(items, 1), "before")));
	json_decref(h);

	/* History pages with limit and after. */
	h = hcall(at.viewer, "GET", "/v1/recommendations/hi-2020/1/history?limit=3", NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(h, "items")), 3);
	const char *next = JSTR(h, "next");
	ck_assert_ptr_nonnull(next);
	char *p2 = xasprintf("/v1/recommendations/hi-2020/1/history?limit=3&after=%s", next);
	json_t *h2 = hcall(at.viewer, "GET", p2, NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(h2, "items")), 1);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(h2, "items"), 0), "comment"),
			 "Budget demandé.");
	ck_assert(json_is_null(json_object_get(h2, "next")));
	json_decref(h2);
	json_decref(h);
	expect_history_len(id, 4);
	free(p2);
	free(hpath);
	free(cpath);
	free(tpath);
	free(owner_token);
}
END_TEST

void api_recs_tcases(Suite *s)
{
	TCase *tc = tcase_create("recommendations");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, rec_create_every_field_and_read_by_id_and_ref);
	tcase_add_test(tc, rec_patch_each_field);
	tcase_add_test(tc, rec_if_match);
	tcase_add_test(tc, rec_transitions);
	tcase_add_test(tc, rec_comments_and_history);
	suite_add_tcase(s, tc);
}
