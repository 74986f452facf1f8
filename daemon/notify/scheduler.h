/* scheduler.h — run the reminders and the overdue report on their schedules, on one suivid.
 *
 * The scheduler has its own connection (a db pool of size 1) on which it holds two session
 * advisory locks: the leader lock, which only one suivid on a database holds at a time (the
 * others try again every few seconds, so one takes over when the leader dies), and this
 * daemon's claim lock (see outbox.h). Both are checked again periodically, so a reconnect
 * that lost them is noticed and they are taken again.
 *
 * The leader runs each job at its next scheduled time (schedule.c: DST never skips or
 * doubles a run), in [schedule] timezone, with as_of the local date of that time. When it
 * becomes leader, a scheduled time later than the last one recorded in scheduler_runs (the
 * daemon was down) runs at once; a job never recorded only records its latest time. */
#ifndef SUIVI_SCHEDULER_H
#define SUIVI_SCHEDULER_H

#include <stdbool.h>

#include "core/config.h"
#include "db/db.h"

struct event_base;
struct outbox;
struct scheduler;

/* conninfo: for the scheduler's own connection; pool: for the jobs' transactions. */
struct scheduler *scheduler_new(struct event_base *base, const char *conninfo, struct db_pool *pool,
				struct outbox *outbox, const struct config *config);
/* Apply a reloaded configuration: schedules, time zone, the job settings. */
void scheduler_set_config(struct scheduler *s, const struct config *config);
/* Start no job any more (SIGTERM); a job in progress finishes. */
void scheduler_stop(struct scheduler *s);
bool scheduler_is_leader(const struct scheduler *s);
void scheduler_free(struct scheduler *s);

extern const struct db_stmt scheduler_stmts[];

#endif
