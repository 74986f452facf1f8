/* hook.h — run the delivery hook as a child process without ever blocking the event loop.
 *
 * The command is exec'd directly (no shell) in its own process group, with the message on its
 * standard input, standard output on /dev/null, standard error captured (bounded), and an
 * environment of PATH, LANG and the caller's extras only. A run is bounded by a timeout that
 * kills the whole group. At most max_running hooks run at once; the others wait in a queue.
 * A hook dies with the daemon (Linux: SIGKILL when its parent dies): a daemon killed while a
 * hook runs leaves the notification 'sending' for the next daemon to deliver, once. The
 * hook's own children are not covered: what it handed on before it died stays handed on.
 *
 * The daemon owns signals: its one SIGCHLD event calls hook_runner_sigchld(). */
#ifndef SUIVI_HOOK_H
#define SUIVI_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct event_base;
struct hook_runner;

#define HOOK_STDERR_MAX 4096

enum hook_result {
	HOOK_DELIVERED, /* exit 0 */
	HOOK_PERMANENT, /* exit 65–68 or 76–78 (sysexits permanent failures) */
	HOOK_RETRY,     /* any other exit, a signal, a timeout, an exec failure */
};

struct hook_outcome {
	enum hook_result result;
	int exit_code;     /* the exit status, or -1 when the hook did not exit normally */
	int signal;        /* the signal that ended it, or 0 */
	bool timed_out;    /* killed at the timeout */
	const char *cause; /* one line saying what happened ("exit 75", "cannot execute …") */
	const char *stderr_text; /* captured standard error, NUL-terminated */
	size_t stderr_len;       /* at most HOOK_STDERR_MAX */
	bool stderr_truncated;   /* more was written and discarded */
};

/* Called once per hook_run, from the event loop; the outcome's strings are borrowed. */
typedef void (*hook_done_cb)(const struct hook_outcome *outcome, void *arg);

struct hook_runner *hook_runner_new(struct event_base *base, int max_running);
/* Kill (SIGKILL to the group) and reap running hooks, drop queued ones; no callback runs:
 * the outbox delivers undelivered notifications again at the next start. */
void hook_runner_free(struct hook_runner *r);
/* Apply a reloaded max_running (queued hooks start when there is room). */
void hook_runner_set_max_running(struct hook_runner *r, int max_running);
/* Start argv (argv[0] an absolute path) or queue it; envp_extra is a NULL-terminated list of
 * "NAME=value" (may be NULL); stdin_data is copied. Everything is copied: the caller's buffers
 * may go at once. -1 only on an invalid call (no argv[0], timeout < 1). */
int hook_run(struct hook_runner *r, char *const argv[], const char *const envp_extra[],
	     const char *stdin_data, size_t len, int timeout_s, hook_done_cb cb, void *arg) WUR;
/* Reap exited children (waitpid(-1, WNOHANG) until none) and complete their hooks; pids that
 * are not hooks are ignored. */
void hook_runner_sigchld(struct hook_runner *r);
int hook_runner_running(const struct hook_runner *r);
int hook_runner_queued(const struct hook_runner *r);

/* Seconds to wait before attempt `attempt` + 1 after `attempt` failures (attempt >= 1):
 * 30 s × 2^(attempt-1), capped at 6 h, then ± 20 % jitter taken from `random`. */
int hook_backoff_seconds(int attempt, unsigned random);

#endif
