/* import.c — the entry point of bulk import: the media type picks a reader (import-minutes.c,
 * import-csv.c, import-json.c), which adds items through import-item.c. Nothing below includes
 * this file's header. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import.h"
#include "import/import-csv.h"
#include "import/import-item.h"
#include "import/import-json.h"
#include "import/import-minutes.h"
#include "util.h"

enum import_format {
	IMPORT_NONE,
	IMPORT_MINUTES,
	IMPORT_CSV,
	IMPORT_JSON,
};

static enum import_format media_type_format(const char *media_type);
static bool charset_is_utf8(const char *params);

int import_parse(const char *media_type, const char *data, size_t len,
    const struct import_options *opts, struct import_result *out, struct import_error *err)
{
	struct import_item_ctx ctx = {out, err, opts, NULL};
	enum import_format format = media_type_format(media_type);
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	if (format == IMPORT_NONE)
		return import_item_fail(&ctx, 0, "Content-Type",
		    "expected text/plain, text/csv or application/json in UTF-8");
	if (import_item_check_defaults(&ctx) == -1)
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
			rc = import_item_fail(&ctx, 0, NULL, "no recommendation found in the minutes");
		break;
	case IMPORT_CSV:
		ctx.unit = "row";
		rc = import_csv_parse(&ctx, data, len);
		if (rc == 0 && out->n == 0)
			rc = import_item_fail(&ctx, 0, NULL, "no recommendation found in the CSV");
		break;
	case IMPORT_JSON:
		ctx.unit = "element";
		rc = import_json_parse(&ctx, data, len);
		if (rc == 0 && out->n == 0)
			rc = import_item_fail(&ctx, 0, NULL, "no recommendation found in the JSON array");
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
