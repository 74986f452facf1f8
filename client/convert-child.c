/* convert-child.c — a converter as a bounded child process (convert-child.h). */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "convert-child.h"
#include "convert.h"
#include "util.h"

/* AddressSanitizer reserves terabytes of address space at start: under it (a sanitizer
 * build) suivi-convert would not even start with RLIMIT_AS, so the bound is left out. */
#if defined(__SANITIZE_ADDRESS__)
#define CHILD_BOUND_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHILD_BOUND_MEMORY 0
#endif
#endif
#ifndef CHILD_BOUND_MEMORY
#define CHILD_BOUND_MEMORY 1
#endif

static void child(const struct convert_child *c, int in, int out, int err)
    __attribute__((noreturn));
static long ms_left(const struct timespec *start, int seconds);

bool convert_child_run(struct convert_child *c)
{
	int out[2], err[2], in[2] = {-1, -1};
	c->out = NULL;
	c->out_len = 0;
	c->err[0] = '\0';
	c->status = 0;
	c->timed_out = c->too_big = false;

	if (pipe2(out, O_CLOEXEC) == -1)
		return false;
	if (pipe2(err, O_CLOEXEC) == -1) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		errno = e;
		return false;
	}
	if (c->input != NULL && pipe2(in, O_CLOEXEC) == -1) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			close(out[i]);
			close(err[i]);
		}
		errno = e;
		return false;
	}
	/* Signals blocked across fork: the child resets them before it runs anything. */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid == 0)
		child(c, in[0], out[1], err[1]);
	int fork_errno = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(out[1]);
	close(err[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (pid == -1) {
		close(out[0]);
		close(err[0]);
		if (in[1] >= 0)
			close(in[1]);
		errno = fork_errno;
		return false;
	}

	/* A child that stops reading its input must not end suivi with SIGPIPE. */
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old_pipe);
	if (in[1] >= 0)
		fcntl(in[1], F_SETFL, O_NONBLOCK);

	size_t cap = 65536, nerr = 0, sent = 0;
	c->out = xmalloc(cap);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
	if (fds[2].fd >= 0 && c->input_len == 0) {
		close(fds[2].fd);
		fds[2].fd = -1;
	}
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long left = ms_left(&start, c->seconds);
		if (left <= 0) {
			c->timed_out = true;
			break;
		}
		if (poll(fds, 3, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].fd >= 0 && fds[2].revents != 0) {
			ssize_t w = write(fds[2].fd, c->input + sent, c->input_len - sent);
			if (w > 0)
				sent += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == c->input_len) {
				close(fds[2].fd); /* done, or the child closed its end */
				fds[2].fd = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || fds[i].revents == 0)
				continue;
			char chunk[65536];
			ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
			if (got <= 0) {
				if (got < 0 && (errno == EINTR || errno == EAGAIN))
					continue;
				close(fds[i].fd);
				fds[i].fd = -1;
				continue;
			}
			if (i == 1) {
				size_t k = (size_t)got < CONVERT_CHILD_STDERR - nerr
					       ? (size_t)got
					       : CONVERT_CHILD_STDERR - nerr;
				memcpy(c->err + nerr, chunk, k);
				nerr += k;
				continue;
			}
			if (c->out_len + (size_t)got > c->max_out) {
				c->too_big = true;
				break;
			}
			while (c->out_len + (size_t)got + 1 > cap)
				cap *= 2;
			c->out = xrealloc(c->out, cap);
			memcpy(c->out + c->out_len, chunk, (size_t)got);
			c->out_len += (size_t)got;
		}
		if (c->too_big)
			break;
	}
	if (c->timed_out || c->too_big)
		kill(pid, SIGKILL);
	for (int i = 0; i < 3; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	/* A child that closed its output may still be running: it gets what is left of its
	 * time, then SIGKILL. */
	pid_t r;
	while ((r = waitpid(pid, &c->status, WNOHANG)) == 0 || (r == -1 && errno == EINTR)) {
		if (ms_left(&start, c->seconds) <= 0) {
			c->timed_out = true;
			kill(pid, SIGKILL);
			while (waitpid(pid, &c->status, 0) == -1 && errno == EINTR)
				;
			break;
		}
		poll(NULL, 0, 1);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	c->out[c->out_len] = '\0';
	c->err[nerr] = '\0';
	return true;
}

/* Milliseconds left before the deadline. */
static long ms_left(const struct timespec *start, int seconds)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return seconds * 1000L -
	       ((now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L);
}

/* In the child: default signals, bounds, the pipes as its standard descriptors and no other,
 * then the program. */
static void child(const struct convert_child *c, int in, int out, int err)
{
	sigset_t none;
	sigemptyset(&none);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct rlimit cpu = {(rlim_t)c->seconds, (rlim_t)c->seconds};
	setrlimit(RLIMIT_CPU, &cpu);
	if (CHILD_BOUND_MEMORY) {
		struct rlimit mem = {CONVERT_MEMORY, CONVERT_MEMORY};
		setrlimit(RLIMIT_AS, &mem);
	}
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	if (in >= 0)
		dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	closefrom(3);
	execvp(c->argv[0], (char *const *)c->argv);
	_exit(127);
}
