/* api-meetings.c — GET,POST /v1/meetings; GET,PATCH /v1/meetings/{code}.
 *
 * GET one adds the counts per status, open and overdue (doc/api.md "Meeting"), overdue
 * measured against today in the deployment's time zone. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api/api-meetings.h"
#include "api/api-util.h"
#include "http/auth.h"
#include "date.h"
#include "util.h"
#include "api/validate.h"

static void meetings_list(struct api_request *r);
static void meetings_create(struct api_request *r);
static void meetings_get(struct api_request *r);
static void meetings_patch(struct api_request *r);

/* The representation, refusals (SUnnn) and paging live in migrations/0002_tracking.sql. */
const struct db_stmt api_meetings_stmts[] = {
    {"meetings_get", "SELECT suivi_meeting_json($1, $2::date)::text"},
    {"meetings_list", "SELECT suivi_meeting_list($1, $2::int)::text"},
    {"meetings_create", "SELECT suivi_meeting_create($1, $2::jsonb)::text"},
    {"meetings_patch", "SELECT suivi_meeting_patch($1, $2, $3::jsonb)::text"},
    {NULL, NULL},
};

static const struct field_spec meeting_create_fields[] = {
    {"code", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0, NULL, NULL, 0},
    {"title", FIELD_STRING, FIELD_REQUIRED, 1, 0, NULL, 0, "meeting_title", NULL, 0},
    {"starts_on", FIELD_DATE, FIELD_REQUIRED, 0, 0, NULL, 0, NULL, NULL, 0},
    {"ends_on", FIELD_DATE, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"place", FIELD_STRING, 0, 0, 0, NULL, 0, "place", NULL, 0},
    {"organisers", FIELD_STRING_LIST, 0, 1, 0, NULL, 0, "organiser", "organisers", 0},
    {"notes", FIELD_TEXT, 0, 0, 0, NULL, 0, "notes", NULL, 0},
    {"series", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static const struct field_spec meeting_patch_fields[] = {
    {"title", FIELD_STRING, 0, 1, 0, NULL, 0, "meeting_title", NULL, 0},
    {"starts_on", FIELD_DATE, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"ends_on", FIELD_DATE, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"place", FIELD_STRING, 0, 0, 0, NULL, 0, "place", NULL, 0},
    {"organisers", FIELD_STRING_LIST, 0, 1, 0, NULL, 0, "organiser", "organisers", 0},
    {"notes", FIELD_TEXT, 0, 0, 0, NULL, 0, "notes", NULL, 0},
    {"series", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
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

/* Field checks, plus the one rule between two fields: a meeting cannot end before it starts
 * (a PATCH moving only one of the dates is checked by suivi_meeting_patch). */
static char *checked_body(struct api_request *r, const struct field_spec *specs)
{
	json_t *body = api_body_json(r), *errors = NULL;
	const char *st = json_string_value(json_object_get(body, "starts_on"));
	const char *en = json_string_value(json_object_get(body, "ends_on"));
	struct date s, e;

	if (st != NULL && en != NULL && date_parse(st, &s) && date_parse(en, &e) &&
	    date_to_days(&e) < date_to_days(&s)) {
		validate_object(body, specs, &errors);
		validate_error_add(&errors, "ends_on", "is before starts_on");
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return NULL;
	}
	return api_checked_body(r, specs);
}

static void meetings_create(struct api_request *r)
{
	char *body = checked_body(r, meeting_create_fields);

	if (body == NULL)
		return;
	/* The code was validated as a slug: safe in a path as it is. */
	char *location = xasprintf("/v1/meetings/%s",
				   json_string_value(json_object_get(api_body_json(r), "code")));
	const char *params[] = {api_identity(r)->name, body};
	api_exec_reply(r, "meetings_create", 2, params, 201, location);
	free(location);
	free(body);
}

static void meetings_get(struct api_request *r)
{
	char today[11];

	api_today(r, today);
	const char *params[] = {api_param(r, 0), today};
	api_exec_reply(r, "meetings_get", 2, params, 200, NULL);
}

static void meetings_patch(struct api_request *r)
{
	char *body = checked_body(r, meeting_patch_fields);

	if (body == NULL)
		return;
	const char *params[] = {api_identity(r)->name, api_param(r, 0), body};
	api_exec_reply(r, "meetings_patch", 3, params, 200, NULL);
	free(body);
}
