/* migrate-internal.h — the blocking helpers migrate.c shares with sqlapi.c. */
#ifndef SUIVI_MIGRATE_INTERNAL_H
#define SUIVI_MIGRATE_INTERNAL_H

#include <stddef.h>

#include <libpq-fe.h>

#include "util.h"

/* Read a whole source file (NUL-terminated, bounded in size) into *out (caller's). */
int migrate_read_file(const char *path, char **out, size_t *len, char **cause) WUR;
/* The server's message for a failed result (caller's), with "line N: " when the server gave
 * a position into sql. */
char *migrate_server_error(PGconn *conn, PGresult *res, const char *sql);
/* Run sql; -1 with a cause naming it when the server refuses. */
int migrate_exec(PGconn *conn, const char *sql, char **cause) WUR;

#endif
