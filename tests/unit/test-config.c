/* test-config.c — suivid.conf: defaults, a full file, accepted values, quoting, list
 * normalisation, loading files, command splitting, restart detection and the example config.
 * Every refusal with its file:line message is in test-config-errors.c. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config-value.h"
#include "core/config.h"
#include "suites.h"
#include "test-config.h"

static void assert_argv(const char *command, const char *const *expected);

/* Parse text as "suivid.conf"; the test fails with the cause if it does not parse. */
struct config *test_config_parse_ok(const char *text)
{
	struct config *c = NULL;
	char *cause = NULL;
	int rc = config_parse("suivid.conf", text, &c, &cause);
	ck_assert_msg(rc == 0, "refused: %s\n--- text ---\n%s", cause ? cause : "(no cause)", text);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(cause);
	return c;
}

/* Parse text as "suivid.conf" and expect exactly this message. */
void test_config_parse_err(const char *text, const char *expected)
{
	struct config *c = (struct config *)1;
	char *cause = NULL;
	int rc = config_parse("suivid.conf", text, &c, &cause);
	ck_assert_msg(rc == -1, "accepted:\n%s", text);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, expected);
	free(cause);
}

/* A file under /tmp holding exactly len bytes of data. Caller unlinks and frees. */
char *test_config_write_temp(const char *data, size_t len)
{
	char *path = xstrdup("/tmp/suivi-test-config-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
	return path;
}

static void assert_argv(const char *command, const char *const *expected)
{
	char **argv = NULL;
	char *cause = NULL;
	ck_assert_msg(config_split_command(command, &argv, &cause) == 0, "refused %s: %s", command,
		      cause);
	ck_assert_ptr_null(cause);
	size_t i = 0;
	for (; expected[i] != NULL; i++) {
		ck_assert_ptr_nonnull(argv[i]);
		ck_assert_str_eq(argv[i], expected[i]);
	}
	ck_assert_ptr_null(argv[i]);
	config_free_argv(argv);
}

START_TEST(test_defaults)
{
	struct config *c = config_defaults();
	ck_assert_ptr_null(c->path);
	ck_assert_str_eq(c->listen, "127.0.0.1:8470");
	ck_assert_ptr_null(c->unix_socket);
	ck_assert_uint_eq(c->max_body, 1048576);
	ck_assert_int_eq(c->request_timeout, 5);
	ck_assert_int_eq(c->idle_timeout, 30);
	ck_assert_int_eq(c->max_connections, 1024);
	ck_assert_ptr_null(c->url);
	ck_assert_int_eq(c->pool, 16);
	ck_assert_int_eq(c->queue, 256);
	ck_assert_str_eq(c->data_dir, SUIVI_LOCALSTATEDIR "/lib/suivi");
	ck_assert_str_eq(c->timezone, "Europe/Brussels");
	ck_assert_str_eq(c->overdue_report, "mon 08:00");
	ck_assert_str_eq(c->report_to, "");
	ck_assert_int_eq(c->n_remind_before, 2);
	ck_assert_int_eq(c->remind_before[0], 14);
	ck_assert_int_eq(c->remind_before[1], 3);
	ck_assert_int_eq(c->remind_overdue_every, 7);
	ck_assert_str_eq(c->reminders, "daily 07:00");
	ck_assert_str_eq(c->mail_from, "suivi@localhost");
	ck_assert_str_eq(c->hook_command, "/usr/sbin/sendmail -t -oi");
	ck_assert_int_eq(c->hook_format, HOOK_FORMAT_MAIL);
	ck_assert_int_eq(c->hook_timeout, 30);
	ck_assert_int_eq(c->hook_max_attempts, 6);
	ck_assert_int_eq(c->hook_max_running, 4);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_INFO);
	config_free(c);

	/* An empty file means the defaults, remembered with its name. */
	c = test_config_parse_ok("");
	ck_assert_str_eq(c->path, "suivid.conf");
	ck_assert_str_eq(c->listen, "127.0.0.1:8470");
	ck_assert_int_eq(c->pool, 16);
	config_free(c);
}
END_TEST

START_TEST(test_full_file)
{
	struct config *c =
	    test_config_parse_ok("\xEF\xBB\xBF# suivid.conf written by hand\n"
				 "; another comment style\n"
				 "\n"
				 "  [ server ]  \n"
				 "listen = [::1]:9000\n"
				 "unix_socket = /run/suivi/suivid.sock\n"
				 "\tmax_body\t=\t2M \n"
				 "request_timeout=10\n"
				 "idle_timeout = 3600\r\n"
				 "max_connections = 65535\n"
				 "[database]\n"
				 "url = postgresql://suivi@db.example.org/suivi?sslmode=require\n"
				 "pool = 64\n"
				 "queue = 100000\n"
				 "data_dir = /srv/suivi\n"
				 "[schedule]\n"
				 "timezone = America/New_York\n"
				 "overdue_report = Tuesday 09:05\n"
				 "report_to = secretariat@example.org\n"
				 "remind_before = 30, 7,1\n"
				 "remind_overdue_every = 0\n"
				 "reminders = monthly 1 06:30\n"
				 "[mail]\n"
				 "from = \"suivi@example.org\"\n"
				 "[hook]\n"
				 "command = /usr/bin/msmtp --read-envelope-from -t\n"
				 "format = json\n"
				 "timeout = 1\n"
				 "max_attempts = 100\n"
				 "max_running = 64\n"
				 "[log]\n"
				 "level = debug"); /* no final newline */
	ck_assert_str_eq(c->listen, "[::1]:9000");
	ck_assert_str_eq(c->unix_socket, "/run/suivi/suivid.sock");
	ck_assert_uint_eq(c->max_body, 2 * 1024 * 1024);
	ck_assert_int_eq(c->request_timeout, 10);
	ck_assert_int_eq(c->idle_timeout, 3600);
	ck_assert_int_eq(c->max_connections, 65535);
	ck_assert_str_eq(c->url, "postgresql://suivi@db.example.org/suivi?sslmode=require");
	ck_assert_int_eq(c->pool, 64);
	ck_assert_int_eq(c->queue, 100000);
	ck_assert_str_eq(c->data_dir, "/srv/suivi");
	ck_assert_str_eq(c->timezone, "America/New_York");
	/* Schedules are stored in canonical form. */
	ck_assert_str_eq(c->overdue_report, "tue 09:05");
	ck_assert_str_eq(c->report_to, "secretariat@example.org");
	ck_assert_int_eq(c->n_remind_before, 3);
	ck_assert_int_eq(c->remind_before[0], 30);
	ck_assert_int_eq(c->remind_before[1], 7);
	ck_assert_int_eq(c->remind_before[2], 1);
	ck_assert_int_eq(c->remind_overdue_every, 0);
	ck_assert_str_eq(c->reminders, "monthly 1 06:30");
	ck_assert_str_eq(c->mail_from, "suivi@example.org");
	ck_assert_str_eq(c->hook_command, "/usr/bin/msmtp --read-envelope-from -t");
	ck_assert_int_eq(c->hook_format, HOOK_FORMAT_JSON);
	ck_assert_int_eq(c->hook_timeout, 1);
	ck_assert_int_eq(c->hook_max_attempts, 100);
	ck_assert_int_eq(c->hook_max_running, 64);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_DEBUG);
	config_free(c);
}
END_TEST

START_TEST(test_values_accepted)
{
	struct config *c = test_config_parse_ok("[server]\nlisten = 0.0.0.0:1\nmax_body = 1k\n"
						"[log]\nlevel = error\n");
	ck_assert_str_eq(c->listen, "0.0.0.0:1");
	ck_assert_uint_eq(c->max_body, 1024);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_ERROR);
	config_free(c);

	c = test_config_parse_ok("[server]\nlisten = 127.0.0.1:65535\nmax_body = 64M\n[log]\n"
				 "level = warn\n");
	ck_assert_uint_eq(c->max_body, 64 * 1024 * 1024);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_WARN);
	config_free(c);

	c = test_config_parse_ok("[server]\nmax_body = 1024\n[hook]\nformat = mail\n");
	ck_assert_uint_eq(c->max_body, 1024);
	ck_assert_int_eq(c->hook_format, HOOK_FORMAT_MAIL);
	config_free(c);

	/* The longest allowed Unix socket path. */
	char text[256];
	char path[108];
	memset(path, 'a', 107);
	path[0] = '/';
	path[107] = '\0';
	snprintf(text, sizeof text, "[server]\nunix_socket = %s\n", path);
	c = test_config_parse_ok(text);
	ck_assert_str_eq(c->unix_socket, path);
	config_free(c);

	/* A line of exactly 4096 bytes is fine. */
	char *line = xmalloc(4096 + 3);
	memset(line, 'x', 4096);
	line[0] = '#';
	line[4096] = '\n';
	line[4097] = '\0';
	c = test_config_parse_ok(line);
	config_free(c);
	/* Also with a CRLF ending: the CR does not count. */
	line[4096] = '\r';
	line[4097] = '\n';
	line[4098] = '\0';
	c = test_config_parse_ok(line);
	config_free(c);
	free(line);
}
END_TEST

START_TEST(test_quoted_values)
{
	struct config *c = test_config_parse_ok("[database]\n"
						"url = \"  host=/tmp dbname=suivi  \"\n"
						"[schedule]\n"
						"overdue_report = \"\"\n"
						"report_to = \"\"\n"
						"remind_before = \"\"\n"
						"reminders = \"\"\n"
						"[hook]\n"
						"command = \"/opt/my hook/run\" -v 'a b'\n");
	/* Quotes keep blanks at both ends. */
	ck_assert_str_eq(c->url, "  host=/tmp dbname=suivi  ");
	/* An explicit empty string: no overdue report, no advance reminders, and — one rule
	 * for both schedules — no reminder run. */
	ck_assert_str_eq(c->overdue_report, "");
	ck_assert_str_eq(c->reminders, "");
	ck_assert_str_eq(c->report_to, "");
	ck_assert_int_eq(c->n_remind_before, 0);
	/* Quotes inside a command belong to the command. */
	ck_assert_str_eq(c->hook_command, "\"/opt/my hook/run\" -v 'a b'");
	config_free(c);

	/* A value that only starts and ends with a quote is not one quoted value. */
	c = test_config_parse_ok("[hook]\ncommand = \"/opt/my hook/run\" -v \"a b\"\n");
	ck_assert_str_eq(c->hook_command, "\"/opt/my hook/run\" -v \"a b\"");
	config_free(c);

	/* An empty url means unset: the embedded database. */
	c = test_config_parse_ok("[database]\nurl = \"\"\n");
	ck_assert_ptr_null(c->url);
	config_free(c);
	c = test_config_parse_ok("[database]\nurl =\n");
	ck_assert_ptr_null(c->url);
	config_free(c);

	/* No TCP listener, but a Unix socket. */
	c = test_config_parse_ok("[server]\nlisten = \"\"\nunix_socket = /run/suivid.sock\n");
	ck_assert_str_eq(c->listen, "");
	ck_assert_str_eq(c->unix_socket, "/run/suivid.sock");
	config_free(c);

	/* [mail] from and reply_to take a display name, bare or quoted whole; the text is kept
	 * as written and split where the mail is made. */
	c = test_config_parse_ok("[mail]\n"
				 "from = Secr\xc3\xa9tariat du dialogue <suivi@example.org>\n"
				 "reply_to = \"Desk, \\\"Office\\\" \\\\ A\" <desk@example.org>\n");
	ck_assert_str_eq(c->mail_from, "Secr\xc3\xa9tariat du dialogue <suivi@example.org>");
	char *name, *addr, *why = NULL;
	ck_assert_int_eq(config_value_mailbox(c->mail_from, 254, &name, &addr, &why), 0);
	ck_assert_str_eq(name, "Secr\xc3\xa9tariat du dialogue");
	ck_assert_str_eq(addr, "suivi@example.org");
	free(name);
	free(addr);
	ck_assert_int_eq(config_value_mailbox(c->mail_reply_to, 254, &name, &addr, &why), 0);
	ck_assert_str_eq(name, "Desk, \"Office\" \\ A");
	ck_assert_str_eq(addr, "desk@example.org");
	free(name);
	free(addr);
	config_free(c);
	/* A bare address has no name; reply_to is unset by default. */
	c = test_config_parse_ok("[mail]\nfrom = <suivi@example.org>\n");
	ck_assert_int_eq(config_value_mailbox(c->mail_from, 254, &name, &addr, &why), 0);
	ck_assert_str_eq(name, "");
	ck_assert_str_eq(addr, "suivi@example.org");
	ck_assert_str_eq(c->mail_reply_to, "");
	free(name);
	free(addr);
	config_free(c);

	/* A lone quote is not a wrapped value. */
	test_config_parse_err(
	    "[mail]\nfrom = \"\n",
	    "suivid.conf:2: [mail] from: bad address '\"': '\"' is not allowed (write a bare "
	    "address, local@domain)");
}
END_TEST

START_TEST(test_remind_before)
{
	struct config *c = test_config_parse_ok("[schedule]\nremind_before = 3, 14,3 ,30,14\n");
	ck_assert_int_eq(c->n_remind_before, 3);
	ck_assert_int_eq(c->remind_before[0], 30);
	ck_assert_int_eq(c->remind_before[1], 14);
	ck_assert_int_eq(c->remind_before[2], 3);
	ck_assert_int_eq(c->remind_before[3], 0);
	config_free(c);

	c = test_config_parse_ok("[schedule]\nremind_before = 1,2,3,4,5,6,7,365,7,1\n");
	ck_assert_int_eq(c->n_remind_before, CONFIG_MAX_REMIND_BEFORE);
	static const int want[] = {365, 7, 6, 5, 4, 3, 2, 1};
	for (int i = 0; i < CONFIG_MAX_REMIND_BEFORE; i++)
		ck_assert_int_eq(c->remind_before[i], want[i]);
	config_free(c);

	c = test_config_parse_ok("[schedule]\nremind_before = 5\n");
	ck_assert_int_eq(c->n_remind_before, 1);
	ck_assert_int_eq(c->remind_before[0], 5);
	config_free(c);

	test_config_parse_err(
	    "[schedule]\nremind_before = 1,2,3,4,5,6,7,8,9\n",
	    "suivid.conf:2: [schedule] remind_before: bad list '1,2,3,4,5,6,7,8,9': more than 8 "
	    "different days");
	test_config_parse_err(
	    "[schedule]\nremind_before = 14,0\n",
	    "suivid.conf:2: [schedule] remind_before: bad list '14,0': '0' is not a number of "
	    "days from 1 to 365");
	test_config_parse_err(
	    "[schedule]\nremind_before = 366\n",
	    "suivid.conf:2: [schedule] remind_before: bad list '366': '366' is not a number of "
	    "days from 1 to 365");
	test_config_parse_err(
	    "[schedule]\nremind_before = 14;3\n",
	    "suivid.conf:2: [schedule] remind_before: bad list '14;3': '14;3' is not a number of "
	    "days from 1 to 365");
	test_config_parse_err(
	    "[schedule]\nremind_before = -3\n",
	    "suivid.conf:2: [schedule] remind_before: bad list '-3': '-3' is not a number of "
	    "days from 1 to 365");
	test_config_parse_err(
	    "[schedule]\nremind_before = 14,,3\n",
	    "suivid.conf:2: [schedule] remind_before: bad list '14,,3': empty item");
}
END_TEST

START_TEST(test_load)
{
	static const char good[] = "[database]\npool = 9\n";
	char *path = test_config_write_temp(good, sizeof good - 1);
	struct config *c = NULL;
	char *cause = NULL;
	ck_assert_int_eq(config_load(path, &c, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(c->pool, 9);
	ck_assert_str_eq(c->path, path);
	config_free(c);
	unlink(path);

	/* Errors name the path as given. */
	static const char bad[] = "[database]\n\npool = 99\n";
	free(path);
	path = test_config_write_temp(bad, sizeof bad - 1);
	ck_assert_int_eq(config_load(path, &c, &cause), -1);
	char *want = xasprintf("%s:3: [database] pool: 99 is out of range 1..64", path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	ck_assert_int_eq(config_load("/nonexistent/suivid.conf", &c, &cause), -1);
	ck_assert_str_eq(cause, "/nonexistent/suivid.conf: cannot read file: No such file or "
				"directory");
	free(cause);
	cause = NULL;

	ck_assert_int_eq(config_load("/tmp", &c, &cause), -1);
	ck_assert_str_eq(cause, "/tmp: cannot read file: Is a directory");
	free(cause);
	cause = NULL;

	/* 1 MiB is the limit: exactly that much is read, one byte more is refused. */
	size_t big = 1024 * 1024;
	char *data = xmalloc(big + 1);
	memset(data, '#', big + 1);
	for (size_t i = 1000; i < big + 1; i += 1000)
		data[i] = '\n';
	path = test_config_write_temp(data, big);
	ck_assert_int_eq(config_load(path, &c, &cause), 0);
	config_free(c);
	unlink(path);
	free(path);
	path = test_config_write_temp(data, big + 1);
	ck_assert_int_eq(config_load(path, &c, &cause), -1);
	want = xasprintf("%s: file larger than 1048576 bytes", path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	unlink(path);
	free(path);
	free(data);
}
END_TEST

START_TEST(test_split_command)
{
	assert_argv("/usr/sbin/sendmail -t -oi",
		    (const char *const[]){"/usr/sbin/sendmail", "-t", "-oi", NULL});
	assert_argv("  /bin/x \t a\tb  ", (const char *const[]){"/bin/x", "a", "b", NULL});
	assert_argv("/bin/x 'a b' \"c d\"", (const char *const[]){"/bin/x", "a b", "c d", NULL});
	/* In double quotes \" and \\ are escapes; other backslashes stay. */
	assert_argv("/bin/x \"say \\\"hi\\\" \\\\ \\n\"",
		    (const char *const[]){"/bin/x", "say \"hi\" \\ \\n", NULL});
	/* In single quotes nothing is special. */
	assert_argv("/bin/x 'a\\b \"c'", (const char *const[]){"/bin/x", "a\\b \"c", NULL});
	/* Quoted and bare parts join into one word; empty quotes make an empty word. */
	assert_argv("/bin/x a'b c'\"d\"e '' \"\"",
		    (const char *const[]){"/bin/x", "ab cde", "", "", NULL});
	assert_argv("\"/opt/my hook/run\" --to=\"a b\"",
		    (const char *const[]){"/opt/my hook/run", "--to=a b", NULL});
	assert_argv("", (const char *const[]){NULL});
	assert_argv("   ", (const char *const[]){NULL});
	/* Many words grow the vector. */
	assert_argv(
	    "/bin/x 1 2 3 4 5 6 7 8 9",
	    (const char *const[]){"/bin/x", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL});

	static const char *const unbalanced[][2] = {
	    {"/bin/x 'abc", "unbalanced single quote"},
	    {"/bin/x \"abc", "unbalanced double quote"},
	    {"/bin/x \"abc\\\"", "unbalanced double quote"},
	    {"/bin/x a b c \"", "unbalanced double quote"},
	};
	for (size_t i = 0; i < ARRAY_LEN(unbalanced); i++) {
		char **argv = (char **)1;
		char *cause = NULL;
		ck_assert_int_eq(config_split_command(unbalanced[i][0], &argv, &cause), -1);
		ck_assert_ptr_null(argv);
		ck_assert_str_eq(cause, unbalanced[i][1]);
		free(cause);
	}
	config_free_argv(NULL);
}
END_TEST

START_TEST(test_restart_keys)
{
	struct config *a = test_config_parse_ok("");
	struct config *b = test_config_parse_ok("");
	ck_assert_ptr_null(config_restart_keys(a, b));
	config_free(b);

	/* Everything reloadable changes: still no restart. */
	b = test_config_parse_ok(
	    "[server]\nmax_body = 2M\nrequest_timeout = 9\nidle_timeout = 9\n"
	    "[database]\nqueue = 9\n"
	    "[schedule]\ntimezone = UTC\noverdue_report = tue 08:00\n"
	    "report_to = a@b.org\nremind_before = 1\nremind_overdue_every = 1\n"
	    "reminders = daily 06:00\n"
	    "[mail]\nfrom = x@y.org\n"
	    "[hook]\ncommand = /bin/true\nformat = json\ntimeout = 9\nmax_attempts = 9\n"
	    "max_running = 9\n[log]\nlevel = debug\n");
	ck_assert_ptr_null(config_restart_keys(a, b));
	config_free(b);

	b = test_config_parse_ok("[server]\nlisten = 127.0.0.1:9999\n[database]\npool = 5\n"
				 "[log]\nlevel = warn\n");
	char *keys = config_restart_keys(a, b);
	ck_assert_str_eq(keys, "listen,pool");
	free(keys);
	config_free(b);

	/* Unset and set differ, in both directions. */
	b = test_config_parse_ok("[server]\nunix_socket = /run/s.sock\nmax_connections = 10\n"
				 "[database]\nurl = dbname=suivi\ndata_dir = /srv/suivi\n");
	keys = config_restart_keys(a, b);
	ck_assert_str_eq(keys, "unix_socket,max_connections,url,data_dir");
	free(keys);
	keys = config_restart_keys(b, a);
	ck_assert_str_eq(keys, "unix_socket,max_connections,url,data_dir");
	free(keys);
	config_free(b);
	config_free(a);
}
END_TEST

/* contrib/suivid.conf is installed as the live configuration: it must load as the defaults,
 * and every example value it shows must be valid once uncommented. */
START_TEST(test_example_config)
{
	const char *src = getenv("SUIVI_SRCDIR");
	ck_assert_msg(
	    src != NULL && *src != '\0',
	    "SUIVI_SRCDIR is not set: run through make check, or set it to the source tree "
	    "(the test reads $SUIVI_SRCDIR/contrib/suivid.conf)");
	char *path = xasprintf("%s/contrib/suivid.conf", src);
	struct config *c = NULL, *d = config_defaults();
	char *cause = NULL;
	ck_assert_msg(config_load(path, &c, &cause) == 0, "%s", cause);
	ck_assert_ptr_null(config_restart_keys(c, d));
	ck_assert_str_eq(c->listen, d->listen);
	ck_assert_str_eq(c->overdue_report, d->overdue_report);
	ck_assert_int_eq(c->n_remind_before, d->n_remind_before);
	ck_assert_int_eq(c->hook_max_running, d->hook_max_running);
	config_free(c);

	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char *text = xstrdup(""), *line = NULL;
	size_t cap = 0;
	int uncommented = 0;
	while (getline(&line, &cap, f) > 0) {
		const char *p = line;
		size_t k = 1;
		while (line[0] == '#' && ((line[k] >= 'a' && line[k] <= 'z') || line[k] == '_'))
			k++;
		if (k > 1 && strncmp(line + k, " =", 2) == 0) {
			p = line + 1;
			uncommented++;
		}
		char *next = xasprintf("%s%s", text, p);
		free(text);
		text = next;
	}
	free(line);
	fclose(f);
	ck_assert_int_eq(uncommented, 37);
	c = test_config_parse_ok(text);
	ck_assert_str_eq(c->unix_socket, "/run/suivi/suivid.sock");
	ck_assert_ptr_null(c->url);
	config_free(c);
	free(text);
	config_free(d);
	free(path);
}
END_TEST

Suite *make_config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full_file);
	tcase_add_test(tc, test_values_accepted);
	tcase_add_test(tc, test_quoted_values);
	tcase_add_test(tc, test_remind_before);
	test_config_add_errors(tc); /* test-config-errors.c */
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_split_command);
	tcase_add_test(tc, test_restart_keys);
	tcase_add_test(tc, test_example_config);
	suite_add_tcase(s, tc);
	return s;
}
