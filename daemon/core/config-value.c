/* config-value.c — the syntax of single suivid.conf values: numbers, sizes, listen and mail
 * addresses, day lists and hook command lines. config.c's key table calls these; the hook
 * module splits its command with config_split_command. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/config-value.h"
#include "utf8.h"
#include "util.h"

#define EMAIL_LOCAL_MAX 64

/* A decimal integer, optionally negative; nothing else. */
int config_value_number(const char *s, long long *out, char **cause)
{
	const char *p = s[0] == '-' ? s + 1 : s;
	if (*p < '0' || *p > '9') {
		set_cause(cause, "'%s' is not a number", s);
		return -1;
	}
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (*end != '\0') {
		set_cause(cause, "'%s' is not a number", s);
		return -1;
	}
	if (errno == ERANGE) {
		set_cause(cause, "%s is out of range", s);
		return -1;
	}
	*out = n;
	return 0;
}

/* A byte count with an optional binary suffix: 512k, 16M, 1G. */
int config_value_size(const char *s, long long *out, char **cause)
{
	if (*s < '0' || *s > '9') {
		set_cause(cause,
			  "'%s' is not a size in bytes (a number, optionally with k, M or G)", s);
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	unsigned long long mult = 1;
	if (end[0] != '\0' && end[1] == '\0') {
		switch (end[0]) {
		case 'k':
		case 'K':
			mult = 1024;
			break;
		case 'm':
		case 'M':
			mult = 1024 * 1024;
			break;
		case 'g':
		case 'G':
			mult = 1024 * 1024 * 1024;
			break;
		default:
			mult = 0;
			break;
		}
		end++;
	}
	if (*end != '\0' || mult == 0) {
		set_cause(cause,
			  "'%s' is not a size in bytes (a number, optionally with k, M or G)", s);
		return -1;
	}
	if (errno == ERANGE || n > (unsigned long long)LLONG_MAX / mult) {
		set_cause(cause, "%s is out of range", s);
		return -1;
	}
	*out = (long long)(n * mult);
	return 0;
}

/* A numeric listen address: host names are never resolved (no blocking DNS at startup). */
int config_value_listen(const char *v, char **cause)
{
	char host[64];
	const char *port;
	unsigned char addr[16];
	int family;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		if (close == NULL || close[1] != ':') {
			set_cause(cause, "expected [IPv6]:port");
			return -1;
		}
		if ((size_t)(close - v - 1) >= sizeof host) {
			set_cause(cause, "address too long");
			return -1;
		}
		memcpy(host, v + 1, (size_t)(close - v - 1));
		host[close - v - 1] = '\0';
		port = close + 2;
		family = AF_INET6;
	} else {
		const char *colon = strrchr(v, ':');
		if (colon == NULL) {
			set_cause(cause, "expected IPv4:port or [IPv6]:port");
			return -1;
		}
		if (memchr(v, ':', (size_t)(colon - v)) != NULL) {
			set_cause(cause,
				  "an IPv6 address is written in brackets, as in [::1]:8470");
			return -1;
		}
		if ((size_t)(colon - v) >= sizeof host) {
			set_cause(cause, "address too long");
			return -1;
		}
		memcpy(host, v, (size_t)(colon - v));
		host[colon - v] = '\0';
		port = colon + 1;
		family = AF_INET;
	}
	if (inet_pton(family, host, addr) != 1) {
		set_cause(cause, "'%s' is not a numeric %s address (host names are not resolved)",
			  host, family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	size_t plen = strlen(port);
	long p = 0;
	bool digits = plen > 0 && plen <= 5;
	for (size_t i = 0; digits && i < plen; i++) {
		if (port[i] < '0' || port[i] > '9')
			digits = false;
		else
			p = p * 10 + (port[i] - '0');
	}
	if (!digits || p < 1 || p > 65535) {
		set_cause(cause, "port must be a number from 1 to 65535");
		return -1;
	}
	return 0;
}

/* A bare address (local@domain, no display name): it goes into mail headers and onto the
 * hook's environment, so nothing in it may add a line, a recipient or a comment. */
int config_value_email(const char *v, size_t max, char **cause)
{
	size_t len = strlen(v);
	if (len > max) {
		set_cause(cause, "longer than %zu bytes", max);
		return -1;
	}
	for (const char *p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			set_cause(cause, "blank or control character in address");
			return -1;
		}
		if (strchr("<>()[],;:\"\\", *p) != NULL) {
			set_cause(cause, "'%c' is not allowed (write a bare address, local@domain)",
				  *p);
			return -1;
		}
	}
	const char *at = strchr(v, '@');
	if (at == NULL || strchr(at + 1, '@') != NULL) {
		set_cause(cause, "an address has exactly one '@'");
		return -1;
	}
	if (at == v || at[1] == '\0') {
		set_cause(cause, "an address is written local@domain");
		return -1;
	}
	if ((size_t)(at - v) > EMAIL_LOCAL_MAX) {
		set_cause(cause, "local part longer than %d bytes", EMAIL_LOCAL_MAX);
		return -1;
	}
	return 0;
}

/* The name between the start and '<', blanks trimmed, quotes removed; NULL with *cause. */
static char *mailbox_name(const char *start, const char *end, char **cause)
{
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	char *out = xstrndup(start, (size_t)(end - start)), *w = out;
	if (*start != '"') {
		if (strchr(out, '"') != NULL) {
			set_cause(cause, "unbalanced quotes in the display name (quote it whole: "
					 "\"Name\" <local@domain>)");
			free(out);
			return NULL;
		}
		return out;
	}
	/* A quoted string: \x stands for x, and the closing quote must end the name. */
	const char *p = start + 1;
	for (; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		*w++ = *p;
	}
	*w = '\0';
	if (p != end - 1) {
		set_cause(cause, "unbalanced quotes in the display name (quote it whole: "
				 "\"Name\" <local@domain>)");
		free(out);
		return NULL;
	}
	return out;
}

int config_value_mailbox(const char *v, size_t max, char **name, char **addr, char **cause)
{
	char *sub = NULL;

	*name = *addr = NULL;
	/* Header text: the renderer neutralises controls too, but a name that cannot be sent
	 * as written is better refused here, where the operator sees why. */
	for (const char *p = v; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			set_cause(cause, "control character (CR, LF …) in the display name");
			return -1;
		}
	}
	if (!utf8_valid(v, strlen(v))) {
		set_cause(cause, "the display name is not valid UTF-8");
		return -1;
	}
	const char *lt = strchr(v, '<'), *gt = strchr(v, '>');
	if (lt == NULL && gt == NULL) {
		if (config_value_email(v, max, cause) != 0)
			return -1;
		*name = xstrdup("");
		*addr = xstrdup(v);
		return 0;
	}
	if (lt == NULL || gt == NULL || gt < lt || strchr(lt + 1, '<') != NULL ||
	    strchr(gt + 1, '>') != NULL) {
		set_cause(cause, "unbalanced angle brackets (write Name <local@domain>)");
		return -1;
	}
	if (gt[1 + strspn(gt + 1, " \t")] != '\0') {
		set_cause(cause, "text after '>' (write Name <local@domain>)");
		return -1;
	}
	char *a = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	if (config_value_email(a, max, &sub) != 0) {
		set_cause(cause, "%s", sub);
		free(sub);
		free(a);
		return -1;
	}
	char *n = mailbox_name(v, lt, cause);
	if (n == NULL) {
		free(a);
		return -1;
	}
	*name = n;
	*addr = a;
	return 0;
}

/* The hook runs without a shell and without a PATH search: argv[0] must be absolute. */
int config_value_command(const char *v, char **cause)
{
	char **argv;
	if (config_split_command(v, &argv, cause) != 0)
		return -1;
	int rc = -1;
	if (argv[0] == NULL)
		set_cause(cause, "command is empty");
	else if (argv[0][0] != '/')
		set_cause(cause, "'%s' is not an absolute path (the hook runs without a shell)",
			  argv[0]);
	else
		rc = 0;
	config_free_argv(argv);
	return rc;
}

int config_value_url(const char *v, size_t max, char **cause)
{
	const char *host;
	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else {
		set_cause(cause, "must start with https:// or http://");
		return -1;
	}
	if (strlen(v) > max) {
		set_cause(cause, "longer than %zu bytes", max);
		return -1;
	}
	/* Printable ASCII only, and nothing a mail reader or a shell would split or quote. */
	for (const char *p = v; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ') {
			set_cause(cause, "a blank is not allowed in a link");
			return -1;
		}
		if (c < 0x20 || c >= 0x7f) {
			set_cause(cause,
				  "only ASCII is allowed in a link (percent-encode the rest)");
			return -1;
		}
		if (strchr("\"'<>\\^`{|}", c) != NULL) {
			set_cause(cause, "character '%c' is not allowed in a link", c);
			return -1;
		}
	}
	if (strpbrk(v, "?#") != NULL) {
		set_cause(cause, "no query (?) or fragment (#): suivi appends its own paths");
		return -1;
	}
	size_t hlen = strcspn(host, "/");
	if (hlen == 0 || host[0] == ':') {
		set_cause(cause, "no host after the scheme");
		return -1;
	}
	if (memchr(host, '@', hlen) != NULL) {
		set_cause(cause, "no user name in the URL");
		return -1;
	}
	return 0;
}

/* "14, 3,30" → {30, 14, 3}: days from 1 to max, duplicates dropped, descending. */
int config_value_days(const char *v, int max, int *days, int *n, char **cause)
{
	char *copy = xstrdup(v), *rest = copy, *item;
	int count = 0, rc = -1;

	while ((item = strsep(&rest, ",")) != NULL) {
		long long d;
		char *sub = NULL;
		str_trim(item);
		if (*item == '\0') {
			set_cause(cause, "empty item");
			goto out;
		}
		if (config_value_number(item, &d, &sub) != 0 || d < 1 || d > max) {
			free(sub);
			set_cause(cause, "'%s' is not a number of days from 1 to %d", item, max);
			goto out;
		}
		int pos = 0;
		while (pos < count && days[pos] > d)
			pos++;
		if (pos < count && days[pos] == d)
			continue;
		if (count == CONFIG_MAX_REMIND_BEFORE) {
			set_cause(cause, "more than %d different days", CONFIG_MAX_REMIND_BEFORE);
			goto out;
		}
		memmove(days + pos + 1, days + pos, (size_t)(count - pos) * sizeof *days);
		days[pos] = (int)d;
		count++;
	}
	for (int i = count; i < CONFIG_MAX_REMIND_BEFORE; i++)
		days[i] = 0;
	*n = count;
	rc = 0;
out:
	free(copy);
	return rc;
}

/* Words separated by blanks; '…' quotes literally, "…" quotes with \" and \\ escapes; quoted
 * and bare parts of one word join ("a"'b'c is abc). */
int config_split_command(const char *command, char ***argv, char **cause)
{
	size_t n = 0, cap = 4;
	char **av = xcalloc(cap, sizeof *av);
	char *word = xmalloc(strlen(command) + 1);
	const char *p = command;

	*argv = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		size_t w = 0;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');
				if (end == NULL) {
					set_cause(cause, "unbalanced single quote");
					goto fail;
				}
				memcpy(word + w, p + 1, (size_t)(end - p - 1));
				w += (size_t)(end - p - 1);
				p = end + 1;
			} else if (*p == '"') {
				for (p++; *p != '"'; p++) {
					if (*p == '\0') {
						set_cause(cause, "unbalanced double quote");
						goto fail;
					}
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					word[w++] = *p;
				}
				p++;
			} else {
				word[w++] = *p++;
			}
		}
		if (n + 2 > cap) {
			cap *= 2;
			av = xrealloc(av, cap * sizeof *av);
		}
		av[n++] = xstrndup(word, w);
	}
	av[n] = NULL;
	free(word);
	*argv = av;
	return 0;
fail:
	av[n] = NULL;
	config_free_argv(av);
	free(word);
	return -1;
}

void config_free_argv(char **argv)
{
	if (argv == NULL)
		return;
	for (char **p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}
