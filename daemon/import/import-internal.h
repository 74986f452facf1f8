/* import-internal.h — what the three import readers (import-minutes.c, import-csv.c,
 * import-json.c) share with import.c. Not for other modules: they use import.h. */
#ifndef SUIVI_IMPORT_INTERNAL_H
#define SUIVI_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import.h"
#include "util.h"

/* One parse in progress: where items go, where the first error goes, the row unit. */
struct import_ctx {
	struct import_result *out;
	struct import_error *err;
	const struct import_defaults *defaults;
	const char *unit; /* "line", "row" or "element" */
};

/* A growable byte string, always NUL-terminated once something was appended. */
struct import_buf {
	char *s;
	size_t len;
	size_t cap;
};

void import_buf_add(struct import_buf *b, const char *p, size_t n);
void import_buf_addc(struct import_buf *b, char c);
/* Hand the string over (never NULL) and reset the buffer. */
char *import_buf_take(struct import_buf *b);
void import_buf_free(struct import_buf *b);

/* Record the error (row, field, printf message) and return -1. */
int import_fail(struct import_ctx *ctx, int row, const char *field, const char *fmt, ...)
    PRINTFLIKE(4, 5);

/* Normalise and validate *item, apply the defaults and append it, taking ownership of every
 * string in it (freed on failure too). item->row must be set. */
int import_add(struct import_ctx *ctx, struct import_item *item) WUR;

/* Free every string of *item and zero it. */
void import_item_clear(struct import_item *item);

/* Append a copy of [p, p+n) to a string list (the caller validates later). */
void import_list_add(char ***list, size_t *n, const char *p, size_t n_bytes);

/* Byte length of the white space character at p (space, tab, FF, VT, U+00A0, U+202F), or 0.
 * Line ends are not white space here: readers split lines first. */
size_t import_space_len(const char *p, const char *end);
/* Byte length of the white space character that ends just before end (not before start). */
size_t import_space_before(const char *start, const char *end);

int import_minutes_parse(struct import_ctx *ctx, const char *data, size_t len) WUR;
int import_csv_parse(struct import_ctx *ctx, const char *data, size_t len) WUR;
int import_json_parse(struct import_ctx *ctx, const char *data, size_t len) WUR;

#endif
