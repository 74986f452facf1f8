/* db-internal.h — what db.c (pool, queue, work) and db-conn.c (one connection's state
 * machine) share. Not for use outside the database layer. */
#ifndef SUIVI_DB_INTERNAL_H
#define SUIVI_DB_INTERNAL_H

#include <sys/queue.h>

#include <stdbool.h>
#include <time.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/db.h"

#define DB_CONNECT_TIMEOUT_MS 5000
#define DB_BACKOFF_MIN_MS 100
#define DB_BACKOFF_MAX_MS 2000
/* libpq keeps a connection's input and output buffers at the largest message they ever held,
 * until PQfinish: a connection that carried more than DB_CONN_BUFFER_MAX in one statement or
 * one row is closed and opened again once idle, so that one large report does not pin its
 * size in every connection of the pool for the daemon's life — but not before it has been
 * open DB_CONN_REOPEN_AFTER_S (a timer waits for that): opening one costs a connection and
 * a prepare of every statement, and under a stream of large reports reopening at once took
 * the pool's time (the HTTP fuzzer saw 503s). */
#define DB_CONN_BUFFER_MAX (1024 * 1024)
#define DB_CONN_REOPEN_AFTER_S 30

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
	struct timespec started; /* for the query duration metric */
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
	size_t setup_step;      /* 0: session settings; then statement i+1 */
	struct work *current;   /* query in flight (BUSY, or LENT with a query) */
	struct work *lender;    /* the acquire work while LENT */
	bool expired;           /* LENT past its deadline: every query fails, reset on release */
	bool rolling_back;      /* LENT released with a transaction open */
	bool oversized;         /* carried more than DB_CONN_BUFFER_MAX at once: reopen when idle */
	struct timespec opened; /* when its setup ended (CLOCK_MONOTONIC) */
	PGresult *last;         /* result being collected for `current` */
	PGresult *error;        /* first error result of `current` */
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

/* db-conn.c */
void db_conn_init(struct db_conn *c, struct db_pool *p, int index); /* and start connecting */
void db_conn_start(struct db_conn *c);
void db_conn_fail(struct db_conn *c, const char *why);
void db_conn_became_idle(struct db_conn *c);
void db_conn_flush(struct db_conn *c);
int db_conn_send(struct db_conn *c, struct work *w);

/* db.c */
void db_pool_update_failing(struct db_pool *p);
void db_pool_dispatch(struct db_pool *p);
void db_work_fail_later(struct work *w, enum db_status status, const char *msg);
void db_work_finish(struct work *w, PGresult *res, const struct db_error *err);
struct db_error db_unavailable(const char *msg);

#endif
