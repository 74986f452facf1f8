/* util.h — memory helpers that abort on failure, and small string helpers
 * shared by suivid and suivi. */
#ifndef SUIVI_UTIL_H
#define SUIVI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define WUR __attribute__((warn_unused_result))
#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The x prefix means "aborts on failure": only for memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTFLIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTFLIKE(1, 0);

/* Replace *cause (freeing any old value) with a formatted message; NULL cause is allowed. */
void set_cause(char **cause, const char *fmt, ...) PRINTFLIKE(2, 3);

/* Trim ASCII white space in place at both ends; returns s. */
char *str_trim(char *s);

#endif
