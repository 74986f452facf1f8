/* scheduler.c — leader election, job timers and missed runs (see scheduler.h). */
#include "suivi-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "date.h"
#include "core/log.h"
#include "core/metrics.h"
#include "notify/outbox.h"
#include "notify/remind.h"
#include "core/schedule.h"
#include "notify/scheduler.h"
#include "util.h"

#define LEADER_CHECK_MS 3000 /* how soon another daemon takes over from a dead leader */
#define TIMER_MAX_S 3600     /* timers re-check the clock at least hourly */
#define LPOOL_TIMEOUT_MS 10000
/* "suivisch" in ASCII, as one bigint key: pg_locks shows it as classid, objid, objsubid 1. */
#define LEADER_KEY "8319671843933086568"
#define LEADER_KEY_HI "1937074550"
#define LEADER_KEY_LO "1769169768"
#define CLAIM_CLASS "21333" /* claim locks: (21333, claim id), objsubid 2 */

enum job_id {
	JOB_REMINDERS,
	JOB_REPORT,
	JOB_COUNT,
};

struct job {
	struct scheduler *s;
	enum job_id id;
	const char *name; /* scheduler_runs.job */
	bool enabled;
	struct schedule sched;
	time_t next;
	time_t catch_up_for;
	struct event *timer;
	bool running;
};

struct scheduler {
	struct event_base *base;
	struct db_pool *lpool; /* our own connection: the advisory locks live on it */
	struct db_pool *pool;
	struct outbox *outbox;
	const struct config *config;
	char *timezone;
	int32_t claimer;
	char claimer_text[16];
	struct event *check_timer;
	bool checking;
	bool leader;
	bool catch_up_pending; /* a run failed: try again at the next check */
	bool stopping;
	bool freeing;
	struct job jobs[JOB_COUNT];
};

static void check_cb(evutil_socket_t fd, short what, void *arg);
static void check_done(PGresult *res, const struct db_error *err, void *arg);
static void catch_up(struct scheduler *s);
static void catch_up_done(PGresult *res, const struct db_error *err, void *arg);
static void arm(struct job *j);
static void job_timer_cb(evutil_socket_t fd, short what, void *arg);
static void job_run(struct job *j, time_t scheduled_for);
static void job_done(struct evbuffer *answer, const struct db_error *err, void *arg);
static bool local_date(const char *tz, time_t t, char out[11]);

/* Each lock is taken only when this session does not hold it yet: a session lock taken
 * twice must be released twice, and the check runs every few seconds. */
static const char check_sql[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid()"
    "  AND locktype = 'advisory' AND granted AND objsubid = 1"
    "  AND classid = " LEADER_KEY_HI "::oid AND objid = " LEADER_KEY_LO "::oid)"
    " THEN true ELSE pg_try_advisory_lock(" LEADER_KEY ") END,"
    " CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid()"
    "  AND locktype = 'advisory' AND granted AND objsubid = 2"
    "  AND classid = " CLAIM_CLASS "::oid AND objid = $1::integer::oid)"
    " THEN true ELSE pg_try_advisory_lock(" CLAIM_CLASS ", $1::integer) END";

const struct db_stmt scheduler_stmts[] = {
    /* The last recorded run; a job never recorded gets $2 as its baseline (and no run). */
    {"scheduler_last", "SELECT * FROM suivi_scheduler_last($1, $2::bigint)"},
    {NULL, NULL},
};

struct scheduler *scheduler_new(struct event_base *base, const char *conninfo, struct db_pool *pool,
				struct outbox *outbox, const struct config *config)
{
	struct scheduler *s = xcalloc(1, sizeof *s);
	uint32_t rnd = 0;

	s->base = base;
	s->pool = pool;
	s->outbox = outbox;
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	s->claimer = (int32_t)(rnd & 0x7fffffff);
	if (s->claimer == 0)
		s->claimer = 1;
	snprintf(s->claimer_text, sizeof s->claimer_text, "%" PRId32, s->claimer);
	struct db_pool_options po = {
	    .conninfo = conninfo,
	    .size = 1,
	    .queue_max = 4,
	    .timeout_ms = LPOOL_TIMEOUT_MS,
	    .stmt_tables = NULL,
	};
	s->lpool = db_pool_new(base, &po);
	static const char *const names[JOB_COUNT] = {"reminders", "overdue_report"};
	for (int i = 0; i < JOB_COUNT; i++) {
		s->jobs[i].s = s;
		s->jobs[i].id = (enum job_id)i;
		s->jobs[i].name = names[i];
		s->jobs[i].timer = evtimer_new(base, job_timer_cb, &s->jobs[i]);
	}
	s->check_timer = event_new(base, -1, EV_PERSIST, check_cb, s);
	struct timeval tv = {LEADER_CHECK_MS / 1000, (LEADER_CHECK_MS % 1000) * 1000};
	event_add(s->check_timer, &tv);
	scheduler_set_config(s, config);
	check_cb(-1, 0, s);
	return s;
}

void scheduler_set_config(struct scheduler *s, const struct config *config)
{
	s->config = config;
	free(s->timezone);
	s->timezone = xstrdup(config->timezone);
	for (int i = 0; i < JOB_COUNT; i++) {
		struct job *j = &s->jobs[i];
		const char *text = i == JOB_REMINDERS ? config->reminders : config->overdue_report;
		char *cause = NULL;
		j->enabled = text != NULL && text[0] != '\0';
		if (i == JOB_REPORT)
			j->enabled =
			    j->enabled && config->report_to != NULL && config->report_to[0] != '\0';
		if (j->enabled && schedule_parse(text, &j->sched, &cause) != 0) {
			log_warnx("event=schedule_error job=%s cause=%s", j->name,
				  log_quote(cause));
			free(cause);
			j->enabled = false;
		}
		arm(j);
	}
}

void scheduler_stop(struct scheduler *s)
{
	/* The locks stay held until scheduler_free: hooks still running keep their claims. */
	s->stopping = true;
	event_del(s->check_timer);
	for (int i = 0; i < JOB_COUNT; i++)
		evtimer_del(s->jobs[i].timer);
}

bool scheduler_is_leader(const struct scheduler *s)
{
	return s->leader;
}

void scheduler_free(struct scheduler *s)
{
	if (s == NULL)
		return;
	s->stopping = true;
	s->freeing = true;
	db_pool_free(s->lpool); /* a pending check answers now, and is ignored */
	event_free(s->check_timer);
	for (int i = 0; i < JOB_COUNT; i++)
		event_free(s->jobs[i].timer);
	free(s->timezone);
	free(s);
}

static void check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scheduler *s = arg;
	const char *v[] = {s->claimer_text};

	(void)fd;
	(void)what;
	if (s->checking || s->stopping)
		return;
	s->checking = true;
	if (db_exec_sql(s->lpool, check_sql, 1, v, check_done, s) != 0)
		s->checking = false;
}

static void check_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct scheduler *s = arg;

	if (s->freeing)
		return;
	s->checking = false;
	bool leader = false, claim = false;
	if (res != NULL && PQntuples(res) == 1) {
		leader = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		claim = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	} else if (s->leader) {
		log_warnx("event=scheduler_connection_lost cause=%s",
			  log_quote(err != NULL && err->message != NULL ? err->message : ""));
	}
	outbox_set_claimer(s->outbox, s->claimer, claim);
	if (leader == s->leader) {
		if (leader && s->catch_up_pending && !s->stopping)
			catch_up(s);
		return;
	}
	s->leader = leader;
	metrics_scheduler_leader(leader);
	log_info("event=scheduler_leader leader=%s claim_id=%" PRId32, leader ? "true" : "false",
		 s->claimer);
	if (leader && !s->stopping)
		catch_up(s);
}

/* On becoming leader: each job's latest scheduled time runs now if it was never run. */
static void catch_up(struct scheduler *s)
{
	time_t now = time(NULL);

	s->catch_up_pending = false;
	for (int i = 0; i < JOB_COUNT; i++) {
		struct job *j = &s->jobs[i];
		if (!j->enabled || j->running)
			continue;
		time_t prev = schedule_prev(&j->sched, s->timezone, now);
		if (prev == (time_t)-1)
			continue;
		char prev_text[24];
		snprintf(prev_text, sizeof prev_text, "%lld", (long long)prev);
		const char *v[] = {j->name, prev_text};
		j->running = true; /* until the answer: no second catch-up meanwhile */
		j->catch_up_for = prev;
		if (db_exec(s->pool, "scheduler_last", 2, v, catch_up_done, j) != 0)
			j->running = false;
	}
}

static void catch_up_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct job *j = arg;
	struct scheduler *s = j->s;

	j->running = false;
	if (res == NULL) {
		s->catch_up_pending = true;
		log_warnx("event=scheduler_catch_up_failed job=%s cause=%s", j->name,
			  log_quote(err->message != NULL ? err->message : ""));
		return;
	}
	if (PQntuples(res) != 1 || s->stopping || !s->leader)
		return;
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0) {
		log_info("event=scheduler_baseline job=%s", j->name);
		return;
	}
	time_t last = (time_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	if (last < j->catch_up_for) {
		log_info("event=scheduler_missed_run job=%s scheduled_for=%lld last=%lld", j->name,
			 (long long)j->catch_up_for, (long long)last);
		job_run(j, j->catch_up_for);
	}
}

/* Wake at the next scheduled time (or within TIMER_MAX_S, to follow clock changes). */
static void arm(struct job *j)
{
	struct scheduler *s = j->s;
	struct timeval now_tv;

	evtimer_del(j->timer);
	if (!j->enabled || s->stopping)
		return;
	gettimeofday(&now_tv, NULL);
	time_t next = schedule_next(&j->sched, s->timezone, now_tv.tv_sec);
	if (next == (time_t)-1) {
		log_warnx("event=schedule_error job=%s cause=\"no next run\"", j->name);
		return;
	}
	j->next = next;
	long long wait_ms = ((long long)next - now_tv.tv_sec) * 1000 - now_tv.tv_usec / 1000 + 50;
	if (wait_ms > (long long)TIMER_MAX_S * 1000)
		wait_ms = (long long)TIMER_MAX_S * 1000;
	if (wait_ms < 0)
		wait_ms = 0;
	struct timeval tv = {(time_t)(wait_ms / 1000), (suseconds_t)(wait_ms % 1000) * 1000};
	evtimer_add(j->timer, &tv);
}

static void job_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;
	time_t due = j->next;

	(void)fd;
	(void)what;
	if (time(NULL) >= due && j->s->leader && !j->s->stopping)
		job_run(j, due);
	arm(j);
}

static void job_run(struct job *j, time_t scheduled_for)
{
	struct scheduler *s = j->s;
	char as_of[11];

	if (j->running)
		return;
	if (!local_date(s->timezone, scheduled_for, as_of)) {
		log_warnx("event=schedule_error job=%s cause=\"unknown time zone\"", j->name);
		return;
	}
	struct remind_request req = {
	    .as_of = as_of,
	    .dry_run = false,
	    .reminders = j->id == JOB_REMINDERS,
	    .report = j->id == JOB_REPORT,
	    .job = j->name,
	    .scheduled_for = scheduled_for,
	};
	j->running = true;
	log_info("event=scheduler_run job=%s as_of=%s scheduled_for=%lld", j->name, as_of,
		 (long long)scheduled_for);
	remind_run(s->pool, s->config, s->outbox, &req, job_done, j);
}

static void job_done(struct evbuffer *answer, const struct db_error *err, void *arg)
{
	struct job *j = arg;

	j->running = false;
	metrics_scheduler_run(j->name, answer != NULL);
	if (answer == NULL) {
		/* Not recorded in scheduler_runs: the next leader check catches up. */
		j->s->catch_up_pending = true;
		log_warnx("event=scheduler_run_failed job=%s cause=%s", j->name,
			  log_quote(err != NULL && err->message != NULL ? err->message : ""));
		return;
	}
}

/* The date in zone tz at time t. */
static bool local_date(const char *tz, time_t t, char out[11])
{
	struct date d;

	if (!date_in_zone(tz, t, &d))
		return false;
	date_format(&d, out);
	return true;
}
