/* test-client-conn.c — the client's HTTP: URL forms (http, unix:, bad ones), response
 * parsing (Content-Length, chunked, close-delimited, 100 Continue, malformed), and real
 * exchanges with a tiny server in a child process over TCP and a Unix socket: the request
 * line, prefix and headers sent, an answer in pieces, a server that never answers, a
 * refused connection. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/conn.h"
#include "suites.h"

enum server_mode { ECHO_CHUNKED, SILENT };

static pid_t server_start(int fd, enum server_mode mode);
static void server_stop(pid_t pid);
static int tcp_listener(int *port);
static int unix_listener(const char *path);
static void parse_ok(const char *raw, int status, const char *body);

START_TEST(test_url_http)
{
	struct conn_url u;
	char *cause = NULL;

	ck_assert_int_eq(conn_url_parse("http://127.0.0.1:8470", &u, &cause), 0);
	ck_assert(!u.unix_socket);
	ck_assert_str_eq(u.host, "127.0.0.1");
	ck_assert_str_eq(u.port, "8470");
	ck_assert_str_eq(u.prefix, "");
	conn_url_free(&u);

	ck_assert_int_eq(conn_url_parse("http://localhost:8470/suivi/", &u, &cause), 0);
	ck_assert_str_eq(u.host, "localhost");
	ck_assert_str_eq(u.prefix, "/suivi");
	conn_url_free(&u);

	ck_assert_int_eq(conn_url_parse("http://[::1]:9000/a/b", &u, &cause), 0);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_str_eq(u.port, "9000");
	ck_assert_str_eq(u.prefix, "/a/b");
	conn_url_free(&u);

	ck_assert_int_eq(conn_url_parse("http://suivi.example.org", &u, &cause), 0);
	ck_assert_str_eq(u.host, "suivi.example.org");
	ck_assert_str_eq(u.port, "80");
	conn_url_free(&u);
}
END_TEST

START_TEST(test_url_unix)
{
	struct conn_url u;
	char *cause = NULL;

	ck_assert_int_eq(conn_url_parse("unix:/run/suivi/suivid.sock", &u, &cause), 0);
	ck_assert(u.unix_socket);
	ck_assert_str_eq(u.path, "/run/suivi/suivid.sock");
	conn_url_free(&u);
	ck_assert_int_eq(conn_url_parse("unix:///tmp/s", &u, &cause), 0);
	ck_assert_str_eq(u.path, "/tmp/s");
	conn_url_free(&u);
}
END_TEST

START_TEST(test_url_bad)
{
	static const char *const bad[] = {
	    "",
	    "127.0.0.1:8470",
	    "ftp://host",
	    "https://host:8470",
	    "http://",
	    "http://:8470",
	    "http://host:",
	    "http://host:0",
	    "http://host:65536",
	    "http://host:80x",
	    "http://host:-1",
	    "http://user:pw@host:1",
	    "http://host:1/p?x=1",
	    "http://host:1/#frag",
	    "http://ho st:1",
	    "http://host_name:1",
	    "http://[::1:1",
	    "http://[::1]x",
	    "http://[zz::1]:1",
	    "unix:",
	    "unix:relative/sock",
	    "unix:/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct conn_url u;
		char *cause = NULL;
		ck_assert_msg(conn_url_parse(bad[i], &u, &cause) == -1, "%s accepted", bad[i]);
		ck_assert_ptr_nonnull(cause);
		free(cause);
	}
}
END_TEST

static void parse_ok(const char *raw, int status, const char *body)
{
	struct conn_response r = {0};
	char *cause = NULL;
	size_t len = strlen(raw);

	ck_assert_msg(conn_parse_response(raw, len, true, &r, &cause) == 1, "%s", cause);
	ck_assert_int_eq(r.status, status);
	ck_assert_str_eq(r.body, body);
	ck_assert_uint_eq(r.body_len, strlen(body));
	conn_response_free(&r);
	/* Every strict prefix (before the end of the body) is incomplete, not an error. */
	for (size_t i = 0; i + 1 < len; i++) {
		int p = conn_parse_response(raw, i, false, &r, &cause);
		ck_assert_msg(p == 0 || (p == 1 && i >= len - 5), "prefix %zu of %s: %d", i, raw,
			      p);
		conn_response_free(&r);
	}
}

START_TEST(test_parse)
{
	parse_ok("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
		 200, "{}");
	parse_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "4;ext=1\r\nabcd\r\nA\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n",
		 200, "abcd0123456789");
	parse_ok("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n"
		 "Location: /v1/owners/x\r\n\r\nabc",
		 201, "abc");
	parse_ok("HTTP/1.1 204 No Content\r\n\r\n", 204, "");
	parse_ok("HTTP/1.0 409 Conflict\r\ncontent-length: 5\r\n\r\nhello", 409, "hello");

	struct conn_response r = {0};
	char *cause = NULL;
	/* Close-delimited: complete only at the end of the stream. */
	const char *raw = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it";
	ck_assert_int_eq(conn_parse_response(raw, strlen(raw), false, &r, &cause), 0);
	ck_assert_int_eq(conn_parse_response(raw, strlen(raw), true, &r, &cause), 1);
	ck_assert_str_eq(r.body, "all of it");
	ck_assert_str_eq(r.content_type, "text/plain");
	conn_response_free(&r);
	raw = "HTTP/1.1 201 Created\r\nLocation: /v1/meetings/bamako-2019\r\n"
	      "Content-Length: 0\r\n\r\n";
	ck_assert_int_eq(conn_parse_response(raw, strlen(raw), false, &r, &cause), 1);
	ck_assert_str_eq(r.location, "/v1/meetings/bamako-2019");
	conn_response_free(&r);
}
END_TEST

START_TEST(test_parse_bad)
{
	static const char *const bad[] = {
	    "SSH-2.0-OpenSSH_9.2\r\n\r\n",
	    "HTTP/1.1 2000 OK\r\n\r\n",
	    "HTTP/1.1 600 Weird\r\nContent-Length: 0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", /* closed early */
	    "HTTP/1.1 200 OK\r\nContent",                         /* closed in the head */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct conn_response r = {0};
		char *cause = NULL;
		ck_assert_msg(conn_parse_response(bad[i], strlen(bad[i]), true, &r, &cause) == -1,
			      "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(cause);
		ck_assert_ptr_null(r.body);
		free(cause);
	}
}
END_TEST

static int tcp_listener(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static int unix_listener(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

/* The child answers one request: ECHO_CHUNKED sends the request head back as a chunked body
 * in several writes; SILENT reads and never answers. */
static pid_t server_start(int lfd, enum server_mode mode)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid > 0) {
		close(lfd);
		return pid;
	}
	alarm(30); /* never outlive a test that failed before server_stop */
	int fd = accept(lfd, NULL, NULL);
	char req[8192];
	size_t n = 0;
	while (n < sizeof req - 1) {
		ssize_t r = read(fd, req + n, sizeof req - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		req[n] = '\0';
		char *end = strstr(req, "\r\n\r\n");
		if (end != NULL) {
			/* Read the body too, when there is one. */
			const char *cl = strstr(req, "Content-Length: ");
			size_t want = cl != NULL ? (size_t)atoi(cl + 16) : 0;
			if (n >= (size_t)(end + 4 - req) + want)
				break;
		}
	}
	if (mode == SILENT) {
		pause();
		_exit(0);
	}
	const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			   "Transfer-Encoding: chunked\r\n\r\n";
	(void)!write(fd, head, strlen(head));
	for (size_t off = 0; off < n; off += 7) {
		size_t k = n - off < 7 ? n - off : 7;
		char size[16];
		snprintf(size, sizeof size, "%zx\r\n", k);
		(void)!write(fd, size, strlen(size));
		(void)!write(fd, req + off, k);
		(void)!write(fd, "\r\n", 2);
	}
	(void)!write(fd, "0\r\n\r\n", 5);
	/* Keep the connection open: the client must stop at the last chunk, not at EOF. */
	pause();
	_exit(0);
}

static void server_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

START_TEST(test_exchange_tcp)
{
	int port;
	int lfd = tcp_listener(&port);
	pid_t pid = server_start(lfd, ECHO_CHUNKED);
	char *url = xasprintf("http://127.0.0.1:%d/suivi", port);
	struct conn_url u;
	struct conn_response r;
	char *cause = NULL;

	ck_assert_int_eq(conn_url_parse(url, &u, &cause), 0);
	struct conn_request req = {
	    .method = "PATCH",
	    .path = "/v1/recommendations/bamako-2019/3",
	    .token = "suivi_tok",
	    .content_type = "application/json",
	    .body = "{\"due_on\":null}",
	    .body_len = 15,
	};
	ck_assert_msg(conn_do(&u, &req, &r, &cause) == 0, "%s", cause);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(
	    strstr(r.body, "PATCH /suivi/v1/recommendations/bamako-2019/3 HTTP/1.1\r\n"));
	char *host = xasprintf("\r\nHost: 127.0.0.1:%d\r\n", port);
	ck_assert_ptr_nonnull(strstr(r.body, host));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nAuthorization: Bearer suivi_tok\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nContent-Length: 15\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nAccept: application/json\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\n\r\n{\"due_on\":null}"));
	conn_response_free(&r);
	conn_url_free(&u);
	server_stop(pid);
	free(host);
	free(url);
}
END_TEST

START_TEST(test_exchange_unix_and_timeout)
{
	char dir[] = "/tmp/suivi-conn-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *path = xasprintf("%s/s", dir);
	char *url = xasprintf("unix:%s", path);
	struct conn_url u;
	struct conn_response r;
	char *cause = NULL;
	ck_assert_int_eq(conn_url_parse(url, &u, &cause), 0);

	pid_t pid = server_start(unix_listener(path), ECHO_CHUNKED);
	struct conn_request req = {.method = "GET", .path = "/v1/health", .accept = "text/csv"};
	ck_assert_msg(conn_do(&u, &req, &r, &cause) == 0, "%s", cause);
	ck_assert_ptr_nonnull(strstr(r.body, "GET /v1/health HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nAccept: text/csv\r\n"));
	ck_assert_ptr_null(strstr(r.body, "Authorization"));
	conn_response_free(&r);
	server_stop(pid);

	/* A server that never answers: bounded by the request timeout. */
	pid = server_start(unix_listener(path), SILENT);
	req.timeout_ms = 300;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(conn_do(&u, &req, &r, &cause), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_nonnull(strstr(cause, "no answer"));
	double ms = (t1.tv_sec - t0.tv_sec) * 1000.0 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_double_ge(ms, 250);
	ck_assert_double_lt(ms, 3000);
	free(cause);
	cause = NULL;
	server_stop(pid);

	/* Nobody listening any more. */
	unlink(path);
	ck_assert_int_eq(conn_do(&u, &req, &r, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	conn_url_free(&u);
	rmdir(dir);
	free(path);
	free(url);
}
END_TEST

START_TEST(test_refuses_header_injection)
{
	struct conn_url u;
	struct conn_response r;
	char *cause = NULL;
	ck_assert_int_eq(conn_url_parse("http://127.0.0.1:9", &u, &cause), 0);
	struct conn_request req = {.method = "GET", .path = "/v1/x\r\nX-Evil: 1"};
	ck_assert_int_eq(conn_do(&u, &req, &r, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "control characters"));
	free(cause);
	conn_url_free(&u);
}
END_TEST

Suite *make_client_conn_suite(void)
{
	Suite *s = suite_create("client_conn");
	TCase *tc = tcase_create("client_conn");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_url_http);
	tcase_add_test(tc, test_url_unix);
	tcase_add_test(tc, test_url_bad);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_exchange_tcp);
	tcase_add_test(tc, test_exchange_unix_and_timeout);
	tcase_add_test(tc, test_refuses_header_injection);
	suite_add_tcase(s, tc);
	return s;
}
