/* client-run.c — run the real suivi binary for the integration tests. */
#include "suivi-config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "client-run.h"
#include "harness.h"
#include "util.h"

static const char *run_url;
static const char *run_conf_home;

void client_run_init(const char *url, const char *conf_home)
{
	run_url = url;
	run_conf_home = conf_home;
}

/* Run suivi with SUIVI_URL/SUIVI_TOKEN in its environment (token NULL: none), input on
 * stdin (NULL: /dev/null), stdout and stderr captured; bounded at 60 s. */
struct run suivi_runv(const char *token, const char *the_url, const char *input,
		      const char *const *argv)
{
	const char *bin = getenv("SUIVI");
	int in[2], out[2], err[2];
	struct run r = {.code = -1};

	ck_assert_msg(bin != NULL, "SUIVI is not set");
	ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		if (the_url != NULL)
			setenv("SUIVI_URL", the_url, 1);
		else
			unsetenv("SUIVI_URL");
		if (token != NULL)
			setenv("SUIVI_TOKEN", token, 1);
		else
			unsetenv("SUIVI_TOKEN");
		setenv("XDG_CONFIG_HOME", run_conf_home, 1);
		unsetenv("NO_COLOR");
		unsetenv("COLUMNS");
		setenv("LC_ALL", "C.UTF-8", 1);
		const char *args[MAX_ARGS + 2];
		size_t n = 0;
		args[n++] = "suivi";
		for (; argv[n - 1] != NULL && n <= MAX_ARGS; n++)
			args[n] = argv[n - 1];
		args[n] = NULL;
		execv(bin, (char *const *)args);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	/* Feed stdin whole first: inputs are small, under the pipe buffer. */
	if (input != NULL) {
		size_t len = strlen(input), off = 0;
		signal(SIGPIPE, SIG_IGN);
		while (off < len) {
			ssize_t w = write(in[1], input + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(in[1]);
	size_t cap[2] = {4096, 4096}, len[2] = {0, 0};
	char *buf[2] = {xmalloc(cap[0]), xmalloc(cap[1])};
	struct pollfd pfd[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
	double deadline = now_ms() + 60000;
	int open_fds = 2;
	while (open_fds > 0 && now_ms() < deadline) {
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (len[i] + 4096 > cap[i]) {
				cap[i] *= 2;
				buf[i] = xrealloc(buf[i], cap[i]);
			}
			ssize_t n = read(pfd[i].fd, buf[i] + len[i], cap[i] - len[i] - 1);
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			} else {
				len[i] += (size_t)n;
			}
		}
	}
	for (int i = 0; i < 2; i++) {
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
		buf[i][len[i]] = '\0';
	}
	int status;
	if (open_fds > 0)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r.out = buf[0];
	r.err = buf[1];
	return r;
}

struct run suivi_run(const char *token, const char *input, const char *arg, ...)
{
	const char *argv[MAX_ARGS + 1];
	size_t n = 0;
	va_list ap;

	va_start(ap, arg);
	for (const char *a = arg; a != NULL && n < MAX_ARGS; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return suivi_runv(token, run_url, input, argv);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

json_t *parse_json(const struct run *r)
{
	json_error_t e;
	json_t *j = json_loads(r->out, JSON_REJECT_DUPLICATES, &e);
	ck_assert_msg(j != NULL, "not JSON (%s): %s", e.text, r->out);
	return j;
}

void expect(const struct run *r, int code)
{
	ck_assert_msg(r->code == code, "exit %d, expected %d; stdout: %s; stderr: %s", r->code,
		      code, r->out, r->err);
	if (code != 0) {
		/* One plain sentence on stderr. */
		ck_assert_msg(strncmp(r->err, "suivi", 5) == 0, "stderr: %s", r->err);
	}
}

int count_lines(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}
