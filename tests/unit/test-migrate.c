/* test-migrate.c — migration scanning (pure) and applying against a real PostgreSQL from the
 * harness: bookkeeping, idempotence, edited and missing files, rollback of a failing file,
 * and two processes migrating at once. */
#include "suivi-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "harness.h"
#include "db/migrate.h"
#include "sha256.h"
#include "suites.h"

static void make_dir(void);
static void remove_dir(void);
static void put(const char *name, const char *sql);
static void drop(const char *name);
static char *value(const char *sql);
static void count_notice(void *arg, const PGresult *res);
static void db_setup(void);
static void db_teardown(void);
static void cluster_setup(void);
static void cluster_teardown(void);

static struct pg_cluster *cluster; /* one per test case, started in the parent */
static char dir[64];               /* this test's migrations directory */
static const char *conninfo;       /* this test's database */
static PGconn *conn;
static int notices;

static void make_dir(void)
{
	strcpy(dir, "/tmp/suivi-migrate-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static void put(const char *name, const char *sql)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
	fputs(sql, f);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
}

static void drop(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	ck_assert_int_eq(unlink(path), 0);
	free(path);
}

/* First value of the first row on this test's database (caller frees). */
static char *value(const char *sql)
{
	char *v = pg_query_value(conninfo, sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	return v;
}

static void count_notice(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
	notices++;
}

static void cluster_setup(void)
{
	cluster = pg_cluster_start();
}

static void cluster_teardown(void)
{
	pg_cluster_destroy(cluster);
}

static void db_setup(void)
{
	make_dir();
	conninfo = pg_cluster_new_database(cluster);
	conn = PQconnectdb(conninfo);
	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "connect: %s", PQerrorMessage(conn));
	notices = 0;
	PQsetNoticeReceiver(conn, count_notice, NULL);
}

static void db_teardown(void)
{
	PQfinish(conn);
	remove_dir();
}

#define ASSERT_VALUE(sql, expected)                                                                \
	do {                                                                                       \
		char *v_ = value(sql);                                                             \
		ck_assert_str_eq(v_, expected);                                                    \
		free(v_);                                                                          \
	} while (0)

/* --- scanning, no database --------------------------------------------------------------- */

START_TEST(test_scan_order_and_ignored)
{
	struct migration *m;
	size_t n;
	char *cause = NULL;

	make_dir();
	put("0010_ten.sql", "SELECT 10;");
	put("0002_two.sql", "SELECT 2;");
	put("0001_init_schema.sql", "SELECT 1;");
	put("README", "not a migration");
	put("notes.txt", "neither");
	put(".#0003_lock.sql", "an editor's lock file");
	ck_assert_msg(migrate_scan(dir, &m, &n, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(m[0].version, 1);
	ck_assert_str_eq(m[0].name, "0001_init_schema.sql");
	ck_assert_int_eq(m[1].version, 2);
	ck_assert_int_eq(m[2].version, 10);
	ck_assert_str_eq(m[2].name, "0010_ten.sql");
	ck_assert_str_eq(m[2].sql, "SELECT 10;");
	char *path = xasprintf("%s/0010_ten.sql", dir);
	ck_assert_str_eq(m[2].path, path);
	free(path);
	char hex[65];
	sha256_hex("SELECT 2;", 9, hex);
	ck_assert_str_eq(m[1].checksum, hex);
	migrate_free(m, n);
	remove_dir();
}
END_TEST

START_TEST(test_scan_bad_names)
{
	static const char *const bad[] = {
	    "001_short.sql",   "00001_long.sql", "0001-dash.sql",  "0001_.sql", "0001_Upper.sql",
	    "0001_sp ace.sql", "abcd_x.sql",     "0001_x.SQL.sql", "0001.sql",  "x.sql",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct migration *m = NULL;
		size_t n = 0;
		char *cause = NULL;
		make_dir();
		put("0001_good.sql", "SELECT 1;");
		put(bad[i], "SELECT 1;");
		ck_assert_msg(migrate_scan(dir, &m, &n, &cause) == -1, "accepted %s", bad[i]);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, bad[i]) != NULL, "cause does not name %s: %s", bad[i],
			      cause);
		ck_assert_msg(strstr(cause, "NNNN_name.sql") != NULL, "%s", cause);
		free(cause);
		remove_dir();
	}
}
END_TEST

START_TEST(test_scan_duplicate_number)
{
	struct migration *m = NULL;
	size_t n = 0;
	char *cause = NULL;
	make_dir();
	put("0001_init.sql", "SELECT 1;");
	put("0002_a.sql", "SELECT 2;");
	put("0002_b.sql", "SELECT 3;");
	ck_assert_int_eq(migrate_scan(dir, &m, &n, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "0002_a.sql"));
	ck_assert_ptr_nonnull(strstr(cause, "0002_b.sql"));
	free(cause);
	remove_dir();
}
END_TEST

START_TEST(test_scan_missing_dir_and_empty)
{
	struct migration *m = NULL;
	size_t n = 7;
	char *cause = NULL;
	ck_assert_int_eq(migrate_scan("/nonexistent/suivi-migrations", &m, &n, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/suivi-migrations"));
	free(cause);
	cause = NULL;
	make_dir();
	ck_assert_int_eq(migrate_scan(dir, &m, &n, &cause), 0);
	ck_assert_uint_eq(n, 0);
	migrate_free(m, n);
	remove_dir();
}
END_TEST

START_TEST(test_default_dir)
{
	/* Put the caller's value back: with CK_FORK=no (valgrind) later suites read it. */
	const char *env = getenv("SUIVI_MIGRATIONS_DIR");
	char *saved = env != NULL ? xstrdup(env) : NULL;
	setenv("SUIVI_MIGRATIONS_DIR", "/somewhere/else", 1);
	ck_assert_str_eq(migrate_default_dir(), "/somewhere/else");
	unsetenv("SUIVI_MIGRATIONS_DIR");
	ck_assert_str_eq(migrate_default_dir(), SUIVI_PKGDATADIR "/migrations");
	if (saved != NULL)
		setenv("SUIVI_MIGRATIONS_DIR", saved, 1);
	free(saved);
}
END_TEST

/* --- against PostgreSQL ------------------------------------------------------------------ */

START_TEST(test_apply_records_checksums)
{
	char *cause = NULL;
	int applied = -1;
	static const char two[] =
	    "CREATE TABLE b (y int);\n"
	    "INSERT INTO a VALUES (1), (2);\n"
	    "CREATE TABLE IF NOT EXISTS a (x int);\n"; /* a NOTICE, silenced */
	put("0001_a.sql", "CREATE TABLE a (x int);");
	put("0002_b.sql", two);
	put("0010_c.sql", "CREATE VIEW c AS SELECT count(*) AS n FROM a;");
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	ck_assert_int_eq(applied, 3);
	ck_assert_int_eq(notices, 0);
	ASSERT_VALUE("SELECT string_agg(version || ':' || name, ',' ORDER BY version) "
		     "FROM schema_migrations",
		     "1:0001_a.sql,2:0002_b.sql,10:0010_c.sql");
	ASSERT_VALUE("SELECT n FROM c", "2");
	/* The recorded checksum is the SHA-256 of the file's bytes, as PostgreSQL computes it. */
	char hex[65];
	sha256_hex(two, strlen(two), hex);
	char *got = value("SELECT checksum FROM schema_migrations WHERE version = 2");
	ck_assert_str_eq(got, hex);
	free(got);
	ASSERT_VALUE("SELECT count(*) FROM schema_migrations WHERE checksum = "
		     "encode(sha256(convert_to('CREATE TABLE a (x int);', 'UTF8')), 'hex')",
		     "1");
	ASSERT_VALUE("SELECT count(*) FROM schema_migrations WHERE applied_at <= now()", "3");
	/* The session lock is released: nobody holds an advisory lock any more. */
	ASSERT_VALUE("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", "0");
	ck_assert_int_eq(migrate_verify(conn, dir, 1, &cause), 0);
}
END_TEST

START_TEST(test_rerun_applies_nothing)
{
	char *cause = NULL;
	int applied = -1;
	put("0001_a.sql", "CREATE TABLE a (x int);");
	put("0002_b.sql", "INSERT INTO a VALUES (42);");
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	ck_assert_int_eq(applied, 2);
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	ck_assert_int_eq(applied, 0);
	ASSERT_VALUE("SELECT count(*) FROM a", "1"); /* 0002 did not run twice */
	ASSERT_VALUE("SELECT count(*) FROM schema_migrations", "2");
	/* A new file is picked up alone. */
	put("0003_c.sql", "INSERT INTO a VALUES (43);");
	ck_assert_int_eq(migrate_verify(conn, dir, 0, &cause), 0);
	ck_assert_int_eq(migrate_verify(conn, dir, 1, &cause), -1);
	ck_assert_msg(strstr(cause, "0003_c.sql") != NULL && strstr(cause, "pending") != NULL, "%s",
		      cause);
	free(cause);
	cause = NULL;
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	ck_assert_int_eq(applied, 1);
	ASSERT_VALUE("SELECT count(*) FROM a", "2");
}
END_TEST

START_TEST(test_edited_migration_refused)
{
	char *cause = NULL;
	int applied = -1;
	put("0001_a.sql", "CREATE TABLE a (x int);");
	put("0002_b.sql", "CREATE TABLE b (y int);");
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	put("0001_a.sql", "CREATE TABLE a (x int, extra text);");
	put("0003_c.sql", "CREATE TABLE c (z int);");

	ck_assert_int_eq(migrate_run(conn, dir, NULL, &applied, &cause), -1);
	ck_assert_int_eq(applied, 0);
	ck_assert_msg(strstr(cause, "migration 0001_a.sql has changed since it was applied") !=
			  NULL,
		      "%s", cause);
	ck_assert_msg(strstr(cause, "write a new migration") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	/* Nothing moved: no column added, the pending 0003 not applied. */
	ASSERT_VALUE("SELECT to_regclass('c') IS NULL", "t");
	ASSERT_VALUE("SELECT count(*) FROM information_schema.columns WHERE table_name = 'a'", "1");
	ASSERT_VALUE("SELECT count(*) FROM schema_migrations", "2");
	ASSERT_VALUE("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", "0");

	ck_assert_int_eq(migrate_verify(conn, dir, 0, &cause), -1);
	ck_assert_msg(strstr(cause, "0001_a.sql has changed") != NULL, "%s", cause);
	free(cause);
	cause = NULL;

	/* Restored, then an applied file goes missing: refused, naming it. */
	put("0001_a.sql", "CREATE TABLE a (x int);");
	drop("0002_b.sql");
	ck_assert_int_eq(migrate_run(conn, dir, NULL, &applied, &cause), -1);
	ck_assert_msg(strstr(cause, "0002_b.sql") != NULL && strstr(cause, "missing") != NULL, "%s",
		      cause);
	free(cause);
	cause = NULL;
	ASSERT_VALUE("SELECT to_regclass('c') IS NULL", "t");
	put("0002_b.sql", "CREATE TABLE b (y int);");
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	ck_assert_int_eq(applied, 1);
	ASSERT_VALUE("SELECT to_regclass('c') IS NULL", "f");
}
END_TEST

START_TEST(test_failing_migration_rolls_back)
{
	char *cause = NULL;
	int applied = -1;
	put("0001_a.sql", "CREATE TABLE a (x int);");
	put("0002_bad.sql", "CREATE TABLE t2 (x int);\n"
			    "-- the next statement fails\n"
			    "INSERT INTO no_such_table VALUES (1);\n");
	put("0003_after.sql", "CREATE TABLE t3 (x int);");
	ck_assert_int_eq(migrate_run(conn, dir, NULL, &applied, &cause), -1);
	ck_assert_int_eq(applied, 1);
	ck_assert_msg(strstr(cause, "0002_bad.sql") != NULL, "%s", cause);
	ck_assert_msg(strstr(cause, "no_such_table") != NULL, "%s", cause); /* server's words */
	ck_assert_msg(strstr(cause, "line 3") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ASSERT_VALUE("SELECT to_regclass('a') IS NULL", "f");
	ASSERT_VALUE("SELECT to_regclass('t2') IS NULL", "t");
	ASSERT_VALUE("SELECT to_regclass('t3') IS NULL", "t");
	ASSERT_VALUE("SELECT string_agg(name, ',') FROM schema_migrations", "0001_a.sql");
	/* The connection is usable and not left inside a transaction or holding the lock. */
	ck_assert_int_eq(PQtransactionStatus(conn), PQTRANS_IDLE);
	ASSERT_VALUE("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", "0");

	/* Fixed, the rest goes through. */
	put("0002_bad.sql", "CREATE TABLE t2 (x int);\n");
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	ck_assert_int_eq(applied, 2);
}
END_TEST

START_TEST(test_out_of_order_refused)
{
	char *cause = NULL;
	int applied = -1;
	put("0001_a.sql", "CREATE TABLE a (x int);");
	put("0003_c.sql", "CREATE TABLE c (x int);");
	ck_assert_msg(migrate_run(conn, dir, NULL, &applied, &cause) == 0, "%s", cause);
	put("0002_b.sql", "CREATE TABLE b (x int);");
	ck_assert_int_eq(migrate_run(conn, dir, NULL, &applied, &cause), -1);
	ck_assert_msg(strstr(cause, "0002_b.sql") != NULL, "%s", cause);
	free(cause);
	ASSERT_VALUE("SELECT to_regclass('b') IS NULL", "t");
}
END_TEST

/* Four processes released at the same moment: each migration is applied exactly once (a
 * second CREATE TABLE would fail, a second INSERT would count twice), the others see it done. */
START_TEST(test_concurrent_processes)
{
	enum { N = 4 };
	int barrier[2];
	pid_t pids[N];

	put("0001_slow.sql", "CREATE TABLE counter (n int);\nSELECT pg_sleep(0.5);\n");
	put("0002_count.sql", "INSERT INTO counter VALUES (1);");
	ck_assert_int_eq(pipe(barrier), 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		ck_assert_int_ne(pids[i], -1);
		if (pids[i] == 0) {
			char b, *cause = NULL;
			int applied = -1;
			close(barrier[1]);
			PGconn *c = PQconnectdb(conninfo);
			if (PQstatus(c) != CONNECTION_OK)
				_exit(100);
			if (read(barrier[0], &b, 1) != 0) /* EOF: everybody go */
				_exit(101);
			if (migrate_run(c, dir, NULL, &applied, &cause) != 0) {
				fprintf(stderr, "child: %s\n", cause);
				_exit(102);
			}
			PQfinish(c);
			_exit(applied);
		}
	}
	close(barrier[0]);
	close(barrier[1]);
	int total = 0;
	for (int i = 0; i < N; i++) {
		int status;
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_msg(WEXITSTATUS(status) <= 2, "child %d failed with %d", i,
			      WEXITSTATUS(status));
		total += WEXITSTATUS(status);
	}
	ck_assert_int_eq(total, 2);
	ASSERT_VALUE("SELECT count(*) FROM counter", "1");
	ASSERT_VALUE("SELECT count(*) FROM schema_migrations", "2");
}
END_TEST

START_TEST(test_verify_fresh_database)
{
	char *cause = NULL;
	put("0001_a.sql", "CREATE TABLE a (x int);");
	/* No schema_migrations yet: verify creates nothing and sees one pending. */
	ck_assert_int_eq(migrate_verify(conn, dir, 0, &cause), 0);
	ck_assert_int_eq(migrate_verify(conn, dir, 1, &cause), -1);
	ck_assert_msg(strstr(cause, "1 migration is pending (first: 0001_a.sql)") != NULL, "%s",
		      cause);
	free(cause);
	ASSERT_VALUE("SELECT to_regclass('schema_migrations') IS NULL", "t");
}
END_TEST

Suite *make_migrate_suite(void)
{
	Suite *s = suite_create("migrate");

	TCase *scan = tcase_create("scan");
	tcase_add_test(scan, test_scan_order_and_ignored);
	tcase_add_test(scan, test_scan_bad_names);
	tcase_add_test(scan, test_scan_duplicate_number);
	tcase_add_test(scan, test_scan_missing_dir_and_empty);
	tcase_add_test(scan, test_default_dir);
	suite_add_tcase(s, scan);

	TCase *db = tcase_create("database");
	tcase_add_unchecked_fixture(db, cluster_setup, cluster_teardown);
	tcase_add_checked_fixture(db, db_setup, db_teardown);
	tcase_set_timeout(db, 120);
	tcase_add_test(db, test_apply_records_checksums);
	tcase_add_test(db, test_rerun_applies_nothing);
	tcase_add_test(db, test_edited_migration_refused);
	tcase_add_test(db, test_failing_migration_rolls_back);
	tcase_add_test(db, test_out_of_order_refused);
	tcase_add_test(db, test_concurrent_processes);
	tcase_add_test(db, test_verify_fresh_database);
	suite_add_tcase(s, db);
	return s;
}
