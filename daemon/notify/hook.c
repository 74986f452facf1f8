/* hook.c — the delivery hook as a child process, driven entirely by libevent.
 *
 * Life of a hook: queued → started (fork + execve in its own process group, pipes for stdin
 * and stderr, a status pipe that reports an exec failure) → its stdin written and its stderr
 * read as the pipes allow → reaped from the SIGCHLD handler → stderr drained (bounded, never
 * waiting for EOF: a grandchild may hold the pipe) → callback. A timer kills the group with
 * SIGTERM at the timeout, SIGKILL 2 s later. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/syscall.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "notify/hook.h"
#include "core/log.h"
#include "util.h"

#define KILL_GRACE_SECONDS 2
/* Stderr read per callback, and at most after exit: a flood cannot monopolise the loop. */
#define STDERR_READ_BUDGET (1024 * 1024)
#define BACKOFF_BASE 30
#define BACKOFF_CAP (6 * 3600)
/* The child's status pipe is moved to this descriptor (0..2 are its stdio). */
#define CHILD_STATUS_FD 3

struct hook {
	struct hook_runner *runner;
	TAILQ_ENTRY(hook) entry;

	char **argv;
	char **envp;
	char *input;
	size_t input_len, input_off;
	int timeout_s;
	hook_done_cb cb;
	void *arg;

	pid_t pid;
	int in_fd, err_fd, status_fd;
	struct event *ev_in, *ev_err, *ev_timeout, *ev_kill, *ev_failed;

	char err_buf[HOOK_STDERR_MAX + 1];
	size_t err_len;
	bool err_truncated;

	bool timed_out;
	int wait_status;
	int exec_errno;    /* from the status pipe: execve failed */
	char *start_error; /* pipe or fork failed: no process */
};

TAILQ_HEAD(hook_list, hook);

struct hook_runner {
	struct event_base *base;
	int max_running;
	int running;
	struct hook_list active; /* started, not yet completed */
	struct hook_list queue;
};

static char **copy_strv(char *const v[]);
static char **build_env(const char *const extra[]);
static void free_strv(char **v);
static void hook_free(struct hook *h);
static void start_queued(struct hook_runner *r);
static void hook_start(struct hook *h);
static void child_exec(struct hook *h, pid_t parent, int in_fd, int err_fd, int status_fd,
		       int null_fd) NORETURN;
static void on_stdin(evutil_socket_t fd, short what, void *arg);
static void close_stdin(struct hook *h);
static void on_stderr(evutil_socket_t fd, short what, void *arg);
static bool read_stderr(struct hook *h, size_t budget);
static void on_timeout(evutil_socket_t fd, short what, void *arg);
static void on_kill(evutil_socket_t fd, short what, void *arg);
static void on_failed(evutil_socket_t fd, short what, void *arg);
static void hook_complete(struct hook *h);
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len);

struct hook_runner *hook_runner_new(struct event_base *base, int max_running)
{
	struct hook_runner *r = xcalloc(1, sizeof *r);

	r->base = base;
	r->max_running = max_running < 1 ? 1 : max_running;
	TAILQ_INIT(&r->active);
	TAILQ_INIT(&r->queue);
	return r;
}

void hook_runner_free(struct hook_runner *r)
{
	struct hook *h;

	if (r == NULL)
		return;
	while ((h = TAILQ_FIRST(&r->active)) != NULL) {
		TAILQ_REMOVE(&r->active, h, entry);
		if (h->pid > 0) {
			kill(-h->pid, SIGKILL);
			/* Shutdown only: SIGKILL makes this wait short, and leaves no zombie. */
			while (waitpid(h->pid, NULL, 0) == -1 && errno == EINTR)
				;
		}
		hook_free(h);
	}
	while ((h = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, h, entry);
		hook_free(h);
	}
	free(r);
}

/* A reload may change max_running: more room starts queued hooks now; less lets the
 * running ones finish. */
void hook_runner_set_max_running(struct hook_runner *r, int max_running)
{
	r->max_running = max_running < 1 ? 1 : max_running;
	start_queued(r);
}

int hook_run(struct hook_runner *r, char *const argv[], const char *const envp_extra[],
	     const char *stdin_data, size_t len, int timeout_s, hook_done_cb cb, void *arg)
{
	struct hook *h;

	if (argv == NULL || argv[0] == NULL || *argv[0] == '\0' || timeout_s < 1 || cb == NULL)
		return -1;
	h = xcalloc(1, sizeof *h);
	h->runner = r;
	h->argv = copy_strv(argv);
	h->envp = build_env(envp_extra);
	h->input = xmalloc(len + 1);
	if (len > 0)
		memcpy(h->input, stdin_data, len);
	h->input_len = len;
	h->timeout_s = timeout_s;
	h->cb = cb;
	h->arg = arg;
	h->pid = -1;
	h->in_fd = h->err_fd = h->status_fd = -1;
	TAILQ_INSERT_TAIL(&r->queue, h, entry);
	start_queued(r);
	return 0;
}

void hook_runner_sigchld(struct hook_runner *r)
{
	struct hook *h;
	pid_t pid;
	int status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		TAILQ_FOREACH (h, &r->active, entry)
			if (h->pid == pid)
				break;
		if (h == NULL)
			continue; /* not ours: e.g. a pg_ctl of the embedded server */
		h->wait_status = status;
		hook_complete(h);
	}
}

int hook_runner_running(const struct hook_runner *r)
{
	return r->running;
}

int hook_runner_queued(const struct hook_runner *r)
{
	const struct hook *h;
	int n = 0;

	TAILQ_FOREACH (h, &r->queue, entry)
		n++;
	return n;
}

int hook_backoff_seconds(int attempt, unsigned random)
{
	long base = BACKOFF_BASE, jitter;

	if (attempt < 1)
		attempt = 1;
	/* 30 s × 2^10 already exceeds the cap: stop doubling before anything can overflow. */
	for (int i = 1; i < attempt && base < BACKOFF_CAP; i++)
		base *= 2;
	if (base > BACKOFF_CAP)
		base = BACKOFF_CAP;
	/* Uniform in [-20 %, +20 %] of base, in steps of 0.01 %. */
	jitter = base * ((long)(random % 4001) - 2000) / 10000;
	base += jitter;
	if (base > BACKOFF_CAP)
		base = BACKOFF_CAP;
	return base < 1 ? 1 : (int)base;
}

static char **copy_strv(char *const v[])
{
	size_t n = 0;
	char **out;

	while (v[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* The child's whole environment: nothing of the daemon's leaks into it. */
static char **build_env(const char *const extra[])
{
	size_t n = 0, i;
	char **env;

	while (extra != NULL && extra[n] != NULL)
		n++;
	env = xcalloc(n + 3, sizeof *env);
	env[0] = xstrdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	env[1] = xstrdup("LANG=C.UTF-8");
	for (i = 0; i < n; i++)
		env[i + 2] = xstrdup(extra[i]);
	return env;
}

static void free_strv(char **v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void hook_free(struct hook *h)
{
	if (h->ev_in != NULL)
		event_free(h->ev_in);
	if (h->ev_err != NULL)
		event_free(h->ev_err);
	if (h->ev_timeout != NULL)
		event_free(h->ev_timeout);
	if (h->ev_kill != NULL)
		event_free(h->ev_kill);
	if (h->ev_failed != NULL)
		event_free(h->ev_failed);
	if (h->in_fd != -1)
		close(h->in_fd);
	if (h->err_fd != -1)
		close(h->err_fd);
	if (h->status_fd != -1)
		close(h->status_fd);
	free_strv(h->argv);
	free_strv(h->envp);
	free(h->input);
	free(h->start_error);
	free(h);
}

static void start_queued(struct hook_runner *r)
{
	struct hook *h;

	while (r->running < r->max_running && (h = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, h, entry);
		TAILQ_INSERT_TAIL(&r->active, h, entry);
		r->running++;
		hook_start(h);
	}
}

/* Fork and exec; on a failure before the child exists, complete from the loop (never from
 * inside hook_run, so callers are not re-entered). */
static void hook_start(struct hook *h)
{
	struct event_base *base = h->runner->base;
	int in[2] = {-1, -1}, err[2] = {-1, -1}, st[2] = {-1, -1}, null_fd = -1, saved;
	pid_t parent = getpid();
	sigset_t all, old;
	struct timeval tv = {h->timeout_s, 0};

	h->ev_failed = evtimer_new(base, on_failed, h);
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1 ||
	    pipe2(st, O_CLOEXEC) == -1 || (null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		h->start_error = xasprintf("cannot create pipes: %s", strerror(errno));
		goto fail;
	}

	/* Blocked across fork so that no handler of the daemon (libevent's) runs in the child. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	h->pid = fork();
	if (h->pid == 0)
		child_exec(h, parent, in[0], err[1], st[1], null_fd);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (h->pid == -1) {
		h->start_error = xasprintf("cannot fork: %s", strerror(saved));
		goto fail;
	}
	/* Also from the parent: the group must exist before any kill(-pid) of ours. */
	if (setpgid(h->pid, h->pid) == -1 && errno != EACCES && errno != ESRCH)
		log_warn("event=hook_setpgid pid=%ld", (long)h->pid);
	close(in[0]);
	close(err[1]);
	close(st[1]);
	close(null_fd);
	h->in_fd = in[1];
	h->err_fd = err[0];
	h->status_fd = st[0];
	evutil_make_socket_nonblocking(h->in_fd);
	evutil_make_socket_nonblocking(h->err_fd);
	evutil_make_socket_nonblocking(h->status_fd);

	if (h->input_len == 0)
		close_stdin(h);
	else {
		h->ev_in = event_new(base, h->in_fd, EV_WRITE | EV_PERSIST, on_stdin, h);
		event_add(h->ev_in, NULL);
	}
	h->ev_err = event_new(base, h->err_fd, EV_READ | EV_PERSIST, on_stderr, h);
	event_add(h->ev_err, NULL);
	h->ev_timeout = evtimer_new(base, on_timeout, h);
	evtimer_add(h->ev_timeout, &tv);
	h->ev_kill = evtimer_new(base, on_kill, h);
	return;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (err[i] != -1)
			close(err[i]);
		if (st[i] != -1)
			close(st[i]);
	}
	if (null_fd != -1)
		close(null_fd);
	h->pid = -1;
	log_warnx("event=hook_start_failed cause=%s", log_quote(h->start_error));
	event_active(h->ev_failed, EV_TIMEOUT, 1);
}

/* In the child: default signals, own group, death with the daemon, stdio from the pipes,
 * nothing else open. Only async-signal-safe calls: everything was prepared before fork. */
static void child_exec(struct hook *h, pid_t parent, int in_fd, int err_fd, int status_fd,
		       int null_fd)
{
	struct sigaction sa;
	sigset_t none;
	int e;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, RT gaps */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
#ifdef PR_SET_PDEATHSIG
	/* A daemon that dies (SIGKILL, a crash) leaves its notification 'sending' under a dead
	 * claim, and the next daemon delivers it again: a hook left running would deliver it a
	 * second time. So the hook dies with the daemon — or does not start if the daemon is
	 * already gone (it exits 127, a retry nobody records). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif

	/* Move the sources above the targets first, so no dup2 overwrites another source. */
	in_fd = fcntl(in_fd, F_DUPFD, 10);
	err_fd = fcntl(err_fd, F_DUPFD, 10);
	status_fd = fcntl(status_fd, F_DUPFD, 10);
	null_fd = fcntl(null_fd, F_DUPFD, 10);
	if (in_fd == -1 || err_fd == -1 || status_fd == -1 || null_fd == -1 ||
	    dup2(in_fd, 0) == -1 || dup2(null_fd, 1) == -1 || dup2(err_fd, 2) == -1 ||
	    dup2(status_fd, CHILD_STATUS_FD) == -1 ||
	    fcntl(CHILD_STATUS_FD, F_SETFD, FD_CLOEXEC) == -1)
		_exit(127);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, CHILD_STATUS_FD + 1, ~0U, 0) != 0)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX);

		if (max < 0 || max > 1048576)
			max = 1048576;
		for (long fd = CHILD_STATUS_FD + 1; fd < max; fd++)
			close((int)fd);
	}
	execve(h->argv[0], h->argv, h->envp);
	e = errno;
	if (write(CHILD_STATUS_FD, &e, sizeof e) < 0) {
		/* nothing more to do: exit 127 says it */
	}
	_exit(127);
}

/* Feed stdin as the pipe accepts it; a hook that stops reading just gets less. */
static void on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;
	ssize_t n;

	while (h->input_off < h->input_len) {
		n = write_nosigpipe(h->in_fd, h->input + h->input_off, h->input_len - h->input_off);
		if (n > 0) {
			h->input_off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break; /* EPIPE: the hook closed its stdin; not an error in itself */
	}
	close_stdin(h);
}

static void close_stdin(struct hook *h)
{
	if (h->ev_in != NULL) {
		event_free(h->ev_in);
		h->ev_in = NULL;
	}
	if (h->in_fd != -1) {
		close(h->in_fd);
		h->in_fd = -1;
	}
}

static void on_stderr(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;

	if (!read_stderr(h, STDERR_READ_BUDGET)) {
		event_free(h->ev_err);
		h->ev_err = NULL;
		close(h->err_fd);
		h->err_fd = -1;
	}
}

/* Read what is available (up to budget bytes), keeping the first HOOK_STDERR_MAX bytes.
 * Returns false at end of file or on error: the pipe is done. */
static bool read_stderr(struct hook *h, size_t budget)
{
	char chunk[16384];
	ssize_t n;
	size_t keep;

	while (budget > 0) {
		n = read(h->err_fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0)
			return false;
		keep = HOOK_STDERR_MAX - h->err_len;
		if ((size_t)n < keep)
			keep = (size_t)n;
		memcpy(h->err_buf + h->err_len, chunk, keep);
		h->err_len += keep;
		if (keep < (size_t)n)
			h->err_truncated = true;
		budget = (size_t)n < budget ? budget - (size_t)n : 0;
	}
	return true;
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;
	struct timeval grace = {KILL_GRACE_SECONDS, 0};

	h->timed_out = true;
	log_warnx("event=hook_timeout pid=%ld timeout=%d", (long)h->pid, h->timeout_s);
	kill(-h->pid, SIGTERM);
	evtimer_add(h->ev_kill, &grace);
}

static void on_kill(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;

	kill(-h->pid, SIGKILL);
}

static void on_failed(evutil_socket_t fd, short what, void *arg)
{
	hook_complete(arg);
}

/* The process is reaped (or never started): classify, report, start the next one. */
static void hook_complete(struct hook *h)
{
	struct hook_runner *r = h->runner;
	struct hook_outcome o = {0};
	char *cause = NULL;
	int st = h->wait_status, e;

	if (h->pid > 0 && h->timed_out)
		kill(-h->pid, SIGKILL); /* what is left of the group; the pgid is not free yet */
	if (h->err_fd != -1)
		read_stderr(h, STDERR_READ_BUDGET);
	h->err_buf[h->err_len] = '\0';
	if (h->status_fd != -1 && read(h->status_fd, &e, sizeof e) == (ssize_t)sizeof e)
		h->exec_errno = e;

	o.exit_code = -1;
	o.result = HOOK_RETRY;
	if (h->start_error != NULL)
		cause = xstrdup(h->start_error);
	else if (h->exec_errno != 0)
		cause = xasprintf("cannot execute %s: %s", h->argv[0], strerror(h->exec_errno));
	else if (WIFSIGNALED(st)) {
		o.signal = WTERMSIG(st);
		cause = h->timed_out
			    ? xasprintf("killed after the %d s timeout", h->timeout_s)
			    : xasprintf("killed by signal %d (%s)", o.signal, strsignal(o.signal));
	} else if (WIFEXITED(st)) {
		o.exit_code = WEXITSTATUS(st);
		if (h->timed_out)
			cause =
			    xasprintf("exit %d after the %d s timeout", o.exit_code, h->timeout_s);
		else {
			cause = xasprintf("exit %d", o.exit_code);
			if (o.exit_code == 0)
				o.result = HOOK_DELIVERED;
			else if ((o.exit_code >= 65 && o.exit_code <= 68) ||
				 (o.exit_code >= 76 && o.exit_code <= 78))
				o.result = HOOK_PERMANENT;
		}
	} else
		cause = xstrdup("ended in an unknown way");
	o.timed_out = h->timed_out;
	o.cause = cause;
	o.stderr_text = h->err_buf;
	o.stderr_len = h->err_len;
	o.stderr_truncated = h->err_truncated;

	TAILQ_REMOVE(&r->active, h, entry);
	r->running--;
	h->cb(&o, h->arg);
	free(cause);
	hook_free(h);
	start_queued(r);
}

/* write() without SIGPIPE killing the process, whatever the daemon's disposition: block it,
 * and consume the one our write raised. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = {0, 0};
	bool was_pending;
	ssize_t n;
	int saved;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	n = write(fd, buf, len);
	saved = errno;
	if (n == -1 && saved == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) == -1 && errno == EINTR)
			;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}
