/* client.h — the state of one suivi run (where to connect, how to print) and the helpers
 * every command uses: dates from the command line, JSON and key/value output, escaping of
 * path segments and query values. */
#ifndef SUIVI_CLIENT_H
#define SUIVI_CLIENT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "conn.h"
#include "date.h"
#include "util.h"

/* Exit codes of the contract. */
#define EXIT_DONE 0
#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3
#define EXIT_AUTH 4

struct client {
	const char *url_text;
	struct conn_url url;
	const char *token;   /* NULL when none is configured */
	bool json;           /* --json: print the API's JSON */
	bool colour;         /* stdout is a terminal and NO_COLOR is unset or empty */
	int width;           /* terminal columns; 0 when stdout is not a terminal */
	struct date today;   /* the local date, base of relative dates */
	const char *subject; /* what the command is about (a ref), named in error sentences */
	json_t *workflow;    /* the server's workflow once asked (workflow.h), NULL before */
	bool workflow_asked; /* asked already: at most once a run, even when it failed */
	FILE *out;
	FILE *err;
};

/* Where to connect (flags, else SUIVI_URL and SUIVI_TOKEN, else client.conf into cfg) and
 * how to print (colour, width), and today's date. Says why on stderr and returns EXIT_USAGE
 * when it cannot; else EXIT_DONE, and client_close frees it all. */
int client_open(struct client *c, const char *flag_url, const char *flag_token,
		struct client_config *cfg);
void client_close(struct client *c, struct client_config *cfg);
/* Print "suivi: <message>" on stderr; returns code so callers can return it. */
int client_fail(struct client *c, int code, const char *fmt, ...) PRINTFLIKE(3, 4);
/* Turn a typed date into YYYY-MM-DD in buf (11 bytes); "none" only when allow_none (buf
 * then empty). Prints the error and returns false on a bad date. */
bool client_date(struct client *c, const char *what, const char *s, bool allow_none, char *buf);
/* Percent-encode s for a path segment or a query value (caller frees). keep_slash keeps '/'
 * as a separator, for refs such as bamako-2019/3. */
char *client_escape(const char *s, bool keep_slash);
/* Whether ref can name a recommendation: no empty, "." or ".." segment that would walk to
 * another resource. Says why not on stderr. */
bool client_ref_valid(struct client *c, const char *ref);
/* The API path of a recommendation by id or ref, plus suffix (may be ""); NULL and an error
 * printed when the ref cannot be one (empty, "." or ".." segments). Caller frees. */
char *client_rec_path(struct client *c, const char *ref, const char *suffix);
/* Append "&key=value" (or "?key=value" first) to *query, escaping value. */
void client_query_add(char **query, const char *key, const char *value);
/* Print JSON for scripts: indented, UTF-8 kept. */
void client_print_json(struct client *c, const json_t *j);
/* "  Label:    value" lines of a show command; NULL or empty values print "-". */
void client_kv(struct client *c, const char *label, const char *value);
/* A string member, or "" when absent or not a string. */
const char *client_str(const json_t *o, const char *key);
/* Members joined with ", " (caller frees), for arrays of strings. */
char *client_join(const json_t *array);
/* The due column: "2026-03-31 (overdue by 12 days)" for an item (caller frees). */
char *client_due_words(struct client *c, const json_t *item);

#endif
