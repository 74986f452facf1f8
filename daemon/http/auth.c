/* auth.c — bearer tokens and session secrets: generation from getrandom(2), SHA-256 hashes,
 * and the lookups the router makes through the pool (the identity behind a token or a
 * session, the lead owner of a recommendation). Bearer tokens go through the token cache
 * (token-cache.h), which forgets a token as soon as the database notifies its change and
 * answers only while it hears those notifications; sessions are always looked up. */
#include "suivi-config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "http/auth.h"
#include "http/token-cache.h"
#include "base64.h"
#include "core/log.h"
#include "sha256.h"
#include "utf8.h"

/* Length of a token as auth_token_generate makes it: prefix + unpadded base64url. */
#define AUTH_TOKEN_LEN (sizeof AUTH_TOKEN_PREFIX - 1 + BASE64_URL_LEN(AUTH_TOKEN_RANDOM_BYTES))
#define AUTH_SESSION_LEN BASE64_URL_LEN(AUTH_SESSION_RANDOM_BYTES)

struct auth {
	struct event_base *base;
	struct db_pool *pool;
	struct token_cache *tokens; /* NULL: no cache */
};

/* One pending lookup: which callback to call with what. */
struct auth_query {
	struct auth *auth;
	auth_cb cb;             /* identity lookup */
	auth_owner_cb owner_cb; /* recommendation owner lookup */
	void *arg;
	struct identity hit; /* answered by the cache: hit.name is ours */
	bool cacheable;      /* a bearer token's lookup, whose answer the cache may keep */
	uint64_t ticket;     /* token_cache_ticket when the lookup started */
	char hash[65];
};

static bool token_looks_valid(const char *token);
static bool base64url_only(const char *s);
static int random_bytes(unsigned char *buf, size_t len);
static bool parse_id(const char *s, size_t len, int64_t *out);
static void auth_defer(struct auth_query *q);
static void auth_deferred_cb(evutil_socket_t fd, short what, void *arg);
static void auth_lookup_done(PGresult *res, const struct db_error *err, void *arg);
static void auth_owner_done(PGresult *res, const struct db_error *err, void *arg);

const struct db_stmt auth_stmts[] = {
    {"auth_token_lookup", "SELECT t.id, t.name, t.role, t.owner_id, 0 FROM tokens t"
			  " WHERE t.hash = decode($1, 'hex') AND t.revoked_at IS NULL"},
    /* The same columns for a session: its token's identity, or role owner for a link's
     * owner. The token's revocation and the owner's activity are checked in this one
     * statement, so that no request slips between them. */
    {"auth_session_lookup",
     "SELECT coalesce(t.id, 0), coalesce(t.name, o.name), coalesce(t.role, 'owner'),"
     " coalesce(t.owner_id, s.owner_id), s.id FROM sessions s"
     " LEFT JOIN tokens t ON t.id = s.token_id LEFT JOIN owners o ON o.id = s.owner_id"
     " WHERE s.hash = decode($1, 'hex') AND s.revoked_at IS NULL AND s.expires_at > now()"
     " AND CASE WHEN s.token_id IS NOT NULL THEN t.revoked_at IS NULL ELSE o.active END"},
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

static int random_bytes(unsigned char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int auth_token_generate(char **token, char hash_hex[65])
{
	unsigned char raw[AUTH_TOKEN_RANDOM_BYTES];
	if (random_bytes(raw, sizeof raw) != 0)
		return -1;
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

int auth_session_generate(char **secret, char hash_hex[65])
{
	unsigned char raw[AUTH_SESSION_RANDOM_BYTES];
	if (random_bytes(raw, sizeof raw) != 0)
		return -1;
	char *t = xmalloc(AUTH_SESSION_LEN + 1);
	base64_url_encode(raw, sizeof raw, t);
	explicit_bzero(raw, sizeof raw);
	sha256_hex(t, strlen(t), hash_hex);
	*secret = t;
	return 0;
}

static bool base64url_only(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Cheap refusal of anything auth_token_generate could not have made, before any query. */
static bool token_looks_valid(const char *token)
{
	size_t plen = sizeof AUTH_TOKEN_PREFIX - 1;
	return strlen(token) == AUTH_TOKEN_LEN && strncmp(token, AUTH_TOKEN_PREFIX, plen) == 0 &&
	       base64url_only(token + plen);
}

/* "a=1; suivi_session=XYZ; b=2": the first suivi_session pair (RFC 6265 5.4 sends the most
 * specific first). */
bool auth_session_cookie(const char *header, char *buf, size_t size)
{
	static const char name[] = AUTH_SESSION_COOKIE "=";
	for (const char *p = header; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (strncmp(p, name, sizeof name - 1) == 0) {
			const char *v = p + sizeof name - 1;
			size_t vlen = len - (sizeof name - 1);
			while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen != AUTH_SESSION_LEN || vlen >= size)
				return false;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return base64url_only(buf);
		}
		p += len;
	}
	return false;
}

void auth_session_lookup(struct auth *a, const char *secret, auth_cb cb, void *arg)
{
	struct auth_query *q = xcalloc(1, sizeof *q);
	q->auth = a;
	q->cb = cb;
	q->arg = arg;
	char hash[65];
	sha256_hex(secret, strlen(secret), hash);
	const char *values[] = {hash};
	if (db_exec(a->pool, "auth_session_lookup", 1, values, auth_lookup_done, q) != 0) {
		log_warnx(
		    "event=auth_lookup_failed cause=\"statement auth_session_lookup unknown\"");
		auth_defer(q);
	}
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

void auth_set_token_cache(struct auth *a, struct token_cache *tokens)
{
	a->tokens = tokens;
}

void auth_free(struct auth *a)
{
	free(a);
}

/* Answer from the loop — "unknown", or the cache's hit — so that callers never see their
 * callback run inside the call that started the lookup. */
static void auth_defer(struct auth_query *q)
{
	struct timeval now = {0, 0};
	if (event_base_once(q->auth->base, -1, EV_TIMEOUT, auth_deferred_cb, q, &now) != 0)
		fatalx("event=auth_defer_failed");
}

static void auth_deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	struct auth_query *q = arg;
	if (q->cb != NULL && q->hit.name != NULL) {
		q->cb(&q->hit, NULL, q->arg);
		free(q->hit.name);
	} else if (q->cb != NULL)
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
	auth_token_hash(token, q->hash);
	if (a->tokens != NULL) {
		struct identity id;
		if (token_cache_get(a->tokens, q->hash, &id)) {
			q->hit = id;
			q->hit.name = xstrdup(id.name); /* the entry may go before the callback */
			auth_defer(q);
			return;
		}
		q->cacheable = true;
		q->ticket = token_cache_ticket(a->tokens);
	}
	const char *values[] = {q->hash};
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
	id.session_id = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	if (q->cacheable)
		token_cache_put(q->auth->tokens, q->ticket, q->hash, &id);
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
