/* api-util.h — helpers shared by the API resource files: JSON text straight from
 * PostgreSQL, suivi's own SQL refusals (SQLSTATE SUnnn) as problem+json, today's date in the
 * deployment's time zone, opaque keyset cursors, If-Match, and refusal of unknown query
 * parameters.
 *
 * Layer rule: api may use http, db, import, render, notify and core; nothing uses api but main.c.
 */
#ifndef SUIVI_API_UTIL_H
#define SUIVI_API_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "http/http.h"
#include "api/validate.h"

/* Answer with JSON text already built (by PostgreSQL). */
void api_reply_json_text(struct api_request *r, int status, const char *json, size_t len);
/* Answer with the first column of the first row of res as JSON text; 404 with `what` named
 * when there is no row or the value is NULL. Location header when status is 201. */
void api_reply_row(struct api_request *r, int status, PGresult *res, const char *what,
		   const char *location);
/* Answer a list page: items is a JSON array text, next the last key of the page or NULL
 * (encoded here as an opaque cursor). */
void api_reply_page(struct api_request *r, const char *items, const char *next_key);

/* Answer for a failed database call. suivi's functions raise SQLSTATE "SUnnn" (nnn = HTTP
 * status) with the problem's detail as message, its code as hint and extension members as
 * a JSON object in detail; anything else goes through api_problem_db. */
void api_fail_db(struct api_request *r, const struct db_error *err);
/* problem+json with extension members (ext stolen, may be NULL; its "errors" and any other
 * member are copied into the problem). */
void api_problem_ext(struct api_request *r, int status, const char *code, json_t *ext,
		     const char *detail);

/* The JSON body checked against specs: its compact text (caller frees), or NULL when a
 * problem was answered (422 listing every bad field). */
char *api_checked_body(struct api_request *r, const struct field_spec *specs);

/* Run a prepared statement whose single value is the JSON to answer, and answer it with
 * status (failures through api_fail_db; location, copied, becomes the Location header). */
void api_exec_reply(struct api_request *r, const char *stmt, int nparams, const char *const *params,
		    int status, const char *location);

/* Today (YYYY-MM-DD) in [schedule] timezone. */
void api_today(struct api_request *r, char out[11]);

/* Refuse query parameters not in allowed (NULL-terminated): appends to *errors. */
bool api_check_query(struct api_request *r, const char *const *allowed, json_t **errors);

/* Opaque cursors: base64url of "k:" + key. Decode returns NULL for a bad cursor. Caller
 * frees. */
char *api_cursor_encode(const char *key);
char *api_cursor_decode(const char *cursor);

/* If-Match: 0 when absent, 1 with the version digits in out, -1 when malformed (answered
 * with 400 already). */
int api_if_match(struct api_request *r, char out[16]);

/* A keyset-paginated list whose statement takes ($1 = the cursor of the previous page or
 * NULL, $2 = limit) and returns the whole {"items","next"} document. Checks the query
 * parameters (only limit and after), runs it and answers. */
void api_list_simple(struct api_request *r, const char *stmt);

/* Timestamps as RFC 3339 UTC in SQL. Sessions run in the deployment's zone ([schedule]
 * timezone), so a bare to_char would print local time with a Z: suivi_ts converts to UTC
 * first, the one format of every timestamp of the API. */
#define SQL_TS(col) "suivi_ts(" col ")"

/* Set ETag: "<version>" from a recommendation's JSON text (its "version" member). */
void api_set_etag_from_json(struct api_request *r, const char *json);

#endif
