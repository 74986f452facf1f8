/* conn.c — the client's HTTP/1.1: one blocking request per connection, every wait bounded
 * with poll, "Connection: close" so the answer ends at the latest when the server closes. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

static long now_ms(void);
static int remaining_ms(long deadline);
static bool valid_host(const char *h, bool ipv6);
static int connect_fd(int fd, const struct sockaddr *sa, socklen_t salen, long deadline,
		      char **cause);
static int open_socket(const struct conn_url *u, long connect_deadline, char **cause);
static int send_all(int fd, const char *p, size_t len, long deadline, char **cause);
static char *build_head(const struct conn_url *u, const struct conn_request *req, char **cause);
static void buf_add(struct buf *b, const void *p, size_t n);
static const char *find_head_end(const char *buf, size_t len);
static int parse_head(const char *buf, const char *end, struct conn_response *out,
		      long long *content_length, bool *chunked, char **cause);
static int decode_chunked(const char *p, size_t len, struct buf *body, char **cause);
static bool header_safe(const char *s);

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(long deadline)
{
	long left = deadline - now_ms();
	return left > 0 ? (int)left : 0;
}

/* Host names and IPv4 addresses: letters, digits, '.', '-'; IPv6 between brackets: hex
 * digits, ':', '.' (embedded IPv4) and a '%' zone. Anything else would end up in the Host
 * header or be a typing error. */
static bool valid_host(const char *h, bool ipv6)
{
	if (h[0] == '\0')
		return false;
	for (const char *p = h; *p != '\0'; p++) {
		char c = *p;
		bool ok = (c >= '0' && c <= '9') || c == '.';
		if (ipv6)
			ok = ok || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
			     c == '%';
		else
			ok = ok || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

int conn_url_parse(const char *url, struct conn_url *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (strncmp(url, "unix:", 5) == 0) {
		const char *path = url + 5;
		struct sockaddr_un sun;
		if (strncmp(path, "//", 2) == 0)
			path += 2;
		if (path[0] != '/') {
			set_cause(cause, "%s: a unix: URL needs an absolute socket path", url);
			return -1;
		}
		if (strlen(path) >= sizeof sun.sun_path) {
			set_cause(cause, "%s: socket path longer than %zu bytes", url,
				  sizeof sun.sun_path - 1);
			return -1;
		}
		out->unix_socket = true;
		out->path = xstrdup(path);
		return 0;
	}
	if (strncmp(url, "https://", 8) == 0) {
		set_cause(cause,
			  "%s: https is not supported; reach suivid over http:// on a "
			  "trusted network, a Unix socket or a tunnel",
			  url);
		return -1;
	}
	if (strncmp(url, "http://", 7) != 0) {
		set_cause(cause, "%s: the URL must start with http:// or unix:", url);
		return -1;
	}
	const char *auth = url + 7;
	size_t alen = strcspn(auth, "/");
	const char *path = auth + alen;
	if (strpbrk(url, "?# \t\r\n") != NULL || memchr(auth, '@', alen) != NULL) {
		set_cause(cause, "%s: the URL may hold only a host, a port and a path", url);
		return -1;
	}
	char *a = xstrndup(auth, alen);
	char *host, *port = NULL;
	bool ipv6 = false;
	if (a[0] == '[') {
		char *close = strchr(a, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			goto bad;
		*close = '\0';
		host = a + 1;
		ipv6 = true;
		if (close[1] == ':')
			port = close + 2;
	} else {
		host = a;
		char *colon = strchr(a, ':');
		if (colon != NULL) {
			*colon = '\0';
			port = colon + 1;
		}
	}
	if (!valid_host(host, ipv6))
		goto bad;
	if (port != NULL) {
		char *end;
		if (port[0] < '0' || port[0] > '9')
			goto bad;
		errno = 0;
		long n = strtol(port, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 65535)
			goto bad;
	}
	out->host = xstrdup(host);
	out->port = xstrdup(port != NULL ? port : "80");
	size_t plen = strlen(path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	out->prefix = xstrndup(path, plen);
	free(a);
	return 0;
bad:
	set_cause(cause, "%s: not a valid http://host:port URL", url);
	free(a);
	return -1;
}

void conn_url_free(struct conn_url *u)
{
	free(u->host);
	free(u->port);
	free(u->prefix);
	free(u->path);
	memset(u, 0, sizeof *u);
}

/* A non-blocking connect finished by poll: writable means done, SO_ERROR says how. */
static int connect_fd(int fd, const struct sockaddr *sa, socklen_t salen, long deadline,
		      char **cause)
{
	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR) {
		set_cause(cause, "%s", strerror(errno));
		return -1;
	}
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		int n = poll(&pfd, 1, remaining_ms(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_cause(cause, "%s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			set_cause(cause, "no connection within %d seconds",
				  CONN_CONNECT_TIMEOUT_MS / 1000);
			return -1;
		}
		break;
	}
	int err = 0;
	socklen_t elen = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		err = errno;
	if (err != 0) {
		set_cause(cause, "%s", strerror(err));
		return -1;
	}
	return 0;
}

static int open_socket(const struct conn_url *u, long connect_deadline, char **cause)
{
	int fd;

	if (u->unix_socket) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", u->path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			set_cause(cause, "socket: %s", strerror(errno));
			return -1;
		}
		if (connect_fd(fd, (struct sockaddr *)&sun, sizeof sun, connect_deadline, cause) <
		    0) {
			close(fd);
			return -1;
		}
		return fd;
	}

	/* Numeric hosts never touch DNS; "localhost" comes from /etc/hosts through NSS. */
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	int gai = getaddrinfo(u->host, u->port, &hints, &res);
	if (gai != 0) {
		set_cause(cause, "%s: %s", u->host, gai_strerror(gai));
		return -1;
	}
	fd = -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			set_cause(cause, "socket: %s", strerror(errno));
			continue;
		}
		if (connect_fd(fd, ai->ai_addr, ai->ai_addrlen, connect_deadline, cause) == 0)
			break;
		close(fd);
		fd = -1;
		if (remaining_ms(connect_deadline) == 0)
			break;
	}
	freeaddrinfo(res);
	return fd;
}

static int send_all(int fd, const char *p, size_t len, long deadline, char **cause)
{
	while (len > 0) {
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		int n = poll(&pfd, 1, remaining_ms(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_cause(cause, n == 0 ? "timed out sending the request" : "poll: %s",
				  strerror(errno));
			return -1;
		}
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0) {
			set_cause(cause, "%s", strerror(errno));
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* No CR, LF or other control character may reach a header line or the request line. */
static bool header_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return false;
	}
	return true;
}

static char *build_head(const struct conn_url *u, const struct conn_request *req, char **cause)
{
	if (!header_safe(req->method) || !header_safe(req->path) || strchr(req->path, ' ') ||
	    (req->token != NULL && !header_safe(req->token)) ||
	    (req->accept != NULL && !header_safe(req->accept)) ||
	    (req->content_type != NULL && !header_safe(req->content_type))) {
		set_cause(cause, "refusing to send a request with control characters in it");
		return NULL;
	}
	char *host;
	if (u->unix_socket)
		host = xstrdup("localhost");
	else if (strchr(u->host, ':') != NULL)
		host = xasprintf("[%s]:%s", u->host, u->port);
	else
		host = xasprintf("%s:%s", u->host, u->port);
	char *auth = req->token != NULL ? xasprintf("Authorization: Bearer %s\r\n", req->token)
					: xstrdup("");
	bool has_body = req->body != NULL || strcmp(req->method, "POST") == 0 ||
			strcmp(req->method, "PATCH") == 0 || strcmp(req->method, "PUT") == 0;
	char *body_headers =
	    has_body ? xasprintf("Content-Type: %s\r\nContent-Length: %zu\r\n",
				 req->content_type != NULL ? req->content_type : "application/json",
				 req->body != NULL ? req->body_len : 0)
		     : xstrdup("");
	char *head = xasprintf(
	    "%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: suivi/%s\r\n"
	    "Accept: %s\r\n%s%sConnection: close\r\n\r\n",
	    req->method, u->unix_socket ? "" : u->prefix, req->path, host, PACKAGE_VERSION,
	    req->accept != NULL ? req->accept : "application/json", auth, body_headers);
	free(host);
	free(auth);
	free(body_headers);
	return head;
}

static void buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;
		while (b->len + n + 1 > cap)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

int conn_do(const struct conn_url *u, const struct conn_request *req, struct conn_response *out,
	    char **cause)
{
	long start = now_ms();
	long deadline = start + (req->timeout_ms > 0 ? req->timeout_ms : CONN_REQUEST_TIMEOUT_MS);
	long cdeadline = start + (req->connect_timeout_ms > 0 ? req->connect_timeout_ms
							      : CONN_CONNECT_TIMEOUT_MS);
	struct buf in = {0};
	char *send_cause = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (cdeadline > deadline)
		cdeadline = deadline;
	char *head = build_head(u, req, cause);
	if (head == NULL)
		return -1;
	int fd = open_socket(u, cdeadline, cause);
	if (fd < 0) {
		free(head);
		return -1;
	}
	/* A server may answer (413, 401) and close before reading the whole body: keep what it
	 * says rather than the broken pipe. */
	if (send_all(fd, head, strlen(head), deadline, &send_cause) == 0 && req->body != NULL)
		(void)!send_all(fd, req->body, req->body_len, deadline, &send_cause);

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int n = poll(&pfd, 1, remaining_ms(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_cause(cause, "poll: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			set_cause(cause, "no answer within %d seconds",
				  (int)((deadline - start) / 1000));
			break;
		}
		char chunk[65536];
		ssize_t r = recv(fd, chunk, sizeof chunk, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0 && in.len == 0 && send_cause != NULL) {
			set_cause(cause, "%s", send_cause);
			break;
		}
		if (r < 0) {
			set_cause(cause, "%s", strerror(errno));
			break;
		}
		if (in.len + (size_t)r > (size_t)CONN_MAX_BODY + CONN_MAX_HEADER) {
			set_cause(cause, "answer larger than %d MiB", CONN_MAX_BODY >> 20);
			break;
		}
		buf_add(&in, chunk, (size_t)r);
		int p =
		    conn_parse_response(in.data != NULL ? in.data : "", in.len, r == 0, out, cause);
		if (p == 1) {
			rc = 0;
			break;
		}
		if (p < 0)
			break;
		if (r == 0) {
			set_cause(cause, in.len == 0
					     ? "connection closed without an answer"
					     : "connection closed in the middle of the answer");
			break;
		}
	}
	close(fd);
	free(head);
	free(in.data);
	free(send_cause);
	return rc;
}

static const char *find_head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' &&
		    buf[i + 3] == '\n')
			return buf + i + 4;
	}
	return NULL;
}

/* Status line and the headers we use. Returns the status, or -1. */
static int parse_head(const char *buf, const char *end, struct conn_response *out,
		      long long *content_length, bool *chunked, char **cause)
{
	*content_length = -1;
	*chunked = false;
	if (end - buf < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ' || buf[9] < '1' ||
	    buf[9] > '5' || buf[10] < '0' || buf[10] > '9' || buf[11] < '0' || buf[11] > '9' ||
	    (buf[12] != ' ' && buf[12] != '\r')) {
		set_cause(cause, "the server did not answer in HTTP/1.1");
		return -1;
	}
	int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	const char *line = (const char *)memchr(buf, '\n', (size_t)(end - buf)) + 1;
	while (line < end - 2) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL) {
			set_cause(cause, "malformed header line in the answer");
			return -1;
		}
		size_t nlen = (size_t)(colon - line);
		const char *v = colon + 1;
		const char *vend = eol;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		while (vend > v && (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		size_t vlen = (size_t)(vend - v);
		if (nlen == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
			long long n = 0;
			if (vlen == 0 || vlen > 12)
				goto bad_length;
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					goto bad_length;
				n = n * 10 + (v[i] - '0');
			}
			if (*content_length >= 0 && *content_length != n)
				goto bad_length;
			*content_length = n;
		} else if (nlen == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
			if (vlen < 7 || strncasecmp(vend - 7, "chunked", 7) != 0) {
				set_cause(cause, "unsupported transfer encoding in the answer");
				return -1;
			}
			*chunked = true;
		} else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
			free(out->content_type);
			out->content_type = xstrndup(v, vlen);
		} else if (nlen == 8 && strncasecmp(line, "Location", 8) == 0) {
			free(out->location);
			out->location = xstrndup(v, vlen);
		}
		line = eol + 1;
	}
	return status;
bad_length:
	set_cause(cause, "bad Content-Length in the answer");
	return -1;
}

/* Decode a chunked body: 1 complete, 0 incomplete, -1 malformed. */
static int decode_chunked(const char *p, size_t len, struct buf *body, char **cause)
{
	const char *end = p + len;

	for (;;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return 0;
		size_t size = 0;
		const char *q = p;
		int digits = 0;
		for (; q < eol; q++, digits++) {
			int d;
			if (*q >= '0' && *q <= '9')
				d = *q - '0';
			else if (*q >= 'a' && *q <= 'f')
				d = *q - 'a' + 10;
			else if (*q >= 'A' && *q <= 'F')
				d = *q - 'A' + 10;
			else
				break;
			if (size > (size_t)CONN_MAX_BODY) {
				set_cause(cause, "chunk too large in the answer");
				return -1;
			}
			size = size * 16 + (size_t)d;
		}
		if (digits == 0 || (q < eol && *q != ';' && *q != '\r')) {
			set_cause(cause, "malformed chunk in the answer");
			return -1;
		}
		p = eol + 1;
		if (size == 0) {
			/* Trailers up to an empty line. */
			for (;;) {
				eol = memchr(p, '\n', (size_t)(end - p));
				if (eol == NULL)
					return 0;
				bool empty = eol == p || (eol == p + 1 && *p == '\r');
				p = eol + 1;
				if (empty)
					return 1;
			}
		}
		if ((size_t)(end - p) < size + 2)
			return 0;
		if (body->len + size > (size_t)CONN_MAX_BODY) {
			set_cause(cause, "answer body too large");
			return -1;
		}
		buf_add(body, p, size);
		p += size;
		if (p[0] == '\r' && p[1] == '\n')
			p += 2;
		else {
			set_cause(cause, "malformed chunk in the answer");
			return -1;
		}
	}
}

int conn_parse_response(const char *buf, size_t len, bool eof, struct conn_response *out,
			char **cause)
{
	for (;;) {
		const char *end = find_head_end(buf, len);
		long long clen;
		bool chunked;

		if (end == NULL) {
			if (len > CONN_MAX_HEADER) {
				set_cause(cause, "answer headers too large");
				return -1;
			}
			if (eof) {
				set_cause(cause, len == 0 ? "connection closed without an answer"
							  : "connection closed in the middle of "
							    "the answer");
				return -1;
			}
			return 0;
		}
		conn_response_free(out);
		int status = parse_head(buf, end, out, &clen, &chunked, cause);
		if (status < 0) {
			conn_response_free(out);
			return -1;
		}
		size_t hlen = (size_t)(end - buf);
		if (status >= 100 && status < 200) {
			/* 100 Continue and friends: the real answer follows. */
			buf = end;
			len -= hlen;
			continue;
		}
		struct buf body = {0};
		int done;
		if (status == 204 || status == 304) {
			done = 1;
		} else if (chunked) {
			done = decode_chunked(end, len - hlen, &body, cause);
		} else if (clen >= 0) {
			if (clen > CONN_MAX_BODY) {
				set_cause(cause, "answer body too large");
				done = -1;
			} else if (len - hlen >= (size_t)clen) {
				buf_add(&body, end, (size_t)clen);
				done = 1;
			} else {
				done = 0;
			}
		} else {
			done = eof ? 1 : 0;
			if (done)
				buf_add(&body, end, len - hlen);
		}
		if (done == 0 && eof) {
			set_cause(cause, "connection closed in the middle of the answer");
			done = -1;
		}
		if (done != 1) {
			free(body.data);
			conn_response_free(out);
			return done;
		}
		out->status = status;
		if (body.data == NULL)
			buf_add(&body, "", 0);
		out->body = body.data;
		out->body_len = body.len;
		return 1;
	}
}

void conn_response_free(struct conn_response *r)
{
	free(r->content_type);
	free(r->location);
	free(r->body);
	memset(r, 0, sizeof *r);
}
