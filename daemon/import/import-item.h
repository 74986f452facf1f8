/* import-item.h — what every import reader stands on: the item, result and error types, the
 * caller's options, and the checks every item goes through whatever format it came from
 * (import_item_add). The readers (import-minutes.c, import-csv.c, import-json.c) include this
 * and import-buf.h, never import.h: import.c is the dispatcher on top of them.
 *
 * Checks, the same in every format: text 1 to opts->text_max code points and details at most
 * opts->details_max (line ends made LF; every control character but tab and newline refused);
 * owner and each supporting owner a handle [a-z0-9][a-z0-9-]{0,62} (at most supporting_max);
 * due_on a real YYYY-MM-DD date; priority one of opts->priorities; status one of
 * opts->open_statuses (a status of opts->closed_statuses gets a hint saying why it is
 * refused); at most opts->tags_max tags of 1 to opts->tag_max characters without control
 * characters. Values are trimmed of white space (see
 * import_item_space_len); an empty optional value means "not given". Repeated tags or
 * supporting owners are kept once. */
#ifndef SUIVI_IMPORT_ITEM_H
#define SUIVI_IMPORT_ITEM_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define IMPORT_MAX_ITEMS 10000

struct import_item {
	int row;        /* 1-based line (text/plain), record (text/csv) or element (JSON) */
	char *text;     /* never NULL */
	char *details;  /* NULL: none */
	char *owner;    /* handle, or NULL */
	char *due_on;   /* YYYY-MM-DD, or NULL */
	char *priority; /* NULL: the default (normal) */
	char *status;   /* NULL: the default (proposed) */
	char **tags;    /* ntags strings, no duplicates */
	size_t ntags;
	char **supporting; /* nsupporting handles, no duplicates */
	size_t nsupporting;
};

struct import_result {
	struct import_item *items;
	size_t n;
};

/* What the caller decides: the workflow and the limits belong to the deployment (the
 * database), not to the parser. The arrays and strings are borrowed for the parse. */
struct import_options {
	const char *owner;                  /* default owner handle, or NULL */
	const char *due_on;                 /* default due date YYYY-MM-DD, or NULL */
	const char *const *open_statuses;   /* NULL-terminated: the statuses an item may name */
	const char *const *closed_statuses; /* NULL-terminated, or NULL: only for the hint */
	const char *const *priorities; /* NULL-terminated, or NULL: any (the database judges) */
	size_t text_max;               /* code points of text */
	size_t details_max;            /* code points of details */
	size_t tag_max;                /* code points of one tag; 0: no limit */
	size_t tags_max;               /* tags of an item; 0: no limit */
	size_t supporting_max;         /* supporting owners of an item; 0: no limit */
};

/* The first problem found. row 0 means the body as a whole (or a default). */
struct import_error {
	int row;
	const char *unit; /* "line", "row" or "element" (static), NULL when row is 0 */
	char *field;      /* field or column name, NULL when the row as a whole is wrong */
	char *message;    /* one plain sentence fragment, without the row or field */
};

/* One parse in progress: where items go, where the first error goes, the row unit. */
struct import_item_ctx {
	struct import_result *out;
	struct import_error *err;
	const struct import_options *opts;
	const char *unit; /* "line", "row" or "element" */
	/* text/plain only, may be NULL: called with each prose line (neither an item nor its
	 * continuation, blank, a separator or a '#' heading; a line ending with ':' is given, as
	 * it may be a wrapped sentence), and with s NULL where a paragraph ends. import.c
	 * gathers them for import-prose.c. */
	void (*prose)(void *arg, int line, const char *s, size_t n);
	void *prose_arg;
};

/* Record the error (row, field, printf message) unless one is already there; returns -1. */
int import_item_fail(struct import_item_ctx *ctx, int row, const char *field, const char *fmt, ...)
    PRINTFLIKE(4, 5);
/* Check the defaults of ctx->opts (row 0 when wrong). */
int import_item_check_defaults(struct import_item_ctx *ctx) WUR;
/* Normalise and validate *item, apply the defaults and append it, taking ownership of every
 * string in it (freed on failure too). item->row must be set. */
int import_item_add(struct import_item_ctx *ctx, struct import_item *item) WUR;
/* Free every string of *item and zero it. */
void import_item_clear(struct import_item *item);
/* Append a copy of [p, p+n) to a string list (the caller validates later). */
void import_item_list_add(char ***list, size_t *n, const char *p, size_t n_bytes);

/* Byte length of the white space character at p (space, tab, FF, VT, U+00A0, U+202F), or 0.
 * Line ends are not white space here: readers split lines first. */
size_t import_item_space_len(const char *p, const char *end);
/* Byte length of the white space character that ends just before end (not before start). */
size_t import_item_space_before(const char *start, const char *end);

#endif
