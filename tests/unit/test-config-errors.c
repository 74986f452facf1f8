/* test-config-errors.c — part of the config suite (test-config.c adds it): every refusal of
 * suivid.conf with its exact file:line message — syntax, bytes, numbers, enums, paths,
 * listen addresses, emails, schedules, commands and the checks across keys. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config-value.h"
#include "core/config.h"
#include "core/schedule.h"
#include "suites.h"
#include "test-config.h"

START_TEST(test_syntax_errors)
{
	test_config_parse_err("[serv]\n",
			      "suivid.conf:1: unknown section [serv] (expected server, database, "
			      "schedule, mail, hook or log)");
	test_config_parse_err("\n\n[server\n", "suivid.conf:3: a section header is written [name]");
	test_config_parse_err("[server] # comment\n",
			      "suivid.conf:1: a section header is written [name]");
	test_config_parse_err("# no section yet\nlisten = 127.0.0.1:1\n",
			      "suivid.conf:2: key 'listen' outside a section");
	test_config_parse_err("[server]\nlisen = 127.0.0.1:1\n",
			      "suivid.conf:2: unknown key 'lisen' in [server]");
	/* Keys belong to their own section. */
	test_config_parse_err("[database]\nlisten = 127.0.0.1:1\n",
			      "suivid.conf:2: unknown key 'listen' in [database]");
	/* Key names are case-sensitive. */
	test_config_parse_err("[server]\nListen = 127.0.0.1:1\n",
			      "suivid.conf:2: unknown key 'Listen' in [server]");
	test_config_parse_err(
	    "[database]\npool = 2\n[server]\n[database]\npool = 3\n",
	    "suivid.conf:5: duplicate key 'pool' in [database] (first set on line 2)");
	test_config_parse_err("[server]\nlisten 127.0.0.1:1\n",
			      "suivid.conf:2: missing '=' (expected key = value)");
	test_config_parse_err("[server]\n = 5\n", "suivid.conf:2: missing key before '='");
}
END_TEST

START_TEST(test_byte_errors)
{
	test_config_parse_err("[server]\n# caf\xe9\n", "suivid.conf:2: invalid UTF-8");
	test_config_parse_err("[mail]\nfrom = \xed\xa0\x80@x\n", "suivid.conf:2: invalid UTF-8");
	test_config_parse_err("[database]\nurl = a\x01z\n",
			      "suivid.conf:2: [database] url: control character in value");
	test_config_parse_err("[database]\nurl = a\x7fz\n",
			      "suivid.conf:2: [database] url: control character in value");
	test_config_parse_err("[database]\nurl = a\rz\n",
			      "suivid.conf:2: [database] url: control character in value");
	/* A tab inside a value is kept. */
	struct config *tabbed = test_config_parse_ok("[database]\nurl = host=/tmp\tdbname=x\n");
	ck_assert_str_eq(tabbed->url, "host=/tmp\tdbname=x");
	config_free(tabbed);

	char *text = xmalloc(4200);
	strcpy(text, "[server]\n#");
	memset(text + 10, 'x', 4096);
	strcpy(text + 4106, "\n");
	test_config_parse_err(text, "suivid.conf:2: line longer than 4096 bytes");
	free(text);

	/* A NUL byte can only come from a file. */
	static const char nul[] = "[server]\nlisten = 127.0.0.1:1\n# a\0b\n";
	char *path = test_config_write_temp(nul, sizeof nul - 1);
	struct config *c = (struct config *)1;
	char *cause = NULL;
	ck_assert_int_eq(config_load(path, &c, &cause), -1);
	ck_assert_ptr_null(c);
	char *want = xasprintf("%s:3: NUL byte in line", path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_number_errors)
{
	test_config_parse_err("[database]\npool = four\n",
			      "suivid.conf:2: [database] pool: 'four' is not a number");
	test_config_parse_err("[database]\npool = 4x\n",
			      "suivid.conf:2: [database] pool: '4x' is not a number");
	test_config_parse_err("[database]\npool = 0\n",
			      "suivid.conf:2: [database] pool: 0 is out of range 1..64");
	test_config_parse_err("[database]\npool = 65\n",
			      "suivid.conf:2: [database] pool: 65 is out of range 1..64");
	test_config_parse_err("[database]\npool = -1\n",
			      "suivid.conf:2: [database] pool: -1 is out of range 1..64");
	test_config_parse_err(
	    "[database]\npool = 99999999999999999999\n",
	    "suivid.conf:2: [database] pool: 99999999999999999999 is out of range");
	test_config_parse_err("[database]\npool =\n",
			      "suivid.conf:2: [database] pool: value must not be empty");
	test_config_parse_err(
	    "[server]\nrequest_timeout = 301\n",
	    "suivid.conf:2: [server] request_timeout: 301 is out of range 1..300");
	test_config_parse_err("[server]\nidle_timeout = 0\n",
			      "suivid.conf:2: [server] idle_timeout: 0 is out of range 1..3600");
	test_config_parse_err(
	    "[server]\nmax_connections = 65536\n",
	    "suivid.conf:2: [server] max_connections: 65536 is out of range 1..65535");
	test_config_parse_err("[database]\nqueue = 100001\n",
			      "suivid.conf:2: [database] queue: 100001 is out of range 1..100000");
	test_config_parse_err(
	    "[schedule]\nremind_overdue_every = 366\n",
	    "suivid.conf:2: [schedule] remind_overdue_every: 366 is out of range 0..365");
	/* Reminders: escalation and stale days are days, not negative, not centuries. */
	test_config_parse_err(
	    "[schedule]\nescalate_after = -1\n",
	    "suivid.conf:2: [schedule] escalate_after: -1 is out of range 0..3650");
	test_config_parse_err(
	    "[schedule]\nescalate_after = 100000\n",
	    "suivid.conf:2: [schedule] escalate_after: 100000 is out of range 0..3650");
	test_config_parse_err(
	    "[schedule]\nstale_after = 3651\n",
	    "suivid.conf:2: [schedule] stale_after: 3651 is out of range 0..3650");
	test_config_parse_err("[hook]\ntimeout = 0\n",
			      "suivid.conf:2: [hook] timeout: 0 is out of range 1..3600");
	test_config_parse_err("[hook]\nmax_attempts = 101\n",
			      "suivid.conf:2: [hook] max_attempts: 101 is out of range 1..100");
	test_config_parse_err("[hook]\nmax_running = 65\n",
			      "suivid.conf:2: [hook] max_running: 65 is out of range 1..64");
	test_config_parse_err(
	    "[server]\nmax_body = 1023\n",
	    "suivid.conf:2: [server] max_body: 1023 is out of range 1024..67108864 bytes");
	test_config_parse_err(
	    "[server]\nmax_body = 65M\n",
	    "suivid.conf:2: [server] max_body: 65M is out of range 1024..67108864 bytes");
	test_config_parse_err(
	    "[server]\nmax_body = 1G\n",
	    "suivid.conf:2: [server] max_body: 1G is out of range 1024..67108864 bytes");
	test_config_parse_err(
	    "[server]\nmax_body = 2kb\n",
	    "suivid.conf:2: [server] max_body: '2kb' is not a size in bytes (a number, optionally "
	    "with k, M or G)");
	test_config_parse_err(
	    "[server]\nmax_body = M\n",
	    "suivid.conf:2: [server] max_body: 'M' is not a size in bytes (a number, optionally "
	    "with k, M or G)");
	test_config_parse_err(
	    "[server]\nmax_body = 99999999999999999999G\n",
	    "suivid.conf:2: [server] max_body: 99999999999999999999G is out of range");
}
END_TEST

START_TEST(test_enum_errors)
{
	test_config_parse_err("[hook]\nformat = xml\n",
			      "suivid.conf:2: [hook] format: 'xml' is not one of mail, json");
	test_config_parse_err(
	    "[log]\nlevel = verbose\n",
	    "suivid.conf:2: [log] level: 'verbose' is not one of debug, info, warn, error");
	test_config_parse_err(
	    "[log]\nlevel = INFO\n",
	    "suivid.conf:2: [log] level: 'INFO' is not one of debug, info, warn, error");
}
END_TEST

START_TEST(test_path_errors)
{
	test_config_parse_err(
	    "[database]\ndata_dir = var/lib/suivi\n",
	    "suivid.conf:2: [database] data_dir: 'var/lib/suivi' is not an absolute path");
	test_config_parse_err("[database]\ndata_dir = \"\"\n",
			      "suivid.conf:2: [database] data_dir: value must not be empty");
	test_config_parse_err(
	    "[server]\nunix_socket = suivid.sock\n",
	    "suivid.conf:2: [server] unix_socket: 'suivid.sock' is not an absolute path");
	char text[256];
	char path[109];
	memset(path, 'a', 108);
	path[0] = '/';
	path[108] = '\0';
	snprintf(text, sizeof text, "[server]\nunix_socket = %s\n", path);
	test_config_parse_err(text,
			      "suivid.conf:2: [server] unix_socket: path longer than 107 bytes");
}
END_TEST

START_TEST(test_listen_errors)
{
	test_config_parse_err(
	    "[server]\nlisten = localhost:8470\n",
	    "suivid.conf:2: [server] listen: bad address 'localhost:8470': 'localhost' is not a "
	    "numeric IPv4 address (host names are not resolved)");
	test_config_parse_err(
	    "[server]\nlisten = 127.0.0.1\n",
	    "suivid.conf:2: [server] listen: bad address '127.0.0.1': expected IPv4:port or "
	    "[IPv6]:port");
	test_config_parse_err(
	    "[server]\nlisten = ::1:8470\n",
	    "suivid.conf:2: [server] listen: bad address '::1:8470': an IPv6 address is written "
	    "in brackets, as in [::1]:8470");
	test_config_parse_err(
	    "[server]\nlisten = [::1]8470\n",
	    "suivid.conf:2: [server] listen: bad address '[::1]8470': expected [IPv6]:port");
	test_config_parse_err(
	    "[server]\nlisten = [::1\n",
	    "suivid.conf:2: [server] listen: bad address '[::1': expected [IPv6]:port");
	test_config_parse_err(
	    "[server]\nlisten = [fe80::zz]:80\n",
	    "suivid.conf:2: [server] listen: bad address '[fe80::zz]:80': 'fe80::zz' is not a "
	    "numeric IPv6 address (host names are not resolved)");
	test_config_parse_err(
	    "[server]\nlisten = [127.0.0.1]:80\n",
	    "suivid.conf:2: [server] listen: bad address '[127.0.0.1]:80': '127.0.0.1' is not a "
	    "numeric IPv6 address (host names are not resolved)");
	test_config_parse_err(
	    "[server]\nlisten = 256.0.0.1:80\n",
	    "suivid.conf:2: [server] listen: bad address '256.0.0.1:80': '256.0.0.1' is not a "
	    "numeric IPv4 address (host names are not resolved)");
	static const char *const bad_ports[] = {"0", "65536", "", "http", "-1", "+80", "100000"};
	for (size_t i = 0; i < ARRAY_LEN(bad_ports); i++) {
		char *text = xasprintf("[server]\nlisten = 127.0.0.1:%s\n", bad_ports[i]);
		char *want =
		    xasprintf("suivid.conf:2: [server] listen: bad address '127.0.0.1:%s': "
			      "port must be a number from 1 to 65535",
			      bad_ports[i]);
		test_config_parse_err(text, want);
		free(text);
		free(want);
	}
}
END_TEST

START_TEST(test_email_errors)
{
	test_config_parse_err(
	    "[mail]\nfrom = suivi\n",
	    "suivid.conf:2: [mail] from: bad address 'suivi': an address has exactly one '@'");
	test_config_parse_err(
	    "[mail]\nfrom = a@b@c\n",
	    "suivid.conf:2: [mail] from: bad address 'a@b@c': an address has exactly one '@'");
	test_config_parse_err(
	    "[mail]\nfrom = @example.org\n",
	    "suivid.conf:2: [mail] from: bad address '@example.org': an address is written "
	    "local@domain");
	test_config_parse_err(
	    "[mail]\nfrom = suivi@\n",
	    "suivid.conf:2: [mail] from: bad address 'suivi@': an address is written local@domain");
	/* A display name is welcome, but only one that reads back as written. */
	static const struct {
		const char *line, *why;
	} mailboxes[] = {
	    {"from = Suivi <suivi@example.org", "unbalanced angle brackets (write Name "
						"<local@domain>)"},
	    {"from = Suivi suivi@example.org>", "unbalanced angle brackets (write Name "
						"<local@domain>)"},
	    {"reply_to = A <a@x.org> <b@x.org>", "unbalanced angle brackets (write Name "
						 "<local@domain>)"},
	    {"from = \"Suivi <suivi@example.org>", "unbalanced quotes in the display name "
						   "(quote it whole: \"Name\" <local@domain>)"},
	    {"reply_to = Desk \"A <desk@x.org>", "unbalanced quotes in the display name (quote "
						 "it whole: \"Name\" <local@domain>)"},
	    {"reply_to = \"Desk\\\" <desk@x.org>", "unbalanced quotes in the display name "
						   "(quote it whole: \"Name\" <local@domain>)"},
	    {"from = Suivi <suivi@example.org> x", "text after '>' (write Name <local@domain>)"},
	    {"from = Suivi <a b@example.org>", "blank or control character in address"},
	    {"reply_to = Desk <desk@x.org,b@x.org>", "',' is not allowed (write a bare address, "
						     "local@domain)"},
	};
	for (size_t i = 0; i < ARRAY_LEN(mailboxes); i++) {
		const char *line = mailboxes[i].line;
		size_t klen = strcspn(line, " ");
		char *text = xasprintf("[mail]\n%s\n", line);
		char *want = xasprintf("suivid.conf:2: [mail] %.*s: bad address '%s': %s",
				       (int)klen, line, line + klen + 3, mailboxes[i].why);
		test_config_parse_err(text, want);
		free(text);
		free(want);
	}
	/* Line ends inside a name never reach a header. */
	test_config_parse_err("[mail]\nreply_to = Desk\r <desk@x.org>\n",
			      "suivid.conf:2: [mail] reply_to: control character in value");
	char *name = NULL, *box = NULL, *why = NULL;
	ck_assert_int_eq(
	    config_value_mailbox("Desk\r\nBcc: evil@x.org <desk@x.org>", 254, &name, &box, &why),
	    -1);
	ck_assert_str_eq(why, "control character (CR, LF …) in the display name");
	ck_assert_ptr_null(name);
	ck_assert_ptr_null(box);
	free(why);
	test_config_parse_err(
	    "[schedule]\nreport_to = a@x.org,b@x.org\n",
	    "suivid.conf:2: [schedule] report_to: bad address 'a@x.org,b@x.org': ',' is not "
	    "allowed (write a bare address, local@domain)");
	test_config_parse_err("[mail]\nfrom = \"\"\n",
			      "suivid.conf:2: [mail] from: value must not be empty");

	/* 254 bytes is the limit. */
	char addr[300];
	memset(addr, 'd', sizeof addr);
	memcpy(addr, "x@", 2);
	addr[254] = '\0';
	char *text = xasprintf("[mail]\nfrom = %s\n", addr);
	struct config *c = test_config_parse_ok(text);
	ck_assert_uint_eq(strlen(c->mail_from), 254);
	config_free(c);
	free(text);
	addr[254] = 'd';
	addr[255] = '\0';
	text = xasprintf("[mail]\nfrom = %s\n", addr);
	char *want =
	    xasprintf("suivid.conf:2: [mail] from: bad address '%s': longer than 254 bytes", addr);
	test_config_parse_err(text, want);
	free(text);
	free(want);

	char local[80];
	memset(local, 'l', 65);
	strcpy(local + 65, "@x.org");
	text = xasprintf("[mail]\nfrom = %s\n", local);
	want = xasprintf("suivid.conf:2: [mail] from: bad address '%s': local part longer than 64 "
			 "bytes",
			 local);
	test_config_parse_err(text, want);
	free(text);
	free(want);
}
END_TEST

START_TEST(test_schedule_errors)
{
	/* The cause comes from the schedule parser itself. */
	static const char *const bad[] = {"tue 25:00", "weekly", "monthly 31 08:00"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct schedule s;
		char *sub = NULL;
		ck_assert_int_eq(schedule_parse(bad[i], &s, &sub), -1);
		char *text = xasprintf("[schedule]\n\noverdue_report = %s\n", bad[i]);
		char *want =
		    xasprintf("suivid.conf:3: [schedule] overdue_report: bad schedule '%s': "
			      "%s",
			      bad[i], sub);
		test_config_parse_err(text, want);
		free(text);
		free(want);
		text = xasprintf("[schedule]\nreminders = %s\n", bad[i]);
		want = xasprintf("suivid.conf:2: [schedule] reminders: bad schedule '%s': %s",
				 bad[i], sub);
		test_config_parse_err(text, want);
		free(text);
		free(want);
		free(sub);
	}
	test_config_parse_err(
	    "[schedule]\ntimezone = Mars/Olympus_Mons\n",
	    "suivid.conf:2: [schedule] timezone: unknown time zone 'Mars/Olympus_Mons'");
	test_config_parse_err(
	    "[schedule]\ntimezone = ../../etc/passwd\n",
	    "suivid.conf:2: [schedule] timezone: unknown time zone '../../etc/passwd'");
	test_config_parse_err("[schedule]\ntimezone =\n",
			      "suivid.conf:2: [schedule] timezone: value must not be empty");
}
END_TEST

START_TEST(test_command_errors)
{
	test_config_parse_err(
	    "[hook]\ncommand = sendmail -t\n",
	    "suivid.conf:2: [hook] command: bad command 'sendmail -t': 'sendmail' is not an "
	    "absolute path (the hook runs without a shell)");
	test_config_parse_err(
	    "[hook]\ncommand = \"/usr/bin/x\n",
	    "suivid.conf:2: [hook] command: bad command '\"/usr/bin/x': unbalanced double quote");
	test_config_parse_err(
	    "[hook]\ncommand = /usr/bin/x 'a\n",
	    "suivid.conf:2: [hook] command: bad command '/usr/bin/x 'a': unbalanced single quote");
	test_config_parse_err("[hook]\ncommand = \"\"\n",
			      "suivid.conf:2: [hook] command: value must not be empty");
	test_config_parse_err(
	    "[hook]\ncommand = ''\n",
	    "suivid.conf:2: [hook] command: bad command '''': '' is not an absolute path (the "
	    "hook runs without a shell)");
}
END_TEST

/* The web view's keys: a public URL that links in mails can start with, sessions and links
 * of bounded lifetimes, a web_dir that is a path. */
START_TEST(test_web_errors)
{
	test_config_parse_err("[server]\npublic_url = suivi.example.org\n",
			      "suivid.conf:2: [server] public_url: bad URL 'suivi.example.org': "
			      "must start with https:// or http://");
	test_config_parse_err(
	    "[server]\npublic_url = ftp://suivi.example.org\n",
	    "suivid.conf:2: [server] public_url: bad URL 'ftp://suivi.example.org': "
	    "must start with https:// or http://");
	test_config_parse_err(
	    "[server]\npublic_url = https://\n",
	    "suivid.conf:2: [server] public_url: bad URL 'https://': no host after "
	    "the scheme");
	test_config_parse_err(
	    "[server]\npublic_url = https:///suivi\n",
	    "suivid.conf:2: [server] public_url: bad URL 'https:///suivi': no host "
	    "after the scheme");
	test_config_parse_err(
	    "[server]\npublic_url = https://x.org/?a=1\n",
	    "suivid.conf:2: [server] public_url: bad URL 'https://x.org/?a=1': no "
	    "query (?) or fragment (#): suivi appends its own paths");
	test_config_parse_err(
	    "[server]\npublic_url = https://x.org/#top\n",
	    "suivid.conf:2: [server] public_url: bad URL 'https://x.org/#top': no "
	    "query (?) or fragment (#): suivi appends its own paths");
	test_config_parse_err(
	    "[server]\npublic_url = https://me@x.org\n",
	    "suivid.conf:2: [server] public_url: bad URL 'https://me@x.org': no user "
	    "name in the URL");
	test_config_parse_err("[server]\npublic_url = \"https://x.org/a b\"\n",
			      "suivid.conf:2: [server] public_url: bad URL 'https://x.org/a b': a "
			      "blank is not allowed in a link");
	test_config_parse_err("[server]\npublic_url = https://x.org/<a>\n",
			      "suivid.conf:2: [server] public_url: bad URL 'https://x.org/<a>': "
			      "character '<' is not allowed in a link");
	test_config_parse_err("[server]\npublic_url = https://x.org/caf\xc3\xa9\n",
			      "suivid.conf:2: [server] public_url: bad URL "
			      "'https://x.org/caf\xc3\xa9': only ASCII is allowed in a link "
			      "(percent-encode the rest)");
	char path[501];
	memset(path, 'a', 500);
	path[500] = '\0';
	char *text = xasprintf("[server]\npublic_url = https://x.org/%s\n", path);
	char *expected = xasprintf("suivid.conf:2: [server] public_url: bad URL "
				   "'https://x.org/%s': longer than 512 bytes",
				   path);
	test_config_parse_err(text, expected);
	free(text);
	free(expected);
	test_config_parse_err("[server]\nsession_hours = 0\n",
			      "suivid.conf:2: [server] session_hours: 0 is out of range 1..720");
	test_config_parse_err("[server]\nsession_hours = 721\n",
			      "suivid.conf:2: [server] session_hours: 721 is out of range 1..720");
	test_config_parse_err("[server]\nlink_days = 0\n",
			      "suivid.conf:2: [server] link_days: 0 is out of range 1..90");
	test_config_parse_err("[server]\nlink_days = 91\n",
			      "suivid.conf:2: [server] link_days: 91 is out of range 1..90");
	test_config_parse_err("[server]\nweb = maybe\n",
			      "suivid.conf:2: [server] web: 'maybe' is not one of yes, no, true, "
			      "false, on, off, 1, 0");
	test_config_parse_err("[server]\nweb_dir = web\n",
			      "suivid.conf:2: [server] web_dir: 'web' is not an absolute path");
	test_config_parse_err("[server]\nweb_dir =\n",
			      "suivid.conf:2: [server] web_dir: value must not be empty");

	/* Accepted: a trailing slash is dropped (links append "/signin"), a port and a path
	 * are kept; empty means no links. */
	struct config *c =
	    test_config_parse_ok("[server]\npublic_url = https://x.org:8443/suivi/\nweb = off\n"
				 "session_hours = 720\nlink_days = 90\n");
	ck_assert_str_eq(c->public_url, "https://x.org:8443/suivi");
	ck_assert(!c->web);
	ck_assert_int_eq(c->session_hours, 720);
	ck_assert_int_eq(c->link_days, 90);
	config_free(c);
	c = test_config_parse_ok("[server]\npublic_url =\n");
	ck_assert_str_eq(c->public_url, "");
	ck_assert(c->web);
	ck_assert_int_eq(c->session_hours, 12);
	ck_assert_int_eq(c->link_days, 14);
	ck_assert_str_eq(c->web_dir, SUIVI_PKGDATADIR "/web");
	config_free(c);
}
END_TEST

START_TEST(test_cross_checks)
{
	test_config_parse_err(
	    "[server]\n\nlisten =\n",
	    "suivid.conf:3: [server] listen is empty and unix_socket is not set, so suivid would "
	    "accept no connection");
	test_config_parse_err(
	    "[schedule]\noverdue_report = \"\"\nreport_to = boss@example.org\n",
	    "suivid.conf:3: [schedule] report_to is set but overdue_report is empty, so no report "
	    "would be sent");
	/* An overdue schedule without a recipient is allowed: no report is sent. */
	struct config *c = test_config_parse_ok("[schedule]\noverdue_report = fri 17:00\n");
	ck_assert_str_eq(c->report_to, "");
	config_free(c);

	/* The default time zone is checked too, on a machine that may not have it. */
	char *saved = getenv("TZDIR") ? xstrdup(getenv("TZDIR")) : NULL;
	ck_assert_int_eq(setenv("TZDIR", "/nonexistent-zoneinfo", 1), 0);
	test_config_parse_err("[server]\n",
			      "suivid.conf: [schedule] timezone: the default 'Europe/Brussels' is "
			      "not a time zone known on this machine; set timezone");
	c = test_config_parse_ok("[schedule]\ntimezone = UTC\n");
	ck_assert_str_eq(c->timezone, "UTC");
	config_free(c);
	if (saved != NULL)
		setenv("TZDIR", saved, 1);
	else
		unsetenv("TZDIR");
	free(saved);
}
END_TEST

void test_config_add_errors(TCase *tc)
{
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_byte_errors);
	tcase_add_test(tc, test_number_errors);
	tcase_add_test(tc, test_enum_errors);
	tcase_add_test(tc, test_path_errors);
	tcase_add_test(tc, test_listen_errors);
	tcase_add_test(tc, test_email_errors);
	tcase_add_test(tc, test_schedule_errors);
	tcase_add_test(tc, test_command_errors);
	tcase_add_test(tc, test_cross_checks);
	tcase_add_test(tc, test_web_errors);
}
