/* migrate.c — apply migrations/NNNN_name.sql in order, each in its own transaction, under a
 * session advisory lock so that several suivid starting together apply each file once, and
 * record every applied file with its SHA-256 so that a later edit is caught. Blocking libpq:
 * this runs before the event loop. */
#include "suivi-config.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/migrate-internal.h"
#include "db/migrate.h"
#include "db/sqlapi.h"
#include "sha256.h"

/* Fixed key of the migration advisory lock ("suivimig" in ASCII), distinct from any other lock
 * suivid takes (the scheduler's has its own key). */
#define MIGRATE_LOCK_KEY "8319671843932694887"

/* Refuse absurd files: a migration is source code, not a data dump. */
#define MIGRATE_MAX_FILE (64L * 1024 * 1024)

struct applied {
	int version;
	char *name;
	char *checksum;
};

static int parse_name(const char *name, int *version);
static int compare_version(const void *a, const void *b);
static int table_exists(PGconn *conn, int *exists, char **cause);
static int load_applied(PGconn *conn, struct applied **out, size_t *n, char **cause);
static void applied_free(struct applied *a, size_t n);
static int check_applied(const struct migration *m, size_t n, const struct applied *a, size_t na,
			 const char *dir, char **cause);
static int is_applied(const struct applied *a, size_t na, int version);
static int apply_one(PGconn *conn, const struct migration *m, const struct sqlapi *api,
		     char **cause);

const char *migrate_default_dir(void)
{
	const char *env = getenv("SUIVI_MIGRATIONS_DIR");
	if (env != NULL && env[0] != '\0')
		return env;
	return SUIVI_PKGDATADIR "/migrations";
}

/* 1 for NNNN_name.sql (name of [a-z0-9_]+), 0 for a badly named .sql file, -1 for a file
 * that is not a migration at all (no .sql suffix). */
static int parse_name(const char *name, int *version)
{
	size_t len = strlen(name);
	if (len < 4 || strcmp(name + len - 4, ".sql") != 0)
		return -1;
	if (len < 4 + 1 + 1 + 4)
		return 0;
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (name[i] - '0');
	}
	if (name[4] != '_')
		return 0;
	for (size_t i = 5; i < len - 4; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	*version = v;
	return 1;
}

int migrate_read_file(const char *path, char **out, size_t *len, char **cause)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		set_cause(cause, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 8192, used = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (cap - used < 4096)
			buf = xrealloc(buf, cap *= 2);
		size_t r = fread(buf + used, 1, cap - used - 1, f);
		used += r;
		if (r == 0)
			break;
		if (used > (size_t)MIGRATE_MAX_FILE) {
			set_cause(cause, "%s is larger than %ld bytes", path, MIGRATE_MAX_FILE);
			goto fail;
		}
	}
	if (ferror(f)) {
		set_cause(cause, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

static int compare_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

int migrate_scan(const char *dir, struct migration **out, size_t *n, char **cause)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		set_cause(cause, "cannot open the migrations directory %s: %s", dir,
			  strerror(errno));
		return -1;
	}
	struct migration *m = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	int rc = -1;

	while ((errno = 0, de = readdir(d)) != NULL) {
		int version;
		/* Hidden files (editor swap and lock files) are never migrations. */
		if (de->d_name[0] == '.')
			continue;
		int kind = parse_name(de->d_name, &version);
		if (kind < 0)
			continue;
		if (kind == 0) {
			set_cause(cause,
				  "migration file %s/%s is badly named: expected NNNN_name.sql "
				  "(4 digits, then a name of a-z, 0-9 and _)",
				  dir, de->d_name);
			goto done;
		}
		if (count == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			m = xrealloc(m, cap * sizeof *m);
		}
		struct migration *mi = &m[count];
		memset(mi, 0, sizeof *mi);
		mi->version = version;
		mi->name = xstrdup(de->d_name);
		mi->path = xasprintf("%s/%s", dir, de->d_name);
		count++;
		size_t len;
		if (migrate_read_file(mi->path, &mi->sql, &len, cause) != 0)
			goto done;
		/* libpq sends the text as a C string: a NUL would silently cut the migration. */
		if (memchr(mi->sql, '\0', len) != NULL) {
			set_cause(cause, "migration %s contains a NUL byte", mi->path);
			goto done;
		}
		sha256_hex(mi->sql, len, mi->checksum);
	}
	if (errno != 0) {
		set_cause(cause, "cannot list the migrations directory %s: %s", dir,
			  strerror(errno));
		goto done;
	}
	if (count > 0)
		qsort(m, count, sizeof *m, compare_version);
	for (size_t i = 1; i < count; i++) {
		if (m[i].version == m[i - 1].version) {
			set_cause(cause, "migrations %s and %s in %s have the same number %04d",
				  m[i - 1].name, m[i].name, dir, m[i].version);
			goto done;
		}
	}
	rc = 0;
done:
	closedir(d);
	if (rc != 0) {
		migrate_free(m, count);
		return -1;
	}
	*out = m;
	*n = count;
	return 0;
}

void migrate_free(struct migration *m, size_t n)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].path);
		free(m[i].sql);
	}
	free(m);
}

/* The server's message for a failed result, with the line when the server gave a position
 * into sql. Positions count characters, so UTF-8 continuation bytes are skipped. */
char *migrate_server_error(PGconn *conn, PGresult *res, const char *sql)
{
	const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *pos = res != NULL ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
	char *msg;

	if (primary != NULL) {
		msg = xstrdup(primary);
	} else {
		msg = xstrdup(PQerrorMessage(conn));
		str_trim(msg);
	}
	if (pos != NULL && sql != NULL) {
		long want = strtol(pos, NULL, 10), chars = 0, line = 1;
		for (const unsigned char *p = (const unsigned char *)sql; *p != '\0'; p++) {
			if ((*p & 0xc0) == 0x80)
				continue;
			if (++chars >= want)
				break;
			if (*p == '\n')
				line++;
		}
		char *with = xasprintf("line %ld: %s", line, msg);
		free(msg);
		msg = with;
	}
	return msg;
}

int migrate_exec(PGconn *conn, const char *sql, char **cause)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "migrations: %s failed: %s", sql, msg);
		free(msg);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int table_exists(PGconn *conn, int *exists, char **cause)
{
	PGresult *res = PQexec(conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "migrations: cannot look for schema_migrations: %s", msg);
		free(msg);
		PQclear(res);
		return -1;
	}
	*exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

static int load_applied(PGconn *conn, struct applied **out, size_t *n, char **cause)
{
	PGresult *res =
	    PQexec(conn, "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "migrations: cannot read schema_migrations: %s", msg);
		free(msg);
		PQclear(res);
		return -1;
	}
	size_t rows = (size_t)PQntuples(res);
	struct applied *a = xcalloc(rows, sizeof *a);
	for (size_t i = 0; i < rows; i++) {
		a[i].version = atoi(PQgetvalue(res, (int)i, 0));
		a[i].name = xstrdup(PQgetvalue(res, (int)i, 1));
		a[i].checksum = xstrdup(PQgetvalue(res, (int)i, 2));
	}
	PQclear(res);
	*out = a;
	*n = rows;
	return 0;
}

static void applied_free(struct applied *a, size_t n)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].checksum);
	}
	free(a);
}

/* Every applied migration must still be there, under the same name, with the same bytes. */
static int check_applied(const struct migration *m, size_t n, const struct applied *a, size_t na,
			 const char *dir, char **cause)
{
	for (size_t i = 0; i < na; i++) {
		const struct migration *file = NULL;
		for (size_t j = 0; j < n && file == NULL; j++)
			if (m[j].version == a[i].version)
				file = &m[j];
		if (file == NULL) {
			set_cause(cause,
				  "migration %s was applied but its file is missing from %s; "
				  "restore the file",
				  a[i].name, dir);
			return -1;
		}
		if (strcmp(file->name, a[i].name) != 0) {
			set_cause(cause,
				  "migration %s was applied under the name %s; restore the file's "
				  "name or write a new migration",
				  file->name, a[i].name);
			return -1;
		}
		if (strcmp(file->checksum, a[i].checksum) != 0) {
			set_cause(cause,
				  "migration %s has changed since it was applied (checksum "
				  "%.12s…≠%.12s…); restore the file or write a new migration",
				  file->name, a[i].checksum, file->checksum);
			return -1;
		}
	}
	/* A new file numbered below the latest applied one would run out of order. */
	int latest = na > 0 ? a[na - 1].version : -1;
	for (size_t j = 0; j < n; j++) {
		if (m[j].version < latest && !is_applied(a, na, m[j].version)) {
			set_cause(cause,
				  "migration %s is numbered below the latest applied migration %s; "
				  "give it a number above %04d",
				  m[j].name, a[na - 1].name, latest);
			return -1;
		}
	}
	return 0;
}

static int is_applied(const struct applied *a, size_t na, int version)
{
	for (size_t i = 0; i < na; i++)
		if (a[i].version == version)
			return 1;
	return 0;
}

/* One migration in one transaction: its statements and its bookkeeping row commit together
 * or not at all. With api, the SQL API is re-created in the same transaction (m may then be
 * NULL: the SQL API alone). */
static int apply_one(PGconn *conn, const struct migration *m, const struct sqlapi *api,
		     char **cause)
{
	if (migrate_exec(conn, "BEGIN", cause) != 0)
		return -1;
	if (m == NULL)
		goto api;

	/* PQexec runs every statement of the file (simple query protocol) and returns the last
	 * result, or the first error. */
	PGresult *res = PQexec(conn, m->sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		char *msg = migrate_server_error(conn, res, m->sql);
		set_cause(cause, "migration %s failed, nothing of it was applied: %s", m->name,
			  msg);
		free(msg);
		PQclear(res);
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	PQclear(res);

	char version[16];
	snprintf(version, sizeof version, "%d", m->version);
	const char *params[3] = {version, m->name, m->checksum};
	res = PQexecParams(conn,
			   "INSERT INTO schema_migrations (version, name, checksum) "
			   "VALUES ($1, $2, $3)",
			   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "migration %s: cannot record it in schema_migrations: %s", m->name,
			  msg);
		free(msg);
		PQclear(res);
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	PQclear(res);

api:
	if (api != NULL && sqlapi_apply(conn, api, cause) != 0) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	PGresult *done = PQexec(conn, "COMMIT");
	if (PQresultStatus(done) != PGRES_COMMAND_OK) {
		char *msg = migrate_server_error(conn, done, NULL);
		set_cause(cause, "%s failed at commit, nothing of it was applied: %s",
			  m != NULL ? m->name : "sql/", msg);
		free(msg);
		PQclear(done);
		return -1;
	}
	PQclear(done);
	return 0;
}

int migrate_run(PGconn *conn, const char *dir, const char *sqldir, int *applied, char **cause)
{
	struct sqlapi *api = NULL;
	bool api_needed = false;
	struct migration *m = NULL;
	struct applied *a = NULL;
	size_t n = 0, na = 0;
	int locked = 0, rc = -1, count = 0;

	if (applied != NULL)
		*applied = 0;
	if (migrate_scan(dir, &m, &n, cause) != 0)
		return -1;
	if (sqldir != NULL && sqlapi_load(sqldir, &api, cause) != 0)
		goto done;
	/* Tables are public's: a connection whose search_path puts suivi_api first would create
	 * them, and look for schema_migrations, there. */
	if (migrate_exec(conn, "SET client_min_messages = warning", cause) != 0 ||
	    migrate_exec(conn, "SET search_path = public", cause) != 0)
		goto done;

	/* Try first so that a wait behind another suivid shows in the log. */
	PGresult *res = PQexec(conn, "SELECT pg_try_advisory_lock(" MIGRATE_LOCK_KEY ")");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "migrations: cannot take the migration lock: %s", msg);
		free(msg);
		PQclear(res);
		goto done;
	}
	locked = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!locked) {
		log_info("event=migrate_wait reason=\"another process holds the migration lock\"");
		if (migrate_exec(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", cause) != 0)
			goto done;
		locked = 1;
	}

	/* Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS can both miss the
	 * table and one then fails on the catalog's unique index. */
	if (migrate_exec(conn,
			 "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 "version int PRIMARY KEY, "
			 "name text NOT NULL, "
			 "checksum text NOT NULL, "
			 "applied_at timestamptz NOT NULL DEFAULT now())",
			 cause) != 0)
		goto done;
	if (load_applied(conn, &a, &na, cause) != 0)
		goto done;
	if (check_applied(m, n, a, na, dir, cause) != 0)
		goto done;
	if (api != NULL && sqlapi_check(conn, api, &api_needed, cause) != 0)
		goto done;

	/* The SQL API goes with the last pending migration, or alone. */
	size_t last = n;
	for (size_t i = 0; i < n; i++)
		if (!is_applied(a, na, m[i].version))
			last = i;
	if (last == n && api_needed && apply_one(conn, NULL, api, cause) != 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (is_applied(a, na, m[i].version))
			continue;
		if (apply_one(conn, &m[i], i == last && api_needed ? api : NULL, cause) != 0)
			goto done;
		log_info("event=migration_applied name=%s checksum=%s", log_quote(m[i].name),
			 m[i].checksum);
		count++;
	}
	rc = 0;
done:
	if (applied != NULL)
		*applied = count;
	if (locked) {
		char *ignored = NULL;
		/* A session lock outlives transactions: release it explicitly, since the
		 * connection usually goes on serving suivid. */
		if (migrate_exec(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")",
				 &ignored) != 0)
			log_warnx("event=migrate_unlock_failed cause=%s", log_quote(ignored));
		free(ignored);
	}
	if (rc == 0 && migrate_exec(conn, "SET search_path = " SQLAPI_SEARCH_PATH, cause) != 0)
		rc = -1;
	applied_free(a, na);
	migrate_free(m, n);
	sqlapi_free(api);
	return rc;
}

int migrate_verify(PGconn *conn, const char *dir, int pending_is_error, char **cause)
{
	struct migration *m = NULL;
	struct applied *a = NULL;
	size_t n = 0, na = 0;
	int exists = 0, rc = -1;

	if (migrate_scan(dir, &m, &n, cause) != 0)
		return -1;
	if (table_exists(conn, &exists, cause) != 0)
		goto done;
	if (exists && load_applied(conn, &a, &na, cause) != 0)
		goto done;
	if (check_applied(m, n, a, na, dir, cause) != 0)
		goto done;
	if (pending_is_error) {
		size_t pending = 0;
		const char *first = NULL;
		for (size_t i = 0; i < n; i++) {
			if (!is_applied(a, na, m[i].version)) {
				if (first == NULL)
					first = m[i].name;
				pending++;
			}
		}
		if (pending > 0) {
			set_cause(cause, "%zu migration%s pending (first: %s); run suivid migrate",
				  pending, pending == 1 ? " is" : "s are", first);
			goto done;
		}
	}
	rc = 0;
done:
	applied_free(a, na);
	migrate_free(m, n);
	return rc;
}
