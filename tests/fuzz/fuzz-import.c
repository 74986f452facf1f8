/* fuzz-import.c — what the three import targets (fuzz-import-minutes, -csv, -json) check:
 * the body parsed by import_parse as that media type, then properties of the answer.
 *
 * Properties: a success has 1 to IMPORT_MAX_ITEMS items in increasing row order, each within
 * the options' limits — text 1 to text_max code points, valid UTF-8, no control character
 * but tab and newline (no CR), tags without any control, unique and within their limits,
 * owners and supporting owners handles, due_on a real date, status and priority among the
 * options' — and survives a round trip: written back as a JSON array, and as CSV, it parses
 * to the same items (minutes items also as "- text" lines). A failure has a message in
 * valid UTF-8 and a row inside the body. */
#include "suivi-config.h"

#include <string.h>

#include <jansson.h>

#include "date.h"
#include "fuzz-import.h"
#include "fuzz.h"
#include "import/import.h"
#include "utf8.h"
#include "util.h"

static const char *const open_statuses[] = {"proposed", "accepted", "in_progress", NULL};
static const char *const closed_statuses[] = {"implemented", "obsolete", NULL};
static const char *const priorities[] = {"low", "normal", "high", NULL};
static const struct import_options opts = {
    .open_statuses = open_statuses,
    .closed_statuses = closed_statuses,
    .priorities = priorities,
    .text_max = 4000,
    .details_max = 20000,
    .tag_max = 50,
    .tags_max = 20,
    .supporting_max = 20,
};

static void check_item(const struct import_item *it);
static bool in_list(const char *const *list, const char *s);
static bool is_handle(const char *s);
static bool clean(const char *s, bool multiline);
static char *as_json(const struct import_result *res);
static char *as_csv(const struct import_result *res);
static char *as_minutes(const struct import_result *res);
static void check_same(const char *how, const struct import_result *a, const char *type,
		       const char *doc);
static bool same_str(const char *a, const char *b);

void fuzz_import(const char *media_type, const uint8_t *data, size_t size)
{
	struct import_result res = {0};
	struct import_error err = {0};
	if (import_parse(media_type, (const char *)data, size, &opts, &res, &err) != 0) {
		char *msg = import_error_string(&err);
		FUZZ_CHECK(utf8_valid(msg, strlen(msg)), "error message not UTF-8: %s", msg);
		FUZZ_CHECK(res.n == 0, "%zu items left after a failure", res.n);
		FUZZ_CHECK(err.row >= 0, "row %d", err.row);
		free(msg);
		import_error_clear(&err);
		return;
	}
	FUZZ_CHECK(res.n >= 1 && res.n <= IMPORT_MAX_ITEMS, "%zu items", res.n);
	for (size_t i = 0; i < res.n; i++) {
		check_item(&res.items[i]);
		FUZZ_CHECK(i == 0 || res.items[i].row > res.items[i - 1].row,
			   "item %zu at row %d after row %d", i, res.items[i].row,
			   res.items[i - 1].row);
	}
	char *doc = as_json(&res);
	check_same("JSON", &res, "application/json", doc);
	free(doc);
	doc = as_csv(&res);
	if (doc != NULL)
		check_same("CSV", &res, "text/csv", doc);
	free(doc);
	if (strcmp(media_type, "text/plain") == 0) {
		doc = as_minutes(&res);
		check_same("minutes", &res, "text/plain", doc);
		free(doc);
	}
	import_result_free(&res);
}

static void check_item(const struct import_item *it)
{
	FUZZ_CHECK(it->text != NULL && it->text[0] != '\0', "row %d: empty text", it->row);
	FUZZ_CHECK(clean(it->text, true), "row %d: text %s", it->row, it->text);
	FUZZ_CHECK(utf8_count(it->text) <= opts.text_max, "row %d: text too long", it->row);
	if (it->details != NULL)
		FUZZ_CHECK(clean(it->details, true) && utf8_count(it->details) <= opts.details_max,
			   "row %d: details", it->row);
	FUZZ_CHECK(it->owner == NULL || is_handle(it->owner), "row %d: owner %s", it->row,
		   it->owner);
	struct date d;
	FUZZ_CHECK(it->due_on == NULL || date_parse(it->due_on, &d), "row %d: due_on %s", it->row,
		   it->due_on);
	FUZZ_CHECK(it->status == NULL || in_list(open_statuses, it->status), "row %d: status %s",
		   it->row, it->status);
	FUZZ_CHECK(it->priority == NULL || in_list(priorities, it->priority), "row %d: priority %s",
		   it->row, it->priority);
	FUZZ_CHECK(it->ntags <= opts.tags_max && it->nsupporting <= opts.supporting_max,
		   "row %d: %zu tags, %zu supporting", it->row, it->ntags, it->nsupporting);
	for (size_t i = 0; i < it->ntags; i++) {
		FUZZ_CHECK(it->tags[i][0] != '\0' && clean(it->tags[i], false) &&
			       utf8_count(it->tags[i]) <= opts.tag_max,
			   "row %d: tag %s", it->row, it->tags[i]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(it->tags[i], it->tags[j]) != 0, "row %d: tag %s twice",
				   it->row, it->tags[i]);
	}
	for (size_t i = 0; i < it->nsupporting; i++) {
		FUZZ_CHECK(is_handle(it->supporting[i]), "row %d: supporting %s", it->row,
			   it->supporting[i]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(it->supporting[i], it->supporting[j]) != 0,
				   "row %d: supporting %s twice", it->row, it->supporting[i]);
	}
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static bool is_handle(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 63 && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Valid UTF-8 without control characters (C0, DEL, C1), but newline and tab in text. */
static bool clean(const char *s, bool multiline)
{
	size_t len = strlen(s);
	if (!utf8_valid(s, len))
		return false;
	uint32_t cp;
	for (size_t i = 0; i < len; i += utf8_decode(s + i, len - i, &cp)) {
		(void)utf8_decode(s + i, len - i, &cp);
		if (utf8_is_control(cp) && !(multiline && (cp == '\n' || cp == '\t')))
			return false;
	}
	return true;
}

static json_t *str_array(char **list, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

static char *as_json(const struct import_result *res)
{
	json_t *a = json_array();
	for (size_t i = 0; i < res->n; i++) {
		const struct import_item *it = &res->items[i];
		json_t *o = json_pack("{s:s}", "text", it->text);
		FUZZ_CHECK(o != NULL, "text not UTF-8");
		if (it->details != NULL)
			json_object_set_new(o, "details", json_string(it->details));
		if (it->owner != NULL)
			json_object_set_new(o, "owner", json_string(it->owner));
		if (it->due_on != NULL)
			json_object_set_new(o, "due_on", json_string(it->due_on));
		if (it->priority != NULL)
			json_object_set_new(o, "priority", json_string(it->priority));
		if (it->status != NULL)
			json_object_set_new(o, "status", json_string(it->status));
		if (it->ntags > 0)
			json_object_set_new(o, "tags", str_array(it->tags, it->ntags));
		if (it->nsupporting > 0)
			json_object_set_new(o, "supporting",
					    str_array(it->supporting, it->nsupporting));
		json_array_append_new(a, o);
	}
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	FUZZ_CHECK(s != NULL, "items not encodable");
	return s;
}

static void csv_add(struct fuzz_buf *b, const char *s, bool last)
{
	fuzz_buf_add(b, "\"", 1);
	for (; s != NULL && *s != '\0'; s++)
		fuzz_buf_add(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	fuzz_buf_add(b, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

static void csv_list(struct fuzz_buf *b, char **list, size_t n, bool last)
{
	struct fuzz_buf joined = {0};
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fuzz_buf_add(&joined, ";", 1);
		fuzz_buf_add(&joined, list[i], strlen(list[i]));
	}
	csv_add(b, joined.data, last);
	free(joined.data);
}

/* NULL when an item cannot be written as CSV (a list item holding a list separator). */
static char *as_csv(const struct import_result *res)
{
	struct fuzz_buf b = {0};
	const char *head = "text,details,owner,due_on,priority,status,tags,supporting\r\n";
	fuzz_buf_add(&b, head, strlen(head));
	for (size_t i = 0; i < res->n; i++) {
		const struct import_item *it = &res->items[i];
		for (size_t k = 0; k < it->ntags; k++)
			if (strpbrk(it->tags[k], ";|") != NULL) {
				free(b.data);
				return NULL;
			}
		csv_add(&b, it->text, false);
		csv_add(&b, it->details, false);
		csv_add(&b, it->owner, false);
		csv_add(&b, it->due_on, false);
		csv_add(&b, it->priority, false);
		csv_add(&b, it->status, false);
		csv_list(&b, it->tags, it->ntags, false);
		csv_list(&b, it->supporting, it->nsupporting, true);
	}
	return b.data;
}

static char *as_minutes(const struct import_result *res)
{
	struct fuzz_buf b = {0};
	for (size_t i = 0; i < res->n; i++) {
		fuzz_buf_add(&b, "- ", 2);
		fuzz_buf_add(&b, res->items[i].text, strlen(res->items[i].text));
		fuzz_buf_add(&b, "\n\n", 2);
	}
	return b.data;
}

static bool same_list(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static void check_same(const char *how, const struct import_result *a, const char *type,
		       const char *doc)
{
	struct import_result b = {0};
	struct import_error err = {0};
	int rc = import_parse(type, doc, strlen(doc), &opts, &b, &err);
	char *msg = rc != 0 ? import_error_string(&err) : NULL;
	FUZZ_CHECK(rc == 0, "%s round trip refused: %s\n%s", how, msg, doc);
	FUZZ_CHECK(a->n == b.n, "%s round trip: %zu items, then %zu\n%s", how, a->n, b.n, doc);
	bool text_only = strcmp(type, "text/plain") == 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct import_item *x = &a->items[i], *y = &b.items[i];
		FUZZ_CHECK(strcmp(x->text, y->text) == 0, "%s round trip, item %zu: [%s] then [%s]",
			   how, i, x->text, y->text);
		if (text_only)
			continue;
		FUZZ_CHECK(
		    same_str(x->details, y->details) && same_str(x->owner, y->owner) &&
			same_str(x->due_on, y->due_on) && same_str(x->priority, y->priority) &&
			same_str(x->status, y->status) &&
			same_list(x->tags, x->ntags, y->tags, y->ntags) &&
			same_list(x->supporting, x->nsupporting, y->supporting, y->nsupporting),
		    "%s round trip, item %zu differs\n%s", how, i, doc);
	}
	import_result_free(&b);
}

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}
