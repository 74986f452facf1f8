/* import-minutes.c — text/plain meeting minutes: every bullet or numbered item is one
 * recommendation. The line rules are documented in import.h; this file implements them. */
#include "suivi-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-minutes.h"
#include "import/import-buf.h"
#include "import/import-item.h"
#include "util.h"
#include "utf8.h"

enum line_kind {
	LINE_BLANK,
	LINE_SEPARATOR,
	LINE_ITEM,
	LINE_HEADING,
	LINE_OTHER,
};

/* The item being gathered: its first line and its lines joined with one space. */
struct pending {
	bool open;
	int row;
	bool last_final; /* its last line ended with sentence-final punctuation */
	struct import_buf text;
};

static enum line_kind classify(const char *s, const char *e, bool indented, const char **text);
static const char *skip_marker(const char *s, const char *e);
static const char *skip_enumeration(const char *s, const char *e);
static size_t span(const char *p, const char *e, const char *set);
static bool is_bullet(uint32_t c);
static bool is_separator(const char *s, const char *e);
static bool ends_sentence(const char *s, const char *e);
static int flush(struct import_item_ctx *ctx, struct pending *cur);
static char *collapse(const char *s, size_t len);

int import_minutes_parse(struct import_item_ctx *ctx, const char *data, size_t len)
{
	const char *p = data;
	const char *end = data + len;
	struct pending cur = {0};
	int lineno = 0;

	while (p < end) {
		const char *eol = p;
		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		const char *next = eol;
		if (next < end)
			next += (*next == '\r' && next + 1 < end && next[1] == '\n') ? 2 : 1;
		lineno++;

		if (!utf8_valid(p, (size_t)(eol - p)))
			goto fail_utf8;
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL)
			goto fail_nul;

		const char *s = p;
		const char *e = eol;
		size_t n;
		while ((n = import_item_space_len(s, e)) > 0)
			s += n;
		while ((n = import_item_space_before(s, e)) > 0)
			e -= n;
		bool indented = s > p;
		const char *text = NULL;
		enum line_kind kind = classify(s, e, indented, &text);

		bool continues = kind == LINE_OTHER && cur.open && (indented || !cur.last_final);
		/* A line ending with ':' may be a wrapped sentence ("… ont suggéré :"), not only
		 * a heading: prose sees it too. */
		bool prose =
		    (kind == LINE_OTHER && !continues) || (kind == LINE_HEADING && *s != '#');
		if (ctx->prose != NULL)
			ctx->prose(ctx->prose_arg, lineno, prose ? s : NULL, (size_t)(e - s));
		if (kind == LINE_ITEM) {
			if (flush(ctx, &cur) == -1)
				goto fail;
			cur.open = true;
			cur.row = lineno;
			import_buf_add(&cur.text, text, (size_t)(e - text));
			cur.last_final = ends_sentence(text, e);
		} else if (continues) {
			import_buf_addc(&cur.text, ' ');
			import_buf_add(&cur.text, s, (size_t)(e - s));
			cur.last_final = ends_sentence(s, e);
		} else if (flush(ctx, &cur) == -1) {
			goto fail;
		}
		p = next;
	}
	if (flush(ctx, &cur) == -1)
		goto fail;
	return 0;

fail_utf8:
	import_item_fail(ctx, lineno, NULL, "is not valid UTF-8 (save the file as UTF-8)");
	goto fail;
fail_nul:
	import_item_fail(ctx, lineno, NULL, "contains the control character U+0000");
fail:
	import_buf_free(&cur.text);
	return -1;
}

/* Classify the trimmed line [s, e); for an item, *text is where its text starts. */
static enum line_kind classify(const char *s, const char *e, bool indented, const char **text)
{
	if (s == e)
		return LINE_BLANK;
	if (is_separator(s, e))
		return LINE_SEPARATOR;
	/* "1. * *" or "• - -": a marker before a rule is still a rule, not an item (written back
	 * as "- * *", it could not be read as one). */
	if ((*text = skip_marker(s, e)) != NULL)
		return is_separator(*text, e) ? LINE_SEPARATOR : LINE_ITEM;
	if (*s == '#' || (!indented && e[-1] == ':'))
		return LINE_HEADING;
	return LINE_OTHER;
}

/* After a bullet or an enumeration and the white space that must follow it: the item's text,
 * or NULL when the line does not start an item. */
static const char *skip_marker(const char *s, const char *e)
{
	const char *t = NULL;
	uint32_t c;
	size_t n = utf8_decode(s, (size_t)(e - s), &c);

	if (n > 0 && is_bullet(c))
		t = s + n;
	else
		t = skip_enumeration(s, e);
	if (t == NULL || import_item_space_len(t, e) == 0)
		return NULL;
	while ((n = import_item_space_len(t, e)) > 0)
		t += n;
	return t < e ? t : NULL;
}

/* 1. 1) (1) up to three digits; a. a) (a); A) (A); roman i. iv) (xii). Not "A." nor "II.":
 * too often a title or "M. Dupont". Returns the end of the enumeration or NULL. */
static const char *skip_enumeration(const char *s, const char *e)
{
	bool paren = *s == '(';
	const char *p = s + paren;
	const char *label = p;
	size_t digits = span(p, e, "0123456789");
	size_t roman = span(p, e, "ivxlc");

	if (digits >= 1 && digits <= 3)
		p += digits;
	else if (roman >= 2 && roman <= 6)
		p += roman;
	else if (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		p++;
	else
		return NULL;
	if (p >= e)
		return NULL;
	if (paren)
		return *p == ')' ? p + 1 : NULL;
	if (*p == ')')
		return p + 1;
	if (*p == '.' && !(p - label == 1 && *label >= 'A' && *label <= 'Z'))
		return p + 1;
	return NULL;
}

/* Length of the prefix of [p, e) made of bytes of set. */
static size_t span(const char *p, const char *e, const char *set)
{
	const char *q = p;
	while (q < e && *q != '\0' && strchr(set, *q) != NULL)
		q++;
	return (size_t)(q - p);
}

/* Bullets from keyboards, word processors (Symbol font U+F0B7, U+F0A7) and PDF exports. */
static bool is_bullet(uint32_t c)
{
	static const uint32_t bullets[] = {
	    '-',    '*', '+', 0x00b7, /* · middle dot */
	    0x2013,                   /* – en dash */
	    0x2014,                   /* — em dash */
	    0x2022,                   /* • bullet */
	    0x2023,                   /* ‣ triangular bullet */
	    0x2043,                   /* ⁃ hyphen bullet */
	    0x2219,                   /* ∙ bullet operator */
	    0x25a0,                   /* ■ */
	    0x25a1,                   /* □ */
	    0x25aa,                   /* ▪ */
	    0x25ab,                   /* ▫ */
	    0x25b8,                   /* ▸ */
	    0x25ba,                   /* ► */
	    0x25cb,                   /* ○ */
	    0x25cf,                   /* ● */
	    0x25e6,                   /* ◦ */
	    0x27a2,                   /* ➢ */
	    0x27a4,                   /* ➤ */
	    0xf0a7,                   /* Word's Wingdings square */
	    0xf0b7,                   /* Word's Symbol bullet */
	};
	for (size_t i = 0; i < ARRAY_LEN(bullets); i++)
		if (bullets[i] == c)
			return true;
	return false;
}

/* "----", "====", "* * *", "___": a rule between sections, never text. */
static bool is_separator(const char *s, const char *e)
{
	for (const char *p = s; p < e;) {
		size_t n = import_item_space_len(p, e);
		if (n == 0 && (*p == '\0' || strchr("-=_*~#", *p) == NULL))
			return false;
		p += n > 0 ? n : 1;
	}
	return true;
}

/* Whether [s, e) ends a sentence: . ! ? … or ; (list items end with it in French), possibly
 * followed by closing quotes, brackets and white space. */
static bool ends_sentence(const char *s, const char *e)
{
	static const char *const closers[] = {")",
					      "]",
					      "\"",
					      "'",
					      "\xc2\xbb" /* » */,
					      "\xe2\x80\x9d" /* ” */,
					      "\xe2\x80\x99" /* ’ */,
					      "\xe2\x80\xba" /* › */};
	bool more = true;
	while (more && e > s) {
		more = false;
		for (size_t i = 0; i < ARRAY_LEN(closers) && !more; i++) {
			size_t n = strlen(closers[i]);
			if ((size_t)(e - s) >= n && memcmp(e - n, closers[i], n) == 0) {
				e -= n;
				more = true;
			}
		}
		size_t n = import_item_space_before(s, e);
		if (!more && n > 0) {
			e -= n;
			more = true;
		}
	}
	if (e == s)
		return false;
	if (strchr(".!?;", e[-1]) != NULL)
		return true;
	return e - s >= 3 && memcmp(e - 3, "\xe2\x80\xa6", 3) == 0; /* … */
}

/* Finish the pending item: collapse its white space, drop it when it is a lead-in. */
static int flush(struct import_item_ctx *ctx, struct pending *cur)
{
	if (!cur->open)
		return 0;
	cur->open = false;
	char *text = collapse(cur->text.s, cur->text.len);
	import_buf_free(&cur->text);
	size_t len = strlen(text);
	if (len > 0 && text[len - 1] == ':') {
		free(text);
		return 0;
	}
	struct import_item item = {.row = cur->row, .text = text};
	return import_item_add(ctx, &item);
}

/* Every run of white space becomes one space, except one lone no-break space, kept as typed
 * (French typography puts one inside « » and before : ; ! ?). */
static char *collapse(const char *s, size_t len)
{
	struct import_buf out = {0};
	const char *e = s + len;
	while (s < e) {
		size_t n = import_item_space_len(s, e);
		if (n == 0) {
			import_buf_addc(&out, *s++);
			continue;
		}
		const char *run = s;
		size_t chars = 0;
		while ((n = import_item_space_len(s, e)) > 0) {
			s += n;
			chars++;
		}
		if (chars == 1 && s - run > 1)
			import_buf_add(&out, run, (size_t)(s - run));
		else
			import_buf_addc(&out, ' ');
	}
	return import_buf_take(&out);
}
