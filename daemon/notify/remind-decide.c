/* remind-decide.c — the rows of a reminder run turned into notifications: an owner's digest
 * (and a copy for each of its cc addresses), the ledger rows that record each item's reminder
 * with the notification, the week's escalation to the secretariat, and the overdue report.
 * The decisions themselves are digest_decide's (render/digest.c), pure and unit-tested. */
#include "suivi-config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "core/log.h"
#include "notify/remind-internal.h"
#include "render/digest.h"
#include "render/mail.h"
#include "util.h"

/* An item of an escalation goes again to the secretariat after this many days. */
#define ESCALATE_AGAIN_DAYS 7

/* Columns of suivi_remind_candidates. */
enum {
	C_OWNER_ID,
	C_HANDLE,
	C_NAME,
	C_EMAIL,
	C_CC,
	C_LOCALE,
	C_ROLE,
	C_REC_ID,
	C_REF,
	C_TEXT,
	C_MEETING,
	C_MEETING_TITLE,
	C_DUE_ON,
	C_DAYS,
	C_HORIZON_SENT,
	C_OVERDUE_SENT_AGO,
	C_LINK, /* the owner's sign-in link on its first row, NULL elsewhere or without links */
};

/* Columns of suivi_remind_escalations. */
enum {
	E_OWNER_ID,
	E_OWNER,
	E_OWNER_NAME,
	E_REC_ID,
	E_REF,
	E_TEXT,
	E_DUE_ON,
	E_DAYS_OVERDUE,
	E_REMINDERS,
	E_LAST_ACTIVITY,
	E_ESCALATED_AGO,
};

/* What one owner's digest collects. */
struct owner_digest {
	struct digest_item *items;
	struct ledger_row *ledger; /* one per item; note set when the digest is written */
	size_t n;
	struct evbuffer *lines; /* "ref\treason\n" per item, for the answer */
};

static void add_digest(struct run *run, PGresult *res, int first, struct owner_digest *od);
static void decide_rows(struct run *run, PGresult *res, int from, int to);
static PGresult *carry_append(PGresult *carry, PGresult *res, int from, int to);
static int int_or(PGresult *res, int row, int col, int none);
static size_t notification_add(struct run *run, json_t *row, struct evbuffer *lines);
static void ledger_add(struct run *run, const struct ledger_row *rows, size_t n, size_t note);
static void ledger_row_set(struct ledger_row *l, PGresult *res, int row, int rec_col, int owner_col,
			   int due_col, const char *reason, int horizon);
static char *reason_text(enum digest_reason why, int days, int horizon, bool supporting);

static int int_or(PGresult *res, int row, int col, int none)
{
	return PQgetisnull(res, row, col) ? none : (int)strtol(PQgetvalue(res, row, col), NULL, 10);
}

/* Append a notification (row: reference taken) with its lines (drained; NULL: none); returns
 * its index in run->notifications. */
static size_t notification_add(struct run *run, json_t *row, struct evbuffer *lines)
{
	size_t i = json_array_size(run->notifications);

	if (i >= run->lines_cap) {
		run->lines_cap = run->lines_cap > 0 ? 2 * run->lines_cap : 64;
		run->lines = xrealloc(run->lines, run->lines_cap * sizeof *run->lines);
		run->ids = xrealloc(run->ids, run->lines_cap * sizeof *run->ids);
	}
	run->lines[i] = NULL;
	run->ids[i] = REMIND_NOT_NEW;
	size_t len = lines != NULL ? evbuffer_get_length(lines) : 0;
	if (len > 0) {
		run->lines[i] = xmalloc(len + 1);
		evbuffer_copyout(lines, run->lines[i], len);
		run->lines[i][len] = '\0';
	}
	json_array_append_new(run->notifications, row);
	return i;
}

/* Record n ledger rows with the notification at index note. */
static void ledger_add(struct run *run, const struct ledger_row *rows, size_t n, size_t note)
{
	if (run->n_ledger + n > run->ledger_cap) {
		run->ledger_cap = run->n_ledger + n > 2 * run->ledger_cap ? run->n_ledger + n
									  : 2 * run->ledger_cap;
		run->ledger = xrealloc(run->ledger, run->ledger_cap * sizeof *run->ledger);
	}
	for (size_t i = 0; i < n; i++) {
		run->ledger[run->n_ledger] = rows[i];
		run->ledger[run->n_ledger++].note = note;
	}
}

static void ledger_row_set(struct ledger_row *l, PGresult *res, int row, int rec_col, int owner_col,
			   int due_col, const char *reason, int horizon)
{
	*l = (struct ledger_row){
	    .rec_id = strtoll(PQgetvalue(res, row, rec_col), NULL, 10),
	    .owner_id = strtoll(PQgetvalue(res, row, owner_col), NULL, 10),
	    .reason = reason,
	    .horizon = horizon,
	};
	snprintf(l->due_on, sizeof l->due_on, "%s", PQgetvalue(res, row, due_col));
}

/* "due in 3 days (3-day notice)", "overdue 12 days": what suivi remind --dry-run shows. */
static char *reason_text(enum digest_reason why, int days, int horizon, bool supporting)
{
	const char *who = supporting ? "supporting: " : "";

	if (why == DIGEST_OVERDUE)
		return xasprintf("%soverdue %d day%s", who, -days, days == -1 ? "" : "s");
	if (days == 0)
		return xasprintf("%sdue today (%d-day notice)", who, horizon);
	return xasprintf("%sdue in %d day%s (%d-day notice)", who, days, days == 1 ? "" : "s",
			 horizon);
}

/* Rows [from, to) of res, at the end of carry (NULL: a new result of res's columns). */
static PGresult *carry_append(PGresult *carry, PGresult *res, int from, int to)
{
	if (carry == NULL && (carry = PQcopyResult(res, PG_COPYRES_ATTRS)) == NULL)
		fatalx("out of memory");
	for (int i = from; i < to; i++) {
		int t = PQntuples(carry);
		for (int c = 0; c < PQnfields(res); c++) {
			bool null = PQgetisnull(res, i, c);
			if (PQsetvalue(carry, t, c, null ? NULL : PQgetvalue(res, i, c),
				       null ? -1 : PQgetlength(res, i, c)) == 0)
				fatalx("out of memory");
		}
	}
	return carry;
}

void remind_decide_batch(struct run *run, PGresult *res, bool last)
{
	int rows = PQntuples(res), start = 0, end = rows;

	if (run->carry != NULL) {
		/* The owner cut by the previous batch: its rows at the head of this one. */
		const char *handle = PQgetvalue(run->carry, 0, C_HANDLE);
		while (start < rows && strcmp(PQgetvalue(res, start, C_HANDLE), handle) == 0)
			start++;
		run->carry = carry_append(run->carry, res, 0, start);
		if (start == rows && !last)
			return; /* it goes on in the next batch */
		decide_rows(run, run->carry, 0, PQntuples(run->carry));
		PQclear(run->carry);
		run->carry = NULL;
	}
	if (!last && end > start) {
		/* The last owner of the batch may go on in the next one: keep its rows. */
		const char *handle = PQgetvalue(res, rows - 1, C_HANDLE);
		while (end > start && strcmp(PQgetvalue(res, end - 1, C_HANDLE), handle) == 0)
			end--;
		run->carry = carry_append(NULL, res, end, rows);
	}
	decide_rows(run, res, start, end);
}

/* Rows [from, to) of res, whole owners, into digests. */
static void decide_rows(struct run *run, PGresult *res, int from, int to)
{
	struct digest_policy policy = {run->before, run->n_before, run->overdue_every};
	int rows = to;
	struct owner_digest od = {
	    .items = xcalloc((size_t)(to - from) + 1, sizeof *od.items),
	    .ledger = xcalloc((size_t)(to - from) + 1, sizeof *od.ledger),
	    .lines = evbuffer_new(),
	};
	int first = from;

	for (int i = from; i <= rows; i++) {
		if (i == rows ||
		    strcmp(PQgetvalue(res, i, C_HANDLE), PQgetvalue(res, first, C_HANDLE)) != 0) {
			if (od.n > 0)
				add_digest(run, res, first, &od);
			od.n = 0;
			evbuffer_drain(od.lines, evbuffer_get_length(od.lines));
			first = i;
			if (i == rows)
				break;
		}
		struct digest_state st = {
		    .days = int_or(res, i, C_DAYS, 0),
		    .horizon_sent = int_or(res, i, C_HORIZON_SENT, -1),
		    .overdue_sent_ago = int_or(res, i, C_OVERDUE_SENT_AGO, -1),
		};
		int horizon = 0;
		enum digest_reason why = digest_decide(&st, &policy, &horizon);
		if (why == DIGEST_NONE)
			continue;
		bool supporting = strcmp(PQgetvalue(res, i, C_ROLE), "supporting") == 0;
		ledger_row_set(&od.ledger[od.n], res, i, C_REC_ID, C_OWNER_ID, C_DUE_ON,
			       why == DIGEST_OVERDUE ? "overdue" : "horizon",
			       why == DIGEST_DUE_SOON ? horizon : -1);
		od.items[od.n++] = (struct digest_item){
		    .ref = PQgetvalue(res, i, C_REF),
		    .text = PQgetvalue(res, i, C_TEXT),
		    .meeting_code = PQgetvalue(res, i, C_MEETING),
		    .meeting_title = PQgetvalue(res, i, C_MEETING_TITLE),
		    .due_on = PQgetvalue(res, i, C_DUE_ON),
		    .days = st.days,
		    .supporting = supporting,
		};
		char *why_text = reason_text(why, st.days, horizon, supporting);
		evbuffer_add_printf(od.lines, "%s\t%s\n", PQgetvalue(res, i, C_REF), why_text);
		free(why_text);
	}
	free(od.items);
	free(od.ledger);
	evbuffer_free(od.lines);
}

/* One owner's digest to its address and to each cc address, each a notification of its own
 * (one envelope recipient each, delivered and retried apart); the ledger rides with the
 * first, so that the decision is recorded exactly when a digest is written. An owner with no
 * usable address at all is listed for the overdue report instead. */
static void add_digest(struct run *run, PGresult *res, int first, struct owner_digest *od)
{
	const char *handle = PQgetvalue(res, first, C_HANDLE);
	const char *name = PQgetvalue(res, first, C_NAME);
	const char *email = PQgetvalue(res, first, C_EMAIL);
	const char *locale = PQgetvalue(res, first, C_LOCALE);
	json_t *cc = json_loads(PQgetvalue(res, first, C_CC), 0, NULL);
	json_t *to = json_array();
	size_t i;
	json_t *a;

	if (mail_address_valid(email))
		json_array_append_new(to, json_string(email));
	json_array_foreach (cc, i, a) {
		const char *addr = json_string_value(a);
		if (addr != NULL && mail_address_valid(addr) && strcmp(addr, email) != 0)
			json_array_append(to, a);
	}
	json_decref(cc);
	if (json_array_size(to) == 0) {
		json_array_append_new(
		    run->skipped,
		    json_pack("{s:I,s:s,s:s,s:i}", "owner_id",
			      (json_int_t)strtoll(PQgetvalue(res, first, C_OWNER_ID), NULL, 10),
			      "handle", handle, "name", name, "items", (int)od->n));
		json_decref(to);
		return;
	}
	digest_sort(od->items, od->n);
	char *signin = NULL;
	if (!PQgetisnull(res, first, C_LINK))
		signin =
		    xasprintf("%s/signin?l=%s", run->public_url, PQgetvalue(res, first, C_LINK));
	struct digest d = {
	    .owner_name = name,
	    .lang = report_lang_parse(locale),
	    .as_of = run->as_of,
	    .items = od->items,
	    .n = od->n,
	    .replies = run->replies,
	    .signin_url = signin,
	    .link_days = run->link_days,
	};
	char *subject = digest_subject(&d);
	char *body = digest_body(&d);
	bool recorded = false;
	json_array_foreach (to, i, a) {
		const char *addr = json_string_value(a);
		bool own = strcmp(addr, email) == 0;
		char *key = own ? xasprintf("reminder:%s:%s", handle, run->as_of)
				: xasprintf("reminder:%s:%s:cc:%s", handle, run->as_of, addr);
		json_t *row =
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:i,s:b}}", "dedup_key", key,
			      "kind", "reminder", "recipient", addr, "subject", subject, "body",
			      body, "payload", "as_of", run->as_of, "owner", handle, "to_name",
			      own ? name : "", "lang", locale, "items", (int)od->n, "cc", !own);
		if (row == NULL) {
			log_warnx("event=remind_skipped owner=%s cause=\"not valid UTF-8\"",
				  handle);
		} else {
			size_t note = notification_add(run, row, od->lines);
			/* The ledger rides with the first copy written. */
			if (!recorded)
				ledger_add(run, od->ledger, od->n, note);
			recorded = true;
		}
		free(key);
	}
	free(subject);
	free(body);
	free(signin);
	json_decref(to);
}

void remind_decide_escalations(struct run *run, PGresult *res)
{
	json_t *all = json_array(), *mail = json_array();
	struct ledger_row *ledger = xcalloc((size_t)PQntuples(res) + 1, sizeof *ledger);
	size_t n_ledger = 0;
	struct evbuffer *lines = evbuffer_new();

	for (int i = 0; i < PQntuples(res); i++) {
		json_t *it = json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s}", "ref", PQgetvalue(res, i, E_REF), "text",
		    PQgetvalue(res, i, E_TEXT), "owner", PQgetvalue(res, i, E_OWNER), "owner_name",
		    PQgetvalue(res, i, E_OWNER_NAME), "due_on", PQgetvalue(res, i, E_DUE_ON),
		    "days_overdue", int_or(res, i, E_DAYS_OVERDUE, 0), "reminders",
		    int_or(res, i, E_REMINDERS, 0), "last_activity",
		    PQgetvalue(res, i, E_LAST_ACTIVITY));
		if (it == NULL)
			continue;
		int ago = int_or(res, i, E_ESCALATED_AGO, -1);
		if (ago < 0 || ago >= ESCALATE_AGAIN_DAYS) {
			json_array_append(mail, it);
			ledger_row_set(&ledger[n_ledger++], res, i, E_REC_ID, E_OWNER_ID, E_DUE_ON,
				       "escalation", -1);
			int reminders = int_or(res, i, E_REMINDERS, 0);
			evbuffer_add_printf(
			    lines, "%s\tescalated: %d days, %d reminder%s, no answer\n",
			    PQgetvalue(res, i, E_REF), int_or(res, i, E_DAYS_OVERDUE, 0), reminders,
			    reminders == 1 ? "" : "s");
		}
		json_array_append_new(all, it);
	}
	if (json_array_size(mail) > 0 && run->escalate_to[0] != '\0') {
		char *subject = digest_escalation_subject(mail, run->as_of, REPORT_EN);
		char *body = digest_escalation_body(mail, run->as_of, REPORT_EN);
		char *key = xasprintf("escalation:%s", run->as_of);
		json_t *row = json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:I}}", "dedup_key", key, "kind", "escalation",
		    "recipient", run->escalate_to, "subject", subject, "body", body, "payload",
		    "as_of", run->as_of, "to_name", "", "items", (json_int_t)json_array_size(mail));
		if (row != NULL)
			ledger_add(run, ledger, n_ledger, notification_add(run, row, lines));
		free(key);
		free(subject);
		free(body);
	}
	json_decref(run->escalated);
	run->escalated = all;
	json_decref(mail);
	free(ledger);
	evbuffer_free(lines);
}

/* Columns: 0 suivi_report_overdue_mail, 1 suivi_report_changes. */
void remind_decide_report(struct run *run, PGresult *res)
{
	json_t *overdue = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	json_t *changes = json_loads(PQgetvalue(res, 0, 1), 0, NULL);

	/* This run's owners without email are not in reminder_skips yet on a dry run. */
	json_t *listed = json_object_get(changes, "owners_without_email");
	size_t i, k;
	json_t *s, *l;
	json_array_foreach (run->skipped, i, s) {
		bool found = false;
		json_array_foreach (listed, k, l) {
			if (json_equal(json_object_get(l, "handle"), json_object_get(s, "handle")))
				found = true;
		}
		if (!found && json_is_array(listed))
			json_array_append_new(listed,
					      json_pack("{s:O,s:O,s:O}", "handle",
							json_object_get(s, "handle"), "name",
							json_object_get(s, "name"), "items",
							json_object_get(s, "items")));
	}
	if (changes != NULL && run->escalated != NULL)
		json_object_set(changes, "escalated", run->escalated);
	if (changes != NULL && run->stale != NULL)
		json_object_set(changes, "stale", run->stale);
	char *subject = overdue != NULL ? digest_report_subject(overdue, REPORT_EN) : NULL;
	char *body = overdue != NULL && changes != NULL
			 ? digest_report_body(overdue, changes, REPORT_EN)
			 : NULL;
	if (subject == NULL || body == NULL) {
		log_warnx("event=report_skipped as_of=%s cause=\"unexpected report document\"",
			  run->as_of);
	} else {
		char *key = xasprintf("overdue-report:%s", run->as_of);
		json_t *row =
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:I}}", "dedup_key", key, "kind",
			      "overdue_report", "recipient", run->report_to, "subject", subject,
			      "body", body, "payload", "as_of", run->as_of, "to_name", "", "items",
			      json_integer_value(json_object_get(overdue, "total")));
		if (row != NULL)
			notification_add(run, row, NULL);
		free(key);
	}
	free(subject);
	free(body);
	json_decref(overdue);
	json_decref(changes);
}

json_t *remind_summary_of(const struct run *run, size_t i)
{
	const json_t *n = json_array_get(run->notifications, i);
	json_t *s =
	    json_pack("{s:O,s:O,s:O,s:O,s:O}", "kind", json_object_get(n, "kind"), "recipient",
		      json_object_get(n, "recipient"), "subject", json_object_get(n, "subject"),
		      "dedup_key", json_object_get(n, "dedup_key"), "items",
		      json_object_get(json_object_get(n, "payload"), "items"));
	if (s == NULL || run->lines[i] == NULL)
		return s;
	json_t *lines = json_array();
	for (const char *p = run->lines[i]; *p != '\0';) {
		const char *tab = strchr(p, '\t'), *end = strchr(p, '\n');
		if (tab == NULL || end == NULL || tab > end)
			break; /* cannot happen: written by notification_add's callers */
		json_array_append_new(lines, json_pack("{s:s%,s:s%}", "ref", p, (size_t)(tab - p),
						       "reason", tab + 1, (size_t)(end - tab - 1)));
		p = end + 1;
	}
	json_object_set_new(s, "lines", lines);
	return s;
}

/* Grows one array literal: "{" then values separated by commas, closed by ledger_arrays. */
static void array_value(struct evbuffer *b, const char *fmt, ...) PRINTFLIKE(2, 3);
static void array_value(struct evbuffer *b, const char *fmt, ...)
{
	va_list ap;
	evbuffer_add(b, evbuffer_get_length(b) > 0 ? "," : "{", 1);
	va_start(ap, fmt);
	evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
}

void remind_ledger_arrays(const struct run *run, size_t from, size_t to, char *arrays[6])
{
	struct evbuffer *b[6];
	for (int k = 0; k < 6; k++)
		b[k] = evbuffer_new();
	for (size_t i = 0; i < run->n_ledger; i++) {
		const struct ledger_row *l = &run->ledger[i];
		if (l->note < from || l->note >= to)
			continue;
		array_value(b[0], "%lld", l->rec_id);
		array_value(b[1], "%lld", l->owner_id);
		array_value(b[2], "%s", l->reason);
		if (l->horizon >= 0)
			array_value(b[3], "%d", l->horizon);
		else
			array_value(b[3], "NULL");
		array_value(b[4], "%s", l->due_on);
		array_value(b[5], "%zu", l->note - from + 1);
	}
	for (int k = 0; k < 6; k++) {
		if (evbuffer_get_length(b[k]) == 0)
			evbuffer_add(b[k], "{", 1);
		evbuffer_add(b[k], "}", 2); /* with the NUL */
		size_t len = evbuffer_get_length(b[k]);
		arrays[k] = xmalloc(len);
		evbuffer_copyout(b[k], arrays[k], len);
		evbuffer_free(b[k]);
	}
}
