/* test-hook.c — the hook runner with real processes (small shell scripts written into a temp
 * directory) in a real event loop: stdin, environment, exit code mapping, timeouts that kill
 * the whole group while the loop keeps running, bounded stderr, concurrency limit. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>

#include "notify/hook.h"
#include "suites.h"
#include "util.h"

struct result {
	bool done;
	struct hook_outcome o;
	char *cause;
	char *err;
	int running_at_done;
};

static struct event_base *base;
static struct hook_runner *runner;
static struct event *ev_chld;
static char dir[64];

static void setup(void);
static void teardown(void);
static void on_sigchld(evutil_socket_t fd, short what, void *arg);
static void on_done(const struct hook_outcome *o, void *arg);
static void on_deadline(evutil_socket_t fd, short what, void *arg);
static char *script(const char *name, const char *body);
static bool wait_for(bool *flag, int seconds);
static bool wait_all(struct result *r, int n, int seconds);
static char *slurp(const char *path, size_t *len);
static void result_clear(struct result *r);
static double now(void);
static bool process_gone(pid_t pid);

static void setup(void)
{
	strcpy(dir, "/tmp/suivi-hook-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* The daemon ignores SIGPIPE; the runner must not rely on it. */
	signal(SIGPIPE, SIG_DFL);
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	runner = hook_runner_new(base, 4);
	ev_chld = evsignal_new(base, SIGCHLD, on_sigchld, NULL);
	event_add(ev_chld, NULL);
}

static void teardown(void)
{
	char *cmd;

	hook_runner_free(runner);
	event_free(ev_chld);
	event_base_free(base);
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

static void on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	hook_runner_sigchld(runner);
}

static void on_done(const struct hook_outcome *o, void *arg)
{
	struct result *r = arg;

	ck_assert(!r->done); /* exactly once */
	r->done = true;
	r->o = *o;
	r->cause = xstrdup(o->cause);
	r->err = xmalloc(o->stderr_len + 1);
	memcpy(r->err, o->stderr_text, o->stderr_len + 1);
	r->o.cause = r->cause;
	r->o.stderr_text = r->err;
	r->running_at_done = hook_runner_running(runner);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	*(bool *)arg = true;
}

static char *script(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

/* Run the loop until *flag, or fail after a generous bound. */
static bool wait_for(bool *flag, int seconds)
{
	bool expired = false;
	struct timeval tv = {seconds, 0};
	struct event *deadline = evtimer_new(base, on_deadline, &expired);

	evtimer_add(deadline, &tv);
	while (!*flag && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(deadline);
	return *flag;
}

static bool wait_all(struct result *r, int n, int seconds)
{
	double end = now() + seconds;

	for (int i = 0; i < n; i++) {
		int left = (int)(end - now()) + 1;

		if (left < 1 || !wait_for(&r[i].done, left))
			return false;
	}
	return true;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	do {
		if (cap - n < 65536) {
			cap = cap * 2 + 65536;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static void result_clear(struct result *r)
{
	free(r->cause);
	free(r->err);
	memset(r, 0, sizeof *r);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Gone or a zombie waiting for its new parent (PID 1 of a container may be slow to reap). */
static bool process_gone(pid_t pid)
{
	char path[64], *stat, *paren;
	bool gone;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (access(path, R_OK) != 0)
		return true;
	stat = slurp(path, NULL);
	paren = strrchr(stat, ')');
	gone = paren != NULL && (paren[2] == 'Z' || paren[2] == 'X');
	free(stat);
	return gone;
}

START_TEST(test_stdin_and_environment)
{
	static const char *const extra[] = {"SUIVI_NOTIFICATION_ID=17", "SUIVI_KIND=reminder",
					    "SUIVI_RECIPIENT=zoe@example.org",
					    "SUIVI_DEDUP_KEY=reminder:zoe:2026-11-22", NULL};
	char *path = script("hook", "cat > \"$1/in\"\n"
				    "tr '\\000' '\\n' < /proc/$$/environ > \"$1/env\"\n"
				    "exit 0\n");
	char *argv[] = {path, dir, NULL};
	size_t len = 300000, got; /* larger than a pipe buffer: written progressively */
	char *data = xmalloc(len), *in, *env, *file;
	struct result r = {0};

	for (size_t i = 0; i < len; i++)
		data[i] = (char)(i * 7 + i / 251); /* NULs and every byte value */
	setenv("FOO", "bar", 1);
	ck_assert_int_eq(hook_run(runner, argv, extra, data, len, 10, on_done, &r), 0);
	memset(data, 0, len); /* the runner copied it */
	ck_assert(wait_for(&r.done, 20));
	ck_assert_msg(r.o.result == HOOK_DELIVERED, "%s", r.cause);
	ck_assert_int_eq(r.o.exit_code, 0);

	file = xasprintf("%s/in", dir);
	in = slurp(file, &got);
	ck_assert_uint_eq(got, len);
	for (size_t i = 0; i < len; i++)
		ck_assert_int_eq(in[i], (char)(i * 7 + i / 251));
	free(file);
	file = xasprintf("%s/env", dir);
	env = slurp(file, NULL);
	/* Exactly these, in this order, nothing of the parent's (FOO, HOME, TZ …). */
	ck_assert_str_eq(env, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
			      "LANG=C.UTF-8\n"
			      "SUIVI_NOTIFICATION_ID=17\n"
			      "SUIVI_KIND=reminder\n"
			      "SUIVI_RECIPIENT=zoe@example.org\n"
			      "SUIVI_DEDUP_KEY=reminder:zoe:2026-11-22\n");
	unsetenv("FOO");
	free(env);
	free(file);
	free(in);
	free(data);
	free(path);
	result_clear(&r);
}
END_TEST

START_TEST(test_exit_codes)
{
	static const struct {
		int code;
		enum hook_result result;
	} cases[] = {
	    {0, HOOK_DELIVERED},  {67, HOOK_PERMANENT}, {75, HOOK_RETRY},     {1, HOOK_RETRY},
	    {64, HOOK_RETRY},     {65, HOOK_PERMANENT}, {68, HOOK_PERMANENT}, {69, HOOK_RETRY},
	    {76, HOOK_PERMANENT}, {78, HOOK_PERMANENT}, {79, HOOK_RETRY},     {127, HOOK_RETRY},
	};
	char *path = script("exit", "exit \"$1\"\n");
	struct result r[ARRAY_LEN(cases)];
	char codes[ARRAY_LEN(cases)][8];

	memset(r, 0, sizeof r);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *argv[] = {path, codes[i], NULL};

		snprintf(codes[i], sizeof codes[i], "%d", cases[i].code);
		ck_assert_int_eq(hook_run(runner, argv, NULL, NULL, 0, 10, on_done, &r[i]), 0);
	}
	ck_assert(wait_all(r, (int)ARRAY_LEN(cases), 30));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		ck_assert_msg(r[i].o.result == cases[i].result, "exit %d: result %d", cases[i].code,
			      r[i].o.result);
		ck_assert_int_eq(r[i].o.exit_code, cases[i].code);
		ck_assert_int_eq(r[i].o.signal, 0);
		ck_assert(!r[i].o.timed_out);
		result_clear(&r[i]);
	}
	free(path);
}
END_TEST

static int ticks;

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	ticks++;
}

/* A hook that sleeps is killed at the timeout with its grandchild, the loop never waiting. */
START_TEST(test_timeout_kills_group)
{
	char *path = script("slow", "echo $$ > \"$1/pid\"\n"
				    "sleep 60 &\n"
				    "echo $! > \"$1/grandchild\"\n"
				    "sleep 60\n");
	char *argv[] = {path, dir, NULL}, *file, *s;
	struct timeval period = {0, 100000};
	struct event *tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	struct result r = {0};
	double t0 = now(), elapsed;
	pid_t pid, gc;

	ticks = 0;
	event_add(tick, &period);
	ck_assert_int_eq(hook_run(runner, argv, NULL, "x", 1, 1, on_done, &r), 0);
	ck_assert(wait_for(&r.done, 20));
	elapsed = now() - t0;
	event_free(tick);
	ck_assert_int_eq(r.o.result, HOOK_RETRY);
	ck_assert(r.o.timed_out);
	ck_assert_int_eq(r.o.signal, SIGTERM);
	ck_assert_ptr_nonnull(strstr(r.cause, "timeout"));
	ck_assert_msg(elapsed >= 0.9 && elapsed < 5, "elapsed %.2f", elapsed);
	/* The loop kept turning while the hook ran: about 10 ticks a second. */
	ck_assert_int_ge(ticks, 5);

	file = xasprintf("%s/pid", dir);
	s = slurp(file, NULL);
	pid = (pid_t)atol(s);
	free(s);
	free(file);
	file = xasprintf("%s/grandchild", dir);
	s = slurp(file, NULL);
	gc = (pid_t)atol(s);
	free(s);
	free(file);
	ck_assert_int_gt(gc, 1);
	/* The group is gone: no member left to signal (a grandchild may linger as a zombie
	 * until its new parent reaps it, which is no longer running). */
	for (double end = now() + 5; !process_gone(gc) && now() < end;) {
		struct timeval tv = {0, 50000};
		bool fired = false;
		struct event *ev = evtimer_new(base, on_deadline, &fired);

		evtimer_add(ev, &tv);
		wait_for(&fired, 1);
		event_free(ev);
	}
	ck_assert(process_gone(gc));
	ck_assert(process_gone(pid));
	free(path);
	result_clear(&r);
}
END_TEST

/* A hook that ignores SIGTERM is killed with SIGKILL after the grace period. */
START_TEST(test_timeout_sigkill)
{
	char *path = script("stubborn", "trap '' TERM\n"
					"while :; do sleep 1; done\n");
	char *argv[] = {path, NULL};
	struct result r = {0};
	double t0 = now(), elapsed;

	ck_assert_int_eq(hook_run(runner, argv, NULL, NULL, 0, 1, on_done, &r), 0);
	ck_assert(wait_for(&r.done, 20));
	elapsed = now() - t0;
	ck_assert_int_eq(r.o.result, HOOK_RETRY);
	ck_assert(r.o.timed_out);
	ck_assert_int_eq(r.o.signal, SIGKILL);
	ck_assert_msg(elapsed >= 2.5 && elapsed < 8, "elapsed %.2f", elapsed);
	free(path);
	result_clear(&r);
}
END_TEST

START_TEST(test_stderr_bounded)
{
	char *big = script("big", "head -c 3000000 /dev/zero | tr '\\000' e >&2\n"
				  "exit 75\n");
	char *small = script("small", "printf 'sendmail: oops\\n\\tdetail' >&2\nexit 67\n");
	char *argv_big[] = {big, NULL}, *argv_small[] = {small, NULL};
	struct result r[2];

	memset(r, 0, sizeof r);
	ck_assert_int_eq(hook_run(runner, argv_big, NULL, NULL, 0, 20, on_done, &r[0]), 0);
	ck_assert_int_eq(hook_run(runner, argv_small, NULL, NULL, 0, 20, on_done, &r[1]), 0);
	ck_assert(wait_all(r, 2, 30));
	ck_assert_int_eq(r[0].o.result, HOOK_RETRY);
	ck_assert_int_eq(r[0].o.exit_code, 75);
	ck_assert_uint_eq(r[0].o.stderr_len, HOOK_STDERR_MAX);
	ck_assert(r[0].o.stderr_truncated);
	ck_assert_uint_eq(strlen(r[0].err), HOOK_STDERR_MAX);
	ck_assert_uint_eq(strspn(r[0].err, "e"), HOOK_STDERR_MAX);
	ck_assert_int_eq(r[1].o.result, HOOK_PERMANENT);
	ck_assert_str_eq(r[1].err, "sendmail: oops\n\tdetail");
	ck_assert(!r[1].o.stderr_truncated);
	result_clear(&r[0]);
	result_clear(&r[1]);
	free(big);
	free(small);
}
END_TEST

/* Never more than max_running alive: each script counts itself in and out under flock. */
START_TEST(test_max_running)
{
	char *path = script("counting-hook",
			    "d=\"$1\"\n"
			    "( flock 9; n=$(cat \"$d/count\"); n=$((n+1)); echo $n > \"$d/count\";"
			    " echo \"start $n\" >> \"$d/log\" ) 9>\"$d/lock\"\n"
			    "sleep 0.3\n"
			    "( flock 9; n=$(cat \"$d/count\"); n=$((n-1)); echo $n > \"$d/count\";"
			    " echo \"end $n\" >> \"$d/log\" ) 9>\"$d/lock\"\n");
	char *argv[] = {path, dir, NULL}, *file, *log, *line, *save = NULL;
	struct hook_runner *two = hook_runner_new(base, 2), *saved = runner;
	struct result r[5];
	int starts = 0, ends = 0, max_seen = 0;
	FILE *f;

	file = xasprintf("%s/count", dir);
	f = fopen(file, "w");
	fputs("0\n", f);
	fclose(f);
	free(file);
	memset(r, 0, sizeof r);
	runner = two; /* the SIGCHLD event reaps for this runner */
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(hook_run(two, argv, NULL, NULL, 0, 20, on_done, &r[i]), 0);
	ck_assert_int_eq(hook_runner_running(two), 2);
	ck_assert_int_eq(hook_runner_queued(two), 3);
	ck_assert(wait_all(r, 5, 60));
	for (int i = 0; i < 5; i++) {
		ck_assert_msg(r[i].o.result == HOOK_DELIVERED, "%s: %s", r[i].cause, r[i].err);
		result_clear(&r[i]);
	}
	ck_assert_int_eq(hook_runner_running(two), 0);
	runner = saved;
	hook_runner_free(two);

	file = xasprintf("%s/log", dir);
	log = slurp(file, NULL);
	for (line = strtok_r(log, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		int n;

		if (sscanf(line, "start %d", &n) == 1) {
			starts++;
			if (n > max_seen)
				max_seen = n;
		} else if (sscanf(line, "end %d", &n) == 1)
			ends++;
	}
	ck_assert_int_eq(starts, 5);
	ck_assert_int_eq(ends, 5);
	ck_assert_int_le(max_seen, 2);
	ck_assert_int_eq(max_seen, 2); /* and the two slots were really used together */
	free(log);
	free(file);
	free(path);
}
END_TEST

START_TEST(test_exec_failure)
{
	char missing[] = "/nonexistent/suivi-hook", *argv1[] = {missing, NULL};
	char *path = xasprintf("%s/not-executable", dir), *argv2[] = {path, NULL};
	struct result r[2];
	FILE *f = fopen(path, "w");

	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(path, 0644);
	memset(r, 0, sizeof r);
	ck_assert_int_eq(hook_run(runner, argv1, NULL, "data", 4, 10, on_done, &r[0]), 0);
	ck_assert_int_eq(hook_run(runner, argv2, NULL, NULL, 0, 10, on_done, &r[1]), 0);
	ck_assert(wait_all(r, 2, 20));
	ck_assert_int_eq(r[0].o.result, HOOK_RETRY);
	ck_assert_ptr_nonnull(strstr(r[0].cause, "cannot execute /nonexistent/suivi-hook"));
	ck_assert_ptr_nonnull(strstr(r[0].cause, strerror(ENOENT)));
	ck_assert_int_eq(r[1].o.result, HOOK_RETRY);
	ck_assert_ptr_nonnull(strstr(r[1].cause, strerror(EACCES)));
	/* Invalid calls are refused outright. */
	{
		char *empty[] = {NULL};

		ck_assert_int_eq(hook_run(runner, empty, NULL, NULL, 0, 10, on_done, &r[0]), -1);
		ck_assert_int_eq(hook_run(runner, argv1, NULL, NULL, 0, 0, on_done, &r[0]), -1);
	}
	result_clear(&r[0]);
	result_clear(&r[1]);
	free(path);
}
END_TEST

/* Nothing wedges: a hook that closes stdin before reading megabytes, and one whose grandchild
 * keeps the stderr pipe open after the hook exits. */
START_TEST(test_no_wedge)
{
	char *closer = script("closer", "exec 0<&-\nsleep 0.2\nexit 0\n");
	char *holder = script("holder", "sleep 30 &\necho $! > \"$1/holder\"\nexit 0\n");
	char *argv1[] = {closer, NULL}, *argv2[] = {holder, dir, NULL}, *file, *s;
	size_t len = 4 * 1024 * 1024;
	char *data = xcalloc(1, len);
	struct result r[2];
	double t0 = now();
	pid_t gc;

	memset(r, 0, sizeof r);
	ck_assert_int_eq(hook_run(runner, argv1, NULL, data, len, 20, on_done, &r[0]), 0);
	ck_assert_int_eq(hook_run(runner, argv2, NULL, NULL, 0, 20, on_done, &r[1]), 0);
	ck_assert(wait_all(r, 2, 15));
	ck_assert_msg(now() - t0 < 10, "took %.1f s", now() - t0);
	ck_assert_msg(r[0].o.result == HOOK_DELIVERED, "%s", r[0].cause);
	ck_assert_msg(r[1].o.result == HOOK_DELIVERED, "%s", r[1].cause);
	file = xasprintf("%s/holder", dir);
	s = slurp(file, NULL);
	gc = (pid_t)atol(s);
	ck_assert_int_gt(gc, 1);
	kill(gc, SIGKILL);
	free(s);
	free(file);
	free(data);
	free(closer);
	free(holder);
	result_clear(&r[0]);
	result_clear(&r[1]);
}
END_TEST

START_TEST(test_free_kills_running)
{
	char *path = script("forever", "echo $$ > \"$1/pid\"\nexec sleep 60\n");
	char *argv[] = {path, dir, NULL}, *file = xasprintf("%s/pid", dir), *s;
	struct result r = {0}, q = {0};
	struct stat st;
	pid_t pid;

	hook_runner_free(runner);
	runner = hook_runner_new(base, 1);
	ck_assert_int_eq(hook_run(runner, argv, NULL, NULL, 0, 60, on_done, &r), 0);
	ck_assert_int_eq(hook_run(runner, argv, NULL, NULL, 0, 60, on_done, &q), 0);
	ck_assert_int_eq(hook_runner_queued(runner), 1);
	/* Wait (loop running) until the script has written its pid. */
	for (double end = now() + 10; (stat(file, &st) != 0 || st.st_size == 0) && now() < end;) {
		struct timeval tv = {0, 20000};
		bool fired = false;
		struct event *ev = evtimer_new(base, on_deadline, &fired);

		evtimer_add(ev, &tv);
		wait_for(&fired, 1);
		event_free(ev);
	}
	s = slurp(file, NULL);
	pid = (pid_t)atol(s);
	ck_assert_int_gt(pid, 1);
	hook_runner_free(runner);
	runner = hook_runner_new(base, 4);
	ck_assert(kill(pid, 0) == -1 && errno == ESRCH); /* killed and reaped */
	ck_assert(!r.done && !q.done);
	free(s);
	free(file);
	free(path);
}
END_TEST

START_TEST(test_backoff)
{
	const unsigned mid = 2000; /* random % 4001 == 2000: no jitter */
	int lo, hi, v;

	ck_assert_int_eq(hook_backoff_seconds(1, mid), 30);
	ck_assert_int_eq(hook_backoff_seconds(2, mid), 60);
	ck_assert_int_eq(hook_backoff_seconds(3, mid), 120);
	ck_assert_int_eq(hook_backoff_seconds(6, mid), 960);
	ck_assert_int_eq(hook_backoff_seconds(10, mid), 15360);
	ck_assert_int_eq(hook_backoff_seconds(11, mid), 21600); /* 30720 capped at 6 h */
	ck_assert_int_eq(hook_backoff_seconds(100, mid), 21600);
	ck_assert_int_eq(hook_backoff_seconds(INT_MAX, mid), 21600);
	ck_assert_int_eq(hook_backoff_seconds(0, mid), 30);
	ck_assert_int_eq(hook_backoff_seconds(-5, mid), 30);

	/* Jitter stays within ±20 % and spans it. */
	lo = INT_MAX;
	hi = 0;
	for (unsigned rnd = 0; rnd < 20000; rnd += 7) {
		v = hook_backoff_seconds(5, rnd); /* 480 s */
		ck_assert_int_ge(v, 384);
		ck_assert_int_le(v, 576);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	ck_assert_int_le(lo, 390);
	ck_assert_int_ge(hi, 570);
	ck_assert_int_eq(hook_backoff_seconds(5, 0), 384);
	ck_assert_int_eq(hook_backoff_seconds(5, 4000), 576);
	ck_assert_int_eq(hook_backoff_seconds(1, UINT_MAX) >= 24, 1);
	/* Never above the cap, even with the largest jitter. */
	for (unsigned rnd = 0; rnd <= 4000; rnd++) {
		v = hook_backoff_seconds(30, rnd);
		ck_assert_int_le(v, 21600);
		ck_assert_int_ge(v, 17280);
	}
}
END_TEST

Suite *make_hook_suite(void)
{
	Suite *s = suite_create("hook");
	TCase *tc = tcase_create("hook");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_stdin_and_environment);
	tcase_add_test(tc, test_exit_codes);
	tcase_add_test(tc, test_timeout_kills_group);
	tcase_add_test(tc, test_timeout_sigkill);
	tcase_add_test(tc, test_stderr_bounded);
	tcase_add_test(tc, test_max_running);
	tcase_add_test(tc, test_exec_failure);
	tcase_add_test(tc, test_no_wedge);
	tcase_add_test(tc, test_free_kills_running);
	tcase_add_test(tc, test_backoff);
	suite_add_tcase(s, tc);
	return s;
}
