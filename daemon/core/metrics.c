/* metrics.c — counters and histograms of suivid, and their Prometheus text (metrics.h). */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/metrics.h"
#include "util.h"

/* Upper bounds of the duration buckets, seconds (+Inf is implied). */
static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

struct histogram {
	unsigned long long counts[NBUCKETS]; /* per bucket, not cumulative */
	unsigned long long count;
	double sum;
};

/* Requests by (route, method, status); the routes are the route table's patterns, so there
 * are as many rows as routes times methods times statuses at most. */
struct request_count {
	char *route;
	char *method;
	int status;
	unsigned long long n;
};

struct route_time {
	char *route;
	struct histogram h;
};

struct job_state {
	char *job;
	double last_run; /* Unix time of the last end, 0: never */
	bool last_ok;
	unsigned long long ok, failed;
};

static struct {
	struct request_count *requests;
	size_t nrequests;
	struct route_time *routes;
	size_t nroutes;
	struct histogram db;
	unsigned long long db_errors;
	unsigned long long hooks[3]; /* delivered, failed, retry */
	bool leader;
	struct job_state *jobs;
	size_t njobs;
	double started;
} m;

static const char *const hook_results[] = {"delivered", "failed", "retry"};

static void observe(struct histogram *h, double seconds);
static void render_histogram(struct metrics_text *t, const char *name, const char *labels,
			     const struct histogram *h);
static void text_addf(struct metrics_text *t, const char *fmt, ...) PRINTFLIKE(2, 3);
static double wall_now(void);

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void observe(struct histogram *h, double seconds)
{
	if (!(seconds >= 0)) /* NaN or negative: a clock oddity, counted as 0 */
		seconds = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		if (seconds <= buckets[i]) {
			h->counts[i]++;
			break;
		}
	}
	h->count++;
	h->sum += seconds;
}

void metrics_http_request(const char *route, const char *method, int status, double seconds)
{
	if (m.started == 0)
		m.started = wall_now();
	route = route != NULL && *route != '\0' ? route : "(unmatched)";
	size_t i;
	for (i = 0; i < m.nrequests; i++) {
		struct request_count *c = &m.requests[i];
		if (c->status == status && strcmp(c->route, route) == 0 &&
		    strcmp(c->method, method) == 0)
			break;
	}
	if (i == m.nrequests) {
		m.requests = xrealloc(m.requests, (m.nrequests + 1) * sizeof *m.requests);
		m.requests[i] = (struct request_count){xstrdup(route), xstrdup(method), status, 0};
		m.nrequests++;
	}
	m.requests[i].n++;
	for (i = 0; i < m.nroutes; i++)
		if (strcmp(m.routes[i].route, route) == 0)
			break;
	if (i == m.nroutes) {
		m.routes = xrealloc(m.routes, (m.nroutes + 1) * sizeof *m.routes);
		memset(&m.routes[i], 0, sizeof m.routes[i]);
		m.routes[i].route = xstrdup(route);
		m.nroutes++;
	}
	observe(&m.routes[i].h, seconds);
}

void metrics_db_query(double seconds, bool ok)
{
	observe(&m.db, seconds);
	if (!ok)
		m.db_errors++;
}

void metrics_hook_run(const char *result)
{
	for (size_t i = 0; i < ARRAY_LEN(hook_results); i++)
		if (strcmp(result, hook_results[i]) == 0)
			m.hooks[i]++;
}

void metrics_scheduler_leader(bool leader)
{
	m.leader = leader;
}

void metrics_scheduler_run(const char *job, bool ok)
{
	size_t i;
	for (i = 0; i < m.njobs; i++)
		if (strcmp(m.jobs[i].job, job) == 0)
			break;
	if (i == m.njobs) {
		m.jobs = xrealloc(m.jobs, (m.njobs + 1) * sizeof *m.jobs);
		memset(&m.jobs[i], 0, sizeof m.jobs[i]);
		m.jobs[i].job = xstrdup(job);
		m.njobs++;
	}
	m.jobs[i].last_run = wall_now();
	m.jobs[i].last_ok = ok;
	if (ok)
		m.jobs[i].ok++;
	else
		m.jobs[i].failed++;
}

void metrics_reset(void)
{
	for (size_t i = 0; i < m.nrequests; i++) {
		free(m.requests[i].route);
		free(m.requests[i].method);
	}
	for (size_t i = 0; i < m.nroutes; i++)
		free(m.routes[i].route);
	for (size_t i = 0; i < m.njobs; i++)
		free(m.jobs[i].job);
	free(m.requests);
	free(m.routes);
	free(m.jobs);
	memset(&m, 0, sizeof m);
}

/* --- text ------------------------------------------------------------------------------- */

static void text_addf(struct metrics_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
	free(s);
}

const char *metrics_escape(const char *value, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = value; *p != '\0' && o + 3 < size; p++) {
		if (*p == '\\' || *p == '"') {
			out[o++] = '\\';
			out[o++] = *p;
		} else if (*p == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return out;
}

void metrics_family(struct metrics_text *t, const char *name, const char *type, const char *help)
{
	text_addf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_sample(struct metrics_text *t, const char *name, const char *labels, double value)
{
	/* %.17g keeps integers as integers and loses no precision. */
	if (labels[0] != '\0')
		text_addf(t, "%s{%s} %.17g\n", name, labels, value);
	else
		text_addf(t, "%s %.17g\n", name, value);
}

static void render_histogram(struct metrics_text *t, const char *name, const char *labels,
			     const struct histogram *h)
{
	const char *sep = labels[0] != '\0' ? "," : "";
	unsigned long long cumulative = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		cumulative += h->counts[i];
		text_addf(t, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, buckets[i],
			  cumulative);
	}
	text_addf(t, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, h->count);
	if (labels[0] != '\0') {
		text_addf(t, "%s_sum{%s} %.17g\n", name, labels, h->sum);
		text_addf(t, "%s_count{%s} %llu\n", name, labels, h->count);
	} else {
		text_addf(t, "%s_sum %.17g\n", name, h->sum);
		text_addf(t, "%s_count %llu\n", name, h->count);
	}
}

void metrics_render(struct metrics_text *t)
{
	char a[256], b[64], labels[512];

	if (m.started == 0)
		m.started = wall_now();
	metrics_family(t, "suivi_build_info", "gauge", "suivid's version, as a label; always 1.");
	snprintf(labels, sizeof labels, "version=\"%s\"",
		 metrics_escape(PACKAGE_VERSION, a, sizeof a));
	metrics_sample(t, "suivi_build_info", labels, 1);
	metrics_family(t, "suivi_process_start_time_seconds", "gauge",
		       "When this suivid process started counting, Unix time.");
	metrics_sample(t, "suivi_process_start_time_seconds", "", (double)(long long)m.started);

	metrics_family(t, "suivi_http_requests_total", "counter",
		       "HTTP requests answered, by route template, method and status code.");
	for (size_t i = 0; i < m.nrequests; i++) {
		const struct request_count *c = &m.requests[i];
		snprintf(labels, sizeof labels, "route=\"%s\",method=\"%s\",code=\"%d\"",
			 metrics_escape(c->route, a, sizeof a),
			 metrics_escape(c->method, b, sizeof b), c->status);
		metrics_sample(t, "suivi_http_requests_total", labels, (double)c->n);
	}
	metrics_family(t, "suivi_http_request_duration_seconds", "histogram",
		       "Time from a request's arrival to its answer, by route template.");
	for (size_t i = 0; i < m.nroutes; i++) {
		snprintf(labels, sizeof labels, "route=\"%s\"",
			 metrics_escape(m.routes[i].route, a, sizeof a));
		render_histogram(t, "suivi_http_request_duration_seconds", labels, &m.routes[i].h);
	}

	metrics_family(t, "suivi_db_query_duration_seconds", "histogram",
		       "Pool statements from submission to result, queue wait included.");
	render_histogram(t, "suivi_db_query_duration_seconds", "", &m.db);
	metrics_family(t, "suivi_db_query_errors_total", "counter",
		       "Pool statements that ended in an error (SQL, timeout or connection).");
	metrics_sample(t, "suivi_db_query_errors_total", "", (double)m.db_errors);

	metrics_family(t, "suivi_hook_runs_total", "counter",
		       "Delivery hook runs by result: delivered, failed (permanent) or retry.");
	for (size_t i = 0; i < ARRAY_LEN(hook_results); i++) {
		snprintf(labels, sizeof labels, "result=\"%s\"", hook_results[i]);
		metrics_sample(t, "suivi_hook_runs_total", labels, (double)m.hooks[i]);
	}

	metrics_family(t, "suivi_scheduler_leader", "gauge",
		       "1 when this suivid holds the scheduler's leader lock and runs the jobs.");
	metrics_sample(t, "suivi_scheduler_leader", "", m.leader ? 1 : 0);
	metrics_family(t, "suivi_scheduler_last_run_timestamp_seconds", "gauge",
		       "When a job last ended in this process, Unix time, with its outcome.");
	for (size_t i = 0; i < m.njobs; i++) {
		snprintf(labels, sizeof labels, "job=\"%s\",outcome=\"%s\"",
			 metrics_escape(m.jobs[i].job, a, sizeof a),
			 m.jobs[i].last_ok ? "ok" : "failed");
		metrics_sample(t, "suivi_scheduler_last_run_timestamp_seconds", labels,
			       (double)(long long)m.jobs[i].last_run);
	}
	metrics_family(t, "suivi_scheduler_runs_total", "counter",
		       "Scheduled job runs in this process, by job and outcome.");
	for (size_t i = 0; i < m.njobs; i++) {
		metrics_escape(m.jobs[i].job, a, sizeof a);
		snprintf(labels, sizeof labels, "job=\"%s\",outcome=\"ok\"", a);
		metrics_sample(t, "suivi_scheduler_runs_total", labels, (double)m.jobs[i].ok);
		snprintf(labels, sizeof labels, "job=\"%s\",outcome=\"failed\"", a);
		metrics_sample(t, "suivi_scheduler_runs_total", labels, (double)m.jobs[i].failed);
	}
}
