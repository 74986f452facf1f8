/* fuzz-validate.c — request bodies as the router and api/validate.c read them: JSON parsed
 * like the router does (duplicates refused), then checked against field tables that use
 * every field type, the workflow's domains and limits included; the query helpers get the
 * first field's text.
 *
 * Input: the JSON body, then (after a NUL) a query value, then one byte choosing the table.
 * Properties: validate_object answers true exactly when it lists no problem; every problem
 * is an object with a non-empty "field" naming a key of the body or a required field, and a
 * non-empty "message"; a body found valid really is (slugs, dates, lengths in code points,
 * no control characters, integers and list sizes within bounds, enums among the choices);
 * a query integer accepted lies within its bounds. */
#include "suivi-config.h"

#include <string.h>

#include <jansson.h>

#include "api/validate.h"
#include "date.h"
#include "db/workflow.h"
#include "fuzz.h"
#include "utf8.h"
#include "util.h"

static const char workflow_doc[] =
    "{\"statuses\":[{\"name\":\"proposed\",\"open\":true},{\"name\":\"accepted\",\"open\":true},"
    "{\"name\":\"implemented\",\"open\":false},{\"name\":\"déféré\",\"open\":true}],"
    "\"priorities\":[{\"name\":\"low\"},{\"name\":\"normal\"},{\"name\":\"high\"}],"
    "\"limits\":{\"text\":40,\"tag\":5,\"tags\":3}}";

static const char *const colours[] = {"red", "vert", "青", NULL};

/* Two tables between them use every type, flag and domain. */
static const struct field_spec table_a[] = {
    {"handle", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0, NULL, NULL, 0},
    {"name", FIELD_STRING, FIELD_REQUIRED, 1, 10, NULL, 0, NULL, NULL, 0},
    {"email", FIELD_EMAIL, 0, 0, 254, NULL, 0, NULL, NULL, 0},
    {"due_on", FIELD_DATE, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"colour", FIELD_ENUM, 0, 0, 0, colours, 0, NULL, NULL, 0},
    {"active", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"n", FIELD_INT, FIELD_NULLABLE, -5, 1000, NULL, 0, NULL, NULL, 0},
    {"notes", FIELD_TEXT, 0, 0, 100, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};
static const struct field_spec table_b[] = {
    {"text", FIELD_TEXT, FIELD_REQUIRED, 1, 4000, NULL, 0, "text", NULL, 0},
    {"status", FIELD_ENUM, 0, 0, 0, NULL, 0, NULL, NULL, FIELD_DOMAIN_STATUS},
    {"open_status", FIELD_ENUM, 0, 0, 0, NULL, 0, NULL, NULL, FIELD_DOMAIN_OPEN_STATUS},
    {"priority", FIELD_ENUM, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, FIELD_DOMAIN_PRIORITY},
    {"tags", FIELD_STRING_LIST, 0, 1, 50, NULL, 20, "tag", "tags", 0},
    {"supporting", FIELD_SLUG_LIST, 0, 0, 0, NULL, 4, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static void check_errors(const json_t *body, const struct field_spec *specs, const json_t *errors);
static void check_valid(const json_t *body, const struct field_spec *specs);
static void check_value(const char *key, const json_t *v, const struct field_spec *spec);
static bool is_slug(const char *s);
static bool no_controls(const char *s, bool multiline);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *cause = NULL;
	if (workflow_update(workflow_doc, &cause) != 0) {
		fprintf(stderr, "fuzz-validate: %s\n", cause);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	fuzz_in_init(&in, data, size);
	const char *text = fuzz_take(&in);
	const char *query = fuzz_take(&in);
	const struct field_spec *specs = fuzz_byte(&in) % 2 == 0 ? table_a : table_b;

	json_t *body = json_loadb(text, strlen(text), JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(body)) {
		json_t *errors = NULL;
		bool ok = validate_object(body, specs, &errors);
		FUZZ_CHECK(ok == (errors == NULL || json_array_size(errors) == 0),
			   "answer %d with %zu problems", ok, json_array_size(errors));
		if (ok)
			check_valid(body, specs);
		else
			check_errors(body, specs, errors);
		json_decref(errors);
	}
	json_decref(body);

	json_t *errors = NULL;
	long n = 0;
	if (validate_query_int("limit", query, 1, 500, &n, &errors))
		FUZZ_CHECK(n >= 1 && n <= 500, "limit %ld accepted from %s", n, query);
	bool b;
	(void)validate_query_bool("open", query, &b, &errors);
	if (validate_query_date("due_before", query, &errors)) {
		struct date d;
		FUZZ_CHECK(date_parse(query, &d), "date %s accepted", query);
	}
	if (validate_query_slug("owner", query, &errors))
		FUZZ_CHECK(is_slug(query), "slug %s accepted", query);
	json_decref(errors);
	fuzz_in_free(&in);
	return 0;
}

static void check_errors(const json_t *body, const struct field_spec *specs, const json_t *errors)
{
	size_t i;
	json_t *e;
	json_array_foreach (errors, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *message = json_string_value(json_object_get(e, "message"));
		FUZZ_CHECK(field != NULL && message != NULL && message[0] != '\0',
			   "problem %zu is not {field, message}", i);
		bool known = json_object_get(body, field) != NULL;
		for (const struct field_spec *s = specs; !known && s->name != NULL; s++)
			known = (s->flags & FIELD_REQUIRED) && strcmp(s->name, field) == 0;
		FUZZ_CHECK(known, "problem %zu names '%s', neither a key nor a required field", i,
			   field);
	}
}

static void check_valid(const json_t *body, const struct field_spec *specs)
{
	for (const struct field_spec *s = specs; s->name != NULL; s++)
		if (s->flags & FIELD_REQUIRED)
			FUZZ_CHECK(json_object_get(body, s->name) != NULL, "%s missing", s->name);
	const char *key;
	json_t *v;
	json_object_foreach ((json_t *)body, key, v) {
		const struct field_spec *spec = NULL;
		for (const struct field_spec *s = specs; s->name != NULL; s++)
			if (strcmp(s->name, key) == 0)
				spec = s;
		FUZZ_CHECK(spec != NULL, "unknown key %s accepted", key);
		check_value(key, v, spec);
	}
}

static void check_value(const char *key, const json_t *v, const struct field_spec *spec)
{
	const struct workflow *w = workflow_current();
	if (json_is_null(v)) {
		FUZZ_CHECK(spec->flags & FIELD_NULLABLE, "%s: null accepted", key);
		return;
	}
	long max = spec->limit != NULL ? workflow_limit(w, spec->limit, spec->max) : spec->max;
	const char *s = json_string_value(v);
	switch (spec->type) {
	case FIELD_STRING:
	case FIELD_TEXT:
		FUZZ_CHECK(s != NULL && no_controls(s, spec->type == FIELD_TEXT), "%s", key);
		FUZZ_CHECK((long)utf8_count(s) >= spec->min && (long)utf8_count(s) <= max,
			   "%s: %zu characters", key, utf8_count(s));
		break;
	case FIELD_SLUG:
		FUZZ_CHECK(s != NULL && is_slug(s), "%s: slug %s", key, s);
		break;
	case FIELD_EMAIL:
		FUZZ_CHECK(s != NULL && no_controls(s, false) && strchr(s, ' ') == NULL,
			   "%s: email", key);
		break;
	case FIELD_DATE: {
		struct date d;
		FUZZ_CHECK(s != NULL && date_parse(s, &d), "%s: date", key);
		break;
	}
	case FIELD_ENUM: {
		const char *const *choices =
		    spec->domain == FIELD_DOMAIN_STATUS        ? workflow_statuses(w, WORKFLOW_ALL)
		    : spec->domain == FIELD_DOMAIN_OPEN_STATUS ? workflow_statuses(w, WORKFLOW_OPEN)
		    : spec->domain == FIELD_DOMAIN_PRIORITY    ? workflow_priorities(w)
							       : spec->choices;
		bool found = false;
		for (const char *const *c = choices; s != NULL && *c != NULL; c++)
			found = found || strcmp(*c, s) == 0;
		FUZZ_CHECK(found, "%s: %s is no choice", key, s != NULL ? s : "(not a string)");
		break;
	}
	case FIELD_BOOL:
		FUZZ_CHECK(json_is_boolean(v), "%s", key);
		break;
	case FIELD_INT:
		FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) >= spec->min &&
			       json_integer_value(v) <= spec->max,
			   "%s", key);
		break;
	case FIELD_STRING_LIST:
	case FIELD_SLUG_LIST: {
		size_t max_items =
		    spec->limit_items != NULL
			? (size_t)workflow_limit(w, spec->limit_items, (long)spec->max_items)
			: spec->max_items;
		FUZZ_CHECK(json_is_array(v) && json_array_size(v) <= max_items, "%s: %zu items",
			   key, json_array_size(v));
		size_t i;
		json_t *item;
		json_array_foreach (v, i, item) {
			const char *t = json_string_value(item);
			FUZZ_CHECK(t != NULL, "%s: item %zu", key, i);
			if (spec->type == FIELD_SLUG_LIST)
				FUZZ_CHECK(is_slug(t), "%s: item %s", key, t);
			else
				FUZZ_CHECK(no_controls(t, false) && (long)utf8_count(t) <= max,
					   "%s: item %zu", key, i);
			for (size_t j = 0; j < i; j++)
				FUZZ_CHECK(!json_equal(json_array_get(v, j), item),
					   "%s: item %zu repeated", key, i);
		}
		break;
	}
	default: /* a type this target does not know yet: no table here uses it */
		break;
	}
}

static bool is_slug(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63 || s[0] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool no_controls(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == 0x7f ||
		    (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))))
			return false;
	return true;
}
