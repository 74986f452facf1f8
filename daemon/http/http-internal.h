/* http-internal.h — the server's and the request's insides, shared by http.c (listeners,
 * routing, authentication) and http-reply.c (accessors, replies). Not for handlers. */
#ifndef SUIVI_HTTP_INTERNAL_H
#define SUIVI_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http/http.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_SEGMENTS 32
#define HTTP_MAX_LISTENERS 2

struct http_server {
	struct event_base *base;
	struct db_pool *pool;
	const struct config *config;
	const struct route *const *route_tables;
	struct auth *auth;
	void *app;
	struct evhttp *http;

	struct evhttp_bound_socket *bound[HTTP_MAX_LISTENERS];
	size_t nbound;
	char *unix_path; /* the socket we created, unlinked when we stop */
	dev_t unix_dev;
	ino_t unix_ino;

	unsigned inflight; /* handed to a handler, not answered yet */
	unsigned flushing; /* answered, reply not yet written out */
	/* evhttp 2.1 has no connection limit: connections are counted from their first
	 * request to their close callback. */
	struct http_conn *conns;
	size_t nconns, conns_cap;
};

/* A connection that has carried a request, and its replies still being written. */
struct http_conn {
	struct evhttp_connection *evcon;
	unsigned flushing;
};

struct api_request {
	struct http_server *server;
	struct evhttp_request *req;
	const struct route *route;
	enum evhttp_cmd_type method;
	char *path; /* raw, for the log */
	char *params[HTTP_MAX_PARAMS];
	unsigned nparams;
	struct evkeyvalq query;
	char *body; /* BODY_IMPORT: NUL-terminated copy */
	size_t body_len;
	const char *body_type;
	json_t *body_json;
	bool authenticated;
	bool by_key;    /* the token came as ?key= (ROUTE_FEED_KEY routes) */
	bool by_cookie; /* the session came as the suivi_session cookie */
	bool web;       /* a file of web_dir is the answer */
	struct identity identity;
	struct timespec started;
};

/* Path parameters matched by a pattern: segs[first .. first + count - 1]. */
struct http_span {
	size_t first, count;
};

/* Split "/a/b%20c" into decoded segments (caller frees each); -1 on bad encoding, 1 when
 * too deep (or not absolute) to match any route. */
int http_path_split(const char *path, char **segs, size_t *nsegs);
/* Whether segs match pattern pat; spans get the {param} segments. */
bool http_path_match(const char *pat, char *const *segs, size_t nsegs, struct http_span *spans,
		     unsigned *nspans);
/* Whether a peer address is this machine (ROUTE_METRICS without a token). */
/* Listen for s->http on "127.0.0.1:8470" or "[::1]:8470" (numeric only), or on a Unix
 * socket path (http-listen.c). */
int http_listen_tcp(struct http_server *s, const char *spec, char **cause);
int http_listen_unix(struct http_server *s, const char *path, char **cause);
bool http_peer_is_local(const struct sockaddr *sa);
/* Only ASCII digits (true for ""). */
bool http_all_digits(const char *s);

/* Answer r with a file of [server] web_dir when the web view is on and segs (the decoded
 * path) name one it may serve; false (nothing sent) otherwise. */
bool http_web_serve(struct api_request *r, char *const *segs, size_t nsegs);
/* The headers of every answer: Content-Security-Policy, nosniff, no-referrer, DENY. */
void http_security_headers(struct evkeyvalq *out);

/* Send the reply, log the request line, and free r. */
void http_request_send(struct api_request *r, int status, const char *type, const char *data,
		       size_t len);
/* The same with the body in buf, whose contents are taken (buf stays the caller's). */
void http_request_send_buffer(struct api_request *r, int status, const char *type,
			      struct evbuffer *buf);

#endif
