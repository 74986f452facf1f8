/* config.h — suivid.conf: an INI file read through one declarative key table.
 *
 * Parsing produces a fresh struct config; the caller swaps it in on success, so a reload is
 * atomic and a bad file leaves the running configuration untouched.
 *
 * Layer rule: core may use only common; every layer may use core. */
#ifndef SUIVI_CONFIG_H
#define SUIVI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/log.h"
#include "util.h"

#define CONFIG_MAX_REMIND_BEFORE 8

enum hook_format {
	HOOK_FORMAT_MAIL = 0,
	HOOK_FORMAT_JSON,
};

struct config {
	char *path; /* file it was read from, NULL for built-in defaults */

	/* [server] */
	char *listen;        /* "127.0.0.1:8470", "[::1]:8470"; empty string: no TCP listener */
	char *unix_socket;   /* NULL when unset */
	size_t max_body;     /* bytes, 413 above */
	int request_timeout; /* seconds a request may wait on the database before 503 */
	int idle_timeout;    /* seconds a connection may idle or dribble a request */
	int max_connections; /* simultaneous HTTP connections */
	bool web;            /* serve the web view's files at / */
	char *web_dir;       /* where they are */
	char *public_url;    /* "https://suivi.example.org" (no trailing slash); "": no links */
	int session_hours;   /* lifetime of a web session */
	int link_days;       /* lifetime of a digest's sign-in link */
	int token_cache;     /* bearer tokens' identities kept in memory; 0: none */

	/* [database] */
	char *url;      /* libpq conninfo or URI; NULL: embedded PostgreSQL in data_dir */
	int pool;       /* connections */
	int queue;      /* requests waiting for a connection before 503 */
	char *data_dir; /* embedded PostgreSQL and suivid state */

	/* [schedule] */
	char *timezone;       /* IANA name */
	char *overdue_report; /* schedule text, e.g. "mon 08:00"; empty: no report */
	char *report_to;      /* address; empty: no report */
	int remind_before[CONFIG_MAX_REMIND_BEFORE]; /* days, descending */
	int n_remind_before;
	int remind_overdue_every; /* days; 0: remind only once */
	bool remind_supporting;   /* supporting owners get digests of what they support */
	int escalate_after;       /* days overdue without an answer; 0: no escalation */
	char *escalate_to;        /* address; empty: report_to */
	int stale_after;          /* days without activity; 0: no "Stale" section */
	char *reminders;          /* schedule text for the reminder run, default "daily 07:00" */

	/* [mail] */
	char *mail_from;          /* "addr" or "Name <addr>" (config_value_mailbox splits it) */
	char *mail_reply_to;      /* the same; empty: no Reply-To */
	char *mail_reply_address; /* local@domain of owners' replies; empty: replies off */
	int mail_reply_grace;     /* days a rotated-out reply key still verifies */
	size_t mail_inbound_max_bytes; /* largest inbound message read */

	/* [hook] */
	char *hook_command; /* split into argv without a shell */
	enum hook_format hook_format;
	int hook_timeout; /* seconds */
	int hook_max_attempts;
	int hook_max_running; /* hooks running at once */

	/* [log] */
	enum log_level log_level;
};

/* Built-in defaults, as documented in suivid.conf(5). */
struct config *config_defaults(void);

/* Read path into a new config. On error returns -1 and sets *cause to one sentence naming
 * the file and line ("suivid.conf:12: unknown key 'lisen' in [server]"). */
int config_load(const char *path, struct config **out, char **cause) WUR;

/* Parse text as if read from a file called name (for tests and check-config). */
int config_parse(const char *name, const char *text, struct config **out, char **cause) WUR;

/* Names of the keys whose change needs a restart and differ between a and b, comma-separated,
 * or NULL when a reload can apply b entirely. Caller frees. */
char *config_restart_keys(const struct config *a, const struct config *b);

/* Split hook_command into a NULL-terminated argv (words separated by blanks; "…" and '…'
 * quote, backslash escapes inside double quotes). Returns -1 on unbalanced quotes. */
int config_split_command(const char *command, char ***argv, char **cause) WUR;
void config_free_argv(char **argv);

void config_free(struct config *c);

#endif
