/* import.c — the entry point of bulk import: media type dispatch, then the validation every
 * item goes through whatever format it came from (the readers live in import-minutes.c,
 * import-csv.c and import-json.c). */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "import/import-internal.h"
#include "import/import.h"
#include "util.h"
#include "utf8.h"

#define TEXT_MAX 4000
#define DETAILS_MAX 20000
#define TAG_MAX 50
#define TAGS_MAX 20
#define SUPPORTING_MAX 20
#define HANDLE_MAX 63

enum import_format {
	IMPORT_NONE,
	IMPORT_MINUTES,
	IMPORT_CSV,
	IMPORT_JSON,
};

static enum import_format media_type_format(const char *media_type);
static bool charset_is_utf8(const char *params);
static int check_defaults(struct import_ctx *ctx, const struct import_defaults *d);
static int clean_value(struct import_ctx *ctx, int row, const char *field, char **s, size_t max,
    bool multiline);
static void clean_word(char **s);
static int check_handle(struct import_ctx *ctx, int row, const char *field, const char *what,
    const char *s);
static int check_date(struct import_ctx *ctx, int row, const char *field, const char *s);
static int check_enum(struct import_ctx *ctx, int row, const char *field, const char *s,
    const char *const *allowed, const char *closed_hint);
static int clean_list(struct import_ctx *ctx, int row, const char *field, char **list,
    size_t *n, size_t max_items, bool handles);
static void trim_in_place(char *s, bool newlines);
static void newlines_to_lf(char *s);
static size_t utf8_chars(const char *s);
static long control_char(const char *s, bool allow_newlines);
static bool showable(const char *s);

static const char *const priorities[] = {"low", "normal", "high", NULL};
static const char *const open_statuses[] = {"proposed", "accepted", "in_progress", "blocked",
    NULL};
static const char *const closed_statuses[] = {"implemented", "not_accepted", "obsolete", NULL};

int import_parse(const char *media_type, const char *data, size_t len,
    const struct import_defaults *defaults, struct import_result *out, struct import_error *err)
{
	static const struct import_defaults no_defaults = {NULL, NULL};
	struct import_ctx ctx = {out, err, defaults != NULL ? defaults : &no_defaults, NULL};
	enum import_format format = media_type_format(media_type);
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	if (format == IMPORT_NONE)
		return import_fail(&ctx, 0, "Content-Type",
		    "expected text/plain, text/csv or application/json in UTF-8");
	if (check_defaults(&ctx, ctx.defaults) == -1)
		return -1;
	/* A byte order mark says nothing in UTF-8; editors on Windows still write one. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	switch (format) {
	case IMPORT_MINUTES:
		ctx.unit = "line";
		rc = import_minutes_parse(&ctx, data, len);
		if (rc == 0 && out->n == 0)
			rc = import_fail(&ctx, 0, NULL, "no recommendation found in the minutes");
		break;
	case IMPORT_CSV:
		ctx.unit = "row";
		rc = import_csv_parse(&ctx, data, len);
		if (rc == 0 && out->n == 0)
			rc = import_fail(&ctx, 0, NULL, "no recommendation found in the CSV");
		break;
	case IMPORT_JSON:
		ctx.unit = "element";
		rc = import_json_parse(&ctx, data, len);
		if (rc == 0 && out->n == 0)
			rc = import_fail(&ctx, 0, NULL, "no recommendation found in the JSON array");
		break;
	case IMPORT_NONE:
		break;
	}
	if (rc == -1)
		import_result_free(out);
	return rc;
}

bool import_media_type_supported(const char *media_type)
{
	return media_type_format(media_type) != IMPORT_NONE;
}

/* Map "type/subtype; charset=…" to a reader; any charset but UTF-8 (or US-ASCII) is refused. */
static enum import_format media_type_format(const char *media_type)
{
	static const struct {
		const char *name;
		enum import_format format;
	} types[] = {
	    {"text/plain", IMPORT_MINUTES},
	    {"text/csv", IMPORT_CSV},
	    {"application/json", IMPORT_JSON},
	};
	if (media_type == NULL)
		return IMPORT_NONE;
	while (*media_type == ' ' || *media_type == '\t')
		media_type++;
	size_t n = strcspn(media_type, "; \t");
	const char *params = media_type + n;
	for (size_t i = 0; i < ARRAY_LEN(types); i++) {
		if (strlen(types[i].name) == n && strncasecmp(types[i].name, media_type, n) == 0)
			return charset_is_utf8(params) ? types[i].format : IMPORT_NONE;
	}
	return IMPORT_NONE;
}

/* Walk "; key=value" parameters: only the charset matters. */
static bool charset_is_utf8(const char *p)
{
	while (*p != '\0') {
		p += strspn(p, "; \t");
		size_t klen = strcspn(p, "=;");
		const char *v = p + klen;
		if (*v != '=') {
			p = v;
			continue;
		}
		v++;
		bool quoted = *v == '"';
		if (quoted)
			v++;
		size_t vlen = strcspn(v, quoted ? "\"" : "; \t");
		if (klen == 7 && strncasecmp(p, "charset", 7) == 0 &&
		    !((vlen == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
			(vlen == 4 && strncasecmp(v, "utf8", 4) == 0) ||
			(vlen == 8 && strncasecmp(v, "us-ascii", 8) == 0)))
			return false;
		p = v + vlen;
		if (quoted && *p == '"')
			p++;
	}
	return true;
}

static int check_defaults(struct import_ctx *ctx, const struct import_defaults *d)
{
	if (d->owner != NULL && check_handle(ctx, 0, "owner", "the default owner", d->owner) == -1)
		return -1;
	if (d->due_on != NULL && check_date(ctx, 0, "due_on", d->due_on) == -1)
		return -1;
	return 0;
}

int import_add(struct import_ctx *ctx, struct import_item *item)
{
	struct import_result *out = ctx->out;
	int row = item->row;

	if (out->n >= IMPORT_MAX_ITEMS) {
		import_fail(ctx, row, NULL, "more than %d recommendations in one import",
		    IMPORT_MAX_ITEMS);
		goto fail;
	}
	if (item->text == NULL) {
		import_fail(ctx, row, "text", "is required");
		goto fail;
	}
	if (clean_value(ctx, row, "text", &item->text, TEXT_MAX, true) == -1)
		goto fail;
	if (item->text == NULL) {
		import_fail(ctx, row, "text", "is empty");
		goto fail;
	}
	if (clean_value(ctx, row, "details", &item->details, DETAILS_MAX, true) == -1)
		goto fail;
	clean_word(&item->owner);
	if (item->owner != NULL && check_handle(ctx, row, "owner", "the owner", item->owner) == -1)
		goto fail;
	if (clean_list(ctx, row, "supporting", item->supporting, &item->nsupporting,
		SUPPORTING_MAX, true) == -1)
		goto fail;
	clean_word(&item->status);
	if (item->status != NULL && check_enum(ctx, row, "status", item->status, open_statuses,
					"an import creates open recommendations") == -1)
		goto fail;
	clean_word(&item->priority);
	if (item->priority != NULL &&
	    check_enum(ctx, row, "priority", item->priority, priorities, NULL) == -1)
		goto fail;
	clean_word(&item->due_on);
	if (item->due_on != NULL && check_date(ctx, row, "due_on", item->due_on) == -1)
		goto fail;
	if (clean_list(ctx, row, "tags", item->tags, &item->ntags, TAGS_MAX, false) == -1)
		goto fail;

	if (item->owner == NULL && ctx->defaults->owner != NULL)
		item->owner = xstrdup(ctx->defaults->owner);
	if (item->due_on == NULL && ctx->defaults->due_on != NULL)
		item->due_on = xstrdup(ctx->defaults->due_on);

	if (out->n % 64 == 0)
		out->items = xrealloc(out->items, (out->n + 64) * sizeof *out->items);
	out->items[out->n++] = *item;
	memset(item, 0, sizeof *item);
	return 0;
fail:
	import_item_clear(item);
	return -1;
}

/* Free-text values: line ends made LF, trimmed, empty becomes NULL, then checked. */
static int clean_value(struct import_ctx *ctx, int row, const char *field, char **s, size_t max,
    bool multiline)
{
	if (*s == NULL)
		return 0;
	newlines_to_lf(*s);
	trim_in_place(*s, true);
	if (**s == '\0') {
		free(*s);
		*s = NULL;
		return 0;
	}
	if (!utf8_valid(*s, strlen(*s)))
		return import_fail(ctx, row, field, "is not valid UTF-8");
	long c = control_char(*s, multiline);
	if (c >= 0)
		return import_fail(ctx, row, field, "contains the control character U+%04lX", c);
	size_t n = utf8_chars(*s);
	if (n > max)
		return import_fail(ctx, row, field, "is %zu characters long, more than %zu", n,
		    max);
	return 0;
}

/* Single-word values (owner, status, priority, due_on): trimmed, empty means not given. */
static void clean_word(char **s)
{
	if (*s == NULL)
		return;
	trim_in_place(*s, true);
	if (**s == '\0') {
		free(*s);
		*s = NULL;
	}
}

static int check_handle(struct import_ctx *ctx, int row, const char *field, const char *what,
    const char *s)
{
	size_t n = strlen(s);
	bool ok = n >= 1 && n <= HANDLE_MAX && s[0] != '-';
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
	if (ok)
		return 0;
	if (showable(s))
		return import_fail(ctx, row, field,
		    "%s \"%s\" is not a handle (a-z, 0-9 and '-', 1 to 63 characters, not "
		    "starting with '-')",
		    what, s);
	return import_fail(ctx, row, field,
	    "%s is not a handle (a-z, 0-9 and '-', 1 to 63 characters, not starting with '-')",
	    what);
}

static int check_date(struct import_ctx *ctx, int row, const char *field, const char *s)
{
	struct date d;
	if (date_parse(s, &d))
		return 0;
	if (showable(s))
		return import_fail(ctx, row, field, "%s is not a date (YYYY-MM-DD)", s);
	return import_fail(ctx, row, field, "is not a date (YYYY-MM-DD)");
}

static int check_enum(struct import_ctx *ctx, int row, const char *field, const char *s,
    const char *const *allowed, const char *closed_hint)
{
	struct import_buf list = {0};
	for (size_t i = 0; allowed[i] != NULL; i++) {
		if (strcmp(s, allowed[i]) == 0)
			return 0;
	}
	for (size_t i = 0; allowed[i] != NULL; i++) {
		if (i > 0)
			import_buf_add(&list, ", ", 2);
		import_buf_add(&list, allowed[i], strlen(allowed[i]));
	}
	for (size_t i = 0; closed_hint != NULL && closed_statuses[i] != NULL; i++) {
		if (strcmp(s, closed_statuses[i]) == 0) {
			import_fail(ctx, row, field, "%s is a closed status: %s (%s)", s,
			    closed_hint, list.s);
			import_buf_free(&list);
			return -1;
		}
	}
	if (showable(s))
		import_fail(ctx, row, field, "\"%s\" is not one of %s", s, list.s);
	else
		import_fail(ctx, row, field, "must be one of %s", list.s);
	import_buf_free(&list);
	return -1;
}

/* Tags and supporting owners: trimmed, each checked, duplicates dropped (first kept). */
static int clean_list(struct import_ctx *ctx, int row, const char *field, char **list,
    size_t *n, size_t max_items, bool handles)
{
	size_t kept = 0;
	int rc = 0;
	for (size_t i = 0; i < *n; i++) {
		char *s = list[i];
		bool dup = false;
		trim_in_place(s, true);
		if (rc == 0 && handles) {
			rc = check_handle(ctx, row, field, "a supporting owner", s);
		} else if (rc == 0) {
			long c = control_char(s, false);
			size_t len = utf8_chars(s);
			if (*s == '\0')
				rc = import_fail(ctx, row, field, "tag %zu is empty", i + 1);
			else if (!utf8_valid(s, strlen(s)))
				rc = import_fail(ctx, row, field, "tag %zu is not valid UTF-8", i + 1);
			else if (c >= 0)
				rc = import_fail(ctx, row, field,
				    "tag %zu contains the control character U+%04lX", i + 1, c);
			else if (len > TAG_MAX)
				rc = import_fail(ctx, row, field,
				    "tag %zu is %zu characters long, more than %d", i + 1, len,
				    TAG_MAX);
		}
		for (size_t j = 0; rc == 0 && j < kept; j++)
			dup = dup || strcmp(list[j], s) == 0;
		if (rc != 0 || dup)
			free(s);
		else
			list[kept++] = s;
	}
	*n = kept;
	if (rc == 0 && kept > max_items)
		rc = import_fail(ctx, row, field, "has %zu entries, more than %zu", kept,
		    max_items);
	return rc;
}

void import_list_add(char ***list, size_t *n, const char *p, size_t n_bytes)
{
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	char *s = xmalloc(n_bytes + 1);
	memcpy(s, p, n_bytes);
	s[n_bytes] = '\0';
	(*list)[(*n)++] = s;
}

size_t import_space_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	if (p >= end)
		return 0;
	if (*u == ' ' || *u == '\t' || *u == '\f' || *u == '\v')
		return 1;
	if (end - p >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2; /* U+00A0 NO-BREAK SPACE */
	if (end - p >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf)
		return 3; /* U+202F NARROW NO-BREAK SPACE */
	return 0;
}

size_t import_space_before(const char *start, const char *end)
{
	for (size_t n = 1; n <= 3 && (size_t)(end - start) >= n; n++) {
		if (import_space_len(end - n, end) == n)
			return n;
	}
	return 0;
}

/* Trim white space (newlines included when asked) at both ends, in place. */
static void trim_in_place(char *s, bool newlines)
{
	char *end = s + strlen(s);
	char *p = s;
	size_t n;
	for (;;) {
		if (newlines && p < end && *p == '\n')
			n = 1;
		else
			n = import_space_len(p, end);
		if (n == 0)
			break;
		p += n;
	}
	for (;;) {
		if (newlines && end > p && end[-1] == '\n')
			n = 1;
		else
			n = import_space_before(p, end);
		if (n == 0)
			break;
		end -= n;
	}
	memmove(s, p, (size_t)(end - p));
	s[end - p] = '\0';
}

/* CR LF and lone CR become LF, in place. */
static void newlines_to_lf(char *s)
{
	char *w = s;
	for (char *r = s; *r != '\0'; r++) {
		if (*r == '\r') {
			*w++ = '\n';
			if (r[1] == '\n')
				r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The first C0, DEL or C1 control character of valid UTF-8 s, or -1. */
static long control_char(const char *s, bool allow_newlines)
{
	const unsigned char *u = (const unsigned char *)s;
	for (; *u != '\0'; u++) {
		if (allow_newlines && (*u == '\t' || *u == '\n'))
			continue;
		if (*u < 0x20 || *u == 0x7f)
			return *u;
		if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			return u[1];
	}
	return -1;
}

/* Whether a refused value may be quoted back in a message: short and printable. */
static bool showable(const char *s)
{
	return strlen(s) <= 64 && utf8_valid(s, strlen(s)) && control_char(s, false) < 0;
}

int import_fail(struct import_ctx *ctx, int row, const char *field, const char *fmt, ...)
{
	struct import_error *err = ctx->err;
	va_list ap;

	if (err->message != NULL)
		return -1; /* the first error stands */
	err->row = row;
	err->unit = row > 0 ? ctx->unit : NULL;
	err->field = field != NULL ? xstrdup(field) : NULL;
	va_start(ap, fmt);
	err->message = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

void import_item_clear(struct import_item *item)
{
	free(item->text);
	free(item->details);
	free(item->owner);
	free(item->due_on);
	free(item->priority);
	free(item->status);
	for (size_t i = 0; i < item->ntags; i++)
		free(item->tags[i]);
	free(item->tags);
	for (size_t i = 0; i < item->nsupporting; i++)
		free(item->supporting[i]);
	free(item->supporting);
	memset(item, 0, sizeof *item);
}

void import_result_free(struct import_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		import_item_clear(&res->items[i]);
	free(res->items);
	res->items = NULL;
	res->n = 0;
}

void import_error_clear(struct import_error *err)
{
	free(err->field);
	free(err->message);
	memset(err, 0, sizeof *err);
}

char *import_error_string(const struct import_error *err)
{
	const char *msg = err->message != NULL ? err->message : "unknown error";
	if (err->row > 0 && err->field != NULL)
		return xasprintf("%s %d, %s: %s", err->unit, err->row, err->field, msg);
	if (err->row > 0)
		return xasprintf("%s %d: %s", err->unit, err->row, msg);
	if (err->field != NULL)
		return xasprintf("%s: %s", err->field, msg);
	return xstrdup(msg);
}

void import_buf_add(struct import_buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 64 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void import_buf_addc(struct import_buf *b, char c)
{
	import_buf_add(b, &c, 1);
}

char *import_buf_take(struct import_buf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");
	memset(b, 0, sizeof *b);
	return s;
}

void import_buf_free(struct import_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}
