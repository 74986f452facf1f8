/* log.c — one key=value line per event on stderr, OpenBSD-style entry points.
 *
 * Each line is assembled in a local buffer and handed to a single write(2), so lines from a
 * forked child and its parent never interleave mid-line (stderr is usually a pipe to journald,
 * and writes up to PIPE_BUF bytes to a pipe are atomic). */
#include "suivi-config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "utf8.h"

/* A whole line, newline included; the caller's text is cut to fit. */
#define LOG_LINE_MAX 4096
/* log_quote: buffers in the ring, and the bytes of input quoted before "..." cuts it. */
#define LOG_QUOTE_RING 8
#define LOG_QUOTE_INPUT_MAX 512
/* Worst case: every byte becomes \xNN, plus quotes, "..." and the NUL. */
#define LOG_QUOTE_BUF (LOG_QUOTE_INPUT_MAX * 4 + 8)

static void log_emit(enum log_level level, int errnum, const char *fmt, va_list ap)
    PRINTFLIKE(3, 0);
static size_t log_timestamp(char *buf, size_t len);
static void log_write_all(const char *buf, size_t len);
static size_t quote_one(const unsigned char *p, size_t avail, char *out);

static enum log_level log_level = LOG_LEVEL_INFO;

static const char *const level_names[] = {
    [LOG_LEVEL_DEBUG] = "debug",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_WARN] = "warn",
    [LOG_LEVEL_ERROR] = "error",
};

void log_init(enum log_level level)
{
	log_set_level(level);
}

void log_set_level(enum log_level level)
{
	if (level >= LOG_LEVEL_DEBUG && level <= LOG_LEVEL_ERROR)
		log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

bool log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < ARRAY_LEN(level_names); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

const char *log_level_name(enum log_level level)
{
	if (level >= LOG_LEVEL_DEBUG && level <= LOG_LEVEL_ERROR)
		return level_names[level];
	return "unknown";
}

/* Write ts=…Z (UTC, milliseconds) into buf; returns its length. */
static size_t log_timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL)
		return (size_t)snprintf(buf, len, "ts=1970-01-01T00:00:00.000Z");
	int n = snprintf(buf, len, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 ts.tv_nsec / 1000000);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* One write(2) in the normal case; finish a partial write rather than lose the tail. */
static void log_write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Format one line; errnum >= 0 appends err="strerror(errnum)". Keeps errno intact. */
static void log_emit(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	char line[LOG_LINE_MAX];
	size_t len = log_timestamp(line, sizeof line);

	int n = snprintf(line + len, sizeof line - len, " level=%s ", log_level_name(level));
	if (n > 0)
		len += (size_t)n;

	/* Leave room for err="…" and the newline, which must survive any cut. */
	char err[160] = "";
	if (errnum >= 0)
		snprintf(err, sizeof err, " err=%s", log_quote(strerror(errnum)));
	size_t reserve = strlen(err) + 1;
	size_t start = len;
	n = vsnprintf(line + len, sizeof line - len - reserve, fmt, ap);
	if (n > 0)
		len += (size_t)n < sizeof line - len - reserve ? (size_t)n
							       : sizeof line - len - reserve - 1;

	/* A stray newline from a caller must not make a second, forged line. */
	for (size_t i = start; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';

	memcpy(line + len, err, reserve - 1);
	len += reserve - 1;
	line[len++] = '\n';
	log_write_all(line, len);
	errno = saved_errno;
}

#define LOG_FUNCTION(name, level, errnum_expr)                                                     \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		int errnum = (errnum_expr);                                                        \
		if ((level) < log_level)                                                           \
			return;                                                                    \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_emit((level), errnum, fmt, ap);                                                \
		va_end(ap);                                                                        \
	}

LOG_FUNCTION(log_debug, LOG_LEVEL_DEBUG, -1)
LOG_FUNCTION(log_info, LOG_LEVEL_INFO, -1)
LOG_FUNCTION(log_warn, LOG_LEVEL_WARN, errno)
LOG_FUNCTION(log_warnx, LOG_LEVEL_WARN, -1)

void fatal(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;
	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, errnum, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, -1, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Quote the character at p (avail bytes left) into out; returns the input bytes consumed. Valid
 * UTF-8 sequences pass through so names stay readable; anything else is escaped. */
static size_t quote_one(const unsigned char *p, size_t avail, char *out)
{
	unsigned char c = *p;
	switch (c) {
	case '"':
		strcpy(out, "\\\"");
		return 1;
	case '\\':
		strcpy(out, "\\\\");
		return 1;
	case '\n':
		strcpy(out, "\\n");
		return 1;
	case '\t':
		strcpy(out, "\\t");
		return 1;
	default:
		break;
	}
	if (c >= 0x20 && c < 0x7f) {
		out[0] = (char)c;
		out[1] = '\0';
		return 1;
	}
	if (c >= 0x80) {
		uint32_t cp;
		size_t n = utf8_decode((const char *)p, avail, &cp);
		if (n > 0) {
			memcpy(out, p, n);
			out[n] = '\0';
			return n;
		}
	}
	snprintf(out, 5, "\\x%02x", c);
	return 1;
}

const char *log_quote(const char *s)
{
	static char ring[LOG_QUOTE_RING][LOG_QUOTE_BUF];
	static unsigned next;
	char *buf = ring[next++ % LOG_QUOTE_RING];

	if (s == NULL)
		s = "";
	const unsigned char *p = (const unsigned char *)s;
	size_t in_len = strlen(s);
	size_t used = 0, o = 0;
	buf[o++] = '"';
	while (used < in_len) {
		char piece[8];
		size_t take = quote_one(p + used, in_len - used, piece);
		if (used + take > LOG_QUOTE_INPUT_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		size_t plen = strlen(piece);
		memcpy(buf + o, piece, plen);
		o += plen;
		used += take;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
