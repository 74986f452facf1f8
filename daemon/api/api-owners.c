/* api-owners.c — GET,POST /v1/owners; GET,PATCH /v1/owners/{handle};
 * POST /v1/owners/{handle}/revoke-links (voids the digests' sign-in links,
 * sql/api/15-sessions.sql).
 *
 * Bodies are checked against the field tables below, then one statement does the work and
 * builds the representation (doc/api.md "Owner") in PostgreSQL. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api/api-owners.h"
#include "api/api-util.h"
#include "http/auth.h"
#include "core/log.h"
#include "util.h"
#include "api/validate.h"

static void owners_list(struct api_request *r);
static void owners_create(struct api_request *r);
static void owners_get(struct api_request *r);
static void owners_patch(struct api_request *r);
static void owners_revoke_links(struct api_request *r);

/* The representation, refusals (SUnnn) and paging live in migrations/0002_tracking.sql. */
const struct db_stmt api_owners_stmts[] = {
    {"owners_get", "SELECT suivi_owner_get($1)::text"},
    {"owners_list", "SELECT suivi_owner_list($1, $2::int)::text"},
    {"owners_create", "SELECT suivi_owner_create($1, $2::jsonb)::text"},
    {"owners_patch", "SELECT suivi_owner_patch($1, $2, $3::jsonb)::text"},
    {"owners_revoke_links", "SELECT suivi_owner_revoke_links($1)::text"},
    {NULL, NULL},
};

static const char *const locales[] = {"en", "fr", NULL};

static const struct field_spec owner_create_fields[] = {
    {"handle", FIELD_SLUG, FIELD_REQUIRED, 0, 0, NULL, 0, NULL, NULL, 0},
    {"name", FIELD_STRING, FIELD_REQUIRED, 1, 0, NULL, 0, "owner_name", NULL, 0},
    {"email", FIELD_EMAIL, 0, 0, 254, NULL, 0, NULL, NULL, 0},
    {"locale", FIELD_ENUM, 0, 0, 0, locales, 0, NULL, NULL, 0},
    {"active", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"cc", FIELD_EMAIL_LIST, FIELD_NULLABLE, 0, 254, NULL, 10, NULL, NULL, 0},
    {"reminders", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static const struct field_spec owner_patch_fields[] = {
    {"name", FIELD_STRING, 0, 1, 0, NULL, 0, "owner_name", NULL, 0},
    {"email", FIELD_EMAIL, 0, 0, 254, NULL, 0, NULL, NULL, 0},
    {"locale", FIELD_ENUM, 0, 0, 0, locales, 0, NULL, NULL, 0},
    {"active", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"cc", FIELD_EMAIL_LIST, FIELD_NULLABLE, 0, 254, NULL, 10, NULL, NULL, 0},
    {"reminders", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

const struct route api_owners_routes[] = {
    {EVHTTP_REQ_GET, "/v1/owners", ROLE_VIEWER, BODY_NONE, 0, owners_list},
    {EVHTTP_REQ_POST, "/v1/owners", ROLE_SECRETARIAT, BODY_JSON, 0, owners_create},
    {EVHTTP_REQ_GET, "/v1/owners/{handle}", ROLE_VIEWER, BODY_NONE, 0, owners_get},
    {EVHTTP_REQ_PATCH, "/v1/owners/{handle}", ROLE_SECRETARIAT, BODY_JSON, 0, owners_patch},
    {EVHTTP_REQ_POST, "/v1/owners/{handle}/revoke-links", ROLE_SECRETARIAT, BODY_NONE, 0,
     owners_revoke_links},
    {0, NULL, 0, 0, 0, NULL},
};

static void owners_list(struct api_request *r)
{
	api_list_simple(r, "owners_list");
}

static void owners_create(struct api_request *r)
{
	char *body = api_checked_body(r, owner_create_fields);

	if (body == NULL)
		return;
	/* The handle was validated as a slug: safe in a path as it is. */
	char *location = xasprintf("/v1/owners/%s",
				   json_string_value(json_object_get(api_body_json(r), "handle")));
	const char *params[] = {api_identity(r)->name, body};
	api_exec_reply(r, "owners_create", 2, params, 201, location);
	free(location);
	free(body);
}

static void owners_get(struct api_request *r)
{
	const char *params[] = {api_param(r, 0)};

	api_exec_reply(r, "owners_get", 1, params, 200, NULL);
}

static void owners_patch(struct api_request *r)
{
	char *body = api_checked_body(r, owner_patch_fields);

	if (body == NULL)
		return;
	const char *params[] = {api_identity(r)->name, api_param(r, 0), body};
	api_exec_reply(r, "owners_patch", 3, params, 200, NULL);
	free(body);
}

static void owners_revoke_links(struct api_request *r)
{
	const char *params[] = {api_param(r, 0)};

	log_info("event=owner_links_revoked owner=%s actor=%s", log_quote(api_param(r, 0)),
		 log_quote(api_identity(r)->name));
	api_exec_reply(r, "owners_revoke_links", 1, params, 200, NULL);
}
