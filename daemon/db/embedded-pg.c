/* embedded-pg.c — suivid's private PostgreSQL in data_dir: data_dir/pgdata (the cluster),
 * data_dir/run (the only listening point, a Unix socket in a 0700 directory, which is what
 * makes trust authentication safe), data_dir/postgresql.log, and data_dir/suivid.lock held
 * with flock for the life of the struct. initdb and pg_ctl run through fork+execv, as the
 * "postgres" system user when suivid runs as root. Blocking: runs outside the event loop. */
#include "suivi-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/embedded-pg.h"
#include "core/log.h"

#define EPG_PORT "5432"
#define EPG_USER "suivi"
#define EPG_DB "suivi"
/* sizeof(sockaddr_un.sun_path) is 108 with the NUL. */
#define EPG_SOCKET_MAX 107
/* Keep the tail of a program's output: the end says what went wrong. */
#define EPG_OUTPUT_MAX 4096

struct embedded_pg {
	char *data_dir; /* absolute */
	char *pgdata;
	char *rundir;
	char *logpath;
	int lock_fd;
	bool drop; /* run the programs as user/uid/gid (suivid is root) */
	char *user;
	uid_t uid;
	gid_t gid;
};

static char *absolute_dir(const char *dir);
static char *conninfo_for(const char *rundir, const char *dbname);
static void conninfo_append(char **s, const char *key, const char *value);
static char *shell_quote(const char *s);
static int take_lock(struct embedded_pg *pg, const char *shown, char **cause);
static int prepare_dirs(struct embedded_pg *pg, char **cause);
static int run_prog(struct embedded_pg *pg, const char *const argv[], char **output);
static void child_exec(struct embedded_pg *pg, const char *const argv[], int out);
static int run_checked(struct embedded_pg *pg, const char *what, const char *const argv[],
		       bool with_log, char **cause);
static char *log_tail(const char *path);
static int server_start(struct embedded_pg *pg, char **cause);
static int ensure_database(struct embedded_pg *pg, char **cause);
static void pg_free(struct embedded_pg *pg);
static void set_paths(struct embedded_pg *pg, const char *data_dir);

const char *embedded_pg_bindir(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("SUIVI_PG_BINDIR");

	if (env != NULL && env[0] != '\0')
		return env;
	if (SUIVI_PG_BINDIR[0] != '\0')
		return SUIVI_PG_BINDIR;
	if (found[0] != '\0')
		return found;
	/* Debian keeps one directory per major version: take the highest number. */
	DIR *d = opendir("/usr/lib/postgresql");
	long best = -1;
	if (d != NULL) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			char *end;
			long v = strtol(de->d_name, &end, 10);
			if (end == de->d_name || *end != '\0' || v <= best)
				continue;
			char *bin = xasprintf("/usr/lib/postgresql/%s/bin", de->d_name);
			if (access(bin, X_OK) == 0) {
				best = v;
				snprintf(found, sizeof found, "%s", bin);
			}
			free(bin);
		}
		closedir(d);
	}
	return found[0] != '\0' ? found : "/usr/lib/postgresql/*/bin";
}

/* The absolute form of dir (which may not exist yet): libpq reads a host starting with '/'
 * as a socket directory, so the conninfo needs it absolute. */
static char *absolute_dir(const char *dir)
{
	char real[PATH_MAX];
	if (realpath(dir, real) != NULL)
		return xstrdup(real);
	if (dir[0] == '/')
		return xstrdup(dir);
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd) == NULL)
		return xstrdup(dir);
	return xasprintf("%s/%s", cwd, dir);
}

/* key='value' with libpq's escaping, so a data_dir with spaces or quotes still works. */
static void conninfo_append(char **s, const char *key, const char *value)
{
	size_t len = strlen(*s);
	char *q = xmalloc(2 * strlen(value) + 3), *p = q;
	*p++ = '\'';
	for (const char *v = value; *v != '\0'; v++) {
		if (*v == '\'' || *v == '\\')
			*p++ = '\\';
		*p++ = *v;
	}
	*p++ = '\'';
	*p = '\0';
	bool plain = strpbrk(value, " '\\\t\n") == NULL && value[0] != '\0';
	char *next = xasprintf("%s%s%s=%s", *s, len > 0 ? " " : "", key, plain ? value : q);
	free(q);
	free(*s);
	*s = next;
}

static char *conninfo_for(const char *rundir, const char *dbname)
{
	char *s = xstrdup("");
	conninfo_append(&s, "host", rundir);
	conninfo_append(&s, "port", EPG_PORT);
	conninfo_append(&s, "user", EPG_USER);
	conninfo_append(&s, "dbname", dbname);
	return s;
}

char *embedded_pg_conninfo(const char *data_dir)
{
	char *abs = absolute_dir(data_dir);
	char *rundir = xasprintf("%s/run", abs);
	char *s = conninfo_for(rundir, EPG_DB);
	free(rundir);
	free(abs);
	return s;
}

/* pg_ctl hands -o to /bin/sh: quote the socket directory for it. */
static char *shell_quote(const char *s)
{
	char *q = xmalloc(4 * strlen(s) + 3), *p = q;
	*p++ = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *s;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

int embedded_pg_locked(const char *data_dir)
{
	char *path = xasprintf("%s/suivid.lock", data_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	int rc = 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		rc = errno == EWOULDBLOCK ? 1 : -1;
	close(fd); /* also releases the probe lock when we got it */
	return rc;
}

/* flock is released by the kernel when the process dies, so a crashed suivid never leaves a
 * stale lock behind (unlike a pid file). */
static int take_lock(struct embedded_pg *pg, const char *shown, char **cause)
{
	char *path = xasprintf("%s/suivid.lock", pg->data_dir);
	char *shown_path = xasprintf("%s/suivid.lock", shown);
	int rc = -1;

	pg->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (pg->lock_fd == -1) {
		set_cause(cause, "cannot open the lock file %s: %s", shown_path, strerror(errno));
		goto done;
	}
	if (flock(pg->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			set_cause(cause, "another suivid is already running on %s (lock %s)", shown,
				  shown_path);
		else
			set_cause(cause, "cannot lock %s: %s", shown_path, strerror(errno));
		close(pg->lock_fd);
		pg->lock_fd = -1;
		goto done;
	}
	/* The pid is for people looking at the file; the lock itself is what counts. */
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(pg->lock_fd, 0) == 0 && write(pg->lock_fd, pid, (size_t)n) != n)
		log_warn("event=embedded_pg_lock_write path=%s", log_quote(path));
	rc = 0;
done:
	free(path);
	free(shown_path);
	return rc;
}

/* data_dir (0700) and run (0700, the socket's only protection) owned by the user the
 * server runs as; pgdata too, or refused when it is another user's initialised cluster. */
static int prepare_dirs(struct embedded_pg *pg, char **cause)
{
	struct stat st;
	if (!pg->drop)
		return 0;
	if (chown(pg->data_dir, pg->uid, pg->gid) == -1) {
		set_cause(cause, "cannot give %s to the %s user: %s", pg->data_dir, pg->user,
			  strerror(errno));
		return -1;
	}
	if (chown(pg->rundir, pg->uid, pg->gid) == -1) {
		set_cause(cause, "cannot give %s to the %s user: %s", pg->rundir, pg->user,
			  strerror(errno));
		return -1;
	}
	if (stat(pg->pgdata, &st) == -1 || st.st_uid == pg->uid)
		return 0;
	char *version = xasprintf("%s/PG_VERSION", pg->pgdata);
	bool cluster = access(version, F_OK) == 0;
	free(version);
	if (!cluster) {
		/* Not initialised yet (made by hand, or an initdb that never ran): initdb
		 * accepts an empty directory if the user owns it. */
		if (chown(pg->pgdata, pg->uid, pg->gid) == -1) {
			set_cause(cause, "cannot give %s to the %s user: %s", pg->pgdata, pg->user,
				  strerror(errno));
			return -1;
		}
		return 0;
	}
	/* A cluster made by another user: chowning the top alone would not do, and rewriting
	 * its files behind the operator's back is not ours to decide. */
	set_cause(cause,
		  "the PostgreSQL cluster %s belongs to uid %ld, not to the %s user that runs it: "
		  "chown -R %s %s, or choose another data_dir",
		  pg->pgdata, (long)st.st_uid, pg->user, pg->user, pg->pgdata);
	return -1;
}

/* In the child: plain signals, no inherited descriptors, the unprivileged user, then exec. */
static void child_exec(struct embedded_pg *pg, const char *const argv[], int out)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* SIGKILL, SIGSTOP and RT gaps fail harmlessly */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	int devnull = open("/dev/null", O_RDONLY);
	if (devnull == -1 || dup2(devnull, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(out, STDERR_FILENO) == -1)
		_exit(126);
	long maxfd = sysconf(_SC_OPEN_MAX);
	for (long fd = 3; fd < (maxfd > 0 && maxfd < 65536 ? maxfd : 65536); fd++)
		close((int)fd);

	if (pg->drop) {
		if (setgid(pg->gid) == -1 || initgroups(pg->user, pg->gid) == -1 ||
		    setuid(pg->uid) == -1) {
			dprintf(STDERR_FILENO, "cannot switch to the %s user: %s\n", pg->user,
				strerror(errno));
			_exit(126);
		}
	}
	/* A working directory the user can enter (root's home is not one). */
	if (chdir(pg->data_dir) == -1) {
		if (pg->drop)
			dprintf(STDERR_FILENO,
				"the %s user cannot enter %s (%s): make its parent directories "
				"searchable by that user, or choose another data_dir\n",
				pg->user, pg->data_dir, strerror(errno));
		else
			dprintf(STDERR_FILENO, "cannot enter %s: %s\n", pg->data_dir,
				strerror(errno));
		_exit(126);
	}
	/* execv's prototype predates const; it does not modify the strings. */
	execv(argv[0], (char *const *)argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Run argv to completion; returns its wait status (-1 when it could not be started) and its
 * combined stdout and stderr (the last EPG_OUTPUT_MAX bytes) in *output. */
static int run_prog(struct embedded_pg *pg, const char *const argv[], char **output)
{
	int fds[2];
	sigset_t all, old;
	char *buf = xmalloc(2 * EPG_OUTPUT_MAX + 1);
	size_t len = 0;

	*output = NULL;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		free(buf);
		*output = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	/* Signals stay blocked across fork so that no handler of ours runs in the child. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_exec(pg, argv, fds[1]);
	}
	int saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fds[1]);
	if (pid == -1) {
		close(fds[0]);
		free(buf);
		*output = xasprintf("fork: %s", strerror(saved));
		return -1;
	}
	for (;;) {
		ssize_t r = read(fds[0], buf + len, 2 * EPG_OUTPUT_MAX - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == 2 * EPG_OUTPUT_MAX) {
			memmove(buf, buf + EPG_OUTPUT_MAX, EPG_OUTPUT_MAX);
			len = EPG_OUTPUT_MAX;
		}
	}
	close(fds[0]);
	buf[len] = '\0';
	*output = buf;
	int status;
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return status;
}

/* Run a PostgreSQL program; on failure the cause carries its output (and the server log's
 * tail when with_log, since pg_ctl only says "examine the log output"). */
static int run_checked(struct embedded_pg *pg, const char *what, const char *const argv[],
		       bool with_log, char **cause)
{
	char *out;
	int status = run_prog(pg, argv, &out);
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		free(out);
		return 0;
	}
	char how[64];
	if (status == -1)
		snprintf(how, sizeof how, "could not run");
	else if (WIFEXITED(status))
		snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof how, "signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	str_trim(out);
	char *tail = with_log ? log_tail(pg->logpath) : NULL;
	set_cause(cause, "embedded PostgreSQL: %s failed (%s): %s%s%s", what, how, out,
		  tail != NULL ? "; server log: " : "", tail != NULL ? tail : "");
	free(tail);
	free(out);
	return -1;
}

/* The last lines of the server log, for an error message. */
static char *log_tail(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > 1500 ? size - 1500 : 0;
	char *buf = xmalloc(1501);
	ssize_t r = pread(fd, buf, 1500, from);
	close(fd);
	if (r <= 0) {
		free(buf);
		return NULL;
	}
	buf[r] = '\0';
	str_trim(buf);
	return buf;
}

static int server_start(struct embedded_pg *pg, char **cause)
{
	char *ctl = xasprintf("%s/pg_ctl", embedded_pg_bindir());
	char *q = shell_quote(pg->rundir);
	char *opts = xasprintf("-k %s -c listen_addresses='' -c jit=off -p " EPG_PORT, q);
	const char *argv[] = {ctl,  "-D", pg->pgdata, "-l", pg->logpath, "-w",
			      "-t", "60", "-o",       opts, "start",     NULL};
	int rc = run_checked(pg, "pg_ctl start", argv, true, cause);
	free(opts);
	free(q);
	free(ctl);
	return rc;
}

/* Created on first start, and again if a first start died between initdb and here. */
static int ensure_database(struct embedded_pg *pg, char **cause)
{
	char *ci = conninfo_for(pg->rundir, "postgres");
	PGconn *conn = PQconnectdb(ci);
	free(ci);
	int rc = -1;
	PGresult *res = NULL;

	if (PQstatus(conn) != CONNECTION_OK) {
		set_cause(cause, "embedded PostgreSQL: cannot connect: %s", PQerrorMessage(conn));
		goto done;
	}
	res = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = '" EPG_DB "'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		set_cause(cause, "embedded PostgreSQL: %s", PQerrorMessage(conn));
		goto done;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		res = PQexec(conn, "CREATE DATABASE " EPG_DB);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			set_cause(cause, "embedded PostgreSQL: cannot create the database %s: %s",
				  EPG_DB, PQerrorMessage(conn));
			goto done;
		}
		log_info("event=embedded_pg_database_created name=" EPG_DB);
	}
	rc = 0;
done:
	if (cause != NULL && *cause != NULL)
		str_trim(*cause);
	PQclear(res);
	PQfinish(conn);
	return rc;
}

static void set_paths(struct embedded_pg *pg, const char *data_dir)
{
	free(pg->data_dir);
	free(pg->pgdata);
	free(pg->rundir);
	free(pg->logpath);
	pg->data_dir = absolute_dir(data_dir);
	pg->pgdata = xasprintf("%s/pgdata", pg->data_dir);
	pg->rundir = xasprintf("%s/run", pg->data_dir);
	pg->logpath = xasprintf("%s/postgresql.log", pg->data_dir);
}

static void pg_free(struct embedded_pg *pg)
{
	if (pg == NULL)
		return;
	if (pg->lock_fd != -1)
		close(pg->lock_fd);
	free(pg->data_dir);
	free(pg->pgdata);
	free(pg->rundir);
	free(pg->logpath);
	free(pg->user);
	free(pg);
}

int embedded_pg_start(const char *data_dir, struct embedded_pg **out, char **conninfo, char **cause)
{
	struct embedded_pg *pg = xcalloc(1, sizeof *pg);
	pg->lock_fd = -1;
	*out = NULL;
	*conninfo = NULL;

	if (data_dir == NULL || data_dir[0] == '\0') {
		set_cause(cause, "no data_dir for the embedded PostgreSQL: set [database] "
				 "data_dir or [database] url");
		goto fail;
	}
	set_paths(pg, data_dir);

	size_t socklen = strlen(pg->rundir) + strlen("/.s.PGSQL." EPG_PORT);
	if (socklen >= EPG_SOCKET_MAX) {
		set_cause(
		    cause,
		    "data_dir %s is too long for PostgreSQL's socket path (%s/.s.PGSQL." EPG_PORT
		    " would be %zu bytes, at most %d): choose a shorter data_dir",
		    data_dir, pg->rundir, socklen, EPG_SOCKET_MAX - 1);
		goto fail;
	}

	/* PostgreSQL refuses to run as root: hand the cluster to the postgres system user. */
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (pw == NULL) {
			set_cause(cause,
				  "suivid runs as root and no 'postgres' system user exists to "
				  "run the embedded PostgreSQL: install the postgresql "
				  "package, run suivid as an unprivileged user, or set "
				  "[database] url");
			goto fail;
		}
		pg->drop = true;
		pg->user = xstrdup(pw->pw_name);
		pg->uid = pw->pw_uid;
		pg->gid = pw->pw_gid;
	}

	char *initdb = xasprintf("%s/initdb", embedded_pg_bindir());
	bool have_initdb = access(initdb, X_OK) == 0;
	free(initdb);
	if (!have_initdb) {
		set_cause(cause,
			  "PostgreSQL server programs not found in %s; install postgresql "
			  "or set [database] url",
			  embedded_pg_bindir());
		goto fail;
	}

	if (mkdir(pg->data_dir, 0700) == -1 && errno != EEXIST) {
		set_cause(cause, "cannot create data_dir %s: %s", data_dir, strerror(errno));
		goto fail;
	}
	set_paths(pg, data_dir); /* now that it exists, without symbolic links or ".." */
	if (take_lock(pg, data_dir, cause) != 0)
		goto fail;
	if (mkdir(pg->rundir, 0700) == -1 && errno != EEXIST) {
		set_cause(cause, "cannot create %s: %s", pg->rundir, strerror(errno));
		goto fail;
	}
	/* Trust authentication is safe only while nobody else can reach the socket. */
	if (chmod(pg->rundir, 0700) == -1) {
		set_cause(cause, "cannot restrict %s to its owner: %s", pg->rundir,
			  strerror(errno));
		goto fail;
	}
	if (prepare_dirs(pg, cause) != 0)
		goto fail;

	char *version = xasprintf("%s/PG_VERSION", pg->pgdata);
	bool initialised = access(version, F_OK) == 0;
	free(version);
	if (!initialised) {
		log_info("event=embedded_pg_initdb pgdata=%s", log_quote(pg->pgdata));
		char *prog = xasprintf("%s/initdb", embedded_pg_bindir());
		const char *argv[] = {prog, "-D",    pg->pgdata, "-U",   EPG_USER,
				      "-A", "trust", "-E",       "UTF8", "--locale=C.UTF-8",
				      "-N", NULL};
		int rc = run_checked(pg, "initdb", argv, false, cause);
		free(prog);
		if (rc != 0)
			goto fail;
	}

	/* A suivid that crashed leaves its server running (pg_ctl detaches it): adopt it. */
	char *pidfile = xasprintf("%s/postmaster.pid", pg->pgdata);
	bool pid_exists = access(pidfile, F_OK) == 0;
	free(pidfile);
	char *ping = conninfo_for(pg->rundir, "postgres");
	bool running = pid_exists && PQping(ping) == PQPING_OK;
	free(ping);
	if (running) {
		log_info("event=embedded_pg_adopted pgdata=%s", log_quote(pg->pgdata));
	} else {
		if (server_start(pg, cause) != 0)
			goto fail;
		log_info("event=embedded_pg_started pgdata=%s socket_dir=%s", log_quote(pg->pgdata),
			 log_quote(pg->rundir));
	}
	if (ensure_database(pg, cause) != 0) {
		embedded_pg_stop(pg);
		return -1;
	}
	*conninfo = conninfo_for(pg->rundir, EPG_DB);
	*out = pg;
	return 0;
fail:
	pg_free(pg);
	return -1;
}

void embedded_pg_stop(struct embedded_pg *pg)
{
	if (pg == NULL)
		return;
	char *ctl = xasprintf("%s/pg_ctl", embedded_pg_bindir());
	const char *argv[] = {ctl, "-D", pg->pgdata, "-m", "fast", "-w", "-t", "60", "stop", NULL};
	char *cause = NULL;
	if (run_checked(pg, "pg_ctl stop", argv, false, &cause) != 0)
		log_warnx("event=embedded_pg_stop_failed cause=%s", log_quote(cause));
	else
		log_info("event=embedded_pg_stopped pgdata=%s", log_quote(pg->pgdata));
	free(cause);
	free(ctl);
	pg_free(pg); /* closing the descriptor releases the lock, after the server is down */
}
