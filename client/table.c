/* table.c — display-width aware tables.
 *
 * Text is decoded here, not with mbrtowc, so that UTF-8 from the server is measured right
 * whatever the locale: under a UTF-8 LC_CTYPE the width of each character comes from
 * wcwidth (glibc's wchar_t is the code point), otherwise from a small built-in table of
 * zero-width marks and East Asian wide ranges. */
#include "suivi-config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "table.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */
#define MIN_SHRUNK 10           /* a shrunk column keeps at least this many columns */

struct range {
	uint32_t first;
	uint32_t last;
};

struct table {
	int ncols;
	char **headers;
	int shrink;               /* column index, -1 for none */
	int nrows;
	int cap;
	char ***cells;            /* nrows × ncols, NULL for empty */
	enum table_colour *colours;
};

static size_t utf8_decode(const char *s, uint32_t *cp);
static int cp_width(uint32_t cp);
static bool in_ranges(uint32_t cp, const struct range *r, size_t n);
static int builtin_width(uint32_t cp);
static void put_utf8(char *out, size_t *len, uint32_t cp);
static const char *colour_code(enum table_colour c);

/* Zero-width: combining marks (Mn/Me), format characters (Cf) most often met. */
static const struct range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
	{0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
	{0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
	{0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0902}, {0x093A, 0x093A},
	{0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF},
	{0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
	{0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
	{0xE0100, 0xE01EF},
};

/* East Asian Wide and Fullwidth, plus the emoji blocks terminals draw two columns wide. */
static const struct range wide[] = {
	{0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
	{0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
	{0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
	{0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
	{0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int use_wcwidth = -1; /* -1 not decided yet */

void table_init_locale(void)
{
	const char *cs = nl_langinfo(CODESET);
	use_wcwidth = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* Decode one character; returns the bytes used (at least 1 for a non-empty string). An
 * invalid sequence (overlong, surrogate, beyond U+10FFFF, truncated) gives U+FFFD for one
 * byte, so that the next call resynchronises. */
static size_t utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = c;
	return n;
}

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < r[mid].first)
			hi = mid;
		else if (cp > r[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static int builtin_width(uint32_t cp)
{
	if (in_ranges(cp, zero_width, ARRAY_LEN(zero_width)))
		return 0;
	if (in_ranges(cp, wide, ARRAY_LEN(wide)))
		return 2;
	return 1;
}

/* Control characters never reach here from cleaned cells; for raw text they count as one
 * column, like the space they are printed as. */
static int cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 1;
	if (use_wcwidth < 0)
		table_init_locale();
	if (use_wcwidth) {
		int w = wcwidth((wchar_t)cp);
		if (w >= 0)
			return w;
	}
	return builtin_width(cp);
}

int table_width(const char *s)
{
	int w = 0;
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_decode(s, &cp);
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
		size_t n = utf8_decode(p, &cp);
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

static void put_utf8(char *out, size_t *len, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*len)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*len)++] = (char)(0xC0 | (cp >> 6));
		out[(*len)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[(*len)++] = (char)(0xE0 | (cp >> 12));
		out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*len)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*len)++] = (char)(0xF0 | (cp >> 18));
		out[(*len)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*len)++] = (char)(0x80 | (cp & 0x3F));
	}
}

char *table_clean(const char *s, bool keep_newlines)
{
	/* U+FFFD takes 3 bytes where the invalid byte took 1. */
	char *out = xmalloc(strlen(s) * 3 + 1);
	size_t len = 0;
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_decode(s, &cp);
		if (cp == '\n' && keep_newlines)
			out[len++] = '\n';
		else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			out[len++] = ' ';
		else
			put_utf8(out, &len, cp);
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
