/* test-openapi.c — doc/openapi.yaml against the real thing.
 *
 * The document is valid OpenAPI 3.1 for a real validator (validate-api, the npm package
 * @seriousme/openapi-schema-validator, which checks against the OpenAPI Initiative's JSON
 * schemas: Debian has no OpenAPI validator); GET /v1/openapi.json serves exactly that document;
 * every route of the router's tables (suivid routes) is in the document with the role it
 * needs, and every operation of the document is a route; and real answers of a real suivid —
 * every route at least once, successes and problems — match the document's schemas
 * (openapi-check.py, with Debian's python3-jsonschema, draft 2020-12 as OpenAPI 3.1 says). */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "harness-internal.h"

static char workdir[] = "/tmp/suivi-openapi-XXXXXX";
static FILE *samples;
static const char *sample_headers; /* extra request headers of the next samples, or NULL */

static const char *srcdir(void)
{
	const char *s = getenv("SUIVI_SRCDIR");
	ck_assert_msg(s != NULL, "SUIVI_SRCDIR is not set (run through make check)");
	return s;
}

/* Run argv (no shell); fails the test unless it exits 0; returns its output (caller frees). */
static char *run_ok(const char *const *argv)
{
	char *out = xasprintf("%s/out", workdir);
	int st = harness_run_cmd(argv, NULL, out, 120000);
	char *text = harness_read_file(out);
	ck_assert_msg(st == 0, "%s %s exited with status %d:\n%s", argv[0],
		      argv[1] != NULL ? argv[1] : "", st, text);
	unlink(out);
	free(out);
	return text;
}

/* openapi-check.py COMMAND FILE with Debian's interpreter (python3-yaml, -jsonschema). */
static char *check_script(const char *command, const char *file)
{
	char *script = xasprintf("%s/tests/integration/openapi-check.py", srcdir());
	char *doc = xasprintf("%s/doc/openapi.yaml", srcdir());
	const char *argv[] = {"/usr/bin/python3", script, doc, command, file, NULL};
	char *out = run_ok(argv);
	free(doc);
	free(script);
	return out;
}

/* One request whose answer goes into the samples, under the route's template. */
static void sample(const char *token, const char *method, const char *template, const char *ctype,
		   const char *body, int expect, const char *fmt, ...) PRINTFLIKE(7, 8);

static void sample(const char *token, const char *method, const char *template, const char *ctype,
		   const char *body, int expect, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *path = xvasprintf(fmt, ap);
	va_end(ap);
	struct http_response *r = hreq(token, method, path, ctype, body, sample_headers);
	ck_assert_msg(r->status == expect, "%s %s: %d, expected %d: %.500s", method, path,
		      r->status, expect, r->body);
	char *type = http_header(r, "Content-Type");
	json_t *line =
	    json_pack("{s:s, s:s, s:s, s:i, s:s}", "method", method, "template", template, "path",
		      path, "status", r->status, "type", type != NULL ? type : "");
	json_t *parsed = http_json(r);
	json_object_set_new(line, "body",
			    parsed != NULL ? parsed : json_stringn(r->body, r->body_len));
	ck_assert_int_eq(json_dumpf(line, samples, JSON_COMPACT), 0);
	fputc('\n', samples);
	json_decref(line);
	free(type);
	http_response_free(r);
	free(path);
}

START_TEST(document_is_valid_openapi_3_1)
{
	char *doc = xasprintf("%s/doc/openapi.yaml", srcdir());
	/* validate-api is on PATH where dev/deps installs it (npm install -g). */
	const char *argv[] = {"validate-api", doc, NULL};
	char *out = run_ok(argv);
	ck_assert_msg(strstr(out, "\"valid\": true") != NULL, "validate-api:\n%s", out);
	fprintf(stderr, "validate-api doc/openapi.yaml: %s", out);
	free(out);
	free(doc);
}
END_TEST

START_TEST(served_document_is_the_source)
{
	struct http_response *r = hreq(NULL, "GET", "/v1/openapi.json", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	char *type = http_header(r, "Content-Type");
	ck_assert_str_eq(type, "application/json");
	free(type);
	char *file = xasprintf("%s/served.json", workdir);
	harness_write_file(file, r->body);
	free(check_script("served", file));
	unlink(file);
	free(file);
	http_response_free(r);
}
END_TEST

START_TEST(routes_both_ways)
{
	const char *args[] = {"routes", NULL};
	char *out = NULL, *err = NULL;
	ck_assert_int_eq(suivid_run(at.d, args, &out, &err), 0);
	char *file = xasprintf("%s/routes", workdir);
	harness_write_file(file, out);
	char *report = check_script("routes", file);
	fprintf(stderr, "%s", report);
	free(report);
	unlink(file);
	free(file);
	free(out);
	free(err);
}
END_TEST

/* The first transition the workflow allows from status: no status name is written here. */
static char *next_status(const char *from)
{
	json_t *wf = hcall(at.viewer, "GET", "/v1/workflow", NULL, 200);
	size_t i;
	json_t *t;
	char *to = NULL;
	json_array_foreach (json_object_get(wf, "transitions"), i, t) {
		if (to == NULL && strcmp(JSTR(t, "from"), from) == 0)
			to = xstrdup(JSTR(t, "to"));
	}
	json_decref(wf);
	ck_assert_msg(to != NULL, "no transition from %s", from);
	return to;
}

START_TEST(responses_match_the_document)
{
	char *file = xasprintf("%s/samples.jsonl", workdir);
	samples = fopen(file, "w");
	ck_assert_ptr_nonnull(samples);
	const char *sec = at.secretariat, *adm = at.admin, *v = at.viewer;

	sample(NULL, "GET", "/v1/health", NULL, NULL, 200, "/v1/health");
	sample(NULL, "GET", "/v1/openapi.json", NULL, NULL, 200, "/v1/openapi.json");
	sample(v, "GET", "/v1/workflow", NULL, NULL, 200, "/v1/workflow");
	sample(NULL, "GET", "/metrics", NULL, NULL, 200, "/metrics");

	sample(sec, "POST", "/v1/owners", NULL,
	       "{\"handle\":\"oa-o\",\"name\":\"Owner\",\"email\":\"o@example.org\"}", 201,
	       "/v1/owners");
	sample(v, "GET", "/v1/owners", NULL, NULL, 200, "/v1/owners?limit=5");
	sample(v, "GET", "/v1/owners/{handle}", NULL, NULL, 200, "/v1/owners/oa-o");
	sample(sec, "PATCH", "/v1/owners/{handle}", NULL, "{\"locale\":\"fr\"}", 200,
	       "/v1/owners/oa-o");
	sample(v, "GET", "/v1/owners/{handle}", NULL, NULL, 404, "/v1/owners/oa-none");
	sample(sec, "POST", "/v1/owners", NULL, "{\"handle\":\"Bad\"}", 422, "/v1/owners");

	sample(sec, "POST", "/v1/meetings", NULL,
	       "{\"code\":\"oa-m\",\"title\":\"Meeting\",\"starts_on\":\"2024-01-10\","
	       "\"series\":\"oa-s\"}",
	       201, "/v1/meetings");
	sample(sec, "POST", "/v1/meetings", NULL,
	       "{\"code\":\"oa-m2\",\"title\":\"Later\",\"starts_on\":\"2025-01-10\","
	       "\"series\":\"oa-s\"}",
	       201, "/v1/meetings");
	sample(v, "GET", "/v1/meetings", NULL, NULL, 200, "/v1/meetings");
	sample(v, "GET", "/v1/meetings/{code}", NULL, NULL, 200, "/v1/meetings/oa-m");
	sample(sec, "PATCH", "/v1/meetings/{code}", NULL, "{\"place\":\"Dakar\"}", 200,
	       "/v1/meetings/oa-m");
	sample(sec, "POST", "/v1/meetings/{code}/import", "text/plain",
	       "1. Publier le rapport.\n2. Former les agents.\n", 200,
	       "/v1/meetings/oa-m/import?dry_run=true");
	sample(sec, "POST", "/v1/meetings/{code}/import", "text/plain",
	       "1. Publier le rapport.\n2. Former les agents.\n", 201, "/v1/meetings/oa-m/import");

	sample(sec, "POST", "/v1/recommendations", NULL,
	       "{\"meeting\":\"oa-m\",\"text\":\"Faire.\",\"owner\":\"oa-o\","
	       "\"due_on\":\"2024-02-01\",\"tags\":[\"oa\"]}",
	       201, "/v1/recommendations");
	json_t *list = hcall(v, "GET", "/v1/recommendations?meeting=oa-m&limit=1", NULL, 200);
	long long id = JINT(json_array_get(json_object_get(list, "items"), 0), "id");
	const char *first = JSTR(json_array_get(json_object_get(list, "items"), 0), "status");
	char *to = next_status(first);
	json_decref(list);
	sample(v, "GET", "/v1/recommendations", NULL, NULL, 200,
	       "/v1/recommendations?meeting=oa-m&limit=2");
	sample(v, "GET", "/v1/recommendations", NULL, NULL, 200,
	       "/v1/recommendations?overdue=true");
	sample(v, "GET", "/v1/recommendations/{ref}", NULL, NULL, 200, "/v1/recommendations/%lld",
	       id);
	sample(v, "GET", "/v1/recommendations/{ref}", NULL, NULL, 200,
	       "/v1/recommendations/oa-m/1");
	sample(sec, "PATCH", "/v1/recommendations/{ref}", NULL, "{\"priority\":\"high\"}", 200,
	       "/v1/recommendations/%lld", id);
	char *body = xasprintf("{\"to\":\"%s\",\"comment\":\"Parce que.\"}", to);
	sample(sec, "POST", "/v1/recommendations/{ref}/transitions", NULL, body, 200,
	       "/v1/recommendations/%lld/transitions", id);
	sample(sec, "POST", "/v1/recommendations/{ref}/transitions", NULL, body, 409,
	       "/v1/recommendations/%lld/transitions", id);
	sample(sec, "POST", "/v1/recommendations/{ref}/comments", NULL, "{\"comment\":\"Vu.\"}",
	       200, "/v1/recommendations/%lld/comments", id);
	sample(v, "GET", "/v1/recommendations/{ref}/history", NULL, NULL, 200,
	       "/v1/recommendations/%lld/history", id);
	sample(v, "GET", "/v1/recommendations/{ref}/reminders", NULL, NULL, 200,
	       "/v1/recommendations/%lld/reminders", id);
	sample(v, "GET", "/v1/recommendations", NULL, NULL, 422, "/v1/recommendations?limit=0");

	sample(v, "GET", "/v1/reports/overdue", NULL, NULL, 200,
	       "/v1/reports/overdue?as_of=2025-01-01");
	sample(v, "GET", "/v1/reports/overdue", NULL, NULL, 200,
	       "/v1/reports/overdue?as_of=2025-01-01&format=csv");
	sample(v, "GET", "/v1/reports/summary", NULL, NULL, 200,
	       "/v1/reports/summary?as_of=2025-01-01");
	sample(v, "GET", "/v1/reports/brief", NULL, NULL, 200,
	       "/v1/reports/brief?meeting=oa-m2&as_of=2025-01-20");
	sample(v, "GET", "/v1/reports/brief", NULL, NULL, 200,
	       "/v1/reports/brief?meeting=oa-m2&format=text");

	sample(sec, "POST", "/v1/reminders/run", NULL,
	       "{\"dry_run\":true,\"as_of\":\"2024-01-25\"}", 200, "/v1/reminders/run");
	sample(sec, "GET", "/v1/notifications", NULL, NULL, 200, "/v1/notifications");
	char *nid = dbval("INSERT INTO notifications (dedup_key, kind, recipient, subject, body,"
			  " state, attempts) VALUES ('oa-1', 'reminder', 'x@example.org', 'S',"
			  " 'B', 'failed', 6) RETURNING id");
	sample(sec, "POST", "/v1/notifications/{id}/retry", NULL, NULL, 200,
	       "/v1/notifications/%s/retry", nid);
	free(nid);

	/* A reply by mail to a digest of oa-o's, signed as the outbox signs it. */
	char *mail = suivid_make_token(at.d, "oa-mta", "mail", NULL);
	char *did = dbval("INSERT INTO notifications (dedup_key, kind, recipient, subject, body,"
			  " payload) VALUES ('oa-digest', 'reminder', 'o@example.org', 'S', 'B',"
			  " '{\"owner\":\"oa-o\"}') RETURNING id");
	char *code = dbval("SELECT suivi_api.suivi_reply_code(%s, 'oa-o')", did);
	char *msg = xasprintf("From: Owner <o@example.org>\r\nTo: suivi+%s@example.org\r\n"
			      "Message-ID: <oa-reply@example.org>\r\nSubject: Re: S\r\n"
			      "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
			      "oa-m/1 comment: on track\r\n",
			      code);
	sample(mail, "POST", "/v1/mail/inbound", "message/rfc822", msg, 200, "/v1/mail/inbound");
	sample(sec, "GET", "/v1/mail/inbound", NULL, NULL, 200, "/v1/mail/inbound");
	free(msg);
	free(code);
	free(did);
	free(mail);

	sample(adm, "GET", "/v1/tokens", NULL, NULL, 200, "/v1/tokens");
	json_t *t =
	    hcall(adm, "POST", "/v1/tokens", "{\"name\":\"oa-t\",\"role\":\"viewer\"}", 201);
	sample(adm, "POST", "/v1/tokens", NULL,
	       "{\"name\":\"oa-feed\",\"role\":\"feed\",\"owner\":\"oa-o\"}", 201, "/v1/tokens");
	sample(adm, "DELETE", "/v1/tokens/{id}", NULL, NULL, 204, "/v1/tokens/%lld",
	       (long long)JINT(t, "id"));
	json_decref(t);
	sample(v, "GET", "/v1/tokens", NULL, NULL, 403, "/v1/tokens");
	sample(NULL, "GET", "/v1/tokens", NULL, NULL, 401, "/v1/tokens");

	sample(v, "GET", "/v1/calendar.ics", NULL, NULL, 200, "/v1/calendar.ics?owner=oa-o");
	sample(v, "GET", "/v1/calendar.ics", NULL, NULL, 404, "/v1/calendar.ics?meeting=oa-none");

	/* The web view: the dashboard, a session (its cookie for the two after), a digest's
	 * sign-in link, revoking the links. */
	sample(v, "GET", "/v1/dashboard", NULL, NULL, 200, "/v1/dashboard?as_of=2025-01-01");
	char *sbody = xasprintf("{\"token\":\"%s\"}", v);
	sample(NULL, "POST", "/v1/sessions", NULL, sbody, 201, "/v1/sessions");
	struct http_response *sr = hreq(NULL, "POST", "/v1/sessions", NULL, sbody, NULL);
	char *cookie = http_header(sr, "Set-Cookie");
	ck_assert_ptr_nonnull(cookie);
	char *headers =
	    xasprintf("Cookie: %.*s\r\nX-Suivi-CSRF: 1\r\n", (int)strcspn(cookie, ";"), cookie);
	sample_headers = headers;
	sample(NULL, "GET", "/v1/sessions/current", NULL, NULL, 200, "/v1/sessions/current");
	sample(NULL, "DELETE", "/v1/sessions/current", NULL, NULL, 204, "/v1/sessions/current");
	sample_headers = NULL;
	char *link = dbval("SET search_path = suivi_api, public; SELECT suivi_signin_link(id, "
			   "extract(epoch FROM now())::bigint"
			   " + 600) FROM owners WHERE handle = 'oa-o'");
	sample(NULL, "GET", "/signin", NULL, NULL, 303, "/signin?l=%s", link);
	sample(sec, "POST", "/v1/owners/{handle}/revoke-links", NULL, NULL, 200,
	       "/v1/owners/oa-o/revoke-links");
	free(link);
	free(headers);
	free(cookie);
	http_response_free(sr);
	free(sbody);

	ck_assert_int_eq(fclose(samples), 0);
	char *report = check_script("responses", file);
	fprintf(stderr, "%s", report);
	free(report);
	free(body);
	free(to);
	free(file);
}
END_TEST

static Suite *openapi_suite(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("document");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, document_is_valid_openapi_3_1);
	tcase_add_test(tc, served_document_is_the_source);
	tcase_add_test(tc, routes_both_ways);
	tcase_add_test(tc, responses_match_the_document);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	apitest_start();
	SRunner *sr = srunner_create(openapi_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	harness_remove_tree(workdir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
