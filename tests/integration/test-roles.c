/* test-roles.c — who may do what, as data: one representative request for every route of
 * every route table, sent as admin, secretariat, owner, viewer, without a token and with a
 * bad token. Expected: 2xx when the role allows it, 401 without a valid token, 403 when the
 * role (or, for transitions and comments, the owner scope) forbids it; a refused request
 * changes nothing. Each row is one loop iteration of Check and prints every mismatch. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "util.h"

enum who { ADMIN, SECRETARIAT, OWNER, VIEWER, NO_TOKEN, BAD_TOKEN, N_WHO };

static const char *const who_names[N_WHO] = {"admin",  "secretariat", "owner",
					     "viewer", "no token",    "bad token"};

/* Who a route lets in. */
enum need {
	NEED_NONE,        /* public */
	NEED_VIEWER,      /* every role */
	NEED_OWN,         /* owner-scoped, on a recommendation the owner token's owner leads */
	NEED_OTHERS,      /* owner-scoped, on a recommendation someone else leads */
	NEED_SECRETARIAT, /* secretariat and admin */
	NEED_ADMIN,
};

struct row {
	const char *method;
	/* Placeholders: {N} a number unique to the request, {OWN} / {OTHER} the id of a fresh
	 * accepted recommendation led by rl-own / rl-other, {OWNREF} the ref of a fresh one led
	 * by rl-own, {TOKEN} the id of a fresh token, {NOTIF} the id of a fresh failed
	 * notification. */
	const char *path;
	const char *ctype; /* NULL: application/json when there is a body */
	const char *body;
	enum need need;
};

static const struct row rows[] = {
    /* api-health */
    {"GET", "/v1/health", NULL, NULL, NEED_NONE},
    /* api-openapi */
    {"GET", "/v1/openapi.json", NULL, NULL, NEED_NONE},
    /* api-calendar (feed tokens: test-calendar) */
    {"GET", "/v1/calendar.ics", NULL, NULL, NEED_VIEWER},
    /* api-tokens */
    {"GET", "/v1/tokens", NULL, NULL, NEED_ADMIN},
    {"POST", "/v1/tokens", NULL, "{\"name\":\"t{N}\",\"role\":\"viewer\"}", NEED_ADMIN},
    {"DELETE", "/v1/tokens/{TOKEN}", NULL, NULL, NEED_ADMIN},
    /* api-owners */
    {"GET", "/v1/owners", NULL, NULL, NEED_VIEWER},
    {"POST", "/v1/owners", NULL, "{\"handle\":\"rl-{N}\",\"name\":\"New\"}", NEED_SECRETARIAT},
    {"GET", "/v1/owners/rl-own", NULL, NULL, NEED_VIEWER},
    {"PATCH", "/v1/owners/rl-own", NULL, "{\"name\":\"Own {N}\"}", NEED_SECRETARIAT},
    /* api-meetings */
    {"GET", "/v1/meetings", NULL, NULL, NEED_VIEWER},
    {"POST", "/v1/meetings", NULL,
     "{\"code\":\"rl-m{N}\",\"title\":\"T\",\"starts_on\":\"2024-01-01\"}", NEED_SECRETARIAT},
    {"GET", "/v1/meetings/rl-m", NULL, NULL, NEED_VIEWER},
    {"PATCH", "/v1/meetings/rl-m", NULL, "{\"place\":\"Place {N}\"}", NEED_SECRETARIAT},
    /* api-import */
    {"POST", "/v1/meetings/rl-m/import", "text/plain", "1. Faire la chose {N}.\n",
     NEED_SECRETARIAT},
    {"POST", "/v1/meetings/rl-m/import?dry_run=true", "text/csv", "text\nFaire {N}.\n",
     NEED_SECRETARIAT},
    /* api-recommendations */
    {"GET", "/v1/recommendations", NULL, NULL, NEED_VIEWER},
    {"POST", "/v1/recommendations", NULL, "{\"meeting\":\"rl-m\",\"text\":\"Rec {N}\"}",
     NEED_SECRETARIAT},
    {"GET", "/v1/recommendations/{OWN}", NULL, NULL, NEED_VIEWER},
    {"GET", "/v1/recommendations/{OWNREF}", NULL, NULL, NEED_VIEWER},
    {"PATCH", "/v1/recommendations/{OWN}", NULL, "{\"text\":\"Edited {N}\"}", NEED_SECRETARIAT},
    {"PATCH", "/v1/recommendations/{OTHER}", NULL, "{\"priority\":\"high\"}", NEED_SECRETARIAT},
    {"POST", "/v1/recommendations/{OWN}/transitions", NULL, "{\"to\":\"in_progress\"}", NEED_OWN},
    {"POST", "/v1/recommendations/{OWNREF}/transitions", NULL,
     "{\"to\":\"blocked\",\"comment\":\"Attente.\"}", NEED_OWN},
    {"POST", "/v1/recommendations/{OWN}/comments", NULL, "{\"comment\":\"Mine {N}\"}", NEED_OWN},
    {"POST", "/v1/recommendations/{OWNREF}/comments", NULL, "{\"comment\":\"Mine {N}\"}", NEED_OWN},
    {"POST", "/v1/recommendations/{OTHER}/transitions", NULL, "{\"to\":\"in_progress\"}",
     NEED_OTHERS},
    {"POST", "/v1/recommendations/{OTHER}/comments", NULL, "{\"comment\":\"Not mine\"}",
     NEED_OTHERS},
    {"GET", "/v1/recommendations/{OTHER}/history", NULL, NULL, NEED_VIEWER},
    /* api-reports */
    {"GET", "/v1/reports/overdue", NULL, NULL, NEED_VIEWER},
    {"GET", "/v1/reports/overdue?format=csv", NULL, NULL, NEED_VIEWER},
    {"GET", "/v1/reports/summary", NULL, NULL, NEED_VIEWER},
    {"GET", "/v1/reports/brief?meeting=rl-s2", NULL, NULL, NEED_VIEWER},
    /* api-notifications */
    {"POST", "/v1/reminders/run", NULL, "{\"dry_run\":true,\"as_of\":\"2026-01-05\"}",
     NEED_SECRETARIAT},
    {"GET", "/v1/notifications", NULL, NULL, NEED_SECRETARIAT},
    {"POST", "/v1/notifications/{NOTIF}/retry", NULL, NULL, NEED_SECRETARIAT},
    /* api-workflow */
    {"GET", "/v1/workflow", NULL, NULL, NEED_VIEWER},
    /* api-dashboard */
    {"GET", "/v1/dashboard", NULL, NULL, NEED_VIEWER},
    /* api-owners: the digests' sign-in links (sessions: test-web) */
    {"POST", "/v1/owners/rl-own/revoke-links", NULL, NULL, NEED_SECRETARIAT},
};

static char *owner_token;
static int serial;

/* Whether who gets through a route that needs need. */
static bool allowed(enum need need, enum who who)
{
	switch (need) {
	case NEED_NONE:
		return true;
	case NEED_VIEWER:
		return who <= VIEWER;
	case NEED_OWN:
		return who <= OWNER;
	case NEED_OTHERS:
	case NEED_SECRETARIAT:
		return who <= SECRETARIAT;
	case NEED_ADMIN:
		return who == ADMIN;
	}
	return false;
}

static int expected(enum need need, enum who who)
{
	if (allowed(need, who))
		return 200; /* any 2xx */
	if (who == NO_TOKEN || who == BAD_TOKEN)
		return 401;
	return 403;
}

static char *fresh_rec(const char *owner, bool want_ref)
{
	char *body = xasprintf("{\"meeting\":\"rl-m\",\"text\":\"Fresh\",\"owner\":\"%s\","
			       "\"status\":\"accepted\"}",
			       owner);
	json_t *rec = hcall(at.admin, "POST", "/v1/recommendations", body, 201);
	char *out = want_ref ? xstrdup(JSTR(rec, "ref")) : xasprintf("%lld", JINT(rec, "id"));
	json_decref(rec);
	free(body);
	return out;
}

static char *fresh_token(void)
{
	char *body = xasprintf("{\"name\":\"victim-%d\",\"role\":\"viewer\"}", ++serial);
	json_t *t = hcall(at.admin, "POST", "/v1/tokens", body, 201);
	char *id = xasprintf("%lld", JINT(t, "id"));
	json_decref(t);
	free(body);
	return id;
}

static char *fresh_notification(void)
{
	return dbval("INSERT INTO notifications (dedup_key, kind, recipient, subject, body, state,"
		     " attempts) VALUES ('roles-%d-%d', 'reminder', 'x@example.org', 'S', 'B',"
		     " 'failed', 6) RETURNING id",
		     getpid(), ++serial);
}

/* Replace the placeholders of template with fresh values (caller frees). */
static char *expand(const char *template)
{
	if (template == NULL)
		return NULL;
	char *s = xstrdup(template);
	static const char *const names[] = {"{N}",      "{OWN}",   "{OTHER}",
					    "{OWNREF}", "{TOKEN}", "{NOTIF}"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *at_ = strstr(s, names[i]);
		if (at_ == NULL)
			continue;
		char *value;
		switch (i) {
		case 0:
			value = xasprintf("%d%d", getpid(), ++serial);
			break;
		case 1:
			value = fresh_rec("rl-own", false);
			break;
		case 2:
			value = fresh_rec("rl-other", false);
			break;
		case 3:
			value = fresh_rec("rl-own", true);
			break;
		case 4:
			value = fresh_token();
			break;
		default:
			value = fresh_notification();
			break;
		}
		*at_ = '\0';
		char *n = xasprintf("%s%s%s", s, value, at_ + strlen(names[i]));
		free(s);
		free(value);
		s = n;
	}
	return s;
}

static void roles_setup(void)
{
	/* Runs in each forked child: the objects exist once, made by the first row. */
	char *exists = dbval("SELECT count(*) FROM owners WHERE handle = 'rl-own'");
	if (strcmp(exists, "0") == 0) {
		mk_owner("rl-own");
		mk_owner("rl-other");
		mk_meeting("rl-m", "2024-01-01", NULL);
		mk_meeting("rl-s1", "2023-01-01", "rl-series");
		mk_meeting("rl-s2", "2024-01-01", "rl-series");
	}
	free(exists);
	owner_token = mk_owner_token("rl-own");
}

START_TEST(role_matrix_row)
{
	const struct row *row = &rows[_i];
	const char *tokens[N_WHO] = {
	    at.admin,  at.secretariat, owner_token,
	    at.viewer, NULL,           "suivi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
	char *mismatches = xstrdup("");
	int bad = 0;

	for (int w = 0; w < N_WHO; w++) {
		char *path = expand(row->path);
		char *body = expand(row->body);
		int want = expected(row->need, (enum who)w);
		char *before = want != 200 ? state_digest() : NULL;
		struct http_response *r =
		    http_do(at.port, row->method, path, tokens[w], row->ctype, body, NULL, 10000);
		bool ok = want == 200 ? r->status >= 200 && r->status < 300 : r->status == want;
		if (ok && before != NULL) {
			char *after = state_digest();
			if (strcmp(before, after) != 0) {
				ok = false;
				want = -1;
			}
			free(after);
		}
		if (!ok) {
			char *m = xasprintf("%s  %s %s as %s: expected %s, got %d %.200s\n",
					    mismatches, row->method, path, who_names[w],
					    want == 200   ? "2xx"
					    : want == -1  ? "no change (the refusal changed data)"
					    : want == 401 ? "401"
							  : "403",
					    r->status, r->body);
			free(mismatches);
			mismatches = m;
			bad++;
		}
		http_response_free(r);
		free(before);
		free(path);
		free(body);
	}
	if (bad > 0)
		fprintf(stderr, "role matrix, %s %s:\n%s", row->method, row->path, mismatches);
	ck_assert_msg(bad == 0, "%d mismatches for %s %s:\n%s", bad, row->method, row->path,
		      mismatches);
	free(mismatches);
}
END_TEST

/* The owner scope follows the lead owner: reassigning a recommendation moves the right. */
START_TEST(owner_scope_follows_reassignment)
{
	char *id = fresh_rec("rl-other", false);
	char *cpath = xasprintf("/v1/recommendations/%s/comments", id);
	char *rpath = xasprintf("/v1/recommendations/%s", id);
	json_t *p = hcall(owner_token, "POST", cpath, "{\"comment\":\"Not yet mine.\"}", 403);
	ck_assert_str_eq(JSTR(p, "code"), "not_your_recommendation");
	json_decref(p);
	json_decref(hcall(at.secretariat, "PATCH", rpath, "{\"owner\":\"rl-own\"}", 200));
	json_decref(hcall(owner_token, "POST", cpath, "{\"comment\":\"Now mine.\"}", 200));
	json_decref(hcall(at.secretariat, "PATCH", rpath, "{\"owner\":null}", 200));
	json_decref(hcall(owner_token, "POST", cpath, "{\"comment\":\"Nobody's.\"}", 403));
	/* A recommendation that does not exist is a 404 for the owner too. */
	json_decref(hcall(owner_token, "POST", "/v1/recommendations/99999999/comments",
			  "{\"comment\":\"x\"}", 404));
	free(rpath);
	free(cpath);
	free(id);
}
END_TEST

static void roles_teardown(void)
{
	free(owner_token);
}

int main(void)
{
	apitest_start();
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("matrix");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, roles_setup, roles_teardown);
	tcase_add_loop_test(tc, role_matrix_row, 0, (int)ARRAY_LEN(rows));
	tcase_add_test(tc, owner_scope_follows_reassignment);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
