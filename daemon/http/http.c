/* http.c — suivid's HTTP/1.1 server on evhttp (its listeners: http-listen.c): one router over
 * the resource files' route tables, bearer and cookie authentication and every role decision,
 * body checks, and the sending of replies (built in http-reply.c). Handlers only see requests
 * they may serve. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "http/http-internal.h"
#include "http/http.h"
#include "core/log.h"
#include "core/metrics.h"
#include "utf8.h"

#define HTTP_MAX_HEADERS_SIZE (16 * 1024)
/* The methods routes may use; the others reach http_dispatch only to get our 501. */
#define HTTP_METHODS                                                                               \
	(EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE |                 \
	 EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_OPTIONS)
/* libevent 2.1 gives a method it does not know this type (EVHTTP_REQ_UNKNOWN_, private in
 * http-internal.h) and answers it with its own HTML 501 unless it is "allowed": allowing it
 * lets the gencb answer problem+json. 2.2 changed method handling: not relied on there. */
#if defined(EVENT__NUMERIC_VERSION) && EVENT__NUMERIC_VERSION < 0x02020000
#define HTTP_REQ_UNKNOWN (1u << 15)
#else
#define HTTP_REQ_UNKNOWN 0u
#endif
/* Not CONNECT: evhttp 2.1 writes any answer to it without a length and keeps the
 * connection open (a tunnel), so libevent's own 501 is no worse. */
#define HTTP_METHODS_SEEN (HTTP_METHODS | EVHTTP_REQ_TRACE | HTTP_REQ_UNKNOWN)
/* libevent's own body limit, far enough above max_body that bodies a little over it reach
 * http_dispatch and get our 413 problem+json; beyond it evhttp answers 413 in HTML. */
#define HTTP_BODY_CAP_FACTOR 4
#define HTTP_BODY_CAP_MARGIN ((size_t)1 << 20)

/* A path parameter: count segments from first ("{ref}" may take two). */
static void connection_closed(struct evhttp_connection *evcon, void *arg);
static struct http_conn *connection_find(struct http_server *s, struct evhttp_request *req);
static bool connection_admit(struct http_server *s, struct evhttp_request *req);
static void reply_written(struct evhttp_request *req, void *arg);
static void http_dispatch(struct evhttp_request *req, void *arg);
static bool method_matches(enum evhttp_cmd_type route, enum evhttp_cmd_type req);
static char *allow_header(unsigned mask);
static const char *bearer_token(const char *header, char *buf, size_t size);
static void on_identity(const struct identity *id, const struct db_error *err, void *arg);
static void on_owner(bool found, int64_t owner_id, const struct db_error *err, void *arg);
static void request_read_body(struct api_request *r);
static bool media_type_parse(const char *header, char *type, size_t size);
static void request_free(struct api_request *r);

/* --- server ----------------------------------------------------------------------------- */

struct http_server *http_server_new(const struct http_server_options *opt, char **cause)
{
	struct http_server *s = xcalloc(1, sizeof *s);
	s->base = opt->base;
	s->pool = opt->pool;
	s->config = opt->config;
	s->route_tables = opt->route_tables;
	s->auth = opt->auth;
	s->app = opt->app;
	s->http = evhttp_new(s->base);
	if (s->http == NULL) {
		set_cause(cause, "cannot create the HTTP server");
		free(s);
		return NULL;
	}
	evhttp_set_allowed_methods(s->http, (ev_uint16_t)HTTP_METHODS_SEEN);
	evhttp_set_max_headers_size(s->http, HTTP_MAX_HEADERS_SIZE);
	/* Every reply of ours sets its own type anyway; libevent's own error pages (400, 413 …)
	 * are HTML and say so themselves. */
	evhttp_set_default_content_type(s->http, "application/json");
	/* Lets a client still sending an oversized body read the 413 instead of a reset. */
	if (evhttp_set_flags(s->http, EVHTTP_SERVER_LINGERING_CLOSE) != 0)
		log_warnx("event=http_lingering_close_unavailable");
	http_server_set_config(s, s->config);
	evhttp_set_gencb(s->http, http_dispatch, s);

	const char *listen = s->config->listen;
	if (listen != NULL && *listen != '\0' && http_listen_tcp(s, listen, cause) != 0)
		goto fail;
	if (s->config->unix_socket != NULL && *s->config->unix_socket != '\0' &&
	    http_listen_unix(s, s->config->unix_socket, cause) != 0)
		goto fail;
	if (s->nbound == 0) {
		set_cause(cause, "no listener: set [server] listen or unix_socket");
		goto fail;
	}
	return s;
fail:
	http_server_free(s);
	return NULL;
}

void http_server_set_config(struct http_server *s, const struct config *config)
{
	s->config = config;
	/* max_body itself is checked in http_dispatch: libevent 2.1 has no hook before it reads
	 * a server request's body, and over its own limit it answers in HTML. The cap is
	 * copied into each connection at accept: a reload changes it for new connections. */
	evhttp_set_max_body_size(s->http, (ev_ssize_t)http_body_hard_cap(config->max_body));
	evhttp_set_timeout(s->http, config->idle_timeout);
}

void http_server_stop_accepting(struct http_server *s)
{
	for (size_t i = 0; i < s->nbound; i++)
		evhttp_del_accept_socket(s->http, s->bound[i]); /* frees the listener, closes */
	s->nbound = 0;
	if (s->unix_path != NULL) {
		/* Only our own socket: a successor may already have bound a new one there. */
		struct stat st;
		if (stat(s->unix_path, &st) == 0 && st.st_dev == s->unix_dev &&
		    st.st_ino == s->unix_ino && unlink(s->unix_path) != 0)
			log_warn("event=unix_socket_unlink_failed path=%s",
				 log_quote(s->unix_path));
		free(s->unix_path);
		s->unix_path = NULL;
	}
}

/* A reply counts until written: draining must not close a connection under it. */
unsigned http_server_inflight(const struct http_server *s)
{
	return s->inflight + s->flushing;
}

void http_server_free(struct http_server *s)
{
	if (s == NULL)
		return;
	http_server_stop_accepting(s);
	if (s->inflight > 0)
		log_warnx("event=http_requests_dropped count=%u", s->inflight);
	/* Closing the connections calls connection_closed, which still needs s->conns. */
	evhttp_free(s->http);
	free(s->conns);
	free(s);
}

/* libevent's limit for a body limit of max_body: 4 × max_body, at least max_body + 1 MiB,
 * never past what ev_ssize_t holds. */
size_t http_body_hard_cap(size_t max_body)
{
	const size_t top = (size_t)SSIZE_MAX;
	size_t cap = max_body > top / HTTP_BODY_CAP_FACTOR ? top : max_body * HTTP_BODY_CAP_FACTOR;
	if (cap - max_body < HTTP_BODY_CAP_MARGIN)
		cap = max_body > top - HTTP_BODY_CAP_MARGIN ? top : max_body + HTTP_BODY_CAP_MARGIN;
	return cap;
}

/* A connection gone with replies unwritten: evhttp will not call reply_written for them. */
static void connection_closed(struct evhttp_connection *evcon, void *arg)
{
	struct http_server *s = arg;
	for (size_t i = 0; i < s->nconns; i++) {
		if (s->conns[i].evcon == evcon) {
			s->flushing -= s->conns[i].flushing;
			s->conns[i] = s->conns[--s->nconns];
			return;
		}
	}
}

static struct http_conn *connection_find(struct http_server *s, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].evcon == evcon)
			return &s->conns[i];
	return NULL;
}

/* Track the request's connection; false when it is one too many (it is tracked all the
 * same, so that its refusal is written out before a drain ends). */
static bool connection_admit(struct http_server *s, struct evhttp_request *req)
{
	if (connection_find(s, req) != NULL)
		return true;
	bool ok = s->config->max_connections <= 0 || s->nconns < (size_t)s->config->max_connections;
	if (s->nconns == s->conns_cap) {
		s->conns_cap = s->conns_cap == 0 ? 64 : s->conns_cap * 2;
		s->conns = xrealloc(s->conns, s->conns_cap * sizeof *s->conns);
	}
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	s->conns[s->nconns].evcon = evcon;
	s->conns[s->nconns].flushing = 0;
	s->nconns++;
	evhttp_connection_set_closecb(evcon, connection_closed, s);
	return ok;
}

/* evhttp wrote the whole reply (not called when the connection failed first). */
static void reply_written(struct evhttp_request *req, void *arg)
{
	struct http_server *s = arg;
	struct http_conn *c = connection_find(s, req);
	if (c != NULL && c->flushing > 0) {
		c->flushing--;
		s->flushing--;
	}
}

/* --- routing ---------------------------------------------------------------------------- */

static void http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_server *s = arg;
	struct api_request *r = xcalloc(1, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	r->server = s;
	r->req = req;
	r->method = evhttp_request_get_command(req);
	TAILQ_INIT(&r->query);
	s->inflight++;

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri == NULL ? NULL : evhttp_uri_get_path(uri);
	r->path = xstrdup(path == NULL ? "" : path);

	if (!connection_admit(s, req)) {
		api_set_header(r, "Connection", "close");
		api_problem(r, 503, "too_many_connections", NULL,
			    "the server has too many open connections; try again later");
		return;
	}
	if ((r->method & HTTP_METHODS) == 0) {
		/* evhttp read no body for an unknown method: what follows on the connection
		 * cannot be trusted to start a request. */
		api_set_header(r, "Connection", "close");
		api_problem(r, 501, "method_not_implemented", NULL,
			    "implemented: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
		return;
	}
	/* evhttp has read the whole body (up to http_body_hard_cap): max_body is ours. */
	size_t body_len = evbuffer_get_length(evhttp_request_get_input_buffer(req));
	if (body_len > s->config->max_body) {
		api_problem(r, 413, "body_too_large", NULL,
			    "the body has %zu bytes; this server takes at most %zu (max_body)",
			    body_len, s->config->max_body);
		return;
	}

	char *segs[HTTP_MAX_SEGMENTS];
	size_t nsegs = 0;
	int rc = http_path_split(r->path, segs, &nsegs);
	if (rc == -1) {
		for (size_t i = 0; i < nsegs; i++)
			free(segs[i]);
		api_problem(r, 400, "malformed_path", NULL,
			    "the path has invalid percent-encoding, a NUL byte or invalid UTF-8");
		return;
	}

	unsigned allowed = 0;
	struct http_span spans[HTTP_MAX_PARAMS], tmp[HTTP_MAX_PARAMS];
	unsigned nspans = 0;
	for (const struct route *const *t = s->route_tables; rc == 0 && *t != NULL; t++) {
		for (const struct route *rt = *t; rt->pattern != NULL; rt++) {
			unsigned n = 0;
			if (!http_path_match(rt->pattern, segs, nsegs, tmp, &n))
				continue;
			allowed |= rt->method;
			if (r->route == NULL && method_matches(rt->method, r->method)) {
				r->route = rt;
				nspans = n;
				memcpy(spans, tmp, n * sizeof tmp[0]);
			}
		}
	}
	for (unsigned i = 0; r->route != NULL && i < nspans; i++) {
		if (spans[i].count == 1)
			r->params[i] = xstrdup(segs[spans[i].first]);
		else
			r->params[i] =
			    xasprintf("%s/%s", segs[spans[i].first], segs[spans[i].first + 1]);
	}
	r->nparams = r->route != NULL ? nspans : 0;
	/* Routes win over files: only a path no route takes may name one. */
	bool served = allowed == 0 && rc == 0 && http_web_serve(r, segs, nsegs);
	for (size_t i = 0; i < nsegs; i++)
		free(segs[i]);
	if (served)
		return;

	if (allowed == 0) {
		api_problem(r, 404, "not_found", NULL, "no resource at this path");
		return;
	}
	if (r->method == EVHTTP_REQ_OPTIONS && r->route == NULL) {
		char *allow = allow_header(allowed | EVHTTP_REQ_OPTIONS);
		api_set_header(r, "Allow", allow);
		free(allow);
		api_reply_empty(r, 204);
		return;
	}
	if (r->route == NULL) {
		char *allow = allow_header(allowed);
		api_set_header(r, "Allow", allow);
		api_problem(r, 405, "method_not_allowed", NULL, "allowed here: %s", allow);
		free(allow);
		return;
	}

	const char *query = evhttp_uri_get_query(uri);
	bool query_ok = query == NULL || evhttp_parse_query_str(query, &r->query) == 0;
	for (struct evkeyval *kv = TAILQ_FIRST(&r->query); query_ok && kv != NULL;
	     kv = TAILQ_NEXT(kv, next))
		query_ok = utf8_valid(kv->key, strlen(kv->key)) &&
			   utf8_valid(kv->value, strlen(kv->value));
	if (!query_ok) {
		api_problem(r, 400, "malformed_query", NULL,
			    "the query string must be key=value pairs joined by & in UTF-8");
		return;
	}

	if (r->route->role == ROLE_PUBLIC) {
		request_read_body(r);
		return;
	}
	char buf[256];
	const char *header = api_header(r, "Authorization");
	const char *token = header == NULL ? NULL : bearer_token(header, buf, sizeof buf);
	if (header == NULL && (r->route->flags & ROUTE_METRICS) &&
	    http_peer_is_local(evhttp_connection_get_addr(evhttp_request_get_connection(req)))) {
		request_read_body(r);
		return;
	}
	if (header == NULL && (r->route->flags & ROUTE_FEED_KEY) && api_query(r, "key") != NULL) {
		r->by_key = true;
		token = api_query(r, "key");
	}
	/* The web view's session: only without an Authorization header (a bearer token wins). */
	const char *cookie = header == NULL && token == NULL ? api_header(r, "Cookie") : NULL;
	if (cookie != NULL && auth_session_cookie(cookie, buf, sizeof buf)) {
		r->by_cookie = true;
		auth_session_lookup(s->auth, buf, on_identity, r);
		return;
	}
	if (token == NULL) {
		api_set_header(r, "WWW-Authenticate", "Bearer realm=\"suivi\"");
		api_problem(r, 401, header == NULL ? "missing_token" : "invalid_token", NULL,
			    "send Authorization: Bearer <token>");
		return;
	}
	auth_lookup(s->auth, token, on_identity, r);
}

/* Whether the peer is this machine: a Unix socket, 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. */
bool http_peer_is_local(const struct sockaddr *sa)
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_UNIX)
		return true;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

static bool method_matches(enum evhttp_cmd_type route, enum evhttp_cmd_type req)
{
	return route == req || (route == EVHTTP_REQ_GET && req == EVHTTP_REQ_HEAD);
}

static char *allow_header(unsigned mask)
{
	static const struct {
		enum evhttp_cmd_type method;
		const char *name;
	} names[] = {
	    {EVHTTP_REQ_GET, "GET"},         {EVHTTP_REQ_HEAD, "HEAD"},
	    {EVHTTP_REQ_POST, "POST"},       {EVHTTP_REQ_PUT, "PUT"},
	    {EVHTTP_REQ_PATCH, "PATCH"},     {EVHTTP_REQ_DELETE, "DELETE"},
	    {EVHTTP_REQ_OPTIONS, "OPTIONS"},
	};
	if (mask & EVHTTP_REQ_GET)
		mask |= EVHTTP_REQ_HEAD;
	char buf[64] = "";
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (mask & names[i].method) {
			if (buf[0] != '\0')
				strcat(buf, ", ");
			strcat(buf, names[i].name);
		}
	}
	return xstrdup(buf);
}

/* "Bearer <token>" with any case of the scheme; NULL when the header is anything else. */
static const char *bearer_token(const char *header, char *buf, size_t size)
{
	while (*header == ' ' || *header == '\t')
		header++;
	if (strncasecmp(header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\t'))
		return NULL;
	const char *p = header + 6;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t len = strcspn(p, " \t");
	const char *after = p + len;
	while (*after == ' ' || *after == '\t')
		after++;
	if (len == 0 || len >= size || *after != '\0')
		return NULL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static void on_identity(const struct identity *id, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	if (err != NULL) {
		api_problem_db(r, err);
		return;
	}
	if (id == NULL && r->by_cookie) {
		api_problem(r, 401, "invalid_session", NULL,
			    "the session is unknown, expired or revoked: sign in again");
		return;
	}
	if (id == NULL) {
		api_set_header(r, "WWW-Authenticate",
			       "Bearer realm=\"suivi\", error=\"invalid_token\"");
		api_problem(r, 401, "invalid_token", NULL, "unknown or revoked token");
		return;
	}
	r->authenticated = true;
	r->identity = *id;
	r->identity.name = xstrdup(id->name);
	/* A cookie goes with any request the browser sends, a cross-site form's too; a custom
	 * header cannot be sent cross-site without CORS, which suivid never grants. */
	const char *csrf = api_header(r, "X-Suivi-CSRF");
	if (r->by_cookie && r->method != EVHTTP_REQ_GET && r->method != EVHTTP_REQ_HEAD &&
	    (csrf == NULL || strcmp(csrf, "1") != 0)) {
		api_problem(r, 403, "csrf", NULL,
			    "a write with the session cookie must carry X-Suivi-CSRF: 1");
		return;
	}
	if (r->by_key && id->role != ROLE_FEED) {
		api_problem(
		    r, 403, "not_a_feed_token", NULL,
		    "only a feed token may be passed as ?key=; send others as a bearer token");
		return;
	}
	/* A feed or metrics token on a route made for it. */
	bool feed_ok = (id->role == ROLE_FEED && (r->route->flags & ROUTE_FEED_KEY)) ||
		       (id->role == ROLE_METRICS && (r->route->flags & ROUTE_METRICS));
	bool mail_only = (r->route->flags & ROUTE_MAIL_ONLY) != 0;
	if (mail_only ? id->role != ROLE_MAIL && id->role != ROLE_ADMIN
		      : id->role < r->route->role && !feed_ok) {
		api_problem(r, 403, "forbidden", NULL, "role %s may not do this (needs %s)",
			    role_name(id->role), role_name(r->route->role));
		return;
	}
	if ((r->route->flags & ROUTE_OWNER_SCOPED) && id->role == ROLE_OWNER) {
		if (r->nparams == 0) {
			log_warnx("event=route_misconfigured pattern=%s", r->route->pattern);
			api_problem(r, 500, "internal_error", NULL, "internal error");
			return;
		}
		auth_recommendation_owner(r->server->auth, r->params[0], on_owner, r);
		return;
	}
	request_read_body(r);
}

static void on_owner(bool found, int64_t owner_id, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	if (err != NULL) {
		api_problem_db(r, err);
		return;
	}
	if (found && owner_id != r->identity.owner_id) {
		api_problem(r, 403, "not_your_recommendation", NULL,
			    "an owner token may act only on the recommendations its owner leads");
		return;
	}
	request_read_body(r);
}

/* Check the content type and parse the body, then hand over to the route's handler. */
static void request_read_body(struct api_request *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	const char *data = len == 0 ? "" : (const char *)evbuffer_pullup(in, -1);
	const char *header = api_header(r, "Content-Type");
	char type[64] = "";
	bool type_ok = header == NULL || media_type_parse(header, type, sizeof type);

	switch (r->route->body) {
	case BODY_NONE:
		break;
	case BODY_JSON:
		if (header == NULL && len == 0) {
			r->body_json = json_object();
			break;
		}
		if (!type_ok || strcmp(type, "application/json") != 0) {
			api_problem(r, 415, "unsupported_media_type", NULL,
				    "send the body as application/json");
			return;
		}
		json_error_t jerr;
		r->body_json = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
		if (r->body_json == NULL) {
			utf8_scrub(jerr.text); /* it quotes the body, maybe inside a character */
			api_problem(r, 400, "malformed_json", NULL, "line %d, column %d: %s",
				    jerr.line, jerr.column, jerr.text);
			return;
		}
		break;
	case BODY_IMPORT:
		if (!type_ok || (strcmp(type, "text/plain") != 0 && strcmp(type, "text/csv") != 0 &&
				 strcmp(type, "application/json") != 0)) {
			api_problem(r, 415, "unsupported_media_type", NULL,
				    "send the body as text/plain, text/csv or application/json");
			return;
		}
		r->body_type = strcmp(type, "text/plain") == 0 ? "text/plain"
			       : strcmp(type, "text/csv") == 0 ? "text/csv"
							       : "application/json";
		if (strncmp(type, "text/", 5) == 0 &&
		    (!utf8_valid(data, len) || memchr(data, '\0', len) != NULL)) {
			api_problem(r, 400, "malformed_body", NULL,
				    "the body is not valid UTF-8 text");
			return;
		}
		r->body = xmalloc(len + 1);
		memcpy(r->body, data, len);
		r->body[len] = '\0';
		r->body_len = len;
		break;
	case BODY_MAIL:
		if (!type_ok || strcmp(type, "message/rfc822") != 0) {
			api_problem(r, 415, "unsupported_media_type", NULL,
				    "send the message as message/rfc822");
			return;
		}
		r->body_type = "message/rfc822";
		r->body = xmalloc(len + 1);
		memcpy(r->body, data, len);
		r->body[len] = '\0';
		r->body_len = len;
		break;
	}
	r->route->handler(r);
}

/* Lower-cased media type of a Content-Type; false when its charset is not UTF-8. */
static bool media_type_parse(const char *header, char *type, size_t size)
{
	size_t n = strcspn(header, ";");
	char *copy = xstrndup(header, n);
	str_trim(copy);
	bool ok = strlen(copy) < size;
	if (ok) {
		for (size_t i = 0; copy[i] != '\0'; i++)
			type[i] = (char)(copy[i] >= 'A' && copy[i] <= 'Z' ? copy[i] + 32 : copy[i]);
		type[strlen(copy)] = '\0';
	}
	free(copy);
	for (const char *p = header + n; ok && *p == ';';) {
		p++;
		size_t plen = strcspn(p, ";");
		char *param = xstrndup(p, plen);
		str_trim(param);
		if (strncasecmp(param, "charset=", 8) == 0) {
			const char *v = param + 8;
			ok = strcasecmp(v, "utf-8") == 0 || strcasecmp(v, "\"utf-8\"") == 0;
		}
		free(param);
		p += plen;
	}
	return ok;
}

/* --- sending ---------------------------------------------------------------------------- */

/* Send, log and free: the one way out of every request. */
void http_request_send(struct api_request *r, int status, const char *type, const char *data,
		       size_t len)
{
	struct evbuffer *buf = evbuffer_new();
	if (buf == NULL || (len > 0 && evbuffer_add(buf, data, len) != 0))
		fatalx("event=out_of_memory where=http_reply");
	http_request_send_buffer(r, status, type, buf);
	evbuffer_free(buf);
}

void http_request_send_buffer(struct api_request *r, int status, const char *type,
			      struct evbuffer *buf)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);
	http_security_headers(out);
	if (type != NULL) {
		evhttp_remove_header(out, "Content-Type");
		evhttp_add_header(out, "Content-Type", type);
	}
	/* HEAD: the length of what GET would send, and no body (evhttp 2.1 writes the body of a
	 * HEAD answer as given, and adds no Content-Length to it). */
	size_t len = evbuffer_get_length(buf);
	if (r->method == EVHTTP_REQ_HEAD && status >= 200 && status != 204 && status != 304) {
		char clen[24];
		snprintf(clen, sizeof clen, "%zu", len);
		evhttp_remove_header(out, "Content-Length");
		evhttp_add_header(out, "Content-Length", clen);
		evbuffer_drain(buf, len);
	}
	struct http_conn *c = connection_find(r->server, r->req);
	if (c != NULL) {
		c->flushing++;
		r->server->flushing++;
		evhttp_request_set_on_complete_cb(r->req, reply_written, r->server);
	}
	evhttp_send_reply(r->req, status, http_status_phrase(status), buf);

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - r->started.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - r->started.tv_nsec) / 1e6;
	static const char *const methods[] = {"GET",     "POST",  "HEAD",    "PUT",  "DELETE",
					      "OPTIONS", "TRACE", "CONNECT", "PATCH"};
	const char *method = "?";
	for (size_t i = 0; i < ARRAY_LEN(methods); i++)
		if (r->method == (enum evhttp_cmd_type)(1u << i))
			method = methods[i];
	metrics_http_request(r->route != NULL ? r->route->pattern
			     : r->web         ? "(web)"
					      : NULL,
			     method, status, ms / 1e3);
	const char *path = log_quote(r->path);
	log_info("event=request method=%s path=%s status=%d ms=%.1f actor=%s", method, path, status,
		 ms, r->authenticated ? log_quote(r->identity.name) : "-");
	request_free(r);
}

static void request_free(struct api_request *r)
{
	r->server->inflight--;
	for (unsigned i = 0; i < r->nparams; i++)
		free(r->params[i]);
	evhttp_clear_headers(&r->query);
	free(r->body);
	json_decref(r->body_json);
	free(r->identity.name);
	free(r->path);
	free(r);
}
