/* db.c — a pool of non-blocking libpq connections driven by the event loop.
 *
 * Each connection is a small state machine (db-conn.c): DOWN → CONNECTING → SETUP → IDLE ⇄
 * BUSY (one query at a time) or LENT (borrowed for a transaction). This file holds the pool,
 * its queue and the work items. Work that finds no idle connection waits in a
 * bounded FIFO. Every piece of work carries one timer: its deadline, also used to deliver a
 * result on the next loop turn so that no callback ever runs inside the call that submitted
 * the work.
 *
 * Failure model: a connection that breaks fails its current work with DB_UNAVAILABLE and
 * reconnects with exponential backoff. While no connection is usable and the last attempt
 * failed, the pool is "failing": new and queued work fails at once, so that clients get a 503
 * quickly instead of waiting for a deadline. */
#include "suivi-config.h"

#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/db-internal.h"
#include "db/db.h"
#include "core/log.h"
#include "core/metrics.h"
#include "util.h"

static struct work *work_new(struct db_pool *p, enum work_kind kind, const char *stmt,
			     const char *sql, int nparams, const char *const *values);
static void work_free(struct work *w);
static void work_event_cb(evutil_socket_t fd, short what, void *arg);
static bool pool_has_stmt(const struct db_pool *p, const char *name);

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_options *opt)
{
	struct db_pool *p = xcalloc(1, sizeof *p);
	p->base = base;
	p->conninfo = xstrdup(opt->conninfo);
	p->timezone = xstrdup(opt->timezone != NULL ? opt->timezone : "UTC");
	p->size = opt->size > 0 ? opt->size : 1;
	p->queue_max = opt->queue_max > 0 ? opt->queue_max : 1;
	p->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : 5000;
	TAILQ_INIT(&p->queue);
	TAILQ_INIT(&p->live);

	if (opt->stmt_tables != NULL) {
		for (const struct db_stmt *const *t = opt->stmt_tables; *t != NULL; t++)
			for (const struct db_stmt *s = *t; s->name != NULL; s++) {
				p->stmts = xrealloc(p->stmts, (p->nstmts + 1) * sizeof *p->stmts);
				p->stmts[p->nstmts++] = s;
			}
	}

	p->conns = xcalloc((size_t)p->size, sizeof *p->conns);
	for (int i = 0; i < p->size; i++)
		db_conn_init(&p->conns[i], p, i);
	return p;
}

void db_pool_free(struct db_pool *p)
{
	struct work *w;

	if (p == NULL)
		return;
	p->freeing = true;
	/* Detach every unfinished work from queue and connections first, then fail them: a
	 * callback must not find half-freed state. */
	TAILQ_FOREACH (w, &p->queue, entry)
		w->queued = false;
	TAILQ_INIT(&p->queue);
	p->queued = 0;
	for (int i = 0; i < p->size; i++) {
		struct db_conn *c = &p->conns[i];
		c->current = NULL;
		c->lender = NULL;
	}
	while ((w = TAILQ_FIRST(&p->live)) != NULL) {
		w->conn = NULL;
		if (w->kind == WORK_ACQUIRE && !w->deliver) {
			work_free(w); /* a borrower still holds it: nothing to tell */
			continue;
		}
		struct db_error err = db_unavailable("shutting down");
		w->kind = w->kind == WORK_ACQUIRE ? WORK_ACQUIRE : WORK_EXEC;
		db_work_finish(w, NULL, &err);
	}
	for (int i = 0; i < p->size; i++) {
		struct db_conn *c = &p->conns[i];
		PQclear(c->last);
		PQclear(c->error);
		if (c->io != NULL)
			event_free(c->io);
		event_free(c->timer);
		if (c->pg != NULL)
			PQfinish(c->pg);
	}
	free(p->conns);
	free(p->stmts);
	free(p->conninfo);
	free(p->timezone);
	free(p);
}

void db_pool_set_timezone(struct db_pool *p, const char *timezone)
{
	free(p->timezone);
	p->timezone = xstrdup(timezone != NULL ? timezone : "UTC");
}

void db_pool_set_timeout(struct db_pool *p, int timeout_ms)
{
	if (timeout_ms > 0)
		p->timeout_ms = timeout_ms;
}

void db_pool_stats(const struct db_pool *p, struct db_pool_stats *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < p->size; i++) {
		switch (p->conns[i].state) {
		case CONN_DOWN:
			out->down++;
			break;
		case CONN_CONNECTING:
		case CONN_SETUP:
			out->connecting++;
			break;
		case CONN_IDLE:
			out->idle++;
			break;
		case CONN_BUSY:
		case CONN_LENT:
			out->busy++;
			break;
		}
	}
	out->queued = p->queued;
}

int db_pool_ready(const struct db_pool *p)
{
	int n = 0;

	for (int i = 0; i < p->size; i++)
		if (p->conns[i].state >= CONN_IDLE)
			n++;
	return n;
}

bool db_pool_available(const struct db_pool *p)
{
	return !p->failing;
}

/* --- pool ------------------------------------------------------------------------------- */

void db_pool_update_failing(struct db_pool *p)
{
	bool any_up = false, any_trying = false;

	for (int i = 0; i < p->size; i++) {
		enum conn_state s = p->conns[i].state;
		if (s >= CONN_IDLE && !(s == CONN_LENT && p->conns[i].expired))
			any_up = true;
		if (s == CONN_CONNECTING || s == CONN_SETUP)
			any_trying = true;
	}
	(void)any_trying;
	bool was = p->failing;
	/* Failing means: nothing usable and at least one connection is waiting to retry after
	 * a failure. A pool still making its first connections is not failing. */
	bool down = false;
	for (int i = 0; i < p->size; i++)
		if (p->conns[i].state == CONN_DOWN)
			down = true;
	p->failing = !any_up && down;
	if (p->failing && !was)
		log_warnx("event=db_unavailable");
	else if (!p->failing && was)
		log_info("event=db_available");

	if (p->failing) {
		struct work *w;
		while ((w = TAILQ_FIRST(&p->queue)) != NULL) {
			TAILQ_REMOVE(&p->queue, w, entry);
			w->queued = false;
			p->queued--;
			db_work_fail_later(w, DB_UNAVAILABLE, "database db_unavailable");
		}
	}
}

/* Give queued work to idle connections, oldest first. */
void db_pool_dispatch(struct db_pool *p)
{
	struct work *w;

	if (p->freeing)
		return;
	while ((w = TAILQ_FIRST(&p->queue)) != NULL) {
		struct db_conn *c = NULL;
		for (int i = 0; i < p->size; i++)
			if (p->conns[i].state == CONN_IDLE) {
				c = &p->conns[i];
				break;
			}
		if (c == NULL)
			return;
		TAILQ_REMOVE(&p->queue, w, entry);
		w->queued = false;
		p->queued--;
		if (w->kind == WORK_ACQUIRE) {
			c->state = CONN_LENT;
			c->lender = w;
			c->expired = false;
			w->conn = c;
			w->deliver = true;
			event_active(w->ev, EV_TIMEOUT, 0);
			continue;
		}
		c->state = CONN_BUSY;
		if (db_conn_send(c, w) == -1) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s", PQerrorMessage(c->pg));
			c->current = w;
			db_conn_fail(c, msg);
		}
	}
}

/* Queue work, behind what waits or (first) ahead of it. */
static void pool_submit(struct db_pool *p, struct work *w, bool first)
{
	if (p->failing || p->freeing) {
		db_work_fail_later(w, DB_UNAVAILABLE, "database db_unavailable");
		return;
	}
	if (p->queued >= p->queue_max) {
		db_work_fail_later(w, DB_UNAVAILABLE, "too many requests waiting for the database");
		return;
	}
	if (first)
		TAILQ_INSERT_HEAD(&p->queue, w, entry);
	else
		TAILQ_INSERT_TAIL(&p->queue, w, entry);
	w->queued = true;
	p->queued++;
	db_pool_dispatch(p);
}

static bool pool_has_stmt(const struct db_pool *p, const char *name)
{
	for (size_t i = 0; i < p->nstmts; i++)
		if (strcmp(p->stmts[i]->name, name) == 0)
			return true;
	return false;
}

static int exec_stmt(struct db_pool *p, const char *stmt, int nparams, const char *const *values,
		     db_cb cb, void *arg, bool first)
{
	if (!pool_has_stmt(p, stmt)) {
		log_warnx("event=db_unknown_statement stmt=%s", stmt);
		return -1;
	}
	struct work *w = work_new(p, WORK_EXEC, stmt, NULL, nparams, values);
	w->cb = cb;
	w->arg = arg;
	pool_submit(p, w, first);
	return 0;
}

int db_exec(struct db_pool *p, const char *stmt, int nparams, const char *const *values, db_cb cb,
	    void *arg)
{
	return exec_stmt(p, stmt, nparams, values, cb, arg, false);
}

int db_exec_first(struct db_pool *p, const char *stmt, int nparams, const char *const *values,
		  db_cb cb, void *arg)
{
	return exec_stmt(p, stmt, nparams, values, cb, arg, true);
}

int db_exec_sql(struct db_pool *p, const char *sql, int nparams, const char *const *values,
		db_cb cb, void *arg)
{
	struct work *w = work_new(p, WORK_EXEC, NULL, sql, nparams, values);
	w->cb = cb;
	w->arg = arg;
	pool_submit(p, w, false);
	return 0;
}

void db_acquire(struct db_pool *p, db_acquire_cb cb, void *arg)
{
	struct work *w = work_new(p, WORK_ACQUIRE, NULL, NULL, 0, NULL);
	w->acquire_cb = cb;
	w->arg = arg;
	pool_submit(p, w, false);
}

static int conn_exec(struct db_conn *c, const char *stmt, const char *sql, int nparams,
		     const char *const *values, db_cb cb, void *arg)
{
	struct db_pool *p = c->pool;

	if (stmt != NULL && !pool_has_stmt(p, stmt)) {
		log_warnx("event=db_unknown_statement stmt=%s", stmt);
		return -1;
	}
	if (c->current != NULL) {
		log_warnx(
		    "event=db_misuse reason=\"query while another runs on a lent connection\"");
		return -1;
	}
	struct work *w = work_new(p, WORK_CONN_EXEC, stmt, sql, nparams, values);
	w->cb = cb;
	w->arg = arg;
	/* The lender's deadline covers the whole transaction. */
	if (c->expired || c->pg == NULL) {
		db_work_fail_later(w, DB_UNAVAILABLE,
				   "database connection lost or deadline passed");
		return 0;
	}
	if (db_conn_send(c, w) == -1) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c->pg));
		c->current = w;
		db_conn_fail(c, msg);
	}
	return 0;
}

int db_conn_exec(struct db_conn *c, const char *stmt, int nparams, const char *const *values,
		 db_cb cb, void *arg)
{
	return conn_exec(c, stmt, NULL, nparams, values, cb, arg);
}

int db_conn_exec_sql(struct db_conn *c, const char *sql, int nparams, const char *const *values,
		     db_cb cb, void *arg)
{
	return conn_exec(c, NULL, sql, nparams, values, cb, arg);
}

void db_release(struct db_conn *c)
{
	struct db_pool *p = c->pool;

	if (c->lender != NULL) {
		work_free(c->lender);
		c->lender = NULL;
	}
	if (p->freeing)
		return;
	if (c->current != NULL) {
		/* Released with a query still running: the connection's state is unknown. */
		struct work *w = c->current;
		c->current = NULL;
		struct db_error err = db_unavailable("connection released mid-query");
		db_work_finish(w, NULL, &err);
		c->expired = true;
	}
	if (c->expired || c->pg == NULL) {
		c->expired = false;
		c->state = CONN_BUSY; /* so that db_conn_fail schedules a reconnect */
		db_conn_fail(c, "released after failure or deadline");
		return;
	}
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		c->rolling_back = true;
		if (PQsendQuery(c->pg, "ROLLBACK") == 0) {
			c->rolling_back = false;
			db_conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		db_conn_flush(c);
		return;
	}
	db_conn_became_idle(c);
}

/* --- work ------------------------------------------------------------------------------- */

static struct work *work_new(struct db_pool *p, enum work_kind kind, const char *stmt,
			     const char *sql, int nparams, const char *const *values)
{
	struct work *w = xcalloc(1, sizeof *w);

	w->pool = p;
	w->kind = kind;
	w->stmt = stmt != NULL ? xstrdup(stmt) : NULL;
	w->sql = sql != NULL ? xstrdup(sql) : NULL;
	w->nparams = nparams;
	if (nparams > 0) {
		w->values = xcalloc((size_t)nparams, sizeof *w->values);
		for (int i = 0; i < nparams; i++)
			w->values[i] = values[i] != NULL ? xstrdup(values[i]) : NULL;
	}
	w->ev = evtimer_new(p->base, work_event_cb, w);
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	TAILQ_INSERT_TAIL(&p->live, w, live);
	if (kind != WORK_CONN_EXEC) {
		clock_gettime(CLOCK_MONOTONIC, &w->deadline);
		w->deadline.tv_sec += p->timeout_ms / 1000;
		w->deadline.tv_nsec += (long)(p->timeout_ms % 1000) * 1000000L;
		if (w->deadline.tv_nsec >= 1000000000L) {
			w->deadline.tv_sec++;
			w->deadline.tv_nsec -= 1000000000L;
		}
		struct timeval tv = {p->timeout_ms / 1000, (p->timeout_ms % 1000) * 1000};
		evtimer_add(w->ev, &tv);
	}
	return w;
}

static void work_free(struct work *w)
{
	if (w == NULL)
		return;
	TAILQ_REMOVE(&w->pool->live, w, live);
	event_free(w->ev);
	for (int i = 0; i < w->nparams; i++)
		free(w->values[i]);
	free(w->values);
	free(w->stmt);
	free(w->sql);
	free(w);
}

/* Deliver a failure on the next loop turn (never inside the submitting call). */
void db_work_fail_later(struct work *w, enum db_status status, const char *msg)
{
	w->deliver = true;
	w->failure.status = status;
	snprintf(w->failure_msg, sizeof w->failure_msg, "%s", msg);
	w->failure.sqlstate = "";
	w->failure.message = w->failure_msg;
	event_active(w->ev, EV_TIMEOUT, 0);
}

static void work_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct work *w = arg;
	struct db_pool *p = w->pool;

	if (w->deliver) {
		w->deliver = false;
		if (w->kind == WORK_ACQUIRE && w->conn != NULL && w->failure.status == DB_OK) {
			/* Lend the connection. Activating the event removed its deadline timer:
			 * re-arm it with the time left, which runs until release. */
			struct db_conn *c = w->conn;
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long ms = (long)(w->deadline.tv_sec - now.tv_sec) * 1000L +
				  (w->deadline.tv_nsec - now.tv_nsec) / 1000000L;
			if (ms < 0)
				ms = 0;
			struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
			evtimer_add(w->ev, &tv);
			if (w->acquire_cb != NULL)
				w->acquire_cb(c, NULL, w->arg);
			return;
		}
		db_work_finish(w, NULL, &w->failure);
		return;
	}

	/* The deadline passed. */
	if (w->queued) {
		TAILQ_REMOVE(&p->queue, w, entry);
		w->queued = false;
		p->queued--;
		struct db_error err = db_unavailable("database deadline passed");
		db_work_finish(w, NULL, &err);
		return;
	}
	if (w->kind == WORK_ACQUIRE && w->conn != NULL) {
		/* Lent too long: fail its query in flight; the borrower must still release. */
		struct db_conn *c = w->conn;
		log_warnx("event=db_deadline conn=%d lent=1", c->index);
		c->expired = true;
		if (c->current != NULL) {
			struct work *cur = c->current;
			c->current = NULL;
			/* The server is still working on it: drop the connection. */
			if (c->io != NULL) {
				event_free(c->io);
				c->io = NULL;
			}
			PQfinish(c->pg);
			c->pg = NULL;
			struct db_error err = db_unavailable("database deadline passed");
			db_work_finish(cur, NULL, &err);
		}
		return;
	}
	if (w->conn != NULL && w->conn->current == w) {
		struct db_conn *c = w->conn;
		log_warnx("event=db_deadline conn=%d stmt=%s", c->index,
			  w->stmt != NULL ? w->stmt : "(sql)");
		/* Cancelling would block (PQcancel): close the connection instead; the server
		 * aborts the statement when it notices, and we reconnect. */
		db_conn_fail(c, "database deadline passed");
		return;
	}
}

/* Call the work's callback once and free it. */
void db_work_finish(struct work *w, PGresult *res, const struct db_error *err)
{
	if (w->kind != WORK_ACQUIRE) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		metrics_db_query((double)(now.tv_sec - w->started.tv_sec) +
				     (double)(now.tv_nsec - w->started.tv_nsec) / 1e9,
				 err == NULL);
	}
	if (w->kind == WORK_ACQUIRE) {
		if (w->acquire_cb != NULL)
			w->acquire_cb(NULL, err, w->arg);
	} else if (w->cb != NULL) {
		w->cb(res, err, w->arg);
	}
	work_free(w);
}

/* --- errors ----------------------------------------------------------------------------- */

struct db_error db_unavailable(const char *msg)
{
	struct db_error err = {.status = DB_UNAVAILABLE, .sqlstate = "", .message = msg};
	return err;
}

int db_error_http_status(const struct db_error *err)
{
	if (err == NULL)
		return 200;
	if (err->status == DB_UNAVAILABLE)
		return 503;
	const char *s = err->sqlstate != NULL ? err->sqlstate : "";
	if (strcmp(s, "23505") == 0 || strcmp(s, "23P01") == 0 || strcmp(s, "40001") == 0 ||
	    strcmp(s, "40P01") == 0)
		return 409;
	if (strncmp(s, "23", 2) == 0 || strncmp(s, "22", 2) == 0)
		return 422;
	/* Connection-level failures reported as server errors. */
	if (strncmp(s, "08", 2) == 0 || strncmp(s, "57", 2) == 0 || strncmp(s, "53", 2) == 0)
		return 503;
	return 500;
}
