/* api-meetings.c — GET,POST /v1/meetings; GET,PATCH /v1/meetings/{code}.
 *
 * GET one adds the counts per status, open and overdue (doc/api.md "Meeting"), overdue
 * measured against today in the deployment's time zone. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api-meetings.h"
#include "api-util.h"
#include "date.h"
#include "util.h"
#include "validate.h"

static void meetings_list(struct api_request *r);
static void meetings_create(struct api_request *r);
static void meetings_get(struct api_request *r);
static void meetings_patch(struct api_request *r);
static void meeting_done(PGresult *res, const struct db_error *err, void *arg);
static void meeting_created(PGresult *res, const struct db_error *err, void *arg);
static void meeting_fail(struct api_request *r, const struct db_error *err);

#define MEETING_JSON                                                                       \
	"jsonb_build_object('code', m.code, 'title', m.title, 'starts_on', m.starts_on, "      \
	"'ends_on', m.ends_on, 'place', m.place, 'organisers', to_jsonb(m.organisers), "       \
	"'notes', m.notes, 'series', m.series, 'created_at', " SQL_TS("m.created_at")          \
	", 'updated_at', " SQL_TS("m.updated_at") ")"

/* Counts per status (every status of the workflow, zero included), total, open, overdue. */
#define MEETING_COUNTS                                                                     \
	"(SELECT jsonb_object_agg(s.name, coalesce(c.n, 0)) || jsonb_build_object("            \
	"'total', coalesce(sum(c.n), 0), 'open', coalesce(sum(c.n) FILTER (WHERE s.is_open), "  \
	"0), 'overdue', coalesce(sum(c.late), 0)) FROM statuses s LEFT JOIN (SELECT "          \
	"x.status, count(*) AS n, count(*) FILTER (WHERE x.is_open AND x.due_on < $2::date) "   \
	"AS late FROM recommendations x WHERE x.meeting_id = m.id GROUP BY x.status) c ON "    \
	"c.status = s.name)"

const struct db_stmt api_meetings_stmts[] = {
    {"meetings_get", "SELECT (" MEETING_JSON " || jsonb_build_object('counts', " MEETING_COUNTS
		     "))::text FROM meetings m WHERE m.code = $1"},
    /* Newest first: keyset on (starts_on desc, code asc); the key is "date|code". */
    {"meetings_list",
     "WITH k AS (SELECT coalesce(split_part($1, '|', 1), 'infinity')::date AS d, "
     "coalesce(split_part($1, '|', 2), '') AS c), "
     "page AS (SELECT m.* FROM meetings m, k WHERE m.starts_on < k.d OR (m.starts_on = k.d "
     "AND m.code > k.c) ORDER BY m.starts_on DESC, m.code LIMIT $2::int + 1), "
     "shown AS (SELECT * FROM page ORDER BY starts_on DESC, code LIMIT $2::int) "
     "SELECT coalesce((SELECT json_agg(" MEETING_JSON " ORDER BY m.starts_on DESC, m.code) "
     "FROM shown m), '[]')::text, "
     "CASE WHEN (SELECT count(*) FROM page) > $2::int THEN (SELECT starts_on::text || '|' "
     "|| code FROM shown ORDER BY starts_on, code DESC LIMIT 1) END"},
    {"meetings_create",
     "INSERT INTO meetings AS m (code, title, starts_on, ends_on, place, organisers, notes, "
     "series) SELECT b->>'code', b->>'title', (b->>'starts_on')::date, "
     "coalesce((b->>'ends_on')::date, (b->>'starts_on')::date), coalesce(b->>'place', ''), "
     "coalesce(ARRAY(SELECT jsonb_array_elements_text(b->'organisers')), '{}'), "
     "coalesce(b->>'notes', ''), b->>'series' FROM (SELECT $1::jsonb AS b) x "
     "RETURNING (" MEETING_JSON ")::text"},
    {"meetings_patch",
     "UPDATE meetings AS m SET "
     "title = CASE WHEN $2::jsonb ? 'title' THEN $2::jsonb->>'title' ELSE m.title END, "
     "starts_on = CASE WHEN $2::jsonb ? 'starts_on' THEN ($2::jsonb->>'starts_on')::date "
     "ELSE m.starts_on END, "
     "ends_on = CASE WHEN $2::jsonb ? 'ends_on' THEN ($2::jsonb->>'ends_on')::date "
     "ELSE m.ends_on END, "
     "place = CASE WHEN $2::jsonb ? 'place' THEN $2::jsonb->>'place' ELSE m.place END, "
     "organisers = CASE WHEN $2::jsonb ? 'organisers' THEN ARRAY(SELECT "
     "jsonb_array_elements_text($2::jsonb->'organisers')) ELSE m.organisers END, "
     "notes = CASE WHEN $2::jsonb ? 'notes' THEN $2::jsonb->>'notes' ELSE m.notes END, "
     "series = CASE WHEN $2::jsonb ? 'series' THEN $2::jsonb->>'series' ELSE m.series END, "
     "updated_at = now() WHERE m.code = $1 RETURNING (" MEETING_JSON ")::text"},
    {NULL, NULL},
};

static const struct field_spec meeting_create_fields[] = {
    {"code", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0},
    {"title", FIELD_STRING, FIELD_REQUIRED, 1, 300, NULL, 0},
    {"starts_on", FIELD_DATE, FIELD_REQUIRED, 0, 0, NULL, 0},
    {"ends_on", FIELD_DATE, 0, 0, 0, NULL, 0},
    {"place", FIELD_STRING, 0, 0, 200, NULL, 0},
    {"organisers", FIELD_STRING_LIST, 0, 1, 200, NULL, 50},
    {"notes", FIELD_TEXT, 0, 0, 10000, NULL, 0},
    {"series", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct field_spec meeting_patch_fields[] = {
    {"title", FIELD_STRING, 0, 1, 300, NULL, 0},
    {"starts_on", FIELD_DATE, 0, 0, 0, NULL, 0},
    {"ends_on", FIELD_DATE, 0, 0, 0, NULL, 0},
    {"place", FIELD_STRING, 0, 0, 200, NULL, 0},
    {"organisers", FIELD_STRING_LIST, 0, 1, 200, NULL, 50},
    {"notes", FIELD_TEXT, 0, 0, 10000, NULL, 0},
    {"series", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0},
};

const struct route api_meetings_routes[] = {
    {EVHTTP_REQ_GET, "/v1/meetings", ROLE_VIEWER, BODY_NONE, 0, meetings_list},
    {EVHTTP_REQ_POST, "/v1/meetings", ROLE_SECRETARIAT, BODY_JSON, 0, meetings_create},
    {EVHTTP_REQ_GET, "/v1/meetings/{code}", ROLE_VIEWER, BODY_NONE, 0, meetings_get},
    {EVHTTP_REQ_PATCH, "/v1/meetings/{code}", ROLE_SECRETARIAT, BODY_JSON, 0, meetings_patch},
    {0, NULL, 0, 0, 0, NULL},
};

static void meetings_list(struct api_request *r)
{
	api_list_simple(r, "meetings_list");
}

/* Field checks, plus the one rule between two fields: a meeting cannot end before it starts. */
static char *checked_body(struct api_request *r, const struct field_spec *specs)
{
	json_t *errors = NULL;
	json_t *body = api_body_json(r);
	bool ok = validate_object(body, specs, &errors);

	if (ok) {
		struct date s, e;
		const char *st = json_string_value(json_object_get(body, "starts_on"));
		const char *en = json_string_value(json_object_get(body, "ends_on"));
		if (st != NULL && en != NULL && date_parse(st, &s) && date_parse(en, &e) &&
		    date_to_days(&e) < date_to_days(&s)) {
			api_error_add(&errors, "ends_on", "is before starts_on");
			ok = false;
		}
	}
	if (!ok) {
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return NULL;
	}
	char *text = json_dumps(body, JSON_COMPACT);
	if (text == NULL)
		api_problem(r, 500, "internal", NULL, "cannot encode the body");
	return text;
}

static void meetings_create(struct api_request *r)
{
	char *body = checked_body(r, meeting_create_fields);

	if (body == NULL)
		return;
	const char *params[] = {body};
	if (db_exec(api_pool(r), "meetings_create", 1, params, meeting_created, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
	free(body);
}

static void meetings_get(struct api_request *r)
{
	char today[11];

	api_today(r, today);
	const char *params[] = {api_param(r, 0), today};
	if (db_exec(api_pool(r), "meetings_get", 2, params, meeting_done, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
}

static void meetings_patch(struct api_request *r)
{
	char *body = checked_body(r, meeting_patch_fields);

	if (body == NULL)
		return;
	const char *params[] = {api_param(r, 0), body};
	if (db_exec(api_pool(r), "meetings_patch", 2, params, meeting_done, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
	free(body);
}

static void meeting_fail(struct api_request *r, const struct db_error *err)
{
	if (err->sqlstate != NULL && strcmp(err->sqlstate, "23505") == 0) {
		api_problem(r, 409, "duplicate", NULL, "a meeting with this code exists");
		return;
	}
	if (err->sqlstate != NULL && strcmp(err->sqlstate, "23514") == 0 &&
	    err->constraint != NULL && strcmp(err->constraint, "meetings_check") == 0) {
		json_t *errors = NULL;
		api_error_add(&errors, "ends_on", "is before starts_on");
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return;
	}
	api_fail_db(r, err);
}

static void meeting_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL)
		meeting_fail(r, err);
	else
		api_reply_row(r, 200, res, "meeting", NULL);
}

static void meeting_created(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL) {
		meeting_fail(r, err);
		return;
	}
	/* The code was validated as a slug: safe in a path as it is. */
	json_t *code = json_object_get(api_body_json(r), "code");
	char *location = xasprintf("/v1/meetings/%s", json_string_value(code));
	api_reply_row(r, 201, res, "meeting", location);
	free(location);
}
