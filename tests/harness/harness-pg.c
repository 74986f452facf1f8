/* harness-pg.c — throwaway PostgreSQL clusters for the tests (see harness.h): initdb in a
 * temp dir, a server on a Unix socket only, new databases on demand and blocking queries
 * bounded in time. As root, the cluster belongs to "postgres" (or "nobody") through runuser. */
#include "suivi-config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "harness.h"
#include "harness-internal.h"
#include "util.h"

#define PG_PORT "5432"

struct pg_cluster {
	char *dir;      /* /tmp/suivi-pg-XXXXXX: socket directory and parent of data */
	char *data;     /* dir/data */
	char *bindir;   /* initdb, pg_ctl */
	char *run_as;   /* "postgres"/"nobody" when we are root, else NULL */
	char *conninfo; /* maintenance database */
	char **dbs;     /* conninfo strings of pg_cluster_new_database */
	size_t n_dbs;
	unsigned next_db;
	bool running;
	pid_t creator; /* only this process cleans up (Check forks children that inherit it) */
};

static struct pg_cluster *clusters[HARNESS_MAX_TRACKED];

void harness_pg_cleanup(void)
{
	pid_t self = getpid();
	for (size_t i = 0; i < HARNESS_MAX_TRACKED; i++)
		if (clusters[i] != NULL && clusters[i]->creator == self)
			pg_cluster_destroy(clusters[i]);
}

/* A new cluster's directory, owned by the user the server runs as, not initialised. */
static struct pg_cluster *cluster_new(void)
{
	struct pg_cluster *pg = xcalloc(1, sizeof *pg);
	char tmpl[] = "/tmp/suivi-pg-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		harness_die("mkdtemp %s: %s", tmpl, strerror(errno));
	pg->dir = xstrdup(tmpl);
	pg->data = xasprintf("%s/data", pg->dir);
	pg->bindir = xstrdup(harness_pg_bindir());
	pg->creator = getpid();
	/* Others (a suivid child running as another user) may reach the socket. */
	chmod(pg->dir, 0755);
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (pw == NULL)
			pw = getpwnam("nobody");
		if (pw == NULL)
			harness_die("running as root and neither 'postgres' nor 'nobody' exist");
		pg->run_as = xstrdup(pw->pw_name);
		if (chown(pg->dir, pw->pw_uid, pw->pw_gid) != 0)
			harness_die("chown %s: %s", pg->dir, strerror(errno));
	}
	harness_track((void **)clusters, pg);
	return pg;
}

struct pg_cluster *pg_cluster_start(void)
{
	struct pg_cluster *pg = cluster_new();
	char *initdb = xasprintf("%s/initdb", pg->bindir);
	char *out = xasprintf("%s/initdb.out", pg->dir);
	const char *argv[] = {
	    initdb, "-D",   pg->data,           "-U", "suivi", "-A", "trust", "-N",
	    "-E",   "UTF8", "--locale=C.UTF-8", NULL};
	int st = harness_run_cmd(argv, pg->run_as, out, 120000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = harness_read_file(out);
		harness_die("initdb %s failed (%s):\n%s", pg->data,
			    st == -1 ? "no exit within 120 s" : "non-zero exit", text);
	}
	free(initdb);
	free(out);
	pg->conninfo = xasprintf("host=%s port=" PG_PORT " user=suivi dbname=postgres", pg->dir);
	pg_cluster_restart(pg);
	return pg;
}

void pg_cluster_restart(struct pg_cluster *pg)
{
	char *pg_ctl = xasprintf("%s/pg_ctl", pg->bindir);
	char *log = xasprintf("%s/server.log", pg->dir);
	char *out = xasprintf("%s/pg_ctl.out", pg->dir);
	char *opts = xasprintf("-k %s -c listen_addresses='' -p " PG_PORT " -c fsync=off"
			       " -c full_page_writes=off -c max_connections=200",
			       pg->dir);
	const char *argv[] = {pg_ctl, "-D", pg->data, "-l", log,     "-w",
			      "-t",   "60", "-o",     opts, "start", NULL};
	int st = harness_run_cmd(argv, pg->run_as, out, 90000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *a = harness_read_file(out), *b = harness_read_file(log);
		harness_die("pg_ctl start %s failed (%s):\n%s\nserver log:\n%s", pg->data,
			    st == -1 ? "no answer within 90 s" : "non-zero exit", a, b);
	}
	pg->running = true;
	free(pg_ctl);
	free(log);
	free(out);
	free(opts);
}

static void pg_ctl_stop(struct pg_cluster *pg, const char *mode)
{
	char *pg_ctl = xasprintf("%s/pg_ctl", pg->bindir);
	char *out = xasprintf("%s/pg_ctl.out", pg->dir);
	const char *argv[] = {pg_ctl, "-D", pg->data, "-m", mode, "-w", "-t", "60", "stop", NULL};
	int st = harness_run_cmd(argv, pg->run_as, out, 90000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = harness_read_file(out);
		harness_die("pg_ctl stop %s failed (%s):\n%s", pg->data,
			    st == -1 ? "not stopped within 90 s" : "non-zero exit", text);
	}
	pg->running = false;
	free(pg_ctl);
	free(out);
}

void pg_cluster_stop(struct pg_cluster *pg)
{
	pg_ctl_stop(pg, "fast");
}

void pg_cluster_stop_immediate(struct pg_cluster *pg)
{
	pg_ctl_stop(pg, "immediate");
}

struct pg_cluster *pg_cluster_standby(struct pg_cluster *primary)
{
	struct pg_cluster *pg = cluster_new();
	char *basebackup = xasprintf("%s/pg_basebackup", pg->bindir);
	char *out = xasprintf("%s/basebackup.out", pg->dir);
	const char *argv[] = {basebackup,   "-D", pg->data, "-R", "-X",    "stream", "-h",
			      primary->dir, "-p", PG_PORT,  "-U", "suivi", NULL};
	int st = harness_run_cmd(argv, pg->run_as, out, 120000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = harness_read_file(out);
		harness_die("pg_basebackup of %s failed:\n%s", primary->dir, text);
	}
	free(basebackup);
	free(out);
	pg->conninfo = xasprintf("host=%s port=" PG_PORT " user=suivi dbname=postgres", pg->dir);
	pg_cluster_restart(pg);
	return pg;
}

void pg_cluster_promote(struct pg_cluster *pg)
{
	char *pg_ctl = xasprintf("%s/pg_ctl", pg->bindir);
	char *out = xasprintf("%s/promote.out", pg->dir);
	const char *argv[] = {pg_ctl, "-D", pg->data, "-w", "-t", "60", "promote", NULL};
	int st = harness_run_cmd(argv, pg->run_as, out, 90000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = harness_read_file(out);
		harness_die("pg_ctl promote %s failed:\n%s", pg->data, text);
	}
	free(pg_ctl);
	free(out);
}

const char *pg_cluster_socket_dir(struct pg_cluster *pg)
{
	return pg->dir;
}

void pg_cluster_destroy(struct pg_cluster *pg)
{
	if (pg == NULL)
		return;
	harness_untrack((void **)clusters, pg);
	if (pg->running)
		pg_ctl_stop(pg, "immediate");
	harness_remove_tree(pg->dir);
	for (size_t i = 0; i < pg->n_dbs; i++)
		free(pg->dbs[i]);
	free(pg->dbs);
	free(pg->dir);
	free(pg->data);
	free(pg->bindir);
	free(pg->run_as);
	free(pg->conninfo);
	free(pg);
}

const char *pg_cluster_conninfo(struct pg_cluster *pg)
{
	return pg->conninfo;
}

const char *pg_cluster_new_database(struct pg_cluster *pg)
{
	/* The pid keeps names unique across Check's forked children sharing one cluster. */
	char *name = xasprintf("t%ld_%u", (long)getpid(), pg->next_db++);
	char *sql = xasprintf("CREATE DATABASE %s", name);
	(void)pg_exec(pg->conninfo, sql, false);
	pg->dbs = xrealloc(pg->dbs, (pg->n_dbs + 1) * sizeof *pg->dbs);
	pg->dbs[pg->n_dbs] =
	    xasprintf("host=%s port=" PG_PORT " user=suivi dbname=%s", pg->dir, name);
	free(sql);
	free(name);
	return pg->dbs[pg->n_dbs++];
}

/* A blocking connection bounded by connect_timeout, whose statements are bounded too (later
 * array entries override what the expanded conninfo says). */
static PGconn *connect_bounded(const char *conninfo)
{
	const char *const keys[] = {"dbname", "connect_timeout", "options", NULL};
	const char *const values[] = {conninfo, "10", "-c statement_timeout=120000", NULL};
	return PQconnectdbParams(keys, values, 1);
}

char *pg_query_value(const char *conninfo, const char *sql)
{
	PGconn *c = connect_bounded(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		harness_die("connect '%s': %s", conninfo, PQerrorMessage(c));
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		harness_die("SQL failed: %s\n%s", sql, PQerrorMessage(c));
	char *value = NULL;
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
		value = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return value;
}

int pg_exec(const char *conninfo, const char *sql, bool allow_error)
{
	PGconn *c = connect_bounded(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		if (!allow_error)
			harness_die("connect '%s': %s", conninfo, PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK ? 0 : -1;
	if (rc != 0 && !allow_error)
		harness_die("SQL failed: %s\n%s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}
