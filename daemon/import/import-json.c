/* import-json.c — application/json: an array of recommendation objects, the fields of
 * POST /v1/recommendations without meeting (the meeting is the one in the URL). */
#include "suivi-config.h"

#include <limits.h>
#include <string.h>

#include <jansson.h>

#include "import/import-json.h"
#include "import/import-buf.h"
#include "import/import-item.h"
#include "utf8.h"
#include "util.h"

static int element_item(struct import_item_ctx *ctx, int row, json_t *obj);
static int get_string(struct import_item_ctx *ctx, int row, json_t *obj, const char *key,
		      char **out);
static int get_list(struct import_item_ctx *ctx, int row, json_t *obj, const char *key,
		    char ***list, size_t *n);

static const char *const known_keys[] = {"text",   "details",  "owner",  "supporting",
					 "status", "priority", "due_on", "tags"};

int import_json_parse(struct import_item_ctx *ctx, const char *data, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	size_t i;
	json_t *v;
	int rc = 0;

	if (root == NULL) {
		/* jansson quotes the input near the error, possibly cut inside a character. */
		utf8_scrub(jerr.text);
		return import_item_fail(ctx, 0, NULL, "not valid JSON (line %d, column %d): %s",
					jerr.line, jerr.column, jerr.text);
	}
	if (!json_is_array(root)) {
		json_decref(root);
		return import_item_fail(ctx, 0, NULL,
					"expected an array of recommendation objects");
	}
	json_array_foreach (root, i, v) {
		if (i >= INT_MAX || element_item(ctx, (int)i + 1, v) == -1) {
			rc = -1;
			break;
		}
	}
	json_decref(root);
	return rc;
}

/* Turn one array element into an item, refusing unknown keys and wrong types. */
static int element_item(struct import_item_ctx *ctx, int row, json_t *obj)
{
	struct import_item item = {.row = row};
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return import_item_fail(ctx, row, NULL, "is not an object");
	json_object_foreach (obj, key, v) {
		size_t k = 0;
		while (k < ARRAY_LEN(known_keys) && strcmp(key, known_keys[k]) != 0)
			k++;
		if (k < ARRAY_LEN(known_keys))
			continue;
		if (strcmp(key, "meeting") == 0)
			return import_item_fail(ctx, row, key,
						"unknown field: the meeting is the one in the URL");
		return import_item_fail(ctx, row, key, "unknown field");
	}
	if (get_string(ctx, row, obj, "text", &item.text) == -1 ||
	    get_string(ctx, row, obj, "details", &item.details) == -1 ||
	    get_string(ctx, row, obj, "owner", &item.owner) == -1 ||
	    get_list(ctx, row, obj, "supporting", &item.supporting, &item.nsupporting) == -1 ||
	    get_string(ctx, row, obj, "status", &item.status) == -1 ||
	    get_string(ctx, row, obj, "priority", &item.priority) == -1 ||
	    get_string(ctx, row, obj, "due_on", &item.due_on) == -1 ||
	    get_list(ctx, row, obj, "tags", &item.tags, &item.ntags) == -1) {
		import_item_clear(&item);
		return -1;
	}
	return import_item_add(ctx, &item);
}

/* An optional string member; null means absent. */
static int get_string(struct import_item_ctx *ctx, int row, json_t *obj, const char *key,
		      char **out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return import_item_fail(ctx, row, key, "must be a string");
	*out = xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}

/* An optional array of strings; null means absent. */
static int get_list(struct import_item_ctx *ctx, int row, json_t *obj, const char *key,
		    char ***list, size_t *n)
{
	json_t *v = json_object_get(obj, key);
	size_t i;
	json_t *s;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return import_item_fail(ctx, row, key, "must be an array of strings");
	json_array_foreach (v, i, s) {
		if (!json_is_string(s))
			return import_item_fail(ctx, row, key, "entry %zu is not a string", i + 1);
		import_item_list_add(list, n, json_string_value(s), json_string_length(s));
	}
	return 0;
}
