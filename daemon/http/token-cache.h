/* token-cache.h — the identities behind bearer tokens, kept in suivid so that a request
 * needs no lookup of its token, and dropped at once when any suivid on the database changes
 * or revokes the token.
 *
 * Entries are keyed by the token's SHA-256 (hex), never the token; at most `capacity` of
 * them, the least recently used evicted first. Only known, unrevoked tokens are kept.
 * Invalidation: the triggers of migrations/0008_token_notify.sql NOTIFY the channel
 * TOKEN_CACHE_CHANNEL with the token's hash when a token is revoked, deleted, or changes
 * role, owner or name (an empty payload: forget everything); the cache LISTENs on a dedicated
 * connection of its own (db/db-listen.h).
 *
 * The cache answers only while that connection is listening. While it is down (not yet
 * connected, broken, reconnecting), every request is looked up in the database, so that a
 * token revoked meanwhile is never honoured; when it comes back the cache starts empty,
 * since notifications sent while it was down are lost. A lookup that started before a
 * notification or a reconnection and answers after it is not stored (token_cache_ticket).
 *
 * Sessions (the web view's cookie) are not cached: their lookup checks the session's expiry
 * and revocation, its token's revocation or its owner's activity in one statement, and
 * cookies ride on a browser's few requests, not on an API client's many. */
#ifndef SUIVI_TOKEN_CACHE_H
#define SUIVI_TOKEN_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "http/auth.h"
#include "core/metrics.h"

#define TOKEN_CACHE_CHANNEL "suivi_tokens"

struct token_cache;

/* A cache of capacity entries (0: off, and no LISTEN connection) on the database of
 * conninfo. It starts unusable until its connection listens. */
struct token_cache *token_cache_new(struct event_base *base, const char *conninfo, int capacity);
void token_cache_free(struct token_cache *c);
/* A new capacity (reload): the entries are dropped; 0 turns the cache and its connection
 * off, anything else on. */
void token_cache_set_capacity(struct token_cache *c, int capacity);

/* The identity behind hash_hex, into *out (out->name borrowed until the next call on c);
 * false when the cache cannot answer (off, not listening) or has no such entry. Counted as a
 * hit, a miss or a bypass (off or not listening). */
bool token_cache_get(struct token_cache *c, const char *hash_hex, struct identity *out);
/* Taken before a lookup in the database, handed to token_cache_put with its answer. */
uint64_t token_cache_ticket(const struct token_cache *c);
/* Keep id for hash_hex, unless anything was invalidated (or the connection changed state)
 * since ticket was taken, or the cache cannot answer now. */
void token_cache_put(struct token_cache *c, uint64_t ticket, const char *hash_hex,
		     const struct identity *id);

/* Forget every token cached by this process, at once: after a change that this process
 * committed itself (DELETE /v1/tokens/{id}), so that its very next request refuses the
 * token without waiting for the notification, which is on its way but may come after it. */
void token_cache_forget_all(void);

/* The cache's figures for GET /metrics (there is one cache per process). */
void token_cache_metrics(struct metrics_text *t);

#endif
