/* http-listen.c — suivid's listening sockets: numeric TCP addresses (IPv4, [IPv6]) and a
 * Unix socket, each handed to evhttp, TCP ones with TCP_NODELAY. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/listener.h>

#include "http/http-internal.h"
#include "core/log.h"
#include "util.h"

static int listen_bind(struct http_server *s, const struct sockaddr *sa, socklen_t len,
		       const char *what, char **cause);

/* "127.0.0.1:8470" or "[::1]:8470", numeric only: no DNS at start. */
int http_listen_tcp(struct http_server *s, const char *spec, char **cause)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len;
	const char *colon = strrchr(spec, ':');
	char host[INET6_ADDRSTRLEN + 1];
	size_t hlen = colon == NULL ? 0 : (size_t)(colon - spec);
	char *end;
	unsigned long port = 0;
	if (colon != NULL && http_all_digits(colon + 1) && colon[1] != '\0' &&
	    strlen(colon + 1) <= 5)
		port = strtoul(colon + 1, &end, 10);
	if (colon == NULL || colon[1] == '\0' || !http_all_digits(colon + 1) || port > 65535 ||
	    hlen == 0 || hlen >= sizeof host + 2)
		goto bad;
	if (spec[0] == '[') {
		if (spec[hlen - 1] != ']' || hlen < 3)
			goto bad;
		memcpy(host, spec + 1, hlen - 2);
		host[hlen - 2] = '\0';
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			goto bad;
		len = sizeof *sin6;
	} else {
		if (hlen >= sizeof host)
			goto bad;
		memcpy(host, spec, hlen);
		host[hlen] = '\0';
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			goto bad;
		len = sizeof *sin;
	}
	return listen_bind(s, (struct sockaddr *)&ss, len, spec, cause);
bad:
	set_cause(cause, "listen = %s: expected IPv4:port or [IPv6]:port, numeric", spec);
	return -1;
}

int http_listen_unix(struct http_server *s, const char *path, char **cause)
{
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		set_cause(cause, "unix_socket %s: path longer than %zu bytes", path,
			  sizeof sun.sun_path - 1);
		return -1;
	}
	strcpy(sun.sun_path, path);

	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			set_cause(cause, "unix_socket %s: exists and is not a socket", path);
			return -1;
		}
		/* A socket someone still accepts on is not stale: refuse to steal it. */
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(fd);
			set_cause(cause, "unix_socket %s: Address already in use", path);
			return -1;
		}
		if (fd >= 0)
			close(fd);
		if (unlink(path) != 0) {
			set_cause(cause, "unix_socket %s: cannot remove stale socket: %s", path,
				  strerror(errno));
			return -1;
		}
	}
	/* Created 0660 from the start: no window where others may connect. */
	mode_t old = umask(0117);
	int rc = listen_bind(s, (struct sockaddr *)&sun, sizeof sun, path, cause);
	umask(old);
	if (rc != 0)
		return -1;
	if (chmod(path, 0660) != 0 || stat(path, &st) != 0) {
		set_cause(cause, "unix_socket %s: %s", path, strerror(errno));
		return -1;
	}
	s->unix_path = xstrdup(path);
	s->unix_dev = st.st_dev;
	s->unix_ino = st.st_ino;
	return 0;
}

static int listen_bind(struct http_server *s, const struct sockaddr *sa, socklen_t len,
		       const char *what, char **cause)
{
	unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
	if (sa->sa_family != AF_UNIX)
		flags |= LEV_OPT_REUSEABLE;
	struct evconnlistener *l =
	    evconnlistener_new_bind(s->base, NULL, NULL, flags, -1, sa, (int)len);
	if (l == NULL) {
		set_cause(cause, "cannot listen on %s: %s", what, strerror(errno));
		return -1;
	}
	if (sa->sa_family != AF_UNIX) {
		/* Replies are written as they are ready: without TCP_NODELAY a reply larger than
		 * one segment waits ~40 ms for the client's delayed ACK (Nagle). Accepted sockets
		 * inherit the option from the listening one on Linux. */
		int one = 1;
		if (setsockopt(evconnlistener_get_fd(l), IPPROTO_TCP, TCP_NODELAY, &one,
			       sizeof one) != 0)
			log_warn("event=tcp_nodelay_failed addr=%s", log_quote(what));
	}
	struct evhttp_bound_socket *b = evhttp_bind_listener(s->http, l);
	if (b == NULL) {
		evconnlistener_free(l);
		set_cause(cause, "cannot listen on %s", what);
		return -1;
	}
	s->bound[s->nbound++] = b;

	/* Log the real address: port 0 asks the kernel for one. */
	char addr[INET6_ADDRSTRLEN + 16];
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	if (sa->sa_family != AF_UNIX &&
	    getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &sslen) == 0) {
		char host[INET6_ADDRSTRLEN];
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
			snprintf(addr, sizeof addr, "[%s]:%u", host, ntohs(in6->sin6_port));
		} else {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
			snprintf(addr, sizeof addr, "%s:%u", host, ntohs(in->sin_port));
		}
		what = addr;
	}
	log_info("event=listening addr=%s", log_quote(what));
	return 0;
}
