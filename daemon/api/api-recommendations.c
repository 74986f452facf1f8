/* api-recommendations.c — the recommendations resource.
 *
 * Writes are one call each to a function of migrations/0002_tracking.sql, which checks the
 * workflow, the version (If-Match) and the references, writes the history row and answers
 * the recommendation as it now stands; refusals come back as SQLSTATE SUnnn (api_fail_db).
 * The list statement is composed by rec-list.c from the query's filters. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api/api-recommendations.h"
#include "api/api-util.h"
#include "http/auth.h"
#include "api/rec-list.h"
#include "utf8.h"
#include "util.h"
#include "api/validate.h"

static void recs_list(struct api_request *r);
static void recs_create(struct api_request *r);
static void recs_get(struct api_request *r);
static void recs_patch(struct api_request *r);
static void recs_transition(struct api_request *r);
static void recs_comment(struct api_request *r);
static void recs_history(struct api_request *r);
static void recs_reminders(struct api_request *r);
static void rec_done(PGresult *res, const struct db_error *err, void *arg);
static void rec_got(PGresult *res, const struct db_error *err, void *arg);
static void rec_created(PGresult *res, const struct db_error *err, void *arg);
static void json_done(PGresult *res, const struct db_error *err, void *arg);

const struct db_stmt api_recommendations_stmts[] = {
    /* Plain SQL inlined into this prepared statement (sql/api/30-recommendations.sql): no row
     * when there is none. */
    {"recs_get", "SELECT x.rec::text FROM suivi_rec_by_key($1, $2::date) AS x"},
    {"recs_create", "SELECT suivi_rec_create($1, $2::jsonb, $3::date)::text"},
    {"recs_patch", "SELECT suivi_rec_patch($1, $2, $3::jsonb, $4::int, $5::date)::text"},
    {"recs_transition", "SELECT suivi_rec_transition($1, $2, $3, $4, $5::int, $6::date)::text"},
    {"recs_comment", "SELECT suivi_rec_comment($1, $2, $3, $4::int, $5::date)::text"},
    {"recs_history", "SELECT suivi_rec_history($1, $2, $3::int)::text"},
    {"recs_reminders", "SELECT suivi_rec_reminders($1)::text"},
    {NULL, NULL},
};

/* Limits, statuses and priorities are the database's (db/workflow.h): named here, not
 * written. */

static const struct field_spec rec_create_fields[] = {
    {"meeting", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0, NULL, NULL, 0},
    {"text", FIELD_TEXT, FIELD_REQUIRED, 1, 0, NULL, 0, "text", NULL, 0},
    {"details", FIELD_TEXT, 0, 0, 0, NULL, 0, "details", NULL, 0},
    {"owner", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"supporting", FIELD_SLUG_LIST, 0, 0, 0, NULL, 0, NULL, "supporting", 0},
    {"status", FIELD_ENUM, 0, 0, 0, NULL, 0, NULL, NULL, FIELD_DOMAIN_OPEN_STATUS},
    {"priority", FIELD_ENUM, 0, 0, 0, NULL, 0, NULL, NULL, FIELD_DOMAIN_PRIORITY},
    {"due_on", FIELD_DATE, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"tags", FIELD_STRING_LIST, 0, 1, 0, NULL, 0, "tag", "tags", 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static const struct field_spec rec_patch_fields[] = {
    {"text", FIELD_TEXT, 0, 1, 0, NULL, 0, "text", NULL, 0},
    {"details", FIELD_TEXT, 0, 0, 0, NULL, 0, "details", NULL, 0},
    {"owner", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"supporting", FIELD_SLUG_LIST, 0, 0, 0, NULL, 0, NULL, "supporting", 0},
    {"priority", FIELD_ENUM, 0, 0, 0, NULL, 0, NULL, NULL, FIELD_DOMAIN_PRIORITY},
    {"due_on", FIELD_DATE, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"tags", FIELD_STRING_LIST, 0, 1, 0, NULL, 0, "tag", "tags", 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static const struct field_spec transition_fields[] = {
    {"to", FIELD_STRING, FIELD_REQUIRED, 1, 30, NULL, 0, NULL, NULL, 0},
    {"comment", FIELD_TEXT, FIELD_NULLABLE, 0, 0, NULL, 0, "comment", NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static const struct field_spec comment_fields[] = {
    {"comment", FIELD_TEXT, FIELD_REQUIRED, 1, 0, NULL, 0, "comment", NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

const struct route api_recommendations_routes[] = {
    {EVHTTP_REQ_GET, "/v1/recommendations", ROLE_VIEWER, BODY_NONE, 0, recs_list},
    {EVHTTP_REQ_POST, "/v1/recommendations", ROLE_SECRETARIAT, BODY_JSON, 0, recs_create},
    {EVHTTP_REQ_GET, "/v1/recommendations/{ref}", ROLE_VIEWER, BODY_NONE, 0, recs_get},
    {EVHTTP_REQ_PATCH, "/v1/recommendations/{ref}", ROLE_SECRETARIAT, BODY_JSON, 0, recs_patch},
    {EVHTTP_REQ_POST, "/v1/recommendations/{ref}/transitions", ROLE_OWNER, BODY_JSON,
     ROUTE_OWNER_SCOPED, recs_transition},
    {EVHTTP_REQ_POST, "/v1/recommendations/{ref}/comments", ROLE_OWNER, BODY_JSON,
     ROUTE_OWNER_SCOPED, recs_comment},
    {EVHTTP_REQ_GET, "/v1/recommendations/{ref}/history", ROLE_VIEWER, BODY_NONE, 0, recs_history},
    {EVHTTP_REQ_GET, "/v1/recommendations/{ref}/reminders", ROLE_VIEWER, BODY_NONE, 0,
     recs_reminders},
    {0, NULL, 0, 0, 0, NULL},
};

static void submit(struct api_request *r, const char *stmt, int n, const char *const *params,
		   db_cb cb)
{
	if (db_exec(api_pool(r), stmt, n, params, cb, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
}

static void recs_list(struct api_request *r)
{
	static const char *const allowed[] = {"status",  "open",  "overdue",    "owner",
					      "meeting", "tag",   "due_before", "due_after",
					      "q",       "limit", "after",      NULL};
	struct rec_filters f = {.limit = 50, .open = -1, .overdue = -1};
	json_t *errors = NULL;
	char today[11];
	bool b;

	api_today(r, today);
	f.today = today;
	api_check_query(r, allowed, &errors);
	validate_query_int("limit", api_query(r, "limit"), 1, 500, &f.limit, &errors);
	f.nstatuses = api_query_all(r, "status", f.statuses, REC_LIST_MAX_STATUSES);
	for (size_t i = 0; i < f.nstatuses; i++) {
		const char *s = f.statuses[i];
		if (s[0] == '\0' || strspn(s, "abcdefghijklmnopqrstuvwxyz_") != strlen(s) ||
		    strlen(s) > 30)
			validate_error_add(&errors, "status", "'%.40s' is not a status", s);
	}
	if (api_query(r, "open") != NULL &&
	    validate_query_bool("open", api_query(r, "open"), &b, &errors))
		f.open = b;
	if (api_query(r, "overdue") != NULL &&
	    validate_query_bool("overdue", api_query(r, "overdue"), &b, &errors))
		f.overdue = b;
	f.owner = api_query(r, "owner");
	validate_query_slug("owner", f.owner, &errors);
	f.meeting = api_query(r, "meeting");
	validate_query_slug("meeting", f.meeting, &errors);
	f.ntags = api_query_all(r, "tag", f.tags, REC_LIST_MAX_TAGS);
	f.due_before = api_query(r, "due_before");
	validate_query_date("due_before", f.due_before, &errors);
	f.due_after = api_query(r, "due_after");
	validate_query_date("due_after", f.due_after, &errors);
	f.q = api_query(r, "q");
	if (f.q != NULL && (utf8_count(f.q) < 3 || utf8_count(f.q) > 200))
		validate_error_add(&errors, "q", "must be 3 to 200 characters");
	f.after = api_query(r, "after");
	if (f.after != NULL && (strlen(f.after) == 0 || strlen(f.after) > 64))
		validate_error_add(&errors, "after", "is not a cursor from a previous page");
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}

	struct rec_query q;
	rec_list_build(&f, &q);
	if (db_exec_sql(api_pool(r), q.sql, q.nparams, (const char *const *)q.params, json_done,
			r) == -1)
		api_problem(r, 500, "internal", NULL, "cannot run the list");
	rec_query_clear(&q);
}

static void recs_create(struct api_request *r)
{
	char *body = api_checked_body(r, rec_create_fields);
	char today[11];

	if (body == NULL)
		return;
	api_today(r, today);
	const char *params[] = {api_identity(r)->name, body, today};
	submit(r, "recs_create", 3, params, rec_created);
	free(body);
}

static void recs_get(struct api_request *r)
{
	char today[11];

	api_today(r, today);
	const char *params[] = {api_param(r, 0), today};
	submit(r, "recs_get", 2, params, rec_got);
}

static void recs_patch(struct api_request *r)
{
	char version[16], today[11];
	int m = api_if_match(r, version);

	if (m == -1)
		return;
	char *body = api_checked_body(r, rec_patch_fields);
	if (body == NULL)
		return;
	api_today(r, today);
	const char *params[] = {api_identity(r)->name, api_param(r, 0), body,
				m == 1 ? version : NULL, today};
	submit(r, "recs_patch", 5, params, rec_done);
	free(body);
}

/* A transition and a comment read the same way: an optional If-Match, a body checked
 * against its fields, then the acting owner, the ref, the named body strings in order,
 * the version and today. */
static void rec_act(struct api_request *r, const struct field_spec *fields,
		    const char *const keys[], size_t nkeys, const char *stmt)
{
	char version[16], today[11];
	int m = api_if_match(r, version);
	json_t *errors = NULL;
	const char *params[6];
	size_t n = 0;

	if (m == -1)
		return;
	json_t *body = api_body_json(r);
	if (!validate_object(body, fields, &errors)) {
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return;
	}
	api_today(r, today);
	params[n++] = api_identity(r)->name;
	params[n++] = api_param(r, 0);
	for (size_t i = 0; i < nkeys; i++)
		params[n++] = json_string_value(json_object_get(body, keys[i]));
	params[n++] = m == 1 ? version : NULL;
	params[n++] = today;
	submit(r, stmt, (int)n, params, rec_done);
}

static void recs_transition(struct api_request *r)
{
	static const char *const keys[] = {"to", "comment"};

	rec_act(r, transition_fields, keys, ARRAY_LEN(keys), "recs_transition");
}

static void recs_comment(struct api_request *r)
{
	static const char *const keys[] = {"comment"};

	rec_act(r, comment_fields, keys, ARRAY_LEN(keys), "recs_comment");
}

static void recs_history(struct api_request *r)
{
	static const char *const allowed[] = {"limit", "after", NULL};
	json_t *errors = NULL;
	long limit = 100;
	char limit_text[16];

	api_check_query(r, allowed, &errors);
	validate_query_int("limit", api_query(r, "limit"), 1, 500, &limit, &errors);
	const char *after = api_query(r, "after");
	if (after != NULL && (strlen(after) == 0 || strlen(after) > 64))
		validate_error_add(&errors, "after", "is not a cursor from a previous page");
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	snprintf(limit_text, sizeof limit_text, "%ld", limit);
	const char *params[] = {api_param(r, 0), after, limit_text};
	submit(r, "recs_history", 3, params, json_done);
}

/* A recommendation answered with its version as ETag. */
static void rec_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL) {
		api_fail_db(r, err);
		return;
	}
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		api_set_etag_from_json(r, PQgetvalue(res, 0, 0));
	api_reply_row(r, 200, res, "recommendation", NULL);
}

/* GET's answer: no row is a 404 in the words the SQL functions use (suivi_rec_find). */
static void rec_got(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err == NULL && PQntuples(res) == 0) {
		api_problem(r, 404, "not_found", NULL, "there is no recommendation '%s'",
			    api_param(r, 0));
		return;
	}
	rec_done(res, err, arg);
}

static void rec_created(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL) {
		api_fail_db(r, err);
		return;
	}
	json_t *rec = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	char *location = xasprintf("/v1/recommendations/%lld",
				   (long long)json_integer_value(json_object_get(rec, "id")));
	json_decref(rec);
	api_set_etag_from_json(r, PQgetvalue(res, 0, 0));
	api_reply_row(r, 201, res, "recommendation", location);
	free(location);
}

/* A JSON document built by PostgreSQL, passed through. */
static void json_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL)
		api_fail_db(r, err);
	else
		api_reply_row(r, 200, res, "recommendation", NULL);
}

/* The reminder ledger of one item (sql/api/60-notify.sql), newest first. */
static void recs_reminders(struct api_request *r)
{
	static const char *const allowed[] = {NULL};
	json_t *errors = NULL;

	if (!api_check_query(r, allowed, &errors)) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	const char *params[] = {api_param(r, 0)};
	submit(r, "recs_reminders", 1, params, json_done);
}
