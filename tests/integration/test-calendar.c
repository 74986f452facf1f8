/* test-calendar.c — the deadline feed, GET /v1/calendar.ics, read by real parsers.
 *
 * Against a real PostgreSQL and a real suivid: the feed is read by python3-icalendar
 * (tests/integration/ical-check.py, which also checks CRLF and 75-octet folding between
 * characters) and by libical with RFC 5545's restrictions (ical-strict); what they read is
 * compared with the database: one all-day event per open recommendation with a deadline, the
 * UID from the id, SEQUENCE from the version, the summary, the description. A new deadline
 * keeps the UID and raises SEQUENCE; ETag and If-None-Match give 304. Feed tokens: read-only,
 * only this route, only their filters, as ?key=, stored hashed, revocable; the suivi client
 * makes them (token create --role feed, calendar-url). */
#include "suivi-config.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "client-run.h"
#include "harness-internal.h"
#include "sha256.h"

/* The last feed read and what python3-icalendar understood of it, for people to read (as
 * test-notify keeps its mails). */
static void keep_sample(const char *name, const char *data, size_t len)
{
	mkdir("/tmp/suivi-notify-samples", 0755);
	char *path = xasprintf("/tmp/suivi-notify-samples/%s", name);
	FILE *f = fopen(path, "wb");
	if (f != NULL) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
	free(path);
}

/* A feed as both parsers read it: python3-icalendar's JSON (caller decrefs). The libical
 * check must pass too. */
static json_t *parse_feed(const char *ics, size_t len)
{
	char dir[] = "/tmp/suivi-ics-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *file = xasprintf("%s/feed.ics", dir), *out = xasprintf("%s/out", dir);
	FILE *f = fopen(file, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(ics, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);

	const char *srcdir = getenv("SUIVI_SRCDIR");
	ck_assert_msg(srcdir != NULL, "SUIVI_SRCDIR is not set (run through make check)");
	char *script = xasprintf("%s/tests/integration/ical-check.py", srcdir);
	/* Debian's interpreter, whose python3-icalendar is the one dev/deps installs. */
	const char *py[] = {"/usr/bin/python3", script, file, NULL};
	int st = harness_run_cmd(py, NULL, out, 60000);
	char *text = harness_read_file(out);
	ck_assert_msg(st == 0, "python3-icalendar refused the feed (status %d):\n%s\n--\n%s", st,
		      text, ics);
	json_t *doc = json_loads(text, 0, NULL);
	ck_assert_msg(doc != NULL, "ical-check.py said:\n%s", text);
	keep_sample("calendar-feed.ics", ics, len);
	keep_sample("calendar-parsed.json", text, strlen(text));
	free(text);

	/* ical-strict is built next to this program. */
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert(n > 0);
	self[n] = '\0';
	char *strict = xasprintf("%s/ical-strict", dirname(self));
	const char *lc[] = {strict, file, NULL};
	st = harness_run_cmd(lc, NULL, out, 60000);
	text = harness_read_file(out);
	ck_assert_msg(st == 0 && strncmp(text, "ok ", 3) == 0,
		      "libical refused the feed (status %d):\n%s\n--\n%s", st, text, ics);
	free(text);

	unlink(out);
	unlink(file);
	rmdir(dir);
	free(strict);
	free(script);
	free(out);
	free(file);
	return doc;
}

/* GET path as token (Authorization, or NULL); fails unless status is expect. */
static struct http_response *feed_get(const char *token, const char *path, const char *headers,
				      int expect)
{
	struct http_response *r = hreq(token, "GET", path, NULL, NULL, headers);
	ck_assert_msg(r->status == expect, "GET %s: %d, expected %d: %s", path, r->status, expect,
		      r->body);
	return r;
}

/* The events of a feed read by both parsers (caller decrefs). */
static json_t *feed_events(const char *token, const char *path)
{
	struct http_response *r = feed_get(token, path, NULL, 200);
	char *ctype = http_header(r, "Content-Type");
	ck_assert_msg(ctype != NULL && strcmp(ctype, "text/calendar; charset=utf-8") == 0, "%s",
		      ctype);
	free(ctype);
	json_t *doc = parse_feed(r->body, r->body_len);
	json_t *events = json_incref(json_object_get(doc, "events"));
	json_decref(doc);
	http_response_free(r);
	return events;
}

static const json_t *event_for(const json_t *events, long long id)
{
	char uid[64];
	snprintf(uid, sizeof uid, "suivi-recommendation-%lld", id);
	size_t i;
	json_t *e;
	json_array_foreach (events, i, e) {
		if (strcmp(JSTR(e, "uid"), uid) == 0)
			return e;
	}
	return NULL;
}

/* Close a recommendation with the first closed status of the database's workflow. */
static void close_rec(long long id)
{
	char *sql = xasprintf("UPDATE recommendations SET status = (SELECT name FROM statuses"
			      " WHERE NOT is_open ORDER BY position LIMIT 1) WHERE id = %lld",
			      id);
	ck_assert_int_eq(pg_exec(at.db, sql, false), 0);
	free(sql);
}

static const char *const long_text =
    "Publier le rapport annuel; vite, bien, et en français — «été», naïveté, "
    "Ærøskøbing, 日本語のテキスト, emoji \xf0\x9f\x93\x85, back\\slash: done";

START_TEST(feed_is_read_by_two_parsers)
{
	mk_owner("cal-o");
	mk_owner("cal-p");
	mk_meeting("cal-m", "2029-01-10", NULL);
	char *body =
	    jdump(json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "meeting", "cal-m", "text", long_text,
			    "owner", "cal-o", "due_on", "2030-02-28", "tags", "budget"));
	json_t *a = mk_rec(body);
	free(body);
	long long other = mk_rec_id("cal-m", "cal-p", "2030-04-01");
	long long no_due = mk_rec_id("cal-m", "cal-o", NULL);
	long long closed = mk_rec_id("cal-m", "cal-o", "2030-05-01");
	close_rec(closed);

	json_t *ev = feed_events(at.viewer, "/v1/calendar.ics?meeting=cal-m");
	ck_assert_uint_eq(json_array_size(ev), 2);
	ck_assert_ptr_null(event_for(ev, no_due));
	ck_assert_ptr_null(event_for(ev, closed));
	ck_assert_ptr_nonnull(event_for(ev, other));
	const json_t *e = event_for(ev, JINT(a, "id"));
	ck_assert_ptr_nonnull(e);
	char *summary = xasprintf("%s \xe2\x80\x94 %s", JSTR(a, "ref"), long_text);
	ck_assert_str_eq(JSTR(e, "summary"), summary);
	free(summary);
	ck_assert_str_eq(JSTR(e, "dtstart"), "2030-02-28");
	ck_assert_str_eq(JSTR(e, "dtend"), "2030-03-01");
	ck_assert(json_is_true(json_object_get(e, "all_day")));
	ck_assert_int_eq(JINT(e, "sequence"), JINT(a, "version") - 1);
	ck_assert_str_eq(JSTR(e, "last_modified"), JSTR(a, "updated_at"));
	ck_assert_str_eq(JSTR(e, "dtstamp"), JSTR(a, "updated_at"));
	const char *desc = JSTR(e, "description");
	char *status = dbval("SELECT label_en FROM statuses WHERE name = '%s'", JSTR(a, "status"));
	char *want_status = xasprintf("Status: %s\n", status);
	char *link = xasprintf("http://127.0.0.1:%d/v1/recommendations/%lld", at.port,
			       (long long)JINT(a, "id"));
	ck_assert_msg(strstr(desc, "Owner: ") != NULL && strstr(desc, "(cal-o)") != NULL &&
			  strstr(desc, want_status) != NULL && strstr(desc, "(cal-m)") != NULL &&
			  strstr(desc, link) != NULL,
		      "description: %s", desc);
	ck_assert_str_eq(JSTR(e, "url"), link);
	free(link);
	free(want_status);
	free(status);
	json_decref(ev);

	/* Filters: owner, tag, and both; an unknown meeting or owner is not an empty feed. */
	ev = feed_events(at.viewer, "/v1/calendar.ics?meeting=cal-m&owner=cal-p");
	ck_assert_uint_eq(json_array_size(ev), 1);
	ck_assert_ptr_nonnull(event_for(ev, other));
	json_decref(ev);
	ev = feed_events(at.viewer, "/v1/calendar.ics?tag=budget");
	ck_assert_uint_eq(json_array_size(ev), 1);
	ck_assert_ptr_nonnull(event_for(ev, JINT(a, "id")));
	json_decref(ev);
	ev = feed_events(at.viewer, "/v1/calendar.ics?owner=cal-p&tag=budget");
	ck_assert_uint_eq(json_array_size(ev), 0);
	json_decref(ev);
	json_decref(hcall(at.viewer, "GET", "/v1/calendar.ics?meeting=cal-none", NULL, 404));
	json_decref(hcall(at.viewer, "GET", "/v1/calendar.ics?owner=cal-none", NULL, 404));
	json_t *p =
	    hcall(at.viewer, "GET", "/v1/calendar.ics?owner=Not%20A%20Handle&x=1", NULL, 422);
	ck_assert(problem_names(p, "owner"));
	ck_assert(problem_names(p, "x"));
	json_decref(p);
	struct http_response *r = hreq(NULL, "GET", "/v1/calendar.ics", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 401);
	http_response_free(r);
	json_decref(a);
}
END_TEST

/* A new deadline: same UID, higher SEQUENCE, new ETag; the old ETag no longer matches. */
START_TEST(deadline_change_bumps_sequence_and_etag)
{
	mk_owner("cal-s");
	mk_meeting("cal-sm", "2029-03-01", NULL);
	long long id = mk_rec_id("cal-sm", "cal-s", "2030-06-30");
	const char *path = "/v1/calendar.ics?meeting=cal-sm";

	struct http_response *r1 = feed_get(at.viewer, path, NULL, 200);
	char *etag = http_header(r1, "ETag");
	ck_assert_msg(etag != NULL && etag[0] == '"', "ETag %s", etag ? etag : "(none)");
	json_t *doc = parse_feed(r1->body, r1->body_len);
	const json_t *e = event_for(json_object_get(doc, "events"), id);
	ck_assert_ptr_nonnull(e);
	long long seq = JINT(e, "sequence");
	char *uid = xstrdup(JSTR(e, "uid"));
	json_decref(doc);

	/* Unchanged: 304 with no body, for the tag, a weak form of it, a list, or "*". */
	char *inm = xasprintf("If-None-Match: %s\r\n", etag);
	struct http_response *r = feed_get(at.viewer, path, inm, 304);
	ck_assert_uint_eq(r->body_len, 0);
	char *again = http_header(r, "ETag");
	ck_assert_str_eq(again, etag);
	free(again);
	http_response_free(r);
	char *weak = xasprintf("If-None-Match: \"nope\", W/%s\r\n", etag);
	http_response_free(feed_get(at.viewer, path, weak, 304));
	http_response_free(feed_get(at.viewer, path, "If-None-Match: *\r\n", 304));
	http_response_free(feed_get(at.viewer, path, "If-None-Match: \"other\"\r\n", 200));

	char *rpath = xasprintf("/v1/recommendations/%lld", id);
	json_decref(hcall(at.secretariat, "PATCH", rpath, "{\"due_on\":\"2030-09-15\"}", 200));
	struct http_response *r2 = feed_get(at.viewer, path, inm, 200);
	char *etag2 = http_header(r2, "ETag");
	ck_assert_str_ne(etag2, etag);
	doc = parse_feed(r2->body, r2->body_len);
	e = event_for(json_object_get(doc, "events"), id);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(JSTR(e, "uid"), uid);
	ck_assert_int_gt(JINT(e, "sequence"), seq);
	ck_assert_str_eq(JSTR(e, "dtstart"), "2030-09-15");
	ck_assert_str_eq(JSTR(e, "dtend"), "2030-09-16");
	json_decref(doc);

	free(etag2);
	http_response_free(r2);
	free(rpath);
	free(weak);
	free(inm);
	free(uid);
	free(etag);
	http_response_free(r1);
}
END_TEST

/* A feed token (POST /v1/tokens, role feed): the calendar only, its filters only. */
START_TEST(feed_tokens_are_read_only_and_filtered)
{
	mk_owner("cal-fo");
	mk_owner("cal-fp");
	mk_meeting("cal-fm", "2029-05-01", NULL);
	long long mine = mk_rec_id("cal-fm", "cal-fo", "2030-07-01");
	long long theirs = mk_rec_id("cal-fm", "cal-fp", "2030-07-02");

	json_t *t = hcall(at.admin, "POST", "/v1/tokens",
			  "{\"name\":\"cal feed\",\"role\":\"feed\",\"owner\":\"cal-fo\"}", 201);
	ck_assert_str_eq(JSTR(t, "role"), "feed");
	ck_assert_str_eq(JSTR(t, "owner"), "cal-fo");
	char *token = xstrdup(JSTR(t, "token"));
	long long token_id = JINT(t, "id");
	json_decref(t);

	/* Stored as its hash, like every token. */
	char hash[65];
	sha256_hex(token, strlen(token), hash);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM tokens WHERE id = %lld AND role = 'feed'"
			       " AND hash = decode('%s', 'hex')",
			       token_id, hash),
			 1);

	/* As ?key=, with no header: only its owner's deadlines, whatever else is asked. */
	char *key = urlenc(token);
	char *path = xasprintf("/v1/calendar.ics?key=%s", key);
	json_t *ev = feed_events(NULL, path);
	ck_assert_ptr_nonnull(event_for(ev, mine));
	ck_assert_ptr_null(event_for(ev, theirs));
	json_decref(ev);
	char *same = xasprintf("/v1/calendar.ics?owner=cal-fo&key=%s", key);
	ev = feed_events(NULL, same);
	ck_assert_ptr_nonnull(event_for(ev, mine));
	json_decref(ev);
	char *wider = xasprintf("/v1/calendar.ics?key=%s&owner=cal-fp", key);
	json_t *p = hcall(NULL, "GET", wider, NULL, 403);
	ck_assert_str_eq(JSTR(p, "code"), "feed_filters");
	json_decref(p);
	/* As a bearer token it is the same feed token. */
	ev = feed_events(token, "/v1/calendar.ics");
	ck_assert_ptr_null(event_for(ev, theirs));
	json_decref(ev);

	/* Nothing else: not as a bearer token, not as ?key= elsewhere. */
	static const char *const others[] = {"/v1/recommendations", "/v1/workflow", "/v1/owners",
					     "/v1/tokens", "/v1/reports/overdue"};
	for (size_t i = 0; i < ARRAY_LEN(others); i++) {
		json_decref(hcall(token, "GET", others[i], NULL, 403));
		char *q = xasprintf("%s?key=%s", others[i], key);
		json_decref(hcall(NULL, "GET", q, NULL, 401));
		free(q);
	}
	json_decref(hcall(token, "POST", "/v1/recommendations",
			  "{\"meeting\":\"cal-fm\",\"text\":\"No.\"}", 403));
	/* A wider token never goes in a URL. */
	char *vkey = urlenc(at.viewer);
	char *vpath = xasprintf("/v1/calendar.ics?key=%s", vkey);
	p = hcall(NULL, "GET", vpath, NULL, 403);
	ck_assert_str_eq(JSTR(p, "code"), "not_a_feed_token");
	json_decref(p);
	json_decref(hcall(NULL, "GET", "/v1/calendar.ics?key=suivi_nonsense", NULL, 401));

	/* Meeting and tag filters; filters only for feed tokens. */
	json_decref(hcall(at.secretariat, "PATCH", "/v1/recommendations/cal-fm%2F2",
			  "{\"tags\":[\"cal-tag\"]}", 200));
	t = hcall(at.admin, "POST", "/v1/tokens",
		  "{\"name\":\"cal tag\",\"role\":\"feed\",\"meeting\":\"cal-fm\","
		  "\"tag\":\"cal-tag\"}",
		  201);
	ck_assert_str_eq(JSTR(t, "meeting"), "cal-fm");
	ck_assert_str_eq(JSTR(t, "tag"), "cal-tag");
	char *tkey = urlenc(JSTR(t, "token"));
	char *tpath = xasprintf("/v1/calendar.ics?key=%s", tkey);
	ev = feed_events(NULL, tpath);
	ck_assert_uint_eq(json_array_size(ev), 1);
	ck_assert_ptr_nonnull(event_for(ev, theirs));
	json_decref(ev);
	json_decref(t);
	p = hcall(at.admin, "POST", "/v1/tokens",
		  "{\"name\":\"x\",\"role\":\"viewer\",\"tag\":\"t\",\"meeting\":\"cal-fm\"}", 422);
	ck_assert(problem_names(p, "tag") && problem_names(p, "meeting"));
	json_decref(p);
	p = hcall(at.admin, "POST", "/v1/tokens",
		  "{\"name\":\"x\",\"role\":\"feed\",\"meeting\":\"cal-none\"}", 422);
	ck_assert(problem_names(p, "meeting"));
	json_decref(p);

	/* Revoked: refused by the very next request. */
	char *del = xasprintf("/v1/tokens/%lld", token_id);
	struct http_response *r = hreq(at.admin, "DELETE", del, NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 204);
	http_response_free(r);
	json_decref(hcall(NULL, "GET", path, NULL, 401));

	free(del);
	free(tpath);
	free(tkey);
	free(vpath);
	free(vkey);
	free(wider);
	free(same);
	free(path);
	free(key);
	free(token);
}
END_TEST

/* The client: suivi token create --role feed and suivi calendar-url print what works. */
START_TEST(client_makes_feed_urls)
{
	mk_owner("cal-co");
	mk_meeting("cal-cm", "2029-06-01", NULL);
	long long id = mk_rec_id("cal-cm", "cal-co", "2030-08-01");
	char *url = xasprintf("http://127.0.0.1:%d", at.port);
	client_run_init(url, "/nonexistent");

	struct run c = suivi_run(at.admin, NULL, "calendar-url", "--owner", "cal-co", NULL);
	expect(&c, 0);
	char *prefix = xasprintf("%s/v1/calendar.ics?key=suivi_", url);
	ck_assert_msg(strncmp(c.out, prefix, strlen(prefix)) == 0, "calendar-url: %s", c.out);
	/* The path of the printed address, fetched as a calendar program would. */
	char *path = xstrdup(c.out + strlen(url));
	path[strcspn(path, "\n")] = '\0';
	json_t *ev = feed_events(NULL, path);
	ck_assert_uint_eq(json_array_size(ev), 1);
	ck_assert_ptr_nonnull(event_for(ev, id));
	json_decref(ev);
	run_free(&c);
	free(path);

	c = suivi_run(at.admin, NULL, "token", "create", "cal-cli", "--role", "feed", "--owner",
		      "cal-co", NULL);
	expect(&c, 0);
	ck_assert_msg(strstr(c.out, "role feed") != NULL, "token create: %s", c.out);
	run_free(&c);

	/* Not an admin: refused by the server, nothing printed on stdout. */
	c = suivi_run(at.viewer, NULL, "calendar-url", NULL);
	ck_assert_int_ne(c.code, 0);
	ck_assert_str_eq(c.out, "");
	run_free(&c);

	/* suivid token create knows the role too. */
	const char *args[] = {"token", "create",  "cal-daemon", "--role",
			      "feed",  "--owner", "cal-co",     NULL};
	char *out = NULL, *err = NULL;
	ck_assert_int_eq(suivid_run(at.d, args, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "(feed)"));
	char *tok = xstrdup(strstr(out, "\nsuivi_") + 1);
	tok[strcspn(tok, "\n")] = '\0';
	char *k = urlenc(tok);
	char *p2 = xasprintf("/v1/calendar.ics?key=%s", k);
	ev = feed_events(NULL, p2);
	ck_assert_ptr_nonnull(event_for(ev, id));
	json_decref(ev);
	free(p2);
	free(k);
	free(tok);
	free(out);
	free(err);
	free(prefix);
	free(url);
}
END_TEST

static Suite *calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("feed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, feed_is_read_by_two_parsers);
	tcase_add_test(tc, deadline_change_bumps_sequence_and_etag);
	tcase_add_test(tc, feed_tokens_are_read_only_and_filtered);
	tcase_add_test(tc, client_makes_feed_urls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	apitest_start();
	SRunner *sr = srunner_create(calendar_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
