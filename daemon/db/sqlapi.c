/* sqlapi.c — load sql/, decide whether the database needs it, re-create suivi_api. */
#include "suivi-config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/migrate-internal.h"
#include "db/sqlapi.h"
#include "sha256.h"

#define SQLAPI_MAX_FILES 64

struct sqlapi_file {
	char *name; /* "30-recommendations.sql" */
	char *sql;
};

struct sqlapi {
	int version;
	char checksum[2 * SHA256_DIGEST_LEN + 1];
	struct sqlapi_file files[SQLAPI_MAX_FILES];
	size_t n;
};

static int read_version(const char *dir, int *version, char **cause);
static int compare_names(const void *a, const void *b);

const char *sqlapi_default_dir(void)
{
	const char *env = getenv("SUIVI_SQL_DIR");
	if (env != NULL && env[0] != '\0')
		return env;
	return SUIVI_PKGDATADIR "/sql";
}

static int read_version(const char *dir, int *version, char **cause)
{
	char *path = xasprintf("%s/VERSION", dir), *text = NULL;
	size_t len = 0;
	int rc = -1;

	if (migrate_read_file(path, &text, &len, cause) != 0)
		goto out;
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	while (end != NULL && (*end == '\n' || *end == ' '))
		end++;
	if (errno != 0 || end == text || *end != '\0' || v < 1 || v > 1000000) {
		set_cause(cause, "%s must hold one positive integer", path);
		goto out;
	}
	*version = (int)v;
	rc = 0;
out:
	free(text);
	free(path);
	return rc;
}

static int compare_names(const void *a, const void *b)
{
	const struct sqlapi_file *x = a, *y = b;
	return strcmp(x->name, y->name);
}

int sqlapi_load(const char *dir, struct sqlapi **out, char **cause)
{
	struct sqlapi *s = xcalloc(1, sizeof *s);
	char *apidir = xasprintf("%s/api", dir);
	DIR *d = NULL;

	if (read_version(dir, &s->version, cause) != 0)
		goto fail;
	d = opendir(apidir);
	if (d == NULL) {
		set_cause(cause, "cannot open %s: %s", apidir, strerror(errno));
		goto fail;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || e->d_name[0] == '.')
			continue;
		if (s->n == SQLAPI_MAX_FILES) {
			set_cause(cause, "%s has more than %d .sql files", apidir,
				  SQLAPI_MAX_FILES);
			goto fail;
		}
		s->files[s->n++].name = xstrdup(e->d_name);
	}
	if (s->n == 0) {
		set_cause(cause, "%s holds no .sql file", apidir);
		goto fail;
	}
	qsort(s->files, s->n, sizeof s->files[0], compare_names);

	/* The checksum covers names and contents, so a renamed file counts as a change. */
	struct sha256_ctx ctx;
	unsigned char digest[SHA256_DIGEST_LEN];
	sha256_init(&ctx);
	for (size_t i = 0; i < s->n; i++) {
		char *path = xasprintf("%s/%s", apidir, s->files[i].name);
		size_t len = 0;
		int rc = migrate_read_file(path, &s->files[i].sql, &len, cause);
		free(path);
		if (rc != 0)
			goto fail;
		sha256_update(&ctx, s->files[i].name, strlen(s->files[i].name) + 1);
		sha256_update(&ctx, s->files[i].sql, len + 1);
	}
	sha256_final(&ctx, digest);
	for (size_t i = 0; i < SHA256_DIGEST_LEN; i++)
		snprintf(s->checksum + 2 * i, 3, "%02x", digest[i]);
	closedir(d);
	free(apidir);
	*out = s;
	return 0;
fail:
	if (d != NULL)
		closedir(d);
	free(apidir);
	sqlapi_free(s);
	return -1;
}

void sqlapi_free(struct sqlapi *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].name);
		free(s->files[i].sql);
	}
	free(s);
}

int sqlapi_version(const struct sqlapi *s)
{
	return s->version;
}

const char *sqlapi_checksum(const struct sqlapi *s)
{
	return s->checksum;
}

int sqlapi_check(PGconn *conn, const struct sqlapi *s, bool *needed, char **cause)
{
	*needed = true;
	if (migrate_exec(conn,
			 "CREATE TABLE IF NOT EXISTS sql_api_state ("
			 "id int PRIMARY KEY CHECK (id = 1), "
			 "version int NOT NULL, "
			 "checksum text NOT NULL, "
			 "applied_at timestamptz NOT NULL DEFAULT now())",
			 cause) != 0)
		return -1;
	PGresult *res = PQexec(conn, "SELECT version, checksum, "
				     "to_regnamespace('" SQLAPI_SCHEMA "') IS NOT NULL "
				     "FROM sql_api_state WHERE id = 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "cannot read sql_api_state: %s", msg);
		free(msg);
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) == 1) {
		int applied = atoi(PQgetvalue(res, 0, 0));
		const char *sum = PQgetvalue(res, 0, 1);
		bool schema = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
		if (applied > s->version) {
			set_cause(cause,
				  "the database runs the SQL API of version %d, newer than this "
				  "suivid's (%d, from %s): upgrade this suivid, or start the newer "
				  "one",
				  applied, s->version, sqlapi_default_dir());
			PQclear(res);
			return -1;
		}
		if (applied == s->version && strcmp(sum, s->checksum) == 0 && schema)
			*needed = false;
		else if (applied == s->version && strcmp(sum, s->checksum) != 0)
			log_warnx("event=sql_api_changed version=%d applied=%s files=%s "
				  "reason=\"sql/ changed without a new sql/VERSION: applying this "
				  "build's\"",
				  s->version, sum, s->checksum);
	}
	PQclear(res);
	return 0;
}

int sqlapi_apply(PGconn *conn, const struct sqlapi *s, char **cause)
{
	if (migrate_exec(conn, "DROP SCHEMA IF EXISTS " SQLAPI_SCHEMA " CASCADE", cause) != 0 ||
	    migrate_exec(conn, "CREATE SCHEMA " SQLAPI_SCHEMA, cause) != 0 ||
	    migrate_exec(conn, "SET LOCAL search_path = " SQLAPI_SEARCH_PATH, cause) != 0)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		PGresult *res = PQexec(conn, s->files[i].sql);
		ExecStatusType st = PQresultStatus(res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
			char *msg = migrate_server_error(conn, res, s->files[i].sql);
			set_cause(cause, "sql/api/%s failed, nothing of sql/ was applied: %s",
				  s->files[i].name, msg);
			free(msg);
			PQclear(res);
			return -1;
		}
		PQclear(res);
	}
	char version[16];
	snprintf(version, sizeof version, "%d", s->version);
	const char *params[] = {version, s->checksum};
	PGresult *res =
	    PQexecParams(conn,
			 "INSERT INTO sql_api_state (id, version, checksum) "
			 "VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE "
			 "SET version = EXCLUDED.version, checksum = EXCLUDED.checksum, "
			 "applied_at = now()",
			 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char *msg = migrate_server_error(conn, res, NULL);
		set_cause(cause, "cannot record the SQL API in sql_api_state: %s", msg);
		free(msg);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	log_info("event=sql_api_applied version=%d checksum=%s files=%zu", s->version, s->checksum,
		 s->n);
	return 0;
}
