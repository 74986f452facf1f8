/* api-owners.c — GET,POST /v1/owners; GET,PATCH /v1/owners/{handle}.
 *
 * Bodies are checked against the field tables below, then one statement does the work and
 * builds the representation (doc/api.md "Owner") in PostgreSQL. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api-owners.h"
#include "api-util.h"
#include "auth.h"
#include "util.h"
#include "validate.h"

static void owners_list(struct api_request *r);
static void owners_create(struct api_request *r);
static void owners_get(struct api_request *r);
static void owners_patch(struct api_request *r);
static void owner_done(PGresult *res, const struct db_error *err, void *arg);
static void owner_created(PGresult *res, const struct db_error *err, void *arg);

/* The representation, refusals (SUnnn) and paging live in migrations/0002_tracking.sql. */
const struct db_stmt api_owners_stmts[] = {
    {"owners_get", "SELECT suivi_owner_get($1)::text"},
    {"owners_list", "SELECT suivi_owner_list($1, $2::int)::text"},
    {"owners_create", "SELECT suivi_owner_create($1, $2::jsonb)::text"},
    {"owners_patch", "SELECT suivi_owner_patch($1, $2, $3::jsonb)::text"},
    {NULL, NULL},
};

static const char *const locales[] = {"en", "fr", NULL};

static const struct field_spec owner_create_fields[] = {
    {"handle", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0},
    {"name", FIELD_STRING, FIELD_REQUIRED, 1, 200, NULL, 0},
    {"email", FIELD_EMAIL, 0, 0, 254, NULL, 0},
    {"locale", FIELD_ENUM, 0, 0, 0, locales, 0},
    {"active", FIELD_BOOL, 0, 0, 0, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct field_spec owner_patch_fields[] = {
    {"name", FIELD_STRING, 0, 1, 200, NULL, 0},
    {"email", FIELD_EMAIL, 0, 0, 254, NULL, 0},
    {"locale", FIELD_ENUM, 0, 0, 0, locales, 0},
    {"active", FIELD_BOOL, 0, 0, 0, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0},
};

const struct route api_owners_routes[] = {
    {EVHTTP_REQ_GET, "/v1/owners", ROLE_VIEWER, BODY_NONE, 0, owners_list},
    {EVHTTP_REQ_POST, "/v1/owners", ROLE_SECRETARIAT, BODY_JSON, 0, owners_create},
    {EVHTTP_REQ_GET, "/v1/owners/{handle}", ROLE_VIEWER, BODY_NONE, 0, owners_get},
    {EVHTTP_REQ_PATCH, "/v1/owners/{handle}", ROLE_SECRETARIAT, BODY_JSON, 0, owners_patch},
    {0, NULL, 0, 0, 0, NULL},
};

static void owners_list(struct api_request *r)
{
	api_list_simple(r, "owners_list");
}

/* Validate body against specs; on failure answer 422 and return NULL, else its JSON text. */
static char *checked_body(struct api_request *r, const struct field_spec *specs)
{
	json_t *errors = NULL;
	json_t *body = api_body_json(r);

	if (!validate_object(body, specs, &errors)) {
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return NULL;
	}
	char *text = json_dumps(body, JSON_COMPACT);
	if (text == NULL)
		api_problem(r, 500, "internal", NULL, "cannot encode the body");
	return text;
}

static void owners_create(struct api_request *r)
{
	char *body = checked_body(r, owner_create_fields);

	if (body == NULL)
		return;
	const char *params[] = {api_identity(r)->name, body};
	if (db_exec(api_pool(r), "owners_create", 2, params, owner_created, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
	free(body);
}

static void owners_get(struct api_request *r)
{
	const char *params[] = {api_param(r, 0)};

	if (db_exec(api_pool(r), "owners_get", 1, params, owner_done, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
}

static void owners_patch(struct api_request *r)
{
	char *body = checked_body(r, owner_patch_fields);

	if (body == NULL)
		return;
	const char *params[] = {api_identity(r)->name, api_param(r, 0), body};
	if (db_exec(api_pool(r), "owners_patch", 3, params, owner_done, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
	free(body);
}

static void owner_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL)
		api_fail_db(r, err);
	else
		api_reply_row(r, 200, res, "owner", NULL);
}

static void owner_created(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL) {
		api_fail_db(r, err);
		return;
	}
	/* The handle was validated as a slug: safe in a path as it is. */
	json_t *handle = json_object_get(api_body_json(r), "handle");
	char *location = xasprintf("/v1/owners/%s", json_string_value(handle));
	api_reply_row(r, 201, res, "owner", location);
	free(location);
}
