/* digest.h — the words of suivi's notifications: which items a reminder mentions, the
 * reminder digest an owner receives (English or French), and the overdue report mailed to
 * the secretariat (report.c's overdue text plus what changed since the previous report).
 * Pure: no database, no clock; the remind job feeds it rows and an as_of date. */
#ifndef SUIVI_DIGEST_H
#define SUIVI_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "render/report.h"

enum digest_reason {
	DIGEST_NONE = 0,
	DIGEST_DUE_SOON, /* within a remind_before horizon not yet reminded for this deadline */
	DIGEST_OVERDUE,  /* overdue, and not reminded as such for overdue_every days */
};

struct digest_policy {
	const int *before; /* remind_before horizons, days */
	int n_before;
	int overdue_every; /* 0: remind once when overdue */
};

/* What the reminder ledger says of one open item and one recipient owner. */
struct digest_state {
	int days;             /* due_on − as_of; negative: overdue */
	int horizon_sent;     /* smallest horizon reminded for this deadline and owner, -1: none */
	int overdue_sent_ago; /* days since the last overdue reminder to this owner, -1: none */
};

/* Whether an item is mentioned today, and why. An item within a horizon (days ≤ h, not
 * overdue) is reminded once for the smallest such h, unless that horizon or a smaller one
 * was already reminded for this deadline; an overdue item when no overdue reminder went out
 * in the last overdue_every days (with 0: when none ever did). So a late entry (an item
 * recorded already overdue, a deadline set two days ahead, a daemon down on the day a
 * horizon was crossed) is reminded at the next run. *horizon gets h for DIGEST_DUE_SOON. */
enum digest_reason digest_decide(const struct digest_state *s, const struct digest_policy *p,
				 int *horizon);

struct digest_item {
	const char *ref;
	const char *text;
	const char *meeting_code;
	const char *meeting_title;
	const char *due_on; /* YYYY-MM-DD */
	int days;           /* due_on − as_of */
	bool supporting;    /* the recipient supports the item; another owner leads it */
};

struct digest {
	const char *owner_name;
	enum report_lang lang;
	const char *as_of; /* YYYY-MM-DD */
	struct digest_item *items;
	size_t n;
	bool replies;           /* owners may answer by replying ([mail] reply_address is set) */
	const char *signin_url; /* the owner's sign-in link to the web view, NULL: none */
	int link_days;          /* how long that link signs the owner in */
};

/* The line above which an owner writes its answer; import/mail-reply.c cuts replies there. */
#define DIGEST_REPLY_SEPARATOR "— Répondez au-dessus de cette ligne / Reply above this line —"

/* Overdue first, then by due date (earliest first), then by ref. */
void digest_sort(struct digest_item *items, size_t n);
/* The subject and body of a reminder digest; caller frees. n must be at least 1. */
char *digest_subject(const struct digest *d);
char *digest_body(const struct digest *d);

/* The overdue report: overdue is suivi_report_overdue()'s document, changes
 * suivi_report_changes()'s (became_overdue, closed, owners_without_email, owners_paused,
 * since), to which the remind job adds "escalated" and "stale" when they are configured. Returns
 * NULL when overdue is not of the expected shape; caller frees. */
char *digest_report_subject(const json_t *overdue, enum report_lang lang);
char *digest_report_body(const json_t *overdue, const json_t *changes, enum report_lang lang);

/* The escalation mailed to the secretariat ([schedule] escalate_to): items overdue for
 * escalate_after days or more without an answer, as the overdue report's "escalated"
 * entries. */
char *digest_escalation_subject(const json_t *items, const char *as_of, enum report_lang lang);
char *digest_escalation_body(const json_t *items, const char *as_of, enum report_lang lang);

#endif
