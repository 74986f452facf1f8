/* test-client-table.c — display widths, alignment of accented, combining and wide (CJK)
 * text, truncation with "…" at character boundaries, cleaning of control characters; under
 * a UTF-8 locale (wcwidth) and under the C locale (the built-in table). */
#include "suivi-config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "client/table.h"
#include "suites.h"
#include "utf8.h"

#define E_ACUTE "\xc3\xa9"               /* é precomposed, 2 bytes, 1 column */
#define COMBINING_ACUTE "\xcc\x81"       /* U+0301, 2 bytes, 0 columns */
#define TOKYO "\xe6\x9d\xb1\xe4\xba\xac" /* 東京, 6 bytes, 4 columns */
#define TO "\xe9\x83\xbd"                /* 都, 3 bytes, 2 columns */
#define ELLIPSIS "\xe2\x80\xa6"

static void utf8_locale(void);
static void c_locale(void);
static char *print_table(const struct table *t, int max_width);
static int column_of(const char *line, const char *needle);
static char **split_lines(char *text, int *n);

static void utf8_locale(void)
{
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	table_init_locale();
}

static void c_locale(void)
{
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C"));
	table_init_locale();
}

static char *print_table(const struct table *t, int max_width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	table_print(t, f, max_width, false);
	fclose(f);
	return buf;
}

/* Display column (0-based) where needle starts in line. */
static int column_of(const char *line, const char *needle)
{
	const char *p = strstr(line, needle);
	ck_assert_msg(p != NULL, "%s not in %s", needle, line);
	char *prefix = strndup(line, (size_t)(p - line));
	int w = table_width(prefix);
	free(prefix);
	return w;
}

static char **split_lines(char *text, int *n)
{
	char **lines = calloc(64, sizeof *lines);
	*n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l != NULL && *n < 64;
	     l = strtok_r(NULL, "\n", &save))
		lines[(*n)++] = l;
	return lines;
}

START_TEST(test_width)
{
	if (_i == 0)
		utf8_locale();
	else
		c_locale();
	ck_assert_int_eq(table_width(""), 0);
	ck_assert_int_eq(table_width("abc"), 3);
	ck_assert_int_eq(table_width("Zo" E_ACUTE), 3);
	ck_assert_int_eq(table_width("Zoe" COMBINING_ACUTE), 3);
	ck_assert_int_eq(table_width(TOKYO), 4);
	ck_assert_int_eq(table_width(TOKYO TO "x"), 7);
	ck_assert_int_eq(table_width("r" E_ACUTE "gionale"), 9);
	ck_assert_int_eq(table_width(ELLIPSIS), 1);
	/* Invalid bytes count one column each, never make the width negative. */
	ck_assert_int_eq(table_width("a\xff\xfe"), 3);
	ck_assert_int_eq(table_width("\xe6\x9d"), 2);
}
END_TEST

START_TEST(test_alignment)
{
	if (_i == 0)
		utf8_locale();
	else
		c_locale();
	struct table *t = table_new(3);
	table_header(t, 0, "NAME");
	table_header(t, 1, "MARK");
	table_header(t, 2, "END");
	static const char *const names[] = {"abc", "Zo" E_ACUTE, "Zoe" COMBINING_ACUTE,
					    TOKYO TO TOKYO, "R" E_ACUTE "gion" COMBINING_ACUTE};
	for (int i = 0; i < 5; i++) {
		table_add_row(t, TABLE_RED);
		table_cell(t, 0, names[i]);
		table_cellf(t, 1, "M%d" TO TO, i);
		table_cellf(t, 2, "E%d", i);
	}
	char *out = print_table(t, 0);
	int n;
	char **lines = split_lines(out, &n);
	ck_assert_int_eq(n, 6);
	/* Widest first column: 東京都東京 = 10 columns; then two spaces. Second column:
	 * "M0都都" is 6 columns wide, so the third starts at 10 + 2 + 6 + 2 = 20. */
	ck_assert_int_eq(column_of(lines[0], "MARK"), 12);
	ck_assert_int_eq(column_of(lines[0], "END"), 20);
	for (int i = 1; i < n; i++) {
		char mark[8], end[8];
		snprintf(mark, sizeof mark, "M%d", i - 1);
		snprintf(end, sizeof end, "E%d", i - 1);
		ck_assert_int_eq(column_of(lines[i], mark), 12);
		ck_assert_int_eq(column_of(lines[i], end), 20);
		ck_assert_int_eq(table_width(lines[i]), 22);
	}
	/* Byte offsets differ from columns: the alignment is not by bytes. */
	ck_assert_int_ne((int)(strstr(lines[4], "M3") - lines[4]), 12);
	ck_assert_int_ne((int)(strstr(lines[2], "M1") - lines[2]), 12);
	/* No colour codes when colour is off, and no blanks at the end of a line. */
	ck_assert_ptr_null(strchr(out, '\033'));
	for (int i = 0; i < n; i++)
		ck_assert_int_ne(lines[i][strlen(lines[i]) - 1], ' ');
	free(lines);
	free(out);
	table_free(t);
}
END_TEST

START_TEST(test_truncate_exact)
{
	utf8_locale();
	char *s = table_truncate("abcdef", 6);
	ck_assert_str_eq(s, "abcdef");
	free(s);
	s = table_truncate("abcdef", 4);
	ck_assert_str_eq(s, "abc" ELLIPSIS);
	free(s);
	/* 東京都 is 6 columns: at 4, 東 (2) + … (1) fits, 東京 + … (5) does not. */
	s = table_truncate(TOKYO TO, 4);
	ck_assert_str_eq(s, "\xe6\x9d\xb1" ELLIPSIS);
	free(s);
	s = table_truncate(TOKYO TO, 5);
	ck_assert_str_eq(s, TOKYO ELLIPSIS);
	free(s);
	/* A combining mark stays with its base letter. */
	s = table_truncate("e" COMBINING_ACUTE "e" COMBINING_ACUTE "e" COMBINING_ACUTE "e", 3);
	ck_assert_str_eq(s, "e" COMBINING_ACUTE "e" COMBINING_ACUTE ELLIPSIS);
	free(s);
	s = table_truncate("Mettre en place une base de donn" E_ACUTE "es", 10);
	ck_assert_str_eq(s, "Mettre en" ELLIPSIS);
	free(s);
	s = table_truncate("abc", 1);
	ck_assert_str_eq(s, ELLIPSIS);
	free(s);
}
END_TEST

/* Every width on texts mixing 1-, 2-, 3- and 4-byte characters: valid UTF-8, within the
 * width, a prefix of the text plus "…". */
START_TEST(test_truncate_never_splits)
{
	if (_i == 0)
		utf8_locale();
	else
		c_locale();
	static const char *const texts[] = {
	    "Cr" E_ACUTE "er un r" E_ACUTE "seau r" E_ACUTE "gional " TOKYO TO,
	    TOKYO TO TOKYO TO "!",
	    "a\xf0\x9f\x99\x82"
	    "b\xf0\x9f\x99\x82"
	    "c" COMBINING_ACUTE "d" E_ACUTE,
	    "\xf0\xa0\x80\x80\xf0\xa0\x80\x81x", /* CJK extension B: 4 bytes, 2 columns */
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		int full = table_width(texts[i]);
		for (int w = 1; w <= full + 1; w++) {
			char *s = table_truncate(texts[i], w);
			ck_assert_msg(utf8_valid(s, strlen(s)), "text %zu width %d", i, w);
			ck_assert_int_le(table_width(s), w);
			if (w >= full) {
				ck_assert_str_eq(s, texts[i]);
			} else {
				size_t len = strlen(s);
				ck_assert_int_ge(len, 3);
				ck_assert_str_eq(s + len - 3, ELLIPSIS);
				ck_assert(strncmp(s, texts[i], len - 3) == 0);
				/* As long as possible: one more character would not fit. */
				ck_assert_int_ge(table_width(s), w - 1);
			}
			free(s);
		}
	}
}
END_TEST

START_TEST(test_shrink_to_terminal)
{
	utf8_locale();
	struct table *t = table_new(3);
	table_header(t, 0, "REF");
	table_header(t, 1, "OWNER");
	table_header(t, 2, "TEXT");
	table_shrink_column(t, 2);
	table_add_row(t, TABLE_PLAIN);
	table_cell(t, 0, "bamako-2019/3");
	table_cell(t, 1, "ocrtis");
	table_cell(t, 2,
		   "Mettre en place une base de donn" E_ACUTE "es r" E_ACUTE
		   "gionale partag" E_ACUTE "e sur les saisies");
	char *out = print_table(t, 40);
	int n;
	char **lines = split_lines(out, &n);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(table_width(lines[1]), 40);
	ck_assert_ptr_nonnull(strstr(lines[1], ELLIPSIS));
	ck_assert_int_eq(column_of(lines[1], "Mettre"), 23);
	free(lines);
	free(out);
	/* Piped (no width): the text stays whole. */
	out = print_table(t, 0);
	ck_assert_ptr_nonnull(strstr(out, "sur les saisies\n"));
	ck_assert_ptr_null(strstr(out, ELLIPSIS));
	free(out);
	table_free(t);
}
END_TEST

START_TEST(test_clean)
{
	utf8_locale();
	char *s = table_clean("a\033[31mb\tc\nd\x7f" E_ACUTE, false);
	ck_assert_str_eq(s, "a [31mb c d " E_ACUTE);
	free(s);
	s = table_clean("line1\nline2\r", true);
	ck_assert_str_eq(s, "line1\nline2 ");
	free(s);
	/* Invalid UTF-8 and C1 controls (U+009B is a CSI on some terminals). */
	s = table_clean("x\xff"
			"y\xc2\x9bz",
			false);
	ck_assert_str_eq(s, "x\xef\xbf\xbdy z");
	free(s);
	/* Cells are cleaned: an escape sequence in server text cannot reach the terminal. */
	struct table *t = table_new(1);
	table_add_row(t, TABLE_PLAIN);
	table_cell(t, 0, "evil\033]0;title\007");
	char *out = print_table(t, 0);
	ck_assert_ptr_null(strchr(out, '\033'));
	ck_assert_ptr_null(strchr(out, '\007'));
	free(out);
	table_free(t);
}
END_TEST

START_TEST(test_colour)
{
	utf8_locale();
	struct table *t = table_new(2);
	table_header(t, 0, "A");
	table_header(t, 1, "B");
	table_add_row(t, TABLE_RED);
	table_cell(t, 0, "late");
	table_cell(t, 1, "x");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	table_print(t, f, 0, true);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\033[31mlate  x\033[0m\n"));
	free(buf);
	table_free(t);
}
END_TEST

Suite *make_client_table_suite(void)
{
	Suite *s = suite_create("client_table");
	TCase *tc = tcase_create("client_table");
	tcase_add_loop_test(tc, test_width, 0, 2);
	tcase_add_loop_test(tc, test_alignment, 0, 2);
	tcase_add_test(tc, test_truncate_exact);
	tcase_add_loop_test(tc, test_truncate_never_splits, 0, 2);
	tcase_add_test(tc, test_shrink_to_terminal);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_colour);
	suite_add_tcase(s, tc);
	return s;
}
