/* config.h — where suivi finds its server and token: --url/--token, then SUIVI_URL and
 * SUIVI_TOKEN, then $XDG_CONFIG_HOME/suivi/client.conf (default ~/.config/suivi/client.conf),
 * whose lines are "url = …" and "token = …" with "#" comments. */
#ifndef SUIVI_CLIENT_CONFIG_H
#define SUIVI_CLIENT_CONFIG_H

#include <stdio.h>

#include "util.h"

#define CLIENT_DEFAULT_URL "http://127.0.0.1:8470"

struct client_config {
	char *url;   /* never NULL after a successful load (default above) */
	char *token; /* NULL when none is configured */
	char *file;  /* the file read, NULL when none was needed or found */
};

/* The path of client.conf (caller frees), NULL when neither XDG_CONFIG_HOME nor HOME is set. */
char *client_config_path(void);
/* Resolve url and token by precedence (flags may be NULL). The file is read only when a flag
 * or variable leaves something unset; a warning goes to warn (once) when it is readable by
 * group or others, and for unknown keys. Fails on an unreadable or malformed file and on a
 * token that cannot go in an HTTP header. */
int client_config_load(const char *flag_url, const char *flag_token, FILE *warn,
		       struct client_config *out, char **cause) WUR;
void client_config_free(struct client_config *cfg);

#endif
