/* harness.c — what the harness's parts share: failing a test run, bounded waits, running a
 * command to completion, files, and stopping at exit whatever this process started. The
 * throwaway PostgreSQL lives in harness-pg.c, suivid children in harness-daemon.c, the HTTP
 * client in harness-http.c.
 *
 * Nothing here may hang a test run: every wait has a bound, and a failed wait says what it
 * waited for. Failures to set things up print the reason on stderr and exit(1), which Check
 * (fork mode) reports as a failed test; atexit handlers stop what the exiting process started. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "harness-internal.h"
#include "util.h"

static bool atexit_done;

static void cleanup_at_exit(void);

/* --- small utilities ------------------------------------------------------------------ */

void harness_die(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("harness: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool harness_latency_checked(const char *what)
{
	if (getenv("SUIVI_TEST_UNDER_VALGRIND") == NULL)
		return true;
	fprintf(stderr, "harness: under valgrind, latency not checked: %s\n", what);
	return false;
}

int harness_remaining(double deadline)
{
	double left = deadline - now_ms();
	return left <= 0 ? 0 : (int)left + 1;
}

bool wait_until(bool (*fn)(void *arg), void *arg, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		if (fn(arg))
			return true;
		int left = harness_remaining(deadline);
		if (left == 0)
			return false;
		/* Between probes, keep the daemons' stderr pipes from filling up. */
		harness_drain_all();
		poll(NULL, 0, left < 10 ? left : 10);
	}
}

void harness_track(void **table, void *item)
{
	if (!atexit_done) {
		atexit(cleanup_at_exit);
		atexit_done = true;
	}
	for (size_t i = 0; i < HARNESS_MAX_TRACKED; i++)
		if (table[i] == NULL) {
			table[i] = item;
			return;
		}
	/* Untracked items are only not cleaned up at exit: not worth failing for. */
}

void harness_untrack(void **table, void *item)
{
	for (size_t i = 0; i < HARNESS_MAX_TRACKED; i++)
		if (table[i] == item)
			table[i] = NULL;
}

/* Stop what this very process started, daemons before the clusters they may use; Check's
 * forked children inherit the tables but must not tear down the parent's cluster. */
static void cleanup_at_exit(void)
{
	harness_daemon_cleanup();
	harness_pg_cleanup();
}

/* $SUIVI_PG_BINDIR, else the newest /usr/lib/postgresql/N/bin. */
const char *harness_pg_bindir(void)
{
	static char found[256];
	const char *env = getenv("SUIVI_PG_BINDIR");
	if (env != NULL && *env != '\0')
		return env;
	if (found[0] != '\0')
		return found;
	glob_t g;
	if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) != 0)
		harness_die("no PostgreSQL server binaries: set SUIVI_PG_BINDIR");
	long best = -1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
		if (v > best && strlen(g.gl_pathv[i]) < sizeof found) {
			best = v;
			snprintf(found, sizeof found, "%s", g.gl_pathv[i]);
		}
	}
	globfree(&g);
	if (found[0] == '\0')
		harness_die("no PostgreSQL server binaries: set SUIVI_PG_BINDIR");
	return found;
}

int harness_open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		return fd;
	}
#endif
	(void)pid;
	return -1;
}

/* Wait for pid to exit within timeout_ms: 0 with *status, -1 on timeout. A pidfd makes it an
 * event; without one (old kernels) we probe every 5 ms. */
int harness_wait_pid(pid_t pid, int pidfd, int timeout_ms, int *status)
{
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		int left = harness_remaining(deadline);
		if (left == 0)
			return -1;
		if (pidfd >= 0) {
			struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
			poll(&pfd, 1, left);
		} else {
			poll(NULL, 0, left < 5 ? left : 5);
		}
	}
}

/* Run argv (no shell) to completion, as run_as through runuser when set, output into
 * out_path (or /dev/null). Returns the wait status, -1 when it ran out of time (killed). */
int harness_run_cmd(const char *const *argv, const char *run_as, const char *out_path,
		    int timeout_ms)
{
	const char *full[32];
	size_t n = 0;
	if (run_as != NULL) {
		full[n++] = "runuser";
		full[n++] = "-u";
		full[n++] = run_as;
		full[n++] = "--";
	}
	for (size_t i = 0; argv[i] != NULL && n < ARRAY_LEN(full) - 1; i++)
		full[n++] = argv[i];
	full[n] = NULL;

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		harness_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path != NULL ? out_path : "/dev/null",
			       O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0)
			_exit(127);
		dup2(in, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		/* The postgres user cannot read root's cwd; initdb and pg_ctl complain. */
		if (chdir("/") != 0)
			_exit(127);
		execvp(full[0], (char *const *)full);
		dprintf(STDERR_FILENO, "exec %s: %s\n", full[0], strerror(errno));
		_exit(127);
	}
	int pidfd = harness_open_pidfd(pid);
	int status;
	int rc = harness_wait_pid(pid, pidfd, timeout_ms, &status);
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (pidfd >= 0)
		close(pidfd);
	return rc == 0 ? status : -1;
}

char *harness_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return xstrdup("");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (buf == NULL)
		return xstrdup("");
	buf[len] = '\0';
	return buf;
}

void harness_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		harness_die("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		harness_die("cannot write %s: %s", path, strerror(errno));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* rm -rf, without a shell. */
void harness_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
