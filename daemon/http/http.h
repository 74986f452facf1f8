/* http.h — the HTTP/1.1 JSON server: evhttp listeners, a route table, authentication and
 * role checks in one place, RFC 9457 problem+json errors, graceful drain.
 *
 * Every API resource file exports a {0}-terminated `const struct route` table; the router
 * matches method and path, authenticates the bearer token, checks the route's role, checks
 * the body's content type and parses JSON bodies, then calls the handler. A handler answers
 * exactly once, possibly later from a database callback, with api_reply* or api_problem*,
 * which also frees the request.
 *
 * Layer rule: http may use db and core; only api uses http. */
#ifndef SUIVI_HTTP_H
#define SUIVI_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "http/auth.h"
#include "core/config.h"
#include "db/db.h"
#include "util.h"

/* Patterns. Segments are compared after percent-decoding (invalid %-escapes, NUL or invalid
 * UTF-8 in a segment: 400). A literal segment matches itself; {name} matches one non-empty
 * segment; {ref} matches a recommendation address: one all-digits segment (an id), or a
 * ref "meeting-code/n" written as two segments ("/bamako-2019/3/…") or as one segment with
 * an encoded slash ("/bamako-2019%2F3/…"), n all digits. api_param() gives "42" or
 * "bamako-2019/3". When several routes match a path, the first in table order whose method
 * matches wins; a path that matches only with other methods gets 405 and Allow, none 404.
 * HEAD is served by GET routes; OPTIONS answers 204 with Allow.
 *
 * Order of checks: route (404/405), query string (400), bearer token (401; 503 when the
 * database is unavailable), role (403), owner scope of ROUTE_OWNER_SCOPED routes (403),
 * content type (415), body (400), then the handler. */

/* What the body of a route must be. */
enum route_body {
	BODY_NONE = 0, /* no body expected (GET, DELETE): a body is ignored */
	BODY_JSON,     /* application/json object or array, parsed before the handler; an
			* empty body without Content-Type counts as {} */
	BODY_IMPORT,   /* text/plain, text/csv or application/json, handed over raw */
	BODY_MAIL,     /* message/rfc822, handed over raw (any octets) */
};

/* Route flags. */
#define ROUTE_OWNER_SCOPED                                                                         \
	0x1u /* owner tokens only on recommendations they lead: the                                \
	      * router resolves path parameter 0 ({ref}) before the handler                        \
	      * and answers 403 "not_your_recommendation"; a recommendation                        \
	      * that does not exist is left to the handler's 404 */
#define ROUTE_FEED_KEY                                                                             \
	0x2u /* also open to a feed token (role feed), as a bearer token or as                     \
	      * ?key= (calendar programs cannot send headers); ?key= takes                         \
	      * only feed tokens, so that no wider token ends up in a URL */
#define ROUTE_METRICS                                                                              \
	0x8u /* also open to a metrics token (role metrics), and to a request                      \
	      * from this machine (loopback or the Unix socket) that sends no                      \
	      * Authorization header: Prometheus' own scrape needs no token */

#define ROUTE_MAIL_ONLY                                                                            \
	0x4u /* the inbound mail route: a mail token (or admin) and nothing else; a mail           \
	      * token is below viewer, so it opens no other route */

struct api_request;
typedef void (*route_handler)(struct api_request *r);

struct route {
	enum evhttp_cmd_type method;
	const char *pattern; /* "/v1/owners/{handle}": see "Patterns" above */
	enum role role;      /* least role allowed; ROLE_PUBLIC needs no token */
	enum route_body body;
	unsigned flags;
	route_handler handler;
};

struct http_server;

struct http_server_options {
	struct event_base *base;
	struct db_pool *pool;
	const struct config *config;
	const struct route *const *route_tables; /* NULL-terminated list of {0}-ended tables */
	struct auth *auth;
	void *app; /* handed to handlers through api_app() */
};

/* Bind the listeners of config (listen, unix_socket). Returns NULL with *cause on error. */
struct http_server *http_server_new(const struct http_server_options *opt, char **cause) WUR;
/* Apply a reloaded configuration (timeouts, body limit); listeners stay as they are. */
void http_server_set_config(struct http_server *s, const struct config *config);
/* libevent's own body limit for max_body (4 × max_body, at least max_body + 1 MiB): bodies
 * up to it get suivid's 413 problem+json, longer ones libevent's HTML 413. */
size_t http_body_hard_cap(size_t max_body);
/* Stop accepting new connections; requests in flight go on. */
void http_server_stop_accepting(struct http_server *s);
/* Requests received and not yet answered. */
unsigned http_server_inflight(const struct http_server *s);
/* Call after the pool is freed (its pending work answers the requests that wait on it):
 * requests still unanswered are dropped with their connections. */
void http_server_free(struct http_server *s);

/* --- for handlers ---------------------------------------------------------------------- */

struct db_pool *api_pool(struct api_request *r);
const struct config *api_config(struct api_request *r);
struct event_base *api_base(struct api_request *r);
void *api_app(struct api_request *r);
const struct identity *api_identity(struct api_request *r);
enum evhttp_cmd_type api_method(struct api_request *r);

/* Path parameter i (0-based, in pattern order), percent-decoded, valid UTF-8. */
const char *api_param(struct api_request *r, unsigned i);
/* Query parameter: the first value, NULL when absent. */
const char *api_query(struct api_request *r, const char *key);
/* Every value of a repeatable query parameter, in order; returns how many (up to max). */
size_t api_query_all(struct api_request *r, const char *key, const char **out, size_t max);
/* Calls fn for each query parameter; used to refuse unknown parameters. */
void api_query_each(struct api_request *r,
		    void (*fn)(const char *key, const char *value, void *arg), void *arg);
/* A request header, NULL when absent. */
const char *api_header(struct api_request *r, const char *name);
/* Whether the request's If-None-Match lists etag or is "*" (weak comparison): answer 304. */
bool api_if_none_match(struct api_request *r, const char *etag);
/* The parsed JSON body (BODY_JSON routes), borrowed. */
json_t *api_body_json(struct api_request *r);
/* The raw body (BODY_IMPORT routes), NUL-terminated, borrowed, and its media type
 * ("text/plain", "text/csv", "application/json"). */
const char *api_body(struct api_request *r, size_t *len);
const char *api_body_type(struct api_request *r);

/* Add a response header (value must not contain CR or LF: refused silently otherwise). */
void api_set_header(struct api_request *r, const char *name, const char *value);

/* Answer with a JSON document (stolen) and free the request. */
void api_reply_json(struct api_request *r, int status, json_t *body);
/* JSON text already written in buf (its contents are taken; buf stays the caller's). */
void api_reply_json_buffer(struct api_request *r, int status, struct evbuffer *buf);
/* 201 with Location. */
void api_reply_created(struct api_request *r, json_t *body, const char *location);
/* Answer with bytes of a given content type. */
void api_reply_bytes(struct api_request *r, int status, const char *content_type, const char *data,
		     size_t len);
/* 204, no body. */
void api_reply_empty(struct api_request *r, int status);
/* Answer with application/problem+json: code is a short snake_case reason
 * ("invalid_transition"); errors (stolen, may be NULL) is an array of {field, message}. */
void api_problem(struct api_request *r, int status, const char *code, json_t *errors,
		 const char *detail_fmt, ...) PRINTFLIKE(5, 6);
/* Reason phrase of a status, also a problem's title. */
const char *http_status_phrase(int status);
/* Answer for a failed database call: 503 when unavailable, 409/422 by SQLSTATE, otherwise
 * 500 with the cause logged and not shown. */
void api_problem_db(struct api_request *r, const struct db_error *err);

#endif
