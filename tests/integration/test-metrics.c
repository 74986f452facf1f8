/* test-metrics.c — GET /metrics against a real suivid and PostgreSQL, checked by Prometheus'
 * own tools: `promtool check metrics` (Debian's prometheus package) reads a scrape without a
 * complaint, and the values move when the test makes them move (requests by route template,
 * durations, database queries, the outbox and a hook run). Who may scrape: this machine
 * without a token, metrics and admin tokens; a metrics token opens nothing else. The alert
 * rules and the Grafana dashboard of contrib/ pass `promtool check rules` and name only
 * metrics that a scrape has. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "harness-internal.h"

static char workdir[] = "/tmp/suivi-metrics-XXXXXX";

static const char *srcdir(void)
{
	const char *s = getenv("SUIVI_SRCDIR");
	ck_assert_msg(s != NULL, "SUIVI_SRCDIR is not set (run through make check)");
	return s;
}

/* Run argv with stdin from in_path (NULL: /dev/null), no shell; output (both streams) in
 * *out. Returns the exit status, -1 when it did not exit normally within 60 s. */
static int run_with_input(const char *const *argv, const char *in_path, char **out)
{
	char *out_path = xasprintf("%s/run.out", workdir);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open(in_path != NULL ? in_path : "/dev/null", O_RDONLY);
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || o < 0)
			_exit(127);
		dup2(in, STDIN_FILENO);
		dup2(o, STDOUT_FILENO);
		dup2(o, STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int pidfd = harness_open_pidfd(pid);
	int st;
	int rc = harness_wait_pid(pid, pidfd, 60000, &st);
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	if (pidfd >= 0)
		close(pidfd);
	*out = harness_read_file(out_path);
	unlink(out_path);
	free(out_path);
	return rc == 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A scrape from loopback without a token (caller frees). */
static char *scrape(void)
{
	struct http_response *r = hreq(NULL, "GET", "/metrics", NULL, NULL, NULL);
	ck_assert_msg(r->status == 200, "GET /metrics: %d %s", r->status, r->body);
	char *type = http_header(r, "Content-Type");
	ck_assert_str_eq(type, "text/plain; version=0.0.4; charset=utf-8");
	free(type);
	char *text = xstrdup(r->body);
	http_response_free(r);
	return text;
}

/* The value of the sample written exactly as series (name and labels); -1 when absent. */
static double value_of(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p != NULL && *p != '\0';) {
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return -1;
}

static double scraped(const char *series)
{
	char *text = scrape();
	double v = value_of(text, series);
	free(text);
	return v;
}

/* promtool check metrics < text: exit 0 and nothing to say. */
static void promtool_accepts(const char *text)
{
	char *file = xasprintf("%s/scrape.txt", workdir);
	harness_write_file(file, text);
	const char *argv[] = {"promtool", "check", "metrics", NULL};
	char *out = NULL;
	int st = run_with_input(argv, file, &out);
	ck_assert_msg(st == 0 && out[0] == '\0', "promtool check metrics: status %d:\n%s\n--\n%s",
		      st, out, text);
	free(out);
	unlink(file);
	free(file);
}

START_TEST(scrape_passes_promtool)
{
	/* Some of everything first: a 404, a 422, a list. */
	http_response_free(hreq(at.viewer, "GET", "/v1/nothing", NULL, NULL, NULL));
	json_decref(hcall(at.viewer, "GET", "/v1/owners?limit=0", NULL, 422));
	json_decref(hcall(at.viewer, "GET", "/v1/owners", NULL, 200));
	char *text = scrape();
	promtool_accepts(text);
	fprintf(stderr, "promtool check metrics: %zu bytes, no problem\n", strlen(text));
	/* Route templates, never raw paths. */
	ck_assert_ptr_nonnull(strstr(text, "route=\"(unmatched)\",method=\"GET\",code=\"404\""));
	ck_assert_ptr_null(strstr(text, "/v1/nothing"));
	ck_assert_ptr_nonnull(strstr(text, "suivi_build_info{version=\"" PACKAGE_VERSION "\"} 1"));
	ck_assert(value_of(text, "suivi_database_up") == 1);
	ck_assert(value_of(text, "suivi_db_connections{state=\"idle\"}") >= 0);
	free(text);
}
END_TEST

static bool delivered_moved(void *arg)
{
	double before = *(double *)arg;
	return scraped("suivi_hook_runs_total{result=\"delivered\"}") > before;
}

static bool reminder_sent(void *arg)
{
	(void)arg;
	return scraped("suivi_outbox_notifications{kind=\"reminder\",state=\"sent\"}") >= 1;
}

/* Bearer tokens authenticated, by the token cache or not. */
static double token_lookups(const char *text)
{
	return value_of(text, "suivi_token_cache_lookups_total{result=\"hit\"}") +
	       value_of(text, "suivi_token_cache_lookups_total{result=\"miss\"}") +
	       value_of(text, "suivi_token_cache_lookups_total{result=\"bypass\"}");
}

START_TEST(values_move)
{
	mk_owner("mx-o");
	const char *req = "suivi_http_requests_total{route=\"/v1/owners/{handle}\",method=\"GET\","
			  "code=\"200\"}";
	const char *cnt =
	    "suivi_http_request_duration_seconds_count{route=\"/v1/owners/{handle}\"}";
	const char *inf =
	    "suivi_http_request_duration_seconds_bucket{route=\"/v1/owners/{handle}\","
	    "le=\"+Inf\"}";
	char *before = scrape();
	double r0 = value_of(before, req), c0 = value_of(before, cnt);
	double q0 = value_of(before, "suivi_db_query_duration_seconds_count");
	double t0 = token_lookups(before);
	free(before);
	for (int i = 0; i < 3; i++)
		json_decref(hcall(at.viewer, "GET", "/v1/owners/mx-o", NULL, 200));
	char *after = scrape();
	ck_assert_msg(value_of(after, req) == (r0 < 0 ? 0 : r0) + 3, "%s: %g then %g", req, r0,
		      value_of(after, req));
	ck_assert(value_of(after, cnt) == (c0 < 0 ? 0 : c0) + 3);
	ck_assert(value_of(after, inf) == value_of(after, cnt));
	/* Three lookups of the owner at least; the token's three go through the token cache
	 * (looked up in the database only when not cached). */
	ck_assert(value_of(after, "suivi_db_query_duration_seconds_count") >= q0 + 3);
	ck_assert(token_lookups(after) == t0 + 3);
	free(after);

	/* The outbox: a failed notification retried is delivered by the hook (/bin/true). */
	double d0 = scraped("suivi_hook_runs_total{result=\"delivered\"}");
	char *id = dbval("INSERT INTO notifications (dedup_key, kind, recipient, subject, body,"
			 " state, attempts) VALUES ('mx-1', 'reminder', 'x@example.org', 'S', 'B',"
			 " 'failed', 6) RETURNING id");
	char *f = xasprintf("suivi_outbox_notifications{kind=\"reminder\",state=\"failed\"}");
	ck_assert(scraped(f) >= 1);
	char *path = xasprintf("/v1/notifications/%s/retry", id);
	json_decref(hcall(at.secretariat, "POST", path, NULL, 200));
	ck_assert_msg(wait_until(delivered_moved, &d0, 30000), "no delivered hook run counted");
	/* The hook's run is counted when it exits; the row turns sent in the statement after. */
	ck_assert_msg(wait_until(reminder_sent, NULL, 30000), "no sent reminder in the gauge");
	ck_assert(scraped("suivi_outbox_oldest_pending_age_seconds") >= 0);
	free(path);
	free(f);
	free(id);
}
END_TEST

START_TEST(who_may_scrape)
{
	json_t *t =
	    hcall(at.admin, "POST", "/v1/tokens", "{\"name\":\"mx\",\"role\":\"metrics\"}", 201);
	char *token = xstrdup(JSTR(t, "token"));
	json_decref(t);
	struct http_response *r = hreq(token, "GET", "/metrics", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);
	r = hreq(at.admin, "GET", "/metrics", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);
	/* A token that is sent is checked, from loopback too. */
	json_decref(hcall(at.viewer, "GET", "/metrics", NULL, 403));
	r = hreq("suivi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "GET", "/metrics", NULL, NULL,
		 NULL);
	ck_assert_int_eq(r->status, 401);
	http_response_free(r);
	/* A metrics token reads nothing of the API. */
	static const char *const others[] = {"/v1/owners", "/v1/recommendations", "/v1/workflow",
					     "/v1/calendar.ics", "/v1/tokens"};
	for (size_t i = 0; i < ARRAY_LEN(others); i++)
		json_decref(hcall(token, "GET", others[i], NULL, 403));
	free(token);
}
END_TEST

/* Every suivi_* name in file (its base name: _bucket, _count, _sum removed) is in text. */
static void names_exist(const char *file, const char *text)
{
	char *content = harness_read_file(file);
	ck_assert_msg(content[0] != '\0', "cannot read %s", file);
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "suivi_[a-z_]+", REG_EXTENDED), 0);
	regmatch_t m;
	int names = 0;
	for (const char *p = content; regexec(&re, p, 1, &m, 0) == 0; p += m.rm_eo) {
		char *name = xstrndup(p + m.rm_so, (size_t)(m.rm_eo - m.rm_so));
		char *line = xasprintf("# TYPE %s ", name);
		bool found = strstr(text, line) != NULL;
		static const char *const suffixes[] = {"_bucket", "_count", "_sum"};
		for (size_t i = 0; !found && i < ARRAY_LEN(suffixes); i++) {
			size_t n = strlen(name), k = strlen(suffixes[i]);
			if (n > k && strcmp(name + n - k, suffixes[i]) == 0) {
				free(line);
				line = xasprintf("# TYPE %.*s histogram", (int)(n - k), name);
				found = strstr(text, line) != NULL;
			}
		}
		ck_assert_msg(found, "%s names %s, which suivid does not export", file, name);
		names++;
		free(line);
		free(name);
	}
	ck_assert_int_gt(names, 0);
	regfree(&re);
	free(content);
}

START_TEST(contrib_rules_and_dashboard)
{
	char *rules = xasprintf("%s/contrib/prometheus/suivi-alerts.yml", srcdir());
	const char *argv[] = {"promtool", "check", "rules", rules, NULL};
	char *out = NULL;
	int st = run_with_input(argv, NULL, &out);
	ck_assert_msg(st == 0, "promtool check rules: status %d:\n%s", st, out);
	fprintf(stderr, "promtool check rules: %s", out);
	free(out);
	char *text = scrape();
	names_exist(rules, text);
	char *dash = xasprintf("%s/contrib/grafana/suivi-dashboard.json", srcdir());
	json_error_t jerr;
	json_t *d = json_load_file(dash, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(d != NULL, "%s: %s", dash, jerr.text);
	ck_assert_int_gt(json_array_size(json_object_get(d, "panels")), 0);
	json_decref(d);
	names_exist(dash, text);
	free(text);
	free(dash);
	free(rules);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("scrape");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, scrape_passes_promtool);
	tcase_add_test(tc, values_move);
	tcase_add_test(tc, who_may_scrape);
	tcase_add_test(tc, contrib_rules_and_dashboard);
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
	SRunner *sr = srunner_create(metrics_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	harness_remove_tree(workdir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
