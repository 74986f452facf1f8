/* conn.h — a small blocking HTTP/1.1 client for suivid: one request per connection over TCP
 * (http://host:port[/prefix]) or a Unix socket (unix:/path), bounded in time with poll
 * (connect 5 s, the whole exchange 30 s), Content-Length, chunked and close-delimited
 * bodies. */
#ifndef SUIVI_CONN_H
#define SUIVI_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define CONN_CONNECT_TIMEOUT_MS 5000
#define CONN_REQUEST_TIMEOUT_MS 30000
#define CONN_MAX_HEADER (64 * 1024)
#define CONN_MAX_BODY (256 * 1024 * 1024)

struct conn_url {
	bool unix_socket;
	char *host;   /* http: host name or address, without [] for IPv6 */
	char *port;   /* http: decimal port, "80" when absent */
	char *prefix; /* http: path prefix without trailing '/', "" when none */
	char *path;   /* unix: the socket path */
};

struct conn_request {
	const char *method;
	const char *path;         /* starts with '/', query included; the prefix is added */
	const char *token;        /* NULL: no Authorization header */
	const char *accept;       /* NULL: application/json */
	const char *content_type; /* with a body */
	const char *body;         /* NULL: no body */
	size_t body_len;
	int connect_timeout_ms; /* 0: CONN_CONNECT_TIMEOUT_MS */
	int timeout_ms;         /* 0: CONN_REQUEST_TIMEOUT_MS */
};

struct conn_response {
	int status;
	char *content_type; /* NULL when absent */
	char *location;     /* NULL when absent */
	char *body;         /* NUL-terminated (the body itself may hold NULs) */
	size_t body_len;
};

/* Parse a suivi URL; cause says what is wrong. */
int conn_url_parse(const char *url, struct conn_url *out, char **cause) WUR;
void conn_url_free(struct conn_url *u);
/* Send one request and read the whole answer. Fails (cause set) when the server cannot be
 * reached, does not answer in time or answers something that is not HTTP. */
int conn_do(const struct conn_url *u, const struct conn_request *req, struct conn_response *out,
	    char **cause) WUR;
/* Parse a response from the bytes received so far: 1 complete (out filled), 0 more bytes
 * needed, -1 malformed (cause set). eof says the peer has closed, which ends a body that has
 * neither Content-Length nor chunked encoding. */
int conn_parse_response(const char *buf, size_t len, bool eof, struct conn_response *out,
			char **cause) WUR;
void conn_response_free(struct conn_response *r);

#endif
