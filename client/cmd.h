/* cmd.h — the command table: each client/cmd-<name>.c exports one cmd_entry that says,
 * once, which arguments and options the command takes and what kind of value each is. From
 * that one description cmd.c parses the command line (getopt_long underneath), checks the
 * values, writes COMMAND --help, and complete.c answers the bash completion; the command's
 * exec only reads the parsed arguments. cmd.c also holds what commands share: sending a
 * request and printing the answer (JSON with --json, else the command's own printer). */
#ifndef SUIVI_CMD_H
#define SUIVI_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "client.h"

/* What a value is: how it is checked, completed and named. */
enum cmd_kind {
	CMD_FLAG,     /* an option without a value */
	CMD_TEXT,     /* free text */
	CMD_REF,      /* a recommendation: a ref such as bamako-2019/3, or an id */
	CMD_OWNER,    /* an owner's handle (completed from the server) */
	CMD_MEETING,  /* a meeting's code */
	CMD_DATE,     /* a date as typed; the command reads it as YYYY-MM-DD */
	CMD_STATUS,   /* a status of the server's workflow (checked against it) */
	CMD_PRIORITY, /* a priority of the server's workflow (checked against it) */
	CMD_FILE,     /* a path, or - for standard input */
	CMD_NUMBER,   /* a whole number: an id, a count */
	CMD_WORDS,    /* one of .words */
};

/* How many times: zero is what is usual (an argument must be given, an option may be). */
enum cmd_arity {
	CMD_ONCE,     /* an argument that must be given; an option at most once (the last wins) */
	CMD_OPTIONAL, /* an argument that may be left out */
	CMD_REPEAT,   /* any number: an option each time kept, the last argument one or more */
};

/* A positional argument (after the subcommand when there is one). */
struct cmd_arg {
	const char *name; /* as in the usage: REF, OWNER */
	enum cmd_kind kind;
	enum cmd_arity arity;
	/* CMD_WORDS: the choices; CMD_DATE: words taken besides dates ("none" gives "");
	 * CMD_FILE: the extensions offered, "txt|md" */
	const char *words;
};

struct cmd_option {
	char short_name;    /* '\0' when none */
	const char *name;   /* the long name, without "--" */
	const char *alias;  /* another long name taken too, never shown; NULL when none */
	enum cmd_kind kind; /* CMD_FLAG when it takes no value */
	enum cmd_arity arity;
	const char *value; /* the value's name in COMMAND --help: HANDLE, DATE */
	const char *words; /* as in cmd_arg */
	const char *with;  /* the subcommands it goes with, space-separated; NULL: any */
	/* The API's name for it: the query parameter or body member cmd_query and cmd_body
	 * fill (a flag gives true, a repeated option several values); NULL when exec uses it */
	const char *key;
	const char *help; /* for COMMAND --help; '\n' starts an indented second line */
};

struct cmd_sub {
	const char *name;
	const struct cmd_arg *args; /* after the subcommand, NULL-name terminated; NULL: none */
	bool implied;               /* the one meant when no subcommand is given */
	const char *needs;          /* options it cannot go without, space-separated */
};

struct cmd_args;

struct cmd_entry {
	const char *name;
	const char *alias; /* NULL when none */
	/* The forms' arguments after "suivi ", '\n' between forms (one per subcommand, in
	 * the order of .subs); COMMAND --help adds each form's options from .options. */
	const char *usage;
	const char *summary;              /* one line for suivi --help */
	const struct cmd_sub *subs;       /* NULL-name terminated; NULL: no subcommands */
	const struct cmd_arg *args;       /* without subcommands: NULL-name terminated */
	const struct cmd_option *options; /* NULL-name terminated; --json and --help are added */
	const char *notes;                /* ends COMMAND --help, NULL when nothing to add */
	int (*exec)(struct client *c, const struct cmd_args *a);
};

/* A command's printer of a successful answer (not called with --json). */
typedef void cmd_print_fn(struct client *c, const struct cmd_args *a, const json_t *reply);

#define CMD_ARG_END                                                                                \
	{                                                                                          \
		NULL, CMD_TEXT, CMD_ONCE, NULL                                                     \
	}
#define CMD_OPTION_END                                                                             \
	{                                                                                          \
		.name = NULL                                                                       \
	}
#define CMD_SUB_END                                                                                \
	{                                                                                          \
		NULL, NULL, false, NULL                                                            \
	}

/* Every command, in the order of suivi --help; NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];
/* The options before the command (--url, --token, --json, --help, --version). */
extern const struct cmd_option cmd_global_options[];
/* The options every command takes (--json, --help). */
extern const struct cmd_option cmd_common_options[];

/* By name or alias, NULL when unknown. */
const struct cmd_entry *cmd_find(const char *name);
/* A subcommand of e by name, NULL when unknown. */
const struct cmd_sub *cmd_find_sub(const struct cmd_entry *e, const char *name);
/* An option of the list (terminated by a NULL name) by long name or alias, NULL when none. */
const struct cmd_option *cmd_find_option(const struct cmd_option *opts, const char *name);
/* Whether opt goes with subcommand sub (NULL: the command has none). */
bool cmd_option_goes_with(const struct cmd_option *opt, const struct cmd_sub *sub);
/* The arguments of a subcommand, or of the command when it has none (sub NULL). */
const struct cmd_arg *cmd_form_args(const struct cmd_entry *e, const struct cmd_sub *sub);
/* Whether word is one of the space-separated words of list. */
bool cmd_word_in(const char *list, const char *word);

/* getopt_long over the rows of two option lists (either may be NULL): the caller's loop
 * calls cmd_getopt_next until it returns 0. */
struct cmd_getopt {
	const struct cmd_option **rows;
	size_t nrows;
	struct option *longs;
	char *shorts;
};
/* in_order stops at the first word that is not an option (the global options). */
void cmd_getopt_init(struct cmd_getopt *g, const struct cmd_option *a, const struct cmd_option *b,
		     bool in_order);
/* 1 with *opt (its value in optarg), 0 at the end, ':' for a missing value and '?' for an
 * unknown option (argv[optind - 1] and optopt say which). */
int cmd_getopt_next(struct cmd_getopt *g, int argc, char **argv, const struct cmd_option **opt);
void cmd_getopt_free(struct cmd_getopt *g);

/* COMMAND --help: usage forms, summary, options, notes. */
void cmd_help(const struct cmd_entry *e, FILE *f);
/* Option lines of a help: "  -m, --comment TEXT  why" with the help at column col. */
void cmd_help_options(const struct cmd_option *opts, int col, FILE *f);
/* Say what is wrong with the command line on stderr, then the usage; returns EXIT_USAGE. */
int cmd_usage(struct client *c, const struct cmd_entry *e, const char *fmt, ...) PRINTFLIKE(3, 4);
/* Parse argv (argv[0] the command's name) by e's table and run e->exec. --help prints the
 * help; every local check (arity, options per subcommand, dates, numbers, words, refs) comes
 * before anything is sent; statuses and priorities are then checked against the server's
 * workflow when it can be had (exit 1 when unknown to it). */
int cmd_run(struct client *c, const struct cmd_entry *e, int argc, char **argv);

/* The subcommand given (or implied), NULL when the command has none. */
const char *cmd_subcommand(const struct cmd_args *a);
/* Positional argument i after the subcommand (dates as YYYY-MM-DD), NULL past the end. */
const char *cmd_arg(const struct cmd_args *a, size_t i);
/* The value of an option (the last when given more than once; dates as YYYY-MM-DD), NULL
 * when not given. The name must be one of the command's options. */
const char *cmd_opt(const struct cmd_args *a, const char *name);
/* Whether an option was given. */
bool cmd_flag(const struct cmd_args *a, const char *name);
/* The options with a .key as a query string ("" when none; caller frees), in the order
 * given on the command line. */
char *cmd_query(const struct cmd_args *a);
/* The options with a .key as a JSON object (caller decrefs). */
json_t *cmd_body(const struct cmd_args *a);

/* Send body (may be NULL; stolen) to path; print the answer: its JSON with --json, else
 * print(c, a, answer). Returns the exit code. */
int cmd_request(struct client *c, const struct cmd_args *a, const char *method, const char *path,
		json_t *body, cmd_print_fn *print);
/* cmd_request to a recommendation (by ref or id) plus suffix, named in error sentences. */
int cmd_request_rec(struct client *c, const struct cmd_args *a, const char *method, const char *ref,
		    const char *suffix, json_t *body, cmd_print_fn *print);
/* Every page of a list up to limit items (0: all): {"items":[...],"next":...} with --json,
 * else print(c, a, items); says on stderr when the server had more. */
int cmd_list(struct client *c, const struct cmd_args *a, const char *path, size_t limit,
	     cmd_print_fn *print);

#endif
