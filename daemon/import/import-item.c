/* import-item.c — the checks every imported item goes through, whatever format it came from,
 * and the error every reader reports through. Below the readers: includes none of them. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "import/import-buf.h"
#include "import/import-item.h"
#include "utf8.h"
#include "util.h"

#define HANDLE_MAX 63

static int clean_value(struct import_item_ctx *ctx, int row, const char *field, char **s,
		       size_t max, bool multiline);
static void clean_word(char **s);
static int check_handle(struct import_item_ctx *ctx, int row, const char *field, const char *what,
			const char *s);
static int check_date(struct import_item_ctx *ctx, int row, const char *field, const char *s);
static int check_enum(struct import_item_ctx *ctx, int row, const char *field, const char *s,
		      const char *const *allowed, const char *const *closed,
		      const char *closed_hint);
static int clean_list(struct import_item_ctx *ctx, int row, const char *field, char **list,
		      size_t *n, size_t max_items, bool handles);
static void trim_in_place(char *s, bool newlines);
static void newlines_to_lf(char *s);
static long control_char(const char *s, bool allow_newlines);
static bool showable(const char *s);

int import_item_check_defaults(struct import_item_ctx *ctx)
{
	const struct import_options *d = ctx->opts;

	if (d->owner != NULL && check_handle(ctx, 0, "owner", "the default owner", d->owner) == -1)
		return -1;
	if (d->due_on != NULL && check_date(ctx, 0, "due_on", d->due_on) == -1)
		return -1;
	return 0;
}

int import_item_add(struct import_item_ctx *ctx, struct import_item *item)
{
	struct import_result *out = ctx->out;
	int row = item->row;

	if (out->n >= IMPORT_MAX_ITEMS) {
		import_item_fail(ctx, row, NULL, "more than %d recommendations in one import",
				 IMPORT_MAX_ITEMS);
		goto fail;
	}
	if (item->text == NULL) {
		import_item_fail(ctx, row, "text", "is required");
		goto fail;
	}
	if (clean_value(ctx, row, "text", &item->text, ctx->opts->text_max, true) == -1)
		goto fail;
	if (item->text == NULL) {
		import_item_fail(ctx, row, "text", "is empty");
		goto fail;
	}
	if (clean_value(ctx, row, "details", &item->details, ctx->opts->details_max, true) == -1)
		goto fail;
	clean_word(&item->owner);
	if (item->owner != NULL && check_handle(ctx, row, "owner", "the owner", item->owner) == -1)
		goto fail;
	if (clean_list(ctx, row, "supporting", item->supporting, &item->nsupporting,
		       ctx->opts->supporting_max, true) == -1)
		goto fail;
	clean_word(&item->status);
	if (item->status != NULL &&
	    check_enum(ctx, row, "status", item->status, ctx->opts->open_statuses,
		       ctx->opts->closed_statuses, "an import creates open recommendations") == -1)
		goto fail;
	clean_word(&item->priority);
	if (item->priority != NULL && ctx->opts->priorities != NULL &&
	    check_enum(ctx, row, "priority", item->priority, ctx->opts->priorities, NULL, NULL) ==
		-1)
		goto fail;
	clean_word(&item->due_on);
	if (item->due_on != NULL && check_date(ctx, row, "due_on", item->due_on) == -1)
		goto fail;
	if (clean_list(ctx, row, "tags", item->tags, &item->ntags, ctx->opts->tags_max, false) ==
	    -1)
		goto fail;

	if (item->owner == NULL && ctx->opts->owner != NULL)
		item->owner = xstrdup(ctx->opts->owner);
	if (item->due_on == NULL && ctx->opts->due_on != NULL)
		item->due_on = xstrdup(ctx->opts->due_on);

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
static int clean_value(struct import_item_ctx *ctx, int row, const char *field, char **s,
		       size_t max, bool multiline)
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
		return import_item_fail(ctx, row, field, "is not valid UTF-8");
	long c = control_char(*s, multiline);
	if (c >= 0)
		return import_item_fail(ctx, row, field, "contains the control character U+%04lX",
					c);
	size_t n = utf8_count(*s);
	if (n > max)
		return import_item_fail(ctx, row, field, "is %zu characters long, more than %zu", n,
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

static int check_handle(struct import_item_ctx *ctx, int row, const char *field, const char *what,
			const char *s)
{
	size_t n = strlen(s);
	bool ok = n >= 1 && n <= HANDLE_MAX && s[0] != '-';
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
	if (ok)
		return 0;
	if (showable(s))
		return import_item_fail(
		    ctx, row, field,
		    "%s \"%s\" is not a handle (a-z, 0-9 and '-', 1 to 63 characters, not "
		    "starting with '-')",
		    what, s);
	return import_item_fail(
	    ctx, row, field,
	    "%s is not a handle (a-z, 0-9 and '-', 1 to 63 characters, not starting with '-')",
	    what);
}

static int check_date(struct import_item_ctx *ctx, int row, const char *field, const char *s)
{
	struct date d;
	if (date_parse(s, &d))
		return 0;
	if (showable(s))
		return import_item_fail(ctx, row, field, "%s is not a date (YYYY-MM-DD)", s);
	return import_item_fail(ctx, row, field, "is not a date (YYYY-MM-DD)");
}

/* s must be one of allowed; one of closed (when given) is refused with closed_hint. */
static int check_enum(struct import_item_ctx *ctx, int row, const char *field, const char *s,
		      const char *const *allowed, const char *const *closed,
		      const char *closed_hint)
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
	for (size_t i = 0; closed != NULL && closed[i] != NULL; i++) {
		if (strcmp(s, closed[i]) == 0) {
			import_item_fail(ctx, row, field, "%s is a closed status: %s (%s)", s,
					 closed_hint, list.s);
			import_buf_free(&list);
			return -1;
		}
	}
	if (showable(s))
		import_item_fail(ctx, row, field, "\"%s\" is not one of %s", s, list.s);
	else
		import_item_fail(ctx, row, field, "must be one of %s", list.s);
	import_buf_free(&list);
	return -1;
}

/* Tags and supporting owners: trimmed, each checked, duplicates dropped (first kept). */
static int clean_list(struct import_item_ctx *ctx, int row, const char *field, char **list,
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
			size_t len = utf8_count(s);
			if (*s == '\0')
				rc = import_item_fail(ctx, row, field, "tag %zu is empty", i + 1);
			else if (!utf8_valid(s, strlen(s)))
				rc = import_item_fail(ctx, row, field, "tag %zu is not valid UTF-8",
						      i + 1);
			else if (c >= 0)
				rc = import_item_fail(
				    ctx, row, field,
				    "tag %zu contains the control character U+%04lX", i + 1, c);
			else if (ctx->opts->tag_max > 0 && len > ctx->opts->tag_max)
				rc = import_item_fail(
				    ctx, row, field,
				    "tag %zu is %zu characters long, more than %zu", i + 1, len,
				    ctx->opts->tag_max);
		}
		for (size_t j = 0; rc == 0 && j < kept; j++)
			dup = dup || strcmp(list[j], s) == 0;
		if (rc != 0 || dup)
			free(s);
		else
			list[kept++] = s;
	}
	*n = kept;
	if (rc == 0 && max_items > 0 && kept > max_items)
		rc = import_item_fail(ctx, row, field, "has %zu entries, more than %zu", kept,
				      max_items);
	return rc;
}

void import_item_list_add(char ***list, size_t *n, const char *p, size_t n_bytes)
{
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	char *s = xmalloc(n_bytes + 1);
	memcpy(s, p, n_bytes);
	s[n_bytes] = '\0';
	(*list)[(*n)++] = s;
}

size_t import_item_space_len(const char *p, const char *end)
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

size_t import_item_space_before(const char *start, const char *end)
{
	for (size_t n = 1; n <= 3 && (size_t)(end - start) >= n; n++) {
		if (import_item_space_len(end - n, end) == n)
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
			n = import_item_space_len(p, end);
		if (n == 0)
			break;
		p += n;
	}
	for (;;) {
		if (newlines && end > p && end[-1] == '\n')
			n = 1;
		else
			n = import_item_space_before(p, end);
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

/* The first C0, DEL or C1 control character of valid UTF-8 s, or -1. */
static long control_char(const char *s, bool allow_newlines)
{
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_next(s, &cp);
		if (allow_newlines && (cp == '\t' || cp == '\n'))
			continue;
		if (utf8_is_control(cp))
			return (long)cp;
	}
	return -1;
}

/* Whether a refused value may be quoted back in a message: short and printable. */
static bool showable(const char *s)
{
	return strlen(s) <= 64 && utf8_valid(s, strlen(s)) && control_char(s, false) < 0;
}

int import_item_fail(struct import_item_ctx *ctx, int row, const char *field, const char *fmt, ...)
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
