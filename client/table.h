/* table.h — text tables for people: columns aligned by display width (accents, combining
 * marks, wide CJK characters), one column that shrinks with "…" to fit a terminal, optional
 * ANSI colour per row. Every cell is cleaned of control characters so that server text can
 * neither break the alignment nor send escape sequences to the terminal. */
#ifndef SUIVI_TABLE_H
#define SUIVI_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"

enum table_colour {
	TABLE_PLAIN,
	TABLE_RED,
	TABLE_YELLOW,
	TABLE_GREEN,
	TABLE_DIM,
};

struct table;

/* Decide once how to measure characters: wcwidth when LC_CTYPE is UTF-8 (call after
 * setlocale), the built-in table otherwise. Called by table_width itself when needed. */
void table_init_locale(void);
/* Columns that UTF-8 text takes on a terminal. Invalid bytes count as one column each. */
int table_width(const char *s);
/* A copy of s that fits in width columns: s itself when it fits, else cut at a character
 * boundary (zero-width marks stay with their base) and ended with "…". */
char *table_truncate(const char *s, int width);
/* A copy of s safe to print: invalid UTF-8 becomes U+FFFD, control characters a space
 * (newlines kept when keep_newlines). */
char *table_clean(const char *s, bool keep_newlines);

struct table *table_new(int ncols);
void table_free(struct table *t);
void table_header(struct table *t, int col, const char *text);
/* The column that gives up space when the table is wider than the terminal. */
void table_shrink_column(struct table *t, int col);
/* Start a new row; later table_cell calls fill it. */
void table_add_row(struct table *t, enum table_colour colour);
void table_cell(struct table *t, int col, const char *text);
void table_cellf(struct table *t, int col, const char *fmt, ...) PRINTFLIKE(3, 4);
int table_rows(const struct table *t);
/* Print to f; max_width 0 means no limit (output piped: long text left whole). */
void table_print(const struct table *t, FILE *f, int max_width, bool colour);

#endif
