/* util.c — memory helpers that abort on failure, and small string helpers. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static NORETURN void out_of_memory(size_t n);
static bool is_ascii_space(char c);

/* Say why we stop with plain write(2): stdio may itself need memory. */
static void out_of_memory(size_t n)
{
	char buf[96];
	int len = snprintf(buf, sizeof buf, "fatal: out of memory (%zu bytes)\n", n);
	if (len > 0) {
		ssize_t r = write(STDERR_FILENO, buf, (size_t)len);
		(void)r;
	}
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);
	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t n)
{
	if (nmemb == 0 || n == 0)
		nmemb = n = 1;
	void *p = calloc(nmemb, n);
	if (p == NULL)
		out_of_memory(n > 0 && nmemb <= SIZE_MAX / n ? nmemb * n : SIZE_MAX);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);
	if (q == NULL)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory(strlen(fmt));
	return s;
}

void set_cause(char **cause, const char *fmt, ...)
{
	if (cause == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	/* Format before freeing: an argument may point into the old cause. */
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	free(*cause);
	*cause = s;
}

/* Not isspace(): the client sets a locale, and trimming must not depend on it. */
static bool is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char *str_trim(char *s)
{
	size_t len = strlen(s);
	while (len > 0 && is_ascii_space(s[len - 1]))
		len--;
	s[len] = '\0';
	size_t start = 0;
	while (s[start] != '\0' && is_ascii_space(s[start]))
		start++;
	if (start > 0)
		memmove(s, s + start, len - start + 1);
	return s;
}
