/* harness.c — throwaway PostgreSQL clusters, real suivid children and a bounded HTTP client
 * for the tests. The HTTP client lives in harness-http.c.
 *
 * Nothing here may hang a test run: every wait has a bound, and a failed wait says what it
 * waited for. Failures to set things up print the reason on stderr and exit(1), which Check
 * (fork mode) reports as a failed test; atexit handlers stop what the exiting process started. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "harness.h"
#include "harness-internal.h"
#include "util.h"

#define PG_PORT "5432"
#define MAX_TRACKED 64

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

struct suivid_proc {
	pid_t pid;
	int pidfd; /* -1 when pidfd_open is unavailable */
	bool exited;
	int status;
	int port;
	char *dir;
	char *conf;
	char **env; /* "NAME=value" overrides, NULL-terminated, may be NULL */
	int err_fd; /* read end of the child's stderr, -1 after EOF */
	char *log;
	size_t log_len, log_cap;
	pid_t creator;
};

static struct pg_cluster *clusters[MAX_TRACKED];
static struct suivid_proc *procs[MAX_TRACKED];
static bool atexit_done;

static void track(void **table, void *item);
static void untrack(void **table, void *item);
static void cleanup_at_exit(void);
static const char *pg_bindir(void);
static int run_cmd(const char *const *argv, const char *run_as, const char *out_path,
		   int timeout_ms);
static int wait_pid(pid_t pid, int pidfd, int timeout_ms, int *status);
static int open_pidfd(pid_t pid);
static char *read_file(const char *path);
static void write_file(const char *path, const char *text);
static void remove_tree(const char *path);
static void stop_leftover_clusters(const char *dir);
static int free_port(void);
static char *substitute(const char *text, const char *key, const char *value);
static void proc_drain(struct suivid_proc *p);
static void proc_reap(struct suivid_proc *p);
static void proc_wait_ready(struct suivid_proc *p, int timeout_ms);
static char *last_line(const char *text);

/* --- small utilities ------------------------------------------------------------------ */

void harness_die(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("harness: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool harness_latency_checked(const char *what)
{
	if (getenv("SUIVI_TEST_UNDER_VALGRIND") == NULL)
		return true;
	fprintf(stderr, "harness: under valgrind, latency not checked: %s\n", what);
	return false;
}

int harness_remaining(double deadline)
{
	double left = deadline - now_ms();
	return left <= 0 ? 0 : (int)left + 1;
}

bool wait_until(bool (*fn)(void *arg), void *arg, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		if (fn(arg))
			return true;
		int left = harness_remaining(deadline);
		if (left == 0)
			return false;
		/* Between probes, keep the daemons' stderr pipes from filling up. */
		harness_drain_all();
		poll(NULL, 0, left < 10 ? left : 10);
	}
}

static void track(void **table, void *item)
{
	if (!atexit_done) {
		atexit(cleanup_at_exit);
		atexit_done = true;
	}
	for (size_t i = 0; i < MAX_TRACKED; i++)
		if (table[i] == NULL) {
			table[i] = item;
			return;
		}
	/* Untracked items are only not cleaned up at exit: not worth failing for. */
}

static void untrack(void **table, void *item)
{
	for (size_t i = 0; i < MAX_TRACKED; i++)
		if (table[i] == item)
			table[i] = NULL;
}

/* Stop what this very process started; Check's forked children inherit the tables but must
 * not tear down the parent's cluster. */
static void cleanup_at_exit(void)
{
	pid_t self = getpid();
	for (size_t i = 0; i < MAX_TRACKED; i++)
		if (procs[i] != NULL && procs[i]->creator == self)
			suivid_stop(procs[i]);
	for (size_t i = 0; i < MAX_TRACKED; i++)
		if (clusters[i] != NULL && clusters[i]->creator == self)
			pg_cluster_destroy(clusters[i]);
}

/* $SUIVI_PG_BINDIR, else the newest /usr/lib/postgresql/N/bin. */
static const char *pg_bindir(void)
{
	static char found[256];
	const char *env = getenv("SUIVI_PG_BINDIR");
	if (env != NULL && *env != '\0')
		return env;
	if (found[0] != '\0')
		return found;
	glob_t g;
	if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) != 0)
		harness_die("no PostgreSQL server binaries: set SUIVI_PG_BINDIR");
	long best = -1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
		if (v > best && strlen(g.gl_pathv[i]) < sizeof found) {
			best = v;
			snprintf(found, sizeof found, "%s", g.gl_pathv[i]);
		}
	}
	globfree(&g);
	if (found[0] == '\0')
		harness_die("no PostgreSQL server binaries: set SUIVI_PG_BINDIR");
	return found;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		return fd;
	}
#endif
	(void)pid;
	return -1;
}

/* Wait for pid to exit within timeout_ms: 0 with *status, -1 on timeout. A pidfd makes it an
 * event; without one (old kernels) we probe every 5 ms. */
static int wait_pid(pid_t pid, int pidfd, int timeout_ms, int *status)
{
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		int left = harness_remaining(deadline);
		if (left == 0)
			return -1;
		if (pidfd >= 0) {
			struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
			poll(&pfd, 1, left);
		} else {
			poll(NULL, 0, left < 5 ? left : 5);
		}
	}
}

/* Run argv (no shell) to completion, as run_as through runuser when set, output into
 * out_path (or /dev/null). Returns the wait status, -1 when it ran out of time (killed). */
static int run_cmd(const char *const *argv, const char *run_as, const char *out_path,
		   int timeout_ms)
{
	const char *full[32];
	size_t n = 0;
	if (run_as != NULL) {
		full[n++] = "runuser";
		full[n++] = "-u";
		full[n++] = run_as;
		full[n++] = "--";
	}
	for (size_t i = 0; argv[i] != NULL && n < ARRAY_LEN(full) - 1; i++)
		full[n++] = argv[i];
	full[n] = NULL;

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		harness_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path != NULL ? out_path : "/dev/null",
			       O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0)
			_exit(127);
		dup2(in, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		/* The postgres user cannot read root's cwd; initdb and pg_ctl complain. */
		if (chdir("/") != 0)
			_exit(127);
		execvp(full[0], (char *const *)full);
		dprintf(STDERR_FILENO, "exec %s: %s\n", full[0], strerror(errno));
		_exit(127);
	}
	int pidfd = open_pidfd(pid);
	int status;
	int rc = wait_pid(pid, pidfd, timeout_ms, &status);
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (pidfd >= 0)
		close(pidfd);
	return rc == 0 ? status : -1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return xstrdup("");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (buf == NULL)
		return xstrdup("");
	buf[len] = '\0';
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		harness_die("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		harness_die("cannot write %s: %s", path, strerror(errno));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* rm -rf, without a shell. */
static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A killed suivid can leave its embedded PostgreSQL running inside dir: stop every cluster
 * found there (postmaster.pid up to three levels down) so its files can go. */
static void stop_leftover_clusters(const char *dir)
{
	glob_t g;
	static const char *const patterns[] = {"/*/postmaster.pid", "/*/*/postmaster.pid",
					       "/*/*/*/postmaster.pid"};
	for (size_t i = 0; i < ARRAY_LEN(patterns); i++) {
		char *pat = xasprintf("%s%s", dir, patterns[i]);
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t j = 0; j < g.gl_pathc; j++) {
				char *data = xstrndup(g.gl_pathv[j],
						      strlen(g.gl_pathv[j]) -
							  strlen("/postmaster.pid"));
				struct stat st;
				const char *user = NULL;
				if (geteuid() == 0 && stat(data, &st) == 0 && st.st_uid != 0) {
					struct passwd *pw = getpwuid(st.st_uid);
					user = pw != NULL ? pw->pw_name : NULL;
				}
				char *pg_ctl = xasprintf("%s/pg_ctl", pg_bindir());
				const char *argv[] = {pg_ctl, "-D",      data, "-m", "immediate",
						      "-w",   "-t", "30", "stop", NULL};
				(void)run_cmd(argv, user, NULL, 40000);
				free(pg_ctl);
				free(data);
			}
			globfree(&g);
		}
		free(pat);
	}
}

/* --- PostgreSQL ------------------------------------------------------------------------- */

struct pg_cluster *pg_cluster_start(void)
{
	struct pg_cluster *pg = xcalloc(1, sizeof *pg);
	char tmpl[] = "/tmp/suivi-pg-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		harness_die("mkdtemp %s: %s", tmpl, strerror(errno));
	pg->dir = xstrdup(tmpl);
	pg->data = xasprintf("%s/data", pg->dir);
	pg->bindir = xstrdup(pg_bindir());
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
	track((void **)clusters, pg);

	char *initdb = xasprintf("%s/initdb", pg->bindir);
	char *out = xasprintf("%s/initdb.out", pg->dir);
	const char *argv[] = {initdb, "-D", pg->data, "-U", "suivi", "-A", "trust", "-N",
			      "-E", "UTF8", "--locale=C.UTF-8", NULL};
	int st = run_cmd(argv, pg->run_as, out, 120000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = read_file(out);
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
	const char *argv[] = {pg_ctl, "-D", pg->data, "-l", log, "-w", "-t", "60", "-o", opts,
			      "start", NULL};
	int st = run_cmd(argv, pg->run_as, out, 90000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *a = read_file(out), *b = read_file(log);
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
	int st = run_cmd(argv, pg->run_as, out, 90000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = read_file(out);
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

void pg_cluster_destroy(struct pg_cluster *pg)
{
	if (pg == NULL)
		return;
	untrack((void **)clusters, pg);
	if (pg->running)
		pg_ctl_stop(pg, "immediate");
	remove_tree(pg->dir);
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
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0 &&
	    !PQgetisnull(r, 0, 0))
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

/* --- suivid ----------------------------------------------------------------------------- */

/* Bind 127.0.0.1:0 and report what the kernel picked. Another process could take it before
 * suivid binds; unlikely enough on a test machine. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		harness_die("cannot find a free port: %s", strerror(errno));
	close(fd);
	return ntohs(sin.sin_port);
}

static char *substitute(const char *text, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value), n = 0;
	for (const char *s = strstr(text, key); s != NULL; s = strstr(s + klen, key))
		n++;
	char *out = xmalloc(strlen(text) + n * vlen + 1);
	char *o = out;
	const char *s = text, *hit;
	while ((hit = strstr(s, key)) != NULL) {
		memcpy(o, s, (size_t)(hit - s));
		o += hit - s;
		memcpy(o, value, vlen);
		o += vlen;
		s = hit + klen;
	}
	strcpy(o, s);
	return out;
}

struct suivid_proc *suivid_start(const char *conf_body, const char *const *extra_args,
				 bool wait_ready)
{
	return suivid_start_env(conf_body, extra_args, NULL, wait_ready);
}

struct suivid_proc *suivid_start_env(const char *conf_body, const char *const *extra_args,
				     const char *const *env, bool wait_ready)
{
	const char *suivid = getenv("SUIVID");
	if (suivid == NULL || *suivid == '\0')
		harness_die("SUIVID is not set (run through make check)");
	struct suivid_proc *p = xcalloc(1, sizeof *p);
	char tmpl[] = "/tmp/suivid-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		harness_die("mkdtemp: %s", strerror(errno));
	/* The embedded PostgreSQL runs as another user under root: it must traverse this. */
	chmod(tmpl, 0755);
	p->dir = xstrdup(tmpl);
	p->port = free_port();
	p->creator = getpid();
	p->pidfd = -1;
	p->conf = xasprintf("%s/suivid.conf", p->dir);
	char port[16];
	snprintf(port, sizeof port, "%d", p->port);
	char *a = substitute(conf_body, "%PORT%", port);
	char *body = substitute(a, "%DIR%", p->dir);
	write_file(p->conf, body);
	free(a);
	free(body);

	size_t n_env = 0;
	while (env != NULL && env[n_env] != NULL)
		n_env++;
	if (n_env > 0) {
		p->env = xcalloc(n_env + 1, sizeof *p->env);
		for (size_t i = 0; i < n_env; i++)
			p->env[i] = xstrdup(env[i]);
	}

	const char *argv[32] = {suivid, "-c", p->conf};
	size_t n = 3;
	for (size_t i = 0; extra_args != NULL && extra_args[i] != NULL && n < 31; i++)
		argv[n++] = extra_args[i];
	argv[n] = NULL;

	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		harness_die("pipe: %s", strerror(errno));
	/* A big pipe: the daemon must never block on a full stderr between two drains. */
	(void)fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		harness_die("fork: %s", strerror(errno));
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null < 0)
			_exit(127);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (size_t i = 0; p->env != NULL && p->env[i] != NULL; i++)
			putenv(p->env[i]);
		execv(suivid, (char *const *)argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", suivid, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	p->err_fd = fds[0];
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	p->pidfd = open_pidfd(p->pid);
	track((void **)procs, p);
	/* Under valgrind (make check-valgrind) suivid starts several times slower. */
	if (wait_ready)
		proc_wait_ready(p, getenv("SUIVI_TEST_UNDER_VALGRIND") != NULL ? 120000 : 30000);
	return p;
}

/* Poll GET /v1/health until 200; fail with the log when the daemon exits or time runs out. */
static void proc_wait_ready(struct suivid_proc *p, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms;
	int last = 0;
	for (;;) {
		proc_drain(p);
		proc_reap(p);
		if (p->exited)
			harness_die("suivid exited (status %d) before GET /v1/health answered 200; "
				    "log:\n%s",
				    p->status, p->log != NULL ? p->log : "");
		int left = harness_remaining(deadline);
		if (left == 0)
			break;
		struct http_response *r = http_do(p->port, "GET", "/v1/health", NULL, NULL, NULL,
						  NULL, left < 2000 ? left : 2000);
		last = r->status;
		http_response_free(r);
		if (last == 200)
			return;
		/* Wake on new log output or after 25 ms, whichever comes first. */
		struct pollfd pfd = {.fd = p->err_fd, .events = POLLIN};
		left = harness_remaining(deadline);
		poll(&pfd, p->err_fd >= 0 ? 1 : 0, left < 25 ? left : 25);
	}
	proc_drain(p);
	harness_die("suivid (port %d) did not answer GET /v1/health with 200 within %d ms "
		    "(last status %d); log:\n%s",
		    p->port, timeout_ms, last, p->log != NULL ? p->log : "");
}

static void proc_drain(struct suivid_proc *p)
{
	while (p->err_fd >= 0) {
		if (p->log_cap - p->log_len < 4097) {
			p->log_cap = p->log_cap == 0 ? 16384 : p->log_cap * 2;
			p->log = xrealloc(p->log, p->log_cap);
		}
		ssize_t got = read(p->err_fd, p->log + p->log_len, 4096);
		if (got > 0) {
			p->log_len += (size_t)got;
			p->log[p->log_len] = '\0';
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got == 0 || errno != EAGAIN) {
			close(p->err_fd);
			p->err_fd = -1;
		}
		break;
	}
	if (p->log == NULL) {
		p->log_cap = 16384;
		p->log = xcalloc(1, p->log_cap);
	}
}

void harness_drain_all(void)
{
	for (size_t i = 0; i < MAX_TRACKED; i++)
		if (procs[i] != NULL && procs[i]->creator == getpid())
			proc_drain(procs[i]);
}

static void proc_reap(struct suivid_proc *p)
{
	if (p->exited)
		return;
	int status;
	if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
		p->exited = true;
		p->status = status;
	}
}

int suivid_port(const struct suivid_proc *p)
{
	return p->port;
}

pid_t suivid_pid(const struct suivid_proc *p)
{
	return p->pid;
}

const char *suivid_dir(const struct suivid_proc *p)
{
	return p->dir;
}

const char *suivid_conf_path(const struct suivid_proc *p)
{
	return p->conf;
}

void suivid_kill(struct suivid_proc *p, int sig)
{
	proc_reap(p);
	if (!p->exited)
		kill(p->pid, sig);
}

int suivid_wait_exit(struct suivid_proc *p, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		proc_drain(p);
		proc_reap(p);
		if (p->exited) {
			proc_drain(p);
			return p->status;
		}
		int left = harness_remaining(deadline);
		if (left == 0)
			return -1;
		struct pollfd pfd[2] = {{.fd = p->err_fd, .events = POLLIN},
					{.fd = p->pidfd, .events = POLLIN}};
		int tick = p->pidfd >= 0 ? left : (left < 5 ? left : 5);
		poll(pfd, 2, tick);
	}
}

const char *suivid_log(struct suivid_proc *p)
{
	proc_drain(p);
	return p->log;
}

bool suivid_wait_log(struct suivid_proc *p, const char *needle, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms;
	for (;;) {
		proc_drain(p);
		if (strstr(p->log, needle) != NULL)
			return true;
		int left = harness_remaining(deadline);
		if (left == 0 || p->err_fd < 0) {
			fprintf(stderr,
				"harness: suivid log did not show '%s' within %d ms%s; log:\n%s\n",
				needle, timeout_ms, p->err_fd < 0 ? " (stderr closed)" : "",
				p->log);
			return false;
		}
		struct pollfd pfd = {.fd = p->err_fd, .events = POLLIN};
		poll(&pfd, 1, left);
	}
}

void suivid_stop(struct suivid_proc *p)
{
	if (p == NULL)
		return;
	untrack((void **)procs, p);
	proc_reap(p);
	if (!p->exited && p->creator == getpid()) {
		/* Politely first: an embedded PostgreSQL is stopped only by a clean exit. */
		kill(p->pid, SIGTERM);
		if (suivid_wait_exit(p, 10000) == -1) {
			kill(p->pid, SIGKILL);
			(void)suivid_wait_exit(p, 10000);
		}
	}
	if (p->err_fd >= 0)
		close(p->err_fd);
	if (p->pidfd >= 0)
		close(p->pidfd);
	stop_leftover_clusters(p->dir);
	remove_tree(p->dir);
	for (size_t i = 0; p->env != NULL && p->env[i] != NULL; i++)
		free(p->env[i]);
	free(p->env);
	free(p->dir);
	free(p->conf);
	free(p->log);
	free(p);
}

int suivid_run(const struct suivid_proc *p, const char *const *args, char **out, char **err)
{
	const char *suivid = getenv("SUIVID");
	if (suivid == NULL || *suivid == '\0')
		harness_die("SUIVID is not set (run through make check)");
	const char *argv[32] = {suivid, "-c", p->conf};
	size_t n = 3;
	for (size_t i = 0; args != NULL && args[i] != NULL && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	int o[2], e[2];
	if (pipe2(o, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0)
		harness_die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		harness_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0)
			_exit(127);
		dup2(null, STDIN_FILENO);
		dup2(o[1], STDOUT_FILENO);
		dup2(e[1], STDERR_FILENO);
		for (size_t i = 0; p->env != NULL && p->env[i] != NULL; i++)
			putenv(p->env[i]);
		execv(suivid, (char *const *)argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", suivid, strerror(errno));
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	struct harness_buf bo = {0}, be = {0};
	int fds[2] = {o[0], e[0]};
	struct harness_buf *bufs[2] = {&bo, &be};
	double deadline = now_ms() + 60000;
	while ((fds[0] >= 0 || fds[1] >= 0) && harness_remaining(deadline) > 0) {
		struct pollfd pfd[2] = {{.fd = fds[0], .events = POLLIN},
					{.fd = fds[1], .events = POLLIN}};
		if (poll(pfd, 2, harness_remaining(deadline)) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i] < 0 || pfd[i].revents == 0)
				continue;
			char chunk[4096];
			ssize_t got = read(fds[i], chunk, sizeof chunk);
			if (got > 0) {
				harness_buf_add(bufs[i], chunk, (size_t)got);
			} else if (got == 0 || errno != EINTR) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	int status;
	int rc = wait_pid(pid, -1, harness_remaining(deadline) + 1000, &status);
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fprintf(stderr, "harness: suivid %s did not finish within 60 s\n",
			args != NULL && args[0] != NULL ? args[0] : "");
	}
	harness_buf_add(&bo, "", 0);
	harness_buf_add(&be, "", 0);
	if (out != NULL)
		*out = bo.data;
	else
		free(bo.data);
	if (err != NULL)
		*err = be.data;
	else
		free(be.data);
	if (rc != 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last non-empty line of text, trimmed (caller frees). */
static char *last_line(const char *text)
{
	char *copy = xstrdup(text);
	char *end = copy + strlen(copy);
	while (end > copy && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	char *start = strrchr(copy, '\n');
	char *line = xstrdup(start != NULL ? start + 1 : copy);
	free(copy);
	return line;
}

char *suivid_make_token(const struct suivid_proc *p, const char *name, const char *role,
			const char *owner)
{
	const char *args[] = {"token", "create", name, "--role", role,
			      owner != NULL ? "--owner" : NULL, owner, NULL};
	char *out, *err;
	int rc = suivid_run(p, args, &out, &err);
	if (rc != 0)
		harness_die("suivid token create %s --role %s failed (exit %d): %s", name, role, rc,
			    err);
	char *token = last_line(out);
	if (*token == '\0')
		harness_die("suivid token create printed no token; stderr: %s", err);
	free(out);
	free(err);
	return token;
}
