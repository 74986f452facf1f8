/* outbox.h — deliver the notifications of the outbox through the hook, at least once.
 *
 * A delivery claims ready rows (pending and due, or 'sending' rows whose claiming daemon is
 * gone) with UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED), so two daemons never
 * take one row; renders each (mail.c, [hook] format); runs the hook (hook.c, never blocking);
 * and records the outcome: exit 0 → sent, permanent failure → failed with the captured
 * standard error, anything else → pending again after hook_backoff_seconds until
 * max_attempts, then failed.
 *
 * A claim is marked with this daemon's claim id, whose session advisory lock the scheduler
 * holds on its own connection (outbox_set_claimer): a daemon killed mid-delivery loses the
 * lock with its connection, and the next claim (its own after a restart, or another
 * daemon's) delivers the row again. No claim is made while the lock is not held.
 *
 * Layer rule: notify may use db, render and core; only api uses notify. */
#ifndef SUIVI_OUTBOX_H
#define SUIVI_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "db/db.h"

struct event_base;
struct hook_runner;
struct outbox;

struct outbox *outbox_new(struct event_base *base, struct db_pool *pool,
			  const struct config *config);
/* Kills running hooks (their rows are delivered again at the next start). */
void outbox_free(struct outbox *o);
/* Apply a reloaded configuration: hook command, format, timeout, attempts, max_running,
 * [mail] from. Deliveries already started keep what they started with. */
void outbox_set_config(struct outbox *o, const struct config *config);
/* The claim id and whether its advisory lock is held now; claiming starts once it is. */
void outbox_set_claimer(struct outbox *o, int32_t claimer, bool held);
/* Look for ready notifications now (after a run wrote some, or a retry). */
void outbox_kick(struct outbox *o);
/* Claim nothing more; deliveries in progress go on (see outbox_inflight). */
void outbox_stop(struct outbox *o);
/* Notifications claimed by this daemon whose outcome is not yet recorded. */
unsigned outbox_inflight(const struct outbox *o);
/* The hook runner: the daemon's SIGCHLD event calls hook_runner_sigchld() on it. */
struct hook_runner *outbox_runner(struct outbox *o);

extern const struct db_stmt outbox_stmts[];

#endif
