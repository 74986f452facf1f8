/* sqltest.h — helpers shared by the suites that test migrations/0002_tracking.sql directly
 * against a real PostgreSQL: one cluster per program, one fresh migrated database per test. */
#ifndef SUIVI_SQLTEST_H
#define SUIVI_SQLTEST_H

#include <stdbool.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "harness.h"

#define TODAY "2026-11-22"

extern struct pg_cluster *sqltest_cluster;
extern const char *sqltest_conninfo; /* this test's database */
extern PGconn *sqltest_conn;

/* Check fixtures: a new database with 0001 and 0002 applied, connected. */
void sqltest_setup(void);
void sqltest_teardown(void);
/* Apply every migration file (read from $SUIVI_MIGRATIONS_DIR) to conn. */
void sqltest_migrate(PGconn *conn);

/* Run sql with text parameters (NULL entries are SQL NULL); asserts success; returns the
 * first value of the first row (caller frees; NULL when none or SQL NULL). */
char *sq(const char *sql, int n, const char *const *params);
/* The same, parsed as JSON (caller decrefs); asserts it is JSON. */
json_t *sqj(const char *sql, int n, const char *const *params);
/* Run sql expecting a refusal with this SQLSTATE and HINT; returns DETAIL parsed as JSON
 * (json null when absent; caller decrefs) and, when message is not NULL, *message (free). */
json_t *refused(const char *sql, int n, const char *const *params, const char *sqlstate,
		const char *hint, char **message);
/* A text summary of everything a write could change (row counts, versions, last_n, history,
 * supporters, counts): equal before and after a refusal. Caller frees. */
char *state_digest(void);
/* Assert that state_digest() is still before. */
void assert_same_state(const char *before);

/* Short cuts. */
void mk_owner(const char *handle, const char *name);
void mk_meeting(const char *code, const char *starts_on, const char *series);
json_t *mk_rec(const char *body_json); /* suivi_rec_create by "sec" as of TODAY */

#define P(...) ((const char *const[]){__VA_ARGS__})
#define NP(...) (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define SQ(sql, ...) sq(sql, NP(__VA_ARGS__), P(__VA_ARGS__))
#define SQJ(sql, ...) sqj(sql, NP(__VA_ARGS__), P(__VA_ARGS__))
#define SQ0(sql) sq(sql, 0, NULL)
#define SQJ0(sql) sqj(sql, 0, NULL)

#define JSTR(j, key) json_string_value(json_object_get((j), (key)))
#define JINT(j, key) json_integer_value(json_object_get((j), (key)))

#endif
