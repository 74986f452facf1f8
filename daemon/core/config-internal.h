/* config-internal.h — the key table of suivid.conf, shared by config.c (the reader) and
 * config-keys.c (the table itself). */
#ifndef SUIVI_CONFIG_INTERNAL_H
#define SUIVI_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

#define EMAIL_MAX 254
#define SUN_PATH_MAX 107 /* sizeof(sockaddr_un.sun_path) - 1 on Linux */
#define CONFIG_KEYS_MAX 64

enum cf_type {
	CF_STRING,   /* any text */
	CF_PATH,     /* absolute path; max = longest allowed length (0: no limit) */
	CF_INT,      /* int in min..max */
	CF_SIZE,     /* size_t in min..max bytes, with optional k/M/G suffix */
	CF_BOOL,     /* bool: yes/no, true/false, on/off, 1/0 */
	CF_ENUM,     /* int index into names */
	CF_LISTEN,   /* "IPv4:port" or "[IPv6]:port" */
	CF_EMAIL,    /* bare address, local@domain */
	CF_MAILBOX,  /* bare address or "Display Name <local@domain>" */
	CF_SCHEDULE, /* schedule_parse() text, stored in canonical form */
	CF_TIMEZONE, /* IANA zone name */
	CF_DAYS,     /* comma list of days 1..max, stored descending; count at count_offset */
	CF_COMMAND,  /* hook command line, argv[0] absolute */
	CF_URL,      /* http:// or https:// URL without query or fragment, stored without a
		      * trailing slash */
};

/* What an empty value means for a key. */
enum cf_empty {
	EMPTY_REFUSE = 0, /* an error */
	EMPTY_KEEP,       /* a meaningful empty value ("" for text, no items for lists) */
	EMPTY_UNSET,      /* back to unset (NULL) */
};

struct cf_key {
	const char *section;
	const char *key;
	enum cf_type type;
	size_t offset;
	const char *def; /* NULL: unset */
	long long min, max;
	bool reloadable;
	enum cf_empty empty;
	const char *const *names; /* CF_ENUM, NULL-terminated */
	size_t count_offset;      /* CF_DAYS */
};

/* The one list of keys, config_keys_count of them (at most CONFIG_KEYS_MAX). */
extern const struct cf_key config_keys[];
extern const size_t config_keys_count;

#endif
