/* remind-internal.h — the state of one reminder run, shared by remind.c (the transaction's
 * steps) and remind-decide.c (rows of the database turned into notifications). */
#ifndef SUIVI_REMIND_INTERNAL_H
#define SUIVI_REMIND_INTERNAL_H

#include <stdbool.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "core/config.h"
#include "notify/remind.h"

/* The caps of the mailed overdue report (doc/suivid.conf.5, report_to): a page a person
 * reads, whatever the size of the database. The owners and the meetings with the most overdue
 * items, the oldest items of each listed owner (and without a lead owner), and the items that
 * became overdue or were closed since the previous report. */
#define REPORT_LISTED 20
#define REPORT_ITEMS 3
#define REPORT_CHANGES 50

enum step {
	STEP_BEGIN,
	STEP_LOCK,
	STEP_CLAIM,
	STEP_DECLARE,
	STEP_FETCH,
	STEP_INSERT_DIGESTS,
	STEP_ANALYZE,
	STEP_SKIPS,
	STEP_ESCALATIONS,
	STEP_STALE,
	STEP_REPORT,
	STEP_INSERT,
	STEP_END,
};

/* One reminder to record in the ledger, with the notification that carries it. Kept as plain
 * C (about 48 bytes an item, against the kilobyte of a JSON object): a run at a million
 * recommendations may record hundreds of thousands. */
struct ledger_row {
	long long rec_id;
	long long owner_id;
	const char *reason; /* "horizon", "overdue" or "escalation" (static) */
	int horizon;        /* the notice in days; -1 when the reason has none */
	char due_on[11];
	size_t note; /* index of the notification in run->notifications */
};

/* run->ids[i] when notification i is not written (its key exists: never twice), or written by
 * a dry run (no id). */
#define REMIND_NOT_NEW (-2)
#define REMIND_NEW_DRY (-1)

struct run {
	struct db_pool *pool;
	struct db_conn *conn;
	struct outbox *outbox;
	remind_done_cb cb;
	void *arg;
	enum step step;

	/* copied from the request and the configuration */
	char as_of[11];
	bool dry_run, reminders, report;
	char *job;
	char scheduled_for[24];
	char *timezone;
	char *report_to;
	char *escalate_to; /* escalate_to, else report_to; "" when neither */
	int before[CONFIG_MAX_REMIND_BEFORE];
	int n_before;
	int overdue_every;
	bool supporting;
	bool replies;           /* [mail] reply_address is set: digests invite replies */
	char *public_url;       /* [server] public_url; "": digests carry no sign-in link */
	int link_days;          /* how long a digest's link signs its owner in */
	long long link_expires; /* the links' expiry, unix seconds */
	int escalate_after;
	int stale_after;

	bool already_run;
	int batch;             /* candidates fetched at a time (REMIND_BATCH, SUIVI_REMIND_BATCH) */
	bool fetched_all;      /* the last FETCH returned fewer rows than asked */
	int fetches;           /* FETCHes of candidates, for the log */
	bool analyzed;         /* ANALYZE notifications ran after the first batch written */
	PGresult *carry;       /* the candidates of the owner that the last FETCH cut, or NULL */
	json_t *notifications; /* what would be written: the outbox rows */
	char **lines;          /* lines[i]: notification i's items, "ref\treason\n"…, or NULL */
	long long *ids;        /* ids[i]: notification i's id once written, or REMIND_NOT_NEW… */
	size_t lines_cap;      /* of lines and ids */
	size_t inserted;       /* notifications before this index are written (or previewed) */
	struct ledger_row *ledger; /* the ledger rows, written with the notifications */
	size_t n_ledger, ledger_cap;
	json_t *skipped;   /* owners without a usable email: {owner_id, handle, name, items} */
	json_t *escalated; /* the report's "escalated" items; NULL when not configured */
	json_t *stale;     /* the report's "stale" document; NULL when not configured */
};

/* Candidates fetched at a time: suivid holds one batch (and the owner it cuts) at once.
 * SUIVI_REMIND_BATCH sets a smaller one for the tests. */
#define REMIND_BATCH 5000

/* One batch of candidates (suivi_remind_candidates' rows, by owner) into digests, cc copies
 * and ledger rows: every owner the batch completes; the rows of the owner it ends on wait in
 * run->carry for the next batch, unless last. */
void remind_decide_batch(struct run *run, PGresult *res, bool last);
/* suivi_remind_escalations' rows into the report's section and the week's escalation. */
void remind_decide_escalations(struct run *run, PGresult *res);
/* The overdue report (suivi_report_overdue_mail, suivi_report_changes) as a notification. */
void remind_decide_report(struct run *run, PGresult *res);
/* What the API's answer says of notification i of the run. */
json_t *remind_summary_of(const struct run *run, size_t i);
/* The ledger rows of notifications [from, to) as the array literals of
 * suivi_notifications_insert's parameters 3 to 8 (rec_ids, owner_ids, reasons, horizons,
 * due_ons, notes: 1-based indexes into that part); free each with free(). */
void remind_ledger_arrays(const struct run *run, size_t from, size_t to, char *arrays[6]);

#endif
