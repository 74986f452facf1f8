/* digest.h — the words of suivi's notifications: which items a reminder mentions, the
 * reminder digest an owner receives (English or French), and the overdue report mailed to
 * the secretariat (report.c's overdue text plus what changed since the previous report).
 * Pure: no database, no clock; the remind job feeds it rows and an as_of date. */
#ifndef SUIVI_DIGEST_H
#define SUIVI_DIGEST_H

#include <stddef.h>

#include <jansson.h>

#include "render/report.h"

enum digest_reason {
	DIGEST_NONE = 0,
	DIGEST_DUE_SOON, /* due_on − as_of is one of the remind_before horizons */
	DIGEST_OVERDUE,  /* first day overdue, then every overdue_every days */
};

struct digest_policy {
	const int *before; /* remind_before horizons, days */
	int n_before;
	int overdue_every; /* 0: remind once, on the first day overdue */
};

/* Whether an open item due `days` days after as_of (negative: overdue) is mentioned. */
enum digest_reason digest_decide(int days, const struct digest_policy *p);

struct digest_item {
	const char *ref;
	const char *text;
	const char *meeting_code;
	const char *meeting_title;
	const char *due_on; /* YYYY-MM-DD */
	int days;           /* due_on − as_of */
};

struct digest {
	const char *owner_name;
	enum report_lang lang;
	const char *as_of; /* YYYY-MM-DD */
	struct digest_item *items;
	size_t n;
};

/* Overdue first, then by due date (earliest first), then by ref. */
void digest_sort(struct digest_item *items, size_t n);
/* The subject and body of a reminder digest; caller frees. n must be at least 1. */
char *digest_subject(const struct digest *d);
char *digest_body(const struct digest *d);

/* The overdue report: overdue is suivi_report_overdue()'s document, changes
 * suivi_report_changes()'s (became_overdue, closed, owners_without_email, since). Returns
 * NULL when overdue is not of the expected shape; caller frees. */
char *digest_report_subject(const json_t *overdue, enum report_lang lang);
char *digest_report_body(const json_t *overdue, const json_t *changes, enum report_lang lang);

#endif
