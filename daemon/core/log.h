/* log.h — OpenBSD-style logging: one key=value line per event on stderr.
 *
 * Callers write the event as "event=NAME key=value …"; values a user typed go through
 * log_quote() so that no newline or quote can forge another line or key. */
#ifndef SUIVI_LOG_H
#define SUIVI_LOG_H

#include <stdbool.h>

#include "util.h"

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};

void log_init(enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level level);

void log_debug(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
/* log_warn appends err="strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_warnx(const char *fmt, ...) PRINTFLIKE(1, 2);
void fatal(const char *fmt, ...) PRINTFLIKE(1, 2) NORETURN;
void fatalx(const char *fmt, ...) PRINTFLIKE(1, 2) NORETURN;

/* Quote a value for a log line: "…" with \" \\ \n \t and \xNN escapes. Returns one of a small
 * ring of static buffers (valid for the next few calls), cut at a bounded length. */
const char *log_quote(const char *s);

#endif
