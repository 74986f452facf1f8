/* api-tokens.c — /v1/tokens (admin): list, create (the token is shown once, only its hash is
 * stored), revoke. Roles are the router's business; this file only checks its inputs. */
#include "suivi-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-tokens.h"
#include "api/api-util.h"
#include "base64.h"
#include "core/log.h"
#include "http/token-cache.h"
#include "api/validate.h"

#define TOKENS_LIMIT_DEFAULT 50
#define TOKENS_LIMIT_MAX 500

/* What a create must remember until the database answers. */
struct token_create {
	struct api_request *r;
	char *token;
	char *name;
	char *role;
	char *owner;   /* NULL: no owner */
	char *meeting; /* feed tokens' filters, NULL: any */
	char *tag;
};

static void tokens_list(struct api_request *r);
static void tokens_list_param(const char *key, const char *value, void *arg);
static void tokens_list_done(PGresult *res, const struct db_error *err, void *arg);
static void tokens_create(struct api_request *r);
static void tokens_create_done(PGresult *res, const struct db_error *err, void *arg);
static void tokens_create_free(struct token_create *c);
static void tokens_revoke(struct api_request *r);
static void tokens_revoke_done(PGresult *res, const struct db_error *err, void *arg);
static json_t *token_json(PGresult *res, int row);
static char *cursor_encode(const char *id);
static bool cursor_decode(const char *cursor, char *id, size_t size);
static bool parse_token_id(const char *s);

const struct db_stmt api_tokens_stmts[] = {
    /* Columns of token_json: id, name, role, owner, created_at, revoked_at, meeting, tag. */
    {"tokens_list", "SELECT t.id, t.name, t.role, o.handle, " SQL_TS("t.created_at") ", " SQL_TS(
			"t.revoked_at") ", m.code, t.feed_tag FROM tokens t"
					" LEFT JOIN owners o ON o.id = t.owner_id"
					" LEFT JOIN meetings m ON m.id = t.feed_meeting_id"
					" WHERE t.id > $1::bigint ORDER BY t.id LIMIT $2::integer"},
    /* The owner and the meeting are looked up inside the INSERT: an unknown handle or code
     * inserts no row. */
    {"tokens_create", "INSERT INTO tokens (name, role, owner_id, hash, feed_meeting_id, feed_tag)"
		      " SELECT $1, $2, o.id, decode($4, 'hex'), m.id, $6"
		      " FROM (SELECT NULL::bigint AS id WHERE $3::text IS NULL"
		      "       UNION ALL SELECT id FROM owners WHERE handle = $3) o,"
		      "      (SELECT NULL::bigint AS id WHERE $5::text IS NULL"
		      "       UNION ALL SELECT id FROM meetings WHERE code = $5) m"
		      " RETURNING id, name, role, $3::text, " SQL_TS("created_at") ", " SQL_TS(
			  "revoked_at") ", $5::text, feed_tag"},
    {"tokens_revoke",
     "UPDATE tokens SET revoked_at = now() WHERE id = $1::bigint AND revoked_at IS NULL"
     " RETURNING id"},
    {NULL, NULL},
};

const struct route api_tokens_routes[] = {
    {EVHTTP_REQ_GET, "/v1/tokens", ROLE_ADMIN, BODY_NONE, 0, tokens_list},
    {EVHTTP_REQ_POST, "/v1/tokens", ROLE_ADMIN, BODY_JSON, 0, tokens_create},
    {EVHTTP_REQ_DELETE, "/v1/tokens/{id}", ROLE_ADMIN, BODY_NONE, 0, tokens_revoke},
    {0},
};

static const char *const role_choices[] = {"admin", "secretariat", "owner", "viewer",
					   "feed",  "metrics",     "mail",  NULL};

static const struct field_spec token_fields[] = {
    {"name", FIELD_STRING, FIELD_REQUIRED, 1, 100, NULL, 0, NULL, NULL, 0},
    {"role", FIELD_ENUM, FIELD_REQUIRED, 0, 0, role_choices, 0, NULL, NULL, 0},
    {"owner", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    /* Filters of a feed token (the owner is its third). */
    {"meeting", FIELD_SLUG, FIELD_NULLABLE, 0, 0, NULL, 0, NULL, NULL, 0},
    {"tag", FIELD_STRING, FIELD_NULLABLE, 1, 50, NULL, 0, "tag", NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

/* --- GET /v1/tokens --------------------------------------------------------------------- */

static void tokens_list_param(const char *key, const char *value, void *arg)
{
	json_t **errors = arg;
	if (strcmp(key, "limit") != 0 && strcmp(key, "after") != 0)
		validate_error_add(errors, key, "is not a known parameter");
}

static void tokens_list(struct api_request *r)
{
	json_t *errors = NULL;
	long limit = TOKENS_LIMIT_DEFAULT;
	char after[24] = "0";
	api_query_each(r, tokens_list_param, &errors);
	validate_query_int("limit", api_query(r, "limit"), 1, TOKENS_LIMIT_MAX, &limit, &errors);
	const char *cursor = api_query(r, "after");
	if (cursor != NULL && !cursor_decode(cursor, after, sizeof after))
		validate_error_add(&errors, "after", "is not a cursor this server gave");
	if (errors != NULL) {
		api_problem(r, 422, "invalid_query", errors, "invalid query parameters");
		return;
	}
	char limit_plus_one[24];
	snprintf(limit_plus_one, sizeof limit_plus_one, "%ld", limit + 1);
	const char *values[] = {after, limit_plus_one};
	if (db_exec(api_pool(r), "tokens_list", 2, values, tokens_list_done, r) != 0)
		api_problem(r, 500, "internal_error", NULL, "internal error");
}

static void tokens_list_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	if (res == NULL) {
		api_problem_db(r, err);
		return;
	}
	/* Checked before the query was sent. */
	const char *l = api_query(r, "limit");
	long limit = l == NULL ? TOKENS_LIMIT_DEFAULT : strtol(l, NULL, 10);
	int rows = PQntuples(res);
	int shown = rows > limit ? (int)limit : rows;
	json_t *items = json_array();
	for (int i = 0; i < shown; i++)
		json_array_append_new(items, token_json(res, i));
	json_t *next = json_null();
	if (rows > shown) {
		char *c = cursor_encode(PQgetvalue(res, shown - 1, 0));
		json_decref(next);
		next = json_string(c);
		free(c);
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next", next));
}

/* --- POST /v1/tokens -------------------------------------------------------------------- */

static void tokens_create(struct api_request *r)
{
	json_t *body = api_body_json(r);
	json_t *errors = NULL;
	if (validate_object(body, token_fields, &errors)) {
		const char *role = json_string_value(json_object_get(body, "role"));
		json_t *owner = json_object_get(body, "owner");
		bool has_owner = owner != NULL && !json_is_null(owner);
		bool feed = strcmp(role, "feed") == 0;
		if (strcmp(role, "owner") == 0 && !has_owner)
			validate_error_add(&errors, "owner", "is required for role owner");
		else if (strcmp(role, "owner") != 0 && !feed && has_owner)
			validate_error_add(&errors, "owner", "is only for roles owner and feed");
		for (size_t i = 0; !feed && i < 2; i++) {
			const char *k = i == 0 ? "meeting" : "tag";
			json_t *v = json_object_get(body, k);
			if (v != NULL && !json_is_null(v))
				validate_error_add(&errors, k, "is only for role feed");
		}
	}
	if (errors != NULL) {
		api_problem(r, 422, "invalid_fields", errors, "the token cannot be created");
		return;
	}
	struct token_create *c = xcalloc(1, sizeof *c);
	char hash[65];
	if (auth_token_generate(&c->token, hash) != 0) {
		log_warn("event=token_random_failed");
		tokens_create_free(c);
		api_problem(r, 503, "no_randomness", NULL, "no randomness available; try again");
		return;
	}
	c->r = r;
	c->name = xstrdup(json_string_value(json_object_get(body, "name")));
	c->role = xstrdup(json_string_value(json_object_get(body, "role")));
	const char *owner = json_string_value(json_object_get(body, "owner"));
	c->owner = owner == NULL ? NULL : xstrdup(owner);
	const char *meeting = json_string_value(json_object_get(body, "meeting"));
	c->meeting = meeting == NULL ? NULL : xstrdup(meeting);
	const char *tag = json_string_value(json_object_get(body, "tag"));
	c->tag = tag == NULL ? NULL : xstrdup(tag);
	const char *values[] = {c->name, c->role, c->owner, hash, c->meeting, c->tag};
	if (db_exec(api_pool(r), "tokens_create", 6, values, tokens_create_done, c) != 0) {
		tokens_create_free(c);
		api_problem(r, 500, "internal_error", NULL, "internal error");
	}
}

static void tokens_create_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct token_create *c = arg;
	struct api_request *r = c->r;
	if (res == NULL) {
		api_problem_db(r, err);
	} else if (PQntuples(res) != 1) {
		json_t *errors = NULL;
		/* No row: the owner or the meeting does not exist. */
		if (c->owner != NULL)
			validate_error_add(&errors, "owner", "no owner with handle '%s'%s",
					   c->owner,
					   c->meeting != NULL ? ", or no such meeting" : "");
		else
			validate_error_add(&errors, "meeting", "no meeting '%s'", c->meeting);
		api_problem(r, 422, "invalid_fields", errors, "the token cannot be created");
	} else {
		json_t *tok = token_json(res, 0);
		json_object_set_new(tok, "token", json_string(c->token));
		char *location = xasprintf("/v1/tokens/%s", PQgetvalue(res, 0, 0));
		log_info("event=token_created id=%s name=%s role=%s by=%s", PQgetvalue(res, 0, 0),
			 log_quote(c->name), c->role, log_quote(api_identity(r)->name));
		api_reply_created(r, tok, location);
		free(location);
	}
	tokens_create_free(c);
}

static void tokens_create_free(struct token_create *c)
{
	if (c->token != NULL)
		explicit_bzero(c->token, strlen(c->token));
	free(c->token);
	free(c->name);
	free(c->role);
	free(c->owner);
	free(c->meeting);
	free(c->tag);
	free(c);
}

/* --- DELETE /v1/tokens/{id} ------------------------------------------------------------- */

static void tokens_revoke(struct api_request *r)
{
	const char *id = api_param(r, 0);
	if (!parse_token_id(id)) {
		api_problem(r, 404, "not_found", NULL, "no active token %s", id);
		return;
	}
	const char *values[] = {id};
	if (db_exec(api_pool(r), "tokens_revoke", 1, values, tokens_revoke_done, r) != 0)
		api_problem(r, 500, "internal_error", NULL, "internal error");
}

static void tokens_revoke_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	if (res == NULL) {
		api_problem_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		api_problem(r, 404, "not_found", NULL, "no active token %s", api_param(r, 0));
		return;
	}
	log_info("event=token_revoked id=%s by=%s", PQgetvalue(res, 0, 0),
		 log_quote(api_identity(r)->name));
	token_cache_forget_all(); /* the very next request here refuses it */
	api_reply_empty(r, 204);
}

/* --- helpers ---------------------------------------------------------------------------- */

/* Columns: id, name, role, owner handle, created_at, revoked_at, meeting, tag. */
static json_t *token_json(PGresult *res, int row)
{
	json_t *t = json_object();
	json_object_set_new(t, "id", json_integer(strtoll(PQgetvalue(res, row, 0), NULL, 10)));
	json_object_set_new(t, "name", json_string(PQgetvalue(res, row, 1)));
	json_object_set_new(t, "role", json_string(PQgetvalue(res, row, 2)));
	for (int col = 3; col <= 7; col++) {
		static const char *const names[] = {"owner", "created_at", "revoked_at", "meeting",
						    "tag"};
		json_object_set_new(t, names[col - 3],
				    PQgetisnull(res, row, col)
					? json_null()
					: json_string(PQgetvalue(res, row, col)));
	}
	return t;
}

/* 1 to 18 digits, not 0: anything else cannot name a token. */
static bool parse_token_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
		return false;
	return strtoll(s, NULL, 10) > 0;
}

/* The cursor is the last id shown, base64url-wrapped so that clients treat it as opaque. */
static char *cursor_encode(const char *id)
{
	size_t len = strlen(id);
	char *out = xmalloc(BASE64_URL_LEN(len) + 1);

	base64_url_encode(id, len, out);
	return out;
}

static bool cursor_decode(const char *cursor, char *id, size_t size)
{
	size_t len = strlen(cursor), n;
	char *plain = len > 0 ? base64_url_decode(cursor, len, &n) : NULL;
	bool ok = plain != NULL && n < size && memchr(plain, '\0', n) == NULL;

	if (ok) {
		memcpy(id, plain, n + 1);
		ok = parse_token_id(id);
	}
	free(plain);
	return ok;
}
