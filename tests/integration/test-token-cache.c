/* test-token-cache.c — the token cache across two real suivids on one real database: a token
 * cached by both and revoked through A is refused by A at the very next request and by B once
 * the notification arrives; with the
 * LISTEN connections killed (and kept from coming back) a token revoked meanwhile is refused
 * by B at the very next request, since B looks every token up; once B listens again its cache
 * starts empty and answers again; a role change or a deletion made in SQL reaches the cache
 * too; token_cache = 0 caches nothing and opens no LISTEN connection.
 *
 * What the cache did is read from B's /metrics (suivi_token_cache_*): hits prove that a
 * request was answered without a lookup, so that a refusal after a revocation proves the
 * invalidation, not the absence of a cache. Every wait is on an event (a metric's value, an
 * answer's status) with a generous bound. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "harness.h"
#include "util.h"

#define WAIT_MS 30000 /* listening, notifications, reconnections: generous bounds */

static struct pg_cluster *pg; /* shared by every test; started in main */

/* Two daemons on one fresh database, and an admin token. */
struct pair {
	const char *db;
	char *dbname;
	struct suivid_proc *a, *b;
	char *admin;
};

static char *conf_for(const char *conninfo, const char *server_extra)
{
	return xasprintf("[server]\nlisten = 127.0.0.1:%%PORT%%\nrequest_timeout = 30\n%s"
			 "[database]\nurl = %s\npool = 2\ndata_dir = %%DIR%%/d\n"
			 "[schedule]\ntimezone = UTC\n[hook]\ncommand = /bin/true\n"
			 "[log]\nlevel = warn\n",
			 server_extra != NULL ? server_extra : "", conninfo);
}

static void pair_start(struct pair *p, const char *b_extra)
{
	p->db = pg_cluster_new_database(pg);
	p->dbname = pg_query_value(p->db, "SELECT current_database()");
	char *conf = conf_for(p->db, NULL);
	p->a = suivid_start(conf, NULL, true);
	free(conf);
	conf = conf_for(p->db, b_extra);
	p->b = suivid_start(conf, NULL, true);
	free(conf);
	p->admin = suivid_make_token(p->a, "admin-test", "admin", NULL);
}

static void pair_stop(struct pair *p)
{
	suivid_stop(p->a);
	suivid_stop(p->b);
	free(p->admin);
	free(p->dbname);
}

/* The value of a sample of d's /metrics (name with its labels, as written), -1 if absent. */
static double metric(struct suivid_proc *d, const char *sample)
{
	struct http_response *r =
	    http_do(suivid_port(d), "GET", "/metrics", NULL, NULL, NULL, NULL, 10000);
	ck_assert_msg(r->status == 200, "GET /metrics: %d", r->status);
	double v = -1;
	size_t len = strlen(sample);
	for (const char *line = r->body; line != NULL && *line != '\0';) {
		if (strncmp(line, sample, len) == 0 && line[len] == ' ') {
			v = strtod(line + len + 1, NULL);
			break;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	http_response_free(r);
	return v;
}

#define HITS "suivi_token_cache_lookups_total{result=\"hit\"}"
#define MISSES "suivi_token_cache_lookups_total{result=\"miss\"}"
#define BYPASSES "suivi_token_cache_lookups_total{result=\"bypass\"}"
#define LISTENING "suivi_token_cache_listening"

static int status_of(struct suivid_proc *d, const char *token, const char *method, const char *path)
{
	struct http_response *r =
	    http_do(suivid_port(d), method, path, token, NULL, NULL, NULL, 10000);
	int st = r->status;
	http_response_free(r);
	return st;
}

/* A new token made through A's API; its id in *id. */
static char *make_token(struct pair *p, const char *name, const char *role, long long *id)
{
	char *body = xasprintf("{\"name\":\"%s\",\"role\":\"%s\"}", name, role);
	struct http_response *r =
	    http_do(suivid_port(p->a), "POST", "/v1/tokens", p->admin, NULL, body, NULL, 10000);
	free(body);
	ck_assert_msg(r->status == 201, "POST /v1/tokens: %d %s", r->status, r->body);
	json_t *j = http_json(r);
	ck_assert_ptr_nonnull(j);
	char *token = xstrdup(json_string_value(json_object_get(j, "token")));
	*id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	http_response_free(r);
	return token;
}

static void revoke_through_a(struct pair *p, long long id)
{
	char *path = xasprintf("/v1/tokens/%lld", id);
	ck_assert_int_eq(status_of(p->a, p->admin, "DELETE", path), 204);
	free(path);
}

struct metric_wait {
	struct suivid_proc *d;
	const char *sample;
	double value;
};

static bool metric_is(void *arg)
{
	struct metric_wait *w = arg;
	return metric(w->d, w->sample) == w->value;
}

static void wait_metric(struct suivid_proc *d, const char *sample, double value)
{
	struct metric_wait w = {d, sample, value};
	ck_assert_msg(wait_until(metric_is, &w, WAIT_MS), "%s did not become %g within %d ms",
		      sample, value, WAIT_MS);
}

struct status_wait {
	struct suivid_proc *d;
	const char *token, *path;
	int status;
};

static bool status_is(void *arg)
{
	struct status_wait *w = arg;
	return status_of(w->d, w->token, "GET", w->path) == w->status;
}

static void wait_status(struct suivid_proc *d, const char *token, const char *path, int status)
{
	struct status_wait w = {d, token, path, status};
	ck_assert_msg(wait_until(status_is, &w, WAIT_MS), "GET %s did not answer %d within %d ms",
		      path, status, WAIT_MS);
}

/* Two requests with token on d: the second must come from the cache. */
static void cache_on(struct suivid_proc *d, const char *token, const char *path)
{
	ck_assert_int_eq(status_of(d, token, "GET", path), 200);
	double hits = metric(d, HITS);
	ck_assert_int_eq(status_of(d, token, "GET", path), 200);
	ck_assert_msg(metric(d, HITS) == hits + 1, "the second request was not a cache hit");
}

START_TEST(revoked_on_a_refused_by_b)
{
	struct pair p;
	pair_start(&p, NULL);
	wait_metric(p.a, LISTENING, 1);
	wait_metric(p.b, LISTENING, 1);
	long long id;
	char *viewer = make_token(&p, "viewer-b", "viewer", &id);
	cache_on(p.a, viewer, "/v1/workflow");
	cache_on(p.b, viewer, "/v1/workflow");
	ck_assert(metric(p.b, "suivi_token_cache_entries") >= 1);

	revoke_through_a(&p, id);
	/* A revoked it: A forgets it at once, its very next request refuses it. */
	ck_assert_int_eq(status_of(p.a, viewer, "GET", "/v1/workflow"), 401);
	/* The notification is asynchronous: wait for B's refusal, which only the invalidation
	 * can bring (B was answering from its cache). */
	wait_status(p.b, viewer, "/v1/workflow", 401);
	ck_assert(metric(p.b, "suivi_token_cache_invalidations_total") >= 1);
	free(viewer);
	pair_stop(&p);
}
END_TEST

START_TEST(listener_down_looks_every_token_up)
{
	struct pair p;
	pair_start(&p, NULL);
	wait_metric(p.b, LISTENING, 1);
	long long id2, id3;
	char *t2 = make_token(&p, "viewer-2", "viewer", &id2);
	char *t3 = make_token(&p, "viewer-3", "viewer", &id3);
	cache_on(p.b, t2, "/v1/workflow");
	cache_on(p.b, t3, "/v1/workflow");

	/* New connections to the database are refused (superusers' too), so the LISTEN
	 * connections, once killed, stay down; the pools' connections stay up. */
	const char *maint = pg_cluster_conninfo(pg);
	char *sql = xasprintf("ALTER DATABASE \"%s\" ALLOW_CONNECTIONS false", p.dbname);
	pg_exec(maint, sql, false);
	free(sql);
	sql = xasprintf("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
			" WHERE application_name = 'suivid-listen' AND datname = '%s'",
			p.dbname);
	char *killed = pg_query_value(maint, sql);
	free(sql);
	ck_assert_str_eq(killed, "2"); /* A's and B's */
	free(killed);
	wait_metric(p.b, LISTENING, 0);

	revoke_through_a(&p, id2);
	/* No notification can reach B: its very next request must still refuse the token. */
	ck_assert_int_eq(status_of(p.b, t2, "GET", "/v1/workflow"), 401);
	double hits = metric(p.b, HITS), bypasses = metric(p.b, BYPASSES);
	ck_assert_int_eq(status_of(p.b, t3, "GET", "/v1/workflow"), 200);
	ck_assert_int_eq(status_of(p.b, t3, "GET", "/v1/workflow"), 200);
	ck_assert(metric(p.b, HITS) == hits);
	ck_assert(metric(p.b, BYPASSES) == bypasses + 2);

	sql = xasprintf("ALTER DATABASE \"%s\" ALLOW_CONNECTIONS true", p.dbname);
	pg_exec(maint, sql, false);
	free(sql);
	wait_metric(p.b, LISTENING, 1);
	/* Emptied on reconnection: t3 is looked up once (a miss), then cached again. */
	double misses = metric(p.b, MISSES);
	cache_on(p.b, t3, "/v1/workflow");
	ck_assert(metric(p.b, MISSES) == misses + 1);
	ck_assert_int_eq(status_of(p.b, t2, "GET", "/v1/workflow"), 401);
	free(t2);
	free(t3);
	pair_stop(&p);
}
END_TEST

START_TEST(role_change_and_deletion_in_sql)
{
	struct pair p;
	pair_start(&p, NULL);
	wait_metric(p.b, LISTENING, 1);
	long long id;
	char *tok = make_token(&p, "admin-2", "admin", &id);
	cache_on(p.b, tok, "/v1/tokens");

	char *sql = xasprintf("UPDATE tokens SET role = 'viewer' WHERE id = %lld", id);
	pg_exec(p.db, sql, false);
	free(sql);
	wait_status(p.b, tok, "/v1/tokens", 403);
	ck_assert_int_eq(status_of(p.b, tok, "GET", "/v1/workflow"), 200);

	sql = xasprintf("DELETE FROM tokens WHERE id = %lld", id);
	pg_exec(p.db, sql, false);
	free(sql);
	wait_status(p.b, tok, "/v1/workflow", 401);
	free(tok);
	pair_stop(&p);
}
END_TEST

START_TEST(cache_off)
{
	struct pair p;
	pair_start(&p, "token_cache = 0\n");
	wait_metric(p.a, LISTENING, 1);
	long long id;
	char *tok = make_token(&p, "viewer-off", "viewer", &id);
	double bypasses = metric(p.b, BYPASSES);
	ck_assert_int_eq(status_of(p.b, tok, "GET", "/v1/workflow"), 200);
	ck_assert_int_eq(status_of(p.b, tok, "GET", "/v1/workflow"), 200);
	ck_assert(metric(p.b, HITS) == 0);
	ck_assert(metric(p.b, BYPASSES) == bypasses + 2);
	ck_assert(metric(p.b, LISTENING) == 0);
	/* Only A listens. */
	char *sql = xasprintf("SELECT count(*) FROM pg_stat_activity"
			      " WHERE application_name = 'suivid-listen' AND datname = '%s'",
			      p.dbname);
	char *n = pg_query_value(pg_cluster_conninfo(pg), sql);
	ck_assert_str_eq(n, "1");
	free(n);
	free(sql);
	free(tok);
	pair_stop(&p);
}
END_TEST

int main(void)
{
	pg = pg_cluster_start();
	Suite *s = suite_create("token-cache");
	TCase *tc = tcase_create("two daemons");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, revoked_on_a_refused_by_b);
	tcase_add_test(tc, listener_down_looks_every_token_up);
	tcase_add_test(tc, role_change_and_deletion_in_sql);
	tcase_add_test(tc, cache_off);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
