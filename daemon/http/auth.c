/* auth.c — bearer tokens: generation from getrandom(2), SHA-256 hashes, and the lookups the
 * router makes through the pool (the identity behind a token, the lead owner of a
 * recommendation). No cache: a revoked token must be refused by the very next request. */
#include "suivi-config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "http/auth.h"
#include "base64.h"
#include "core/log.h"
#include "sha256.h"
#include "utf8.h"

/* Length of a token as auth_token_generate makes it: prefix + unpadded base64url. */
#define AUTH_TOKEN_LEN (sizeof AUTH_TOKEN_PREFIX - 1 + BASE64_URL_LEN(AUTH_TOKEN_RANDOM_BYTES))

struct auth {
	struct event_base *base;
	struct db_pool *pool;
};

/* One pending lookup: which callback to call with what. */
struct auth_query {
	struct auth *auth;
	auth_cb cb;             /* identity lookup */
	auth_owner_cb owner_cb; /* recommendation owner lookup */
	void *arg;
};

static bool token_looks_valid(const char *token);
static bool parse_id(const char *s, size_t len, int64_t *out);
static void auth_defer(struct auth_query *q);
static void auth_deferred_cb(evutil_socket_t fd, short what, void *arg);
static void auth_lookup_done(PGresult *res, const struct db_error *err, void *arg);
static void auth_owner_done(PGresult *res, const struct db_error *err, void *arg);

const struct db_stmt auth_stmts[] = {
    {"auth_token_lookup", "SELECT t.id, t.name, t.role, t.owner_id FROM tokens t"
			  " WHERE t.hash = decode($1, 'hex') AND t.revoked_at IS NULL"},
    {"auth_rec_owner_by_id", "SELECT r.owner_id FROM recommendations r WHERE r.id = $1::bigint"},
    {"auth_rec_owner_by_ref",
     "SELECT r.owner_id FROM recommendations r JOIN meetings m ON m.id = r.meeting_id"
     " WHERE m.code = $1 AND r.n = $2::integer"},
    {NULL, NULL},
};

static const char *const role_names[] = {
    [ROLE_PUBLIC] = "public",           [ROLE_FEED] = "feed",
    [ROLE_METRICS] = "metrics",         [ROLE_MAIL] = "mail",
    [ROLE_VIEWER] = "viewer",           [ROLE_OWNER] = "owner",
    [ROLE_SECRETARIAT] = "secretariat", [ROLE_ADMIN] = "admin",
};

const char *role_name(enum role role)
{
	if ((size_t)role >= ARRAY_LEN(role_names))
		return "unknown";
	return role_names[role];
}

/* Only the roles a token can hold: "public" is a route property, not a role to grant. */
bool role_parse(const char *s, enum role *out)
{
	for (size_t i = ROLE_FEED; i < ARRAY_LEN(role_names); i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return true;
		}
	}
	return false;
}

int auth_token_generate(char **token, char hash_hex[65])
{
	unsigned char raw[AUTH_TOKEN_RANDOM_BYTES];
	size_t got = 0;
	while (got < sizeof raw) {
		ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	char *t = xmalloc(AUTH_TOKEN_LEN + 1);
	memcpy(t, AUTH_TOKEN_PREFIX, sizeof AUTH_TOKEN_PREFIX - 1);
	base64_url_encode(raw, sizeof raw, t + sizeof AUTH_TOKEN_PREFIX - 1);
	explicit_bzero(raw, sizeof raw);
	auth_token_hash(t, hash_hex);
	*token = t;
	return 0;
}

void auth_token_hash(const char *token, char hash_hex[65])
{
	sha256_hex(token, strlen(token), hash_hex);
}

/* Cheap refusal of anything auth_token_generate could not have made, before any query. */
static bool token_looks_valid(const char *token)
{
	size_t plen = sizeof AUTH_TOKEN_PREFIX - 1;
	if (strlen(token) != AUTH_TOKEN_LEN || strncmp(token, AUTH_TOKEN_PREFIX, plen) != 0)
		return false;
	for (const char *p = token + plen; *p != '\0'; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* All digits and within int64 (a longer id cannot exist: the caller answers "not found"). */
static bool parse_id(const char *s, size_t len, int64_t *out)
{
	if (len == 0 || len > 18)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

struct auth *auth_new(struct event_base *base, struct db_pool *pool)
{
	struct auth *a = xcalloc(1, sizeof *a);
	a->base = base;
	a->pool = pool;
	return a;
}

void auth_free(struct auth *a)
{
	free(a);
}

/* Answer "unknown" from the loop, so that callers never see their callback run inside
 * the call that started the lookup. */
static void auth_defer(struct auth_query *q)
{
	struct timeval now = {0, 0};
	if (event_base_once(q->auth->base, -1, EV_TIMEOUT, auth_deferred_cb, q, &now) != 0)
		fatalx("event=auth_defer_failed");
}

static void auth_deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	struct auth_query *q = arg;
	if (q->cb != NULL)
		q->cb(NULL, NULL, q->arg);
	else
		q->owner_cb(false, 0, NULL, q->arg);
	free(q);
}

void auth_lookup(struct auth *a, const char *token, auth_cb cb, void *arg)
{
	struct auth_query *q = xcalloc(1, sizeof *q);
	q->auth = a;
	q->cb = cb;
	q->arg = arg;
	if (!token_looks_valid(token)) {
		auth_defer(q);
		return;
	}
	char hash[65];
	auth_token_hash(token, hash);
	const char *values[] = {hash};
	if (db_exec(a->pool, "auth_token_lookup", 1, values, auth_lookup_done, q) != 0) {
		log_warnx("event=auth_lookup_failed cause=\"statement auth_token_lookup unknown\"");
		auth_defer(q);
	}
}

static void auth_lookup_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct auth_query *q = arg;
	if (res == NULL) {
		q->cb(NULL, err, q->arg);
		free(q);
		return;
	}
	if (PQntuples(res) != 1) {
		q->cb(NULL, NULL, q->arg);
		free(q);
		return;
	}
	struct identity id = {0};
	enum role role;
	if (!role_parse(PQgetvalue(res, 0, 2), &role)) {
		/* The schema's CHECK makes this impossible; refuse rather than guess. */
		log_warnx("event=auth_bad_role role=%s", log_quote(PQgetvalue(res, 0, 2)));
		q->cb(NULL, NULL, q->arg);
		free(q);
		return;
	}
	id.token_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	id.name = PQgetvalue(res, 0, 1);
	id.role = role;
	id.owner_id = PQgetisnull(res, 0, 3) ? 0 : strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	q->cb(&id, NULL, q->arg);
	free(q);
}

void auth_recommendation_owner(struct auth *a, const char *id_or_ref, auth_owner_cb cb, void *arg)
{
	struct auth_query *q = xcalloc(1, sizeof *q);
	q->auth = a;
	q->owner_cb = cb;
	q->arg = arg;
	int64_t v;
	int rc;
	const char *slash = strrchr(id_or_ref, '/');
	if (slash == NULL) {
		if (!parse_id(id_or_ref, strlen(id_or_ref), &v) || v == 0) {
			auth_defer(q);
			return;
		}
		const char *values[] = {id_or_ref};
		rc = db_exec(a->pool, "auth_rec_owner_by_id", 1, values, auth_owner_done, q);
	} else {
		const char *n = slash + 1;
		if (slash == id_or_ref || !parse_id(n, strlen(n), &v) || v == 0 || v > INT32_MAX) {
			auth_defer(q);
			return;
		}
		char *code = xstrndup(id_or_ref, (size_t)(slash - id_or_ref));
		const char *values[] = {code, n};
		rc = db_exec(a->pool, "auth_rec_owner_by_ref", 2, values, auth_owner_done, q);
		free(code);
	}
	if (rc != 0) {
		log_warnx("event=auth_owner_lookup_failed cause=\"statement unknown\"");
		auth_defer(q);
	}
}

static void auth_owner_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct auth_query *q = arg;
	if (res == NULL)
		q->owner_cb(false, 0, err, q->arg);
	else if (PQntuples(res) != 1)
		q->owner_cb(false, 0, NULL, q->arg);
	else if (PQgetisnull(res, 0, 0))
		q->owner_cb(true, 0, NULL, q->arg);
	else
		q->owner_cb(true, strtoll(PQgetvalue(res, 0, 0), NULL, 10), NULL, q->arg);
	free(q);
}

int auth_create_token_blocking(PGconn *conn, const char *name, enum role role,
			       const char *owner_handle, char **token, int64_t *id, char **cause)
{
	int ret = -1;
	PGresult *res = NULL;
	char *tok = NULL;
	char hash[65];
	size_t chars = utf8_count(name);

	if (!utf8_valid(name, strlen(name)) || chars < 1 || chars > 100) {
		set_cause(cause, "token name must be 1 to 100 characters of UTF-8");
		goto cleanup;
	}
	if (role <= ROLE_PUBLIC || role > ROLE_ADMIN) {
		set_cause(cause, "invalid role");
		goto cleanup;
	}
	if (role == ROLE_OWNER && owner_handle == NULL) {
		set_cause(cause, "role owner needs an owner handle (--owner)");
		goto cleanup;
	}
	if (role != ROLE_OWNER && role != ROLE_FEED && owner_handle != NULL) {
		set_cause(cause, "only a token of role owner or feed is bound to an owner");
		goto cleanup;
	}
	if (auth_token_generate(&tok, hash) != 0) {
		set_cause(cause, "no randomness available: %s", strerror(errno));
		goto cleanup;
	}
	/* The owner is looked up inside the INSERT: a missing one inserts nothing. */
	const char *values[] = {name, role_name(role), owner_handle, hash};
	res = PQexecParams(conn,
			   "INSERT INTO tokens (name, role, owner_id, hash)"
			   " SELECT $1, $2, o.id, decode($4, 'hex')"
			   " FROM (SELECT NULL::bigint AS id WHERE $3::text IS NULL"
			   "       UNION ALL SELECT id FROM owners WHERE handle = $3) o"
			   " RETURNING id",
			   4, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		set_cause(cause, "cannot create the token: %s", PQresultErrorMessage(res));
		if (cause != NULL)
			str_trim(*cause);
		goto cleanup;
	}
	if (PQntuples(res) != 1) {
		set_cause(cause, "no owner with handle '%s'", owner_handle);
		goto cleanup;
	}
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*token = tok;
	tok = NULL;
	ret = 0;
cleanup:
	PQclear(res);
	free(tok);
	return ret;
}
