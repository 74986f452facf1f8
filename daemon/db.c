/* db.c — a pool of non-blocking libpq connections driven by the event loop.
 *
 * Each connection is a small state machine: DOWN → CONNECTING (PQconnectPoll) → SETUP (session
 * settings, then one PQsendPrepare per registered statement) → IDLE ⇄ BUSY (one query at a
 * time) or LENT (borrowed for a transaction). Work that finds no idle connection waits in a
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
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db.h"
#include "log.h"
#include "util.h"

#define DB_CONNECT_TIMEOUT_MS 5000
#define DB_BACKOFF_MIN_MS 100
#define DB_BACKOFF_MAX_MS 2000

enum conn_state {
	CONN_DOWN,       /* waiting for the reconnect timer */
	CONN_CONNECTING, /* PQconnectPoll in progress */
	CONN_SETUP,      /* session settings and prepares in flight */
	CONN_IDLE,
	CONN_BUSY, /* running a pool query */
	CONN_LENT, /* borrowed through db_acquire */
};

enum work_kind {
	WORK_EXEC,      /* one statement on any connection */
	WORK_ACQUIRE,   /* borrow a connection */
	WORK_CONN_EXEC, /* one statement on a borrowed connection */
};

struct work {
	TAILQ_ENTRY(work) entry; /* in the pool's queue while queued */
	TAILQ_ENTRY(work) live;  /* in the pool's list of every unfinished work */
	struct timespec deadline;
	struct db_pool *pool;
	enum work_kind kind;
	char *stmt; /* prepared statement name, or NULL with sql */
	char *sql;
	int nparams;
	char **values;
	db_cb cb;
	db_acquire_cb acquire_cb;
	void *arg;
	struct event *ev; /* deadline, or immediate delivery when `deliver` is set */
	struct db_conn *conn;
	bool queued;
	bool deliver; /* ev fires to deliver `failure` (or a lent connection) now */
	struct db_error failure;
	char failure_msg[256];
};
TAILQ_HEAD(work_queue, work);
TAILQ_HEAD(work_list, work);

struct db_conn {
	struct db_pool *pool;
	int index;
	PGconn *pg;
	enum conn_state state;
	int fd;
	struct event *io;
	short io_what;
	struct event *timer; /* connect timeout or reconnect backoff */
	int backoff_ms;
	size_t setup_step; /* 0: session settings; then statement i+1 */
	struct work *current; /* query in flight (BUSY, or LENT with a query) */
	struct work *lender;  /* the acquire work while LENT */
	bool expired;         /* LENT past its deadline: every query fails, reset on release */
	bool rolling_back;    /* LENT released with a transaction open */
	PGresult *last;       /* result being collected for `current` */
	PGresult *error;      /* first error result of `current` */
};

struct db_pool {
	struct event_base *base;
	char *conninfo;
	char *timezone;
	int size;
	int queue_max;
	int timeout_ms;
	struct db_conn *conns;
	const struct db_stmt **stmts;
	size_t nstmts;
	struct work_queue queue;
	int queued;
	struct work_list live;
	bool failing; /* the last connection attempt failed and nothing is usable */
	bool freeing;
};

static void conn_start(struct db_conn *c);
static void conn_fail(struct db_conn *c, const char *why);
static void conn_io_cb(evutil_socket_t fd, short what, void *arg);
static void conn_timer_cb(evutil_socket_t fd, short what, void *arg);
static void conn_watch(struct db_conn *c, short what);
static void conn_became_idle(struct db_conn *c);
static int conn_send(struct db_conn *c, struct work *w);
static void conn_flush(struct db_conn *c);
static void conn_read(struct db_conn *c);
static void conn_query_done(struct db_conn *c);
static void pool_dispatch(struct db_pool *p);
static void pool_update_failing(struct db_pool *p);
static struct work *work_new(struct db_pool *p, enum work_kind kind, const char *stmt,
			     const char *sql, int nparams, const char *const *values);
static void work_free(struct work *w);
static void work_event_cb(evutil_socket_t fd, short what, void *arg);
static void work_fail_later(struct work *w, enum db_status status, const char *msg);
static void work_finish(struct work *w, PGresult *res, const struct db_error *err);
static bool pool_has_stmt(const struct db_pool *p, const char *name);
static struct db_error unavailable(const char *msg);

/* libpq prints notices (and the server's "terminating connection" farewell) on stderr by
 * default: route them to the log instead, as one line each. */
static void notice_to_log(void *arg, const char *message)
{
	struct db_conn *c = arg;
	char buf[512];

	snprintf(buf, sizeof buf, "%s", message);
	str_trim(buf);
	log_debug("event=db_notice conn=%d message=%s", c != NULL ? c->index : -1, log_quote(buf));
}

/* Session settings, sent first on every connection; the zone travels as a parameter. */
static const char *const session_setup_sql =
    "SELECT set_config('TimeZone', $1, false), set_config('client_encoding', 'UTF8', false), "
    "set_config('DateStyle', 'ISO, YMD', false)";

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
	for (int i = 0; i < p->size; i++) {
		struct db_conn *c = &p->conns[i];
		c->pool = p;
		c->index = i;
		c->fd = -1;
		c->backoff_ms = DB_BACKOFF_MIN_MS;
		c->timer = evtimer_new(base, conn_timer_cb, c);
		conn_start(c);
	}
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
	TAILQ_FOREACH(w, &p->queue, entry)
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
		struct db_error err = unavailable("shutting down");
		w->kind = w->kind == WORK_ACQUIRE ? WORK_ACQUIRE : WORK_EXEC;
		work_finish(w, NULL, &err);
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

/* --- connections ------------------------------------------------------------------------ */

/* Begin connecting without blocking; the socket events drive PQconnectPoll. */
static void conn_start(struct db_conn *c)
{
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *vals[] = {c->pool->conninfo, "suivid", NULL};

	c->pg = PQconnectStartParams(keys, vals, 1);
	if (c->pg == NULL) {
		conn_fail(c, "out of memory");
		return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	PQsetNoticeProcessor(c->pg, notice_to_log, c);
	c->state = CONN_CONNECTING;
	/* connect_timeout does not apply in this mode: our own timer bounds the attempt. */
	struct timeval tv = {DB_CONNECT_TIMEOUT_MS / 1000, (DB_CONNECT_TIMEOUT_MS % 1000) * 1000};
	evtimer_add(c->timer, &tv);
	conn_watch(c, EV_WRITE);
}

/* (Re)arm the socket event; the descriptor may change after every PQconnectPoll. */
static void conn_watch(struct db_conn *c, short what)
{
	int fd = PQsocket(c->pg);

	if (fd < 0) {
		conn_fail(c, "no socket");
		return;
	}
	if (c->io != NULL && (fd != c->fd || what != c->io_what)) {
		event_free(c->io);
		c->io = NULL;
	}
	if (c->io == NULL) {
		c->io = event_new(c->pool->base, fd, what | EV_PERSIST, conn_io_cb, c);
		c->fd = fd;
		c->io_what = what;
		event_add(c->io, NULL);
	}
}

/* Tear the connection down, fail what it was doing, and schedule a reconnect. The work's
 * callback runs last, once the connection's state is consistent, since it may submit more
 * work or release the connection. */
static void conn_fail(struct db_conn *c, const char *why)
{
	struct db_pool *p = c->pool;
	char msg[256];

	snprintf(msg, sizeof msg, "%s", why != NULL ? why : "connection lost");
	str_trim(msg);
	if (c->state != CONN_DOWN && !p->freeing)
		log_warnx("event=db_connection_lost conn=%d reason=%s", c->index, log_quote(msg));

	if (c->io != NULL) {
		event_free(c->io);
		c->io = NULL;
	}
	c->fd = -1;
	if (c->pg != NULL) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	PQclear(c->last);
	PQclear(c->error);
	c->last = c->error = NULL;
	c->rolling_back = false;

	struct work *cur = c->current;
	c->current = NULL;
	if (c->lender != NULL) {
		/* Still lent: later queries fail at once; the release reconnects. */
		c->expired = true;
		c->state = CONN_LENT;
	} else {
		c->state = CONN_DOWN;
		c->expired = false;
		evtimer_del(c->timer);
		struct timeval tv = {c->backoff_ms / 1000, (c->backoff_ms % 1000) * 1000};
		evtimer_add(c->timer, &tv);
		c->backoff_ms = c->backoff_ms * 2 > DB_BACKOFF_MAX_MS ? DB_BACKOFF_MAX_MS
								      : c->backoff_ms * 2;
	}
	pool_update_failing(p);
	if (cur != NULL) {
		struct db_error err = unavailable(msg);
		work_finish(cur, NULL, &err);
	}
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	if (c->state == CONN_DOWN)
		conn_start(c);
	else if (c->state == CONN_CONNECTING || c->state == CONN_SETUP)
		conn_fail(c, "timed out connecting to PostgreSQL");
}

/* Advance the connection handshake. */
static void conn_poll_connect(struct db_conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_READING:
		conn_watch(c, EV_READ);
		return;
	case PGRES_POLLING_WRITING:
		conn_watch(c, EV_WRITE);
		return;
	case PGRES_POLLING_FAILED:
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	case PGRES_POLLING_OK:
		break;
	default:
		return;
	}
	if (PQsetnonblocking(c->pg, 1) != 0) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	c->state = CONN_SETUP;
	c->setup_step = 0;
	const char *tz[] = {c->pool->timezone};
	if (PQsendQueryParams(c->pg, session_setup_sql, 1, NULL, tz, NULL, NULL, 0) == 0) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	conn_flush(c);
}

static void conn_became_idle(struct db_conn *c)
{
	c->state = CONN_IDLE;
	conn_watch(c, EV_READ); /* notice a server that goes away while idle */
	pool_update_failing(c->pool);
	pool_dispatch(c->pool);
}

/* Push buffered output; wait for writability while libpq still holds some. */
static void conn_flush(struct db_conn *c)
{
	int r = PQflush(c->pg);

	if (r < 0) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	conn_watch(c, r == 1 ? (EV_READ | EV_WRITE) : EV_READ);
}

static void conn_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	if (c->state == CONN_CONNECTING) {
		conn_poll_connect(c);
		return;
	}
	if (what & EV_WRITE) {
		conn_flush(c);
		if (c->pg == NULL)
			return;
	}
	if (what & EV_READ)
		conn_read(c);
}

/* Consume what the server sent and collect results without ever blocking in PQgetResult. */
static void conn_read(struct db_conn *c)
{
	if (PQconsumeInput(c->pg) == 0) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	PGnotify *n;
	while ((n = PQnotifies(c->pg)) != NULL)
		PQfreemem(n);

	while (c->pg != NULL && !PQisBusy(c->pg)) {
		PGresult *res = PQgetResult(c->pg);
		if (res == NULL) {
			conn_query_done(c);
			/* A callback may have sent the next statement, whose answer may already
			 * sit in libpq's buffer: keep reading only then. */
			if (c->pg == NULL || c->current == NULL || c->state == CONN_SETUP)
				return;
			continue;
		}
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE ||
		    st == PGRES_NONFATAL_ERROR) {
			if (c->error == NULL)
				c->error = res;
			else
				PQclear(res);
		} else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
			PQclear(res);
			conn_fail(c, "unexpected COPY");
			return;
		} else {
			PQclear(c->last);
			c->last = res;
		}
	}
}

/* The server finished the current command: hand the result over and move on. */
static void conn_query_done(struct db_conn *c)
{
	PGresult *last = c->last, *error = c->error;

	c->last = c->error = NULL;
	switch (c->state) {
	case CONN_SETUP:
		if (error != NULL) {
			const char *msg = PQresultErrorMessage(error);
			if (c->setup_step > 0)
				log_warnx("event=db_prepare_failed stmt=%s reason=%s",
					  c->pool->stmts[c->setup_step - 1]->name, log_quote(msg));
			char buf[256];
			snprintf(buf, sizeof buf, "setup failed: %s", msg);
			PQclear(last);
			PQclear(error);
			conn_fail(c, buf);
			return;
		}
		PQclear(last);
		c->setup_step++;
		/* step 0 was the session settings; step i prepares statement i-1 */
		if (c->setup_step - 1 < c->pool->nstmts) {
			const struct db_stmt *s = c->pool->stmts[c->setup_step - 1];
			if (PQsendPrepare(c->pg, s->name, s->sql, 0, NULL) == 0) {
				conn_fail(c, PQerrorMessage(c->pg));
				return;
			}
			conn_flush(c);
			return;
		}
		evtimer_del(c->timer);
		c->backoff_ms = DB_BACKOFF_MIN_MS;
		log_info("event=db_connected conn=%d statements=%zu", c->index, c->pool->nstmts);
		conn_became_idle(c);
		return;

	case CONN_BUSY:
	case CONN_LENT: {
		if (c->rolling_back) {
			c->rolling_back = false;
			PQclear(last);
			PQclear(error);
			c->lender = NULL;
			conn_became_idle(c);
			return;
		}
		struct work *w = c->current;
		c->current = NULL;
		if (c->state == CONN_BUSY)
			c->state = CONN_IDLE;
		if (w != NULL) {
			if (error != NULL) {
				struct db_error err = {
				    DB_ERROR,
				    PQresultErrorField(error, PG_DIAG_SQLSTATE),
				    PQresultErrorField(error, PG_DIAG_MESSAGE_PRIMARY),
				    PQresultErrorField(error, PG_DIAG_MESSAGE_DETAIL),
				    PQresultErrorField(error, PG_DIAG_CONSTRAINT_NAME),
				    PQresultErrorField(error, PG_DIAG_MESSAGE_HINT),
				};
				if (err.sqlstate == NULL)
					err.sqlstate = "";
				if (err.message == NULL)
					err.message = PQresultErrorMessage(error);
				work_finish(w, NULL, &err);
			} else {
				work_finish(w, last, NULL);
			}
		}
		PQclear(last);
		PQclear(error);
		if (c->state == CONN_IDLE && c->pg != NULL)
			conn_became_idle(c);
		return;
	}
	default:
		PQclear(last);
		PQclear(error);
		return;
	}
}

/* Send one statement of w on c. */
static int conn_send(struct db_conn *c, struct work *w)
{
	int ok;

	if (w->stmt != NULL)
		ok = PQsendQueryPrepared(c->pg, w->stmt, w->nparams,
					 (const char *const *)w->values, NULL, NULL, 0);
	else
		ok = PQsendQueryParams(c->pg, w->sql, w->nparams, NULL,
				       (const char *const *)w->values, NULL, NULL, 0);
	if (!ok)
		return -1;
	c->current = w;
	w->conn = c;
	conn_flush(c);
	return 0;
}

/* --- pool ------------------------------------------------------------------------------- */

static void pool_update_failing(struct db_pool *p)
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
			work_fail_later(w, DB_UNAVAILABLE, "database unavailable");
		}
	}
}

/* Give queued work to idle connections, oldest first. */
static void pool_dispatch(struct db_pool *p)
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
		if (conn_send(c, w) == -1) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s", PQerrorMessage(c->pg));
			c->current = w;
			conn_fail(c, msg);
		}
	}
}

static void pool_submit(struct db_pool *p, struct work *w)
{
	if (p->failing || p->freeing) {
		work_fail_later(w, DB_UNAVAILABLE, "database unavailable");
		return;
	}
	if (p->queued >= p->queue_max) {
		work_fail_later(w, DB_UNAVAILABLE, "too many requests waiting for the database");
		return;
	}
	TAILQ_INSERT_TAIL(&p->queue, w, entry);
	w->queued = true;
	p->queued++;
	pool_dispatch(p);
}

static bool pool_has_stmt(const struct db_pool *p, const char *name)
{
	for (size_t i = 0; i < p->nstmts; i++)
		if (strcmp(p->stmts[i]->name, name) == 0)
			return true;
	return false;
}

int db_exec(struct db_pool *p, const char *stmt, int nparams, const char *const *values,
	    db_cb cb, void *arg)
{
	if (!pool_has_stmt(p, stmt)) {
		log_warnx("event=db_unknown_statement stmt=%s", stmt);
		return -1;
	}
	struct work *w = work_new(p, WORK_EXEC, stmt, NULL, nparams, values);
	w->cb = cb;
	w->arg = arg;
	pool_submit(p, w);
	return 0;
}

int db_exec_sql(struct db_pool *p, const char *sql, int nparams, const char *const *values,
		db_cb cb, void *arg)
{
	struct work *w = work_new(p, WORK_EXEC, NULL, sql, nparams, values);
	w->cb = cb;
	w->arg = arg;
	pool_submit(p, w);
	return 0;
}

void db_acquire(struct db_pool *p, db_acquire_cb cb, void *arg)
{
	struct work *w = work_new(p, WORK_ACQUIRE, NULL, NULL, 0, NULL);
	w->acquire_cb = cb;
	w->arg = arg;
	pool_submit(p, w);
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
		log_warnx("event=db_misuse reason=\"query while another runs on a lent connection\"");
		return -1;
	}
	struct work *w = work_new(p, WORK_CONN_EXEC, stmt, sql, nparams, values);
	w->cb = cb;
	w->arg = arg;
	/* The lender's deadline covers the whole transaction. */
	if (c->expired || c->pg == NULL) {
		work_fail_later(w, DB_UNAVAILABLE, "database connection lost or deadline passed");
		return 0;
	}
	if (conn_send(c, w) == -1) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c->pg));
		c->current = w;
		conn_fail(c, msg);
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
		struct db_error err = unavailable("connection released mid-query");
		work_finish(w, NULL, &err);
		c->expired = true;
	}
	if (c->expired || c->pg == NULL) {
		c->expired = false;
		c->state = CONN_BUSY; /* so that conn_fail schedules a reconnect */
		conn_fail(c, "released after failure or deadline");
		return;
	}
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		c->rolling_back = true;
		if (PQsendQuery(c->pg, "ROLLBACK") == 0) {
			c->rolling_back = false;
			conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		conn_flush(c);
		return;
	}
	conn_became_idle(c);
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
static void work_fail_later(struct work *w, enum db_status status, const char *msg)
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
		work_finish(w, NULL, &w->failure);
		return;
	}

	/* The deadline passed. */
	if (w->queued) {
		TAILQ_REMOVE(&p->queue, w, entry);
		w->queued = false;
		p->queued--;
		struct db_error err = unavailable("database deadline passed");
		work_finish(w, NULL, &err);
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
			struct db_error err = unavailable("database deadline passed");
			work_finish(cur, NULL, &err);
		}
		return;
	}
	if (w->conn != NULL && w->conn->current == w) {
		struct db_conn *c = w->conn;
		log_warnx("event=db_deadline conn=%d stmt=%s", c->index,
			  w->stmt != NULL ? w->stmt : "(sql)");
		/* Cancelling would block (PQcancel): close the connection instead; the server
		 * aborts the statement when it notices, and we reconnect. */
		conn_fail(c, "database deadline passed");
		return;
	}
}

/* Call the work's callback once and free it. */
static void work_finish(struct work *w, PGresult *res, const struct db_error *err)
{
	if (w->kind == WORK_ACQUIRE) {
		if (w->acquire_cb != NULL)
			w->acquire_cb(NULL, err, w->arg);
	} else if (w->cb != NULL) {
		w->cb(res, err, w->arg);
	}
	work_free(w);
}

/* --- errors and blocking helpers -------------------------------------------------------- */

static struct db_error unavailable(const char *msg)
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

PGconn *db_connect_blocking(const char *conninfo, char **cause)
{
	const char *keys[] = {"dbname", "fallback_application_name", "connect_timeout", NULL};
	const char *vals[] = {conninfo, "suivid", "10", NULL};
	PGconn *conn = PQconnectdbParams(keys, vals, 1);

	if (conn == NULL) {
		set_cause(cause, "cannot connect to PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		char *msg = xstrdup(PQerrorMessage(conn));
		set_cause(cause, "cannot connect to PostgreSQL: %s", str_trim(msg));
		free(msg);
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, notice_to_log, NULL);
	const char *utc[] = {"UTC"};
	PGresult *r = PQexecParams(conn, session_setup_sql, 1, NULL, utc, NULL, NULL, 0);
	PQclear(r);
	return conn;
}
