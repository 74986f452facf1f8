/* import.c — the entry point of bulk import: the media type picks a reader (import-minutes.c,
 * import-csv.c, import-json.c), which adds items through import-item.c. Nothing below includes
 * this file's header. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import.h"
#include "import/import-buf.h"
#include "import/import-csv.h"
#include "import/import-item.h"
#include "import/import-json.h"
#include "import/import-minutes.h"
#include "import/import-prose.h"
#include "utf8.h"
#include "util.h"

/* One reader per media type: what its rows are called, and what it found nothing in. */
struct reader {
	const char *media_type;
	const char *unit;
	int (*parse)(struct import_item_ctx *ctx, const char *data, size_t len);
	const char *what;
};

static const struct reader *media_type_reader(const char *media_type);
static bool charset_is_utf8(const char *params);
static void prose_line(void *arg, int line, const char *s, size_t n);

/* Prose lines gathered into a paragraph, then handed to import-prose.c. */
struct prose_acc {
	struct import_buf para;
	int first_line;
	struct import_cands found;
};

static const struct reader readers[] = {
    {"text/plain", "line", import_minutes_parse, "minutes"},
    {"text/csv", "row", import_csv_parse, "CSV"},
    {"application/json", "element", import_json_parse, "JSON array"},
};

int import_parse(const char *media_type, const char *data, size_t len,
		 const struct import_options *opts, struct import_result *out,
		 struct import_error *err)
{
	struct import_item_ctx ctx = {out, err, opts, NULL, NULL, NULL};
	const struct reader *rd = media_type_reader(media_type);
	int rc;

	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	if (rd == NULL)
		return import_item_fail(
		    &ctx, 0, "Content-Type",
		    "expected text/plain, text/csv or application/json in UTF-8");
	if (import_item_check_defaults(&ctx) == -1)
		return -1;
	/* A byte order mark says nothing in UTF-8; editors on Windows still write one. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	ctx.unit = rd->unit;
	rc = rd->parse(&ctx, data, len);
	if (rc == 0 && out->n == 0)
		rc = import_item_fail(&ctx, 0, NULL, "no recommendation found in the %s", rd->what);
	if (rc == -1)
		import_result_free(out);
	return rc;
}

int import_candidates(const char *media_type, const char *data, size_t len,
		      const struct import_options *opts, struct import_cands *out,
		      struct import_error *err)
{
	struct import_result items = {0};
	struct prose_acc acc = {0};
	struct import_item_ctx ctx = {&items, err, opts, NULL, prose_line, &acc};
	const struct reader *rd = media_type_reader(media_type);

	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	if (rd == NULL || rd->parse != import_minutes_parse) {
		/* CSV and JSON say what they hold: every row is a candidate, sure. */
		if (import_parse(media_type, data, len, opts, &items, err) == -1)
			return -1;
		for (size_t i = 0; i < items.n; i++)
			import_cands_add(out, items.items[i].row, 100, true,
					 xstrdup(items.items[i].text),
					 xstrdup(items.items[i].text));
		import_result_free(&items);
		return 0;
	}
	if (import_item_check_defaults(&ctx) == -1)
		return -1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	ctx.unit = rd->unit;
	int rc = rd->parse(&ctx, data, len);
	prose_line(&acc, 0, NULL, 0);
	import_buf_free(&acc.para);
	if (rc == 0) {
		/* A list item is what the minutes' authors meant as one. */
		for (size_t i = 0; i < items.n; i++)
			import_cands_add(out, items.items[i].row, 90, true,
					 xstrdup(items.items[i].text),
					 xstrdup(items.items[i].text));
		/* A prose item too long to be recorded is a misreading, not a candidate. */
		size_t kept = 0;
		for (size_t i = 0; i < acc.found.n; i++) {
			struct import_cand *c = &acc.found.v[i];
			if (utf8_count(c->text) <= opts->text_max) {
				acc.found.v[kept++] = *c;
			} else {
				free(c->text);
				free(c->source);
			}
		}
		acc.found.n = kept;
		import_cands_merge(out, &acc.found);
		if (out->n == 0)
			rc = import_item_fail(&ctx, 0, NULL, "no recommendation found in the %s",
					      rd->what);
	}
	import_result_free(&items);
	import_cands_free(&acc.found);
	if (rc == -1)
		import_cands_free(out);
	return rc;
}

/* The minutes reader's prose hook: lines into a paragraph; a break finds its candidates. */
static void prose_line(void *arg, int line, const char *s, size_t n)
{
	struct prose_acc *acc = arg;

	if (s != NULL) {
		if (acc->para.len == 0)
			acc->first_line = line;
		else
			import_buf_addc(&acc->para, '\n');
		import_buf_add(&acc->para, s, n);
		return;
	}
	if (acc->para.len > 0)
		import_prose_find(acc->para.s, acc->para.len, acc->first_line, &acc->found);
	acc->para.len = 0;
}

bool import_media_type_supported(const char *media_type)
{
	return media_type_reader(media_type) != NULL;
}

/* Map "type/subtype; charset=…" to a reader; any charset but UTF-8 (or US-ASCII) is refused. */
static const struct reader *media_type_reader(const char *media_type)
{
	if (media_type == NULL)
		return NULL;
	while (*media_type == ' ' || *media_type == '\t')
		media_type++;
	size_t n = strcspn(media_type, "; \t");
	const char *params = media_type + n;
	for (size_t i = 0; i < ARRAY_LEN(readers); i++) {
		const char *name = readers[i].media_type;
		if (strlen(name) == n && strncasecmp(name, media_type, n) == 0)
			return charset_is_utf8(params) ? &readers[i] : NULL;
	}
	return NULL;
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
