/* cmd.h — the command table: each client/cmd-<name>.c exports one cmd_entry. */
#ifndef SUIVI_CMD_H
#define SUIVI_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "client.h"

struct cmd_entry {
	const char *name;
	const char *alias;   /* NULL when none */
	const char *usage;   /* synopsis lines after "suivi ", '\n' between forms */
	const char *summary; /* one line for suivi --help */
	const char *options; /* option lines for COMMAND --help, NULL when none */
	int (*exec)(struct client *c, int argc, char **argv);
};

/* Every command, in the order of suivi --help; NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];

/* By name or alias, NULL when unknown. */
const struct cmd_entry *cmd_find(const char *name);
/* COMMAND --help: usage forms, summary and options. */
void cmd_help(const struct cmd_entry *e, FILE *f);
/* Say what is wrong with the command line on stderr, then the usage; returns EXIT_USAGE. */
int cmd_usage(struct client *c, const struct cmd_entry *e, const char *fmt, ...)
	PRINTFLIKE(3, 4);
/* getopt_long over argv with the options every command takes (--help, --json) added to
 * opts. Returns the option character like getopt_long, -1 at the end; handles --help (prints
 * it, returns 'h') and --json itself, and turns an unknown option or a missing value into a
 * usage message (returns '?'). shortopts must not start with ':'. */
int cmd_getopt(struct client *c, const struct cmd_entry *e, int argc, char **argv,
	       const char *shortopts, const struct option *opts);

#define CMD_OPT_END {NULL, 0, NULL, 0}

#endif
