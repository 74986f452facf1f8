/* harness.h — real parts for tests: a throwaway PostgreSQL cluster (initdb in a temp dir,
 * root-safe through runuser), a real suivid child process, and a small blocking HTTP client
 * with time bounds. Used by the integration suites and the unit suites that need a database.
 *
 * Everything waits for events (a socket accepting, a health answer, a process exiting) with
 * generous bounds instead of sleeping a fixed time. */
#ifndef SUIVI_HARNESS_H
#define SUIVI_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* --- PostgreSQL ------------------------------------------------------------------------- */

struct pg_cluster;

/* initdb + start a cluster under /tmp (socket only, no TCP). As root, the cluster's files
 * belong to the "postgres" user (or "nobody") and commands run through runuser. Aborts the
 * test program with a message on failure. */
struct pg_cluster *pg_cluster_start(void);
void pg_cluster_stop(struct pg_cluster *pg); /* stop the server, keep the files */
/* The same without a shutdown checkpoint or goodbyes (pg_ctl -m immediate): a crash. */
void pg_cluster_stop_immediate(struct pg_cluster *pg);
/* A streaming standby of primary (pg_basebackup -R), started, in a directory of its own. */
struct pg_cluster *pg_cluster_standby(struct pg_cluster *primary);
/* Make a standby the primary (pg_ctl promote), waiting until it accepts writes. */
void pg_cluster_promote(struct pg_cluster *pg);
/* The directory of the server's socket (a libpq host). */
const char *pg_cluster_socket_dir(struct pg_cluster *pg);
void pg_cluster_restart(struct pg_cluster *pg); /* start again after pg_cluster_stop */
void pg_cluster_destroy(struct pg_cluster *pg); /* stop and remove everything */
/* A new empty database; returns its libpq conninfo (static storage inside pg, valid until
 * destroy). Names are unique per call. */
const char *pg_cluster_new_database(struct pg_cluster *pg);
/* conninfo of the "postgres" maintenance database. */
const char *pg_cluster_conninfo(struct pg_cluster *pg);
/* Run SQL (blocking) on a conninfo; returns the first value of the first row (caller frees)
 * or NULL; aborts on SQL errors unless allow_error. */
char *pg_query_value(const char *conninfo, const char *sql);
int pg_exec(const char *conninfo, const char *sql, bool allow_error);

/* --- suivid ----------------------------------------------------------------------------- */

struct suivid_proc;

/* Write conf_body (INI text; "%PORT%" is replaced by a free loopback port and "%DIR%" by a
 * fresh temp dir) to a file and start $SUIVID -c FILE with extra args (NULL-terminated, may be
 * NULL). When wait_ready, waits (up to 30 s, 120 s under valgrind) until GET /v1/health
 * answers 200. */
struct suivid_proc *suivid_start(const char *conf_body, const char *const *extra_args,
				 bool wait_ready);
/* The same with environment overrides for the child ("NAME=value", NULL-terminated, may be
 * NULL), kept for suivid_run on the result (e.g. SUIVI_MIGRATIONS_DIR=…). */
struct suivid_proc *suivid_start_env(const char *conf_body, const char *const *extra_args,
				     const char *const *env, bool wait_ready);
int suivid_port(const struct suivid_proc *p);
pid_t suivid_pid(const struct suivid_proc *p);
const char *suivid_dir(const struct suivid_proc *p); /* the temp dir (%DIR%) */
const char *suivid_conf_path(const struct suivid_proc *p);
/* Send a signal. */
void suivid_kill(struct suivid_proc *p, int sig);
/* Wait up to timeout_ms for exit; returns the wait status, or -1 on timeout. */
int suivid_wait_exit(struct suivid_proc *p, int timeout_ms);
/* Everything the daemon wrote to stderr so far (NUL-terminated, owned by p). */
const char *suivid_log(struct suivid_proc *p);
/* Wait up to timeout_ms until the log contains needle. */
bool suivid_wait_log(struct suivid_proc *p, const char *needle, int timeout_ms);
/* Kill (SIGKILL if still running), reap, remove the temp dir. */
void suivid_stop(struct suivid_proc *p);

/* Run a suivid subcommand to completion (e.g. "token", "create", "admin", "--role", "admin")
 * with -c of p's config; returns exit status, stdout in *out (caller frees). */
int suivid_run(const struct suivid_proc *p, const char *const *args, char **out, char **err);
/* Create a token through `suivid token create` and return it (caller frees). */
char *suivid_make_token(const struct suivid_proc *p, const char *name, const char *role,
			const char *owner);

/* --- HTTP client ------------------------------------------------------------------------ */

struct http_response {
	int status;    /* 0: no answer within the bound */
	char *headers; /* raw header block */
	char *body;    /* NUL-terminated */
	size_t body_len;
	double elapsed_ms;
};

/* One request on a fresh connection (Connection: close) to 127.0.0.1:port, bounded by
 * timeout_ms. token and body may be NULL; content_type defaults to application/json when a
 * body is given. extra_headers: "Name: value\r\n…" or NULL. */
struct http_response *http_do(int port, const char *method, const char *path, const char *token,
			      const char *content_type, const char *body, const char *extra_headers,
			      int timeout_ms);
/* Raw bytes (a request as written, however malformed) on a fresh connection; the first
 * reply, or status 0 when none came whole within timeout_ms or before the close. */
struct http_response *http_raw(int port, const void *request, size_t len, int timeout_ms);
/* Case-insensitive header lookup (caller frees), NULL when absent. */
char *http_header(const struct http_response *r, const char *name);
/* The body parsed as JSON (caller decrefs), NULL when it is not JSON. */
json_t *http_json(const struct http_response *r);
void http_response_free(struct http_response *r);

/* Poll fn(arg) every few milliseconds until it returns true or timeout_ms passes. */
bool wait_until(bool (*fn)(void *arg), void *arg, int timeout_ms);
/* Milliseconds of a monotonic clock. */
double now_ms(void);
/* false under make check-valgrind (SUIVI_TEST_UNDER_VALGRIND set): a latency assertion
 * (what = e.g. "health < 500 ms") is then not checked, and it says so on stderr. Only for
 * bounds on how fast something answers, never for whether it does. */
bool harness_latency_checked(const char *what);

#endif
