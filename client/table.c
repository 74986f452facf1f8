/* table.c — display-width aware tables.
 *
 * Text is decoded here, not with mbrtowc, so that UTF-8 from the server is measured right
 * whatever the locale: under a UTF-8 LC_CTYPE the width of each character comes from
 * wcwidth (glibc's wchar_t is the code point), otherwise from the built-in table of
 * utf8_width (common/utf8.c). */
#include "suivi-config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "table.h"
#include "utf8.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */
#define MIN_SHRUNK 10           /* a shrunk column keeps at least this many columns */

struct table {
	int ncols;
	char **headers;
	int shrink; /* column index, -1 for none */
	int nrows;
	int cap;
	char ***cells; /* nrows × ncols, NULL for empty */
	enum table_colour *colours;
};

static int cp_width(uint32_t cp);
static const char *colour_code(enum table_colour c);

static int use_wcwidth = -1; /* -1 not decided yet */

void table_init_locale(void)
{
	const char *cs = nl_langinfo(CODESET);
	use_wcwidth = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* Control characters never reach here from cleaned cells; for raw text they count as one
 * column, like the space they are printed as. */
static int cp_width(uint32_t cp)
{
	if (utf8_is_control(cp))
		return 1;
	if (use_wcwidth < 0)
		table_init_locale();
	if (use_wcwidth) {
		int w = wcwidth((wchar_t)cp);
		if (w >= 0)
			return w;
	}
	return utf8_width(cp);
}

int table_width(const char *s)
{
	int w = 0;
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_next(s, &cp);
		w += cp_width(cp);
	}
	return w;
}

char *table_truncate(const char *s, int width)
{
	const char *p = s;
	const char *cut = s; /* end of the longest prefix that fits with the ellipsis */
	int used = 0;
	uint32_t cp;

	if (table_width(s) <= width)
		return xstrdup(s);
	if (width <= 0)
		return xstrdup("");
	while (*p != '\0') {
		size_t n = utf8_next(p, &cp);
		int w = cp_width(cp);
		if (used + w > width - 1)
			break;
		used += w;
		p += n;
		cut = p;
	}
	size_t len = (size_t)(cut - s);
	char *out = xmalloc(len + sizeof ELLIPSIS);
	memcpy(out, s, len);
	memcpy(out + len, ELLIPSIS, sizeof ELLIPSIS);
	return out;
}

char *table_clean(const char *s, bool keep_newlines)
{
	/* U+FFFD takes 3 bytes where the invalid byte took 1. */
	char *out = xmalloc(strlen(s) * 3 + 1);
	size_t len = 0;
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_next(s, &cp);
		if (cp == '\n' && keep_newlines)
			out[len++] = '\n';
		else if (utf8_is_control(cp))
			out[len++] = ' ';
		else
			len += utf8_encode(cp, out + len);
	}
	out[len] = '\0';
	return out;
}

struct table *table_new(int ncols)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->ncols = ncols;
	t->headers = xcalloc((size_t)ncols, sizeof *t->headers);
	t->shrink = -1;
	return t;
}

void table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (int c = 0; c < t->ncols; c++)
		free(t->headers[c]);
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++)
			free(t->cells[r][c]);
		free(t->cells[r]);
	}
	free(t->headers);
	free(t->cells);
	free(t->colours);
	free(t);
}

void table_header(struct table *t, int col, const char *text)
{
	free(t->headers[col]);
	t->headers[col] = table_clean(text, false);
}

void table_shrink_column(struct table *t, int col)
{
	t->shrink = col;
}

void table_add_row(struct table *t, enum table_colour colour)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->cells = xrealloc(t->cells, (size_t)t->cap * sizeof *t->cells);
		t->colours = xrealloc(t->colours, (size_t)t->cap * sizeof *t->colours);
	}
	t->cells[t->nrows] = xcalloc((size_t)t->ncols, sizeof **t->cells);
	t->colours[t->nrows] = colour;
	t->nrows++;
}

void table_cell(struct table *t, int col, const char *text)
{
	char **row = t->cells[t->nrows - 1];
	free(row[col]);
	row[col] = table_clean(text != NULL ? text : "", false);
}

void table_cellf(struct table *t, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	table_cell(t, col, s);
	free(s);
}

int table_rows(const struct table *t)
{
	return t->nrows;
}

static const char *colour_code(enum table_colour c)
{
	switch (c) {
	case TABLE_RED:
		return "\033[31m";
	case TABLE_YELLOW:
		return "\033[33m";
	case TABLE_GREEN:
		return "\033[32m";
	case TABLE_DIM:
		return "\033[2m";
	case TABLE_PLAIN:
		break;
	}
	return NULL;
}

/* Columns are separated by two spaces; the last one is not padded, so no line ends in
 * blanks. */
void table_print(const struct table *t, FILE *f, int max_width, bool colour)
{
	int *w = xcalloc((size_t)t->ncols, sizeof *w);
	int total = 2 * (t->ncols - 1);

	for (int c = 0; c < t->ncols; c++) {
		w[c] = t->headers[c] != NULL ? table_width(t->headers[c]) : 0;
		for (int r = 0; r < t->nrows; r++) {
			int cw = t->cells[r][c] != NULL ? table_width(t->cells[r][c]) : 0;
			if (cw > w[c])
				w[c] = cw;
		}
		total += w[c];
	}
	if (max_width > 0 && total > max_width && t->shrink >= 0) {
		int avail = max_width - (total - w[t->shrink]);
		int floor = MIN_SHRUNK;
		if (t->headers[t->shrink] != NULL && table_width(t->headers[t->shrink]) > floor)
			floor = table_width(t->headers[t->shrink]);
		w[t->shrink] = avail > floor ? avail : floor;
	}

	for (int r = -1; r < t->nrows; r++) {
		char **row = r < 0 ? t->headers : t->cells[r];
		const char *code = colour ? (r < 0 ? "\033[1m" : colour_code(t->colours[r])) : NULL;
		if (code != NULL)
			fputs(code, f);
		for (int c = 0; c < t->ncols; c++) {
			const char *text = row[c] != NULL ? row[c] : "";
			char *cut = table_truncate(text, w[c]);
			fputs(cut, f);
			if (c < t->ncols - 1) {
				for (int pad = w[c] - table_width(cut) + 2; pad > 0; pad--)
					fputc(' ', f);
			}
			free(cut);
		}
		if (code != NULL)
			fputs("\033[0m", f);
		fputc('\n', f);
	}
	free(w);
}
