/* test-web.c — the web view's server side over real sockets, against a real PostgreSQL and
 * two real suivid on one database (A: web on, public_url http; B: web = off, public_url
 * https, the same web_dir):
 *   static files of web_dir with their exact types and every security header on the wire,
 *   ETag and 304, HEAD; "..", encoded dots and slashes, hidden files and directories,
 *   symbolic links (in and out of web_dir), other types, directories and oversized files
 *   all refused with a 404 problem; the API wins over files; web = off;
 *   sessions: the cookie's exact attributes (Secure only behind an https public_url), stored
 *   hashed, good for reads, writes only with X-Suivi-CSRF (a refused write changes nothing),
 *   roles and owner scope as for tokens, the bearer header first, logout, expiry, a revoked
 *   token ending its sessions, tokens of machines refused.
 * Sign-in links and the dashboard are in test-web-more.c. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "test-web.h"

#define CSP                                                                                        \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "          \
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

int web_port_b;
static struct suivid_proc *daemon_b;
static char *web_dir;

/* The files of web_dir: name, content, type on the wire. */
static const struct {
	const char *name, *data, *type;
} files[] = {
    {"index.html", "<!doctype html><title>suivi</title>", "text/html; charset=utf-8"},
    {"app.js", "export const a = 1;\n", "text/javascript; charset=utf-8"},
    {"style.css", "body { margin: 0 }\n", "text/css; charset=utf-8"},
    {"logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml"},
    {"logo.png", "\x89PNG\r\n\x1a\n", "image/png"},
    {"favicon.ico", "ico", "image/x-icon"},
    {"i18n/fr.json", "{\"a\":\"é\"}", "application/json"},
    {"fonts/x.woff2", "wOF2", "font/woff2"},
    {"sub/page.html", "<p>page</p>", "text/html; charset=utf-8"},
};

/* Setup runs in main, outside any test: Check's assertions cannot report there. */
static void must(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "Bail out! test-web setup: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	FILE *f = fopen(path, "wb");
	must(f != NULL, path);
	must(fwrite(data, 1, len, f) == len, path);
	fclose(f);
	free(path);
}

/* web_dir with the files above and every kind of thing it must not serve. */
static void make_web_dir(const char *base)
{
	web_dir = xasprintf("%s/web", base);
	must(mkdir(web_dir, 0755) == 0, web_dir);
	for (size_t i = 0; i < ARRAY_LEN(files); i++)
		write_file(web_dir, files[i].name, files[i].data, strlen(files[i].data));
	write_file(web_dir, ".hidden.js", "x", 1);
	write_file(web_dir, ".git/config.json", "{}", 2);
	write_file(web_dir, "sub/.h.css", "x", 1);
	write_file(web_dir, "notes.txt", "x", 1);
	write_file(web_dir, "noext", "x", 1);
	write_file(base, "outside/secret.js", "secret", 6);
	char *dir = xasprintf("%s/adir.js", web_dir);
	must(mkdir(dir, 0755) == 0, dir);
	free(dir);
	char *target = xasprintf("%s/outside/secret.js", base);
	char *link = xasprintf("%s/link.js", web_dir);
	must(symlink(target, link) == 0, link);
	free(link);
	link = xasprintf("%s/inner.js", web_dir);
	must(symlink("app.js", link) == 0, link); /* inside web_dir: refused all the same */
	free(link);
	free(target);
	target = xasprintf("%s/outside", base);
	link = xasprintf("%s/linkdir", web_dir);
	must(symlink(target, link) == 0, link);
	free(link);
	free(target);
	size_t big = 2 * 1024 * 1024 + 1;
	char *data = xmalloc(big);
	memset(data, 'x', big);
	write_file(web_dir, "big.js", data, big);
	free(data);
}

static char *conf(const char *extra)
{
	return xasprintf("[server]\n"
			 "listen = 127.0.0.1:%%PORT%%\n"
			 "request_timeout = 30\n"
			 "%s"
			 "[database]\n"
			 "url = %s\n"
			 "pool = 4\n"
			 "data_dir = %%DIR%%/d\n"
			 "[schedule]\n"
			 "timezone = Europe/Brussels\n"
			 "[hook]\n"
			 "command = /bin/true\n"
			 "[log]\n"
			 "level = warn\n",
			 extra, at.db);
}

/* --- helpers ----------------------------------------------------------------------------- */

char *cookie_headers(const char *secret, const char *extra)
{
	return xasprintf("Cookie: theme=dark; suivi_session=%s; lang=fr\r\n%s", secret,
			 extra != NULL ? extra : "");
}

char *set_cookie_secret(const struct http_response *r)
{
	char *v = http_header(r, "Set-Cookie");
	if (v == NULL || strncmp(v, "suivi_session=", 14) != 0) {
		free(v);
		return NULL;
	}
	char *secret = xstrndup(v + 14, strcspn(v + 14, ";"));
	free(v);
	return secret;
}

char *sign_in(int port, const char *token)
{
	char *body = xasprintf("{\"token\":\"%s\"}", token);
	struct http_response *r =
	    http_do(port, "POST", "/v1/sessions", NULL, NULL, body, NULL, 10000);
	ck_assert_msg(r->status == 201, "sign in: %d %s", r->status, r->body);
	char *secret = set_cookie_secret(r);
	ck_assert_ptr_nonnull(secret);
	http_response_free(r);
	free(body);
	return secret;
}

static void assert_header(const struct http_response *r, const char *name, const char *want)
{
	char *v = http_header(r, name);
	ck_assert_msg(v != NULL && strcmp(v, want) == 0, "%s: '%s', expected '%s'", name,
		      v != NULL ? v : "(none)", want);
	free(v);
}

static void assert_security_headers(const struct http_response *r)
{
	assert_header(r, "Content-Security-Policy", CSP);
	assert_header(r, "X-Content-Type-Options", "nosniff");
	assert_header(r, "Referrer-Policy", "no-referrer");
	assert_header(r, "X-Frame-Options", "DENY");
}

static void assert_not_found(int port, const char *method, const char *path)
{
	struct http_response *r = http_do(port, method, path, NULL, NULL, NULL, NULL, 10000);
	ck_assert_msg(r->status == 404, "%s %s: %d, expected 404: %.200s", method, path, r->status,
		      r->body);
	assert_header(r, "Content-Type", "application/problem+json");
	json_t *j = http_json(r);
	ck_assert_msg(j != NULL && JSTR(j, "code") != NULL &&
			  strcmp(JSTR(j, "code"), "not_found") == 0,
		      "%s: %s", path, r->body);
	ck_assert_ptr_null(strstr(r->body, "secret"));
	assert_security_headers(r);
	json_decref(j);
	http_response_free(r);
}

/* A HEAD request read to the close: the harness's client reads a body by Content-Length,
 * and a HEAD answer has none. Returns the whole answer (caller frees). */
static char *head_raw(int port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	char *req = xasprintf("HEAD %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	free(req);
	char *buf = xmalloc(65536);
	size_t len = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ck_assert_msg(poll(&p, 1, 10000) == 1, "HEAD %s: no answer", path);
		ssize_t n = read(fd, buf + len, 65535 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* --- static files ------------------------------------------------------------------------ */

START_TEST(static_files_types_and_headers)
{
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = xasprintf("/%s", files[i].name);
		struct http_response *r = hreq(NULL, "GET", path, NULL, NULL, NULL);
		ck_assert_msg(r->status == 200, "%s: %d", path, r->status);
		assert_header(r, "Content-Type", files[i].type);
		ck_assert_int_eq(r->body_len, strlen(files[i].data));
		ck_assert(memcmp(r->body, files[i].data, r->body_len) == 0);
		assert_header(r, "Cache-Control", "no-cache");
		char *etag = http_header(r, "ETag");
		ck_assert_msg(etag != NULL && etag[0] == '"' && etag[strlen(etag) - 1] == '"' &&
				  strlen(etag) > 2,
			      "%s: ETag %s", path, etag != NULL ? etag : "(none)");
		free(etag);
		assert_security_headers(r);
		http_response_free(r);
		free(path);
	}
	/* / is index.html. */
	struct http_response *r = hreq(NULL, "GET", "/", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(r->body, files[0].data);
	assert_header(r, "Content-Type", "text/html; charset=utf-8");
	assert_security_headers(r);
	http_response_free(r);
	/* The API's answers carry the cheap headers too. */
	r = hreq(NULL, "GET", "/v1/health", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	assert_header(r, "Content-Type", "application/json");
	assert_security_headers(r);
	http_response_free(r);
	r = hreq(NULL, "GET", "/v1/owners", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 401);
	assert_security_headers(r);
	http_response_free(r);
}
END_TEST

START_TEST(static_etag_and_head)
{
	struct http_response *r = hreq(NULL, "GET", "/style.css", NULL, NULL, NULL);
	char *etag = http_header(r, "ETag");
	ck_assert_ptr_nonnull(etag);
	http_response_free(r);

	char *h = xasprintf("If-None-Match: %s\r\n", etag);
	r = hreq(NULL, "GET", "/style.css", NULL, NULL, h);
	ck_assert_int_eq(r->status, 304);
	ck_assert_int_eq(r->body_len, 0);
	assert_header(r, "ETag", etag);
	assert_header(r, "Cache-Control", "no-cache");
	assert_security_headers(r);
	http_response_free(r);
	free(h);
	/* In a list, or weak: still a match (If-None-Match compares weakly). */
	h = xasprintf("If-None-Match: \"nope\", W/%s\r\n", etag);
	r = hreq(NULL, "GET", "/style.css", NULL, NULL, h);
	ck_assert_int_eq(r->status, 304);
	http_response_free(r);
	free(h);
	r = hreq(NULL, "GET", "/style.css", NULL, NULL, "If-None-Match: \"nope\"\r\n");
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);

	/* A new version of the file: a new ETag, and the old one no longer matches. */
	write_file(web_dir, "style.css", "body { margin: 1em }\n", 21);
	h = xasprintf("If-None-Match: %s\r\n", etag);
	r = hreq(NULL, "GET", "/style.css", NULL, NULL, h);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(r->body, "body { margin: 1em }\n");
	char *etag2 = http_header(r, "ETag");
	ck_assert_str_ne(etag, etag2);
	http_response_free(r);
	free(h);
	write_file(web_dir, "style.css", files[2].data, strlen(files[2].data));
	free(etag);
	free(etag2);

	/* HEAD: the headers of GET, no body. */
	char *head = head_raw(at.port, "/app.js");
	ck_assert_msg(strncmp(head, "HTTP/1.1 200 ", 13) == 0, "%s", head);
	ck_assert_ptr_nonnull(strstr(head, "\r\nContent-Type: text/javascript; charset=utf-8\r\n"));
	ck_assert_ptr_nonnull(strstr(head, "\r\nETag: \""));
	ck_assert_ptr_nonnull(strstr(head, "\r\nX-Frame-Options: DENY\r\n"));
	const char *end = strstr(head, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	ck_assert_str_eq(end + 4, "");
	ck_assert_ptr_nonnull(strstr(head, "\r\nContent-Length: 20\r\n")); /* GET's length */
	free(head);
	/* The API's HEAD too (evhttp 2.1 would have sent the body). */
	head = head_raw(at.port, "/v1/health");
	ck_assert_msg(strncmp(head, "HTTP/1.1 200 ", 13) == 0, "%s", head);
	end = strstr(head, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	ck_assert_str_eq(end + 4, "");
	free(head);
}
END_TEST

START_TEST(static_refusals)
{
	static const char *const paths[] = {
	    "/../outside/secret.js",
	    "/sub/../../outside/secret.js",
	    "/%2e%2e/outside/secret.js",
	    "/%2E%2E/outside/secret.js",
	    "/sub/%2e%2e/app.js",
	    "/.%2e/outside/secret.js",
	    "/sub%2fpage.html",
	    "/sub%2Fpage.html",
	    "/sub%5cpage.html",
	    "/./app.js",
	    "/.hidden.js",
	    "/%2ehidden.js",
	    "/.git/config.json",
	    "/sub/.h.css",
	    "/link.js",
	    "/inner.js",
	    "/linkdir/secret.js",
	    "/notes.txt",
	    "/noext",
	    "/adir.js",
	    "/big.js",
	    "/sub",
	    "/sub/",
	    "//app.js",
	    "/app.js/",
	    "/nothing.js",
	    "/v1/../app.js",
	    "/v1/app.js",
	};
	for (size_t i = 0; i < ARRAY_LEN(paths); i++)
		assert_not_found(at.port, "GET", paths[i]);
	/* Only GET and HEAD read files. */
	assert_not_found(at.port, "POST", "/app.js");
	assert_not_found(at.port, "DELETE", "/index.html");
	/* The API wins over a file of the same path. */
	write_file(web_dir, "v1/health.json", "{\"not\":\"the api\"}", 17);
	struct http_response *r = hreq(NULL, "GET", "/v1/health", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_null(strstr(r->body, "the api"));
	http_response_free(r);
	assert_not_found(at.port, "GET", "/v1/health.json");
}
END_TEST

START_TEST(web_off)
{
	/* B serves the same web_dir with web = off. */
	assert_not_found(web_port_b, "GET", "/");
	assert_not_found(web_port_b, "GET", "/index.html");
	assert_not_found(web_port_b, "GET", "/app.js");
	struct http_response *r =
	    http_do(web_port_b, "GET", "/v1/health", NULL, NULL, NULL, NULL, 10000);
	ck_assert_int_eq(r->status, 200);
	http_response_free(r);
}
END_TEST

/* --- sessions ---------------------------------------------------------------------------- */

START_TEST(session_cookie_attributes)
{
	char *body = xasprintf("{\"token\":\"%s\"}", at.secretariat);
	struct http_response *r = hreq(NULL, "POST", "/v1/sessions", NULL, body, NULL);
	ck_assert_msg(r->status == 201, "%d %s", r->status, r->body);
	char *cookie = http_header(r, "Set-Cookie");
	ck_assert_ptr_nonnull(cookie);
	char *secret = set_cookie_secret(r);
	ck_assert_int_eq(strlen(secret), 43);
	char *want =
	    xasprintf("suivi_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200", secret);
	ck_assert_str_eq(cookie, want); /* no Secure: A's public_url is http */
	json_t *j = http_json(r);
	ck_assert_str_eq(JSTR(j, "role"), "secretariat");
	ck_assert(json_is_null(json_object_get(j, "owner")));
	ck_assert_str_eq(JSTR(j, "name"), "secretariat-web");
	const char *exp = JSTR(j, "expires_at");
	ck_assert_msg(exp != NULL && strlen(exp) == 20 && exp[10] == 'T' && exp[19] == 'Z', "%s",
		      exp != NULL ? exp : "(null)");
	assert_security_headers(r);
	json_decref(j);
	http_response_free(r);

	/* Stored hashed: the SHA-256 of the secret is there, the secret is nowhere. */
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions WHERE hash = sha256('%s'::bytea)"
			       " AND expires_at BETWEEN now() + interval '11 hours 59 minutes'"
			       " AND now() + interval '12 hours'",
			       secret),
			 1);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions s WHERE position('%s' in s::text) > 0"
			       " OR position('%s' in encode(s.hash, 'escape')) > 0",
			       secret, secret),
			 0);

	/* Behind an https public_url: Secure too. */
	r = http_do(web_port_b, "POST", "/v1/sessions", NULL, NULL, body, NULL, 10000);
	ck_assert_int_eq(r->status, 201);
	char *secret_b = set_cookie_secret(r);
	char *want_b = xasprintf(
	    "suivi_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure", secret_b);
	assert_header(r, "Set-Cookie", want_b);
	http_response_free(r);
	free(want_b);
	free(secret_b);
	free(body);
	free(want);
	free(cookie);
	free(secret);
}
END_TEST

START_TEST(session_reads_writes_and_csrf)
{
	char *secret = sign_in(at.port, at.secretariat);
	char *h = cookie_headers(secret, NULL);
	char *hc = cookie_headers(secret, "X-Suivi-CSRF: 1\r\n");

	/* Reads with the cookie alone. */
	json_t *j = hcallh(NULL, "GET", "/v1/sessions/current", NULL, h, 200);
	ck_assert_str_eq(JSTR(j, "role"), "secretariat");
	ck_assert_str_eq(JSTR(j, "name"), "secretariat-web");
	json_decref(j);
	json_decref(hcallh(NULL, "GET", "/v1/owners", NULL, h, 200));

	/* A write without the header: 403 csrf, nothing changed; a wrong value is no better. */
	char *before = state_digest();
	static const char *const bad[] = {NULL, "X-Suivi-CSRF: 0\r\n", "X-Suivi-CSRF: yes\r\n",
					  "X-Suivi-CSRF:\r\n"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *hh = cookie_headers(secret, bad[i]);
		j = hcallh(NULL, "POST", "/v1/owners", "{\"handle\":\"wb-csrf\",\"name\":\"N\"}",
			   hh, 403);
		ck_assert_str_eq(JSTR(j, "code"), "csrf");
		json_decref(j);
		free(hh);
	}
	j = hcallh(NULL, "DELETE", "/v1/sessions/current", NULL, h, 403);
	ck_assert_str_eq(JSTR(j, "code"), "csrf");
	json_decref(j);
	assert_same_state(before);
	free(before);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM owners WHERE handle = 'wb-csrf'"), 0);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions WHERE hash = sha256('%s'::bytea)"
			       " AND revoked_at IS NULL",
			       secret),
			 1);

	/* With it: done, as the token's name. */
	json_decref(
	    hcallh(NULL, "POST", "/v1/owners", "{\"handle\":\"wb-csrf\",\"name\":\"N\"}", hc, 201));
	ck_assert_int_eq(dbnum("SELECT count(*) FROM owners WHERE handle = 'wb-csrf'"), 1);

	/* The bearer header wins: a bad one is refused though the cookie is good, a viewer's
	 * is the viewer (role refused, and no CSRF asked of a bearer). */
	char *hb = cookie_headers(secret, "Authorization: Bearer suivi_nope\r\n");
	j = hcallh(NULL, "GET", "/v1/owners", NULL, hb, 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_token");
	json_decref(j);
	free(hb);
	j = hcallh(at.viewer, "POST", "/v1/owners", "{\"handle\":\"wb-v\",\"name\":\"N\"}", h, 403);
	ck_assert_str_eq(JSTR(j, "code"), "forbidden");
	json_decref(j);
	/* A bearer request has no session to show or end. */
	j = hcallh(at.viewer, "GET", "/v1/sessions/current", NULL, NULL, 401);
	ck_assert_str_eq(JSTR(j, "code"), "no_session");
	json_decref(j);

	/* Logout: 204, the cookie cleared, the session refused from then on. */
	struct http_response *r = hreq(NULL, "DELETE", "/v1/sessions/current", NULL, NULL, hc);
	ck_assert_int_eq(r->status, 204);
	assert_header(r, "Set-Cookie",
		      "suivi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_response_free(r);
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions WHERE hash = sha256('%s'::bytea)"
			       " AND revoked_at IS NOT NULL",
			       secret),
			 1);
	j = hcallh(NULL, "GET", "/v1/owners", NULL, h, 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_session");
	json_decref(j);
	json_decref(hcallh(NULL, "GET", "/v1/sessions/current", NULL, h, 401));
	/* No cookie, or one not shaped like a session: no token. */
	json_decref(hcallh(NULL, "GET", "/v1/sessions/current", NULL, NULL, 401));
	json_decref(hcallh(NULL, "GET", "/v1/owners", NULL, "Cookie: suivi_session=abc\r\n", 401));
	free(h);
	free(hc);
	free(secret);
}
END_TEST

START_TEST(session_roles_and_owner_scope)
{
	/* A viewer's session reads and may not write, CSRF header or not. */
	char *secret = sign_in(at.port, at.viewer);
	char *hc = cookie_headers(secret, "X-Suivi-CSRF: 1\r\n");
	json_decref(hcallh(NULL, "GET", "/v1/recommendations", NULL, hc, 200));
	json_t *j =
	    hcallh(NULL, "POST", "/v1/owners", "{\"handle\":\"wb-vw\",\"name\":\"N\"}", hc, 403);
	ck_assert_str_eq(JSTR(j, "code"), "forbidden");
	json_decref(j);
	free(hc);
	free(secret);

	/* An owner's session acts on what its owner leads, and only that. */
	mk_owner("wb-own");
	mk_owner("wb-other");
	mk_meeting("wb-2020", "2020-01-01", NULL);
	long long mine = mk_rec_id("wb-2020", "wb-own", NULL);
	long long other = mk_rec_id("wb-2020", "wb-other", NULL);
	char *token = mk_owner_token("wb-own");
	secret = sign_in(at.port, token);
	hc = cookie_headers(secret, "X-Suivi-CSRF: 1\r\n");
	j = hcallh(NULL, "GET", "/v1/sessions/current", NULL, hc, 200);
	ck_assert_str_eq(JSTR(j, "role"), "owner");
	ck_assert_str_eq(JSTR(j, "owner"), "wb-own");
	json_decref(j);
	char *path = xasprintf("/v1/recommendations/%lld/comments", mine);
	json_decref(hcallh(NULL, "POST", path, "{\"comment\":\"Mine.\"}", hc, 200));
	free(path);
	char *before = state_digest();
	path = xasprintf("/v1/recommendations/%lld/comments", other);
	j = hcallh(NULL, "POST", path, "{\"comment\":\"Not mine.\"}", hc, 403);
	ck_assert_str_eq(JSTR(j, "code"), "not_your_recommendation");
	json_decref(j);
	assert_same_state(before);
	free(before);
	free(path);
	free(hc);
	free(secret);
	free(token);
}
END_TEST

START_TEST(session_expiry_and_revoked_token)
{
	/* Expired (moved into the past in the database): refused. */
	char *secret = sign_in(at.port, at.secretariat);
	char *h = cookie_headers(secret, NULL);
	json_decref(hcallh(NULL, "GET", "/v1/owners", NULL, h, 200));
	free(dbval("UPDATE sessions SET created_at = now() - interval '2 hours',"
		   " expires_at = now() - interval '1 second'"
		   " WHERE hash = sha256('%s'::bytea) RETURNING id",
		   secret));
	json_t *j = hcallh(NULL, "GET", "/v1/owners", NULL, h, 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_session");
	json_decref(j);
	free(h);
	free(secret);

	/* A revoked token revokes its sessions, at the very next request. */
	json_t *t = hcall(at.admin, "POST", "/v1/tokens",
			  "{\"name\":\"wb-soon-revoked\",\"role\":\"secretariat\"}", 201);
	secret = sign_in(at.port, JSTR(t, "token"));
	h = cookie_headers(secret, NULL);
	json_decref(hcallh(NULL, "GET", "/v1/owners", NULL, h, 200));
	char *path = xasprintf("/v1/tokens/%lld", (long long)JINT(t, "id"));
	json_decref(hcall(at.admin, "DELETE", path, NULL, 204));
	j = hcallh(NULL, "GET", "/v1/owners", NULL, h, 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_session");
	json_decref(j);
	/* And a revoked token opens no new one. */
	char *body = xasprintf("{\"token\":\"%s\"}", JSTR(t, "token"));
	j = hcall(NULL, "POST", "/v1/sessions", body, 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_token");
	json_decref(j);
	free(body);
	free(path);
	free(h);
	free(secret);
	json_decref(t);
}
END_TEST

START_TEST(session_refusals)
{
	/* Tokens of machines, made first: they open no session. */
	static const char *const roles[] = {"feed", "metrics", "mail"};
	char *tokens[ARRAY_LEN(roles)];
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		char *name = xasprintf("wb-%s", roles[i]);
		tokens[i] = suivid_make_token(at.d, name, roles[i], NULL);
		free(name);
	}
	char *before = state_digest();
	long long sessions = dbnum("SELECT count(*) FROM sessions");
	json_t *j = hcall(NULL, "POST", "/v1/sessions", "{\"token\":\"suivi_nope\"}", 401);
	ck_assert_str_eq(JSTR(j, "code"), "invalid_token");
	json_decref(j);
	j = hcall(NULL, "POST", "/v1/sessions", "{}", 422);
	json_decref(j);
	j = hcall(NULL, "POST", "/v1/sessions", "{\"token\":5}", 422);
	json_decref(j);
	struct http_response *r = hreq(NULL, "POST", "/v1/sessions",
				       "application/x-www-form-urlencoded", "token=x", NULL);
	ck_assert_int_eq(r->status, 415);
	char *set = http_header(r, "Set-Cookie");
	ck_assert_ptr_null(set);
	http_response_free(r);
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		char *body = xasprintf("{\"token\":\"%s\"}", tokens[i]);
		r = hreq(NULL, "POST", "/v1/sessions", NULL, body, NULL);
		ck_assert_msg(r->status == 403, "%s: %d", roles[i], r->status);
		set = http_header(r, "Set-Cookie");
		ck_assert_ptr_null(set);
		j = http_json(r);
		ck_assert_str_eq(JSTR(j, "code"), "token_cannot_sign_in");
		json_decref(j);
		http_response_free(r);
		free(body);
		free(tokens[i]);
	}
	ck_assert_int_eq(dbnum("SELECT count(*) FROM sessions"), sessions);
	assert_same_state(before);
	free(before);
}
END_TEST

static Suite *web_suite(void)
{
	Suite *s = suite_create("web");
	TCase *tc = tcase_create("web");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, static_files_types_and_headers);
	tcase_add_test(tc, static_etag_and_head);
	tcase_add_test(tc, static_refusals);
	tcase_add_test(tc, web_off);
	tcase_add_test(tc, session_cookie_attributes);
	tcase_add_test(tc, session_reads_writes_and_csrf);
	tcase_add_test(tc, session_roles_and_owner_scope);
	tcase_add_test(tc, session_expiry_and_revoked_token);
	tcase_add_test(tc, session_refusals);
	test_web_add_more(tc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	at.pg = pg_cluster_start();
	at.db = pg_cluster_new_database(at.pg);
	char *c = conf("web_dir = %DIR%/web\npublic_url = http://suivi.test/\n");
	at.d = suivid_start(c, NULL, true);
	free(c);
	at.port = suivid_port(at.d);
	at.admin = suivid_make_token(at.d, "admin-web", "admin", NULL);
	at.secretariat = suivid_make_token(at.d, "secretariat-web", "secretariat", NULL);
	at.viewer = suivid_make_token(at.d, "viewer-web", "viewer", NULL);
	make_web_dir(suivid_dir(at.d));
	char *extra =
	    xasprintf("web = off\nweb_dir = %s\npublic_url = https://suivi.example.org\n", web_dir);
	c = conf(extra);
	daemon_b = suivid_start(c, NULL, true);
	web_port_b = suivid_port(daemon_b);
	free(c);
	free(extra);

	SRunner *sr = srunner_create(web_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	suivid_stop(daemon_b);
	apitest_stop();
	free(web_dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
