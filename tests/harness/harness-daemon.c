/* harness-daemon.c — real suivid children for the tests (see harness.h): a config written
 * from a template with a free port and a temp dir, the daemon's stderr collected without ever
 * letting it block, readiness by GET /v1/health, subcommands run to completion, and a stop
 * that leaves no embedded PostgreSQL behind. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "harness-internal.h"
#include "util.h"

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

static struct suivid_proc *procs[HARNESS_MAX_TRACKED];

static void stop_leftover_clusters(const char *dir);
static int free_port(void);
static char *substitute(const char *text, const char *key, const char *value);
static void proc_drain(struct suivid_proc *p);
static void proc_reap(struct suivid_proc *p);
static void proc_wait_ready(struct suivid_proc *p, int timeout_ms);
static char *last_line(const char *text);

void harness_daemon_cleanup(void)
{
	pid_t self = getpid();
	for (size_t i = 0; i < HARNESS_MAX_TRACKED; i++)
		if (procs[i] != NULL && procs[i]->creator == self)
			suivid_stop(procs[i]);
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
				char *data = xstrndup(g.gl_pathv[j], strlen(g.gl_pathv[j]) -
									 strlen("/postmaster.pid"));
				struct stat st;
				const char *user = NULL;
				if (geteuid() == 0 && stat(data, &st) == 0 && st.st_uid != 0) {
					struct passwd *pw = getpwuid(st.st_uid);
					user = pw != NULL ? pw->pw_name : NULL;
				}
				char *pg_ctl = xasprintf("%s/pg_ctl", harness_pg_bindir());
				const char *argv[] = {pg_ctl, "-D", data, "-m",   "immediate",
						      "-w",   "-t", "30", "stop", NULL};
				(void)harness_run_cmd(argv, user, NULL, 40000);
				free(pg_ctl);
				free(data);
			}
			globfree(&g);
		}
		free(pat);
	}
}

/* Bind 127.0.0.1:0 and report what the kernel picked. Another process could take it before
 * suivid binds; unlikely enough on a test machine. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
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
	harness_write_file(p->conf, body);
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
	p->pidfd = harness_open_pidfd(p->pid);
	harness_track((void **)procs, p);
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
	for (size_t i = 0; i < HARNESS_MAX_TRACKED; i++)
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
	harness_untrack((void **)procs, p);
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
	harness_remove_tree(p->dir);
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
	int rc = harness_wait_pid(pid, -1, harness_remaining(deadline) + 1000, &status);
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
	const char *args[] = {
	    "token", "create", name, "--role", role, owner != NULL ? "--owner" : NULL, owner, NULL};
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
