/* api-health.c — GET /v1/health: is the daemon up, and can it reach PostgreSQL? Public, and
 * bounded: it answers within HEALTH_DEADLINE_MS whatever the database does, so that a load
 * balancer or the harness never hangs on it. */
#include "suivi-config.h"

#include <stdlib.h>

#include "api/api-health.h"
#include "core/log.h"

/* Below the 2 s a prober allows; the pool usually fails faster when nothing is connected. */
#define HEALTH_DEADLINE_MS 1500

/* One probe: the request is answered by whichever comes first, the result or the timer. */
struct health_probe {
	struct api_request *r; /* NULL once answered */
	struct event *timer;
	bool query_done;
};

static void health_get(struct api_request *r);
static void health_result(PGresult *res, const struct db_error *err, void *arg);
static void health_timeout(evutil_socket_t fd, short what, void *arg);
static void health_answer(struct health_probe *p, bool ok);
static void health_probe_release(struct health_probe *p);

const struct db_stmt api_health_stmts[] = {
    {"health_ping", "SELECT 1"},
    {NULL, NULL},
};

const struct route api_health_routes[] = {
    {EVHTTP_REQ_GET, "/v1/health", ROLE_PUBLIC, BODY_NONE, 0, health_get},
    {0},
};

static void health_get(struct api_request *r)
{
	struct health_probe *p = xcalloc(1, sizeof *p);
	p->r = r;
	p->timer = evtimer_new(api_base(r), health_timeout, p);
	if (p->timer == NULL)
		fatalx("event=out_of_memory where=health");
	struct timeval tv = {HEALTH_DEADLINE_MS / 1000, (HEALTH_DEADLINE_MS % 1000) * 1000};
	evtimer_add(p->timer, &tv);
	/* Ahead of the queue: behind a busy pool's waiting requests, the ping missed the
	 * deadline with the database up (503 "unavailable" under the HTTP fuzzer's load). */
	if (db_exec_first(api_pool(r), "health_ping", 0, NULL, health_result, p) != 0) {
		log_warnx("event=health_failed cause=\"statement health_ping unknown\"");
		p->query_done = true;
		health_answer(p, false);
		health_probe_release(p);
	}
}

static void health_result(PGresult *res, const struct db_error *err, void *arg)
{
	struct health_probe *p = arg;
	p->query_done = true;
	if (p->r != NULL)
		health_answer(p, res != NULL && PQntuples(res) == 1);
	health_probe_release(p);
}

static void health_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct health_probe *p = arg;
	log_warnx("event=health_timeout ms=%d", HEALTH_DEADLINE_MS);
	health_answer(p, false);
	health_probe_release(p);
}

static void health_answer(struct health_probe *p, bool ok)
{
	struct api_request *r = p->r;
	p->r = NULL;
	evtimer_del(p->timer);
	json_t *body = json_pack("{s:s, s:s, s:s}", "status", ok ? "ok" : "degraded", "database",
				 ok ? "ok" : "unavailable", "version", PACKAGE_VERSION);
	api_set_header(r, "Cache-Control", "no-store");
	api_reply_json(r, ok ? 200 : 503, body);
}

/* Freed once answered and once the pool has called back (it always does). */
static void health_probe_release(struct health_probe *p)
{
	if (p->r != NULL || !p->query_done)
		return;
	event_free(p->timer);
	free(p);
}
