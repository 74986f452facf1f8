/* http-web.c — the web view's static files under [server] web_dir, served at / for paths
 * no route takes: a fixed list of types, ETag and 304, and the headers that keep a browser
 * from sniffing, framing or leaking (http_security_headers, on every answer of suivid).
 *
 * Files are read at request time rather than cached: they are few and small (at most
 * WEB_FILE_MAX), the page cache makes a read a copy, and an operator who updates web_dir
 * (a package upgrade) is served the new files at once, with no reload and no stale cache to
 * invalidate. A path is opened one segment at a time from web_dir with O_NOFOLLOW, so no
 * "..", hidden name or symbolic link (inside or out of web_dir) is ever followed. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http-internal.h"
#include "core/log.h"

#define WEB_FILE_MAX ((off_t)2 * 1024 * 1024)

#define WEB_CSP                                                                                    \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "          \
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

static const struct {
	const char *ext;
	const char *type;
} web_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
};

static const char *web_type(const char *name);
static bool web_segment_ok(const char *seg);
static int web_open(const char *dir, char *const *segs, size_t nsegs);

void http_security_headers(struct evkeyvalq *out)
{
	evhttp_add_header(out, "Content-Security-Policy", WEB_CSP);
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Referrer-Policy", "no-referrer");
	evhttp_add_header(out, "X-Frame-Options", "DENY");
}

/* The type of a file by its extension, NULL when it is not one the web view serves. */
static const char *web_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(web_types); i++)
		if (strcmp(dot, web_types[i].ext) == 0)
			return web_types[i].type;
	return NULL;
}

/* A decoded segment that may name something under web_dir: not empty, not hidden (which
 * also refuses "." and ".."), no slash (an encoded %2F) or backslash. */
static bool web_segment_ok(const char *seg)
{
	return seg[0] != '\0' && seg[0] != '.' && strpbrk(seg, "/\\") == NULL;
}

/* Open dir/segs… without following any symbolic link; -1 when any part is missing, a link,
 * or not what it should be (directories on the way, a regular file at the end). */
static int web_open(const char *dir, char *const *segs, size_t nsegs)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < nsegs; i++) {
		bool last = i + 1 == nsegs;
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY);
		int next = openat(fd, segs[i], flags);
		close(fd);
		fd = next;
	}
	return fd;
}

bool http_web_serve(struct api_request *r, char *const *segs, size_t nsegs)
{
	const struct config *c = r->server->config;
	if (!c->web || nsegs == 0 || strcmp(segs[0], "v1") == 0)
		return false;
	if (r->method != EVHTTP_REQ_GET && r->method != EVHTTP_REQ_HEAD)
		return false;

	static char index_name[] = "index.html";
	char *index_segs[] = {index_name};
	if (nsegs == 1 && segs[0][0] == '\0') {
		segs = index_segs;
		nsegs = 1;
	}
	for (size_t i = 0; i < nsegs; i++)
		if (!web_segment_ok(segs[i]))
			return false;
	const char *type = web_type(segs[nsegs - 1]);
	if (type == NULL)
		return false;
	int fd = web_open(c->web_dir, segs, nsegs);
	if (fd < 0)
		return false;

	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	if (st.st_size > WEB_FILE_MAX) {
		log_warnx("event=web_file_too_large path=%s size=%jd", log_quote(r->path),
			  (intmax_t)st.st_size);
		close(fd);
		return false;
	}
	r->web = true;
	/* Strong: any change of content changes size or mtime (nanoseconds), and a file put in
	 * place by rename changes the inode. */
	char etag[96];
	snprintf(etag, sizeof etag, "\"%jx-%jx-%jx.%lx\"", (uintmax_t)st.st_ino,
		 (uintmax_t)st.st_size, (uintmax_t)st.st_mtim.tv_sec,
		 (unsigned long)st.st_mtim.tv_nsec);
	api_set_header(r, "ETag", etag);
	api_set_header(r, "Cache-Control", "no-cache");
	if (api_if_none_match(r, etag)) {
		close(fd);
		http_request_send(r, 304, NULL, NULL, 0);
		return true;
	}

	size_t size = (size_t)st.st_size, got = 0;
	char *data = xmalloc(size + 1);
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		/* Truncated under us (an upgrade writing it in place): the next request gets it. */
		free(data);
		log_warnx("event=web_file_unreadable path=%s", log_quote(r->path));
		r->web = false;
		return false;
	}
	http_request_send(r, 200, type, data, size);
	free(data);
	return true;
}
