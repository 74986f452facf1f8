/* test-web-more.c — part of the web suite (test-web.c adds it):
 *   sign-in links: the digest of a real reminder run carries the owner's link (A has a
 *   public_url); following it gives a 303 into the owner's page and a session of role owner
 *   scoped to that owner; a tampered, re-addressed, expired or revoked (revoke-links) link,
 *   or none, gives a 303 to the error page and no cookie; revoke-links ends the link's
 *   sessions and is the secretariat's;
 *   the dashboard: every number equals what SQL counts directly on the same data. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "test-web.h"

/* Follow a sign-in link on A: the answer (caller frees). */
static struct http_response *follow(const char *link)
{
	char *path = xasprintf("/signin?l=%s", link);
	struct http_response *r = hreq(NULL, "GET", path, NULL, NULL, NULL);
	free(path);
	return r;
}

/* A link that must not work: 303 to the error page, no cookie, no session made. */
static void assert_link_refused(const char *what, const char *link)
{
	long long before = dbnum("SELECT count(*) FROM sessions");
	struct http_response *r =
	    link != NULL ? follow(link) : hreq(NULL, "GET", "/signin", NULL, NULL, NULL);
	ck_assert_msg(r->status == 303, "%s: %d %s", what, r->status, r->body);
	char *loc = http_header(r, "Location");
	ck_assert_msg(loc != NULL && strcmp(loc, "/#/signin?error=link") == 0, "%s: Location %s",
		      what, loc != NULL ? loc : "(none)");
	char *set = http_header(r, "Set-Cookie");
	ck_assert_msg(set == NULL, "%s: Set-Cookie %s", what, set != NULL ? set : "");
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions"), before);
	free(loc);
	http_response_free(r);
}

/* The link of the digest of handle for as_of, read from the outbox. */
static char *digest_link(const char *handle, const char *as_of)
{
	char *body = dbval("SELECT body FROM notifications WHERE dedup_key = 'reminder:%s:%s'",
			   handle, as_of);
	ck_assert_msg(body != NULL, "no digest for %s", handle);
	const char *p = strstr(body, "http://suivi.test/signin?l=");
	ck_assert_msg(p != NULL, "no link in the digest:\n%s", body);
	p += strlen("http://suivi.test/signin?l=");
	char *link = xstrndup(p, strcspn(p, " \n"));
	free(body);
	return link;
}

START_TEST(signin_link_from_digest)
{
	mk_owner("lk-own");
	mk_owner("lk-other");
	mk_meeting("lk-2098", "2098-01-01", NULL);
	long long mine = mk_rec_id("lk-2098", "lk-own", "2098-12-20");
	long long other = mk_rec_id("lk-2098", "lk-other", "2098-12-20");
	/* A real run (not a dry one): the digests are written to the outbox. */
	json_decref(
	    hcall(at.secretariat, "POST", "/v1/reminders/run", "{\"as_of\":\"2099-01-01\"}", 200));
	char *link = digest_link("lk-own", "2099-01-01");
	char *link_other = digest_link("lk-other", "2099-01-01");
	ck_assert_str_ne(link, link_other);

	/* Followed: 303 into the owner's page, a session of role owner for lk-own. */
	struct http_response *r = follow(link);
	ck_assert_msg(r->status == 303, "%d %s", r->status, r->body);
	char *loc = http_header(r, "Location");
	ck_assert_str_eq(loc, "/#/owners/lk-own");
	free(loc);
	char *secret = set_cookie_secret(r);
	ck_assert_ptr_nonnull(secret);
	char *want =
	    xasprintf("suivi_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200", secret);
	char *set = http_header(r, "Set-Cookie");
	ck_assert_str_eq(set, want);
	free(set);
	free(want);
	http_response_free(r);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions s JOIN owners o ON o.id = s.owner_id"
			       " WHERE o.handle = 'lk-own' AND s.token_id IS NULL"
			       " AND s.hash = sha256('%s'::bytea)",
			       secret),
			 1);
	char *hc = cookie_headers(secret, "X-Suivi-CSRF: 1\r\n");
	json_t *j = hcallh(NULL, "GET", "/v1/sessions/current", NULL, hc, 200);
	ck_assert_str_eq(JSTR(j, "role"), "owner");
	ck_assert_str_eq(JSTR(j, "owner"), "lk-own");
	ck_assert_str_eq(JSTR(j, "name"), "Owner lk-own");
	json_decref(j);
	/* It acts on what lk-own leads, as lk-own; not on another's item; not as secretariat. */
	char *path = xasprintf("/v1/recommendations/%lld/comments", mine);
	json_decref(hcallh(NULL, "POST", path, "{\"comment\":\"From the link.\"}", hc, 200));
	ck_assert_int_eq(dbnum("SELECT count(*) FROM history WHERE rec_id = %lld AND kind = "
			       "'comment' AND actor = 'Owner lk-own'",
			       mine),
			 1);
	free(path);
	char *before = state_digest();
	path = xasprintf("/v1/recommendations/%lld/comments", other);
	j = hcallh(NULL, "POST", path, "{\"comment\":\"Not mine.\"}", hc, 403);
	ck_assert_str_eq(JSTR(j, "code"), "not_your_recommendation");
	json_decref(j);
	j = hcallh(NULL, "POST", "/v1/owners/lk-other/revoke-links", NULL, hc, 403);
	ck_assert_str_eq(JSTR(j, "code"), "forbidden");
	json_decref(j);
	assert_same_state(before);
	free(before);
	free(path);

	/* Tampered: the MAC, the owner, the expiry, the epoch; not one of ours at all. */
	char *bad = xstrdup(link);
	char *last = bad + strlen(bad) - 1;
	*last = *last == 'A' ? 'B' : 'A';
	assert_link_refused("tampered mac", bad);
	free(bad);
	const char *mac = strrchr(link, '.');
	const char *mac_other = strrchr(link_other, '.');
	bad = xasprintf("%.*s%s", (int)(mac_other - link_other), link_other, mac);
	assert_link_refused("another owner with this mac", bad);
	free(bad);
	long long id = strtoll(link, NULL, 10), exp = strtoll(strchr(link, '.') + 1, NULL, 10);
	bad = xasprintf("%lld.%lld.0%s", id, exp + 86400, mac);
	assert_link_refused("later expiry", bad);
	free(bad);
	bad = xasprintf("%lld.%lld.1%s", id, exp, mac);
	assert_link_refused("other epoch", bad);
	free(bad);
	assert_link_refused("garbage", "hello");
	assert_link_refused("empty", "");
	assert_link_refused("none", NULL);
	/* Expiry: a link signed with the right key, expired a second ago. */
	bad = dbval("SET search_path = suivi_api, public; SELECT suivi_signin_link(id, "
		    "extract(epoch FROM now())::bigint - 1)"
		    " FROM owners WHERE handle = 'lk-own'");
	assert_link_refused("expired", bad);
	free(bad);
	/* The same function makes good links, which is what the expired case relies on. */
	bad = dbval("SET search_path = suivi_api, public; SELECT suivi_signin_link(id, "
		    "extract(epoch FROM now())::bigint + 60)"
		    " FROM owners WHERE handle = 'lk-own'");
	r = follow(bad);
	ck_assert_int_eq(r->status, 303);
	char *fresh = set_cookie_secret(r);
	ck_assert_ptr_nonnull(fresh);
	http_response_free(r);
	free(bad);

	/* Revoked: a viewer may not, the secretariat may; the link and the sessions it opened
	 * stop working; other owners' links still work. */
	j = hcall(at.viewer, "POST", "/v1/owners/lk-own/revoke-links", NULL, 403);
	json_decref(j);
	j = hcall(at.secretariat, "POST", "/v1/owners/lk-own/revoke-links", NULL, 200);
	ck_assert_str_eq(JSTR(j, "owner"), "lk-own");
	ck_assert_int_eq(JINT(j, "links_epoch"), 1);
	ck_assert_int_eq(JINT(j, "sessions_revoked"), 2);
	json_decref(j);
	j = hcall(at.secretariat, "POST", "/v1/owners/lk-nobody/revoke-links", NULL, 404);
	json_decref(j);
	j = hcallh(NULL, "GET", "/v1/sessions/current", NULL, hc, 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_session");
	json_decref(j);
	assert_link_refused("revoked", link);
	r = follow(link_other);
	ck_assert_int_eq(r->status, 303);
	loc = http_header(r, "Location");
	ck_assert_str_eq(loc, "/#/owners/lk-other");
	free(loc);
	http_response_free(r);
	/* The next digest carries a link of the new epoch, which works. */
	json_decref(
	    hcall(at.secretariat, "POST", "/v1/reminders/run", "{\"as_of\":\"2099-01-09\"}", 200));
	char *link2 = digest_link("lk-own", "2099-01-09");
	ck_assert_ptr_nonnull(strstr(link2, ".1."));
	r = follow(link2);
	loc = http_header(r, "Location");
	ck_assert_str_eq(loc, "/#/owners/lk-own");
	free(loc);
	http_response_free(r);
	/* An inactive owner's link does not sign in. */
	json_decref(hcall(at.secretariat, "PATCH", "/v1/owners/lk-own", "{\"active\":false}", 200));
	assert_link_refused("inactive owner", link2);
	free(link2);
	free(fresh);
	free(hc);
	free(secret);
	free(link);
	free(link_other);
}
END_TEST

/* --- the dashboard ----------------------------------------------------------------------- */

static long long count_where(const char *cond)
{
	return dbnum("SELECT count(*) FROM recommendations r WHERE %s", cond);
}

/* The dashboard of as_of against SQL on the same data. */
static void check_dashboard(const char *as_of)
{
	char *path = xasprintf("/v1/dashboard?as_of=%s", as_of);
	json_t *d = hcall(at.viewer, "GET", path, NULL, 200);
	free(path);
	ck_assert_str_eq(JSTR(d, "as_of"), as_of);
	char *c;
	ck_assert_int_eq(JINT(d, "open"), count_where("r.is_open"));
	c = xasprintf("r.is_open AND r.due_on < '%s'", as_of);
	ck_assert_int_eq(JINT(d, "overdue"), count_where(c));
	free(c);
	/* remind_before is 14,3 by default: due soon is the next 14 days, today included. */
	c = xasprintf("r.is_open AND r.due_on BETWEEN '%s' AND '%s'::date + 14", as_of, as_of);
	ck_assert_int_eq(JINT(d, "due_soon"), count_where(c));
	free(c);

	json_t *by_status = json_object_get(d, "by_status");
	ck_assert_int_eq(json_array_size(by_status), dbnum("SELECT count(*) FROM statuses"));
	size_t i;
	json_t *e;
	json_array_foreach (by_status, i, e) {
		char *cond = xasprintf("r.status = '%s'", JSTR(e, "status"));
		ck_assert_int_eq(JINT(e, "count"), count_where(cond));
		free(cond);
		char *en =
		    dbval("SELECT label_en FROM statuses WHERE name = '%s'", JSTR(e, "status"));
		ck_assert_str_eq(
		    json_string_value(json_object_get(json_object_get(e, "labels"), "en")), en);
		free(en);
		ck_assert_int_eq(i + 1, dbnum("SELECT position FROM statuses WHERE name = '%s'",
					      JSTR(e, "status")));
	}

	/* Top owners: the same counts, in the same order, as SQL's top 10. */
	char *want = dbval(
	    "SELECT coalesce(string_agg(coalesce(h, '-') || '=' || n, ',' ORDER BY n DESC, h NULLS "
	    "LAST), '') FROM (SELECT o.handle AS h, count(*) AS n FROM recommendations r LEFT JOIN "
	    "owners o ON o.id = r.owner_id WHERE r.is_open AND r.due_on < '%s' GROUP BY o.handle "
	    "ORDER BY count(*) DESC, o.handle NULLS LAST LIMIT 10) t",
	    as_of);
	char got[4096] = "";
	json_array_foreach (json_object_get(d, "overdue_by_owner"), i, e) {
		const char *h = JSTR(e, "owner");
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%lld", i > 0 ? "," : "",
			 h != NULL ? h : "-", (long long)JINT(e, "count"));
	}
	ck_assert_str_eq(got, want);
	free(want);
	want = dbval("SELECT coalesce(string_agg(code || '=' || n, ',' ORDER BY n DESC, code), '')"
		     " FROM (SELECT m.code, count(*) AS n FROM recommendations r JOIN meetings m ON"
		     " m.id = r.meeting_id WHERE r.is_open AND r.due_on < '%s' GROUP BY m.code"
		     " ORDER BY count(*) DESC, m.code LIMIT 10) t",
		     as_of);
	got[0] = '\0';
	json_array_foreach (json_object_get(d, "overdue_by_meeting"), i, e)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%lld", i > 0 ? "," : "",
			 JSTR(e, "meeting"), (long long)JINT(e, "count"));
	ck_assert_str_eq(got, want);
	free(want);

	/* Ages: six buckets that cover every overdue item once. */
	static const struct {
		const char *label;
		int from, to;
	} buckets[] = {{"1–7", 1, 7},       {"8–30", 8, 30},       {"31–90", 31, 90},
		       {"91–180", 91, 180}, {"181–365", 181, 365}, {">365", 366, 0}};
	json_t *ages = json_object_get(d, "overdue_by_age");
	ck_assert_int_eq(json_array_size(ages), ARRAY_LEN(buckets));
	long long total = 0;
	json_array_foreach (ages, i, e) {
		ck_assert_str_eq(JSTR(e, "label"), buckets[i].label);
		ck_assert_int_eq(JINT(e, "from"), buckets[i].from);
		char *cond;
		if (buckets[i].to == 0) {
			ck_assert(json_is_null(json_object_get(e, "to")));
			cond = xasprintf("r.is_open AND '%s'::date - r.due_on >= %d", as_of,
					 buckets[i].from);
		} else {
			ck_assert_int_eq(JINT(e, "to"), buckets[i].to);
			cond = xasprintf("r.is_open AND '%s'::date - r.due_on BETWEEN %d AND %d",
					 as_of, buckets[i].from, buckets[i].to);
		}
		ck_assert_int_eq(JINT(e, "count"), count_where(cond));
		total += JINT(e, "count");
		free(cond);
	}
	ck_assert_int_eq(total, JINT(d, "overdue"));

	/* The oldest ten, oldest first. */
	want = dbval("SELECT coalesce(string_agg(ref || '@' || days, ',' ORDER BY due_on, id), '')"
		     " FROM (SELECT m.code || '/' || r.n AS ref, '%s'::date - r.due_on AS days,"
		     " r.due_on, r.id FROM recommendations r JOIN meetings m ON m.id = r.meeting_id"
		     " WHERE r.is_open AND r.due_on < '%s' ORDER BY r.due_on, r.id LIMIT 10) t",
		     as_of, as_of);
	got[0] = '\0';
	json_array_foreach (json_object_get(d, "oldest"), i, e)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s@%lld", i > 0 ? "," : "",
			 JSTR(e, "ref"), (long long)JINT(e, "days_overdue"));
	ck_assert_str_eq(got, want);
	json_decref(d);
	free(want);
}

START_TEST(dashboard_numbers)
{
	mk_owner("db-a");
	mk_owner("db-b");
	mk_meeting("db-2024", "2024-01-01", NULL);
	mk_meeting("db-2025", "2025-01-01", NULL);
	/* Deadlines on both sides of every bucket's edge as of 2030-06-30, and around today. */
	static const int ages[] = {-20, -14, -3, 0,  1,   5,   7,   8,   29,
				   30,  31,  90, 91, 180, 181, 365, 366, 900};
	for (size_t i = 0; i < ARRAY_LEN(ages); i++) {
		char *due = dbval("SELECT to_char(date '2030-06-30' - %d, 'YYYY-MM-DD')", ages[i]);
		mk_rec_id(i % 2 ? "db-2024" : "db-2025",
			  i % 3 == 0   ? NULL
			  : i % 3 == 1 ? "db-a"
				       : "db-b",
			  due);
		free(due);
		due = dbval("SELECT to_char(current_date - %d, 'YYYY-MM-DD')", ages[i]);
		mk_rec_id("db-2025", "db-a", due);
		free(due);
	}
	mk_rec_id("db-2024", "db-b", NULL);
	/* Some closed: they count by status, never as open or overdue. */
	long long closed = mk_rec_id("db-2024", "db-b", "2030-01-01");
	char *path = xasprintf("/v1/recommendations/%lld/transitions", closed);
	json_decref(hcall(at.secretariat, "POST", path,
			  "{\"to\":\"obsolete\",\"comment\":\"Gone.\"}", 200));
	free(path);
	check_dashboard("2030-06-30");
	check_dashboard("2024-06-01");

	/* Without as_of: today in the deployment's zone. */
	json_t *d = hcall(at.viewer, "GET", "/v1/dashboard", NULL, 200);
	char *today = dbval("SELECT to_char(now() AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD')");
	ck_assert_str_eq(JSTR(d, "as_of"), today);
	check_dashboard(today);
	free(today);
	json_decref(d);

	/* Who may read it; what it refuses. */
	char *token = mk_owner_token("db-a");
	json_decref(hcall(token, "GET", "/v1/dashboard", NULL, 200));
	free(token);
	json_decref(hcall(NULL, "GET", "/v1/dashboard", NULL, 401));
	json_t *j = hcall(at.viewer, "GET", "/v1/dashboard?as_of=2030-02-30", NULL, 422);
	ck_assert(problem_names(j, "as_of"));
	json_decref(j);
	j = hcall(at.viewer, "GET", "/v1/dashboard?owner=db-a", NULL, 422);
	ck_assert(problem_names(j, "owner"));
	json_decref(j);
}
END_TEST

void test_web_add_more(TCase *tc)
{
	tcase_add_test(tc, signin_link_from_digest);
	tcase_add_test(tc, dashboard_numbers);
}
