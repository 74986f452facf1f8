/* db.h — a pool of non-blocking libpq connections driven by the daemon's event loop.
 *
 * Every connection prepares the registered statements when it connects; queries are sent
 * with PQsendQueryPrepared (or PQsendQueryParams for db_exec_sql) and their results are
 * delivered to a callback from the loop. Nothing here blocks: connecting uses
 * PQconnectStartParams/PQconnectPoll, sending uses PQflush, reading uses
 * PQconsumeInput/PQisBusy.
 *
 * When every connection is busy, work waits in a bounded queue; every piece of work has a
 * deadline. When the server is unreachable, work fails at once with DB_UNAVAILABLE and the
 * pool reconnects with backoff in the background.
 *
 * Layer rule: db may use core; http, notify and api use db. */
#ifndef SUIVI_DB_H
#define SUIVI_DB_H

#include <stdbool.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "util.h"

/* A statement prepared on every connection of the pool under its name. */
struct db_stmt {
	const char *name;
	const char *sql;
};

enum db_status {
	DB_OK = 0,
	DB_UNAVAILABLE, /* no connection, connection lost, queue full or deadline passed: 503 */
	DB_ERROR,       /* the server refused the statement: look at sqlstate */
};

struct db_error {
	enum db_status status;
	const char *sqlstate;   /* "23505" …, "" when unavailable */
	const char *message;    /* primary message */
	const char *detail;     /* may be NULL */
	const char *constraint; /* may be NULL */
	const char *hint;       /* may be NULL; suivi's own SQL errors put their code here */
};

struct db_pool;
struct db_conn;

/* A result: res is NULL and err set on failure; res is borrowed (cleared after the callback
 * returns), err likewise. Exactly one call per submitted query, always from the loop, never
 * from inside db_exec itself. */
typedef void (*db_cb)(PGresult *res, const struct db_error *err, void *arg);
/* A connection lent for a transaction: conn is NULL and err set when none could be had. */
typedef void (*db_acquire_cb)(struct db_conn *conn, const struct db_error *err, void *arg);

struct db_pool_options {
	const char *conninfo; /* libpq conninfo or URI */
	int size;             /* connections, >= 1 */
	int queue_max;        /* waiting work before DB_UNAVAILABLE, >= 1 */
	int timeout_ms;       /* deadline of one piece of work, queue time included */
	const char *timezone; /* session TimeZone (the deployment's zone); NULL: UTC.
			       * Timestamps are always rendered in UTC explicitly; the zone
			       * matters when SQL turns dates into instants. */
	const struct db_stmt *const
	    *stmt_tables; /* NULL-terminated list of {NULL,NULL}-ended tables */
};

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_options *opt);
/* Fail all pending work with DB_UNAVAILABLE and close every connection. */
void db_pool_free(struct db_pool *pool);
/* Change the per-work deadline (reload). */
void db_pool_set_timeout(struct db_pool *pool, int timeout_ms);

/* Connections currently usable (connected and prepared). */
int db_pool_ready(const struct db_pool *pool);
/* Connections by state, and statements waiting for one (GET /metrics). */
struct db_pool_stats {
	int down;       /* waiting to reconnect */
	int connecting; /* connecting or preparing statements */
	int idle;
	int busy; /* running a statement, or lent to a transaction */
	int queued;
};
void db_pool_stats(const struct db_pool *pool, struct db_pool_stats *out);
/* True when at least one connection is usable or none has failed yet. */
bool db_pool_available(const struct db_pool *pool);

/* Run a prepared statement on any connection. values are copied; NULL entries are SQL NULL.
 * Returns -1 only on misuse (unknown statement); failures go to cb. */
int db_exec(struct db_pool *pool, const char *stmt, int nparams, const char *const *values,
	    db_cb cb, void *arg) WUR;
/* The same, ahead of the work already waiting (not of what runs): for a probe that must
 * measure the database, not the queue in front of it (GET /v1/health). */
int db_exec_first(struct db_pool *pool, const char *stmt, int nparams, const char *const *values,
		  db_cb cb, void *arg) WUR;
/* Run a one-off parameterised statement (dynamic SQL: still never with values inlined). */
int db_exec_sql(struct db_pool *pool, const char *sql, int nparams, const char *const *values,
		db_cb cb, void *arg) WUR;

/* Borrow one connection for several statements (a transaction). The deadline runs from
 * db_acquire until db_release. */
void db_acquire(struct db_pool *pool, db_acquire_cb cb, void *arg);
int db_conn_exec(struct db_conn *conn, const char *stmt, int nparams, const char *const *values,
		 db_cb cb, void *arg) WUR;
int db_conn_exec_sql(struct db_conn *conn, const char *sql, int nparams, const char *const *values,
		     db_cb cb, void *arg) WUR;
/* Give the connection back; an open or failed transaction is rolled back first. */
void db_release(struct db_conn *conn);

/* Map an error to an HTTP status: 503 unavailable, 409 unique/exclusion/serialization,
 * 422 check/foreign key/not null/invalid text, 500 otherwise. */
int db_error_http_status(const struct db_error *err);

/* Blocking helpers for the command-line paths that run before the loop (migrate, token
 * create). Never call them once the loop runs. */
PGconn *db_connect_blocking(const char *conninfo, char **cause) WUR;
/* Change the session zone of connections made from now on (reload). */
void db_pool_set_timezone(struct db_pool *pool, const char *timezone);

#endif
