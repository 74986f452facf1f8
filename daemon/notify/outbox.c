/* outbox.c — claim ready notifications, hand each to the hook, record the outcome.
 *
 * Life of a delivery: claimed (state 'sending', attempts + 1, claimed_by = our claim id) →
 * rendered → hook running → outcome recorded (sent, failed, or pending with a backoff). A
 * record that cannot be written (database away) is tried again at every poll; the row stays
 * 'sending' under our live claim meanwhile, so nobody else delivers it. */
#include "suivi-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/random.h>

#include <event2/event.h>

#include "notify/hook.h"
#include "core/config-value.h"
#include "core/log.h"
#include "core/metrics.h"
#include "render/mail.h"
#include "notify/outbox.h"
#include "util.h"
#include "utf8.h"

#define OUTBOX_POLL_MS 2000 /* ready rows (retries, other daemons' runs) */
#define LAST_ERROR_MAX 2000 /* bytes of a hook's stderr kept in last_error */

enum delivery_state {
	DELIVERY_HOOK,      /* rendering or hook running */
	DELIVERY_RECORDING, /* outcome sent to the database */
	DELIVERY_WAITING,   /* recording failed: retried at the next poll */
};

struct delivery {
	struct outbox *o;
	TAILQ_ENTRY(delivery) entry;
	enum delivery_state state;
	char id[24];
	char *dedup_key;
	int attempts;
	/* the outcome to record */
	const char *stmt;
	char *error;
	char backoff[16];
	char max_attempts[16];
};
TAILQ_HEAD(delivery_list, delivery);

/* A display name and an address, both owned ("" when not set). */
struct mailbox {
	char *name, *addr;
};

struct outbox {
	struct event_base *base;
	struct db_pool *pool;
	struct hook_runner *runner;
	struct event *poll_timer;

	/* from the configuration */
	char **argv; /* NULL when the command cannot be split */
	enum hook_format format;
	int timeout;
	int max_attempts;
	int max_running;
	struct mailbox from, reply_to;    /* [mail] from and reply_to, split */
	char *reply_local, *reply_domain; /* [mail] reply_address split; NULL: replies off */

	int32_t claimer;
	bool claim_held;
	bool claiming;
	bool kick_again;
	bool stopping;
	int hooks; /* deliveries in DELIVERY_HOOK */
	struct delivery_list deliveries;
};

static void poll_cb(evutil_socket_t fd, short what, void *arg);
static void mailbox_set(struct mailbox *m, const char *text);
static void mailbox_clear(struct mailbox *m);
static void claim_done(PGresult *res, const struct db_error *err, void *arg);
static void deliver(struct outbox *o, PGresult *res, int row);
static void hook_done(const struct hook_outcome *out, void *arg);
static void record(struct delivery *d);
static void record_done(PGresult *res, const struct db_error *err, void *arg);
static void delivery_free(struct delivery *d);
static char *clean_error(const char *cause, const char *text, size_t len);

/* The SQL lives in sql/api/60-notify.sql. The claim's columns: 0 id, 1 dedup_key, 2 kind,
 * 3 recipient, 4 subject, 5 body, 6 display name of the recipient, 7 attempts (this one
 * included), 8 created_at (epoch). */
const struct db_stmt outbox_stmts[] = {
    {"outbox_claim", "SELECT * FROM suivi_outbox_claim($1::integer, $2::integer)"},
    {"outbox_sent", "SELECT suivi_outbox_sent($1::bigint, $2::integer)"},
    {"outbox_failed", "SELECT suivi_outbox_failed($1::bigint, $2::integer, $3)"},
    {"outbox_retry",
     "SELECT suivi_outbox_retry($1::bigint, $2::integer, $3, $4::integer, $5::integer)"},
    {NULL, NULL},
};

struct outbox *outbox_new(struct event_base *base, struct db_pool *pool,
			  const struct config *config)
{
	struct outbox *o = xcalloc(1, sizeof *o);

	o->base = base;
	o->pool = pool;
	TAILQ_INIT(&o->deliveries);
	o->runner = hook_runner_new(base, config->hook_max_running);
	outbox_set_config(o, config);
	o->poll_timer = event_new(base, -1, EV_PERSIST, poll_cb, o);
	struct timeval tv = {OUTBOX_POLL_MS / 1000, (OUTBOX_POLL_MS % 1000) * 1000};
	event_add(o->poll_timer, &tv);
	return o;
}

void outbox_free(struct outbox *o)
{
	struct delivery *d;

	if (o == NULL)
		return;
	o->stopping = true;
	event_free(o->poll_timer);
	hook_runner_free(o->runner); /* no callback runs: the deliveries are dropped below */
	while ((d = TAILQ_FIRST(&o->deliveries)) != NULL)
		delivery_free(d);
	config_free_argv(o->argv);
	mailbox_clear(&o->from);
	mailbox_clear(&o->reply_to);
	free(o->reply_local);
	free(o->reply_domain);
	free(o);
}

void outbox_set_config(struct outbox *o, const struct config *config)
{
	char **argv = NULL;
	char *cause = NULL;

	if (config_split_command(config->hook_command, &argv, &cause) != 0) {
		/* check-config refuses such a command; keep the previous one if any. */
		log_warnx("event=hook_command_error cause=%s", log_quote(cause));
		free(cause);
	} else {
		config_free_argv(o->argv);
		o->argv = argv;
	}
	o->format = config->hook_format;
	o->timeout = config->hook_timeout;
	o->max_attempts = config->hook_max_attempts;
	o->max_running = config->hook_max_running;
	mailbox_set(&o->from, config->mail_from);
	mailbox_set(&o->reply_to, config->mail_reply_to);
	free(o->reply_local);
	free(o->reply_domain);
	o->reply_local = o->reply_domain = NULL;
	const char *at =
	    config->mail_reply_address != NULL ? strchr(config->mail_reply_address, '@') : NULL;
	if (at != NULL) {
		o->reply_local =
		    xstrndup(config->mail_reply_address, (size_t)(at - config->mail_reply_address));
		o->reply_domain = xstrdup(at + 1);
	}
	hook_runner_set_max_running(o->runner, o->max_running);
	outbox_kick(o);
}

void outbox_set_claimer(struct outbox *o, int32_t claimer, bool held)
{
	bool was = o->claim_held;

	o->claimer = claimer;
	o->claim_held = held;
	if (held && !was)
		outbox_kick(o);
}

void outbox_stop(struct outbox *o)
{
	o->stopping = true;
	event_del(o->poll_timer);
}

unsigned outbox_inflight(const struct outbox *o)
{
	unsigned n = 0;
	const struct delivery *d;

	TAILQ_FOREACH (d, &o->deliveries, entry)
		n++;
	return n;
}

struct hook_runner *outbox_runner(struct outbox *o)
{
	return o->runner;
}

void outbox_kick(struct outbox *o)
{
	if (o->stopping || !o->claim_held || o->argv == NULL)
		return;
	if (o->claiming) {
		o->kick_again = true;
		return;
	}
	int room = o->max_running - o->hooks;
	if (room <= 0)
		return;
	char claimer[16], limit[16];
	snprintf(claimer, sizeof claimer, "%" PRId32, o->claimer);
	snprintf(limit, sizeof limit, "%d", room);
	const char *v[] = {claimer, limit};
	o->claiming = true;
	o->kick_again = false;
	if (db_exec(o->pool, "outbox_claim", 2, v, claim_done, o) != 0)
		o->claiming = false;
}

static void poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *o = arg;
	struct delivery *d, *next;

	(void)fd;
	(void)what;
	for (d = TAILQ_FIRST(&o->deliveries); d != NULL; d = next) {
		next = TAILQ_NEXT(d, entry);
		if (d->state == DELIVERY_WAITING)
			record(d);
	}
	outbox_kick(o);
}

static void claim_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct outbox *o = arg;

	o->claiming = false;
	if (res == NULL) {
		if (err->status != DB_UNAVAILABLE || !o->stopping)
			log_warnx("event=outbox_claim_failed cause=%s",
				  log_quote(err->message != NULL ? err->message : ""));
		return;
	}
	int rows = PQntuples(res);
	for (int i = 0; i < rows; i++)
		deliver(o, res, i);
	/* A full batch may have left more behind; a kick during the claim asked again. */
	if (o->kick_again || (rows > 0 && o->hooks < o->max_running))
		outbox_kick(o);
}

static void deliver(struct outbox *o, PGresult *res, int row)
{
	struct delivery *d = xcalloc(1, sizeof *d);
	char *cause = NULL, *message;

	d->o = o;
	d->state = DELIVERY_HOOK;
	snprintf(d->id, sizeof d->id, "%s", PQgetvalue(res, row, 0));
	d->dedup_key = xstrdup(PQgetvalue(res, row, 1));
	d->attempts = (int)strtol(PQgetvalue(res, row, 7), NULL, 10);
	TAILQ_INSERT_TAIL(&o->deliveries, d, entry);
	o->hooks++;

	const char *kind = PQgetvalue(res, row, 2);
	const char *recipient = PQgetvalue(res, row, 3);
	struct mail_address to = {PQgetvalue(res, row, 6), recipient};
	struct mail_address reply_to = {o->reply_to.name, o->reply_to.addr};
	/* A digest's replies go to a signed address of its own (sql/api/55-mail.sql), which
	 * says which owner and digest a reply answers. */
	char *coded = NULL;
	if (o->reply_local != NULL && !PQgetisnull(res, row, 9)) {
		coded =
		    xasprintf("%s+%s@%s", o->reply_local, PQgetvalue(res, row, 9), o->reply_domain);
		reply_to = (struct mail_address){"", coded};
	}
	struct mail_message m = {
	    .id = strtoll(d->id, NULL, 10),
	    .kind = kind,
	    .from = {o->from.name, o->from.addr},
	    .reply_to = &reply_to,
	    .to = &to,
	    .to_count = 1,
	    .subject = PQgetvalue(res, row, 4),
	    .body = PQgetvalue(res, row, 5),
	    .dedup_key = d->dedup_key,
	    .created = (time_t)strtoll(PQgetvalue(res, row, 8), NULL, 10),
	};
	message =
	    o->format == HOOK_FORMAT_JSON ? mail_render_json(&m, &cause) : mail_render(&m, &cause);
	free(coded);
	if (message == NULL) {
		/* A refused address or text will be refused again: no retry. */
		struct hook_outcome out = {
		    .result = HOOK_PERMANENT, .exit_code = -1, .cause = cause, .stderr_text = ""};
		hook_done(&out, d);
		free(cause);
		return;
	}
	char *env[5];
	env[0] = xasprintf("SUIVI_NOTIFICATION_ID=%s", d->id);
	env[1] = xasprintf("SUIVI_KIND=%s", kind);
	env[2] = xasprintf("SUIVI_RECIPIENT=%s", recipient);
	env[3] = xasprintf("SUIVI_DEDUP_KEY=%s", d->dedup_key);
	env[4] = NULL;
	log_info("event=hook_start id=%s key=%s attempt=%d", d->id, log_quote(d->dedup_key),
		 d->attempts);
	if (hook_run(o->runner, o->argv, (const char *const *)env, message, strlen(message),
		     o->timeout, hook_done, d) != 0) {
		struct hook_outcome out = {.result = HOOK_RETRY,
					   .exit_code = -1,
					   .cause = "the hook command cannot be run",
					   .stderr_text = ""};
		hook_done(&out, d);
	}
	for (int i = 0; i < 4; i++)
		free(env[i]);
	free(message);
}

static void hook_done(const struct hook_outcome *out, void *arg)
{
	struct delivery *d = arg;
	struct outbox *o = d->o;

	o->hooks--;
	switch (out->result) {
	case HOOK_DELIVERED:
		d->stmt = "outbox_sent";
		break;
	case HOOK_PERMANENT:
		d->stmt = "outbox_failed";
		break;
	case HOOK_RETRY: {
		unsigned rnd = 0;
		if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
			rnd = (unsigned)d->attempts * 2654435761u;
		d->stmt = "outbox_retry";
		snprintf(d->backoff, sizeof d->backoff, "%d",
			 hook_backoff_seconds(d->attempts < 1 ? 1 : d->attempts, rnd));
		snprintf(d->max_attempts, sizeof d->max_attempts, "%d", o->max_attempts);
		break;
	}
	}
	metrics_hook_run(out->result == HOOK_DELIVERED   ? "delivered"
			 : out->result == HOOK_PERMANENT ? "failed"
							 : "retry");
	if (out->result != HOOK_DELIVERED)
		d->error = clean_error(out->cause, out->stderr_text, out->stderr_len);
	log_info("event=hook_done id=%s key=%s attempt=%d result=%s cause=%s", d->id,
		 log_quote(d->dedup_key), d->attempts,
		 out->result == HOOK_DELIVERED   ? "sent"
		 : out->result == HOOK_PERMANENT ? "failed"
						 : "retry",
		 log_quote(out->cause != NULL ? out->cause : ""));
	record(d);
	/* Room for another one. */
	outbox_kick(o);
}

static void record(struct delivery *d)
{
	char claimer[16];

	snprintf(claimer, sizeof claimer, "%" PRId32, d->o->claimer);
	const char *v[] = {d->id, claimer, d->error, d->backoff, d->max_attempts};
	int n = strcmp(d->stmt, "outbox_sent") == 0     ? 2
		: strcmp(d->stmt, "outbox_failed") == 0 ? 3
							: 5;
	d->state = DELIVERY_RECORDING;
	if (db_exec(d->o->pool, d->stmt, n, v, record_done, d) != 0)
		d->state = DELIVERY_WAITING;
}

static void record_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct delivery *d = arg;

	if (res == NULL) {
		log_warnx("event=outbox_record_failed id=%s cause=%s", d->id,
			  log_quote(err->message != NULL ? err->message : ""));
		d->state = DELIVERY_WAITING;
		return;
	}
	delivery_free(d);
}

static void delivery_free(struct delivery *d)
{
	TAILQ_REMOVE(&d->o->deliveries, d, entry);
	free(d->dedup_key);
	free(d->error);
	free(d);
}

/* last_error: the cause, then the hook's stderr, as valid UTF-8 text on which PostgreSQL
 * cannot choke (invalid bytes → '?', control characters but newline → space), bounded. */
static char *clean_error(const char *cause, const char *text, size_t len)
{
	size_t cap = strlen(cause != NULL ? cause : "") + 2 + LAST_ERROR_MAX + 8;
	char *out = xmalloc(cap);
	size_t n = (size_t)snprintf(out, cap, "%s", cause != NULL ? cause : "hook failed");
	const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");

	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	if (len > 0)
		n += (size_t)snprintf(out + n, cap - n, ": ");
	size_t kept = 0;
	for (size_t i = 0; i < len && kept < LAST_ERROR_MAX;) {
		uint32_t cp;
		size_t clen = utf8_decode((const char *)p + i, len - i, &cp);
		if (clen == 0 || kept + clen > LAST_ERROR_MAX) {
			out[n++] = '?';
			i++;
			kept++;
			continue;
		}
		if (clen == 1)
			out[n++] =
			    p[i] == '\n' || (p[i] >= 0x20 && p[i] != 0x7f) ? (char)p[i] : ' ';
		else {
			memcpy(out + n, p + i, clen);
			n += clen;
		}
		i += clen;
		kept += clen;
	}
	out[n] = '\0';
	return out;
}

/* Split a [mail] mailbox the configuration has already checked; should it still be refused,
 * the address is kept whole and the renderer refuses it, each delivery saying why. */
static void mailbox_set(struct mailbox *m, const char *text)
{
	char *name, *addr, *cause = NULL;

	mailbox_clear(m);
	if (text == NULL || text[0] == '\0') {
		m->name = xstrdup("");
		m->addr = xstrdup("");
		return;
	}
	if (config_value_mailbox(text, 254, &name, &addr, &cause) != 0) {
		log_warnx("event=mail_address_error address=%s cause=%s", log_quote(text),
			  log_quote(cause));
		free(cause);
		name = xstrdup("");
		addr = xstrdup(text);
	}
	m->name = name;
	m->addr = addr;
}

static void mailbox_clear(struct mailbox *m)
{
	free(m->name);
	free(m->addr);
	m->name = m->addr = NULL;
}
