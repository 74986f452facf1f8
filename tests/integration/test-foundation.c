/* test-foundation.c — the daemon's foundations against a real PostgreSQL and a real suivid:
 * health and database loss, signals (drain, reload), migration checksums, connection
 * handling, the embedded data_dir lock, check-config, authentication, HTTP errors and the
 * Unix socket listener. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <libpq-fe.h>

#include "harness.h"
#include "util.h"

#define N_HALF_OPEN 200

static struct pg_cluster *pg; /* shared by every test; started in main */

static char *conf_for(const char *conninfo, const char *server_extra);
static char *read_text(const char *path);
static void write_text(const char *path, const char *text);
static int count_lines(const char *text);
static int raw_connect_tcp(int port, int timeout_ms);
static int raw_status(int fd, int timeout_ms, char **body);
static bool health_is_200(void *arg);
static bool still_running(struct suivid_proc *p);
static void copy_dir(const char *from, const char *to);
static void remove_dir(const char *dir);

/* Configuration for a suivid on conninfo; server_extra lines go into [server]. */
static char *conf_for(const char *conninfo, const char *server_extra)
{
	return xasprintf("[server]\n"
			 "listen = 127.0.0.1:%%PORT%%\n"
			 "request_timeout = 30\n"
			 "%s"
			 "[database]\n"
			 "url = %s\n"
			 "data_dir = %%DIR%%/d\n"
			 "[log]\n"
			 "level = info\n",
			 server_extra != NULL ? server_extra : "", conninfo);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	char *buf = xmalloc(65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static int count_lines(const char *text)
{
	int n = 0;
	for (const char *s = text; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

static int raw_connect_tcp(int port, int timeout_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0)
		return fd;
	ck_assert_msg(errno == EINPROGRESS, "connect: %s", strerror(errno));
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t len = sizeof err;
	ck_assert_msg(poll(&pfd, 1, timeout_ms) == 1, "connect to port %d: no answer in %d ms",
		      port, timeout_ms);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	ck_assert_msg(err == 0, "connect to port %d: %s", port, strerror(err));
	return fd;
}

/* Read a reply to EOF (bounded) on a raw socket; the status, 0 when none came in time. */
static int raw_status(int fd, int timeout_ms, char **body)
{
	char buf[16384];
	size_t len = 0;
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		int left = (int)(deadline - now_ms());
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&pfd, 1, left) != 1)
			break;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof buf - 1)
			break;
	}
	buf[len] = '\0';
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		status = 0;
	if (body != NULL) {
		char *b = strstr(buf, "\r\n\r\n");
		*body = xstrdup(b != NULL ? b + 4 : "");
	}
	return status;
}

static bool health_is_200(void *arg)
{
	struct suivid_proc *p = arg;
	struct http_response *r =
	    http_do(suivid_port(p), "GET", "/v1/health", NULL, NULL, NULL, NULL, 1000);
	bool ok = r->status == 200;
	http_response_free(r);
	return ok;
}

/* True while the daemon has not exited (reaps it otherwise). */
static bool still_running(struct suivid_proc *p)
{
	return suivid_wait_exit(p, 0) == -1;
}

static void copy_dir(const char *from, const char *to)
{
	DIR *d = opendir(from);
	ck_assert_msg(d != NULL, "cannot open %s", from);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *src = xasprintf("%s/%s", from, e->d_name);
		char *dst = xasprintf("%s/%s", to, e->d_name);
		char *text = read_text(src);
		write_text(dst, text);
		free(text);
		free(src);
		free(dst);
	}
	closedir(d);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

/* --- health and the database --------------------------------------------------------- */

START_TEST(health_answers_with_version)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	ck_assert(strstr(suivid_log(p), "event=ready") != NULL);

	struct http_response *r =
	    http_do(suivid_port(p), "GET", "/v1/health", NULL, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 200);
	char *ct = http_header(r, "Content-Type");
	ck_assert_ptr_nonnull(ct);
	ck_assert_msg(strncmp(ct, "application/json", 16) == 0, "Content-Type %s", ct);
	json_t *j = http_json(r);
	ck_assert_msg(j != NULL, "health body is not JSON: %s", r->body);
	ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(j, "database")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(j, "version")), PACKAGE_VERSION);
	json_decref(j);
	free(ct);
	http_response_free(r);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(health_follows_database_loss_and_return)
{
	/* A cluster of its own: stopping the shared one would disturb the other tests. */
	struct pg_cluster *own = pg_cluster_start();
	char *conf = conf_for(pg_cluster_new_database(own), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);

	pg_cluster_stop(own);
	struct http_response *r =
	    http_do(suivid_port(p), "GET", "/v1/health", NULL, NULL, NULL, NULL, 10000);
	ck_assert_msg(r->status == 503, "health with PostgreSQL stopped: %d %s", r->status,
		      r->body);
	if (harness_latency_checked("503 within 2 s"))
		ck_assert_msg(r->elapsed_ms < 2000, "503 took %.0f ms", r->elapsed_ms);
	json_t *j = http_json(r);
	ck_assert_msg(j != NULL, "503 body is not JSON: %s", r->body);
	ck_assert_str_eq(json_string_value(json_object_get(j, "database")), "unavailable");
	json_decref(j);
	http_response_free(r);
	ck_assert_msg(still_running(p), "suivid died when PostgreSQL stopped:\n%s", suivid_log(p));

	pg_cluster_restart(own);
	double t0 = now_ms();
	bool back = wait_until(health_is_200, p, 5000);
	double took = now_ms() - t0;
	ck_assert_msg(back, "health not 200 within 5 s of PostgreSQL's return:\n%s", suivid_log(p));
	ck_assert_msg(took < 5000, "health back after %.0f ms", took);

	suivid_stop(p);
	pg_cluster_destroy(own);
	free(conf);
}
END_TEST

/* --- signals --------------------------------------------------------------------------- */

START_TEST(sigterm_drains_inflight_request_and_exits_zero)
{
	const char *db = pg_cluster_new_database(pg);
	char *conf = xasprintf("[server]\nlisten = 127.0.0.1:%%PORT%%\nrequest_timeout = 30\n"
			       "[database]\nurl = %s\npool = 1\ndata_dir = %%DIR%%/d\n",
			       db);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "drain", "admin", NULL);
	/* One pool connection, warmed up: the only backend that can wait on the lock below is
	 * the one serving our request. */
	struct http_response *warm =
	    http_do(suivid_port(p), "GET", "/v1/tokens", token, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(warm->status, 200);
	http_response_free(warm);

	/* Hold the tokens table so the request below waits inside the daemon. */
	PGconn *lock = PQconnectdb(db);
	ck_assert_int_eq(PQstatus(lock), CONNECTION_OK);
	PGresult *res = PQexec(lock, "BEGIN; LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);

	int fd = raw_connect_tcp(suivid_port(p), 5000);
	char *req = xasprintf("GET /v1/tokens HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
			      "Authorization: Bearer %s\r\n\r\n",
			      token);
	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));

	char *dbname = strstr(db, "dbname=") + strlen("dbname=");
	char *sql = xasprintf("SELECT count(*) FROM pg_stat_activity WHERE datname = '%s'"
			      " AND wait_event_type = 'Lock'",
			      dbname);
	double deadline = now_ms() + 10000;
	char *waiting = NULL;
	for (;;) {
		free(waiting);
		waiting = pg_query_value(pg_cluster_conninfo(pg), sql);
		if (strcmp(waiting, "0") != 0 || now_ms() > deadline)
			break;
		poll(NULL, 0, 10);
	}
	ck_assert_msg(strcmp(waiting, "0") != 0, "the request never reached the database");

	suivid_kill(p, SIGTERM);
	ck_assert(suivid_wait_log(p, "event=stopping signal=15 inflight=1", 5000));
	ck_assert_msg(still_running(p), "suivid left before its request was answered");

	res = PQexec(lock, "COMMIT");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	char *body = NULL;
	int status = raw_status(fd, 10000, &body);
	ck_assert_msg(status == 200, "in-flight request got %d %s; log:\n%s", status, body,
		      suivid_log(p));

	int st = suivid_wait_exit(p, 10000);
	ck_assert_msg(st != -1, "suivid still running 10 s after SIGTERM");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d:\n%s", st,
		      suivid_log(p));

	close(fd);
	PQfinish(lock);
	free(body);
	free(waiting);
	free(sql);
	free(req);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(sighup_with_broken_config_keeps_serving)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *text = read_text(suivid_conf_path(p));
	int bad_line = count_lines(text) + 2;
	char *broken = xasprintf("%s[server]\nno_such_key = 1\n", text);
	write_text(suivid_conf_path(p), broken);

	suivid_kill(p, SIGHUP);
	char *needle = xasprintf("suivid.conf:%d: unknown key 'no_such_key'", bad_line);
	ck_assert_msg(suivid_wait_log(p, needle, 5000), "no reload error naming %s", needle);
	ck_assert(strstr(suivid_log(p), "event=reload result=refused") != NULL);
	ck_assert(strstr(suivid_log(p), "result=ok") == NULL);

	ck_assert(still_running(p));
	struct http_response *r =
	    http_do(suivid_port(p), "GET", "/v1/health", NULL, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);

	free(needle);
	free(broken);
	free(text);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(sighup_with_valid_config_reloads)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "admin-test", "admin", NULL);
	char filler[3000];
	memset(filler, 'x', sizeof filler - 1);
	filler[sizeof filler - 1] = '\0';
	char *big = xasprintf("{\"name\":\"%s\",\"role\":\"viewer\"}", filler);
	struct http_response *r =
	    http_do(suivid_port(p), "POST", "/v1/tokens", token, NULL, big, NULL, 5000);
	ck_assert_msg(r->status != 413 && r->status != 0, "before reload: %d", r->status);
	http_response_free(r);

	/* A reloadable key with a visible effect: the body limit. */
	char *text = read_text(suivid_conf_path(p));
	char *changed = xasprintf("%s[server]\nmax_body = 1024\n", text);
	write_text(suivid_conf_path(p), changed);
	suivid_kill(p, SIGHUP);
	ck_assert(suivid_wait_log(p, "event=reload result=ok", 5000));
	ck_assert(strstr(suivid_log(p), "result=refused") == NULL);
	ck_assert(still_running(p));

	r = http_do(suivid_port(p), "POST", "/v1/tokens", token, NULL, big, NULL, 5000);
	ck_assert_msg(r->status == 413, "after reload to max_body 1024: %d", r->status);
	http_response_free(r);

	free(changed);
	free(text);
	free(big);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

/* --- migrations ------------------------------------------------------------------------ */

/* The copied migrations go even when an assertion ends the (forked) test early. */
static char mig_dir[64];

static void remove_mig_dir(void)
{
	if (mig_dir[0] != '\0')
		remove_dir(mig_dir);
}

START_TEST(edited_applied_migration_is_refused)
{
	const char *src = getenv("SUIVI_MIGRATIONS_DIR");
	ck_assert_msg(src != NULL, "SUIVI_MIGRATIONS_DIR is not set");
	char dir[] = "/tmp/suivi-mig-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mig_dir, sizeof mig_dir, "%s", dir);
	atexit(remove_mig_dir);
	copy_dir(src, dir);
	char *env_mig = xasprintf("SUIVI_MIGRATIONS_DIR=%s", dir);
	const char *env[] = {env_mig, NULL};
	const char *db = pg_cluster_new_database(pg);
	char *conf = conf_for(db, NULL);

	struct suivid_proc *p = suivid_start_env(conf, NULL, env, true);
	char *tables = pg_query_value(db, "SELECT count(*) FROM pg_tables WHERE tablename"
					  " IN ('owners', 'recommendations', 'history')");
	ck_assert_str_eq(tables, "3");
	suivid_kill(p, SIGTERM);
	int st = suivid_wait_exit(p, 10000);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d", st);
	suivid_stop(p);

	char *path = xasprintf("%s/0001_baseline.sql", dir);
	FILE *f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs("\n-- an innocent-looking edit\n", f);
	ck_assert_int_eq(fclose(f), 0);

	p = suivid_start_env(conf, NULL, env, false);
	st = suivid_wait_exit(p, 30000);
	ck_assert_msg(st != -1, "suivid still running with an edited applied migration:\n%s",
		      suivid_log(p));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0, "exit status %d", st);
	ck_assert_msg(strstr(suivid_log(p), "0001_baseline.sql") != NULL,
		      "the refusal does not name the file:\n%s", suivid_log(p));
	ck_assert(strstr(suivid_log(p), "event=ready") == NULL);

	suivid_stop(p);
	free(path);
	free(tables);
	free(conf);
	free(env_mig);
}
END_TEST

/* --- connections and processes ---------------------------------------------------------- */

START_TEST(half_open_connections_do_not_delay_health)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	int fds[N_HALF_OPEN];
	for (int i = 0; i < N_HALF_OPEN; i++) {
		fds[i] = raw_connect_tcp(suivid_port(p), 5000);
		static const char partial[] = "GET /v1/hea";
		ck_assert_int_eq(write(fds[i], partial, sizeof partial - 1),
				 (ssize_t)sizeof partial - 1);
	}
	struct http_response *r =
	    http_do(suivid_port(p), "GET", "/v1/health", NULL, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 200);
	if (harness_latency_checked("health < 500 ms with half-open connections"))
		ck_assert_msg(r->elapsed_ms < 500,
			      "health took %.0f ms with %d half-open connections", r->elapsed_ms,
			      N_HALF_OPEN);
	http_response_free(r);

	/* Every half-open connection is still held by the daemon (none answered or closed). */
	int open_ones = 0;
	for (int i = 0; i < N_HALF_OPEN; i++) {
		struct pollfd pfd = {.fd = fds[i], .events = POLLIN};
		if (poll(&pfd, 1, 0) == 0)
			open_ones++;
		close(fds[i]);
	}
	ck_assert_int_eq(open_ones, N_HALF_OPEN);
	ck_assert(still_running(p));
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(second_daemon_on_embedded_data_dir_is_refused)
{
	struct suivid_proc *first = suivid_start("[server]\nlisten = 127.0.0.1:%PORT%\n"
						 "[database]\ndata_dir = %DIR%/d\n",
						 NULL, true);
	ck_assert(strstr(suivid_log(first), "database=embedded") != NULL);
	char *conf2 = xasprintf("[server]\nlisten = 127.0.0.1:%%PORT%%\n"
				"[database]\ndata_dir = %s/d\n",
				suivid_dir(first));
	struct suivid_proc *second = suivid_start(conf2, NULL, false);
	int st = suivid_wait_exit(second, 30000);
	ck_assert_msg(st != -1, "a second suivid runs on the same data_dir:\n%s",
		      suivid_log(second));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0, "second suivid exit status %d", st);
	ck_assert(strstr(suivid_log(second), "event=ready") == NULL);

	ck_assert(still_running(first));
	struct http_response *r =
	    http_do(suivid_port(first), "GET", "/v1/health", NULL, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);

	suivid_stop(second);
	suivid_kill(first, SIGTERM);
	st = suivid_wait_exit(first, 30000);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "first exit %d:\n%s", st,
		      suivid_log(first));
	suivid_stop(first);
	free(conf2);
}
END_TEST

/* --- command line ------------------------------------------------------------------------ */

START_TEST(check_config_accepts_good_and_names_bad_line)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	const char *args[] = {"check-config", NULL};
	char *out = NULL, *err = NULL;
	ck_assert_int_eq(suivid_run(p, args, &out, &err), 0);
	free(out);
	free(err);

	char *text = read_text(suivid_conf_path(p));
	int bad_line = count_lines(text) + 1;
	char *broken = xasprintf("%smystery = 1\n", text);
	write_text(suivid_conf_path(p), broken);
	int rc = suivid_run(p, args, &out, &err);
	ck_assert_msg(rc != 0, "check-config accepted an unknown key");
	char *needle = xasprintf("suivid.conf:%d:", bad_line);
	ck_assert_msg(strstr(err, needle) != NULL || strstr(out, needle) != NULL,
		      "check-config does not name %s: %s%s", needle, out, err);

	free(needle);
	free(out);
	free(err);
	free(broken);
	free(text);
	suivid_stop(p);
	free(conf);
}
END_TEST

/* --- HTTP ------------------------------------------------------------------------------ */

START_TEST(token_required_on_private_routes)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	int port = suivid_port(p);

	struct http_response *r = http_do(port, "GET", "/v1/tokens", NULL, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 401);
	http_response_free(r);
	r = http_do(port, "GET", "/v1/tokens", "suivi_not-a-real-token", NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 401);
	http_response_free(r);

	char *token = suivid_make_token(p, "admin-test", "admin", NULL);
	r = http_do(port, "GET", "/v1/tokens", token, NULL, NULL, NULL, 5000);
	ck_assert_msg(r->status == 200, "GET /v1/tokens with a fresh admin token: %d %s", r->status,
		      r->body);
	json_t *j = http_json(r);
	ck_assert_ptr_nonnull(j);
	ck_assert(json_is_array(json_object_get(j, "items")));
	ck_assert_int_ge(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	http_response_free(r);

	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(body_over_max_body_is_413)
{
	char *conf = conf_for(pg_cluster_new_database(pg), "max_body = 1024\n");
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "admin-test", "admin", NULL);
	char filler[3000];
	memset(filler, 'x', sizeof filler - 1);
	filler[sizeof filler - 1] = '\0';
	char *big = xasprintf("{\"handle\":\"big\",\"name\":\"%s\"}", filler);
	struct http_response *r =
	    http_do(suivid_port(p), "POST", "/v1/tokens", token, NULL, big, NULL, 5000);
	ck_assert_msg(r->status == 413, "a %zu-byte body with max_body 1024: %d", strlen(big),
		      r->status);
	http_response_free(r);

	/* The same route with a body under the limit is not refused for its size. */
	r = http_do(suivid_port(p), "POST", "/v1/tokens", token, NULL,
		    "{\"name\":\"small\",\"role\":\"viewer\"}", NULL, 5000);
	ck_assert_msg(r->status != 413 && r->status != 0, "small body: %d", r->status);
	http_response_free(r);
	ck_assert(still_running(p));

	free(big);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

/* libpq keeps a connection's buffers at the largest message they held: a statement that
 * carried more than DB_CONN_BUFFER_MAX (1 MiB) has its connection reopened once idle and
 * open for DB_CONN_REOPEN_AFTER_S (30 s), and the pool goes on serving. A small one does
 * not. */
START_TEST(large_statement_reopens_its_connection)
{
	char *conf = conf_for(pg_cluster_new_database(pg), "max_body = 8M\n");
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "admin-test", "admin", NULL);
	int port = suivid_port(p);
	struct http_response *r = http_do(
	    port, "POST", "/v1/meetings", token, NULL,
	    "{\"code\":\"big-2026\",\"title\":\"Big\",\"starts_on\":\"2026-01-01\"}", NULL, 10000);
	ck_assert_int_eq(r->status, 201);
	http_response_free(r);

	/* 5000 lines of 300 characters: a 1.5 MB parameter, and an answer as large. */
	size_t n = 5000, width = 300;
	char *csv = xmalloc(5 + n * (width + 12) + 1), *q = csv;
	q += sprintf(q, "text\n");
	for (size_t i = 0; i < n; i++) {
		q += sprintf(q, "Item %05zu ", i);
		memset(q, 'x', width);
		q += width;
		*q++ = '\n';
	}
	*q = '\0';
	r = http_do(port, "POST", "/v1/meetings/big-2026/import?dry_run=true", token, "text/csv",
		    "text\nOne small item\n", NULL, 10000);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);
	ck_assert_msg(strstr(suivid_log(p), "event=db_connection_reopened") == NULL,
		      "a small statement reopened its connection: %s", suivid_log(p));

	r = http_do(port, "POST", "/v1/meetings/big-2026/import?dry_run=true", token, "text/csv",
		    csv, NULL, 60000);
	ck_assert_msg(r->status == 200, "large import dry run: %d", r->status);
	ck_assert_msg(r->body_len > 1024 * 1024, "answer of %zu bytes", r->body_len);
	http_response_free(r);
	ck_assert_msg(suivid_wait_log(p, "event=db_connection_reopened", 60000),
		      "no connection reopened after a 1.5 MB statement: %s", suivid_log(p));

	/* The pool serves on, the reopened connection included. */
	for (int i = 0; i < 8; i++) {
		r = http_do(port, "GET", "/v1/meetings/big-2026", token, NULL, NULL, NULL, 10000);
		ck_assert_int_eq(r->status, 200);
		http_response_free(r);
	}
	r = http_do(port, "GET", "/v1/health", NULL, NULL, NULL, NULL, 10000);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);

	free(csv);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(unknown_path_is_404_problem)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "admin-test", "admin", NULL);
	struct http_response *r =
	    http_do(suivid_port(p), "GET", "/v1/no-such-thing", token, NULL, NULL, NULL, 5000);
	ck_assert_int_eq(r->status, 404);
	char *ct = http_header(r, "Content-Type");
	ck_assert_ptr_nonnull(ct);
	ck_assert_msg(strncmp(ct, "application/problem+json", 24) == 0, "Content-Type %s", ct);
	json_t *j = http_json(r);
	ck_assert_msg(j != NULL, "404 body is not JSON: %s", r->body);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 404);
	ck_assert(json_is_string(json_object_get(j, "title")));
	json_decref(j);
	free(ct);
	http_response_free(r);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
	char *conf = conf_for(pg_cluster_new_database(pg), NULL);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	struct http_response *r =
	    http_do(suivid_port(p), "PATCH", "/v1/health", NULL, NULL, "{}", NULL, 5000);
	ck_assert_int_eq(r->status, 405);
	char *allow = http_header(r, "Allow");
	ck_assert_msg(allow != NULL && strstr(allow, "GET") != NULL, "Allow: %s",
		      allow != NULL ? allow : "(none)");
	char *ct = http_header(r, "Content-Type");
	ck_assert_msg(ct != NULL && strncmp(ct, "application/problem+json", 24) == 0,
		      "Content-Type %s", ct != NULL ? ct : "(none)");
	free(ct);
	free(allow);
	http_response_free(r);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(unix_socket_serves_health)
{
	char *conf = conf_for(pg_cluster_new_database(pg), "unix_socket = %DIR%/api.sock\n");
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *path = xasprintf("%s/api.sock", suivid_dir(p));

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
	strcpy(sun.sun_path, path);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0, "connect %s: %s", path,
		      strerror(errno));
	static const char req[] =
	    "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	ck_assert_int_eq(write(fd, req, sizeof req - 1), (ssize_t)sizeof req - 1);
	char *body = NULL;
	int status = raw_status(fd, 5000, &body);
	ck_assert_msg(status == 200, "health over the Unix socket: %d", status);
	ck_assert_msg(strstr(body, "\"database\"") != NULL, "body: %s", body);

	close(fd);
	free(body);
	free(path);
	suivid_stop(p);
	free(conf);
}
END_TEST

static Suite *foundation_suite(void)
{
	Suite *s = suite_create("foundation");
	struct {
		const char *name;
		const TTest *tests[4];
	} groups[] = {
	    {"health", {health_answers_with_version, health_follows_database_loss_and_return}},
	    {"signals",
	     {sigterm_drains_inflight_request_and_exits_zero,
	      sighup_with_broken_config_keeps_serving, sighup_with_valid_config_reloads}},
	    {"migrations", {edited_applied_migration_is_refused}},
	    {"processes",
	     {half_open_connections_do_not_delay_health,
	      second_daemon_on_embedded_data_dir_is_refused}},
	    {"cli", {check_config_accepts_good_and_names_bad_line}},
	    {"http",
	     {token_required_on_private_routes, body_over_max_body_is_413,
	      unknown_path_is_404_problem, wrong_method_is_405_with_allow}},
	    {"unix", {unix_socket_serves_health}},
	    {"pool", {large_statement_reopens_its_connection}},
	};
	for (size_t i = 0; i < ARRAY_LEN(groups); i++) {
		TCase *tc = tcase_create(groups[i].name);
		tcase_set_timeout(tc, 120);
		for (size_t k = 0; k < 4 && groups[i].tests[k] != NULL; k++)
			tcase_add_test(tc, groups[i].tests[k]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	pg = pg_cluster_start();
	SRunner *sr = srunner_create(foundation_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
