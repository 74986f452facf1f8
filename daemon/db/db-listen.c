/* db-listen.c — the LISTEN connection's state machine, driven by its socket and one timer:
 * DOWN (backoff) → CONNECTING (PQconnectPoll) → SETUP (LISTEN sent) → UP, where the timer
 * sends a ping now and then and bounds its answer. Any failure goes back to DOWN. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/db-listen.h"
#include "core/log.h"
#include "util.h"

#define LISTEN_CONNECT_TIMEOUT_MS 5000
#define LISTEN_BACKOFF_MIN_MS 100
#define LISTEN_BACKOFF_MAX_MS 2000
/* A connection whose peer vanished without a FIN or RST (a host down, a network partition)
 * looks healthy to a reader that only waits: ask something every LISTEN_PING_MS and give up
 * when no answer comes within LISTEN_PING_TIMEOUT_MS. This bounds how long a daemon may go
 * on believing that it hears every notification when it does not. */
#define LISTEN_PING_MS 10000
#define LISTEN_PING_TIMEOUT_MS 5000

enum listen_state {
	LISTEN_DOWN,
	LISTEN_CONNECTING,
	LISTEN_SETUP,
	LISTEN_UP,
};

struct db_listen {
	struct event_base *base;
	char *conninfo;
	char **channels;
	size_t nchannels;
	db_listen_notify_cb on_notify;
	db_listen_state_cb on_state;
	void *arg;
	PGconn *pg;
	enum listen_state state;
	bool pinging; /* UP with a ping in flight: the timer is its deadline */
	bool failed;  /* an attempt failed since the last up: say "down" once */
	int fd;
	short io_what;
	struct event *io;
	struct event *timer; /* backoff, connect deadline, next ping or ping deadline */
	int backoff_ms;
};

static void listen_start(struct db_listen *l);
static void listen_fail(struct db_listen *l, const char *why);
static void listen_watch(struct db_listen *l, short what);
static void listen_arm(struct db_listen *l, int ms);
static void listen_send(struct db_listen *l, const char *sql);
static void listen_io_cb(evutil_socket_t fd, short what, void *arg);
static void listen_timer_cb(evutil_socket_t fd, short what, void *arg);
static void listen_poll_connect(struct db_listen *l);
static void listen_read(struct db_listen *l);
static void listen_command_done(struct db_listen *l, bool ok, const char *why);

struct db_listen *db_listen_new(struct event_base *base, const struct db_listen_options *opt)
{
	struct db_listen *l = xcalloc(1, sizeof *l);
	size_t n = 0;

	while (opt->channels[n] != NULL)
		n++;
	l->channels = xcalloc(n + 1, sizeof *l->channels);
	for (size_t i = 0; i < n; i++)
		l->channels[i] = xstrdup(opt->channels[i]);
	l->nchannels = n;
	l->base = base;
	l->conninfo = xstrdup(opt->conninfo);
	l->on_notify = opt->on_notify;
	l->on_state = opt->on_state;
	l->arg = opt->arg;
	l->fd = -1;
	l->backoff_ms = LISTEN_BACKOFF_MIN_MS;
	l->timer = evtimer_new(base, listen_timer_cb, l);
	listen_arm(l, 0); /* connect from the loop, so that no callback runs before we return */
	return l;
}

bool db_listen_up(const struct db_listen *l)
{
	return l->state == LISTEN_UP;
}

void db_listen_free(struct db_listen *l)
{
	if (l == NULL)
		return;
	if (l->io != NULL)
		event_free(l->io);
	event_free(l->timer);
	if (l->pg != NULL)
		PQfinish(l->pg);
	for (char **c = l->channels; *c != NULL; c++)
		free(*c);
	free(l->channels);
	free(l->conninfo);
	free(l);
}

/* libpq's notices (the server's farewell among them) go to the debug log, one line each. */
static void notice_to_log(void *arg, const char *message)
{
	char buf[512];

	(void)arg;
	snprintf(buf, sizeof buf, "%s", message);
	str_trim(buf);
	log_debug("event=db_listen_notice message=%s", log_quote(buf));
}

static void listen_arm(struct db_listen *l, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	evtimer_del(l->timer);
	evtimer_add(l->timer, &tv);
}

/* Begin connecting without blocking. application_name comes after dbname, whose conninfo
 * it overrides (libpq keeps the last value of a repeated keyword). */
static void listen_start(struct db_listen *l)
{
	const char *keys[] = {"dbname", "application_name", NULL};
	const char *vals[] = {l->conninfo, DB_LISTEN_APPLICATION_NAME, NULL};

	l->pg = PQconnectStartParams(keys, vals, 1);
	if (l->pg == NULL) {
		listen_fail(l, "out of memory");
		return;
	}
	if (PQstatus(l->pg) == CONNECTION_BAD) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	PQsetNoticeProcessor(l->pg, notice_to_log, NULL);
	l->state = LISTEN_CONNECTING;
	/* connect_timeout does not apply in this mode: the timer bounds the attempt. */
	listen_arm(l, LISTEN_CONNECT_TIMEOUT_MS);
	listen_watch(l, EV_WRITE);
}

/* (Re)arm the socket event: the descriptor may change after every PQconnectPoll. */
static void listen_watch(struct db_listen *l, short what)
{
	int fd = PQsocket(l->pg);

	if (fd < 0) {
		listen_fail(l, "no socket");
		return;
	}
	if (l->io != NULL && (fd != l->fd || what != l->io_what)) {
		event_free(l->io);
		l->io = NULL;
	}
	if (l->io == NULL) {
		l->io = event_new(l->base, fd, what | EV_PERSIST, listen_io_cb, l);
		l->fd = fd;
		l->io_what = what;
		event_add(l->io, NULL);
	}
}

/* Close, say "down" if we were up (or for the first failure since), and retry later. */
static void listen_fail(struct db_listen *l, const char *why)
{
	bool was_up = l->state == LISTEN_UP;
	char msg[256];

	snprintf(msg, sizeof msg, "%s", why != NULL ? why : "connection lost");
	str_trim(msg);
	if (was_up || !l->failed)
		log_warnx("event=db_listen_lost reason=%s retry_ms=%d", log_quote(msg),
			  l->backoff_ms);
	if (l->io != NULL) {
		event_free(l->io);
		l->io = NULL;
	}
	l->fd = -1;
	if (l->pg != NULL) {
		PQfinish(l->pg);
		l->pg = NULL;
	}
	l->state = LISTEN_DOWN;
	l->pinging = false;
	listen_arm(l, l->backoff_ms);
	l->backoff_ms =
	    l->backoff_ms * 2 > LISTEN_BACKOFF_MAX_MS ? LISTEN_BACKOFF_MAX_MS : l->backoff_ms * 2;
	bool tell = was_up || !l->failed;
	l->failed = true;
	if (tell && l->on_state != NULL)
		l->on_state(false, l->arg);
}

static void listen_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_listen *l = arg;

	(void)fd;
	(void)what;
	switch (l->state) {
	case LISTEN_DOWN:
		listen_start(l);
		break;
	case LISTEN_CONNECTING:
	case LISTEN_SETUP:
		listen_fail(l, "timed out connecting to PostgreSQL");
		break;
	case LISTEN_UP:
		if (l->pinging) {
			listen_fail(l, "no answer to a ping");
			break;
		}
		l->pinging = true;
		listen_arm(l, LISTEN_PING_TIMEOUT_MS);
		listen_send(l, "SELECT 1");
		break;
	}
}

/* Send a command and push it out; its answer comes through listen_read. */
static void listen_send(struct db_listen *l, const char *sql)
{
	if (PQsendQuery(l->pg, sql) == 0) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	int r = PQflush(l->pg);
	if (r < 0) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	listen_watch(l, r == 1 ? (EV_READ | EV_WRITE) : EV_READ);
}

/* Advance the handshake; once connected, LISTEN on every channel in one simple query. */
static void listen_poll_connect(struct db_listen *l)
{
	switch (PQconnectPoll(l->pg)) {
	case PGRES_POLLING_READING:
		listen_watch(l, EV_READ);
		return;
	case PGRES_POLLING_WRITING:
		listen_watch(l, EV_WRITE);
		return;
	case PGRES_POLLING_FAILED:
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	case PGRES_POLLING_OK:
		break;
	default:
		return;
	}
	if (PQsetnonblocking(l->pg, 1) != 0) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	/* Channel names are identifiers, which cannot be parameters: quote them. */
	char *sql = xstrdup("");
	for (char **c = l->channels; *c != NULL; c++) {
		char *id = PQescapeIdentifier(l->pg, *c, strlen(*c));
		if (id == NULL) {
			free(sql);
			listen_fail(l, PQerrorMessage(l->pg));
			return;
		}
		char *next = xasprintf("%sLISTEN %s;", sql, id);
		PQfreemem(id);
		free(sql);
		sql = next;
	}
	l->state = LISTEN_SETUP;
	listen_send(l, sql);
	free(sql);
}

static void listen_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_listen *l = arg;

	(void)fd;
	if (l->state == LISTEN_CONNECTING) {
		listen_poll_connect(l);
		return;
	}
	if (what & EV_WRITE) {
		int r = PQflush(l->pg);
		if (r < 0) {
			listen_fail(l, PQerrorMessage(l->pg));
			return;
		}
		listen_watch(l, r == 1 ? (EV_READ | EV_WRITE) : EV_READ);
		if (l->pg == NULL)
			return;
	}
	if (what & EV_READ)
		listen_read(l);
}

/* Consume what the server sent: command results (LISTEN, pings) without ever blocking in
 * PQgetResult, then every notification that arrived. */
static void listen_read(struct db_listen *l)
{
	bool ok = true;
	char why[256] = "";

	if (PQconsumeInput(l->pg) == 0 || PQstatus(l->pg) == CONNECTION_BAD) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	while (!PQisBusy(l->pg)) {
		PGresult *res = PQgetResult(l->pg);
		if (res == NULL) {
			if (l->state == LISTEN_SETUP || l->pinging) {
				listen_command_done(l, ok, why);
				if (l->pg == NULL)
					return;
			}
			break;
		}
		ExecStatusType st = PQresultStatus(res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			ok = false;
			snprintf(why, sizeof why, "%s", PQresultErrorMessage(res));
		}
		PQclear(res);
	}
	PGnotify *n;
	while ((n = PQnotifies(l->pg)) != NULL) {
		log_debug("event=db_notification channel=%s payload=%s", log_quote(n->relname),
			  log_quote(n->extra));
		if (l->on_notify != NULL && l->state == LISTEN_UP)
			l->on_notify(n->relname, n->extra, l->arg);
		PQfreemem(n);
		if (l->pg == NULL)
			return;
	}
}

/* LISTEN or a ping answered. */
static void listen_command_done(struct db_listen *l, bool ok, const char *why)
{
	if (!ok) {
		listen_fail(l, why);
		return;
	}
	l->pinging = false;
	listen_arm(l, LISTEN_PING_MS);
	if (l->state == LISTEN_SETUP) {
		l->state = LISTEN_UP;
		l->failed = false;
		l->backoff_ms = LISTEN_BACKOFF_MIN_MS;
		log_info("event=db_listen_up channels=%zu", l->nchannels);
		if (l->on_state != NULL)
			l->on_state(true, l->arg);
	}
}
