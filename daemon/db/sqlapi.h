/* sqlapi.h — the SQL API: the functions of sql/api/ (one .sql file per resource),
 * re-created in the schema suivi_api.
 *
 * Unlike a migration, a file of sql/ is edited in place. sql/VERSION holds one integer,
 * raised with every release that changes sql/; the database records the version and the
 * SHA-256 of what it runs (table sql_api_state). At start, under the migration lock:
 *   - same checksum: nothing to do;
 *   - this build's version is newer, or the same with another checksum (a developer's
 *     edit): the schema is dropped and re-created, in the transaction of the last pending
 *     migration (or a transaction of its own), so no one ever sees new tables with old
 *     functions or the reverse;
 *   - this build's version is older: refused with one sentence, so that an old suivid
 *     started during an upgrade cannot put its functions back over the new ones.
 * Blocking libpq: runs before the event loop, like the migrations. */
#ifndef SUIVI_SQLAPI_H
#define SUIVI_SQLAPI_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "util.h"

/* The schema of the API and the search_path of every suivid connection. */
#define SQLAPI_SCHEMA "suivi_api"
#define SQLAPI_SEARCH_PATH "suivi_api, public"

struct sqlapi;

/* Directory of sql/: $SUIVI_SQL_DIR, else the installed pkgdatadir one. */
const char *sqlapi_default_dir(void);

/* Read dir/VERSION and the .sql files of dir/api (in name order). */
int sqlapi_load(const char *dir, struct sqlapi **out, char **cause) WUR;
void sqlapi_free(struct sqlapi *s);
int sqlapi_version(const struct sqlapi *s);
const char *sqlapi_checksum(const struct sqlapi *s);

/* Create the bookkeeping table if needed (call under the migration lock, outside a
 * transaction) and decide: *needed is true when the schema must be (re-)created, -1 with one
 * sentence when the database runs a newer SQL API than this build's. */
int sqlapi_check(PGconn *conn, const struct sqlapi *s, bool *needed, char **cause) WUR;

/* Drop and re-create suivi_api from the files and record the version, inside the caller's
 * open transaction. A failing file is named, with the line, in *cause. */
int sqlapi_apply(PGconn *conn, const struct sqlapi *s, char **cause) WUR;

#endif
