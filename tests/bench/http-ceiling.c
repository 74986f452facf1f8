/* http-ceiling.c — the HTTP half of the machine's limit in `make bench`: a minimal evhttp
 * server, one thread and one event loop as suivid's, answering every request (any method,
 * any path, body read and dropped) with 200 and a fixed JSON body of the size given. wrk
 * runs each scenario's own script against it, so its req/s is what HTTP alone allows for
 * replies of that size on this machine: the ceiling no handler can pass.
 *
 *   http-ceiling PORT BODY-BYTES
 *
 * Listens on 127.0.0.1:PORT (0: a port the kernel picks, so that none is taken from under it)
 * until SIGTERM or SIGINT, and prints "port N" on standard output once it listens. Exit
 * status: 0, 1 when it cannot listen, 2 for a usage error. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#define MAX_BODY (16 * 1024 * 1024)

static char *body;
static size_t body_len;

/* A JSON document of exactly n bytes: {"pad":"xxx…"} (n ≥ 10), or spaces for less. */
static char *make_body(size_t n)
{
	char *b = malloc(n + 1);
	if (b == NULL)
		return NULL;
	memset(b, n >= 10 ? 'x' : ' ', n);
	if (n >= 10) {
		memcpy(b, "{\"pad\":\"", 8);
		memcpy(b + n - 2, "\"}", 2);
	}
	b[n] = '\0';
	return b;
}

static void answer(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evbuffer *out = evbuffer_new();
	if (out == NULL) {
		evhttp_send_error(req, 503, NULL);
		return;
	}
	/* By reference: the body is the same for every answer and lives as long as the loop. */
	evbuffer_add_reference(out, body, body_len, NULL, NULL);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	char *end;
	if (argc != 3) {
		fprintf(stderr, "usage: http-ceiling PORT BODY-BYTES\n");
		return 2;
	}
	long port = strtol(argv[1], &end, 10);
	if (*end != '\0' || port < 0 || port > 65535) {
		fprintf(stderr, "http-ceiling: bad port '%s'\n", argv[1]);
		return 2;
	}
	long long n = strtoll(argv[2], &end, 10);
	if (*end != '\0' || n < 0 || n > MAX_BODY) {
		fprintf(stderr, "http-ceiling: bad body size '%s' (0 to %d)\n", argv[2], MAX_BODY);
		return 2;
	}
	body_len = (size_t)n;
	body = make_body(body_len);

	signal(SIGPIPE, SIG_IGN);
	struct event_base *base = event_base_new();
	struct evhttp *http = base != NULL ? evhttp_new(base) : NULL;
	if (body == NULL || http == NULL) {
		fprintf(stderr, "http-ceiling: out of memory\n");
		return 1;
	}
	/* As suivid: bodies up to its max_body are read, then dropped. */
	evhttp_set_max_body_size(http, 1024 * 1024);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PATCH |
					     EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(http, answer, NULL);
	struct evhttp_bound_socket *bound =
	    evhttp_bind_socket_with_handle(http, "127.0.0.1", (ev_uint16_t)port);
	if (bound == NULL) {
		fprintf(stderr, "http-ceiling: cannot listen on 127.0.0.1:%ld\n", port);
		return 1;
	}
	/* As suivid (http.c): without TCP_NODELAY an answer larger than one segment waits for
	 * the client's delayed ACK; accepted sockets inherit it from the listening one. */
	int one = 1;
	evutil_socket_t fd = evhttp_bound_socket_get_fd(bound);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		fprintf(stderr, "http-ceiling: getsockname failed\n");
		return 1;
	}
	printf("port %u\n", ntohs(sin.sin_port));
	fflush(stdout);
	struct event *term = evsignal_new(base, SIGTERM, on_signal, base);
	struct event *intr = evsignal_new(base, SIGINT, on_signal, base);
	event_add(term, NULL);
	event_add(intr, NULL);
	event_base_dispatch(base);
	event_free(term);
	event_free(intr);
	evhttp_free(http);
	event_base_free(base);
	free(body);
	return 0;
}
