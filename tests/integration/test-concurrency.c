/* test-concurrency.c — many writers at once through HTTP. Dozens of processes comment on and
 * move one recommendation: every acknowledged write is in its history with the version it
 * was answered with, versions run 1..K without gap or repeat, nothing answers 5xx. Then two
 * suivid on one database take recommendation numbers in one meeting at the same time
 * (single creations and imports mixed): every ref distinct, numbers 1..N without a gap. */
#include "suivi-config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "util.h"

#define WRITERS 24
#define WRITES_EACH 8
#define CREATORS 16
#define CREATES_EACH 10
#define IMPORT_ITEMS 3
#define CHILD_BOUND_MS 60000

/* What a child writes on its pipe, one line per request:
 * "<status> <version or n> <tag>\n" (lines under PIPE_BUF: atomic). */
typedef void (*child_fn)(int k, int out);

static char *run_children(int n, child_fn fn);
static void report(int out, int status, long long number, const char *tag);

static void report(int out, int status, long long number, const char *tag)
{
	char line[256];
	int len = snprintf(line, sizeof line, "%d %lld %s\n", status, number, tag);
	if (write(out, line, (size_t)len) != len)
		_exit(3);
}

/* Fork n children running fn(k, pipe), collect their lines until every one has exited
 * (bounded), and return the lines. A child that does not finish in time is killed and fails
 * the test. */
static char *run_children(int n, child_fn fn)
{
	int fds[2];
	pid_t pids[64];
	ck_assert_int_le(n, 64);
	ck_assert_int_eq(pipe(fds), 0);
	for (int k = 0; k < n; k++) {
		pids[k] = fork();
		ck_assert_int_ge(pids[k], 0);
		if (pids[k] == 0) {
			close(fds[0]);
			fn(k, fds[1]);
			_exit(0);
		}
	}
	close(fds[1]);
	size_t cap = 1 << 16, len = 0;
	char *buf = xmalloc(cap);
	double deadline = now_ms() + CHILD_BOUND_MS;
	for (;;) {
		int left = (int)(deadline - now_ms());
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		if (left <= 0 || poll(&pfd, 1, left) != 1)
			break;
		if (len + 4096 > cap)
			buf = xrealloc(buf, cap *= 2);
		ssize_t got = read(fds[0], buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* every child closed its end */
		len += (size_t)got;
	}
	buf[len] = '\0';
	close(fds[0]);
	int unfinished = 0, failed = 0;
	for (int k = 0; k < n; k++) {
		int st;
		pid_t w;
		while ((w = waitpid(pids[k], &st, WNOHANG)) == 0 && now_ms() < deadline)
			poll(NULL, 0, 5);
		if (w == 0) {
			kill(pids[k], SIGKILL);
			waitpid(pids[k], &st, 0);
			unfinished++;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			failed++;
		}
	}
	ck_assert_msg(unfinished == 0, "%d writers still running after %d ms", unfinished,
		      CHILD_BOUND_MS);
	ck_assert_msg(failed == 0, "%d writers failed", failed);
	return buf;
}

/* --- many writers, one recommendation ---------------------------------------------------- */

static long long target;

/* Writer k: comments and transitions between in_progress and blocked, each tagged "w<k>-<i>"
 * (the comment), so that its history event can be found. */
static void writer(int k, int out)
{
	char *cpath = xasprintf("/v1/recommendations/%lld/comments", target);
	char *tpath = xasprintf("/v1/recommendations/%lld/transitions", target);
	for (int i = 0; i < WRITES_EACH; i++) {
		char tag[32];
		snprintf(tag, sizeof tag, "w%d-%d", k, i);
		const char *path;
		char *body;
		switch ((k + i) % 3) {
		case 0:
			path = tpath;
			body = xasprintf("{\"to\":\"blocked\",\"comment\":\"%s\"}", tag);
			break;
		case 1:
			path = tpath;
			body = xasprintf("{\"to\":\"in_progress\",\"comment\":\"%s\"}", tag);
			break;
		default:
			path = cpath;
			body = xasprintf("{\"comment\":\"%s\"}", tag);
			break;
		}
		struct http_response *r =
		    http_do(at.port, "POST", path, at.secretariat, NULL, body, NULL, 30000);
		long long version = -1;
		json_t *j = r->status == 200 ? http_json(r) : NULL;
		if (j != NULL)
			version = json_integer_value(json_object_get(j, "version"));
		json_decref(j);
		report(out, r->status, version, tag);
		http_response_free(r);
		free(body);
	}
	free(cpath);
	free(tpath);
}

START_TEST(parallel_writers_one_recommendation)
{
	mk_meeting("cc-m", "2024-01-01", NULL);
	json_t *rec =
	    mk_rec("{\"meeting\":\"cc-m\",\"text\":\"Contended.\",\"status\":\"accepted\"}");
	target = JINT(rec, "id");
	json_decref(rec);
	char *tpath = xasprintf("/v1/recommendations/%lld/transitions", target);
	json_decref(hcall(at.secretariat, "POST", tpath, "{\"to\":\"in_progress\"}", 200));
	free(tpath);

	char *lines = run_children(WRITERS, writer);

	/* Tally the answers. */
	int acked = 0, refused = 0, total = 0;
	char *save = NULL;
	char *copy = xstrdup(lines);
	json_t *acked_tags = json_object(); /* tag -> version answered */
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		int status;
		long long version;
		char tag[64];
		ck_assert_msg(sscanf(line, "%d %lld %63s", &status, &version, tag) == 3, "line %s",
			      line);
		total++;
		ck_assert_msg(status != 0 && status < 500, "%s answered %d", tag, status);
		if (status == 200) {
			ck_assert_msg(version > 0, "%s: 200 without a version", tag);
			json_object_set_new(acked_tags, tag, json_integer(version));
			acked++;
		} else {
			/* The only refusal expected: a transition to the status it already has. */
			ck_assert_msg(status == 409, "%s answered %d", tag, status);
			refused++;
		}
	}
	ck_assert_int_eq(total, WRITERS * WRITES_EACH);
	ck_assert_int_gt(acked, WRITERS * WRITES_EACH / 3);

	/* The history: created, the first transition, then exactly the acknowledged writes. */
	char *hpath = xasprintf("/v1/recommendations/%lld/history?limit=500", target);
	json_t *h = hcall(at.viewer, "GET", hpath, NULL, 200);
	json_t *items = json_object_get(h, "items");
	ck_assert_int_eq((int)json_array_size(items), 2 + acked);
	size_t i;
	json_t *ev;
	json_array_foreach (items, i, ev) {
		ck_assert_msg(JINT(ev, "version") == (long long)i + 1,
			      "event %zu has version %lld: versions are not 1..K", i,
			      JINT(ev, "version"));
		if (i < 2)
			continue;
		const char *tag = JSTR(ev, "comment");
		ck_assert_msg(tag != NULL, "event %zu without its tag", i);
		json_t *v = json_object_get(acked_tags, tag);
		ck_assert_msg(v != NULL, "event %s was not acknowledged (or twice)", tag);
		ck_assert_msg(json_integer_value(v) == JINT(ev, "version"),
			      "%s answered version %lld, history has %lld", tag,
			      json_integer_value(v), JINT(ev, "version"));
		json_object_del(acked_tags, tag);
	}
	ck_assert_msg(json_object_size(acked_tags) == 0, "%zu acknowledged writes not in history",
		      json_object_size(acked_tags));
	rec = hcall(at.viewer, "GET", "/v1/recommendations/cc-m/1", NULL, 200);
	ck_assert_int_eq(JINT(rec, "version"), 2 + acked);
	json_decref(rec);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM history WHERE rec_id = %lld", target),
			 2 + acked);
	json_decref(h);
	json_decref(acked_tags);
	free(hpath);
	free(copy);
	free(lines);
	fprintf(stderr, "concurrency: %d writes acknowledged, %d refused (409)\n", acked, refused);
}
END_TEST

/* --- two daemons, one meeting -------------------------------------------------------------- */

static int ports[2];

/* Creator k: alternately through either daemon, single creations and small imports. */
static void creator(int k, int out)
{
	for (int i = 0; i < CREATES_EACH; i++) {
		int port = ports[(k + i) % 2];
		char tag[32];
		snprintf(tag, sizeof tag, "c%d-%d", k, i);
		struct http_response *r;
		if (i % 4 == 3) {
			char *body = xasprintf("[{\"text\":\"%s a\"},{\"text\":\"%s b\"},"
					       "{\"text\":\"%s c\"}]",
					       tag, tag, tag);
			r = http_do(port, "POST", "/v1/meetings/cc-two/import", at.secretariat,
				    "application/json", body, NULL, 30000);
			free(body);
		} else {
			char *body = xasprintf("{\"meeting\":\"cc-two\",\"text\":\"%s\"}", tag);
			r = http_do(port, "POST", "/v1/recommendations", at.secretariat, NULL, body,
				    NULL, 30000);
			free(body);
		}
		json_t *j = r->status == 201 ? http_json(r) : NULL;
		json_t *items = json_object_get(j, "items");
		if (items != NULL) {
			size_t x;
			json_t *it;
			json_array_foreach (items, x, it)
				report(out, r->status, json_integer_value(json_object_get(it, "n")),
				       tag);
		} else {
			report(out, r->status,
			       j != NULL ? json_integer_value(json_object_get(j, "n")) : -1, tag);
		}
		json_decref(j);
		http_response_free(r);
	}
}

START_TEST(two_daemons_number_one_meeting)
{
	char *conf = apitest_conf(at.db);
	struct suivid_proc *second = suivid_start(conf, NULL, true);
	free(conf);
	ports[0] = at.port;
	ports[1] = suivid_port(second);
	mk_meeting("cc-two", "2024-02-01", NULL);

	char *lines = run_children(CREATORS, creator);

	int imports_each = 0;
	for (int i = 0; i < CREATES_EACH; i++)
		imports_each += i % 4 == 3;
	int expected = CREATORS * ((CREATES_EACH - imports_each) + imports_each * IMPORT_ITEMS);
	bool *seen = xcalloc((size_t)expected + 1, sizeof *seen);
	int created = 0;
	char *save = NULL;
	for (char *line = strtok_r(lines, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		int status;
		long long n;
		char tag[64];
		ck_assert(sscanf(line, "%d %lld %63s", &status, &n, tag) == 3);
		ck_assert_msg(status == 201, "%s answered %d", tag, status);
		ck_assert_msg(n >= 1 && n <= expected, "%s got number %lld of %d", tag, n,
			      expected);
		ck_assert_msg(!seen[n], "number %lld given twice (%s)", n, tag);
		seen[n] = true;
		created++;
	}
	ck_assert_int_eq(created, expected);
	/* The database agrees: numbers 1..N, each once, and the meeting's counter at N. */
	ck_assert_int_eq(dbnum("SELECT count(DISTINCT r.n) FROM recommendations r JOIN meetings m"
			       " ON m.id = r.meeting_id WHERE m.code = 'cc-two'"),
			 expected);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM recommendations r JOIN meetings m"
			       " ON m.id = r.meeting_id WHERE m.code = 'cc-two'"),
			 expected);
	ck_assert_int_eq(dbnum("SELECT max(r.n) FROM recommendations r JOIN meetings m"
			       " ON m.id = r.meeting_id WHERE m.code = 'cc-two'"),
			 expected);
	ck_assert_int_eq(dbnum("SELECT last_n FROM meetings WHERE code = 'cc-two'"), expected);
	/* Both daemons still answer. */
	struct http_response *r =
	    http_do(ports[1], "GET", "/v1/health", NULL, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);
	free(seen);
	free(lines);
	suivid_stop(second);
}
END_TEST

int main(void)
{
	apitest_start();
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("writers");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, parallel_writers_one_recommendation);
	tcase_add_test(tc, two_daemons_number_one_meeting);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
