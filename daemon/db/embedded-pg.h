/* embedded-pg.h — suivid's private PostgreSQL server in data_dir, used when no
 * [database] url is configured: initialised on first start, listening only on a Unix
 * socket inside data_dir, stopped when suivid exits. Blocking: start and stop run outside
 * the event loop. */
#ifndef SUIVI_EMBEDDED_PG_H
#define SUIVI_EMBEDDED_PG_H

#include "util.h"

struct embedded_pg;

/* Lock data_dir (a second suivid on it is refused), initdb on first use, start the server.
 * As root, the cluster runs as the unprivileged "postgres" system user (or the start is
 * refused with one sentence saying what to do). *conninfo (caller's) reaches it. */
int embedded_pg_start(const char *data_dir, struct embedded_pg **out, char **conninfo,
		      char **cause) WUR;
/* Stop the server (fast shutdown) and release the lock. */
void embedded_pg_stop(struct embedded_pg *pg);
/* Directory holding initdb, pg_ctl and postgres: $SUIVI_PG_BINDIR, else the configured one,
 * else the newest /usr/lib/postgresql/N/bin. */
const char *embedded_pg_bindir(void);
/* conninfo (caller's) of the embedded server of data_dir, without starting it: for the
 * one-shot commands while a `suivid serve` holds the lock. */
char *embedded_pg_conninfo(const char *data_dir);
/* 1 when another suivid holds data_dir's lock (so its server runs), 0 when it is free (or
 * data_dir does not exist yet), -1 on error. A lock held by this very process counts too. */
int embedded_pg_locked(const char *data_dir);

#endif
