/* convert-pdf.c — a PDF's text through Poppler's pdftotext -layout, as a child process
 * bounded in time (CONVERT_PDF_SECONDS, then SIGKILL), memory (RLIMIT_AS) and output
 * (CONVERT_MAX_FILE), exec'd directly with its own argv (no shell). Its exit status and
 * stderr say what is wrong with a PDF it cannot read. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "convert.h"
#include "util.h"

#define CONVERT_PDF_SECONDS 30
#define CONVERT_PDF_MEMORY (1024UL * 1024 * 1024)
#define STDERR_MAX 4096

static void child(const char *path, int out, int err) __attribute__((noreturn));
static bool blank(const char *s);

char *convert_pdf(const char *name, const char *path, char **cause)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) == -1)
		goto no_child;
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		goto no_child;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(path, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (pid == -1) {
		close(out[0]);
		close(err[0]);
		goto no_child;
	}

	char *text = xmalloc(65536), errbuf[STDERR_MAX + 1];
	size_t n = 0, cap = 65536, nerr = 0;
	bool too_big = false, timed_out = false;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left =
		    CONVERT_PDF_SECONDS * 1000L - ((now.tv_sec - start.tv_sec) * 1000L +
						   (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(fds, 2, (int)left) == -1 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || fds[i].revents == 0)
				continue;
			char chunk[65536];
			ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
			if (got <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				continue;
			}
			if (i == 1) {
				size_t k = (size_t)got < STDERR_MAX - nerr ? (size_t)got
									   : STDERR_MAX - nerr;
				memcpy(errbuf + nerr, chunk, k);
				nerr += k;
				continue;
			}
			if (n + (size_t)got > CONVERT_MAX_FILE) {
				too_big = true;
				break;
			}
			while (n + (size_t)got + 1 > cap)
				cap *= 2;
			text = xrealloc(text, cap);
			memcpy(text + n, chunk, (size_t)got);
			n += (size_t)got;
		}
		if (too_big)
			break;
	}
	if (timed_out || too_big)
		kill(pid, SIGKILL);
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int status = 0;
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	text[n] = '\0';
	errbuf[nerr] = '\0';

	if (timed_out)
		set_cause(cause, "%s took pdftotext more than %d seconds: refused", name,
			  CONVERT_PDF_SECONDS);
	else if (too_big)
		set_cause(cause, "%s gives more than %d MB of text: refused", name,
			  CONVERT_MAX_FILE >> 20);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		set_cause(cause,
			  "cannot read %s: pdftotext (Debian package poppler-utils) is not "
			  "installed",
			  name);
	else if (strstr(errbuf, "password") != NULL || strstr(errbuf, "ncrypt") != NULL)
		set_cause(cause,
			  "%s is encrypted (password-protected): save it without a password "
			  "first",
			  name);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		set_cause(cause, "%s is a damaged PDF: pdftotext cannot read it", name);
	else if (blank(text))
		set_cause(cause, "%s has no text layer (a scan?): run OCR on it first", name);
	else
		return text;
	free(text);
	return NULL;

no_child:
	set_cause(cause, "cannot run pdftotext: %s", strerror(errno));
	return NULL;
}

/* In the child: default signals, bounds, the pipes as stdout and stderr, then pdftotext. */
static void child(const char *path, int out, int err)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	struct rlimit mem = {CONVERT_PDF_MEMORY, CONVERT_PDF_MEMORY};
	struct rlimit cpu = {CONVERT_PDF_SECONDS, CONVERT_PDF_SECONDS};
	setrlimit(RLIMIT_AS, &mem);
	setrlimit(RLIMIT_CPU, &cpu);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(out, 1);
	dup2(err, 2);
	/* -q would silence the sentence that says the PDF is encrypted. */
	execlp("pdftotext", "pdftotext", "-layout", "-enc", "UTF-8", path, "-", (char *)NULL);
	_exit(127);
}

/* Whether s holds nothing but white space and form feeds. */
static bool blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n\f\v", *s) == NULL)
			return false;
	return true;
}
