/* metrics.h — suivid's Prometheus metrics: what the other layers count (requests, queries, hook
 * runs, scheduler runs), each with one call at the place it happens, and the text exposition
 * format 0.0.4 that GET /metrics answers.
 *
 * Counters live in this process (the event loop is the only thread: no locks); gauges that
 * are the database's (the outbox) or the pool's are sampled when /metrics is asked for and
 * written with metrics_family/metrics_sample. Label values are route templates, methods,
 * status codes, job names and fixed outcome words: never raw paths, so that cardinality is
 * bounded by the route table.
 *
 * Layer rule: core may use only common; every other layer may use core. */
#ifndef SUIVI_METRICS_H
#define SUIVI_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* A request answered: its route's pattern ("" when no route matched), method, status and
 * how long it took. */
void metrics_http_request(const char *route, const char *method, int status, double seconds);
/* A pool statement finished (ok: without error), seconds from submission to the answer. */
void metrics_db_query(double seconds, bool ok);
/* A hook run ended: "delivered", "failed" (permanent) or "retry". */
void metrics_hook_run(const char *result);
/* The scheduler became leader or stopped being it. */
void metrics_scheduler_leader(bool leader);
/* A scheduled job ended in this process, and how. */
void metrics_scheduler_run(const char *job, bool ok);

/* Text being built for /metrics. */
struct metrics_text {
	char *s;
	size_t len, cap;
};

/* Append everything counted in this process (build info, process start, HTTP, database
 * query durations, hook runs, scheduler) to t. */
void metrics_render(struct metrics_text *t);
/* Start a family: # HELP and # TYPE lines (type "counter", "gauge" or "histogram"). */
void metrics_family(struct metrics_text *t, const char *name, const char *type, const char *help);
/* One sample; labels is "" or 'a="x",b="y"' with values already escaped (metrics_escape). */
void metrics_sample(struct metrics_text *t, const char *name, const char *labels, double value);
/* A label value escaped for the exposition format (\\, \" and \n), into out (size bytes);
 * returns out. */
const char *metrics_escape(const char *value, char *out, size_t size);

/* Forget every count (tests). */
void metrics_reset(void);

#endif
