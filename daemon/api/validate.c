/* validate.c — checks request bodies and query parameters against field tables. */
#include "suivi-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "utf8.h"
#include "util.h"
#include "api/validate.h"
#include "db/workflow.h"
#include "render/mail.h"

static bool check_string(const char *s, bool multiline, long min, long max, char *msg, size_t len);
static bool is_slug(const char *s);
static bool is_email(const char *s);
static void add_error(json_t **errors, const char *field, const char *msg);

static void add_error(json_t **errors, const char *field, const char *msg)
{
	validate_error_add(errors, field, "%s", msg);
}

void validate_error_add(json_t **errors, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *message = xvasprintf(fmt, ap);
	va_end(ap);
	if (*errors == NULL)
		*errors = json_array();
	json_t *e = json_pack("{s:s, s:s}", "field", field, "message", message);
	if (e == NULL) /* not UTF-8: keep the field, lose the message */
		e = json_pack("{s:s, s:s}", "field", "?", "message", "invalid");
	json_array_append_new(*errors, e);
	free(message);
}

/* Control characters would let text break out of a mail header or a log line. */
static bool check_string(const char *s, bool multiline, long min, long max, char *msg, size_t len)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == 0x7f ||
		    (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))) {
			snprintf(msg, len, "must not contain control characters");
			return false;
		}
	}
	size_t n = utf8_count(s);
	if ((long)n < min) {
		if (min == 1)
			snprintf(msg, len, "must not be empty");
		else
			snprintf(msg, len, "must be at least %ld characters", min);
		return false;
	}
	if (max > 0 && (long)n > max) {
		snprintf(msg, len, "must be at most %ld characters", max);
		return false;
	}
	return true;
}

static bool is_slug(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool is_email(const char *s)
{
	const char *at = strchr(s, '@');

	if (*s == '\0')
		return true;
	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
		    *p == '"' || *p == '(' || *p == ')')
			return false;
	return strlen(s) <= 254;
}

/* spec with its limits and choices taken from the database's current workflow. Without a
 * workflow (unit tests, or none loaded yet) the spec's own values stand; an enum without
 * choices accepts any string, and the database judges. */
static struct field_spec resolve(const struct field_spec *spec)
{
	const struct workflow *w = workflow_current();
	struct field_spec s = *spec;

	if (s.limit != NULL)
		s.max = workflow_limit(w, s.limit, s.max);
	if (s.limit_items != NULL)
		s.max_items = (size_t)workflow_limit(w, s.limit_items, (long)s.max_items);
	switch (s.domain) {
	case FIELD_DOMAIN_OPEN_STATUS:
		s.choices = workflow_statuses(w, WORKFLOW_OPEN);
		break;
	case FIELD_DOMAIN_STATUS:
		s.choices = workflow_statuses(w, WORKFLOW_ALL);
		break;
	case FIELD_DOMAIN_PRIORITY:
		s.choices = workflow_priorities(w);
		break;
	case FIELD_DOMAIN_NONE:
		break;
	}
	return s;
}

bool validate_value(const json_t *v, const struct field_spec *raw, char *msg, size_t len)
{
	struct field_spec resolved = resolve(raw);
	const struct field_spec *spec = &resolved;

	if (json_is_null(v)) {
		if (spec->flags & FIELD_NULLABLE)
			return true;
		snprintf(msg, len, "must not be null");
		return false;
	}
	switch (spec->type) {
	case FIELD_STRING:
	case FIELD_TEXT:
		if (!json_is_string(v)) {
			snprintf(msg, len, "must be a string");
			return false;
		}
		return check_string(json_string_value(v), spec->type == FIELD_TEXT, spec->min,
				    spec->max, msg, len);
	case FIELD_SLUG:
		if (!json_is_string(v)) {
			snprintf(msg, len, "must be a string");
			return false;
		}
		if (!is_slug(json_string_value(v))) {
			snprintf(msg, len,
				 "must be 1 to 63 of a-z, 0-9 and '-', starting with a "
				 "letter or digit");
			return false;
		}
		return true;
	case FIELD_EMAIL:
		if (!json_is_string(v)) {
			snprintf(msg, len, "must be a string");
			return false;
		}
		if (!is_email(json_string_value(v))) {
			snprintf(msg, len, "is not an email address");
			return false;
		}
		return true;
	case FIELD_DATE: {
		struct date d;
		if (!json_is_string(v)) {
			snprintf(msg, len, "must be a date as YYYY-MM-DD");
			return false;
		}
		if (!date_parse(json_string_value(v), &d)) {
			/* At most 40 bytes of it, cut between characters: the message goes into
			 * JSON (fuzz-validate found the field's name lost to a cut). */
			const char *s = json_string_value(v);
			snprintf(msg, len, "'%.*s' is not a date (YYYY-MM-DD)",
				 (int)utf8_cut(s, 40), s);
			return false;
		}
		return true;
	}
	case FIELD_ENUM:
		if (spec->choices == NULL && json_is_string(v))
			return true;
		if (json_is_string(v) && spec->choices != NULL)
			for (const char *const *c = spec->choices; *c != NULL; c++)
				if (strcmp(*c, json_string_value(v)) == 0)
					return true;
		{
			size_t off = (size_t)snprintf(msg, len, "must be one of");
			for (const char *const *c = spec->choices;
			     c != NULL && *c != NULL && off < len; c++)
				off += (size_t)snprintf(msg + off, len - off, "%s %s",
							c == spec->choices ? "" : ",", *c);
		}
		return false;
	case FIELD_BOOL:
		if (!json_is_boolean(v)) {
			snprintf(msg, len, "must be true or false");
			return false;
		}
		return true;
	case FIELD_INT:
		if (!json_is_integer(v) || json_integer_value(v) < spec->min ||
		    json_integer_value(v) > spec->max) {
			snprintf(msg, len, "must be an integer from %ld to %ld", spec->min,
				 spec->max);
			return false;
		}
		return true;
	case FIELD_STRING_LIST:
	case FIELD_SLUG_LIST:
	case FIELD_EMAIL_LIST: {
		size_t i;
		json_t *item;
		if (!json_is_array(v)) {
			snprintf(msg, len, "must be an array of strings");
			return false;
		}
		if (spec->max_items > 0 && json_array_size(v) > spec->max_items) {
			snprintf(msg, len, "must have at most %zu items", spec->max_items);
			return false;
		}
		json_array_foreach (v, i, item) {
			char sub[160];
			struct field_spec one = {
			    .name = spec->name,
			    .type = spec->type == FIELD_SLUG_LIST    ? FIELD_SLUG
				    : spec->type == FIELD_EMAIL_LIST ? FIELD_EMAIL
								     : FIELD_STRING,
			    .min = spec->min,
			    .max = spec->max,
			};
			/* An address list is mailed to: each item must be an address the
			 * mailer puts in a header as it is (no display name, no comment). */
			if (spec->type == FIELD_EMAIL_LIST && json_is_string(item) &&
			    !mail_address_valid(json_string_value(item))) {
				snprintf(msg, len, "item %zu is not an email address", i + 1);
				return false;
			}
			if (!validate_value(item, &one, sub, sizeof sub)) {
				snprintf(msg, len, "item %zu %s", i + 1, sub);
				return false;
			}
			for (size_t j = 0; j < i; j++)
				if (json_equal(json_array_get(v, j), item)) {
					snprintf(msg, len, "item %zu repeats item %zu", i + 1,
						 j + 1);
					return false;
				}
		}
		return true;
	}
	}
	snprintf(msg, len, "is not valid");
	return false;
}

bool validate_object(const json_t *obj, const struct field_spec *specs, json_t **errors)
{
	const char *key;
	json_t *value;
	bool ok = true;
	char msg[256];

	if (!json_is_object(obj)) {
		add_error(errors, "", "the body must be a JSON object");
		return false;
	}
	json_object_foreach ((json_t *)obj, key, value) {
		const struct field_spec *spec = NULL;
		for (const struct field_spec *s = specs; s->name != NULL; s++)
			if (strcmp(s->name, key) == 0)
				spec = s;
		if (spec == NULL) {
			add_error(errors, key, "is not a known field");
			ok = false;
			continue;
		}
		if (!validate_value(value, spec, msg, sizeof msg)) {
			add_error(errors, key, msg);
			ok = false;
		}
	}
	for (const struct field_spec *s = specs; s->name != NULL; s++)
		if ((s->flags & FIELD_REQUIRED) && json_object_get(obj, s->name) == NULL) {
			add_error(errors, s->name, "is required");
			ok = false;
		}
	return ok;
}

bool validate_query_date(const char *name, const char *value, json_t **errors)
{
	struct date d;

	if (value != NULL && !date_parse(value, &d)) {
		validate_error_add(errors, name, "'%.40s' is not a date (YYYY-MM-DD)", value);
		return false;
	}
	return true;
}

bool validate_query_slug(const char *name, const char *value, json_t **errors)
{
	if (value != NULL && !is_slug(value)) {
		validate_error_add(errors, name, "is not a valid handle or code");
		return false;
	}
	return true;
}

bool validate_query_int(const char *name, const char *value, long min, long max, long *out,
			json_t **errors)
{
	char *end;

	if (value == NULL)
		return true;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max) {
		validate_error_add(errors, name, "must be an integer from %ld to %ld", min, max);
		return false;
	}
	*out = v;
	return true;
}

bool validate_query_bool(const char *name, const char *value, bool *out, json_t **errors)
{
	if (value == NULL)
		return true;
	if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
		*out = true;
	else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
		*out = false;
	else {
		validate_error_add(errors, name, "must be true or false");
		return false;
	}
	return true;
}
