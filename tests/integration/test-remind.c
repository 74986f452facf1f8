/* test-remind.c — reminders that never miss an item, through a real suivid, PostgreSQL, the
 * real hook and, for recipients, msmtp to a local SMTP server: backfilled overdue items, a
 * deadline set inside a horizon, a horizon crossed while nothing ran, cc copies (one envelope
 * recipient each, no injection through an address), paused owners, supporting owners, the
 * weekly escalation and the Stale section; refused settings change nothing. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>

#include "client-run.h"
#include "harness.h"
#include "notify-util.h"
#include "util.h"

static struct pg_cluster *pg;

/* method path with a JSON body as the secretariat, expecting status; the answer's JSON. */
static json_t *call(struct nt *t, const char *method, const char *path, const char *body,
		    int status)
{
	struct http_response *r = http_do(suivid_port(t->p), method, path, t->token,
					  "application/json", body, NULL, 30000);
	ck_assert_msg(r->status == status, "%s %s: %d (want %d): %s", method, path, r->status,
		      status, r->body != NULL ? r->body : "");
	json_t *j = http_json(r);
	http_response_free(r);
	ck_assert_ptr_nonnull(j);
	return j;
}

/* Whether a problem's "errors" name field. */
static bool names_field(const json_t *problem, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(problem, "errors"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
			return true;
	}
	return false;
}

static void seed(const char *db, const char *owners, const char *items)
{
	char *sql = xasprintf(
	    "INSERT INTO meetings (code, title, starts_on, ends_on) VALUES"
	    " ('bamako-2019', 'Atelier régional de Bamako', '2019-05-06', '2019-05-08');"
	    "INSERT INTO owners (handle, name, email, locale) VALUES %s;"
	    "INSERT INTO recommendations (meeting_id, n, text, owner_id, due_on, status)"
	    " SELECT m.id, v.n, v.text, o.id, v.due::date, 'accepted'"
	    " FROM (VALUES %s) AS v (n, text, owner, due)"
	    " JOIN meetings m ON m.code = 'bamako-2019' JOIN owners o ON o.handle = v.owner",
	    owners, items);
	ck_assert_int_eq(pg_exec(db, sql, false), 0);
	free(sql);
}

/* The reminder notifications a run answered, keyed "<dedup_key>" → its "lines". */
static const json_t *notification(const json_t *answer, const char *key)
{
	size_t i;
	json_t *n;
	json_array_foreach (json_object_get(answer, "notifications"), i, n) {
		if (strcmp(json_string_value(json_object_get(n, "dedup_key")), key) == 0)
			return n;
	}
	return NULL;
}

static bool has_line(const json_t *n, const char *ref, const char *reason)
{
	size_t i;
	json_t *l;
	json_array_foreach (json_object_get(n, "lines"), i, l) {
		if (strcmp(json_string_value(json_object_get(l, "ref")), ref) == 0 &&
		    strcmp(json_string_value(json_object_get(l, "reason")), reason) == 0)
			return true;
	}
	return false;
}

static int reminders_of(const json_t *answer)
{
	int n = 0;
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(answer, "notifications"), i, x)
		n += strcmp(json_string_value(json_object_get(x, "kind")), "reminder") == 0;
	return n;
}

/* A secretariat backfills last year's meetings: items overdue for years are reminded on the
 * first run, to both owners, then every remind_overdue_every days. */
START_TEST(backfilled_overdue_items_reminded_at_once)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){0});
	seed(t.db,
	     "('ocrtis', 'OCRTIS', 'ocrtis@example.org', 'fr'),"
	     " ('undp', 'UNDP Regional Hub', 'undp@example.org', 'en')",
	     "(1, 'Mettre en place une base de données', 'ocrtis', '2020-03-31'),"
	     " (2, 'Map the laboratories', 'undp', '2020-01-31')");

	json_t *a = nt_run(&t, false, "2026-11-28", 200);
	const json_t *fr = notification(a, "reminder:ocrtis:2026-11-28");
	const json_t *en = notification(a, "reminder:undp:2026-11-28");
	ck_assert_msg(fr != NULL && en != NULL, "a backfilled item was not reminded: %s",
		      json_dumps(a, 0));
	ck_assert(has_line(fr, "bamako-2019/1", "overdue 2433 days"));
	ck_assert(has_line(en, "bamako-2019/2", "overdue 2493 days"));
	json_decref(a);
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM reminder_ledger WHERE reason = "
					  "'overdue' AND sent_on = '2026-11-28'"),
			 2);
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent' AND kind = "
			      "'reminder'",
			      "2", 30000));
	char *id = nt_id_of(t.db, "reminder:ocrtis:", "2026-11-28");
	json_t *m = nt_parse_mail(&t, id);
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(m, "body")), "Mettre en place une base"));
	json_decref(m);
	free(id);

	/* Not again the next days; again a week later; never twice on one day. */
	for (int day = 29; day <= 30; day++) {
		char *as_of = xasprintf("2026-11-%d", day);
		a = nt_run(&t, false, as_of, 200);
		ck_assert_int_eq(reminders_of(a), 0);
		json_decref(a);
		free(as_of);
	}
	a = nt_run(&t, false, "2026-12-05", 200);
	ck_assert_int_eq(reminders_of(a), 2);
	json_decref(a);
	a = nt_run(&t, false, "2026-12-05", 200);
	ck_assert_int_eq(reminders_of(a), 0);
	json_decref(a);
	nt_stop(&t);
}
END_TEST

/* A deadline set two days ahead gets the 3-day reminder at once, never "exactly 3 days"; a
 * horizon crossed while no run happened (an outage of three days) is reminded at the next. */
START_TEST(late_entries_into_horizons)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){0});
	seed(t.db, "('undp', 'UNDP Regional Hub', 'undp@example.org', 'en')",
	     "(1, 'Set a deadline two days ahead', 'undp', '2026-11-30'),"
	     " (2, 'Due in fifteen days', 'undp', '2026-12-13')");

	json_t *a = nt_run(&t, true, "2026-11-28", 200);
	const json_t *n = notification(a, "reminder:undp:2026-11-28");
	ck_assert_ptr_nonnull(n);
	ck_assert(has_line(n, "bamako-2019/1", "due in 2 days (3-day notice)"));
	ck_assert_msg(json_array_size(json_object_get(n, "lines")) == 1, "%s",
		      json_dumps(n, 0)); /* 15 days: not yet */
	json_decref(a);
	json_decref(nt_run(&t, false, "2026-11-28", 200));

	/* Nothing ran on 29, 30 and 1 December; the 14-day horizon was crossed on the 29th. */
	a = nt_run(&t, false, "2026-12-02", 200);
	n = notification(a, "reminder:undp:2026-12-02");
	ck_assert_ptr_nonnull(n);
	ck_assert(has_line(n, "bamako-2019/2", "due in 11 days (14-day notice)"));
	/* …and the first item, overdue since the 1st, in the same digest. */
	ck_assert(has_line(n, "bamako-2019/1", "overdue 2 days"));
	ck_assert_int_eq(json_array_size(json_object_get(n, "lines")), 2);
	json_decref(a);
	a = nt_run(&t, false, "2026-12-03", 200);
	ck_assert_int_eq(reminders_of(a), 0);
	json_decref(a);
	/* The 3-day horizon, once; then overdue. */
	a = nt_run(&t, false, "2026-12-10", 200);
	ck_assert(has_line(notification(a, "reminder:undp:2026-12-10"), "bamako-2019/2",
			   "due in 3 days (3-day notice)"));
	json_decref(a);
	/* A new deadline starts the horizons afresh. */
	ck_assert_int_eq(
	    pg_exec(t.db, "UPDATE recommendations SET due_on = '2027-01-20' WHERE n = 2", false),
	    0);
	a = nt_run(&t, true, "2027-01-10", 200);
	ck_assert(has_line(notification(a, "reminder:undp:2027-01-10"), "bamako-2019/2",
			   "due in 10 days (14-day notice)"));
	json_decref(a);
	nt_stop(&t);
}
END_TEST

/* cc: a copy of the digest to each address, each a message of its own with one envelope
 * recipient; an address with a line break, or no address at all, is refused. */
START_TEST(cc_copies_through_msmtp)
{
	struct nt t;
	int port = nt_free_port();
	char *hook = xasprintf("/usr/bin/msmtp --host=127.0.0.1 --port=%d "
			       "--from=suivi@example.org --auth=off --tls=off -t\n",
			       port);
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .hook_command = hook});
	pid_t smtp = nt_smtp_start(&t, port);
	seed(t.db, "('ocrtis', 'OCRTIS', 'ocrtis@example.org', 'fr')",
	     "(1, 'Tenir un séminaire', 'ocrtis', '2026-11-20')");

	char *before = pg_query_value(t.db, "SELECT cc::text FROM owners");
	static const char *const bad[] = {
	    "{\"cc\":[\"deputy@example.org\\r\\nBcc: victim@attacker.example\"]}",
	    "{\"cc\":[\"Deputy <deputy@example.org>\"]}",
	    "{\"cc\":[\"not an address\"]}",
	    "{\"cc\":[\"\"]}",
	    "{\"cc\":\"deputy@example.org\"}",
	    "{\"reminders\":\"no\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *p = call(&t, "PATCH", "/v1/owners/ocrtis", bad[i], 422);
		ck_assert_msg(
		    names_field(p, i + 1 < sizeof bad / sizeof bad[0] ? "cc" : "reminders"),
		    "%s: the refusal does not name the field", bad[i]);
		json_decref(p);
		char *after = pg_query_value(t.db, "SELECT cc::text FROM owners");
		ck_assert_str_eq(before, after);
		free(after);
	}
	free(before);
	json_decref(call(&t, "PATCH", "/v1/owners/ocrtis",
			 "{\"cc\":[\"deputy@example.org\",\"focal@example.org\"]}", 200));

	json_decref(nt_run(&t, false, "2026-11-28", 200));
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent'"
			      " AND kind = 'reminder'",
			      "3", 30000));
	bool seen[3] = {false, false, false};
	static const char *const who[] = {"ocrtis@example.org", "deputy@example.org",
					  "focal@example.org"};
	for (int k = 0; k < 3; k++) {
		char *name = xasprintf("smtp-%d.json", k);
		char *text = nt_wait_file(&t, name, 10000);
		json_t *env = json_loads(text, 0, NULL);
		json_t *rcpt = json_object_get(env, "rcpt_tos");
		ck_assert_int_eq(json_array_size(rcpt), 1);
		for (int w = 0; w < 3; w++)
			if (strcmp(json_string_value(json_array_get(rcpt, 0)), who[w]) == 0)
				seen[w] = true;
		json_decref(env);
		free(text);
		free(name);
	}
	ck_assert(seen[0] && seen[1] && seen[2]);
	/* The item's ledger: one reminder, with the owner's own message. */
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM reminder_ledger l JOIN "
					  "notifications n ON n.id = l.notification_id"
					  " WHERE n.recipient = 'ocrtis@example.org'"),
			 1);
	json_t *r = nt_get(&t, "/v1/recommendations/bamako-2019/1/reminders", 200);
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(json_object_get(r, "items"), 0), "reason")),
			 "overdue");
	json_decref(r);
	nt_smtp_stop(smtp);
	nt_stop(&t);
	free(hook);
}
END_TEST

/* A paused owner gets nothing and the overdue report says so; a supporting owner gets the
 * items it supports, marked, with remind_supporting. */
START_TEST(paused_and_supporting_owners)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "report_to = secretariat@example.org\n"
					       "remind_supporting = true\n"});
	seed(t.db,
	     "('ocrtis', 'OCRTIS', 'ocrtis@example.org', 'fr'),"
	     " ('undp', 'UNDP Regional Hub', 'undp@example.org', 'en')",
	     "(1, 'Former les agents', 'ocrtis', '2026-11-20'),"
	     " (2, 'Share statistics', 'undp', '2026-11-30')");
	ck_assert_int_eq(pg_exec(t.db,
				 "INSERT INTO recommendation_supporters (rec_id, owner_id)"
				 " SELECT r.id, o.id FROM recommendations r, owners o"
				 " WHERE r.n = 2 AND o.handle = 'ocrtis'",
				 false),
			 0);
	json_decref(call(&t, "PATCH", "/v1/owners/undp", "{\"reminders\":false}", 200));

	json_t *a = nt_run(&t, false, "2026-11-28", 200);
	ck_assert_ptr_null(notification(a, "reminder:undp:2026-11-28"));
	const json_t *n = notification(a, "reminder:ocrtis:2026-11-28");
	ck_assert_ptr_nonnull(n);
	ck_assert(has_line(n, "bamako-2019/2", "supporting: due in 2 days (3-day notice)"));
	ck_assert(has_line(n, "bamako-2019/1", "overdue 8 days"));
	json_decref(a);
	ck_assert(nt_wait_sql(t.db, "SELECT count(*) FROM notifications WHERE state = 'sent'", "2",
			      30000));
	char *id = nt_id_of(t.db, "reminder:ocrtis:", "2026-11-28");
	json_t *m = nt_parse_mail(&t, id);
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(m, "body")), "vous êtes en appui"));
	json_decref(m);
	free(id);
	/* The paused owner leads nothing overdue yet: not listed. Once it does, it is. */
	ck_assert_int_eq(
	    pg_exec(t.db, "UPDATE recommendations SET due_on = '2026-11-01' WHERE n = 2", false),
	    0);
	json_decref(nt_run(&t, false, "2026-11-29", 200));
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent' AND kind = "
			      "'overdue_report' AND payload->>'as_of' = '2026-11-29'",
			      "1", 30000));
	id = nt_id_of(t.db, "overdue-report:", "2026-11-29");
	m = nt_parse_mail(&t, id);
	ck_assert_msg(strstr(json_string_value(json_object_get(m, "body")),
			     "Owners whose reminders are paused: 1") != NULL,
		      "%s", json_string_value(json_object_get(m, "body")));
	json_decref(m);
	free(id);
	nt_stop(&t);
}
END_TEST

/* Items overdue for escalate_after days and unanswered since their first overdue reminder
 * are escalated to escalate_to, each once a week; an answer (a comment) ends it. */
START_TEST(escalation_once_a_week)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "report_to = secretariat@example.org\n"
					       "escalate_after = 10\n"
					       "escalate_to = director@example.org\n"
					       "stale_after = 30\n"});
	seed(t.db, "('ocrtis', 'OCRTIS', 'ocrtis@example.org', 'fr')",
	     "(1, 'Former les agents', 'ocrtis', '2026-11-01'),"
	     " (2, 'Sans échéance', 'ocrtis', NULL)");
	/* Item 2 has had no activity since long ago. */
	ck_assert_int_eq(pg_exec(t.db,
				 "UPDATE recommendations SET created_at = '2026-01-01' WHERE n = 2",
				 false),
			 0);

	/* The first overdue reminder goes out; nothing is escalated before it. */
	json_t *a = nt_run(&t, false, "2026-11-28", 200);
	ck_assert_ptr_null(notification(a, "escalation:2026-11-28"));
	json_decref(a);
	a = nt_run(&t, false, "2026-11-29", 200);
	const json_t *e = notification(a, "escalation:2026-11-29");
	ck_assert_msg(e != NULL, "no escalation: %s", json_dumps(a, 0));
	ck_assert_str_eq(json_string_value(json_object_get(e, "recipient")),
			 "director@example.org");
	ck_assert(has_line(e, "bamako-2019/1", "escalated: 28 days, 1 reminder, no answer"));
	json_decref(a);
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent' AND kind = "
			      "'overdue_report' AND payload->>'as_of' = '2026-11-29'",
			      "1", 30000));
	char *id = nt_id_of(t.db, "overdue-report:", "2026-11-29");
	json_t *m = nt_parse_mail(&t, id);
	const char *body = json_string_value(json_object_get(m, "body"));
	ck_assert_msg(strstr(body, "Escalated (no answer to the reminders): 1") != NULL, "%s",
		      body);
	ck_assert_msg(strstr(body, "Stale (no activity for 30 days or more): 1") != NULL, "%s",
		      body);
	ck_assert_ptr_nonnull(strstr(body, "bamako-2019/2"));
	json_decref(m);
	free(id);

	/* Not again within the week, though still listed in the report; again after it. */
	a = nt_run(&t, false, "2026-11-30", 200);
	ck_assert_ptr_null(notification(a, "escalation:2026-11-30"));
	json_decref(a);
	a = nt_run(&t, false, "2026-12-06", 200);
	ck_assert_ptr_nonnull(notification(a, "escalation:2026-12-06"));
	json_decref(a);

	/* The owner answers: no more escalation. */
	json_decref(call(&t, "POST", "/v1/recommendations/bamako-2019/1/comments",
			 "{\"comment\":\"Le budget est en discussion\"}", 200));
	a = nt_run(&t, false, "2026-12-14", 200);
	ck_assert_ptr_null(notification(a, "escalation:2026-12-14"));
	json_decref(a);
	nt_stop(&t);
}
END_TEST

/* The client shows why: suivi remind --dry-run gives each item's reason per recipient,
 * suivi owner edit sets cc and pauses, suivi show lists the reminders sent. */
START_TEST(client_shows_why)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){0});
	seed(t.db, "('ocrtis', 'OCRTIS', 'ocrtis@example.org', 'fr')",
	     "(1, 'Former les agents', 'ocrtis', '2026-11-16'),"
	     " (2, 'Tenir un séminaire', 'ocrtis', '2026-12-01')");
	char *url = xasprintf("http://127.0.0.1:%d", suivid_port(t.p));
	client_run_init(url, "/nonexistent");

	struct run r =
	    suivi_run(t.token, NULL, "remind", "--dry-run", "--as-of", "2026-11-28", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "reminder to ocrtis@example.org:") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "overdue 12 days") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "due in 3 days (3-day notice)") != NULL, "%s", r.out);
	run_free(&r);

	r = suivi_run(t.token, NULL, "owner", "edit", "ocrtis", "--cc", "deputy@example.org",
		      "--cc", "focal@example.org", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "deputy@example.org, focal@example.org") != NULL, "%s", r.out);
	run_free(&r);
	r = suivi_run(t.token, NULL, "owner", "edit", "ocrtis", "--cc", "Bad <x@example.org>",
		      NULL);
	expect(&r, 1);
	run_free(&r);
	r = suivi_run(t.token, NULL, "owner", "edit", "ocrtis", "--no-cc", "--cc", "a@example.org",
		      NULL);
	expect(&r, 2);
	run_free(&r);

	json_decref(nt_run(&t, false, "2026-11-28", 200));
	r = suivi_run(t.token, NULL, "show", "bamako-2019/1", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "2026-11-28  overdue to ocrtis (ocrtis@example.org") != NULL,
		      "%s", r.out);
	run_free(&r);
	r = suivi_run(t.token, NULL, "show", "bamako-2019/2", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "3-day notice to ocrtis") != NULL, "%s", r.out);
	run_free(&r);

	r = suivi_run(t.token, NULL, "owner", "edit", "ocrtis", "--reminders", "off", "--no-cc",
		      NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "paused") != NULL, "%s", r.out);
	run_free(&r);
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM owners WHERE NOT reminders AND "
					  "cc = '{}'"),
			 1);
	r = suivi_run(t.token, NULL, "remind", "--dry-run", "--as-of", "2026-12-20", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "reminder to") == NULL, "a paused owner is reminded:\n%s",
		      r.out);
	run_free(&r);
	free(url);
	nt_stop(&t);
}
END_TEST

/* 25 owners, owner k leading k overdue items and one due in 2 days, over 22 meetings: more
 * than the report's caps (20 owners, 3 items each, 20 meetings). */
static const char capped_seed[] =
    "INSERT INTO meetings (code, title, starts_on, ends_on)"
    " SELECT format('m%s', lpad(j::text, 2, '0')), format('Meeting %s', j), '2019-05-06',"
    " '2019-05-08' FROM generate_series(1, 22) j;"
    "INSERT INTO owners (handle, name, email, locale)"
    " SELECT format('o%s', lpad(k::text, 2, '0')), format('Owner %s', k),"
    " format('o%s@example.org', k), 'en' FROM generate_series(1, 25) k;"
    "INSERT INTO recommendations (meeting_id, n, text, owner_id, due_on, status)"
    " SELECT m.id, row_number() OVER (PARTITION BY m.id ORDER BY k, i),"
    " format('Item %s of owner %s', i, k), o.id,"
    " CASE WHEN i <= k THEN date '2026-10-01' + i ELSE date '2026-11-30' END, 'accepted'"
    " FROM generate_series(1, 25) k CROSS JOIN LATERAL generate_series(1, k + 1) i"
    " JOIN owners o ON o.handle = format('o%s', lpad(k::text, 2, '0'))"
    " JOIN meetings m ON m.code = format('m%s', lpad((((k - 1) % 22) + 1)::text, 2, '0'))";

/* The reminder notifications of a run's answer, without what differs between two daemons. */
static json_t *decided(json_t *answer)
{
	json_t *n = json_deep_copy(json_object_get(answer, "notifications"));
	json_decref(answer);
	return n;
}

/* Candidates read a few rows at a time (SUIVI_REMIND_BATCH=7: owners cut across batches)
 * decide the same digests as in one batch, and the ledger records exactly their items. The
 * mailed report lists at most 20 owners, 3 items each and 20 meetings, and says how many more
 * with the database's counts. */
START_TEST(batches_and_capped_report)
{
	struct nt t;
	setenv("SUIVI_REMIND_BATCH", "7", 1);
	nt_start(&t, pg, &(struct nt_opts){.schedule = "report_to = secretariat@example.org\n"});
	ck_assert_int_eq(pg_exec(t.db, capped_seed, false), 0);
	json_t *small = decided(nt_run(&t, true, "2026-11-28", 200));
	/* 350 candidates, 7 at a time */
	ck_assert(suivid_wait_log(t.p, "created=26 owners_without_email=0 fetches=51", 10000));
	unsetenv("SUIVI_REMIND_BATCH");
	nt_restart(&t);
	json_t *whole = decided(nt_run(&t, true, "2026-11-28", 200));
	ck_assert_msg(json_equal(small, whole), "batches of 7 and one batch differ");
	/* 25 digests and the report; owner k's digest lists its k + 1 items */
	ck_assert_int_eq(json_array_size(whole), 26);
	json_decref(small);
	json_decref(whole);

	setenv("SUIVI_REMIND_BATCH", "7", 1);
	nt_restart(&t);
	unsetenv("SUIVI_REMIND_BATCH");
	json_t *a = nt_run(&t, false, "2026-11-28", 200);
	const json_t *n = notification(a, "reminder:o25:2026-11-28");
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(json_array_size(json_object_get(n, "lines")), 26);
	ck_assert(has_line(n, "m03/5", "overdue 57 days"));
	json_decref(a);
	/* The ledger: one row per item of each digest, with that digest. */
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM reminder_ledger"), 350);
	ck_assert_int_eq(nt_sql_int(t.db,
				    "SELECT count(*) FROM notifications n WHERE n.kind = 'reminder'"
				    " AND (n.payload->>'items')::int <> (SELECT count(*) FROM"
				    " reminder_ledger l WHERE l.notification_id = n.id)"),
			 0);
	ck_assert_int_eq(nt_sql_int(t.db,
				    "SELECT count(*) FROM reminder_ledger l JOIN recommendations r"
				    " ON r.id = l.rec_id WHERE r.owner_id <> l.owner_id"),
			 0);

	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent' AND kind = "
			      "'overdue_report'",
			      "1", 30000));
	char *id = nt_id_of(t.db, "overdue-report:", "2026-11-28");
	json_t *m = nt_parse_mail(&t, id);
	const char *body = json_string_value(json_object_get(m, "body"));
	int total = nt_sql_int(t.db, "SELECT count(*) FROM recommendations"
				     " WHERE is_open AND due_on < '2026-11-28'");
	ck_assert_int_eq(total, 325);
	/* Owners 1 to 5 are left out: 15 items; meetings m04 and m05: 9. */
	int left = nt_sql_int(t.db, "SELECT sum(n) FROM (SELECT count(*) AS n FROM recommendations"
				    " WHERE is_open AND due_on < '2026-11-28' GROUP BY owner_id"
				    " ORDER BY n LIMIT 5) x");
	int left_m = nt_sql_int(t.db, "SELECT sum(n) FROM (SELECT count(*) AS n FROM"
				      " recommendations WHERE is_open AND due_on < '2026-11-28'"
				      " GROUP BY meeting_id ORDER BY n LIMIT 2) x");
	const char *want[] = {
	    xasprintf("%d overdue recommendations, led by 25 owners, from 22 meetings.\n", total),
	    xasprintf("\n… and 5 more owners, %d overdue recommendations\n", left),
	    xasprintf("  … and 2 more meetings, %d overdue recommendations\n", left_m),
	    xasprintf("\nOwner 25 (o25) — 25\n    m03/5 — due 2026-10-02, 57 days overdue"),
	    xasprintf("    … and 22 more: suivi list --overdue --owner o25\n"),
	    xasprintf("  m03 — Meeting 3 — 28\n"),
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_msg(strstr(body, want[i]) != NULL, "no «%s» in:\n%s", want[i], body);
		free((char *)want[i]);
	}
	ck_assert_ptr_null(strstr(body, "(o05)"));
	ck_assert_ptr_nonnull(strstr(body, "(o06) — 6\n"));
	json_decref(m);
	free(id);
	nt_stop(&t);
}
END_TEST

static Suite *remind_suite(void)
{
	Suite *s = suite_create("remind");
	TCase *tc = tcase_create("ledger");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, backfilled_overdue_items_reminded_at_once);
	tcase_add_test(tc, late_entries_into_horizons);
	tcase_add_test(tc, cc_copies_through_msmtp);
	tcase_add_test(tc, paused_and_supporting_owners);
	tcase_add_test(tc, escalation_once_a_week);
	tcase_add_test(tc, client_shows_why);
	tcase_add_test(tc, batches_and_capped_report);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	pg = pg_cluster_start();
	SRunner *sr = srunner_create(remind_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
