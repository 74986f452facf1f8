/* remind.h — the reminder and report job: decide which notifications are due as of a date
 * and write them to the outbox, each with its dedup key, in one transaction.
 *
 * Reminders: one digest per active lead owner with an email (digest.c decides the items);
 * owners without an email are recorded in reminder_skips for the next overdue report. The
 * overdue report goes to [schedule] report_to. Keys: reminder:<owner>:<as_of> and
 * overdue-report:<as_of>, inserted with ON CONFLICT DO NOTHING, so running twice for one
 * date writes nothing the second time. A scheduled run first claims its scheduled time in
 * scheduler_runs in the same transaction: a time already run is skipped. A dry run decides
 * in a read-only transaction and writes nothing. */
#ifndef SUIVI_REMIND_H
#define SUIVI_REMIND_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "core/config.h"
#include "db/db.h"

struct evbuffer;

struct outbox;

struct remind_request {
	const char *as_of; /* YYYY-MM-DD */
	bool dry_run;
	bool reminders;  /* owners' digests */
	bool report;     /* the overdue report (ignored when report_to is empty) */
	const char *job; /* scheduled run: "reminders" or "overdue_report"; NULL otherwise */
	time_t scheduled_for;
};

/* Called once from the loop. On success answer is the JSON text {"dry_run","as_of",
 * "notifications":[{"id"?,"kind","recipient","subject","dedup_key","items","lines"}],
 * "owners_without_email":[…]} of a run the API asked for, or empty for a scheduled run (the
 * callee may take its contents, not the buffer); on failure answer is NULL and err says why. */
typedef void (*remind_done_cb)(struct evbuffer *answer, const struct db_error *err, void *arg);

/* Everything needed from config is copied at once; outbox (may be NULL) is kicked after a
 * commit that wrote notifications. */
void remind_run(struct db_pool *pool, const struct config *config, struct outbox *outbox,
		const struct remind_request *req, remind_done_cb cb, void *arg);

extern const struct db_stmt remind_stmts[];

#endif
