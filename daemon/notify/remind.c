/* remind.c — decide the reminders and the overdue report as of a date and write them to the
 * outbox in one transaction, on one borrowed connection:
 *
 *   BEGIN → lock (one run at a time) → claim the scheduled time (scheduled runs) →
 *   DECLARE a cursor on the candidates → { FETCH a batch → INSERT its digests … ON CONFLICT
 *   DO NOTHING } until the last → reminder_skips → escalations, stale items, the report's
 *   documents → INSERT those → COMMIT, then kick the outbox.
 *
 * The run holds one batch of candidates at a time (and the rows of the owner a batch cuts,
 * until the next completes it), and drops each digest's body once written. The report's
 * documents are computed and capped in SQL (suivi_report_overdue_mail): counts, and the lists
 * a person reads. So the run's memory does not grow with the database, except for what the
 * answer lists (one summary per notification, one line per item reminded: kept as plain text
 * and written out as JSON one notification at a time, only for a run the API asked for).
 *
 * A dry run takes the same path in a READ ONLY transaction, skips the writes and asks which
 * dedup keys do not exist yet instead of inserting. */
#include "suivi-config.h"

#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "render/digest.h"
#include "core/log.h"
#include "render/mail.h"
#include "notify/outbox.h"
#include "notify/remind-internal.h"
#include "notify/remind.h"
#include "util.h"

/* "suivirun" in ASCII: serialises runs (two daemons, or the API and the scheduler). Distinct
 * from the migration ("suivimig") and scheduler leader ("suivisch") keys. */
#define REMIND_LOCK_KEY "8319671843933025646"

static void run_send(struct run *run, enum step step, const char *stmt, int n,
		     const char *const *values);
static void run_sql(struct run *run, enum step step, const char *sql);
static void run_acquired(struct db_conn *conn, const struct db_error *err, void *arg);
static void run_step_done(PGresult *res, const struct db_error *err, void *arg);
static void run_next_after_claim(struct run *run);
static void run_fetch(struct run *run);
static void run_after_candidates(struct run *run);
static void run_after_skips(struct run *run);
static void run_after_escalations(struct run *run);
static void run_report(struct run *run);
static void run_insert(struct run *run, enum step step, enum step next);
static void run_inserted(struct run *run, PGresult *res);
static void run_finish(struct run *run);
static void run_fail(struct run *run, const struct db_error *err);
static void run_free(struct run *run);

/* The candidates, read REMIND_BATCH rows at a time in the run's transaction (a cursor is not a
 * statement the pool can prepare). */
static const char declare_sql[] =
    "DECLARE remind_candidates NO SCROLL CURSOR FOR SELECT * FROM"
    " suivi_remind_candidates($1::date, $2::integer, $3::boolean, $4::bigint)";

/* The SQL lives in sql/api/60-notify.sql and 50-reports.sql. */
const struct db_stmt remind_stmts[] = {
    {"remind_lock", "SELECT pg_advisory_xact_lock(" REMIND_LOCK_KEY ")"},
    /* Zero rows: this scheduled time (or a later one) already ran. */
    {"remind_claim_run", "SELECT suivi_remind_claim_run($1, $2::bigint)"},
    {"remind_escalations", "SELECT * FROM suivi_remind_escalations($1::date, $2::integer)"},
    /* The report lists at most 50 stale items, and how many there are. */
    {"remind_stale", "SELECT suivi_remind_stale($1::date, $2::integer, 50)::text"},
    {"remind_skips", "SELECT suivi_remind_skips($1::date, $2::jsonb)"},
    /* The mailed report's lists are capped (REPORT_* in remind-internal.h); the counts are
     * whole. */
    {"remind_report", "SELECT suivi_report_overdue_mail($1::date, $2, $3::integer, $4::integer)"
		      "::text, suivi_report_changes($1::date, $2, $5::integer)::text"},
    {"remind_insert",
     "SELECT * FROM suivi_notifications_insert($1::jsonb, $2::date, $3::bigint[], $4::bigint[],"
     " $5::text[], $6::integer[], $7::date[], $8::integer[])"},
    {"remind_preview", "SELECT * FROM suivi_notifications_preview($1::jsonb)"},
    {NULL, NULL},
};

void remind_run(struct db_pool *pool, const struct config *config, struct outbox *outbox,
		const struct remind_request *req, remind_done_cb cb, void *arg)
{
	struct run *run = xcalloc(1, sizeof *run);

	run->pool = pool;
	run->outbox = outbox;
	run->cb = cb;
	run->arg = arg;
	snprintf(run->as_of, sizeof run->as_of, "%s", req->as_of);
	run->dry_run = req->dry_run;
	/* SUIVI_REMIND_BATCH: for the tests, a batch small enough to cut owners. */
	const char *batch = getenv("SUIVI_REMIND_BATCH");
	run->batch = batch != NULL && atoi(batch) > 0 ? atoi(batch) : REMIND_BATCH;
	run->reminders = req->reminders;
	run->report = req->report && config->report_to != NULL && config->report_to[0] != '\0';
	run->job = req->job != NULL ? xstrdup(req->job) : NULL;
	snprintf(run->scheduled_for, sizeof run->scheduled_for, "%lld",
		 (long long)req->scheduled_for);
	run->timezone = xstrdup(config->timezone);
	run->report_to = xstrdup(config->report_to != NULL ? config->report_to : "");
	run->n_before = config->n_remind_before;
	memcpy(run->before, config->remind_before, sizeof run->before);
	run->overdue_every = config->remind_overdue_every;
	run->supporting = config->remind_supporting;
	run->replies = config->mail_reply_address != NULL && config->mail_reply_address[0] != '\0';
	/* Links in the digests sign their owner in until link_days from now. */
	run->public_url = xstrdup(config->public_url != NULL ? config->public_url : "");
	run->link_days = config->link_days;
	run->link_expires = (long long)time(NULL) + (long long)config->link_days * 86400;
	run->escalate_after = config->escalate_after;
	run->stale_after = config->stale_after;
	run->escalate_to = xstrdup(config->escalate_to != NULL && config->escalate_to[0] != '\0'
				       ? config->escalate_to
				       : run->report_to);
	run->notifications = json_array();
	run->skipped = json_array();
	db_acquire(pool, run_acquired, run);
}

static void run_acquired(struct db_conn *conn, const struct db_error *err, void *arg)
{
	struct run *run = arg;

	if (conn == NULL) {
		run_fail(run, err);
		return;
	}
	run->conn = conn;
	/* REPEATABLE READ READ ONLY: a dry run sees one snapshot and cannot write anything. */
	run_sql(run, STEP_BEGIN,
		run->dry_run ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
}

static void run_send(struct run *run, enum step step, const char *stmt, int n,
		     const char *const *values)
{
	run->step = step;
	if (db_conn_exec(run->conn, stmt, n, values, run_step_done, run) != 0) {
		struct db_error err = {.status = DB_ERROR, .sqlstate = "", .message = stmt};
		run_fail(run, &err);
	}
}

static void run_sql(struct run *run, enum step step, const char *sql)
{
	run->step = step;
	if (db_conn_exec_sql(run->conn, sql, 0, NULL, run_step_done, run) != 0) {
		struct db_error err = {.status = DB_ERROR, .sqlstate = "", .message = sql};
		run_fail(run, &err);
	}
}

static void run_step_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct run *run = arg;

	if (res == NULL) {
		run_fail(run, err);
		return;
	}
	switch (run->step) {
	case STEP_BEGIN:
		if (run->dry_run)
			run_next_after_claim(run);
		else
			run_send(run, STEP_LOCK, "remind_lock", 0, NULL);
		break;
	case STEP_LOCK:
		if (run->job != NULL) {
			const char *v[] = {run->job, run->scheduled_for};
			run_send(run, STEP_CLAIM, "remind_claim_run", 2, v);
		} else {
			run_next_after_claim(run);
		}
		break;
	case STEP_CLAIM:
		if (PQntuples(res) == 0) {
			run->already_run = true;
			run_sql(run, STEP_END, "ROLLBACK");
		} else {
			run_next_after_claim(run);
		}
		break;
	case STEP_DECLARE:
		run_fetch(run);
		break;
	case STEP_FETCH:
		run->fetched_all = PQntuples(res) < run->batch;
		remind_decide_batch(run, res, run->fetched_all);
		run_insert(run, STEP_INSERT_DIGESTS, STEP_FETCH);
		break;
	case STEP_INSERT_DIGESTS:
		run_inserted(run, res);
		/* Each ledger row's foreign key is checked against notifications with a plan
		 * made for the table's statistics: on a table analysed nearly empty (a new
		 * deployment), a scan of every row this run has written, for each ledger row —
		 * at a million recommendations the first real run took 59 s instead of 10. The
		 * statistics are taken again once, after the first batch (ANALYZE counts this
		 * transaction's own rows), and the plans made anew. Not in a dry run: it writes
		 * nothing, and a read-only transaction cannot ANALYZE. */
		if (!run->dry_run && !run->analyzed && !run->fetched_all) {
			run->analyzed = true;
			run_sql(run, STEP_ANALYZE, "ANALYZE notifications");
			break;
		}
		run_fetch(run);
		break;
	case STEP_ANALYZE:
		run_fetch(run);
		break;
	case STEP_SKIPS:
		run_after_skips(run);
		break;
	case STEP_ESCALATIONS:
		remind_decide_escalations(run, res);
		run_after_escalations(run);
		break;
	case STEP_STALE:
		json_decref(run->stale);
		run->stale = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		run_report(run);
		break;
	case STEP_REPORT:
		remind_decide_report(run, res);
		run_insert(run, STEP_INSERT, STEP_END);
		break;
	case STEP_INSERT:
		run_inserted(run, res);
		run_sql(run, STEP_END, run->dry_run ? "ROLLBACK" : "COMMIT");
		break;
	case STEP_END:
		run_finish(run);
		break;
	}
}

static void run_next_after_claim(struct run *run)
{
	if (run->reminders) {
		int longest = 0;
		for (int i = 0; i < run->n_before; i++)
			if (run->before[i] > longest)
				longest = run->before[i];
		char horizon[16];
		snprintf(horizon, sizeof horizon, "%d", longest);
		char expires[24];
		snprintf(expires, sizeof expires, "%lld", run->link_expires);
		const char *v[] = {run->as_of, horizon, run->supporting ? "true" : "false",
				   run->public_url[0] != '\0' ? expires : NULL};
		run->step = STEP_DECLARE;
		if (db_conn_exec_sql(run->conn, declare_sql, 4, v, run_step_done, run) != 0) {
			struct db_error err = {
			    .status = DB_ERROR, .sqlstate = "", .message = "declare"};
			run_fail(run, &err);
		}
		return;
	}
	run_after_skips(run);
}

/* The next batch of candidates, or on when the last one is decided and written. The count is
 * ours, not a value from outside: FETCH takes no parameter. */
static void run_fetch(struct run *run)
{
	if (run->fetched_all) {
		run_after_candidates(run);
		return;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM remind_candidates", run->batch);
	run->fetches++;
	run_sql(run, STEP_FETCH, sql);
}

static void run_after_candidates(struct run *run)
{
	if (!run->dry_run && json_array_size(run->skipped) > 0) {
		char *skips = json_dumps(run->skipped, JSON_COMPACT);
		const char *v[] = {run->as_of, skips};
		run_send(run, STEP_SKIPS, "remind_skips", 2, v);
		free(skips);
		return;
	}
	run_after_skips(run);
}

/* Escalations when configured and someone reads them (the report, or an escalation mail). */
static void run_after_skips(struct run *run)
{
	if (run->escalate_after > 0 && (run->report || run->escalate_to[0] != '\0')) {
		char days[16];
		snprintf(days, sizeof days, "%d", run->escalate_after);
		const char *v[] = {run->as_of, days};
		run_send(run, STEP_ESCALATIONS, "remind_escalations", 2, v);
		return;
	}
	run_after_escalations(run);
}

static void run_after_escalations(struct run *run)
{
	if (run->report && run->stale_after > 0) {
		char days[16];
		snprintf(days, sizeof days, "%d", run->stale_after);
		const char *v[] = {run->as_of, days};
		run_send(run, STEP_STALE, "remind_stale", 2, v);
		return;
	}
	run_report(run);
}

static void run_report(struct run *run)
{
	if (run->report) {
		char listed[16], items[16], changes[16];
		snprintf(listed, sizeof listed, "%d", REPORT_LISTED);
		snprintf(items, sizeof items, "%d", REPORT_ITEMS);
		snprintf(changes, sizeof changes, "%d", REPORT_CHANGES);
		const char *v[] = {run->as_of, run->timezone, listed, items, changes};
		run_send(run, STEP_REPORT, "remind_report", 5, v);
		return;
	}
	run_insert(run, STEP_INSERT, STEP_END);
}

/* Write (or, dry, preview) the notifications decided since the last insert, with their ledger
 * rows. Nothing new: go on to next (STEP_FETCH: the next batch of candidates; STEP_END:
 * commit). */
static void run_insert(struct run *run, enum step step, enum step next)
{
	size_t from = run->inserted, to = json_array_size(run->notifications);

	if (from == to) {
		if (next == STEP_FETCH)
			run_fetch(run);
		else
			run_sql(run, STEP_END, run->dry_run ? "ROLLBACK" : "COMMIT");
		return;
	}
	json_t *part = json_array();
	for (size_t i = from; i < to; i++)
		json_array_append(part, json_array_get(run->notifications, i));
	char *rows = json_dumps(part, JSON_COMPACT);
	json_decref(part);
	if (run->dry_run) {
		const char *v[] = {rows};
		run_send(run, step, "remind_preview", 1, v);
	} else {
		char *a[6];
		remind_ledger_arrays(run, from, to, a);
		const char *v[] = {rows, run->as_of, a[0], a[1], a[2], a[3], a[4], a[5]};
		run_send(run, step, "remind_insert", 8, v);
		for (int k = 0; k < 6; k++)
			free(a[k]);
	}
	free(rows);
}

/* res: (dedup_key, id) of each notification of the last insert that is new. Records which,
 * and drops the bodies: written, they are the database's. */
static void run_inserted(struct run *run, PGresult *res)
{
	size_t from = run->inserted, to = json_array_size(run->notifications);
	/* Index the part by dedup key (unique): a run may decide thousands, and matching each
	 * returned row by a scan was quadratic. */
	json_t *by_key = json_object();
	for (size_t k = from; k < to; k++) {
		json_t *n = json_array_get(run->notifications, k);
		const char *key = json_string_value(json_object_get(n, "dedup_key"));
		if (key != NULL)
			json_object_set_new(by_key, key, json_integer((json_int_t)k));
		json_object_del(n, "body");
	}
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *k = json_object_get(by_key, PQgetvalue(res, i, 0));
		if (k != NULL)
			run->ids[json_integer_value(k)] =
			    PQgetisnull(res, i, 1) ? REMIND_NEW_DRY
						   : strtoll(PQgetvalue(res, i, 1), NULL, 10);
	}
	json_decref(by_key);
	run->inserted = to;
	run->n_ledger = 0; /* written with their notifications */
}

static int answer_put(const char *buffer, size_t size, void *data)
{
	return evbuffer_add(data, buffer, size);
}

/* The answer's JSON text, written one notification at a time: at a million recommendations
 * the lines name a couple of hundred thousand items, and as one jansson document they were
 * the largest thing the run held. Each notification's lines are freed once written. */
static struct evbuffer *run_answer(struct run *run, size_t *made)
{
	struct evbuffer *out = evbuffer_new();
	if (out == NULL)
		fatalx("event=out_of_memory where=remind_answer");
	json_t *as_of = json_string(run->as_of);
	evbuffer_add_printf(out, "{\"dry_run\":%s,\"as_of\":", run->dry_run ? "true" : "false");
	json_dump_callback(as_of, answer_put, out, JSON_ENCODE_ANY);
	json_decref(as_of);
	evbuffer_add_printf(out, ",\"notifications\":[");
	*made = 0;
	for (size_t i = 0; i < json_array_size(run->notifications); i++) {
		if (run->ids[i] == REMIND_NOT_NEW)
			continue;
		json_t *s = remind_summary_of(run, i);
		if (run->ids[i] >= 0)
			json_object_set_new(s, "id", json_integer(run->ids[i]));
		if (*made > 0)
			evbuffer_add(out, ",", 1);
		json_dump_callback(s, answer_put, out, JSON_COMPACT);
		json_decref(s);
		free(run->lines[i]);
		run->lines[i] = NULL;
		(*made)++;
	}
	evbuffer_add_printf(out, "],\"owners_without_email\":[");
	size_t i;
	json_t *s;
	json_array_foreach (run->skipped, i, s) {
		json_t *o =
		    json_pack("{s:O,s:O,s:O}", "handle", json_object_get(s, "handle"), "name",
			      json_object_get(s, "name"), "items", json_object_get(s, "items"));
		if (i > 0)
			evbuffer_add(out, ",", 1);
		json_dump_callback(o, answer_put, out, JSON_COMPACT);
		json_decref(o);
	}
	evbuffer_add_printf(out, "]}\n");
	return out;
}

/* After COMMIT or ROLLBACK: the answer — written only when someone asked for it, not for a
 * scheduled run. */
static void run_finish(struct run *run)
{
	db_release(run->conn);
	run->conn = NULL;
	size_t made = 0;
	struct evbuffer *answer;
	if (run->job == NULL) {
		answer = run_answer(run, &made);
	} else {
		for (size_t i = 0; i < json_array_size(run->notifications); i++)
			made += run->ids[i] != REMIND_NOT_NEW;
		answer = evbuffer_new();
		if (answer == NULL)
			fatalx("event=out_of_memory where=remind_answer");
	}
	log_info("event=remind_run as_of=%s dry_run=%s job=%s already_run=%s created=%zu "
		 "owners_without_email=%zu fetches=%d",
		 run->as_of, run->dry_run ? "true" : "false", run->job != NULL ? run->job : "api",
		 run->already_run ? "true" : "false", made, json_array_size(run->skipped),
		 run->fetches);
	if (!run->dry_run && made > 0 && run->outbox != NULL)
		outbox_kick(run->outbox);
	run->cb(answer, NULL, run->arg);
	evbuffer_free(answer);
	run_free(run);
}

static void run_fail(struct run *run, const struct db_error *err)
{
	log_warnx("event=remind_failed as_of=%s step=%d cause=%s", run->as_of, (int)run->step,
		  log_quote(err != NULL && err->message != NULL ? err->message : "unknown"));
	if (run->conn != NULL)
		db_release(run->conn); /* rolls the transaction back */
	run->conn = NULL;
	run->cb(NULL, err, run->arg);
	run_free(run);
}

static void run_free(struct run *run)
{
	free(run->job);
	free(run->timezone);
	free(run->report_to);
	free(run->escalate_to);
	free(run->public_url);
	json_decref(run->escalated);
	json_decref(run->stale);
	PQclear(run->carry);
	for (size_t i = 0; i < json_array_size(run->notifications); i++)
		free(run->lines[i]);
	free(run->lines);
	free(run->ids);
	free(run->ledger);
	json_decref(run->notifications);
	json_decref(run->skipped);
	free(run);
	/* A run's batches and digests were many small blocks; freed, their pages go back to
	 * the system (glibc returns only the top of the heap by itself). */
	malloc_trim(0);
}
