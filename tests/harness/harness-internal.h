/* harness-internal.h — what the harness's files (harness.c, harness-pg.c, harness-daemon.c,
 * harness-http.c) share, not for tests. */
#ifndef SUIVI_HARNESS_INTERNAL_H
#define SUIVI_HARNESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* A growing byte buffer, always NUL-terminated once something was added. */
struct harness_buf {
	char *data;
	size_t len, cap;
};
void harness_buf_add(struct harness_buf *b, const void *bytes, size_t n);

/* Print "harness: …" on stderr and exit(1): Check reports the test as failed, atexit
 * handlers stop what this process started. */
NORETURN void harness_die(const char *fmt, ...) PRINTFLIKE(1, 2);
/* Milliseconds left until deadline (a now_ms() value), 0 when past. */
int harness_remaining(double deadline);
/* Read whatever the live suivid children of this process wrote on stderr. */
void harness_drain_all(void);

/* Tables of what this process started, stopped at exit (harness.c registers the handler on
 * the first harness_track). An item that does not fit is only not cleaned up at exit. */
#define HARNESS_MAX_TRACKED 64
void harness_track(void **table, void *item);
void harness_untrack(void **table, void *item);
/* Stop the suivid children (harness-daemon.c), then destroy the clusters (harness-pg.c),
 * that this very process started. */
void harness_daemon_cleanup(void);
void harness_pg_cleanup(void);

/* $SUIVI_PG_BINDIR, else the newest /usr/lib/postgresql/N/bin. */
const char *harness_pg_bindir(void);
/* A pidfd for pid (close-on-exec), -1 when the kernel has none. */
int harness_open_pidfd(pid_t pid);
/* Wait for pid to exit within timeout_ms: 0 with *status, -1 on timeout. */
int harness_wait_pid(pid_t pid, int pidfd, int timeout_ms, int *status);
/* Run argv (no shell) to completion, as run_as through runuser when set, output into
 * out_path (or /dev/null). Returns the wait status, -1 when it ran out of time (killed). */
int harness_run_cmd(const char *const *argv, const char *run_as, const char *out_path,
		    int timeout_ms);
/* The whole file (caller frees), "" when it cannot be read. */
char *harness_read_file(const char *path);
/* Write text to path or die. */
void harness_write_file(const char *path, const char *text);
/* rm -rf, without a shell. */
void harness_remove_tree(const char *path);

#endif
