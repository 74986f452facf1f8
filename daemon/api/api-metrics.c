/* api-metrics.c — GET /metrics for Prometheus (text exposition format 0.0.4): what this
 * process counted (core/metrics.c, the token cache's figures), the pool's connections by
 * state and its queue, and what the database holds — the outbox by kind and state, the
 * oldest pending notification's age, the scheduler's last recorded run per job. Open without
 * a token from this machine and to metrics and admin tokens (ROUTE_METRICS, decided by the
 * router). When the database does not answer, the process's own metrics are still served,
 * with suivi_database_up 0. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-metrics.h"
#include "api/api-util.h"
#include "core/metrics.h"
#include "http/token-cache.h"
#include "util.h"

static void metrics_get(struct api_request *r);
static void metrics_done(PGresult *res, const struct db_error *err, void *arg);
static void render_database(struct metrics_text *t, const json_t *doc);

const struct db_stmt api_metrics_stmts[] = {
    {"metrics_database", "SELECT suivi_metrics()::text"},
    {NULL, NULL},
};

const struct route api_metrics_routes[] = {
    {EVHTTP_REQ_GET, "/metrics", ROLE_ADMIN, BODY_NONE, ROUTE_METRICS, metrics_get},
    {0, NULL, 0, 0, 0, NULL},
};

static void metrics_get(struct api_request *r)
{
	static const char *const allowed[] = {NULL};
	json_t *errors = NULL;
	if (!api_check_query(r, allowed, &errors)) {
		api_problem(r, 422, "invalid_query", errors, "/metrics takes no parameters");
		return;
	}
	if (db_exec(api_pool(r), "metrics_database", 0, NULL, metrics_done, r) != 0)
		metrics_done(NULL, NULL, r);
}

static void metrics_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	struct metrics_text t = {0};
	json_t *doc =
	    res != NULL && PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	(void)err; /* a failed query is the metric suivi_database_up 0, not an error */

	metrics_render(&t);
	token_cache_metrics(&t);
	struct db_pool_stats st;
	db_pool_stats(api_pool(r), &st);
	metrics_family(&t, "suivi_db_connections", "gauge",
		       "The pool's connections by state: idle, busy, connecting, down.");
	metrics_sample(&t, "suivi_db_connections", "state=\"idle\"", st.idle);
	metrics_sample(&t, "suivi_db_connections", "state=\"busy\"", st.busy);
	metrics_sample(&t, "suivi_db_connections", "state=\"connecting\"", st.connecting);
	metrics_sample(&t, "suivi_db_connections", "state=\"down\"", st.down);
	metrics_family(&t, "suivi_db_queue_length", "gauge",
		       "Statements waiting for a pool connection.");
	metrics_sample(&t, "suivi_db_queue_length", "", st.queued);
	metrics_family(&t, "suivi_database_up", "gauge",
		       "1 when the database answered this scrape's query.");
	metrics_sample(&t, "suivi_database_up", "", doc != NULL ? 1 : 0);
	if (doc != NULL)
		render_database(&t, doc);
	json_decref(doc);
	api_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", t.s, t.len);
	free(t.s);
}

/* The database's numbers. The outbox's kinds and states are the database's: rows as they
 * come (a pair with no notification has no series). */
static void render_database(struct metrics_text *t, const json_t *doc)
{
	char labels[256], a[64], b[64];
	size_t i;
	const json_t *row;

	metrics_family(t, "suivi_outbox_notifications", "gauge",
		       "Notifications in the outbox by kind and state (sent: reminders and "
		       "reports delivered).");
	json_array_foreach (json_object_get(doc, "outbox"), i, row) {
		const char *kind = json_string_value(json_object_get(row, "kind"));
		const char *state = json_string_value(json_object_get(row, "state"));
		if (kind == NULL || state == NULL)
			continue;
		snprintf(labels, sizeof labels, "kind=\"%s\",state=\"%s\"",
			 metrics_escape(kind, a, sizeof a), metrics_escape(state, b, sizeof b));
		metrics_sample(t, "suivi_outbox_notifications", labels,
			       (double)json_integer_value(json_object_get(row, "count")));
	}
	metrics_family(t, "suivi_outbox_oldest_pending_age_seconds", "gauge",
		       "Age of the oldest pending notification; 0 when none is pending.");
	const json_t *age = json_object_get(doc, "oldest_pending_seconds");
	metrics_sample(t, "suivi_outbox_oldest_pending_age_seconds", "",
		       json_is_number(age) ? json_number_value(age) : 0);
	metrics_family(t, "suivi_scheduler_last_recorded_run_timestamp_seconds", "gauge",
		       "The last run of each job recorded in the database (by any suivid), Unix "
		       "time.");
	const json_t *run;
	json_array_foreach (json_object_get(doc, "runs"), i, run) {
		const char *job = json_string_value(json_object_get(run, "job"));
		if (job == NULL)
			continue;
		snprintf(labels, sizeof labels, "job=\"%s\"", metrics_escape(job, a, sizeof a));
		metrics_sample(
		    t, "suivi_scheduler_last_recorded_run_timestamp_seconds", labels,
		    (double)(long long)json_number_value(json_object_get(run, "ran_at")));
	}
}
