/* api-sessions.c — the web view's sign-in: POST /v1/sessions (a token for a session cookie),
 * GET and DELETE /v1/sessions/current, and GET /signin?l= (a digest's sign-in link for a
 * session of role owner, then a redirect into the pages). The router accepts the cookie on
 * every route and checks its CSRF header (http/http.c); this file makes and ends sessions. */
#include "suivi-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-sessions.h"
#include "api/api-util.h"
#include "core/log.h"

/* A session being made: the secret goes into the cookie once the database has its hash. */
struct session_new {
	struct api_request *r;
	char *secret;
};

static void sessions_create(struct api_request *r);
static void sessions_create_done(PGresult *res, const struct db_error *err, void *arg);
static void sessions_current(struct api_request *r);
static void sessions_logout(struct api_request *r);
static void sessions_logout_done(PGresult *res, const struct db_error *err, void *arg);
static void signin_link(struct api_request *r);
static void signin_link_done(PGresult *res, const struct db_error *err, void *arg);
static void signin_fail(struct api_request *r, const char *why);
static bool session_required(struct api_request *r, char id[24]);
static void set_cookie(struct api_request *r, const char *secret);
static struct session_new *session_new(struct api_request *r, char hash[65]);

const struct db_stmt api_sessions_stmts[] = {
    {"sessions_create", "SELECT suivi_session_create($1, $2, $3::integer)::text"},
    {"sessions_get", "SELECT suivi_session_json($1::bigint)::text"},
    {"sessions_revoke", "SELECT suivi_session_revoke($1::bigint)"},
    {"sessions_from_link", "SELECT suivi_session_from_link($1, $2, $3::integer)::text"},
    {NULL, NULL},
};

const struct route api_sessions_routes[] = {
    {EVHTTP_REQ_POST, "/v1/sessions", ROLE_PUBLIC, BODY_JSON, 0, sessions_create},
    {EVHTTP_REQ_GET, "/v1/sessions/current", ROLE_VIEWER, BODY_NONE, 0, sessions_current},
    {EVHTTP_REQ_DELETE, "/v1/sessions/current", ROLE_VIEWER, BODY_NONE, 0, sessions_logout},
    {EVHTTP_REQ_GET, "/signin", ROLE_PUBLIC, BODY_NONE, 0, signin_link},
    {0},
};

static const struct field_spec session_fields[] = {
    {"token", FIELD_STRING, FIELD_REQUIRED, 1, 200, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

/* "suivi_session=…; Path=/; HttpOnly; SameSite=Strict; Max-Age=…", Secure behind https. An
 * empty secret clears the cookie. */
static void set_cookie(struct api_request *r, const char *secret)
{
	const struct config *c = api_config(r);
	bool secure = strncmp(c->public_url, "https://", 8) == 0;
	long max_age = secret[0] == '\0' ? 0 : (long)c->session_hours * 3600;
	char *v = xasprintf(AUTH_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; "
						"Max-Age=%ld%s",
			    secret, max_age, secure ? "; Secure" : "");
	api_set_header(r, "Set-Cookie", v);
	free(v);
}

/* A fresh secret for r, its hash in hash; NULL when the OS has no randomness (answered). */
static struct session_new *session_new(struct api_request *r, char hash[65])
{
	struct session_new *n = xcalloc(1, sizeof *n);
	n->r = r;
	if (auth_session_generate(&n->secret, hash) != 0) {
		free(n);
		log_warnx("event=session_random_failed");
		api_problem(r, 503, "no_randomness", NULL, "cannot make a session now; try again");
		return NULL;
	}
	return n;
}

/* --- POST /v1/sessions ------------------------------------------------------------------- */

static void sessions_create(struct api_request *r)
{
	json_t *errors = NULL;
	if (!validate_object(api_body_json(r), session_fields, &errors)) {
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return;
	}
	const char *token = json_string_value(json_object_get(api_body_json(r), "token"));
	char token_hash[65], session_hash[65], hours[16];
	auth_token_hash(token, token_hash);
	struct session_new *n = session_new(r, session_hash);
	if (n == NULL)
		return;
	snprintf(hours, sizeof hours, "%d", api_config(r)->session_hours);
	const char *values[] = {token_hash, session_hash, hours};
	if (db_exec(api_pool(r), "sessions_create", 3, values, sessions_create_done, n) != 0) {
		free(n->secret);
		free(n);
		api_problem(r, 500, "internal_error", NULL, "internal error");
	}
}

static void sessions_create_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct session_new *n = arg;
	struct api_request *r = n->r;
	if (res == NULL) {
		api_fail_db(r, err);
	} else {
		set_cookie(r, n->secret);
		api_reply_row(r, 201, res, "session", "/v1/sessions/current");
	}
	explicit_bzero(n->secret, strlen(n->secret));
	free(n->secret);
	free(n);
}

/* --- GET, DELETE /v1/sessions/current ---------------------------------------------------- */

/* The id of the request's session; false (answered 401) when it came with a bearer token. */
static bool session_required(struct api_request *r, char id[24])
{
	const struct identity *who = api_identity(r);
	if (who->session_id == 0) {
		api_problem(r, 401, "no_session", NULL,
			    "this request came with a bearer token, not a session cookie");
		return false;
	}
	snprintf(id, 24, "%" PRId64, who->session_id);
	return true;
}

static void sessions_current(struct api_request *r)
{
	char id[24];
	if (!session_required(r, id))
		return;
	const char *values[] = {id};
	api_exec_reply(r, "sessions_get", 1, values, 200, NULL);
}

static void sessions_logout(struct api_request *r)
{
	char id[24];
	if (!session_required(r, id))
		return;
	const char *values[] = {id};
	if (db_exec(api_pool(r), "sessions_revoke", 1, values, sessions_logout_done, r) != 0)
		api_problem(r, 500, "internal_error", NULL, "internal error");
}

static void sessions_logout_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	if (res == NULL) {
		api_fail_db(r, err);
		return;
	}
	set_cookie(r, "");
	api_reply_empty(r, 204);
}

/* --- GET /signin?l=… --------------------------------------------------------------------- */

/* A person followed a link: whatever went wrong, the page says "this link did not work" and
 * the log says why. */
static void signin_fail(struct api_request *r, const char *why)
{
	log_info("event=signin_link_refused reason=%s", log_quote(why));
	api_set_header(r, "Location", "/#/signin?error=link");
	api_set_header(r, "Cache-Control", "no-store");
	api_reply_empty(r, 303);
}

static void signin_link(struct api_request *r)
{
	const char *link = api_query(r, "l");
	if (link == NULL || strlen(link) > 200) {
		signin_fail(r, link == NULL ? "no_link" : "link_malformed");
		return;
	}
	char session_hash[65], hours[16];
	struct session_new *n = session_new(r, session_hash);
	if (n == NULL)
		return;
	snprintf(hours, sizeof hours, "%d", api_config(r)->session_hours);
	const char *values[] = {link, session_hash, hours};
	if (db_exec(api_pool(r), "sessions_from_link", 3, values, signin_link_done, n) != 0) {
		free(n->secret);
		free(n);
		signin_fail(r, "statement_unknown");
	}
}

static void signin_link_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct session_new *n = arg;
	struct api_request *r = n->r;
	json_t *j = NULL;
	if (res != NULL && PQntuples(res) == 1)
		j = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	const char *handle = json_string_value(json_object_get(j, "handle"));
	if (handle == NULL) {
		signin_fail(r, err != NULL && err->hint != NULL       ? err->hint
			       : err != NULL && err->sqlstate != NULL ? err->sqlstate
								      : "no_answer");
	} else {
		/* Handles are [a-z0-9-]: nothing to escape in the fragment. */
		char *location = xasprintf("/#/owners/%s", handle);
		log_info("event=signin_link owner=%s", handle);
		set_cookie(r, n->secret);
		api_set_header(r, "Location", location);
		api_set_header(r, "Cache-Control", "no-store");
		api_reply_empty(r, 303);
		free(location);
	}
	json_decref(j);
	explicit_bzero(n->secret, strlen(n->secret));
	free(n->secret);
	free(n);
}
