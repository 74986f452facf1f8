/* migrate.h — numbered SQL migrations (NNNN_name.sql) applied in order, each in its own
 * transaction, under an advisory lock, recorded with a SHA-256 checksum. Blocking: runs
 * before the event loop starts, or as `suivid migrate`. */
#ifndef SUIVI_MIGRATE_H
#define SUIVI_MIGRATE_H

#include <stddef.h>

#include <libpq-fe.h>

#include "util.h"

/* Directory of the migrations: $SUIVI_MIGRATIONS_DIR, else the installed pkgdatadir one. */
const char *migrate_default_dir(void);

struct migration {
	int version; /* NNNN */
	char *name;  /* file name, "0001_init.sql" */
	char *path;
	char checksum[65];
	char *sql;
};

/* Read and sort the migrations of dir; refuses duplicate numbers and badly named .sql files. */
int migrate_scan(const char *dir, struct migration **out, size_t *n, char **cause) WUR;
void migrate_free(struct migration *m, size_t n);

/* Check applied migrations against the files (a changed or missing applied file is an
 * error naming it), then apply the pending ones. With sqldir (NULL: none), also bring the SQL
 * API of sqldir in (sqlapi.h), in the transaction of the last pending migration. *applied
 * gets how many migrations were applied. */
int migrate_run(PGconn *conn, const char *dir, const char *sqldir, int *applied, char **cause) WUR;

/* Check only: -1 with a cause naming the file when an applied migration changed or is
 * missing, or when some are pending and pending_is_error. */
int migrate_verify(PGconn *conn, const char *dir, int pending_is_error, char **cause) WUR;

#endif
