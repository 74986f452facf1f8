/* db-conn.c — one pooled connection's state machine, driven by its socket events: DOWN →
 * CONNECTING (PQconnectPoll) → SETUP (session settings, then one PQsendPrepare per
 * registered statement) → IDLE ⇄ BUSY, or LENT to a transaction. Nothing here blocks but
 * db_connect_blocking, which only the command-line paths use before the loop exists. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/db-internal.h"
#include "db/sqlapi.h"
#include "core/log.h"
#include "util.h"

static void conn_io_cb(evutil_socket_t fd, short what, void *arg);
static void conn_timer_cb(evutil_socket_t fd, short what, void *arg);
static void conn_watch(struct db_conn *c, short what);
static void conn_read(struct db_conn *c);
static void conn_query_done(struct db_conn *c);
static bool conn_reopen_due(struct db_conn *c);

void db_conn_init(struct db_conn *c, struct db_pool *p, int index)
{
	c->pool = p;
	c->index = index;
	c->fd = -1;
	c->backoff_ms = DB_BACKOFF_MIN_MS;
	c->timer = evtimer_new(p->base, conn_timer_cb, c);
	db_conn_start(c);
}

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

/* Session settings, sent first on every connection; the zone travels as a parameter. The
 * search_path finds the SQL API's functions (sql/api/) before the tables of public. */
static const char *const session_setup_sql =
    "SELECT set_config('TimeZone', $1, false), set_config('client_encoding', 'UTF8', false), "
    "set_config('DateStyle', 'ISO, YMD', false), "
    "set_config('search_path', '" SQLAPI_SEARCH_PATH "', false)";

/* Begin connecting without blocking; the socket events drive PQconnectPoll. */
void db_conn_start(struct db_conn *c)
{
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *vals[] = {c->pool->conninfo, "suivid", NULL};

	c->pg = PQconnectStartParams(keys, vals, 1);
	if (c->pg == NULL) {
		db_conn_fail(c, "out of memory");
		return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		db_conn_fail(c, PQerrorMessage(c->pg));
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
		db_conn_fail(c, "no socket");
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

/* Close the server connection and stop watching its socket. */
static void conn_close(struct db_conn *c)
{
	if (c->io != NULL) {
		event_free(c->io);
		c->io = NULL;
	}
	c->fd = -1;
	if (c->pg != NULL) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
}

/* Tear the connection down, fail what it was doing, and schedule a reconnect. The work's
 * callback runs last, once the connection's state is consistent, since it may submit more
 * work or release the connection. */
void db_conn_fail(struct db_conn *c, const char *why)
{
	struct db_pool *p = c->pool;
	char msg[256];

	snprintf(msg, sizeof msg, "%s", why != NULL ? why : "connection lost");
	str_trim(msg);
	if (c->state != CONN_DOWN && !p->freeing)
		log_warnx("event=db_connection_lost conn=%d reason=%s", c->index, log_quote(msg));

	conn_close(c);
	PQclear(c->last);
	PQclear(c->error);
	c->last = c->error = NULL;
	c->rolling_back = false;
	c->oversized = false;

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
		c->backoff_ms =
		    c->backoff_ms * 2 > DB_BACKOFF_MAX_MS ? DB_BACKOFF_MAX_MS : c->backoff_ms * 2;
	}
	db_pool_update_failing(p);
	if (cur != NULL) {
		struct db_error err = db_unavailable(msg);
		db_work_finish(cur, NULL, &err);
	}
}

/* An oversized connection (DB_CONN_BUFFER_MAX) is reopened, if it has been open long enough;
 * otherwise the timer comes back for it then. Returns whether it was. */
static bool conn_reopen_due(struct db_conn *c)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	time_t age = now.tv_sec - c->opened.tv_sec;
	if (age < DB_CONN_REOPEN_AFTER_S) {
		struct timeval tv = {DB_CONN_REOPEN_AFTER_S - age, 0};
		evtimer_add(c->timer, &tv);
		return false;
	}
	/* Not a failure: the pool keeps serving from the others meanwhile. */
	log_info("event=db_connection_reopened conn=%d reason=large_buffers", c->index);
	c->oversized = false;
	conn_close(c);
	db_conn_start(c);
	return true;
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	if (c->state == CONN_IDLE && c->oversized)
		conn_reopen_due(c); /* busy meanwhile: checked again when idle */
	else if (c->state == CONN_DOWN)
		db_conn_start(c);
	else if (c->state == CONN_CONNECTING || c->state == CONN_SETUP)
		db_conn_fail(c, "timed out connecting to PostgreSQL");
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
		db_conn_fail(c, PQerrorMessage(c->pg));
		return;
	case PGRES_POLLING_OK:
		break;
	default:
		return;
	}
	if (PQsetnonblocking(c->pg, 1) != 0) {
		db_conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	c->state = CONN_SETUP;
	c->setup_step = 0;
	const char *tz[] = {c->pool->timezone};
	if (PQsendQueryParams(c->pg, session_setup_sql, 1, NULL, tz, NULL, NULL, 0) == 0) {
		db_conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	db_conn_flush(c);
}

void db_conn_became_idle(struct db_conn *c)
{
	if (c->oversized && conn_reopen_due(c))
		return;
	c->state = CONN_IDLE;
	conn_watch(c, EV_READ); /* notice a server that goes away while idle */
	db_pool_update_failing(c->pool);
	db_pool_dispatch(c->pool);
}

/* Push buffered output; wait for writability while libpq still holds some. */
void db_conn_flush(struct db_conn *c)
{
	int r = PQflush(c->pg);

	if (r < 0) {
		db_conn_fail(c, PQerrorMessage(c->pg));
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
		db_conn_flush(c);
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
		db_conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		db_conn_fail(c, PQerrorMessage(c->pg));
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
			db_conn_fail(c, "unexpected COPY");
			return;
		} else {
			if (PQntuples(res) == 1) {
				size_t row = 0;
				for (int f = 0; f < PQnfields(res); f++)
					row += (size_t)PQgetlength(res, 0, f);
				if (row > DB_CONN_BUFFER_MAX)
					c->oversized = true;
			}
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
			db_conn_fail(c, buf);
			return;
		}
		PQclear(last);
		c->setup_step++;
		/* step 0 was the session settings; step i prepares statement i-1 */
		if (c->setup_step - 1 < c->pool->nstmts) {
			const struct db_stmt *s = c->pool->stmts[c->setup_step - 1];
			if (PQsendPrepare(c->pg, s->name, s->sql, 0, NULL) == 0) {
				db_conn_fail(c, PQerrorMessage(c->pg));
				return;
			}
			db_conn_flush(c);
			return;
		}
		evtimer_del(c->timer);
		c->backoff_ms = DB_BACKOFF_MIN_MS;
		clock_gettime(CLOCK_MONOTONIC, &c->opened);
		log_info("event=db_connected conn=%d statements=%zu", c->index, c->pool->nstmts);
		db_conn_became_idle(c);
		return;

	case CONN_BUSY:
	case CONN_LENT: {
		if (c->rolling_back) {
			c->rolling_back = false;
			PQclear(last);
			PQclear(error);
			c->lender = NULL;
			db_conn_became_idle(c);
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
				db_work_finish(w, NULL, &err);
			} else {
				db_work_finish(w, last, NULL);
			}
		}
		PQclear(last);
		PQclear(error);
		if (c->state == CONN_IDLE && c->pg != NULL)
			db_conn_became_idle(c);
		return;
	}
	default:
		PQclear(last);
		PQclear(error);
		return;
	}
}

/* Send one statement of w on c. */
int db_conn_send(struct db_conn *c, struct work *w)
{
	int ok;
	size_t sent = 0;

	for (int i = 0; i < w->nparams; i++)
		sent += w->values[i] != NULL ? strlen(w->values[i]) : 0;
	if (sent > DB_CONN_BUFFER_MAX)
		c->oversized = true;
	if (w->stmt != NULL)
		ok = PQsendQueryPrepared(c->pg, w->stmt, w->nparams, (const char *const *)w->values,
					 NULL, NULL, 0);
	else
		ok = PQsendQueryParams(c->pg, w->sql, w->nparams, NULL,
				       (const char *const *)w->values, NULL, NULL, 0);
	if (!ok)
		return -1;
	c->current = w;
	w->conn = c;
	db_conn_flush(c);
	return 0;
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
