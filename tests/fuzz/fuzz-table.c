/* fuzz-table.c — the client's text tables (client/table.c) with arbitrary UTF-8 and bytes
 * that are not UTF-8: display widths, truncation with "…", cleaning of control characters,
 * and whole tables printed for a terminal of some width.
 *
 * Input: three bytes (columns, the shrinking column, the terminal width), then NUL-separated
 * cells: the headers, then the rows.
 * Properties: a cleaned cell is valid UTF-8 without control characters; a truncated text
 * fits its width and, but for the final "…", is a prefix of the text cut between whole
 * characters; a printed table has one line per row plus the header, valid UTF-8 without
 * control characters (cells cannot break a line or send escape sequences), and no line wider
 * than the terminal once the other columns leave the shrinking one its minimum (10 columns
 * or its header). */
#include "suivi-config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "table.h"
#include "utf8.h"
#include "util.h"

#define MAX_COLS 4
#define MAX_ROWS 4
#define MIN_SHRUNK 10 /* table.c's */

static bool no_controls(const char *s, size_t len)
{
	uint32_t cp;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || utf8_is_control(cp))
			return false;
		i += n;
	}
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* As suivi runs on a UTF-8 terminal: widths from wcwidth where it knows them. */
	setlocale(LC_CTYPE, "C.UTF-8");
	table_init_locale();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	fuzz_in_init(&in, data, size);
	int ncols = 1 + (int)(fuzz_byte(&in) % MAX_COLS);
	int shrink = (int)(fuzz_byte(&in) % (unsigned)ncols);
	int max_width = (int)(fuzz_byte(&in) % 121);
	const char *cells[1 + MAX_ROWS][MAX_COLS];
	int nrows = 0;
	for (int c = 0; c < ncols; c++)
		cells[0][c] = fuzz_take(&in);
	while (nrows < MAX_ROWS && in.p < in.end) {
		nrows++;
		for (int c = 0; c < ncols; c++)
			cells[nrows][c] = fuzz_take(&in);
	}

	/* One cell at a time: clean, width, truncate. */
	for (int r = 0; r <= nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			const char *s = cells[r][c];
			char *clean = table_clean(s, r == 0 && c == 0);
			FUZZ_CHECK(utf8_valid(clean, strlen(clean)), "cleaned text not UTF-8");
			size_t len = strlen(clean);
			char *flat = xstrdup(clean);
			for (char *p = flat; *p != '\0'; p++)
				if (*p == '\n')
					*p = ' ';
			FUZZ_CHECK(no_controls(flat, len), "a control character left by cleaning");
			free(flat);
			int w = table_width(clean);
			FUZZ_CHECK(w >= 0 && (size_t)w <= 2 * len, "width %d of %zu bytes", w, len);
			int limit = (r * MAX_COLS + c) % 12;
			char *cut = table_truncate(clean, limit);
			int cw = table_width(cut);
			FUZZ_CHECK(cw <= (limit > 0 ? limit : 0) || strcmp(cut, clean) == 0,
				   "truncated to %d columns: %d", limit, cw);
			size_t clen = strlen(cut);
			if (strcmp(cut, clean) != 0 && clen > 0) {
				FUZZ_CHECK(clen >= 3 && strcmp(cut + clen - 3, "\xe2\x80\xa6") == 0,
					   "no ellipsis");
				FUZZ_CHECK(strncmp(cut, clean, clen - 3) == 0 &&
					       utf8_valid(cut, clen),
					   "not a prefix cut between characters");
			}
			free(cut);
			free(clean);
		}
	}

	struct table *t = table_new(ncols);
	int widths[MAX_COLS] = {0};
	for (int c = 0; c < ncols; c++) {
		table_header(t, c, cells[0][c]);
		char *h = table_clean(cells[0][c], false);
		widths[c] = table_width(h);
		free(h);
	}
	int header_w = widths[shrink];
	table_shrink_column(t, shrink);
	for (int r = 1; r <= nrows; r++) {
		table_add_row(t, (enum table_colour)(r % 5));
		for (int c = 0; c < ncols; c++) {
			table_cell(t, c, cells[r][c]);
			char *s = table_clean(cells[r][c], false);
			int w = table_width(s);
			if (w > widths[c])
				widths[c] = w;
			free(s);
		}
	}
	FUZZ_CHECK(table_rows(t) == nrows, "%d rows", table_rows(t));
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	FUZZ_CHECK(f != NULL, "memstream");
	table_print(t, f, max_width, false);
	fclose(f);
	table_free(t);

	int others = 2 * (ncols - 1);
	for (int c = 0; c < ncols; c++)
		if (c != shrink)
			others += widths[c];
	int floor = header_w > MIN_SHRUNK ? header_w : MIN_SHRUNK;
	bool fits = max_width > 0 && others + floor <= max_width;
	int lines = 0;
	for (char *line = out; *line != '\0'; lines++) {
		char *nl = strchr(line, '\n');
		FUZZ_CHECK(nl != NULL, "a line without its end");
		*nl = '\0';
		FUZZ_CHECK(no_controls(line, strlen(line)), "line %d: a control character", lines);
		if (fits)
			FUZZ_CHECK(table_width(line) <= max_width, "line %d: %d columns for %d",
				   lines, table_width(line), max_width);
		line = nl + 1;
	}
	FUZZ_CHECK(lines == nrows + 1, "%d lines for %d rows", lines, nrows);
	free(out);
	fuzz_in_free(&in);
	return 0;
}
