/* test-notify-ops.c — what an operator relies on around the outbox, against a real PostgreSQL
 * and a real suivid: every timestamp of the API in UTC whatever the deployment's zone, "retry"
 * delivering pending and failed notifications at once (the API and `suivi notifications retry
 * --all`, through msmtp to a real SMTP server), a display name in [mail] from and reply_to as
 * a mail client reads it, and an empty schedule that never runs. */
#include "suivi-config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <check.h>
#include <jansson.h>

#include "client-run.h"
#include "harness.h"
#include "notify-util.h"
#include "util.h"

/* Far from UTC: a timestamp rendered in local time with a Z is 14 hours off. */
#define FAR_ZONE "Pacific/Kiritimati"
/* Everything below is created within the test: a minute or two, with room to spare. */
#define TS_BOUND_S 900

static struct pg_cluster *pg;

struct ts_check {
	const char *what;
	long long now;
	int count;
	char seen[512]; /* " name" for each field name checked */
};

static void check_timestamps(struct ts_check *c, const json_t *j);
static json_t *get_as(struct nt *t, const char *token, const char *path);
static char *msmtp_hook(int port);

/* Every "at" and "*_at" member, at any depth: RFC 3339 UTC, within TS_BOUND_S of now. */
static void check_timestamps(struct ts_check *c, const json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach (j, i, v)
			check_timestamps(c, v);
		return;
	}
	json_object_foreach ((json_t *)j, key, v) {
		size_t n = strlen(key);
		bool ts = strcmp(key, "at") == 0 || (n > 3 && strcmp(key + n - 3, "_at") == 0);
		if (!ts || !json_is_string(v)) {
			check_timestamps(c, v);
			continue;
		}
		const char *s = json_string_value(v);
		struct tm tm = {0};
		char z = 0;
		ck_assert_msg(strlen(s) == 20 &&
				  sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
					 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
					 &z) == 7 &&
				  z == 'Z',
			      "%s: %s = \"%s\" is not RFC 3339 UTC", c->what, key, s);
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		long long t = (long long)timegm(&tm);
		ck_assert_msg(llabs(t - c->now) <= TS_BOUND_S,
			      "%s: %s = %s is %+lld s from the database's clock", c->what, key, s,
			      t - c->now);
		c->count++;
		if (strstr(c->seen, key) == NULL && strlen(c->seen) + n + 2 < sizeof c->seen) {
			strcat(c->seen, " ");
			strcat(c->seen, key);
		}
	}
}

static json_t *get_as(struct nt *t, const char *token, const char *path)
{
	struct http_response *r =
	    http_do(suivid_port(t->p), "GET", path, token, NULL, NULL, NULL, 30000);
	ck_assert_msg(r->status == 200, "GET %s: %d %s", path, r->status,
		      r->body != NULL ? r->body : "");
	json_t *j = http_json(r);
	http_response_free(r);
	ck_assert_ptr_nonnull(j);
	return j;
}

static char *msmtp_hook(int port)
{
	return xasprintf("/usr/bin/msmtp --host=127.0.0.1 --port=%d --from=suivi@example.org "
			 "--auth=off --tls=off -t\n",
			 port);
}

/* --- every timestamp of every resource is UTC ------------------------------------------ */

START_TEST(timestamps_are_utc_far_from_utc)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .timezone = FAR_ZONE});
	nt_seed_one(t.db);
	char *today = pg_query_value(t.db, "SELECT (now() AT TIME ZONE '" FAR_ZONE "')::date");
	/* Due in exactly 3 days there: a reminder today. */
	char *sql = xasprintf("UPDATE recommendations SET due_on = '%s'::date + 3", today);
	pg_exec(t.db, sql, false);
	free(sql);
	json_decref(nt_post(&t, "/v1/recommendations/bamako-2019/1/comments",
			    "{\"comment\":\"Checked with the office\"}", 200));
	json_decref(nt_run(&t, false, today, 200));
	ck_assert(
	    nt_wait_sql(t.db, "SELECT string_agg(state, ',') FROM notifications", "sent", 30000));
	char *admin = suivid_make_token(t.p, "ts-admin", "admin", NULL);

	static const struct {
		const char *path;
		bool admin;
		const char *must; /* fields that must have been seen */
	} resources[] = {
	    {"/v1/notifications", false, " created_at updated_at next_attempt_at sent_at"},
	    {"/v1/tokens", true, " created_at"},
	    {"/v1/owners", false, " created_at updated_at"},
	    {"/v1/meetings", false, " created_at updated_at"},
	    {"/v1/meetings/bamako-2019", false, " created_at updated_at"},
	    {"/v1/recommendations", false, " created_at updated_at"},
	    {"/v1/recommendations/bamako-2019/1", false, " created_at updated_at"},
	    {"/v1/recommendations/bamako-2019/1/history", false, " at"},
	};
	char *now = pg_query_value(t.db, "SELECT extract(epoch FROM now())::bigint");
	for (size_t i = 0; i < ARRAY_LEN(resources); i++) {
		struct ts_check c = {.what = resources[i].path, .now = strtoll(now, NULL, 10)};
		json_t *j = get_as(&t, resources[i].admin ? admin : t.token, resources[i].path);
		check_timestamps(&c, j);
		json_decref(j);
		char *want = xstrdup(resources[i].must);
		for (char *save = NULL, *k = strtok_r(want, " ", &save); k != NULL;
		     k = strtok_r(NULL, " ", &save)) {
			char *word = xasprintf(" %s", k);
			size_t n = strlen(word);
			const char *p = c.seen;
			bool found = false;
			while ((p = strstr(p, word)) != NULL && !found) {
				found = p[n] == '\0' || p[n] == ' ';
				p += n;
			}
			ck_assert_msg(found, "%s: no %s checked (seen:%s)", resources[i].path, k,
				      c.seen);
			free(word);
		}
		free(want);
	}
	free(now);
	free(admin);
	free(today);
	nt_stop(&t);
}
END_TEST

/* --- retry = deliver now, pending and failed alike ---------------------------------------- */

START_TEST(retry_delivers_now)
{
	struct nt t;
	int port = nt_free_port();
	char *hook = msmtp_hook(port);
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .hook_command = hook});
	nt_seed(t.db);
	char *today = nt_today(t.db);

	/* No SMTP server yet: msmtp exits 75, both digests wait for their next attempt. */
	json_decref(nt_run(&t, false, today, 200));
	ck_assert(nt_wait_sql(t.db,
			      "SELECT string_agg(state || ' ' || attempts, ',' ORDER BY recipient)"
			      " FROM notifications",
			      "pending 1,pending 1", 30000));
	/* One failed for good, the other far from its next attempt (a relay down for long). */
	pg_exec(t.db,
		"UPDATE notifications SET state = 'failed' WHERE recipient = 'undp@example.org';"
		"UPDATE notifications SET next_attempt_at = now() + interval '1 hour'"
		" WHERE recipient = 'ocrtis@example.org'",
		false);
	pid_t smtp = nt_smtp_start(&t, port);

	/* The relay is back: deliver the pending one now, not in an hour. */
	char *id = pg_query_value(
	    t.db, "SELECT id FROM notifications WHERE recipient = 'ocrtis@example.org'");
	char *path = xasprintf("/v1/notifications/%s/retry", id);
	json_t *n = nt_post(&t, path, NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(n, "state")), "pending");
	ck_assert_int_eq(json_integer_value(json_object_get(n, "attempts")), 0);
	json_decref(n);
	free(nt_wait_file(&t, "smtp-0.json", 30000));
	ck_assert(nt_wait_sql(
	    t.db, "SELECT state FROM notifications WHERE recipient = 'ocrtis@example.org'", "sent",
	    30000));
	/* A sent one is not sent again. */
	n = nt_post(&t, path, NULL, 409);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(n, "detail")), "is sent"));
	json_decref(n);

	/* suivi notifications retry --all: every one not sent, here the failed one. */
	char *url = xasprintf("http://127.0.0.1:%d", suivid_port(t.p));
	client_run_init(url, t.dir);
	struct run r = suivi_run(t.token, NULL, "notifications", "retry", "--all", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "1 notification retried"));
	run_free(&r);
	free(nt_wait_file(&t, "smtp-1.json", 30000));
	ck_assert(nt_wait_sql(t.db, "SELECT string_agg(state, ',') FROM notifications", "sent,sent",
			      30000));
	r = suivi_run(t.token, NULL, "notifications", "retry", "--all", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "0 notifications retried"));
	run_free(&r);
	/* One by ID: a sent one is refused with the server's reason. */
	r = suivi_run(t.token, NULL, "notifications", "retry", id, NULL);
	expect(&r, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "only a pending or failed notification"));
	run_free(&r);
	/* Either one ID or --all. */
	r = suivi_run(t.token, NULL, "notifications", "retry", NULL);
	ck_assert_int_eq(r.code, 2);
	run_free(&r);
	r = suivi_run(t.token, NULL, "notifications", "retry", id, "--all", NULL);
	ck_assert_int_eq(r.code, 2);
	run_free(&r);
	ck_assert_ptr_null(nt_read_file(nt_path(&t, "", "smtp-2.json")));

	free(url);
	free(path);
	free(id);
	nt_smtp_stop(smtp);
	free(hook);
	free(today);
	nt_stop(&t);
}
END_TEST

/* --- [mail] from and reply_to with display names, as received --------------------------- */

START_TEST(display_names_as_received)
{
	struct nt t;
	int port = nt_free_port();
	char *hook = msmtp_hook(port);
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "",
				   .hook_command = hook,
				   .mail =
				       "from = Secr\xc3\xa9tariat du dialogue <suivi@example.org>\n"
				       "reply_to = \"Desk, Gen\xc3\xa8ve\" <desk@example.org>\n"});
	pid_t smtp = nt_smtp_start(&t, port);
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	char *eml = nt_wait_file(&t, "smtp-0.json", 30000);
	json_t *env = json_loads(eml, 0, NULL);
	json_t *rcpt = json_object_get(env, "rcpt_tos");
	ck_assert_int_eq(json_array_size(rcpt), 1); /* the owner alone */
	ck_assert_str_eq(json_string_value(json_array_get(rcpt, 0)), "ocrtis@example.org");
	json_decref(env);
	free(eml);

	char *file = xasprintf("%s/smtp-0.eml", t.dir);
	json_t *m = nt_parse_file(&t, file);
	int froms = 0, reply_tos = 0;
	size_t i;
	json_t *h;
	json_array_foreach (json_object_get(m, "headers"), i, h) {
		froms += strcasecmp(json_string_value(json_array_get(h, 0)), "From") == 0;
		reply_tos += strcasecmp(json_string_value(json_array_get(h, 0)), "Reply-To") == 0;
	}
	ck_assert_int_eq(froms, 1);
	ck_assert_int_eq(reply_tos, 1);
	ck_assert_str_eq(nt_header(m, "From"),
			 "Secr\xc3\xa9tariat du dialogue <suivi@example.org>");
	ck_assert_str_eq(nt_header(m, "Reply-To"), "\"Desk, Gen\xc3\xa8ve\" <desk@example.org>");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "defects")), 0);
	/* On the wire the name is encoded, never raw 8-bit in a header. */
	char *raw = nt_read_file(file);
	ck_assert_ptr_nonnull(strstr(raw, "From: =?UTF-8?B?"));
	free(raw);
	json_decref(m);
	free(file);
	nt_smtp_stop(smtp);
	free(hook);
	free(today);
	nt_stop(&t);
}
END_TEST

/* --- an empty schedule never runs ------------------------------------------------------- */

START_TEST(empty_schedule_never_runs)
{
	struct nt t;
	nt_start(&t, pg,
		 &(struct nt_opts){.schedule = "report_to = secretariat@example.org\n"
					       "reminders = \"\"\n"
					       "overdue_report = daily 00:00\n"});
	/* The first start records the report's latest time, and nothing for the reminders. */
	ck_assert(suivid_wait_log(t.p, "event=scheduler_baseline job=overdue_report", 20000));
	suivid_kill(t.p, SIGTERM);
	ck_assert_int_ne(suivid_wait_exit(t.p, 15000), -1);
	ck_assert_ptr_null(strstr(suivid_log(t.p), "job=reminders"));
	/* A missed day for both: the report catches up, the reminders still never run. */
	nt_seed(t.db);
	pg_exec(t.db, "UPDATE scheduler_runs SET scheduled_for = scheduled_for - interval '3 days'",
		false);
	nt_restart(&t);
	ck_assert(suivid_wait_log(t.p, "event=scheduler_missed_run job=overdue_report", 30000));
	char *today = nt_today(t.db);
	char *want = xasprintf("overdue-report:%s sent", today);
	ck_assert(nt_wait_sql(t.db,
			      "SELECT string_agg(dedup_key || ' ' || state, ',' ORDER BY dedup_key)"
			      " FROM notifications",
			      want, 30000));
	ck_assert_int_eq(nt_sql_int(t.db, "SELECT count(*) FROM scheduler_runs"
					  " WHERE job = 'reminders'"),
			 0);
	ck_assert_ptr_null(strstr(suivid_log(t.p), "job=reminders"));
	free(want);
	free(today);
	nt_stop(&t);
}
END_TEST

static Suite *notify_ops_suite(void)
{
	Suite *s = suite_create("notify-ops");
	TCase *tc = tcase_create("ops");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, timestamps_are_utc_far_from_utc);
	tcase_add_test(tc, retry_delivers_now);
	tcase_add_test(tc, display_names_as_received);
	tcase_add_test(tc, empty_schedule_never_runs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	pg = pg_cluster_start();
	SRunner *sr = srunner_create(notify_ops_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
