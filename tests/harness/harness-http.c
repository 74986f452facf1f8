/* harness-http.c — the tests' HTTP/1.1 client: one request per connection (Connection:
 * close), blocking socket driven by poll() so every step is bounded by the caller's timeout.
 * Understands Content-Length and chunked replies; otherwise reads to EOF. Never aborts: a
 * request that gets no complete answer in time has status 0. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "harness-internal.h"
#include "util.h"

static int connect_bounded(int port, double deadline);
static bool send_all(int fd, const char *data, size_t len, double deadline);
static void exchange(int port, const void *request, size_t len, double deadline,
		     struct http_response *r);
static bool parse_reply(const char *buf, size_t len, bool complete_only, struct http_response *r);
static bool dechunk(const char *p, size_t len, struct harness_buf *out);
static const char *find_header(const char *headers, const char *name, size_t *vlen);

void harness_buf_add(struct harness_buf *b, const void *bytes, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	if (n > 0)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Non-blocking connect to 127.0.0.1:port, returned in blocking-free mode; -1 on failure. */
static int connect_bounded(int port, double deadline)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t elen = sizeof err;
	if (poll(&pfd, 1, harness_remaining(deadline)) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *data, size_t len, double deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return false;
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		if (poll(&pfd, 1, harness_remaining(deadline)) != 1)
			return false;
	}
	return true;
}

struct http_response *http_do(int port, const char *method, const char *path, const char *token,
			      const char *content_type, const char *body, const char *extra_headers,
			      int timeout_ms)
{
	double start = now_ms();
	double deadline = start + timeout_ms;
	struct http_response *r = xcalloc(1, sizeof *r);
	struct harness_buf req = {0};
	harness_drain_all();

	char *head = xasprintf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
			       "User-Agent: suivi-harness\r\n",
			       method, path, port);
	harness_buf_add(&req, head, strlen(head));
	free(head);
	if (token != NULL) {
		char *h = xasprintf("Authorization: Bearer %s\r\n", token);
		harness_buf_add(&req, h, strlen(h));
		free(h);
	}
	if (body != NULL) {
		char *h = xasprintf("Content-Type: %s\r\nContent-Length: %zu\r\n",
				    content_type != NULL ? content_type : "application/json",
				    strlen(body));
		harness_buf_add(&req, h, strlen(h));
		free(h);
	} else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
		   strcmp(method, "PATCH") == 0) {
		harness_buf_add(&req, "Content-Length: 0\r\n", 19);
	}
	if (extra_headers != NULL)
		harness_buf_add(&req, extra_headers, strlen(extra_headers));
	harness_buf_add(&req, "\r\n", 2);
	if (body != NULL)
		harness_buf_add(&req, body, strlen(body));

	exchange(port, req.data, req.len, deadline, r);
	r->elapsed_ms = now_ms() - start;
	free(req.data);
	harness_drain_all();
	return r;
}

struct http_response *http_raw(int port, const void *request, size_t len, int timeout_ms)
{
	double start = now_ms();
	struct http_response *r = xcalloc(1, sizeof *r);
	harness_drain_all();
	exchange(port, request, len, start + timeout_ms, r);
	r->elapsed_ms = now_ms() - start;
	harness_drain_all();
	return r;
}

/* Send request on a fresh connection and read the first reply into r (status 0 when none
 * came whole before deadline or the close). */
static void exchange(int port, const void *request, size_t len, double deadline,
		     struct http_response *r)
{
	struct harness_buf in = {0};
	int fd = connect_bounded(port, deadline);
	if (fd < 0)
		goto done;
	/* A server refusing the body (413) may stop reading: still try to read its answer. */
	(void)send_all(fd, request, len, deadline);
	for (;;) {
		if (in.len > 0 && parse_reply(in.data, in.len, true, r))
			break;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int left = harness_remaining(deadline);
		if (left == 0 || poll(&pfd, 1, left) != 1)
			break;
		char chunk[8192];
		ssize_t got = recv(fd, chunk, sizeof chunk, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			/* EOF (or reset): whatever arrived is the answer if it parses. */
			if (in.len > 0)
				(void)parse_reply(in.data, in.len, false, r);
			break;
		}
		harness_buf_add(&in, chunk, (size_t)got);
	}
	close(fd);
done:
	if (r->status == 0) {
		free(r->headers);
		free(r->body);
		r->headers = NULL;
		r->body = NULL;
	}
	if (r->headers == NULL)
		r->headers = xstrdup("");
	if (r->body == NULL) {
		r->body = xstrdup("");
		r->body_len = 0;
	}
	free(in.data);
}

/* Fill r from buf when it holds a whole reply (complete_only) or whatever a closed
 * connection left (a body without length runs to EOF). False when not complete yet. */
static bool parse_reply(const char *buf, size_t len, bool complete_only, struct http_response *r)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	if (end == NULL)
		return false;
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1 || status < 100 || status > 999)
		return false;
	size_t hlen = (size_t)(end - buf) + 4;
	char *headers = xstrndup(buf, hlen);
	const char *body = end + 4;
	size_t blen = len - hlen;
	struct harness_buf out = {0};
	size_t vlen;
	const char *te = find_header(headers, "Transfer-Encoding", &vlen);
	const char *cl = find_header(headers, "Content-Length", &vlen);
	bool ok;
	if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
		ok = true;
		harness_buf_add(&out, "", 0);
	} else if (te != NULL && strncasecmp(te, "chunked", 7) == 0) {
		ok = dechunk(body, blen, &out);
	} else if (cl != NULL) {
		size_t want = strtoul(cl, NULL, 10);
		ok = blen >= want;
		harness_buf_add(&out, body, ok ? want : blen);
	} else {
		ok = !complete_only;
		harness_buf_add(&out, body, blen);
	}
	if (!ok && complete_only) {
		free(headers);
		free(out.data);
		return false;
	}
	free(r->headers);
	free(r->body);
	r->status = ok ? status : 0;
	r->headers = headers;
	r->body = out.data;
	r->body_len = out.len;
	return ok;
}

/* Decode a chunked body; true once the last chunk and the trailers are in. */
static bool dechunk(const char *p, size_t len, struct harness_buf *out)
{
	const char *end = p + len;
	harness_buf_add(out, "", 0);
	for (;;) {
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (eol == NULL)
			return false;
		char *stop;
		unsigned long size = strtoul(p, &stop, 16);
		if (stop == p)
			return false;
		p = eol + 2;
		if (size == 0) {
			/* Trailers end with an empty line. */
			return memmem(p, (size_t)(end - p), "\r\n", 2) != NULL;
		}
		if ((size_t)(end - p) < size + 2)
			return false;
		harness_buf_add(out, p, size);
		p += size + 2;
	}
}

/* The value of header name in a raw block (status line first), NULL when absent. */
static const char *find_header(const char *headers, const char *name, size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *line = strstr(headers, "\r\n");
	while (line != NULL) {
		line += 2;
		const char *next = strstr(line, "\r\n");
		if (next == NULL || next == line)
			return NULL;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			const char *ve = next;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*vlen = (size_t)(ve - v);
			return v;
		}
		line = next;
	}
	return NULL;
}

char *http_header(const struct http_response *r, const char *name)
{
	size_t vlen;
	const char *v = r->headers != NULL ? find_header(r->headers, name, &vlen) : NULL;
	return v != NULL ? xstrndup(v, vlen) : NULL;
}

json_t *http_json(const struct http_response *r)
{
	if (r->body == NULL)
		return NULL;
	return json_loadb(r->body, r->body_len, 0, NULL);
}

void http_response_free(struct http_response *r)
{
	if (r == NULL)
		return;
	free(r->headers);
	free(r->body);
	free(r);
}
