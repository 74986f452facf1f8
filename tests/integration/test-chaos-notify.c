/* test-chaos-notify.c — notifications under chaos: the delivery hook killed with SIGKILL in
 * the middle of its run, suivid killed with SIGKILL while a hook runs, and a failover from a
 * primary to its promoted synchronous standby while notifications are in flight and a
 * scheduled run falls due with no primary at all.
 *
 * The hook (notify-util's recording script) writes the dedup key of a notification to the
 * file `delivered` as the last thing it does, so a run cut short records nothing and a run
 * that completes records one line. Property throughout: every notification ends sent and its
 * key is in that file exactly once. */
#include "suivi-config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"
#include "notify-util.h"
#include "util.h"

/* The first run writes its pid to `started` and holds until nt_release(); every run that
 * gets to the end records its delivery. */
#define HOOK_BEHAVIOUR                                                                             \
	"if [ ! -e \"$d/first\" ]; then : > \"$d/first\"; echo $$ > \"$d/pid.tmp\"; "              \
	"mv \"$d/pid.tmp\" \"$d/started\"; "                                                       \
	"while [ ! -e \"$d/release\" ]; do sleep 0.05; done; fi; "                                 \
	"echo \"$SUIVI_DEDUP_KEY\" >> \"$d/delivered\""

static struct pg_cluster *pg;

/* The pid of the first hook run, once it holds. */
static pid_t started_hook(struct nt *t)
{
	char *text = nt_wait_file(t, "started", 20000);
	pid_t pid = (pid_t)atol(text);
	free(text);
	ck_assert_int_gt(pid, 1);
	return pid;
}

/* Gone, or a zombie nobody reaps (the init of a container may not). */
static bool process_gone(void *arg)
{
	pid_t pid = *(pid_t *)arg;
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	char *stat = nt_read_file(path);
	const char *paren = stat != NULL ? strrchr(stat, ')') : NULL;
	bool gone = stat == NULL || (paren != NULL && (paren[2] == 'Z' || paren[2] == 'X'));
	free(stat);
	return gone;
}

/* Lines of text equal to line. */
static int count_lines_equal(const char *text, const char *line)
{
	size_t len = strlen(line);
	int n = 0;
	for (const char *c = text; *c != '\0';) {
		const char *end = strchr(c, '\n');
		size_t l = end != NULL ? (size_t)(end - c) : strlen(c);
		n += l == len && strncmp(c, line, len) == 0;
		c += l + (end != NULL);
	}
	return n;
}

static int count_in_log(struct suivid_proc *p, const char *needle)
{
	int n = 0;
	for (const char *c = suivid_log(p); (c = strstr(c, needle)) != NULL; c += strlen(needle))
		n++;
	return n;
}

static bool delivered_some(void *arg)
{
	return access(nt_path(arg, "", "delivered"), F_OK) == 0;
}

/* Every notification in db was delivered exactly once: the hook's record holds each dedup
 * key once and nothing else. Returns how many notifications there are. */
static int check_delivered_once(struct nt *t, const char *db)
{
	char *keys = pg_query_value(
	    db, "SELECT string_agg(dedup_key, E'\\n' ORDER BY dedup_key) FROM notifications");
	ck_assert_msg(keys != NULL, "no notification");
	char *text = nt_read_file(nt_path(t, "", "delivered"));
	if (text == NULL)
		text = xstrdup("");
	int rows = 0, lines = 0;
	for (const char *c = text; *c != '\0'; c++)
		lines += *c == '\n';
	char *save = NULL;
	for (char *key = strtok_r(keys, "\n", &save); key != NULL;
	     key = strtok_r(NULL, "\n", &save)) {
		int n = count_lines_equal(text, key);
		fprintf(stderr, "# %s delivered %d time%s\n", key, n, n == 1 ? "" : "s");
		ck_assert_msg(n == 1, "%s delivered %d times", key, n);
		rows++;
	}
	ck_assert_msg(lines == rows, "%d deliveries recorded for %d notifications", lines, rows);
	free(text);
	free(keys);
	return rows;
}

/* The hook itself is killed with SIGKILL while it delivers: suivid sees a signal, retries
 * after its backoff, and the second run delivers — once. */
START_TEST(hook_killed_mid_delivery)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .behaviour = HOOK_BEHAVIOUR});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	pid_t hook = started_hook(&t);
	ck_assert(nt_wait_sql(t.db, "SELECT state FROM notifications", "sending", 10000));
	ck_assert_int_eq(kill(hook, SIGKILL), 0);
	double killed = now_ms();
	ck_assert(nt_wait_sql(t.db,
			      "SELECT state || ' ' || attempts || ' '"
			      " || (last_error LIKE 'killed by signal 9 %')"
			      " || ' ' || (next_attempt_at > now()) FROM notifications",
			      "pending 1 true true", 20000));
	ck_assert_msg(!delivered_some(&t), "the killed run recorded a delivery");
	/* The backoff of a first failure is 30 s ± 20 %, then the next poll claims it. */
	ck_assert(nt_wait_sql(t.db, "SELECT state || ' ' || attempts FROM notifications", "sent 2",
			      90000));
	fprintf(stderr, "# hook killed: delivered by the retry %.1f s later, %d hook runs\n",
		(now_ms() - killed) / 1000, nt_calls(&t));
	ck_assert_int_eq(nt_calls(&t), 2);
	ck_assert_int_eq(check_delivered_once(&t, t.db), 1);
	free(today);
	nt_stop(&t);
}
END_TEST

/* suivid is killed with SIGKILL while the hook delivers: the notification stays 'sending'
 * under a claim whose daemon is gone; the next suivid takes it and delivers it, and the hook
 * of the dead daemon must not finish its run as well. */
START_TEST(suivid_killed_mid_delivery)
{
	struct nt t;
	nt_start(&t, pg, &(struct nt_opts){.schedule = "", .behaviour = HOOK_BEHAVIOUR});
	nt_seed_one(t.db);
	char *today = nt_today(t.db);

	json_decref(nt_run(&t, false, today, 200));
	pid_t hook = started_hook(&t);
	ck_assert(nt_wait_sql(t.db, "SELECT state FROM notifications", "sending", 10000));
	suivid_kill(t.p, SIGKILL);
	ck_assert_int_ne(suivid_wait_exit(t.p, 10000), -1);
	double killed = now_ms();
	nt_restart(&t);
	ck_assert(nt_wait_sql(t.db, "SELECT state || ' ' || attempts FROM notifications", "sent 2",
			      30000));
	double sent = now_ms();
	/* Were the first run still going, it would finish now. */
	nt_release(&t);
	ck_assert_msg(wait_until(process_gone, &hook, 30000), "the first hook run never ended");
	fprintf(stderr, "# suivid killed: delivered by the next suivid %.1f s later\n",
		(sent - killed) / 1000);
	ck_assert_int_eq(nt_calls(&t), 2);
	ck_assert_int_eq(check_delivered_once(&t, t.db), 1);
	free(today);
	nt_stop(&t);
}
END_TEST

/* "HH:MM" of t in UTC. */
static void utc_hhmm(time_t t, char out[8])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 8, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static bool clock_past(void *arg)
{
	return time(NULL) > *(time_t *)arg;
}

static bool leader_again(void *arg)
{
	return count_in_log(arg, "event=scheduler_leader leader=true") >= 2;
}

/* Replace the overdue report's schedule in the running daemon's file and reload it. */
static void reschedule_report(struct nt *t, const char *from, const char *to)
{
	char *conf = nt_read_file(suivid_conf_path(t->p));
	char *old = xasprintf("overdue_report = daily %s\n", from);
	char *at = conf != NULL ? strstr(conf, old) : NULL;
	ck_assert_msg(at != NULL, "no '%s' in the configuration", old);
	*at = '\0';
	char *fresh = xasprintf("%soverdue_report = daily %s\n%s", conf, to, at + strlen(old));
	FILE *f = fopen(suivid_conf_path(t->p), "w");
	ck_assert_ptr_nonnull(f);
	fputs(fresh, f);
	ck_assert_int_eq(fclose(f), 0);
	suivid_kill(t->p, SIGHUP);
	ck_assert(suivid_wait_log(t->p, "event=reload result=ok", 10000));
	free(fresh);
	free(old);
	free(conf);
}

/* The scheduler's leadership follows a failover. On a primary with a synchronous standby the
 * leader runs the reminders (a missed run at start); one digest is being delivered and one
 * waits when the primary crashes. With no primary, the hook in flight finishes and the
 * overdue report falls due. Once the standby is promoted, suivid takes the lock on it, runs
 * the report it missed, records the delivery that finished, delivers the rest, and does not
 * run the reminders again: every notification is delivered exactly once. */
START_TEST(scheduler_follows_failover)
{
	struct pg_cluster *primary = pg_cluster_start();
	const char *db = pg_cluster_new_database(primary);
	const char *name = strstr(db, "dbname=") + 7;
	pg_exec(pg_cluster_conninfo(primary), "ALTER SYSTEM SET synchronous_standby_names = '*'",
		false);
	pg_exec(pg_cluster_conninfo(primary), "SELECT pg_reload_conf()", false);
	struct pg_cluster *standby = pg_cluster_standby(primary);
	char *url = xasprintf("host=%s,%s port=5432,5432 user=suivi dbname=%s"
			      " target_session_attrs=read-write",
			      pg_cluster_socket_dir(primary), pg_cluster_socket_dir(standby), name);
	char *standby_db = xasprintf("host=%s port=5432 user=suivi dbname=%s",
				     pg_cluster_socket_dir(standby), name);

	/* Reminders two minutes ago (their next run is tomorrow), the report half a day away. */
	char reminders_at[8], report_at[8];
	utc_hhmm(time(NULL) - 120, reminders_at);
	utc_hhmm(time(NULL) + 12 * 3600, report_at);
	char *schedule = xasprintf("report_to = secretariat@example.org\n"
				   "reminders = daily %s\noverdue_report = daily %s\n",
				   reminders_at, report_at);
	struct nt t;
	nt_start(&t, primary,
		 &(struct nt_opts){.schedule = schedule,
				   .hook_extra = "max_running = 1\n",
				   .behaviour = HOOK_BEHAVIOUR,
				   .db = db,
				   .url = url});
	/* The first start records the latest scheduled times without running them: make the
	 * reminders' a missed run, which the leader runs when suivid starts again. */
	ck_assert(nt_wait_sql(t.db, "SELECT count(*) FROM scheduler_runs", "2", 20000));
	suivid_kill(t.p, SIGTERM);
	ck_assert_int_ne(suivid_wait_exit(t.p, 15000), -1);
	nt_seed(t.db);
	pg_exec(t.db,
		"UPDATE scheduler_runs SET scheduled_for = scheduled_for - interval '3 days'"
		" WHERE job = 'reminders'",
		false);
	nt_restart(&t);
	ck_assert(suivid_wait_log(t.p, "event=scheduler_run job=reminders", 30000));
	pid_t hook = started_hook(&t);
	ck_assert(nt_wait_sql(t.db,
			      "SELECT count(*) FILTER (WHERE state = 'sending') || ' '"
			      " || (count(*) FILTER (WHERE state = 'pending') > 0)"
			      " || ' ' || count(*) FILTER (WHERE kind <> 'reminder')"
			      " FROM notifications",
			      "1 true 0", 20000));
	const char list_sql[] = "SELECT string_agg(id || ' ' || dedup_key, ',' ORDER BY id)"
				" FROM notifications WHERE kind = 'reminder'";
	char *before = pg_query_value(t.db, list_sql);
	ck_assert_ptr_nonnull(before);

	/* The primary crashes: the scheduler's lock goes with it. */
	pg_cluster_stop_immediate(primary);
	ck_assert(suivid_wait_log(t.p, "event=scheduler_leader leader=false", 30000));
	/* The delivery in flight finishes with no database to record it. */
	nt_release(&t);
	ck_assert(wait_until(delivered_some, &t, 20000));
	ck_assert(wait_until(process_gone, &hook, 20000));
	/* The report falls due at the next minute while there is no primary. */
	time_t due = (time(NULL) + 2 + 59) / 60 * 60;
	char due_at[8], due_date[16];
	utc_hhmm(due, due_at);
	struct tm due_tm;
	gmtime_r(&due, &due_tm);
	strftime(due_date, sizeof due_date, "%Y-%m-%d", &due_tm);
	reschedule_report(&t, report_at, due_at);
	ck_assert(wait_until(clock_past, &due, 90000));
	ck_assert_int_eq(count_in_log(t.p, "event=scheduler_run job=overdue_report"), 0);

	pg_cluster_promote(standby);
	double promoted = now_ms();
	/* The standby copied the setting: alone, its commits would wait for a standby forever. */
	pg_exec(pg_cluster_conninfo(standby), "ALTER SYSTEM RESET synchronous_standby_names",
		false);
	pg_exec(pg_cluster_conninfo(standby), "SELECT pg_reload_conf()", false);
	ck_assert_msg(wait_until(leader_again, t.p, 60000), "no leader on the new primary");
	double led = now_ms();
	ck_assert(suivid_wait_log(t.p, "event=scheduler_missed_run job=overdue_report", 30000));
	char *report = xasprintf("SELECT count(*) FILTER (WHERE state <> 'sent') || ' '"
				 " || count(*) FILTER (WHERE dedup_key = 'overdue-report:%s')"
				 " FROM notifications",
				 due_date);
	ck_assert(nt_wait_sql(standby_db, report, "0 1", 60000));
	double all_sent = now_ms();

	/* Every notification acknowledged before the crash is on the new primary, each hook
	 * ran once, each notification was delivered once, each job ran once. */
	char *after = pg_query_value(standby_db, list_sql);
	ck_assert_str_eq(after, before);
	int rows = check_delivered_once(&t, standby_db);
	ck_assert_int_eq(nt_calls(&t), rows);
	ck_assert_int_eq(count_in_log(t.p, "event=scheduler_run job=reminders"), 1);
	ck_assert_int_eq(count_in_log(t.p, "event=scheduler_run job=overdue_report"), 1);
	char *ran = xasprintf("%lld", (long long)due);
	ck_assert(nt_wait_sql(standby_db,
			      "SELECT extract(epoch FROM scheduled_for)::bigint FROM scheduler_runs"
			      " WHERE job = 'overdue_report'",
			      ran, 1000));
	fprintf(stderr,
		"# failover: leader on the new primary %.1f s after the promotion, every "
		"notification sent %.1f s after it; %d notifications, %d hook runs\n",
		(led - promoted) / 1000, (all_sent - promoted) / 1000, rows, nt_calls(&t));

	free(ran);
	free(after);
	free(report);
	free(before);
	nt_stop(&t);
	free(schedule);
	free(standby_db);
	free(url);
	pg_cluster_destroy(standby);
	pg_cluster_destroy(primary);
}
END_TEST

int main(void)
{
	pg = pg_cluster_start();
	Suite *s = suite_create("chaos-notify");
	TCase *tc = tcase_create("hook");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, hook_killed_mid_delivery);
	tcase_add_test(tc, suivid_killed_mid_delivery);
	suite_add_tcase(s, tc);
	tc = tcase_create("failover");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, scheduler_follows_failover);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
