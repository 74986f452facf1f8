/* test-notify.c — reminders, the overdue report and delivery through the hook, against a real
 * PostgreSQL and a real suivid: real hook scripts that record what they receive, a real MTA
 * (msmtp) talking SMTP to a real server (aiosmtpd), messages read back with Python's email
 * parser; dedup, retries, permanent failures, timeouts, crashes, two daemons, missed runs. */
#include "suivi-config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "harness.h"
#include "notify-util.h"
#include "util.h"

static struct pg_cluster *pg;

/* --- a French digest, an English one, the report; dedup; the API --------------------------- */

START_TEST(digests_and_report)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){0});
	nt_seed(t.db);
	char *today = nt_today(t.db);

	json_t *a = nt_run(&t, false, today, 200);
	json_t *list = json_object_get(a, "notifications");
	ck_assert_int_eq(json_array_size(list), 3);
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(a, "owners_without_email"), 0), "handle")),
	    "douanes");
	json_decref(a);
	ck_assert(nt_wait_sql(t.db, "SELECT count(*) FROM notifications WHERE state = 'sent'", "3",
			      30000));
	ck_assert_int_eq(nt_calls(&t), 3);

	/* The French digest, read back with a real mail parser. */
	char *id = nt_id_of(t.db, "reminder:ocrtis:", today);
	json_t *m = nt_parse_mail(&t, id);
	ck_assert_str_eq(nt_header(m, "Subject"),
			 "Rappel suivi\u00a0: 2 recommandations en retard, 2 à échéance prochaine");
	ck_assert_ptr_nonnull(strstr(nt_header(m, "To"), "Office central de répression (OCRTIS)"));
	ck_assert_ptr_nonnull(strstr(nt_header(m, "To"), "<ocrtis@example.org>"));
	ck_assert_str_eq(nt_header(m, "From"), "suivi@example.org");
	ck_assert_ptr_nonnull(strstr(nt_header(m, "Message-ID"), "@suivi>"));
	ck_assert_ptr_nonnull(strstr(nt_header(m, "Date"), "+0000"));
	const char *body = json_string_value(json_object_get(m, "body"));
	ck_assert_ptr_nonnull(strstr(body, "Bonjour Office central de répression (OCRTIS),"));
	ck_assert_ptr_nonnull(strstr(body, "\u00ab\u00a0Mettre en place une base de données "
					   "régionale partagée\u00a0\u00bb"));
	ck_assert_ptr_nonnull(
	    strstr(body, "Réunion\u00a0: Atelier régional de Bamako (bamako-2019)"));
	ck_assert_ptr_nonnull(strstr(body, "en retard de 8 jours"));
	ck_assert_ptr_nonnull(strstr(body, "dans 14 jours"));
	ck_assert_ptr_null(strstr(body, "Hors horizon")); /* due in 20 days: beyond every horizon */
	ck_assert_ptr_nonnull(strstr(body, "Une question\u202f?"));
	ck_assert_int_eq(json_integer_value(json_object_get(m, "defects")), 0);
	json_decref(m);
	nt_keep_sample(&t, id, "digest-fr.eml");
	char *env = nt_read_file(nt_path(&t, "env.", id));
	ck_assert_ptr_nonnull(env);
	ck_assert_ptr_nonnull(strstr(env, "SUIVI_KIND=reminder\n"));
	ck_assert_ptr_nonnull(strstr(env, "SUIVI_RECIPIENT=ocrtis@example.org\n"));
	ck_assert_ptr_nonnull(strstr(env, "SUIVI_NOTIFICATION_ID="));
	char *want_key = xasprintf("SUIVI_DEDUP_KEY=reminder:ocrtis:%s\n", today);
	ck_assert_ptr_nonnull(strstr(env, want_key));
	free(want_key);
	free(env);
	free(id);

	/* The English digest: the item due in 3 days, and the one 3 days overdue, which no
	 * reminder mentioned yet (the first run after an item is overdue includes it). */
	id = nt_id_of(t.db, "reminder:undp:", today);
	m = nt_parse_mail(&t, id);
	ck_assert_str_eq(nt_header(m, "Subject"),
			 "suivi reminder: 1 overdue recommendation, 1 due soon");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(m, "body")), "in 3 days"));
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(m, "body")), "3 days overdue"));
	json_decref(m);
	free(id);

	/* The report to the secretariat. */
	id = nt_id_of(t.db, "overdue-report:", today);
	m = nt_parse_mail(&t, id);
	ck_assert_str_eq(nt_header(m, "To"), "secretariat@example.org");
	body = json_string_value(json_object_get(m, "body"));
	ck_assert_ptr_nonnull(strstr(body, "Overdue recommendations as of"));
	ck_assert_ptr_nonnull(strstr(body, "Office central de répression (OCRTIS) (ocrtis) — 2"));
	ck_assert_ptr_nonnull(strstr(body, "bamako-2019 — Atelier régional de Bamako"));
	ck_assert_ptr_nonnull(strstr(body, "8 days overdue"));
	ck_assert_ptr_nonnull(strstr(body, "\nOverdue since "));
	ck_assert_ptr_nonnull(strstr(body, "\nClosed since "));
	ck_assert_ptr_nonnull(strstr(body, "Former les agents des douanes"));
	ck_assert_ptr_nonnull(strstr(body,
				     "Owners without an email address (reminders not sent): 1\n"
				     "  Douanes nationales (douanes) — 1 recommendation"));
	json_decref(m);
	nt_keep_sample(&t, id, "report.eml");
	free(id);

	/* The same date again: nothing new, nothing delivered again. */
	a = nt_run(&t, false, today, 200);
	ck_assert_int_eq(json_array_size(json_object_get(a, "notifications")), 0);
	json_decref(a);
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM notifications"), 3);
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM notifications WHERE state <> 'sent'"
					  " OR attempts <> 1"),
			 0);
	ck_assert_int_eq(nt_calls(&t), 3);

	/* GET /v1/notifications: secretariat only, state filter, keyset pages. */
	json_t *page = nt_get(&t, "/v1/notifications?state=sent&limit=2", 200);
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 2);
	json_t *first = json_array_get(json_object_get(page, "items"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(first, "state")), "sent");
	ck_assert_int_eq(json_integer_value(json_object_get(first, "attempts")), 1);
	ck_assert(json_is_string(json_object_get(first, "sent_at")));
	const char *next = json_string_value(json_object_get(page, "next"));
	ck_assert_ptr_nonnull(next);
	char *path = xasprintf("/v1/notifications?state=sent&limit=2&after=%s", next);
	json_t *page2 = nt_get(&t, path, 200);
	ck_assert_int_eq(json_array_size(json_object_get(page2, "items")), 1);
	ck_assert(json_is_null(json_object_get(page2, "next")));
	free(path);
	json_decref(page);
	json_decref(page2);
	json_decref(nt_get(&t, "/v1/notifications?state=failed", 200));
	json_decref(nt_get(&t, "/v1/notifications?state=lost", 422));
	char *viewer = suivid_make_token(t.p, "v", "viewer", NULL);
	struct http_response *r =
	    http_do(suivid_port(t.p), "GET", "/v1/notifications", viewer, NULL, NULL, NULL, 10000);
	ck_assert_int_eq(r->status, 403);
	http_response_free(r);
	r = http_do(suivid_port(t.p), "POST", "/v1/reminders/run", viewer, NULL, "{}", NULL, 10000);
	ck_assert_int_eq(r->status, 403);
	http_response_free(r);
	free(viewer);
	/* retry: only a failed one */
	json_decref(nt_post(&t, "/v1/notifications/1/retry", NULL, 409));
	json_decref(nt_post(&t, "/v1/notifications/999999/retry", NULL, 404));
	json_decref(nt_post(&t, "/v1/reminders/run", "{\"as_of\":\"2026-02-30\"}", 422));
	json_decref(nt_post(&t, "/v1/reminders/run", "{\"dry_run\":true,\"x\":1}", 422));
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(dry_run_writes_nothing)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){0});
	nt_seed(t.db);
	char *today = nt_today(t.db);
	const char *counts = "SELECT (SELECT count(*) FROM notifications) || '/' ||"
			     " (SELECT count(*) FROM reminder_skips) || '/' ||"
			     " (SELECT count(*) FROM scheduler_runs)";
	char *before = pg_query_value(t.db, counts);

	json_t *a = nt_run(&t, true, today, 200);
	ck_assert(json_is_true(json_object_get(a, "dry_run")));
	json_t *list = json_object_get(a, "notifications");
	ck_assert_int_eq(json_array_size(list), 3);
	size_t i;
	json_t *n;
	int reminders = 0, reports = 0, ocrtis = 0, undp = 0;
	json_array_foreach (list, i, n) {
		const char *kind = json_string_value(json_object_get(n, "kind"));
		const char *key = json_string_value(json_object_get(n, "dedup_key"));
		ck_assert_ptr_nonnull(kind);
		ck_assert_ptr_nonnull(key);
		ck_assert_ptr_nonnull(json_string_value(json_object_get(n, "subject")));
		ck_assert_ptr_nonnull(json_string_value(json_object_get(n, "recipient")));
		if (strcmp(kind, "reminder") == 0) {
			reminders++;
			/* The two owners with an address and something due: OCRTIS's four items
			 * (2 overdue, 2 due soon), UNDP's two (due in 3 days, 3 days overdue), as
			 * the real run sends. */
			if (strncmp(key, "reminder:ocrtis:", 16) == 0) {
				ocrtis++;
				ck_assert_int_eq(json_integer_value(json_object_get(n, "items")),
						 4);
			} else {
				ck_assert_msg(strncmp(key, "reminder:undp:", 14) == 0,
					      "unexpected reminder %s", key);
				undp++;
				ck_assert_int_eq(json_integer_value(json_object_get(n, "items")),
						 2);
			}
		} else {
			reports++;
			ck_assert_str_eq(kind, "overdue_report");
			ck_assert_int_eq(json_integer_value(json_object_get(n, "items")), 4);
		}
	}
	ck_assert_int_eq(reminders, 2);
	ck_assert_int_eq(ocrtis, 1);
	ck_assert_int_eq(undp, 1);
	ck_assert_int_eq(reports, 1);
	json_decref(a);
	char *after = pg_query_value(t.db, counts);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(nt_calls(&t), 0);

	/* After the real run, a dry run has nothing left to create. */
	json_decref(nt_run(&t, false, today, 200));
	a = nt_run(&t, true, today, 200);
	ck_assert_int_eq(json_array_size(json_object_get(a, "notifications")), 0);
	json_decref(a);
	free(before);
	free(after);
	free(today);
	nt_stop(&t);
}
END_TEST

/* --- header injection, and a real MTA ---------------------------------------------------- */

START_TEST(injection_through_msmtp)
{
	struct nt t;
	int port = nt_free_port();
	char *hook = xasprintf("/usr/bin/msmtp --host=127.0.0.1 --port=%d "
			       "--from=suivi@example.org --auth=off --tls=off -t\n",
			       port);
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .hook_command = hook});
	pid_t smtp = nt_smtp_start(&t, port);
	nt_seed_injection(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent'"
			      " AND kind = 'reminder'",
			      "1", 30000));
	char *eml = nt_wait_file(&t, "smtp-0.json", 10000);
	json_t *env = json_loads(eml, 0, NULL);
	/* msmtp -t takes recipients from the headers: a Bcc would have added one. */
	json_t *rcpt = json_object_get(env, "rcpt_tos");
	ck_assert_int_eq(json_array_size(rcpt), 1);
	ck_assert_str_eq(json_string_value(json_array_get(rcpt, 0)), "evil@example.org");
	json_decref(env);
	free(eml);

	char *file = xasprintf("%s/smtp-0.eml", t.dir);
	json_t *m = nt_parse_file(&t, file);
	size_t i;
	json_t *h;
	json_array_foreach (json_object_get(m, "headers"), i, h) {
		const char *name = json_string_value(json_array_get(h, 0));
		static const char *const allowed[] = {
		    "From",           "To",           "Subject",      "Date",
		    "Message-ID",     "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
		    "Auto-Submitted", "Received",     "Return-Path",  NULL};
		bool ok = false;
		for (const char *const *a = allowed; *a != NULL; a++)
			ok = ok || strcasecmp(*a, name) == 0;
		ck_assert_msg(ok, "unexpected header %s", name);
	}
	/* The owner name stays a display name, on one line. */
	ck_assert_ptr_nonnull(strstr(nt_header(m, "To"), "Evil  Bcc: victim@attacker.example"));
	ck_assert_ptr_nonnull(strstr(nt_header(m, "To"), "<evil@example.org>"));
	const char *body = json_string_value(json_object_get(m, "body"));
	ck_assert_ptr_nonnull(strstr(body, "Bcc: title@attacker.example"));
	ck_assert_ptr_nonnull(strstr(body, "Bcc: text@attacker.example"));
	ck_assert_int_eq(json_integer_value(json_object_get(m, "defects")), 0);
	char *raw = nt_read_file(file);
	for (const char *line = raw; line != NULL; line = strchr(line, '\n')) {
		line += line[0] == '\n';
		ck_assert_msg(strncasecmp(line, "Bcc:", 4) != 0, "a Bcc line reached the MTA");
	}
	free(raw);
	json_decref(m);
	free(file);
	nt_smtp_stop(smtp);
	free(hook);
	free(today);
	nt_stop(&t);
}
END_TEST

/* --- failures ---------------------------------------------------------------------------- */

START_TEST(temporary_failure_retried)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "",
				   .behaviour = "if [ ! -e \"$d/once\" ]; then : > \"$d/once\"; "
						"echo 'try later' >&2; exit 75; fi"});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	/* the first attempt fails with 75: pending again, backoff ~30 s (hook_backoff_seconds) */
	ck_assert(nt_wait_sql(t.db,
			      "SELECT state || ' ' || attempts || ' ' ||"
			      " (next_attempt_at > now() + interval '20 seconds') || ' ' ||"
			      " (last_error LIKE '%75%try later%') FROM notifications",
			      "pending 1 true true", 30000));
	/* bring the retry forward instead of waiting for the backoff */
	pg_exec(t.db, "UPDATE notifications SET next_attempt_at = now()", false);
	ck_assert(nt_wait_sql(t.db, "SELECT state || ' ' || attempts FROM notifications", "sent 2",
			      30000));
	ck_assert_int_eq(nt_calls(&t), 2);
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(permanent_failure_not_retried)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "",
				   .behaviour = "printf '5.1.1 <ocrtis@example.org>: user unknown"
						"\\n\\377 bad byte\\n' >&2; exit 67"});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	ck_assert(nt_wait_sql(t.db, "SELECT state || ' ' || attempts FROM notifications",
			      "failed 1", 30000));
	char *err = pg_query_value(t.db, "SELECT last_error FROM notifications");
	ck_assert_ptr_nonnull(strstr(err, "user unknown"));
	free(err);
	json_t *page = nt_get(&t, "/v1/notifications?state=failed", 200);
	json_t *n = json_array_get(json_object_get(page, "items"), 0);
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(n, "last_error")), "user unknown"));
	char *path = xasprintf("/v1/notifications/%lld/retry",
			       (long long)json_integer_value(json_object_get(n, "id")));
	json_decref(page);
	json_t *again = nt_post(&t, path, NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(again, "state")), "pending");
	json_decref(again);
	ck_assert(nt_wait_sql(t.db, "SELECT state FROM notifications", "failed", 30000));
	ck_assert_int_eq(nt_calls(&t), 2); /* once per explicit attempt, no automatic retry */
	free(path);
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(hanging_hook_killed_at_timeout)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "",
				   .hook_extra = "timeout = 3\n",
				   .behaviour = "echo $$ > \"$d/hang.tmp\"; "
						"mv \"$d/hang.tmp\" \"$d/hang.pid\"; "
						"exec sleep 600"});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	char *pidtext = nt_wait_file(&t, "hang.pid", 20000);
	pid_t pid = (pid_t)atoi(pidtext);
	ck_assert_int_gt(pid, 1);
	/* the loop is not blocked while the hook hangs */
	for (int i = 0; i < 5; i++) {
		struct http_response *r =
		    http_do(suivid_port(t.p), "GET", "/v1/health", NULL, NULL, NULL, NULL, 5000);
		ck_assert_int_eq(r->status, 200);
		if (harness_latency_checked("health < 500 ms while the hook hangs"))
			ck_assert_msg(r->elapsed_ms < 500, "health took %.0f ms", r->elapsed_ms);
		http_response_free(r);
	}
	ck_assert(nt_wait_sql(t.db, "SELECT state || ' ' || attempts FROM notifications",
			      "pending 1", 30000));
	char *err = pg_query_value(t.db, "SELECT last_error FROM notifications");
	ck_assert_msg(strstr(err, "timeout") != NULL || strstr(err, "timed out") != NULL,
		      "last_error: %s", err);
	free(err);
	ck_assert(kill(pid, 0) == -1 && errno == ESRCH);
	free(pidtext);
	free(today);
	nt_stop(&t);
}
END_TEST

/* --- crashes, draining, several daemons, missed runs ------------------------------------- */

START_TEST(kill9_during_hook_then_delivered)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .behaviour = NT_WAIT_FIRST});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	free(nt_wait_file(&t, "started", 20000));
	ck_assert(nt_wait_sql(t.db, "SELECT state FROM notifications", "sending", 5000));
	suivid_kill(t.p, SIGKILL);
	ck_assert_int_ne(suivid_wait_exit(t.p, 10000), -1);
	nt_restart(&t);
	ck_assert(nt_wait_sql(t.db, "SELECT state FROM notifications", "sent", 30000));
	ck_assert_int_eq(nt_calls(&t), 2); /* at least once: the killed attempt and this one */
	nt_release(&t);
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(sigterm_lets_hook_finish)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .behaviour = NT_WAIT_FIRST});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	free(nt_wait_file(&t, "started", 20000));
	suivid_kill(t.p, SIGTERM);
	ck_assert(suivid_wait_log(t.p, "event=stopping", 10000));
	nt_release(&t);
	int status = suivid_wait_exit(t.p, 15000);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	ck_assert(nt_wait_sql(t.db, "SELECT state FROM notifications", "sent", 5000));
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(two_daemons_one_delivery_each)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){0});
	struct suivid_proc *other = nt_start_other(&t);
	nt_seed(t.db);
	char *today = nt_today(t.db);

	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
			      " AND objsubid = 2 AND classid = 21333",
			      "2", 20000));
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
			      " AND objsubid = 1 AND objid = 1769169768",
			      "1", 20000));
	json_t *a = nt_run(&t, false, today, 200);
	json_t *b = nt_run_on(&t, other, false, today, 200);
	ck_assert_int_eq(json_array_size(json_object_get(a, "notifications")) +
			     json_array_size(json_object_get(b, "notifications")),
			 3);
	json_decref(a);
	json_decref(b);
	ck_assert(nt_wait_sql(t.db, "SELECT count(*) FROM notifications WHERE state = 'sent'", "3",
			      30000));
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM notifications"), 3);
	ck_assert_int_eq(nt_calls(&t), 3);
	ck_assert_int_eq(nt_distinct_calls(&t), 3);

	/* the leader dies: the other daemon takes over */
	bool first_leads = strstr(suivid_log(t.p), "event=scheduler_leader leader=true") != NULL;
	struct suivid_proc *survivor = first_leads ? other : t.p;
	suivid_kill(first_leads ? t.p : other, SIGKILL);
	ck_assert(suivid_wait_log(survivor, "event=scheduler_leader leader=true", 30000));
	suivid_stop(other);
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(missed_run_at_start)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "report_to = secretariat@example.org\n"
					       "reminders = daily 00:00\n"
					       "overdue_report = daily 00:00\n"});
	/* the first start records the latest scheduled times without running them */
	ck_assert(nt_wait_sql(t.db, "SELECT count(*) FROM scheduler_runs", "2", 20000));
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM notifications"), 0);
	suivid_kill(t.p, SIGTERM);
	ck_assert_int_ne(suivid_wait_exit(t.p, 15000), -1);
	nt_seed(t.db);
	pg_exec(t.db, "UPDATE scheduler_runs SET scheduled_for = scheduled_for - interval '3 days'",
		false);
	nt_restart(&t);
	char *today = nt_today(t.db);
	char *sql = xasprintf("SELECT string_agg(dedup_key || ' ' || state, ',' ORDER BY dedup_key)"
			      " FROM notifications");
	char *want =
	    xasprintf("overdue-report:%s sent,reminder:ocrtis:%s sent,reminder:undp:%s sent", today,
		      today, today);
	ck_assert(nt_wait_sql(t.db, sql, want, 30000));
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM scheduler_runs"
					  " WHERE scheduled_for = date_trunc('day', now())"),
			 2);
	ck_assert(suivid_wait_log(t.p, "event=scheduler_missed_run job=reminders", 1000));
	free(sql);
	free(want);
	free(today);
	nt_stop(&t);
}
END_TEST

START_TEST(sighup_applies_hook_settings)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){.schedule = ""});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	/* the reloaded hook command fails for good: proof that the reload reached the outbox */
	FILE *f = fopen(nt_path(&t, "", "hook-perm.sh"), "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\ncat > /dev/null\necho 'reloaded hook' >&2\nexit 67\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(nt_path(&t, "", "hook-perm.sh"), 0755), 0);
	char *conf = nt_read_file(suivid_conf_path(t.p));
	char *at = strstr(conf, "/hook.sh");
	ck_assert_ptr_nonnull(at);
	*at = '\0';
	char *fresh = xasprintf("%s/hook-perm.sh%s", conf, at + strlen("/hook.sh"));
	f = fopen(suivid_conf_path(t.p), "w");
	ck_assert_ptr_nonnull(f);
	fputs(fresh, f);
	ck_assert_int_eq(fclose(f), 0);
	suivid_kill(t.p, SIGHUP);
	ck_assert(suivid_wait_log(t.p, "event=reload result=ok", 10000));

	json_decref(nt_run(&t, false, today, 200));
	ck_assert(nt_wait_sql(t.db,
			      "SELECT state || ' ' || (last_error LIKE '%reloaded hook%')"
			      " FROM notifications",
			      "failed true", 30000));
	ck_assert_int_eq(nt_calls(&t), 0);
	free(conf);
	free(fresh);
	free(today);
	nt_stop(&t);
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	struct {
		const char *name;
		const TTest *tests[4];
	} groups[] = {
	    {"reminders", {digests_and_report, dry_run_writes_nothing, NULL}},
	    {"mail", {injection_through_msmtp, NULL}},
	    {"failures",
	     {temporary_failure_retried, permanent_failure_not_retried,
	      hanging_hook_killed_at_timeout, NULL}},
	    {"crashes", {kill9_during_hook_then_delivered, sigterm_lets_hook_finish, NULL}},
	    {"daemons",
	     {two_daemons_one_delivery_each, missed_run_at_start, sighup_applies_hook_settings,
	      NULL}},
	};
	for (size_t i = 0; i < ARRAY_LEN(groups); i++) {
		TCase *tc = tcase_create(groups[i].name);
		tcase_set_timeout(tc, 120);
		for (size_t k = 0; groups[i].tests[k] != NULL; k++)
			tcase_add_test(tc, groups[i].tests[k]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	pg = pg_cluster_start();
	SRunner *sr = srunner_create(notify_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
