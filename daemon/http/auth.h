/* auth.h — bearer tokens and web sessions: generation from the OS's randomness, SHA-256
 * hashes, lookup of the identity behind a token or a session cookie, and the roles the router
 * checks. Neither tokens nor session secrets are stored, only their hashes. */
#ifndef SUIVI_AUTH_H
#define SUIVI_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "util.h"

/* Ordered: a route names the least role it allows. */
enum role {
	ROLE_PUBLIC = 0, /* no token needed (health) */
	ROLE_FEED,       /* below viewer: only routes flagged ROUTE_FEED_KEY take it */
	ROLE_METRICS,    /* below viewer: only routes flagged ROUTE_METRICS take it */
	ROLE_MAIL,       /* the MTA's pipe: only routes flagged ROUTE_MAIL_ONLY take it */
	ROLE_VIEWER,
	ROLE_OWNER,
	ROLE_SECRETARIAT,
	ROLE_ADMIN,
};

#define AUTH_TOKEN_PREFIX "suivi_"
#define AUTH_TOKEN_RANDOM_BYTES 24 /* 192 bits from getrandom(2) */
#define AUTH_SESSION_COOKIE "suivi_session"
#define AUTH_SESSION_RANDOM_BYTES 32 /* 256 bits */

struct identity {
	int64_t token_id;
	char *name; /* token name: the actor recorded in history */
	enum role role;
	int64_t owner_id;   /* owner tokens: the owner they act for; feed tokens: their owner
			     * filter; 0 otherwise */
	int64_t session_id; /* the web session it came through, 0 for a bearer token */
};

struct auth;

const char *role_name(enum role role);
bool role_parse(const char *s, enum role *out);

/* A new token: AUTH_TOKEN_PREFIX followed by base64url of AUTH_TOKEN_RANDOM_BYTES random
 * bytes; hash_hex gets its SHA-256 in hex (65 bytes). Returns -1 when the OS has no
 * randomness to give. */
int auth_token_generate(char **token, char hash_hex[65]) WUR;
void auth_token_hash(const char *token, char hash_hex[65]);

struct token_cache;

struct auth *auth_new(struct event_base *base, struct db_pool *pool);
/* Answer bearer tokens from tokens (NULL: look every one up); it stays the caller's. */
void auth_set_token_cache(struct auth *a, struct token_cache *tokens);
void auth_free(struct auth *a);

typedef void (*auth_cb)(const struct identity *id /* NULL: unknown or revoked */,
			const struct db_error *err /* set when the database failed */, void *arg);
/* Look up the identity behind a bearer token: in the token cache (http/token-cache.h) while
 * it can answer, else through the pool, whose answer the cache then keeps. cb runs once,
 * always from the loop, never before auth_lookup returns; id is borrowed for the call. */
void auth_lookup(struct auth *a, const char *token, auth_cb cb, void *arg);

/* A new session secret: base64url of AUTH_SESSION_RANDOM_BYTES random bytes, and its SHA-256
 * in hex. -1 when the OS has no randomness to give. */
int auth_session_generate(char **secret, char hash_hex[65]) WUR;
/* The value of the suivi_session cookie in a Cookie header, copied into buf; false when
 * there is none or it is not shaped like a secret auth_session_generate makes. */
bool auth_session_cookie(const char *header, char *buf, size_t size);
/* Look up the identity behind a session secret: like auth_lookup. A session of a token has
 * the token's identity (refused once the token is revoked); a session of a sign-in link is
 * role owner for its owner. Expired or revoked sessions are unknown. */
void auth_session_lookup(struct auth *a, const char *secret, auth_cb cb, void *arg);

/* Who leads a recommendation, for the router's owner scoping: id_or_ref is all digits (an
 * id) or "meeting-code/n". found is false when no such recommendation exists (or the id is
 * out of range); owner_id is 0 when it has no lead owner. Async like auth_lookup. */
typedef void (*auth_owner_cb)(bool found, int64_t owner_id, const struct db_error *err, void *arg);
void auth_recommendation_owner(struct auth *a, const char *id_or_ref, auth_owner_cb cb, void *arg);

/* Statements auth needs prepared on every pool connection. */
extern const struct db_stmt auth_stmts[];

/* Blocking: create a token for `suivid token create` (before the loop). owner_handle may be
 * NULL; required when role is ROLE_OWNER. Prints nothing; *token is the caller's. */
int auth_create_token_blocking(PGconn *conn, const char *name, enum role role,
			       const char *owner_handle, char **token, int64_t *id,
			       char **cause) WUR;

#endif
