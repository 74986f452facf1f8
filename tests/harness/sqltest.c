/* sqltest.c — fixtures and query helpers for the suites that test the SQL API directly. */
#include "suivi-config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sqltest.h"
#include "util.h"

struct pg_cluster *sqltest_cluster;
const char *sqltest_conninfo;
PGconn *sqltest_conn;

static int name_cmp(const void *a, const void *b);
static char *slurp(const char *path);

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	size_t cap = 1 << 16, len = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Run every .sql file of dir in name order, each in one transaction after prologue. */
static void apply_dir(PGconn *conn, const char *dir, const char *prologue)
{
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s: %s", dir, strerror(errno));
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && n < 64)
			names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	ck_assert_msg(n >= 1, "no .sql file in %s", dir);
	qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *sql = slurp(path);
		/* As suivid does: the whole file in one transaction. */
		char *wrapped = xasprintf("BEGIN;\n%s\n%s\n;COMMIT;", prologue, sql);
		PGresult *r = PQexec(conn, wrapped);
		ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", names[i],
			      PQerrorMessage(conn));
		PQclear(r);
		free(wrapped);
		free(sql);
		free(path);
		free(names[i]);
	}
}

/* The migrations, then the SQL API in its schema, and the search_path suivid uses. */
void sqltest_migrate(PGconn *conn)
{
	const char *dir = getenv("SUIVI_MIGRATIONS_DIR");
	ck_assert_msg(dir != NULL, "SUIVI_MIGRATIONS_DIR is not set");
	const char *sqldir = getenv("SUIVI_SQL_DIR");
	ck_assert_msg(sqldir != NULL, "SUIVI_SQL_DIR is not set");
	apply_dir(conn, dir, "");
	char *api = xasprintf("%s/api", sqldir);
	apply_dir(
	    conn, api,
	    "CREATE SCHEMA IF NOT EXISTS suivi_api; SET LOCAL search_path = suivi_api, public;");
	free(api);
	PQclear(PQexec(conn, "SET search_path = suivi_api, public"));
}

void sqltest_setup(void)
{
	sqltest_conninfo = pg_cluster_new_database(sqltest_cluster);
	sqltest_conn = PQconnectdb(sqltest_conninfo);
	ck_assert_msg(PQstatus(sqltest_conn) == CONNECTION_OK, "connect: %s",
		      PQerrorMessage(sqltest_conn));
	PQclear(PQexec(sqltest_conn, "SET client_min_messages = warning"));
	sqltest_migrate(sqltest_conn);
}

void sqltest_teardown(void)
{
	PQfinish(sqltest_conn);
	sqltest_conn = NULL;
}

char *sq(const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(sqltest_conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	ck_assert_msg(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s\n-> %s", sql,
		      PQerrorMessage(sqltest_conn));
	char *v = NULL;
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

json_t *sqj(const char *sql, int n, const char *const *params)
{
	char *v = sq(sql, n, params);
	ck_assert_msg(v != NULL, "no value: %s", sql);
	json_error_t err;
	json_t *j = json_loads(v, JSON_DECODE_ANY, &err);
	ck_assert_msg(j != NULL, "not JSON (%s): %s", err.text, v);
	free(v);
	return j;
}

json_t *refused(const char *sql, int n, const char *const *params, const char *sqlstate,
		const char *hint, char **message)
{
	PGresult *r = PQexecParams(sqltest_conn, sql, n, NULL, params, NULL, NULL, 0);
	ck_assert_msg(PQresultStatus(r) == PGRES_FATAL_ERROR, "not refused: %s", sql);
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *h = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
	const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	ck_assert_msg(state != NULL && strcmp(state, sqlstate) == 0, "%s: SQLSTATE %s (%s), not %s",
		      sql, state ? state : "-", primary ? primary : "-", sqlstate);
	if (hint != NULL)
		ck_assert_msg(h != NULL && strcmp(h, hint) == 0, "%s: HINT %s, not %s", sql,
			      h ? h : "-", hint);
	json_t *j = json_null();
	if (detail != NULL) {
		json_error_t err;
		j = json_loads(detail, 0, &err);
		ck_assert_msg(j != NULL && json_is_object(j), "DETAIL not a JSON object: %s",
			      detail);
	}
	if (message != NULL)
		*message = xstrdup(primary != NULL ? primary : "");
	PQclear(r);
	return j;
}

char *state_digest(void)
{
	return SQ0(
	    "SELECT concat_ws(' ',"
	    " (SELECT count(*) FROM owners), (SELECT md5(string_agg(o::text, '' ORDER BY id))"
	    "  FROM owners o),"
	    " (SELECT count(*) FROM meetings), (SELECT md5(string_agg(m::text, '' ORDER BY id))"
	    "  FROM meetings m),"
	    " (SELECT count(*) FROM recommendations),"
	    " (SELECT md5(string_agg(r::text, '' ORDER BY id)) FROM recommendations r),"
	    " (SELECT count(*) FROM history), (SELECT count(*) FROM recommendation_supporters),"
	    " (SELECT md5(string_agg(c::text, '' ORDER BY meeting_id, owner_key, status))"
	    "  FROM recommendation_counts c))");
}

void assert_same_state(const char *before)
{
	char *after = state_digest();
	ck_assert_str_eq(after, before);
	free(after);
}

void mk_owner(const char *handle, const char *name)
{
	char *body = xasprintf("{\"handle\":\"%s\",\"name\":\"%s\"}", handle, name);
	free(SQ("SELECT suivi_owner_create('t', $1)", body));
	free(body);
}

void mk_meeting(const char *code, const char *starts_on, const char *series)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:s?}", "code", code, "title", code, "starts_on",
			      starts_on, "series", series);
	char *body = json_dumps(b, JSON_COMPACT);
	free(SQ("SELECT suivi_meeting_create('t', $1)", body));
	free(body);
	json_decref(b);
}

json_t *mk_rec(const char *body_json)
{
	return SQJ("SELECT suivi_rec_create('sec', $1, $2)", body_json, TODAY);
}
