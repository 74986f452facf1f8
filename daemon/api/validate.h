/* validate.h — request bodies checked against a declarative field table.
 *
 * Each resource declares its fields once (name, type, limits, required/nullable); one call
 * checks a JSON object against the table and collects EVERY problem — unknown fields, wrong
 * types, lengths, formats, impossible dates — as {field, message} pairs for a 422. */
#ifndef SUIVI_VALIDATE_H
#define SUIVI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util.h"

enum field_type {
	FIELD_STRING,     /* one line: no control characters */
	FIELD_TEXT,       /* free text: newlines and tabs allowed, other controls refused */
	FIELD_SLUG,       /* [a-z0-9][a-z0-9-]{0,62}: handles, meeting codes, series */
	FIELD_EMAIL,      /* empty, or one @ with no blanks or controls */
	FIELD_EMAIL_LIST, /* array of FIELD_EMAIL items, none empty, at most max_items */
	FIELD_DATE,       /* YYYY-MM-DD, a real date */
	FIELD_ENUM,       /* one of choices */
	FIELD_BOOL,
	FIELD_INT,         /* integer within [min, max] */
	FIELD_STRING_LIST, /* array of FIELD_STRING items, at most max_items */
	FIELD_SLUG_LIST,   /* array of FIELD_SLUG items, at most max_items */
};

/* Where a FIELD_ENUM takes its choices when they are the database's. */
enum field_domain {
	FIELD_DOMAIN_NONE = 0, /* the spec's own choices */
	FIELD_DOMAIN_OPEN_STATUS,
	FIELD_DOMAIN_STATUS,
	FIELD_DOMAIN_PRIORITY,
};

#define FIELD_REQUIRED 0x1u
#define FIELD_NULLABLE 0x2u

struct field_spec {
	const char *name;
	enum field_type type;
	unsigned flags;
	long min; /* characters for strings (code points), value for ints */
	long max;
	const char *const *choices; /* FIELD_ENUM: NULL-terminated */
	size_t max_items;           /* lists */
	/* From the database (db/workflow.h), overriding the numbers above when set: */
	const char *limit;        /* name of the limit on characters (strings, list items) */
	const char *limit_items;  /* name of the limit on the number of items (lists) */
	enum field_domain domain; /* FIELD_ENUM: choices from the workflow */
};

/* Check obj (must be an object) against the {NULL}-terminated specs. Problems are appended
 * to *errors (created when NULL). Returns true when there is none. */
bool validate_object(const json_t *obj, const struct field_spec *specs, json_t **errors);

/* Check a single value against a spec (used for query parameters too). msg gets a sentence. */
bool validate_value(const json_t *value, const struct field_spec *spec, char *msg, size_t len);

/* Query parameter helpers: each appends to *errors with the parameter's name. */
bool validate_query_date(const char *name, const char *value, json_t **errors);
bool validate_query_slug(const char *name, const char *value, json_t **errors);
/* Parses an integer in [min, max]; on error appends and returns false. */
bool validate_query_int(const char *name, const char *value, long min, long max, long *out,
			json_t **errors);
bool validate_query_bool(const char *name, const char *value, bool *out, json_t **errors);

/* Append {field, message} to an errors array (created when *errors is NULL). */
void validate_error_add(json_t **errors, const char *field, const char *fmt, ...) PRINTFLIKE(3, 4);

#endif
