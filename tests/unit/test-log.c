/* test-log.c — line format, level filtering, errno text, quoting, one write per line. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "suites.h"

/* Everything written to stderr between capture_start and capture_end. */
struct capture {
	int saved;
	int rd;
};

static void capture_start(struct capture *cap);
static char *capture_end(struct capture *cap);
static char *read_all(int fd);
static void assert_matches(const char *text, const char *pattern);

static void capture_start(struct capture *cap)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	fflush(stderr);
	cap->saved = dup(STDERR_FILENO);
	ck_assert_int_ge(cap->saved, 0);
	ck_assert_int_ge(dup2(fds[1], STDERR_FILENO), 0);
	close(fds[1]);
	cap->rd = fds[0];
}

/* Restore stderr, then read to EOF (the pipe's only writer is gone). Caller frees. */
static char *capture_end(struct capture *cap)
{
	ck_assert_int_ge(dup2(cap->saved, STDERR_FILENO), 0);
	close(cap->saved);
	char *text = read_all(cap->rd);
	close(cap->rd);
	return text;
}

static char *read_all(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static void assert_matches(const char *text, const char *pattern)
{
	regex_t re;
	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	int rc = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	ck_assert_msg(rc == 0, "'%s' does not match /%s/", text, pattern);
}

START_TEST(test_format)
{
	struct capture cap;
	log_init(LOG_LEVEL_INFO);
	time_t before = time(NULL);
	capture_start(&cap);
	log_info("event=hello n=%d who=%s", 3, log_quote("ann"));
	char *out = capture_end(&cap);
	assert_matches(out, "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
			    "level=info event=hello n=3 who=\"ann\"\n$");

	/* The timestamp is now, in UTC. */
	struct tm tm = {0};
	ck_assert_ptr_nonnull(strptime(out, "ts=%Y-%m-%dT%H:%M:%S", &tm));
	time_t ts = timegm(&tm);
	ck_assert_int_ge(ts, before - 1);
	ck_assert_int_le(ts, time(NULL) + 1);
	free(out);
}
END_TEST

START_TEST(test_levels)
{
	struct capture cap;
	log_init(LOG_LEVEL_WARN);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_WARN);
	capture_start(&cap);
	log_debug("event=d");
	log_info("event=i");
	log_warnx("event=w");
	char *out = capture_end(&cap);
	assert_matches(out, "^ts=[^ ]+ level=warn event=w\n$");
	free(out);

	log_set_level(LOG_LEVEL_DEBUG);
	capture_start(&cap);
	log_debug("event=d");
	log_info("event=i");
	out = capture_end(&cap);
	assert_matches(out, "^ts=[^ ]+ level=debug event=d\nts=[^ ]+ level=info event=i\n$");
	free(out);

	log_set_level(LOG_LEVEL_ERROR);
	capture_start(&cap);
	log_warnx("event=w");
	log_warn("event=w2");
	out = capture_end(&cap);
	ck_assert_str_eq(out, "");
	free(out);
	log_set_level(LOG_LEVEL_INFO);
}
END_TEST

START_TEST(test_level_names)
{
	enum log_level l;
	static const char *const names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++) {
		ck_assert(log_level_parse(names[i], &l));
		ck_assert_int_eq(l, i);
		ck_assert_str_eq(log_level_name(l), names[i]);
	}
	ck_assert(!log_level_parse("warning", &l));
	ck_assert(!log_level_parse("INFO", &l));
	ck_assert(!log_level_parse("", &l));
}
END_TEST

START_TEST(test_warn_errno)
{
	struct capture cap;
	log_init(LOG_LEVEL_INFO);
	capture_start(&cap);
	errno = ENOENT;
	log_warn("event=open_failed path=%s", log_quote("/x"));
	/* Logging does not clobber errno for the caller. */
	ck_assert_int_eq(errno, ENOENT);
	log_warnx("event=plain");
	char *out = capture_end(&cap);
	assert_matches(out, "^ts=[^ ]+ level=warn event=open_failed path=\"/x\" "
			    "err=\"No such file or directory\"\n"
			    "ts=[^ ]+ level=warn event=plain\n$");
	free(out);
}
END_TEST

START_TEST(test_quote)
{
	ck_assert_str_eq(log_quote("plain"), "\"plain\"");
	ck_assert_str_eq(log_quote(""), "\"\"");
	ck_assert_str_eq(log_quote("a\"b\\c\nd\te\x01"
				   "f\x7f"),
			 "\"a\\\"b\\\\c\\nd\\te\\x01f\\x7f\"");
	ck_assert_str_eq(log_quote("x\ry"), "\"x\\x0dy\"");
	/* Valid UTF-8 stays readable; a bad byte is escaped. */
	ck_assert_str_eq(log_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	ck_assert_str_eq(log_quote("a\xff"
				   "b\xc3"),
			 "\"a\\xffb\\xc3\"");
	/* Forging another key or line is impossible. */
	ck_assert_str_eq(log_quote("x\" level=error\nts=1"), "\"x\\\" level=error\\nts=1\"");

	/* Several results are usable in one call. */
	char buf[64];
	snprintf(buf, sizeof buf, "%s %s %s", log_quote("a"), log_quote("b"), log_quote("c"));
	ck_assert_str_eq(buf, "\"a\" \"b\" \"c\"");
}
END_TEST

START_TEST(test_quote_bounded)
{
	char *big = malloc(100000);
	ck_assert_ptr_nonnull(big);
	memset(big, '\n', 99999);
	big[99999] = '\0';
	const char *q = log_quote(big);
	size_t len = strlen(q);
	ck_assert_uint_le(len, 4096);
	ck_assert_uint_gt(len, 100);
	ck_assert_str_eq(q + len - 4, "...\"");
	ck_assert_int_eq(q[0], '"');
	free(big);
}
END_TEST

START_TEST(test_one_line_per_event)
{
	struct capture cap;
	log_init(LOG_LEVEL_INFO);
	char *big = malloc(20000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'y', 19999);
	big[19999] = '\0';
	capture_start(&cap);
	log_info("event=raw a\nb\rc");
	errno = EACCES;
	log_warn("event=long v=%s", big);
	char *out = capture_end(&cap);
	/* A raw newline in the text does not start a second line. */
	char *second = strchr(out, '\n') + 1;
	*(second - 1) = '\0';
	assert_matches(out, "level=info event=raw a b c$");
	/* A long line is cut, but stays one line and keeps its err. */
	ck_assert_uint_le(strlen(second), 4096);
	assert_matches(second, "^ts=[^ ]+ level=warn event=long v=y+ err=\"Permission denied\"\n$");
	free(out);
	free(big);
}
END_TEST

/* Parent and child log at once into one pipe: every line must arrive whole. */
START_TEST(test_no_interleaving)
{
	struct capture cap;
	log_init(LOG_LEVEL_INFO);
	capture_start(&cap);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	const char *who = pid == 0 ? "child" : "parent";
	for (int i = 0; i < 200; i++)
		log_info("event=race who=%s i=%d pad=%s", who, i,
			 "0123456789012345678901234567890123456789012345678901234567890123456789");
	if (pid == 0)
		_exit(0);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	char *out = capture_end(&cap);
	int lines = 0;
	for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		assert_matches(line, "^ts=[^ ]+ level=info event=race who=(child|parent) i=[0-9]+ "
				     "pad=0123456789[0-9]{60}$");
		lines++;
	}
	ck_assert_int_eq(lines, 400);
	free(out);
}
END_TEST

/* fatal and fatalx log at error, fatal with errno, and exit 1. */
START_TEST(test_fatal)
{
	for (int with_errno = 0; with_errno < 2; with_errno++) {
		struct capture cap;
		log_init(LOG_LEVEL_ERROR);
		capture_start(&cap);
		/* exit() in the child flushes stdio: leave nothing to print twice. */
		fflush(NULL);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			errno = EPERM;
			if (with_errno)
				fatal("event=boom code=%d", 7);
			fatalx("event=boomx");
		}
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		char *out = capture_end(&cap);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 1);
		if (with_errno)
			assert_matches(out, "^ts=[^ ]+ level=error event=boom code=7 "
					    "err=\"Operation not permitted\"\n$");
		else
			assert_matches(out, "^ts=[^ ]+ level=error event=boomx\n$");
		free(out);
	}
	log_set_level(LOG_LEVEL_INFO);
}
END_TEST

Suite *make_log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_level_names);
	tcase_add_test(tc, test_warn_errno);
	tcase_add_test(tc, test_quote);
	tcase_add_test(tc, test_quote_bounded);
	tcase_add_test(tc, test_one_line_per_event);
	tcase_add_test(tc, test_no_interleaving);
	tcase_add_test(tc, test_fatal);
	suite_add_tcase(s, tc);
	return s;
}
