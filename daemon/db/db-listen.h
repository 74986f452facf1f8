/* db-listen.h — one dedicated libpq connection, outside the pool, that LISTENs on a few
 * channels and hands every notification to a callback, from the event loop.
 *
 * It connects without blocking (PQconnectStartParams/PQconnectPoll), sends LISTEN for every
 * channel, and says "up" only once the server has answered them: from then on, every NOTIFY
 * committed on those channels reaches the callback. When the connection breaks (or a periodic
 * ping goes unanswered, as a half-open TCP connection would leave it) it says "down" and
 * reconnects with backoff; notifications committed while it is down are lost, which is why a
 * user of it must treat "down" as "I may have missed something" and "up" as "start afresh".
 * The connection's application_name is DB_LISTEN_APPLICATION_NAME, so that pg_stat_activity
 * tells it from the pool's. */
#ifndef SUIVI_DB_LISTEN_H
#define SUIVI_DB_LISTEN_H

#include <stdbool.h>

#include <event2/event.h>

#define DB_LISTEN_APPLICATION_NAME "suivid-listen"

struct db_listen;

/* A notification: channel and payload are borrowed for the call. */
typedef void (*db_listen_notify_cb)(const char *channel, const char *payload, void *arg);
/* up: LISTEN is in effect on every channel; down: the connection is lost (or a first attempt
 * failed) and notifications may be missed until the next up. Called on changes only. */
typedef void (*db_listen_state_cb)(bool up, void *arg);

struct db_listen_options {
	const char *conninfo;          /* libpq conninfo or URI, as the pool's */
	const char *const *channels;   /* NULL-terminated; lower-case names (LISTEN folds case) */
	db_listen_notify_cb on_notify; /* may be NULL */
	db_listen_state_cb on_state;   /* may be NULL */
	void *arg;
};

/* Start connecting from the loop's next turn; every callback runs from the loop. */
struct db_listen *db_listen_new(struct event_base *base, const struct db_listen_options *opt);
/* Whether LISTEN is in effect right now. */
bool db_listen_up(const struct db_listen *l);
/* Close the connection; no callback runs afterwards. */
void db_listen_free(struct db_listen *l);

#endif
