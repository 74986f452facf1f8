/* config-value.h — the syntax of single suivid.conf values, for config.c's key table.
 * Each check returns 0, or -1 with a one-phrase *cause (no file, line or key: config.c adds
 * those). */
#ifndef SUIVI_CONFIG_VALUE_H
#define SUIVI_CONFIG_VALUE_H

#include <stddef.h>

#include "util.h"

/* A decimal integer, optionally negative. */
int config_value_number(const char *s, long long *out, char **cause) WUR;
/* A byte count with an optional k, M or G (binary) suffix. */
int config_value_size(const char *s, long long *out, char **cause) WUR;
/* "IPv4:port" or "[IPv6]:port", numeric only, port 1..65535. */
int config_value_listen(const char *v, char **cause) WUR;
/* A bare local@domain address of at most max bytes. */
int config_value_email(const char *v, size_t max, char **cause) WUR;
/* A mailbox: a bare address, or "Display Name <local@domain>" with the name bare or quoted
 * whole ("\"Name, Office\" <addr>", \\ and \" escaped inside). *name (unquoted UTF-8, ""
 * when none) and *addr are the caller's on success. Refused: a control character (CR, LF …),
 * unbalanced quotes or angle brackets, text after '>', an address config_value_email refuses. */
int config_value_mailbox(const char *v, size_t max, char **name, char **addr, char **cause) WUR;
/* A hook command line whose first word is an absolute path. */
int config_value_command(const char *v, char **cause) WUR;
/* An http:// or https:// URL of a host, with an optional port and path, at most max bytes:
 * what a link in a mail starts with, so no query, fragment, user part, blank, quote, angle
 * bracket or non-ASCII character. */
int config_value_url(const char *v, size_t max, char **cause) WUR;
/* A comma list of days 1..max into days[CONFIG_MAX_REMIND_BEFORE], descending, no duplicates;
 * unused slots are zeroed. */
int config_value_days(const char *v, int max, int *days, int *n, char **cause) WUR;

#endif
