/* test-api-more.c — reports (overdue, summary, brief in JSON, text and CSV), tokens (create,
 * list, revoke) and request validation (malformed JSON, invalid UTF-8, every bad field named,
 * impossible dates, length limits), each refusal leaving the database as it was. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "apitest.h"
#include "apitest-parts.h"
#include "util.h"

static json_t *find_by(json_t *array, const char *key, const char *value);
static char *repeat(const char *unit, size_t n);

static json_t *find_by(json_t *array, const char *key, const char *value)
{
	size_t i;
	json_t *it;

	json_array_foreach (array, i, it) {
		const char *v = json_string_value(json_object_get(it, key));
		if (v != NULL && strcmp(v, value) == 0)
			return it;
	}
	return NULL;
}

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = xmalloc(len * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

/* --- reports ----------------------------------------------------------------------------- */

/* ro-m: three items overdue on 2026-01-10 (one per owner, one without), one due later, one
 * closed. */
static void make_report_fixture(void)
{
	mk_meeting("ro-m", "2019-05-01", NULL);
	mk_meeting("ro-other", "2019-05-02", NULL);
	mk_owner("ro-a");
	mk_owner("ro-b");
	mk_rec_id("ro-m", "ro-a", "2025-12-01"); /* ro-m/1: 40 days on 2026-01-10 */
	mk_rec_id("ro-m", "ro-b", "2025-06-01"); /* ro-m/2: 223 days */
	mk_rec_id("ro-m", NULL, "2025-12-31");   /* ro-m/3: 10 days, unowned */
	mk_rec_id("ro-m", "ro-a", "2026-06-01"); /* ro-m/4: not yet */
	long long closed = mk_rec_id("ro-m", "ro-b", "2025-01-01"); /* ro-m/5: closed */
	char *path = xasprintf("/v1/recommendations/%lld/transitions", closed);
	json_decref(
	    hcall(at.secretariat, "POST", path, "{\"to\":\"obsolete\",\"comment\":\"x\"}", 200));
	free(path);
	mk_rec_id("ro-other", "ro-a", "2025-12-01"); /* ro-other/1 */
}

START_TEST(report_overdue_json_text_csv)
{
	make_report_fixture();
	json_t *j =
	    hcall(at.viewer, "GET", "/v1/reports/overdue?as_of=2026-01-10&meeting=ro-m", NULL, 200);
	ck_assert_str_eq(JSTR(j, "as_of"), "2026-01-10");
	ck_assert_str_eq(JSTR(j, "timezone"), "Europe/Brussels");
	ck_assert_int_eq(JINT(j, "total"), 3);
	json_t *owners = json_object_get(j, "owners");
	ck_assert_uint_eq(json_array_size(owners), 2);
	json_t *a = json_array_get(owners, 0);
	ck_assert_str_eq(JSTR(json_object_get(a, "owner"), "handle"), "ro-a");
	json_t *item = json_array_get(
	    json_object_get(json_array_get(json_object_get(a, "meetings"), 0), "items"), 0);
	ck_assert_str_eq(JSTR(item, "ref"), "ro-m/1");
	ck_assert_int_eq(JINT(item, "days_overdue"), 40);
	json_t *b = json_array_get(owners, 1);
	item = json_array_get(
	    json_object_get(json_array_get(json_object_get(b, "meetings"), 0), "items"), 0);
	ck_assert_str_eq(JSTR(item, "ref"), "ro-m/2");
	ck_assert_int_eq(JINT(item, "days_overdue"), 223);
	json_t *unowned = json_object_get(j, "unowned");
	ck_assert_uint_eq(json_array_size(unowned), 1);
	ck_assert_str_eq(JSTR(json_array_get(unowned, 0), "ref"), "ro-m/3");
	json_decref(j);

	/* as_of moves the line; owner narrows (across meetings). */
	j = hcall(at.viewer, "GET", "/v1/reports/overdue?as_of=2025-07-01&meeting=ro-m", NULL, 200);
	ck_assert_int_eq(JINT(j, "total"), 1);
	json_decref(j);
	j = hcall(at.viewer, "GET", "/v1/reports/overdue?as_of=2026-01-10&owner=ro-a", NULL, 200);
	ck_assert_int_eq(JINT(j, "total"), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "owners")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "unowned")), 0);
	json_decref(j);
	j = hcall(at.viewer, "GET", "/v1/reports/overdue?as_of=2026-01-10&owner=ro-a&meeting=ro-m",
		  NULL, 200);
	ck_assert_int_eq(JINT(j, "total"), 1);
	json_decref(j);

	/* Text as mailed, by Accept and by ?format. */
	static const char *const text_ways[][2] = {
	    {"/v1/reports/overdue?as_of=2026-01-10&meeting=ro-m", "Accept: text/plain\r\n"},
	    {"/v1/reports/overdue?as_of=2026-01-10&meeting=ro-m&format=text", NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(text_ways); i++) {
		struct http_response *r =
		    hreq(at.viewer, "GET", text_ways[i][0], NULL, NULL, text_ways[i][1]);
		ck_assert_int_eq(r->status, 200);
		char *ct = http_header(r, "Content-Type");
		ck_assert_msg(ct != NULL && strncmp(ct, "text/plain", 10) == 0, "type %s", ct);
		ck_assert_msg(strstr(r->body, "ro-m/1") && strstr(r->body, "ro-m/2") &&
				  strstr(r->body, "ro-m/3") && !strstr(r->body, "ro-m/4") &&
				  !strstr(r->body, "ro-m/5"),
			      "text report:\n%s", r->body);
		ck_assert_ptr_nonnull(strstr(r->body, "223"));
		free(ct);
		http_response_free(r);
	}
	static const char *const csv_ways[][2] = {
	    {"/v1/reports/overdue?as_of=2026-01-10&meeting=ro-m", "Accept: text/csv\r\n"},
	    {"/v1/reports/overdue?as_of=2026-01-10&meeting=ro-m&format=csv", NULL},
	    {"/v1/reports/overdue?as_of=2026-01-10&meeting=ro-m",
	     "Accept: image/png, text/csv;q=0.5\r\n"},
	};
	for (size_t i = 0; i < ARRAY_LEN(csv_ways); i++) {
		struct http_response *r =
		    hreq(at.viewer, "GET", csv_ways[i][0], NULL, NULL, csv_ways[i][1]);
		ck_assert_int_eq(r->status, 200);
		char *ct = http_header(r, "Content-Type");
		ck_assert_msg(ct != NULL && strncmp(ct, "text/csv", 8) == 0, "type %s", ct);
		const char *header = "owner,owner_name,meeting,ref,status,due_on,days_overdue,text";
		ck_assert_msg(strncmp(r->body, header, strlen(header)) == 0, "CSV:\n%s", r->body);
		int lines = 0;
		for (const char *s = r->body; *s != '\0'; s++)
			lines += *s == '\n';
		ck_assert_msg(lines == 4, "%d lines of CSV:\n%s", lines, r->body);
		ck_assert_ptr_nonnull(strstr(r->body, "ro-b,Owner ro-b,ro-m,ro-m/2,proposed,"
						      "2025-06-01,223,"));
		free(ct);
		http_response_free(r);
	}
	struct http_response *r =
	    hreq(at.viewer, "GET", "/v1/reports/overdue", NULL, NULL, "Accept: image/png\r\n");
	ck_assert_int_eq(r->status, 406);
	http_response_free(r);
	json_t *p = hcall(at.viewer, "GET", "/v1/reports/overdue?format=xml", NULL, 422);
	ck_assert(problem_names(p, "format"));
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/reports/overdue?as_of=2026-02-30", NULL, 422);
	ck_assert(problem_names(p, "as_of"));
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/reports/overdue?owner=ghost-owner", NULL, 422);
	json_decref(p);
}
END_TEST

START_TEST(report_summary_counts)
{
	mk_meeting("su-m", "2019-06-01", NULL);
	mk_owner("su-a");
	mk_rec_id("su-m", "su-a", "2020-01-01");
	mk_rec_id("su-m", "su-a", "2099-01-01");
	long long c = mk_rec_id("su-m", NULL, NULL);
	char *path = xasprintf("/v1/recommendations/%lld/transitions", c);
	json_decref(hcall(at.secretariat, "POST", path, "{\"to\":\"accepted\"}", 200));
	free(path);

	json_t *j = hcall(at.viewer, "GET", "/v1/reports/summary?as_of=2026-01-10", NULL, 200);
	json_t *m = find_by(json_object_get(j, "meetings"), "code", "su-m");
	ck_assert_msg(m != NULL, "su-m missing from the summary");
	json_t *counts = json_object_get(m, "counts");
	ck_assert_int_eq(JINT(counts, "proposed"), 2);
	ck_assert_int_eq(JINT(counts, "accepted"), 1);
	ck_assert_int_eq(JINT(counts, "implemented"), 0);
	ck_assert_int_eq(JINT(counts, "total"), 3);
	ck_assert_int_eq(JINT(m, "open"), 3);
	ck_assert_int_eq(JINT(m, "overdue"), 1);
	json_t *o = find_by(json_object_get(j, "owners"), "handle", "su-a");
	ck_assert_msg(o != NULL, "su-a missing from the summary");
	ck_assert_int_eq(JINT(o, "open"), 2);
	ck_assert_int_eq(JINT(o, "overdue"), 1);
	/* The totals agree with the database. */
	ck_assert_int_eq(JINT(j, "open"),
			 dbnum("SELECT count(*) FROM recommendations WHERE is_open"));
	ck_assert_int_eq(JINT(j, "overdue"),
			 dbnum("SELECT count(*) FROM recommendations WHERE is_open"
			       " AND due_on < '2026-01-10'"));
	ck_assert_int_eq(JINT(json_object_get(j, "by_status"), "accepted"),
			 dbnum("SELECT count(*) FROM recommendations WHERE status = 'accepted'"));
	json_decref(j);

	struct http_response *r =
	    hreq(at.viewer, "GET", "/v1/reports/summary?format=csv", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "su-m"));
	http_response_free(r);
	r = hreq(at.viewer, "GET", "/v1/reports/summary", NULL, NULL, "Accept: text/plain\r\n");
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "su-m"));
	http_response_free(r);
}
END_TEST

START_TEST(report_brief_of_a_series)
{
	mk_meeting("rb-1", "2023-01-10", "rb-series");
	mk_meeting("rb-2", "2024-01-10", "rb-series");
	mk_meeting("rb-3", "2025-01-10", "rb-series");
	mk_meeting("rb-alone", "2024-01-10", NULL);
	mk_rec_id("rb-1", NULL, NULL);                    /* rb-1/1 open */
	long long closed = mk_rec_id("rb-1", NULL, NULL); /* rb-1/2 implemented */
	mk_rec_id("rb-2", NULL, NULL);                    /* rb-2/1 open */
	mk_rec_id("rb-3", NULL, NULL);                    /* rb-3/1: not earlier */
	char *path = xasprintf("/v1/recommendations/%lld/transitions", closed);
	json_decref(hcall(at.secretariat, "POST", path, "{\"to\":\"accepted\"}", 200));
	json_decref(hcall(at.secretariat, "POST", path, "{\"to\":\"implemented\"}", 200));
	free(path);

	json_t *j = hcall(at.viewer, "GET", "/v1/reports/brief?meeting=rb-3", NULL, 200);
	ck_assert_str_eq(JSTR(j, "series"), "rb-series");
	ck_assert_str_eq(JSTR(json_object_get(j, "meeting"), "code"), "rb-3");
	ck_assert_str_eq(JSTR(json_object_get(j, "previous"), "code"), "rb-2");
	json_t *open = json_object_get(j, "open");
	ck_assert_uint_eq(json_array_size(open), 2);
	ck_assert_str_eq(JSTR(json_array_get(open, 0), "ref"), "rb-1/1");
	ck_assert_str_eq(JSTR(json_array_get(open, 1), "ref"), "rb-2/1");
	/* Everything happened after rb-2 started: every earlier item changed. */
	json_t *changes = json_object_get(j, "changes");
	ck_assert_uint_eq(json_array_size(changes), 3);
	json_t *ch = find_by(changes, "ref", "rb-1/2");
	ck_assert_ptr_nonnull(ch);
	ck_assert_uint_eq(json_array_size(json_object_get(ch, "events")), 3);
	json_decref(j);
	/* As of a date before all of it, nothing changed. */
	j = hcall(at.viewer, "GET", "/v1/reports/brief?meeting=rb-3&as_of=2024-06-01", NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "changes")), 0);
	json_decref(j);
	/* The first meeting of the series has no previous one. */
	j = hcall(at.viewer, "GET", "/v1/reports/brief?meeting=rb-1", NULL, 200);
	ck_assert(json_is_null(json_object_get(j, "previous")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "open")), 0);
	json_decref(j);

	struct http_response *r = hreq(at.viewer, "GET", "/v1/reports/brief?meeting=rb-3", NULL,
				       NULL, "Accept: text/plain\r\n");
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "rb-1/1"));
	http_response_free(r);
	r = hreq(at.viewer, "GET", "/v1/reports/brief?meeting=rb-3&format=csv", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "rb-2/1"));
	http_response_free(r);

	json_t *p = hcall(at.viewer, "GET", "/v1/reports/brief?meeting=rb-alone", NULL, 422);
	ck_assert_str_eq(JSTR(p, "code"), "not_in_series");
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/reports/brief", NULL, 422);
	ck_assert(problem_names(p, "meeting"));
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/reports/brief?meeting=no-such-meeting", NULL, 404);
	json_decref(p);
}
END_TEST

/* --- tokens ------------------------------------------------------------------------------ */

START_TEST(tokens_create_list_revoke)
{
	json_t *t = hcall(at.admin, "POST", "/v1/tokens",
			  "{\"name\":\"lecteur-dakar\",\"role\":\"viewer\"}", 201);
	const char *token = JSTR(t, "token");
	ck_assert_msg(token != NULL && strncmp(token, "suivi_", 6) == 0, "token %s", token);
	long long id = JINT(t, "id");
	ck_assert_str_eq(JSTR(t, "role"), "viewer");
	ck_assert(json_is_null(json_object_get(t, "owner")));
	ck_assert(json_is_null(json_object_get(t, "revoked_at")));
	/* Only a hash is stored. */
	ck_assert_int_eq(dbnum("SELECT count(*) FROM tokens t WHERE t::text LIKE '%%%s%%'"
			       " OR encode(t.hash, 'escape') LIKE '%%%s%%'",
			       token + 6, token + 6),
			 0);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM tokens WHERE id = %lld"
			       " AND hash = sha256(convert_to('%s', 'UTF8'))",
			       id, token),
			 1);

	json_decref(hcall(token, "GET", "/v1/owners", NULL, 200));
	json_t *l = hcall(at.admin, "GET", "/v1/tokens?limit=500", NULL, 200);
	json_t *mine = find_by(json_object_get(l, "items"), "name", "lecteur-dakar");
	ck_assert_ptr_nonnull(mine);
	ck_assert_ptr_null(json_object_get(mine, "token"));
	ck_assert_ptr_null(json_object_get(mine, "hash"));
	json_decref(l);

	char *path = xasprintf("/v1/tokens/%lld", id);
	struct http_response *r = hreq(at.admin, "DELETE", path, NULL, NULL, NULL);
	ck_assert_msg(r->status == 204, "revoke: %d %s", r->status, r->body);
	ck_assert_uint_eq(r->body_len, 0);
	http_response_free(r);
	json_t *p = hcall(token, "GET", "/v1/owners", NULL, 401);
	ck_assert_str_eq(JSTR(p, "code"), "invalid_token");
	json_decref(p);
	l = hcall(at.admin, "GET", "/v1/tokens?limit=500", NULL, 200);
	mine = find_by(json_object_get(l, "items"), "name", "lecteur-dakar");
	ck_assert(json_is_string(json_object_get(mine, "revoked_at")));
	json_decref(l);
	r = hreq(at.admin, "DELETE", path, NULL, NULL, NULL);
	ck_assert_msg(r->status == 404 || r->status == 409, "second revoke: %d", r->status);
	http_response_free(r);
	free(path);
	json_decref(t);

	/* An owner token needs an existing owner, and only owner tokens have one. */
	mk_owner("tk-owner");
	char *before = state_digest();
	p = hcall(at.admin, "POST", "/v1/tokens", "{\"name\":\"x\",\"role\":\"owner\"}", 422);
	json_decref(p);
	p = hcall(at.admin, "POST", "/v1/tokens",
		  "{\"name\":\"x\",\"role\":\"viewer\",\"owner\":\"tk-owner\"}", 422);
	json_decref(p);
	r = hreq(at.admin, "POST", "/v1/tokens", NULL,
		 "{\"name\":\"x\",\"role\":\"owner\",\"owner\":\"ghost-owner\"}", NULL);
	ck_assert_msg(r->status == 422 || r->status == 404, "unknown owner: %d", r->status);
	http_response_free(r);
	p = hcall(at.admin, "POST", "/v1/tokens", "{\"name\":\"x\",\"role\":\"root\"}", 422);
	ck_assert(problem_names(p, "role"));
	json_decref(p);
	assert_same_state(before);
	free(before);
	char *ot = mk_owner_token("tk-owner");
	json_decref(hcall(ot, "GET", "/v1/recommendations", NULL, 200));
	free(ot);
}
END_TEST

/* --- validation -------------------------------------------------------------------------- */

START_TEST(malformed_bodies_are_400_and_change_nothing)
{
	mk_meeting("va-m", "2020-01-01", NULL);
	long long id = mk_rec_id("va-m", NULL, NULL);
	char *rpath = xasprintf("/v1/recommendations/%lld", id);
	char *cpath = xasprintf("/v1/recommendations/%lld/comments", id);
	char *before = state_digest();
	static const char *const bodies[] = {
	    "{\"handle\":",
	    "{\"handle\":\"x\",\"name\":\"y\"} trailing",
	    "{\"handle\":\"x\",\"handle\":\"y\",\"name\":\"z\"}",
	    "{\"handle\":\"bad\xff\",\"name\":\"y\"}",
	    "{\"handle\":\"x\",\"name\":\"caf\xc3\"}",
	    "{\"handle\":\"x\",\"name\":\"a\\u0000b\"}",
	    "not json at all",
	};
	const char *paths[] = {"/v1/owners", "/v1/meetings", "/v1/recommendations", rpath, cpath};
	for (size_t p = 0; p < ARRAY_LEN(paths); p++)
		for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
			const char *method = p == 3 ? "PATCH" : "POST";
			json_t *j = hcall(at.secretariat, method, paths[p], bodies[i], 400);
			ck_assert(JSTR(j, "code") != NULL);
			json_decref(j);
		}
	/* Not JSON as far as the content type goes. */
	struct http_response *r = hreq(at.secretariat, "POST", "/v1/owners", "text/plain",
				       "{\"handle\":\"x\",\"name\":\"y\"}", NULL);
	ck_assert_int_eq(r->status, 415);
	http_response_free(r);
	/* An array or a scalar where an object is expected. */
	r = hreq(at.secretariat, "POST", "/v1/owners", NULL, "[{\"handle\":\"x\"}]", NULL);
	ck_assert_msg(r->status == 400 || r->status == 422, "array body: %d", r->status);
	http_response_free(r);
	r = hreq(at.secretariat, "PATCH", rpath, NULL, "\"text\"", NULL);
	ck_assert_msg(r->status == 400 || r->status == 422, "string body: %d", r->status);
	http_response_free(r);
	assert_same_state(before);
	free(before);
	free(rpath);
	free(cpath);
}
END_TEST

START_TEST(every_bad_field_is_named)
{
	mk_meeting("vf-m", "2020-01-01", NULL);
	long long id = mk_rec_id("vf-m", NULL, NULL);
	char *rpath = xasprintf("/v1/recommendations/%lld", id);
	char *before = state_digest();

	json_t *p =
	    hcall(at.secretariat, "POST", "/v1/recommendations",
		  "{\"meeting\":\"vf-m\",\"text\":5,\"colour\":\"red\",\"priority\":\"urgent\","
		  "\"due_on\":\"2019-02-30\",\"tags\":\"x\",\"owner\":\"Not A Slug\","
		  "\"supporting\":[1],\"status\":\"implemented\",\"details\":[]}",
		  422);
	static const char *const fields[] = {"text",  "colour",     "priority", "due_on", "tags",
					     "owner", "supporting", "status",   "details"};
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		ck_assert_msg(problem_names(p, fields[i]), "%s not named: %s", fields[i],
			      json_dumps(json_object_get(p, "errors"), 0));
	ck_assert_uint_ge(problem_errors(p), ARRAY_LEN(fields));
	json_decref(p);

	p = hcall(at.secretariat, "PATCH", rpath,
		  "{\"meeting\":\"other\",\"status\":\"accepted\",\"version\":3,\"due_on\":\"31/12/"
		  "2030\","
		  "\"text\":\"\"}",
		  422);
	static const char *const pfields[] = {"meeting", "status", "version", "due_on", "text"};
	for (size_t i = 0; i < ARRAY_LEN(pfields); i++)
		ck_assert_msg(problem_names(p, pfields[i]), "PATCH: %s not named", pfields[i]);
	json_decref(p);

	p = hcall(at.secretariat, "POST", "/v1/owners",
		  "{\"handle\":\"-bad\",\"name\":\"\",\"email\":\"no at sign\",\"locale\":\"de\","
		  "\"active\":\"yes\",\"extra\":null}",
		  422);
	static const char *const ofields[] = {"handle", "name",   "email",
					      "locale", "active", "extra"};
	for (size_t i = 0; i < ARRAY_LEN(ofields); i++)
		ck_assert_msg(problem_names(p, ofields[i]), "owner: %s not named", ofields[i]);
	json_decref(p);
	p = hcall(at.secretariat, "POST", "/v1/owners", "{}", 422);
	ck_assert(problem_names(p, "handle") && problem_names(p, "name"));
	json_decref(p);

	/* Impossible dates, wherever a date goes. */
	static const char *const dates[] = {"2019-02-30",      "2019-13-01", "2021-02-29",
					    "2019-1-1",        "2019-04-31", "0000-01-01",
					    "2019-02-28T00:00"};
	for (size_t i = 0; i < ARRAY_LEN(dates); i++) {
		char *b = xasprintf("{\"due_on\":\"%s\"}", dates[i]);
		p = hcall(at.secretariat, "PATCH", rpath, b, 422);
		ck_assert(problem_names(p, "due_on"));
		json_decref(p);
		free(b);
	}
	json_t *ok = hcall(at.secretariat, "PATCH", rpath, "{\"due_on\":\"2024-02-29\"}", 200);
	ck_assert_str_eq(JSTR(ok, "due_on"), "2024-02-29");
	json_decref(ok);
	ok = hcall(at.secretariat, "PATCH", rpath, "{\"due_on\":null}", 200);
	json_decref(ok);
	free(before);
	before = state_digest();
	p = hcall(at.secretariat, "POST", "/v1/meetings",
		  "{\"code\":\"vf-x\",\"title\":\"t\",\"starts_on\":\"2019-02-30\"}", 422);
	json_decref(p);
	assert_same_state(before);
	free(before);
	free(rpath);
}
END_TEST

/* A string of n characters (each a two-byte é) is accepted at the limit, refused one above;
 * the body is pre, the string, post. */
static void check_limit(const char *method, const char *path, const char *pre, size_t limit,
			const char *field)
{
	char *at_limit = repeat("é", limit);
	char *over = repeat("é", limit + 1);
	const char *post = strchr(pre, '[') != NULL ? "\"]}" : "\"}";
	char *b = xasprintf("%s%s%s", pre, over, post);
	char *before = state_digest();
	json_t *p = hcall(at.secretariat, method, path, b, 422);
	ck_assert_msg(problem_names(p, field), "%s over %zu not named", field, limit);
	json_decref(p);
	assert_same_state(before);
	free(before);
	free(b);
	b = xasprintf("%s%s%s", pre, at_limit, post);
	json_t *ok = hcall(at.secretariat, method, path, b, 200); /* edits and comments */
	json_decref(ok);
	free(b);
	free(at_limit);
	free(over);
}

START_TEST(length_limits)
{
	mk_meeting("vl-m", "2020-01-01", NULL);
	mk_owner("vl-o");
	long long id = mk_rec_id("vl-m", NULL, NULL);
	char *rpath = xasprintf("/v1/recommendations/%lld", id);
	char *cpath = xasprintf("/v1/recommendations/%lld/comments", id);
	check_limit("PATCH", rpath, "{\"text\":\"", 4000, "text");
	check_limit("PATCH", rpath, "{\"details\":\"", 20000, "details");
	check_limit("POST", cpath, "{\"comment\":\"", 10000, "comment");
	check_limit("PATCH", rpath, "{\"tags\":[\"", 50, "tags");
	check_limit("PATCH", "/v1/owners/vl-o", "{\"name\":\"", 200, "name");
	check_limit("PATCH", "/v1/meetings/vl-m", "{\"title\":\"", 300, "title");
	check_limit("PATCH", "/v1/meetings/vl-m", "{\"place\":\"", 200, "place");
	check_limit("PATCH", "/v1/meetings/vl-m", "{\"notes\":\"", 10000, "notes");
	/* Handles of 63 characters at most; 20 tags at most. */
	char *h63 = repeat("h", 63), *h64 = repeat("h", 64);
	char *b = xasprintf("{\"handle\":\"%s\",\"name\":\"n\"}", h64);
	json_t *p = hcall(at.secretariat, "POST", "/v1/owners", b, 422);
	ck_assert(problem_names(p, "handle"));
	json_decref(p);
	free(b);
	b = xasprintf("{\"handle\":\"%s\",\"name\":\"n\"}", h63);
	json_decref(hcall(at.secretariat, "POST", "/v1/owners", b, 201));
	free(b);
	json_t *tags = json_array();
	for (int i = 0; i < 21; i++)
		json_array_append_new(tags, json_sprintf("t%d", i));
	char *b21 = jdump(json_pack("{s:o}", "tags", json_deep_copy(tags)));
	p = hcall(at.secretariat, "PATCH", rpath, b21, 422);
	ck_assert(problem_names(p, "tags"));
	json_decref(p);
	json_array_remove(tags, 20);
	char *b20 = jdump(json_pack("{s:o}", "tags", tags));
	json_t *ok = hcall(at.secretariat, "PATCH", rpath, b20, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(ok, "tags")), 20);
	json_decref(ok);
	free(b20);
	free(b21);
	free(h63);
	free(h64);
	/* Control characters in one-line fields. */
	p = hcall(at.secretariat, "PATCH", "/v1/owners/vl-o", "{\"name\":\"a\\nb\"}", 422);
	ck_assert(problem_names(p, "name"));
	json_decref(p);
	p = hcall(at.secretariat, "PATCH", rpath, "{\"text\":\"bell\\u0007\"}", 422);
	ck_assert(problem_names(p, "text"));
	json_decref(p);
	free(rpath);
	free(cpath);
}
END_TEST

void api_more_tcases(Suite *s)
{
	TCase *tc = tcase_create("reports");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, report_overdue_json_text_csv);
	tcase_add_test(tc, report_summary_counts);
	tcase_add_test(tc, report_brief_of_a_series);
	suite_add_tcase(s, tc);
	tc = tcase_create("tokens");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, tokens_create_list_revoke);
	suite_add_tcase(s, tc);
	tc = tcase_create("validation");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, malformed_bodies_are_400_and_change_nothing);
	tcase_add_test(tc, every_bad_field_is_named);
	tcase_add_test(tc, length_limits);
	suite_add_tcase(s, tc);
}
