/* import.h — parse the body of POST /v1/meetings/{code}/import into recommendations.
 *
 * Pure parsing and validation: no database. The HTTP handler calls import_parse(), then checks
 * that every owner exists and inserts every item in one transaction. All or nothing: the first
 * problem, in document order, fails the whole parse and is the one reported.
 *
 * Every value, in every format, loses its surrounding white space; an optional value left
 * empty (or JSON null) means "not given", and then the defaults apply to owner and due_on.
 * An item takes the limits of POST /v1/recommendations (doc/api.md), those the caller passes
 * in struct import_options included: text 1 to text_max characters (code points), details 0 to
 * details_max, owner and each supporting owner a handle [a-z0-9][a-z0-9-]{0,62} (at most
 * supporting_max), due_on a real YYYY-MM-DD date (date_parse), priority and status among those
 * the caller names (the workflow lives in the database), at most tags_max tags of 1 to tag_max
 * characters. Text and details refuse every control character (C0, DEL,
 * C1) but tab and newline (CR LF and lone CR inside them become LF); tags refuse them all.
 * Repeated tags or supporting owners are kept once. At most IMPORT_MAX_ITEMS items; none at
 * all is an error too. Whether the owners exist is the caller's business.
 *
 * text/plain — meeting minutes. Lines end with LF, CR LF or CR; a leading UTF-8 BOM is skipped;
 * white space is space, tab, no-break space (U+00A0, U+202F), form feed and vertical tab.
 * Invalid UTF-8 is refused, naming the line. Each line is, in this order of precedence:
 *   blank       only white space: ends the current item.
 *   separator   only - = _ * ~ # and white space ("----", "* * *"): ends the current item.
 *   item        an optional indentation, a marker, at least one white space, then text. Markers:
 *               bullets - * + • ◦ ▪ ▫ ● ○ ■ □ ‣ ⁃ ∙ · ► ▸ ➢ ➤ – — and Word's U+F0B7 / U+F0A7;
 *               numbers 1. 1) (1) (up to three digits); letters a. a) (a) A) (A); lower-case
 *               roman numerals i. iv) (xii). "M. Dupont", "A. Contexte" and "II. Débats" are not
 *               items. Starts a new item (nested items are items of their own).
 *   heading     not indented and ends with ':' ("Recommandations :"), or starts with '#':
 *               ends the current item, ignored.
 *   continuation a line directly after an item line or its continuation (no blank line between)
 *               that is indented, or that follows a line not ending with sentence-final
 *               punctuation (. ! ? … ; possibly followed by closing quotes or brackets).
 *               Joined to its item with one space.
 *   prose       anything else: ends the current item, ignored.
 * An item's text is its lines joined, trimmed, with every run of white space made one space
 * (a run that is one lone no-break space stays a no-break space: French typography « … »).
 * An item whose text ends with ':' is a lead-in ("1. Les États s'engagent à :" above a), b)…),
 * not a recommendation, and is dropped. An item's row is the line number of its marker (1-based,
 * physical lines). Defaults apply to every item of the minutes (no inline annotations).
 * Known ambiguities, visible with ?dry_run=true: a numbered section title ("1. Ouverture") is an
 * item unless it ends with ':'; a prose line directly under an item without final punctuation
 * is joined to it (leave a blank line after a list); a wrapped item whose line break falls just
 * after a full stop loses its next, unindented line (indent continuation lines).
 *
 * text/csv — RFC 4180 with a header row: quoted fields, "" for a quote, delimiters and line
 * breaks inside quotes, CR LF or LF, optional BOM. The delimiter is the first of ',' ';' or tab
 * found in the header (spreadsheets in French locales write ';'), ',' when there is none.
 * Header names, case-insensitive: text (required), details, owner, due_on, priority, status,
 * tags, supporting; tags and supporting are lists separated by ';' or '|' (empty parts skipped).
 * An unknown or repeated column is refused, naming it. Rows are records, not lines: the header
 * is row 1, the first data record row 2, a quoted field with line breaks is one row. Every record
 * has as many fields as the header; records whose fields are all empty are skipped (but counted).
 * An empty cell means "not given". A quote that never closes is refused naming the row where its
 * field starts; a quote inside an unquoted field, or text after a closing quote, is refused.
 *
 * application/json — an array of objects with the fields of POST /v1/recommendations except
 * meeting: text (required), details, owner, supporting, status, priority, due_on, tags. A null
 * value means "not given". Unknown keys and wrong types are refused naming the element (its
 * 1-based position in the array: row) and the key (field). A syntax error, a duplicate key
 * (JSON_REJECT_DUPLICATES) or invalid UTF-8 is refused with row 0, jansson's line and column in
 * the message.
 *
 * Layer rule: import may use only core (pure parsers, no I/O); only api uses import. */
#ifndef SUIVI_IMPORT_H
#define SUIVI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import-item.h"
#include "import/import-prose.h"
#include "util.h"

/* Parse len bytes of data (need not be NUL-terminated) of media_type "text/plain", "text/csv"
 * or "application/json" (parameters such as "; charset=utf-8" are ignored; any other type or
 * charset is refused with field "Content-Type"). On success fill *out (free it with
 * import_result_free) and return 0; on failure fill *err (free with import_error_clear), leave
 * *out empty and return -1. opts (import-item.h) is required: statuses and limits come from
 * the caller. */
int import_parse(const char *media_type, const char *data, size_t len,
		 const struct import_options *opts, struct import_result *out,
		 struct import_error *err) WUR;

/* The candidates a secretariat reviews: for text/plain, every list item (confidence 90) and
 * what import-prose.c finds in the prose paragraphs between them, ordered by line; for CSV
 * and JSON, every item (confidence 100). Nothing else differs from import_parse: the same
 * errors (the list items are checked as import_parse checks them), none found is an error.
 * Free *out with import_cands_free. */
int import_candidates(const char *media_type, const char *data, size_t len,
		      const struct import_options *opts, struct import_cands *out,
		      struct import_error *err) WUR;

/* True when media_type (parameters ignored) is one import_parse reads: for a 415. */
bool import_media_type_supported(const char *media_type);

void import_result_free(struct import_result *res);
void import_error_clear(struct import_error *err);

/* "line 12, due_on: 2019-02-30 is not a date" — the caller frees it. */
char *import_error_string(const struct import_error *err);

#endif
