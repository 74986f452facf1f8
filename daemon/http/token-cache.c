/* token-cache.c — a bounded table of token identities (chained buckets, LRU list), made
 * usable and emptied by the state of its LISTEN connection, and trimmed by its
 * notifications. */
#include "suivi-config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "http/token-cache.h"
#include "db/db-listen.h"
#include "core/log.h"
#include "util.h"

#define HASH_HEX_LEN 64

struct entry {
	char hash[HASH_HEX_LEN + 1];
	int64_t token_id;
	int64_t owner_id;
	enum role role;
	char *name;
	struct entry *next_in_bucket;
	TAILQ_ENTRY(entry) lru; /* most recently used first */
};
TAILQ_HEAD(entry_list, entry);

struct token_cache {
	struct event_base *base;
	char *conninfo;
	int capacity;
	struct entry **buckets;
	size_t nbuckets; /* a power of two >= capacity */
	struct entry_list lru;
	int count;
	struct db_listen *listen;
	bool listening;
	/* Bumped by every invalidation and every change of the connection's state: an answer
	 * from the database is kept only when no bump happened while it was being fetched. */
	uint64_t epoch;
};

/* One cache per process (main.c makes it): its figures, for GET /metrics, are
 * process-wide like core/metrics.c's counters, and token_cache_forget_all finds it here. */
static struct token_cache *process_cache;
static struct {
	unsigned long long hit, miss, bypass, invalidation;
	int entries;
	bool listening;
} figures;

static void cache_start(struct token_cache *c);
static void cache_stop(struct token_cache *c);
static void cache_flush(struct token_cache *c);
static struct entry **bucket_of(struct token_cache *c, const char *hash_hex);
static void entry_remove(struct token_cache *c, struct entry *e);
static void on_listen_state(bool up, void *arg);
static void on_notify(const char *channel, const char *payload, void *arg);

struct token_cache *token_cache_new(struct event_base *base, const char *conninfo, int capacity)
{
	struct token_cache *c = xcalloc(1, sizeof *c);

	c->base = base;
	c->conninfo = xstrdup(conninfo);
	TAILQ_INIT(&c->lru);
	token_cache_set_capacity(c, capacity);
	process_cache = c;
	return c;
}

void token_cache_free(struct token_cache *c)
{
	if (c == NULL)
		return;
	cache_stop(c);
	if (process_cache == c)
		process_cache = NULL;
	free(c->conninfo);
	free(c);
}

void token_cache_set_capacity(struct token_cache *c, int capacity)
{
	if (capacity == c->capacity)
		return;
	cache_stop(c);
	c->capacity = capacity;
	if (capacity > 0)
		cache_start(c);
}

/* Buckets for capacity entries, and the connection whose LISTEN makes them usable. */
static void cache_start(struct token_cache *c)
{
	c->nbuckets = 16;
	while (c->nbuckets < (size_t)c->capacity)
		c->nbuckets *= 2;
	c->buckets = xcalloc(c->nbuckets, sizeof *c->buckets);
	static const char *const channels[] = {TOKEN_CACHE_CHANNEL, NULL};
	struct db_listen_options lo = {
	    .conninfo = c->conninfo,
	    .channels = channels,
	    .on_notify = on_notify,
	    .on_state = on_listen_state,
	    .arg = c,
	};
	c->listen = db_listen_new(c->base, &lo);
}

static void cache_stop(struct token_cache *c)
{
	db_listen_free(c->listen);
	c->listen = NULL;
	c->listening = figures.listening = false;
	cache_flush(c);
	free(c->buckets);
	c->buckets = NULL;
	c->nbuckets = 0;
}

static void cache_flush(struct token_cache *c)
{
	struct entry *e;

	while ((e = TAILQ_FIRST(&c->lru)) != NULL)
		entry_remove(c, e);
	c->epoch++;
}

/* The hash is SHA-256: its first 16 hex digits are as good an index as any. */
static struct entry **bucket_of(struct token_cache *c, const char *hash_hex)
{
	uint64_t v = 0;

	for (int i = 0; i < 16; i++) {
		char ch = hash_hex[i];
		v = v << 4 | (uint64_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
	}
	return &c->buckets[v & (c->nbuckets - 1)];
}

static struct entry *entry_find(struct token_cache *c, const char *hash_hex)
{
	for (struct entry *e = *bucket_of(c, hash_hex); e != NULL; e = e->next_in_bucket)
		if (memcmp(e->hash, hash_hex, HASH_HEX_LEN) == 0)
			return e;
	return NULL;
}

static void entry_remove(struct token_cache *c, struct entry *e)
{
	struct entry **p = bucket_of(c, e->hash);

	while (*p != e)
		p = &(*p)->next_in_bucket;
	*p = e->next_in_bucket;
	TAILQ_REMOVE(&c->lru, e, lru);
	free(e->name);
	free(e);
	figures.entries = --c->count;
}

/* A hash as auth_token_hash writes it; anything else (an empty payload) is not one. */
static bool is_hash_hex(const char *s)
{
	size_t i = 0;

	for (; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == HASH_HEX_LEN;
}

bool token_cache_get(struct token_cache *c, const char *hash_hex, struct identity *out)
{
	if (!c->listening) {
		figures.bypass++;
		return false;
	}
	struct entry *e = entry_find(c, hash_hex);
	if (e == NULL) {
		figures.miss++;
		return false;
	}
	figures.hit++;
	TAILQ_REMOVE(&c->lru, e, lru);
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	*out = (struct identity){
	    .token_id = e->token_id,
	    .name = e->name,
	    .role = e->role,
	    .owner_id = e->owner_id,
	};
	return true;
}

uint64_t token_cache_ticket(const struct token_cache *c)
{
	return c->epoch;
}

void token_cache_put(struct token_cache *c, uint64_t ticket, const char *hash_hex,
		     const struct identity *id)
{
	if (!c->listening || ticket != c->epoch || !is_hash_hex(hash_hex) ||
	    entry_find(c, hash_hex) != NULL)
		return;
	if (c->count >= c->capacity)
		entry_remove(c, TAILQ_LAST(&c->lru, entry_list));
	struct entry *e = xcalloc(1, sizeof *e);
	memcpy(e->hash, hash_hex, HASH_HEX_LEN + 1);
	e->token_id = id->token_id;
	e->owner_id = id->owner_id;
	e->role = id->role;
	e->name = xstrdup(id->name);
	struct entry **b = bucket_of(c, hash_hex);
	e->next_in_bucket = *b;
	*b = e;
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	figures.entries = ++c->count;
}

/* Up: from now on no revocation goes unheard, but some may have gone unheard before —
 * start empty. Down: stop answering (every request is looked up) until up again. */
static void on_listen_state(bool up, void *arg)
{
	struct token_cache *c = arg;

	c->listening = figures.listening = up;
	cache_flush(c);
}

void token_cache_forget_all(void)
{
	if (process_cache != NULL)
		cache_flush(process_cache);
}

static void on_notify(const char *channel, const char *payload, void *arg)
{
	struct token_cache *c = arg;

	if (strcmp(channel, TOKEN_CACHE_CHANNEL) != 0)
		return;
	figures.invalidation++;
	if (!is_hash_hex(payload)) {
		cache_flush(c);
		return;
	}
	struct entry *e = entry_find(c, payload);
	if (e != NULL)
		entry_remove(c, e);
	c->epoch++;
}

void token_cache_metrics(struct metrics_text *t)
{
	metrics_family(t, "suivi_token_cache_lookups_total", "counter",
		       "Bearer tokens authenticated: hit (from the cache), miss (looked up, then "
		       "cached), bypass (looked up: cache off or its LISTEN connection down).");
	metrics_sample(t, "suivi_token_cache_lookups_total", "result=\"hit\"", (double)figures.hit);
	metrics_sample(t, "suivi_token_cache_lookups_total", "result=\"miss\"",
		       (double)figures.miss);
	metrics_sample(t, "suivi_token_cache_lookups_total", "result=\"bypass\"",
		       (double)figures.bypass);
	metrics_family(t, "suivi_token_cache_invalidations_total", "counter",
		       "Token changes notified by the database (any suivid's).");
	metrics_sample(t, "suivi_token_cache_invalidations_total", "",
		       (double)figures.invalidation);
	metrics_family(t, "suivi_token_cache_entries", "gauge", "Token identities cached.");
	metrics_sample(t, "suivi_token_cache_entries", "", figures.entries);
	metrics_family(
	    t, "suivi_token_cache_listening", "gauge",
	    "1 while the cache's LISTEN connection listens (the cache answers only then).");
	metrics_sample(t, "suivi_token_cache_listening", "", figures.listening ? 1 : 0);
}
