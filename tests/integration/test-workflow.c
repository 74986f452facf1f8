/* test-workflow.c — one source for the domain values, and the SQL API kept out of migrations.
 *
 * Against a real PostgreSQL and a real suivid: GET /v1/workflow is the database's document; a
 * status a deployment adds with SQL is accepted by the API, reported and labelled without a
 * rebuild or a restart; a field limit changed with SQL is the API's limit within one refresh
 * and the database's own in every path; the SQL API is re-created only when sql/ changes, and
 * a suivid whose sql/ is older than the database's refuses to start with one sentence. */
#include "suivi-config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "client-run.h"

static const json_t *find_named(const json_t *array, const char *name)
{
	size_t i;
	json_t *e;

	json_array_foreach (array, i, e) {
		if (strcmp(JSTR(e, "name"), name) == 0)
			return e;
	}
	return NULL;
}

static bool has_transition(const json_t *wf, const char *from, const char *to)
{
	size_t i;
	json_t *t;

	json_array_foreach (json_object_get(wf, "transitions"), i, t) {
		if (strcmp(JSTR(t, "from"), from) == 0 && strcmp(JSTR(t, "to"), to) == 0)
			return true;
	}
	return false;
}

START_TEST(workflow_is_the_databases_document)
{
	json_t *wf = hcall(at.viewer, "GET", "/v1/workflow", NULL, 200);
	const json_t *statuses = json_object_get(wf, "statuses");

	ck_assert_uint_eq(json_array_size(statuses), 7);
	ck_assert_str_eq(JSTR(json_array_get(statuses, 0), "name"), "proposed");
	const json_t *ip = find_named(statuses, "in_progress");
	ck_assert_ptr_nonnull(ip);
	ck_assert(json_is_true(json_object_get(ip, "open")));
	ck_assert_str_eq(JSTR(json_object_get(ip, "labels"), "fr"), "en cours");
	ck_assert_str_eq(JSTR(json_object_get(ip, "labels"), "en"), "in progress");
	const json_t *obs = find_named(statuses, "obsolete");
	ck_assert(json_is_false(json_object_get(obs, "open")));
	ck_assert(json_is_true(json_object_get(obs, "comment_required")));
	ck_assert(has_transition(wf, "proposed", "accepted"));
	ck_assert(has_transition(wf, "implemented", "in_progress"));
	ck_assert(!has_transition(wf, "proposed", "implemented"));
	ck_assert_uint_eq(json_array_size(json_object_get(wf, "priorities")), 3);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(wf, "priorities"), 2), "name"),
			 "high");
	ck_assert_int_eq(JINT(json_object_get(wf, "limits"), "text"), 4000);
	ck_assert_int_eq(JINT(json_object_get(wf, "limits"), "details"), 20000);
	json_decref(wf);

	/* Every role may read it; nobody without a token; no unknown parameter. */
	json_decref(hcall(at.secretariat, "GET", "/v1/workflow", NULL, 200));
	struct http_response *r = hreq(NULL, "GET", "/v1/workflow", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 401);
	http_response_free(r);
	json_decref(hcall(at.viewer, "GET", "/v1/workflow?x=1", NULL, 422));
}
END_TEST

/* A deployment adds "deferred" with SQL: the running daemon accepts it, moves items into it,
 * counts and labels it in the reports. */
START_TEST(status_added_with_sql_is_served_without_rebuild)
{
	mk_meeting("wf-m", "2024-03-01", NULL);
	mk_owner("wf-o");
	char *before = state_digest();
	json_t *p =
	    hcall(at.secretariat, "POST", "/v1/recommendations",
		  "{\"meeting\":\"wf-m\",\"text\":\"Reporter.\",\"status\":\"deferred\"}", 422);
	ck_assert(problem_names(p, "status"));
	json_decref(p);
	assert_same_state(before);
	free(before);

	ck_assert_int_eq(
	    pg_exec(at.db,
		    "INSERT INTO statuses (name, is_open, comment_required, position, label_en, "
		    "label_fr) VALUES ('deferred', true, false, 8, 'deferred', 'reportée');"
		    "INSERT INTO transitions (from_status, to_status) VALUES "
		    "('accepted', 'deferred'), ('deferred', 'accepted')",
		    false),
	    0);
	/* GET /v1/workflow shows it, and refreshes the daemon's copy at once. */
	json_t *wf = hcall(at.viewer, "GET", "/v1/workflow", NULL, 200);
	ck_assert_ptr_nonnull(find_named(json_object_get(wf, "statuses"), "deferred"));
	ck_assert(has_transition(wf, "deferred", "accepted"));
	json_decref(wf);

	json_t *a = hcall(at.secretariat, "POST", "/v1/recommendations",
			  "{\"meeting\":\"wf-m\",\"text\":\"Reporter le séminaire.\","
			  "\"status\":\"deferred\",\"owner\":\"wf-o\",\"due_on\":\"2024-06-30\"}",
			  201);
	ck_assert_str_eq(JSTR(a, "status"), "deferred");
	ck_assert(json_is_true(json_object_get(a, "open")));
	json_decref(a);

	json_t *b =
	    hcall(at.secretariat, "POST", "/v1/recommendations",
		  "{\"meeting\":\"wf-m\",\"text\":\"Accepter.\",\"status\":\"accepted\"}", 201);
	char *path = xasprintf("/v1/recommendations/%lld/transitions", (long long)JINT(b, "id"));
	json_t *t = hcall(at.secretariat, "POST", path, "{\"to\":\"deferred\"}", 200);
	ck_assert_str_eq(JSTR(t, "status"), "deferred");
	json_decref(t);
	/* The workflow still rules: deferred → implemented is not a transition. */
	t = hcall(at.secretariat, "POST", path, "{\"to\":\"implemented\"}", 409);
	json_decref(t);
	free(path);
	json_decref(b);

	/* An import may name it too (the parsers take their statuses from the database). */
	struct http_response *imp =
	    hreq(at.secretariat, "POST", "/v1/meetings/wf-m/import", "application/json",
		 "[{\"text\":\"Reporter encore.\",\"status\":\"deferred\"}]", NULL);
	ck_assert_msg(imp->status == 201, "import: %d %s", imp->status, imp->body);
	http_response_free(imp);

	json_t *sum = hcall(at.viewer, "GET", "/v1/reports/summary", NULL, 200);
	ck_assert_int_eq(JINT(json_object_get(sum, "by_status"), "deferred"), 3);
	json_decref(sum);
	struct http_response *r =
	    hreq(at.viewer, "GET", "/v1/reports/summary?format=text&lang=fr", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(strstr(r->body, "reportée") != NULL, "no French label:\n%s", r->body);
	http_response_free(r);
	r = hreq(at.viewer, "GET", "/v1/reports/overdue?format=text&as_of=2024-09-01", NULL, NULL,
		 NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(strstr(r->body, "(deferred)") != NULL, "no label in the report:\n%s",
		      r->body);
	http_response_free(r);
	r = hreq(at.viewer, "GET", "/v1/recommendations?status=deferred", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	json_t *list = http_json(r);
	ck_assert_uint_eq(json_array_size(json_object_get(list, "items")), 3);
	json_decref(list);
	http_response_free(r);

	/* The client, unchanged, shows it and accepts it: it asks the server, it knows none. */
	char *url = xasprintf("http://127.0.0.1:%d", at.port);
	client_run_init(url, "/nonexistent");
	struct run c = suivi_run(at.viewer, NULL, "workflow", NULL);
	expect(&c, 0);
	ck_assert_msg(strstr(c.out, "deferred") != NULL && strstr(c.out, "reportée") != NULL,
		      "suivi workflow:\n%s", c.out);
	run_free(&c);
	c = suivi_run(at.viewer, NULL, "list", "--status", "deferred", NULL);
	expect(&c, 0);
	ck_assert_int_eq(count_lines(c.out), 4); /* a heading and three items */
	run_free(&c);
	json_t *d = hcall(
	    at.secretariat, "POST", "/v1/recommendations",
	    "{\"meeting\":\"wf-m\",\"text\":\"Par le client.\",\"status\":\"accepted\"}", 201);
	c = suivi_run(at.secretariat, NULL, "status", JSTR(d, "ref"), "deferred", NULL);
	expect(&c, 0);
	run_free(&c);
	c = suivi_run(at.secretariat, NULL, "status", JSTR(d, "ref"), "ajourné", NULL);
	expect(&c, 1);
	run_free(&c);
	json_decref(d);
	free(url);
}
END_TEST

/* Polls with an unknown member too, so that no poll ever creates a recommendation. */
static bool text_limit_is_ten(void *arg)
{
	(void)arg;
	struct http_response *r =
	    hreq(at.secretariat, "POST", "/v1/recommendations", "application/json",
		 "{\"meeting\":\"wf-l\",\"text\":\"onze lettres\",\"dry_run\":1}", NULL);
	bool refused = r->status == 422 && strstr(r->body, "at most 10 characters") != NULL;
	http_response_free(r);
	return refused;
}

/* A limit changed with SQL becomes the API's within one refresh, with no request to
 * /v1/workflow, and the database holds every path to it. */
START_TEST(limit_changed_with_sql_is_enforced_everywhere)
{
	mk_meeting("wf-l", "2024-03-01", NULL);
	ck_assert_int_eq(pg_exec(at.db, "UPDATE limits SET value = 10 WHERE name = 'text'", false),
			 0);
	ck_assert_msg(wait_until(text_limit_is_ten, NULL, 60000),
		      "the API did not take the new limit within 60 s");
	char *before = state_digest();
	json_t *p = hcall(at.secretariat, "POST", "/v1/recommendations",
			  "{\"meeting\":\"wf-l\",\"text\":\"onze lettres\"}", 422);
	ck_assert(problem_names(p, "text"));
	json_decref(p);
	/* Straight into the table: the trigger refuses it too. */
	ck_assert_int_ne(pg_exec(at.db,
				 "INSERT INTO recommendations (meeting_id, n, text) SELECT id, 99, "
				 "'onze lettres' FROM meetings WHERE code = 'wf-l'",
				 true),
			 0);
	assert_same_state(before);
	free(before);
	json_decref(hcall(at.secretariat, "POST", "/v1/recommendations",
			  "{\"meeting\":\"wf-l\",\"text\":\"dix lettre\"}", 201));
	ck_assert_int_eq(
	    pg_exec(at.db, "UPDATE limits SET value = 4000 WHERE name = 'text'", false), 0);
	json_decref(hcall(at.viewer, "GET", "/v1/workflow", NULL, 200));
	json_decref(hcall(at.secretariat, "POST", "/v1/recommendations",
			  "{\"meeting\":\"wf-l\",\"text\":\"onze lettres\"}", 201));
}
END_TEST

static char sql_copy[64];

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	ck_assert_msg(in != NULL && out != NULL, "copy %s to %s: %s", from, to, strerror(errno));
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

static void remove_sql_copy(void)
{
	if (sql_copy[0] == '\0')
		return;
	char *api = xasprintf("%s/api", sql_copy);
	DIR *d = opendir(api);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *f = xasprintf("%s/%s", api, e->d_name);
		unlink(f);
		free(f);
	}
	if (d != NULL)
		closedir(d);
	rmdir(api);
	free(api);
	char *v = xasprintf("%s/VERSION", sql_copy);
	unlink(v);
	free(v);
	rmdir(sql_copy);
}

/* A copy of the source sql/ in a temporary directory, to edit. */
static void make_sql_copy(void)
{
	const char *src = getenv("SUIVI_SQL_DIR");
	ck_assert_msg(src != NULL, "SUIVI_SQL_DIR is not set");
	snprintf(sql_copy, sizeof sql_copy, "/tmp/suivi-sql-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sql_copy));
	atexit(remove_sql_copy);
	char *api = xasprintf("%s/api", sql_copy), *srcapi = xasprintf("%s/api", src);
	ck_assert_int_eq(mkdir(api, 0700), 0);
	DIR *d = opendir(srcapi);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *from = xasprintf("%s/%s", srcapi, e->d_name);
		char *to = xasprintf("%s/%s", api, e->d_name);
		copy_file(from, to);
		free(from);
		free(to);
	}
	closedir(d);
	char *from = xasprintf("%s/VERSION", src), *to = xasprintf("%s/VERSION", sql_copy);
	copy_file(from, to);
	free(from);
	free(to);
	free(api);
	free(srcapi);
}

static void write_file(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* `suivid migrate` with the sql/ of dir; returns the exit code, *err its stderr. */
static int migrate_with(const struct suivid_proc *p, const char *dir, char **err)
{
	const char *args[] = {"migrate", NULL};
	char *out = NULL;
	setenv("SUIVI_SQL_DIR", dir, 1);
	int st = suivid_run(p, args, &out, err);
	free(out);
	return st;
}

START_TEST(sql_api_is_recreated_only_when_newer)
{
	const char *src = getenv("SUIVI_SQL_DIR");
	ck_assert_msg(src != NULL, "SUIVI_SQL_DIR is not set");
	char *srcdir = xstrdup(src);
	char *err = NULL;
	const struct suivid_proc *p = at.d;

	/* What the running daemon applied: this tree's version. */
	char *version = dbval("SELECT version FROM sql_api_state");
	char *vpath = xasprintf("%s/VERSION", srcdir);
	FILE *vf = fopen(vpath, "r");
	ck_assert_ptr_nonnull(vf);
	int file_version = 0;
	ck_assert_int_eq(fscanf(vf, "%d", &file_version), 1);
	fclose(vf);
	ck_assert_int_eq(atoi(version), file_version);
	char *schema = dbval("SELECT oid FROM pg_namespace WHERE nspname = 'suivi_api'");

	/* Same files: nothing is dropped or re-created. */
	ck_assert_int_eq(migrate_with(p, srcdir, &err), 0);
	char *again = dbval("SELECT oid FROM pg_namespace WHERE nspname = 'suivi_api'");
	ck_assert_msg(strcmp(schema, again) == 0, "re-created on the same files:\n%s", err);
	free(again);
	free(err);

	/* An edited function (same version, another checksum, as a developer's edit): applied,
	 * in place, with a warning. */
	make_sql_copy();
	char *helpers = xasprintf("%s/api/60-notify.sql", sql_copy);
	write_file(helpers,
		   "\nCREATE FUNCTION suivi_test_marker() RETURNS text LANGUAGE sql AS "
		   "$$ SELECT 'edited' $$;\n",
		   "a");
	ck_assert_int_eq(migrate_with(p, sql_copy, &err), 0);
	ck_assert_msg(strstr(err, "sql_api_changed") != NULL, "no warning:\n%s", err);
	free(err);
	char *marker = dbval("SELECT suivi_api.suivi_test_marker()");
	ck_assert_str_eq(marker, "edited");
	free(marker);
	/* The daemon's connections see it too: the API still answers. */
	json_decref(hcall(at.viewer, "GET", "/v1/workflow", NULL, 200));

	/* A newer version in the copy: applied; the source tree's older one is then refused,
	 * with one sentence, and changes nothing. */
	char *newer = xasprintf("%d\n", file_version + 1);
	char *cv = xasprintf("%s/VERSION", sql_copy);
	write_file(cv, newer, "w");
	ck_assert_int_eq(migrate_with(p, sql_copy, &err), 0);
	free(err);
	char *applied = dbval("SELECT version FROM sql_api_state");
	ck_assert_int_eq(atoi(applied), file_version + 1);
	free(applied);
	char *sum = dbval("SELECT checksum FROM sql_api_state");
	int st = migrate_with(p, srcdir, &err);
	ck_assert_msg(st == 1, "an older sql/ was not refused: exit %d", st);
	ck_assert_msg(strstr(err, "newer than this suivid's") != NULL, "no sentence:\n%s", err);
	free(err);
	char *sum_after = dbval("SELECT checksum FROM sql_api_state");
	ck_assert_str_eq(sum, sum_after);
	marker = dbval("SELECT suivi_api.suivi_test_marker()");
	ck_assert_str_eq(marker, "edited");
	free(marker);

	/* Put the source tree's SQL API back for whoever runs next. */
	ck_assert_int_eq(pg_exec(at.db, "UPDATE sql_api_state SET version = 0", false), 0);
	ck_assert_int_eq(migrate_with(p, srcdir, &err), 0);
	free(err);
	ck_assert_int_ne(pg_exec(at.db, "SELECT suivi_api.suivi_test_marker()", true), 0);
	json_decref(hcall(at.viewer, "GET", "/v1/workflow", NULL, 200));

	free(sum);
	free(sum_after);
	free(cv);
	free(newer);
	free(helpers);
	free(schema);
	free(vpath);
	free(version);
	free(srcdir);
}
END_TEST

static Suite *workflow_suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("domain");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, workflow_is_the_databases_document);
	tcase_add_test(tc, status_added_with_sql_is_served_without_rebuild);
	tcase_add_test(tc, limit_changed_with_sql_is_enforced_everywhere);
	suite_add_tcase(s, tc);
	tc = tcase_create("sql_api");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sql_api_is_recreated_only_when_newer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	apitest_start();
	SRunner *sr = srunner_create(workflow_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
