/* main.c — suivid's entry point: command line, startup order, signals, reload and drain.
 *
 * Startup runs blocking steps before the event loop exists (configuration, the embedded
 * PostgreSQL, migrations); once the loop runs nothing blocks it. Signals are libevent events
 * dispatched in one switch. */
#include "suivi-config.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "api/api-calendar.h"
#include "api/api-dashboard.h"
#include "api/api-health.h"
#include "api/api-import.h"
#include "api/api-mail.h"
#include "api/api-meetings.h"
#include "api/api-metrics.h"
#include "api/api-notifications.h"
#include "api/api-openapi.h"
#include "api/api-owners.h"
#include "api/api-recommendations.h"
#include "api/api-reports.h"
#include "api/api-sessions.h"
#include "api/api-tokens.h"
#include "api/api-workflow.h"
#include "api/app.h"
#include "http/auth.h"
#include "http/token-cache.h"
#include "core/config.h"
#include "db/db.h"
#include "db/embedded-pg.h"
#include "notify/hook.h"
#include "http/http.h"
#include "core/log.h"
#include "db/migrate.h"
#include "db/sqlapi.h"
#include "db/workflow.h"
#include "import/inbound.h"
#include "notify/outbox.h"
#include "notify/remind.h"
#include "notify/scheduler.h"
#include "util.h"

#define DRAIN_BOUND_MS 10000 /* SIGTERM: how long in-flight requests may take */
#define DRAIN_POLL_MS 20

struct daemon {
	struct event_base *base;
	char *config_path; /* NULL: built-in defaults */
	struct config *config;
	struct embedded_pg *embedded;
	char *conninfo;
	struct db_pool *pool;
	struct auth *auth;
	struct token_cache *tokens;
	struct http_server *http;
	struct app app; /* reminders: the outbox (handlers reach it) */
	struct scheduler *scheduler;
	struct event *signals[4];
	struct event *drain_timer;
	int drain_waited_ms;
	bool stopping;
};

static void usage(FILE *f);
static int cmd_serve(struct daemon *d);
static int cmd_migrate(struct daemon *d);
static int cmd_check_config(struct daemon *d);
static int cmd_token(struct daemon *d, int argc, char **argv);
static int cmd_mail_key(struct daemon *d, int argc, char **argv);
static int cmd_routes(void);
static int load_config(struct daemon *d, char **cause);
static int database_open(struct daemon *d, bool for_serve, char **cause);
static void database_close(struct daemon *d);
static void signal_cb(evutil_socket_t sig, short what, void *arg);
static void reload(struct daemon *d);
static void begin_stop(struct daemon *d, int sig);
static void drain_cb(evutil_socket_t fd, short what, void *arg);
static void notify_systemd(const char *state);

static const struct db_stmt *const stmt_tables[] = {
    auth_stmts,
    api_health_stmts,
    api_tokens_stmts,
    api_owners_stmts,
    api_meetings_stmts,
    api_import_stmts,
    api_recommendations_stmts,
    api_reports_stmts,
    api_notifications_stmts,
    remind_stmts,
    outbox_stmts,
    scheduler_stmts,
    workflow_stmts,
    api_workflow_stmts,
    api_calendar_stmts,
    api_metrics_stmts,
    api_mail_stmts,
    api_sessions_stmts,
    api_dashboard_stmts,
    NULL,
};

static const struct route *const route_tables[] = {
    api_health_routes,   api_tokens_routes,          api_owners_routes,    api_meetings_routes,
    api_import_routes,   api_recommendations_routes, api_reports_routes,   api_notifications_routes,
    api_workflow_routes, api_calendar_routes,        api_openapi_routes,   api_metrics_routes,
    api_mail_routes,     api_sessions_routes,        api_dashboard_routes, NULL,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: suivid [-c FILE] [serve]\n"
		"       suivid [-c FILE] migrate\n"
		"       suivid [-c FILE] check-config\n"
		"       suivid [-c FILE] token create NAME --role ROLE [--owner HANDLE]\n"
		"       suivid [-c FILE] mail-key rotate\n"
		"       suivid routes\n"
		"       suivid --help | --version\n"
		"\n"
		"  serve         run the daemon (default); applies pending migrations first\n"
		"  migrate       apply pending database migrations and exit\n"
		"  check-config  validate the configuration and exit\n"
		"  token create  create an API token and print it on the last line\n"
		"  mail-key rotate  sign reply addresses with a new key (the old one still\n"
		"                verifies for [mail] reply_grace days)\n"
		"  routes        list the HTTP routes: method, path, least role\n"
		"\n"
		"  -c FILE       configuration file (default %s/suivi/suivid.conf if it exists)\n"
		"  -h, --help    show this help\n"
		"  -V, --version show the version\n"
		"\n"
		"See suivid(8) and suivid.conf(5).\n",
		SUIVI_SYSCONFDIR);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct daemon d = {0};
	char *cause = NULL;
	int ch;

	log_init(LOG_LEVEL_INFO);
	/* Stop option parsing at the first command word so "token create --role" reaches the
	 * subcommand. */
	while ((ch = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d.config_path = xstrdup(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("suivid %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	const char *command = argc > 0 ? argv[0] : "serve";

	if (strcmp(command, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(command, "routes") == 0) {
		free(d.config_path); /* routes reads no configuration */
		return argc > 1 ? (fprintf(stderr, "suivid: routes takes no arguments\n"), 2)
				: cmd_routes();
	}
	if (strcmp(command, "serve") != 0 && strcmp(command, "migrate") != 0 &&
	    strcmp(command, "check-config") != 0 && strcmp(command, "token") != 0 &&
	    strcmp(command, "mail-key") != 0) {
		fprintf(stderr, "suivid: unknown command '%s'\n", command);
		usage(stderr);
		return 2;
	}
	if ((strcmp(command, "serve") == 0 || strcmp(command, "migrate") == 0 ||
	     strcmp(command, "check-config") == 0) &&
	    argc > 1) {
		fprintf(stderr, "suivid: %s takes no arguments\n", command);
		return 2;
	}

	if (load_config(&d, &cause) == -1) {
		if (strcmp(command, "check-config") == 0)
			fprintf(stderr, "suivid: %s\n", cause);
		else
			log_warnx("event=config_error cause=%s", log_quote(cause));
		free(cause);
		free(d.config_path);
		return 1;
	}
	log_set_level(d.config->log_level);

	int rc;
	if (strcmp(command, "check-config") == 0)
		rc = cmd_check_config(&d);
	else if (strcmp(command, "migrate") == 0)
		rc = cmd_migrate(&d);
	else if (strcmp(command, "token") == 0)
		rc = cmd_token(&d, argc - 1, argv + 1);
	else if (strcmp(command, "mail-key") == 0)
		rc = cmd_mail_key(&d, argc - 1, argv + 1);
	else
		rc = cmd_serve(&d);

	config_free(d.config);
	free(d.config_path);
	return rc;
}

/* Read -c FILE, else the default file when it exists, else built-in defaults. */
static int load_config(struct daemon *d, char **cause)
{
	if (d->config_path == NULL) {
		char *def = xasprintf("%s/suivi/suivid.conf", SUIVI_SYSCONFDIR);
		if (access(def, F_OK) == 0)
			d->config_path = def;
		else
			free(def);
	}
	if (d->config_path == NULL) /* the same checks as a file, on the defaults */
		return config_parse("(built-in defaults)", "", &d->config, cause);
	return config_load(d->config_path, &d->config, cause);
}

/* The route tables as text, one route a line: "GET /v1/owners viewer", then " feed" when a
 * feed token may use it too and " owner-scoped" when owner tokens reach only their own
 * recommendations. The OpenAPI document is checked against this (test-openapi). */
static int cmd_routes(void)
{
	static const struct {
		enum evhttp_cmd_type method;
		const char *name;
	} methods[] = {
	    {EVHTTP_REQ_GET, "GET"},     {EVHTTP_REQ_POST, "POST"},     {EVHTTP_REQ_PUT, "PUT"},
	    {EVHTTP_REQ_PATCH, "PATCH"}, {EVHTTP_REQ_DELETE, "DELETE"},
	};
	for (const struct route *const *t = route_tables; *t != NULL; t++) {
		for (const struct route *rt = *t; rt->pattern != NULL; rt++) {
			const char *m = "?";
			for (size_t i = 0; i < ARRAY_LEN(methods); i++)
				if (methods[i].method == rt->method)
					m = methods[i].name;
			printf("%s %s %s%s%s%s\n", m, rt->pattern, role_name(rt->role),
			       (rt->flags & ROUTE_FEED_KEY) ? " feed" : "",
			       (rt->flags & ROUTE_OWNER_SCOPED) ? " owner-scoped" : "",
			       (rt->flags & ROUTE_METRICS) ? " metrics" : "");
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_check_config(struct daemon *d)
{
	printf("suivid: configuration %s is valid\n",
	       d->config_path != NULL ? d->config_path : "(built-in defaults)");
	return 0;
}

/* Find the database: the configured server, or the embedded one. For serve, the embedded
 * server is started and owned; for the one-shot commands, a server already run by another
 * suivid on the same data_dir is used as it is. */
static int database_open(struct daemon *d, bool for_serve, char **cause)
{
	if (d->config->url != NULL) {
		d->conninfo = xstrdup(d->config->url);
		return 0;
	}
	if (!for_serve) {
		int locked = embedded_pg_locked(d->config->data_dir);
		if (locked == 1) {
			d->conninfo = embedded_pg_conninfo(d->config->data_dir);
			return 0;
		}
	}
	return embedded_pg_start(d->config->data_dir, &d->embedded, &d->conninfo, cause);
}

static void database_close(struct daemon *d)
{
	if (d->embedded != NULL) {
		embedded_pg_stop(d->embedded);
		d->embedded = NULL;
	}
	free(d->conninfo);
	d->conninfo = NULL;
}

/* Apply pending migrations and the SQL API on a blocking connection (before the loop); with
 * load_workflow, read the domain values too. */
static int run_migrations(const char *conninfo, bool load_workflow, char **cause)
{
	PGconn *conn = db_connect_blocking(conninfo, cause);
	int applied = 0;

	if (conn == NULL)
		return -1;
	int rc = migrate_run(conn, migrate_default_dir(), sqlapi_default_dir(), &applied, cause);
	if (rc == 0 && load_workflow)
		rc = workflow_load_blocking(conn, cause);
	PQfinish(conn);
	if (rc == 0)
		log_info("event=migrations_applied count=%d dir=%s", applied,
			 log_quote(migrate_default_dir()));
	return rc;
}

static int cmd_migrate(struct daemon *d)
{
	char *cause = NULL;
	int rc = 1;

	if (database_open(d, false, &cause) == -1) {
		log_warnx("event=database_error cause=%s", log_quote(cause));
		goto out;
	}
	if (run_migrations(d->conninfo, false, &cause) == -1) {
		log_warnx("event=migration_error cause=%s", log_quote(cause));
		goto out;
	}
	rc = 0;
out:
	free(cause);
	database_close(d);
	return rc;
}

/* The administrative commands work on a migrated database over one blocking
 * connection; NULL with *cause set when either fails. */
static PGconn *admin_connect(struct daemon *d, char **cause)
{
	if (database_open(d, false, cause) == -1 || run_migrations(d->conninfo, false, cause) == -1)
		return NULL;
	return db_connect_blocking(d->conninfo, cause);
}

static int cmd_token(struct daemon *d, int argc, char **argv)
{
	const char *name = NULL, *role_text = NULL, *owner = NULL;
	char *cause = NULL, *token = NULL;
	enum role role;
	int64_t id = 0;
	int rc = 1;

	if (argc < 1 || strcmp(argv[0], "create") != 0) {
		fprintf(stderr, "usage: suivid token create NAME --role ROLE [--owner HANDLE]\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_text = argv[++i];
		else if (strcmp(argv[i], "--owner") == 0 && i + 1 < argc)
			owner = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(
			    "usage: suivid token create NAME --role ROLE [--owner HANDLE]\n"
			    "  ROLE is admin, secretariat, owner (needs --owner), viewer, feed or\n"
			    "  metrics (GET /metrics only)\n"
			    "  (the calendar feed only; --owner limits it to one owner).\n"
			    "  The token is printed alone on the last line; only its hash is "
			    "kept.\n");
			return 0;
		} else if (argv[i][0] == '-' || name != NULL) {
			fprintf(stderr, "suivid: token create: unexpected argument '%s'\n",
				argv[i]);
			return 2;
		} else
			name = argv[i];
	}
	if (name == NULL || role_text == NULL) {
		fprintf(stderr, "usage: suivid token create NAME --role ROLE [--owner HANDLE]\n");
		return 2;
	}
	if (!role_parse(role_text, &role) || role == ROLE_PUBLIC) {
		fprintf(stderr,
			"suivid: unknown role '%s' (admin, secretariat, owner, viewer, feed, "
			"metrics)\n",
			role_text);
		return 2;
	}

	PGconn *conn = admin_connect(d, &cause);
	if (conn == NULL) {
		fprintf(stderr, "suivid: %s\n", cause);
		goto out;
	}
	if (auth_create_token_blocking(conn, name, role, owner, &token, &id, &cause) == -1) {
		fprintf(stderr, "suivid: %s\n", cause);
		PQfinish(conn);
		goto out;
	}
	PQfinish(conn);
	printf("token %lld created for %s (%s); it is shown only now:\n%s\n", (long long)id, name,
	       role_name(role), token);
	rc = 0;
out:
	free(token);
	free(cause);
	database_close(d);
	return rc;
}

/* suivid mail-key rotate: a new key signs the digests' reply addresses from now on; replies
 * to earlier digests still verify for [mail] reply_grace days. */
static int cmd_mail_key(struct daemon *d, int argc, char **argv)
{
	char *cause = NULL;
	int rc = 1;

	if (argc != 1 || strcmp(argv[0], "rotate") != 0) {
		fprintf(stderr, "suivid: usage: suivid [-c FILE] mail-key rotate\n");
		return 2;
	}
	PGconn *conn = admin_connect(d, &cause);
	if (conn == NULL) {
		fprintf(stderr, "suivid: %s\n", cause);
		goto out;
	}
	PGresult *res = PQexec(conn, "SELECT suivi_mail_key_rotate()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		printf("mail key %s signs reply addresses from now on; the previous one verifies "
		       "for %d more days\n",
		       PQgetvalue(res, 0, 0), d->config->mail_reply_grace);
		rc = 0;
	} else {
		fprintf(stderr, "suivid: cannot rotate the mail key: %s", PQerrorMessage(conn));
	}
	PQclear(res);
	PQfinish(conn);
out:
	free(cause);
	database_close(d);
	return rc;
}

static int cmd_serve(struct daemon *d)
{
	char *cause = NULL;
	int rc = 1;

	/* A client that goes away mid-reply must not kill the daemon (see PITFALLS). */
	signal(SIGPIPE, SIG_IGN);
	/* Blocks of 256 KiB and more (a report's text, libpq's buffers, an answer) are mapped
	 * and given back when freed. By default glibc raises that threshold to the largest
	 * block freed, up to 32 MiB, and then keeps such blocks in the heap, where memory freed
	 * below a live block is never returned: after a million requests against a grown
	 * database, suivid held 48 MB of heap for nothing. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	inbound_init(); /* GMime, for the replies by mail */

	if (database_open(d, true, &cause) == -1) {
		log_warnx("event=database_error cause=%s", log_quote(cause));
		free(cause);
		free(d->conninfo);
		return 1;
	}
	if (run_migrations(d->conninfo, true, &cause) == -1) {
		log_warnx("event=migration_error cause=%s", log_quote(cause));
		goto out;
	}

	d->base = event_base_new();
	if (d->base == NULL) {
		log_warnx("event=startup_error cause=\"cannot create the event base\"");
		goto out;
	}
	struct db_pool_options po = {
	    .conninfo = d->conninfo,
	    .size = d->config->pool,
	    .queue_max = d->config->queue,
	    .timeout_ms = d->config->request_timeout * 1000,
	    .timezone = d->config->timezone,
	    .stmt_tables = stmt_tables,
	};
	d->pool = db_pool_new(d->base, &po);
	workflow_watch(d->base, d->pool);
	d->auth = auth_new(d->base, d->pool);
	d->tokens = token_cache_new(d->base, d->conninfo, d->config->token_cache);
	auth_set_token_cache(d->auth, d->tokens);
	d->app.outbox = outbox_new(d->base, d->pool, d->config);
	d->scheduler = scheduler_new(d->base, d->conninfo, d->pool, d->app.outbox, d->config);
	struct http_server_options ho = {
	    .base = d->base,
	    .pool = d->pool,
	    .config = d->config,
	    .route_tables = route_tables,
	    .auth = d->auth,
	    .app = &d->app,
	};
	d->http = http_server_new(&ho, &cause);
	if (d->http == NULL) {
		log_warnx("event=startup_error cause=%s", log_quote(cause));
		goto out;
	}

	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
		d->signals[i] = evsignal_new(d->base, sigs[i], signal_cb, d);
		event_add(d->signals[i], NULL);
	}
	d->drain_timer = evtimer_new(d->base, drain_cb, d);

	log_info("event=ready version=%s listen=%s unix_socket=%s database=%s pid=%ld",
		 PACKAGE_VERSION, log_quote(d->config->listen),
		 log_quote(d->config->unix_socket != NULL ? d->config->unix_socket : ""),
		 d->embedded != NULL ? "embedded" : "external", (long)getpid());
	notify_systemd("READY=1");

	event_base_dispatch(d->base);

	log_info("event=stopped");
	rc = 0;
out:
	free(cause);
	/* Nothing new starts while the pool fails its pending work. */
	if (d->scheduler != NULL)
		scheduler_stop(d->scheduler);
	if (d->app.outbox != NULL)
		outbox_stop(d->app.outbox);
	workflow_unwatch();
	/* The pool first: failing its pending work answers the requests waiting on it. */
	if (d->pool != NULL)
		db_pool_free(d->pool);
	workflow_clear();
	scheduler_free(d->scheduler); /* releases the leader and claim locks */
	outbox_free(d->app.outbox);   /* kills hooks that outlived the drain */
	if (d->auth != NULL)
		auth_free(d->auth);
	token_cache_free(d->tokens);
	if (d->http != NULL)
		http_server_free(d->http);
	for (size_t i = 0; i < ARRAY_LEN(d->signals); i++)
		if (d->signals[i] != NULL)
			event_free(d->signals[i]);
	if (d->drain_timer != NULL)
		event_free(d->drain_timer);
	if (d->base != NULL)
		event_base_free(d->base);
	database_close(d);
	inbound_shutdown();
	return rc;
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		begin_stop(d, (int)sig);
		break;
	case SIGHUP:
		reload(d);
		break;
	case SIGCHLD:
		/* Children are the hook runner's; it reaps them. */
		hook_runner_sigchld(outbox_runner(d->app.outbox));
		break;
	default:
		break;
	}
}

/* Re-read the configuration; a bad file is logged and the running one kept. */
static void reload(struct daemon *d)
{
	struct config *fresh = NULL;
	char *cause = NULL;

	notify_systemd("RELOADING=1");
	if (d->config_path == NULL) {
		log_info("event=reload result=unchanged reason=\"no configuration file\"");
		notify_systemd("READY=1");
		return;
	}
	if (config_load(d->config_path, &fresh, &cause) == -1) {
		log_warnx("event=reload result=refused cause=%s", log_quote(cause));
		free(cause);
		notify_systemd("READY=1");
		return;
	}
	char *restart = config_restart_keys(d->config, fresh);
	if (restart != NULL) {
		log_warnx("event=reload_partial restart_needed=%s", log_quote(restart));
		free(restart);
	}
	/* Keys that need a restart keep their running values. */
	struct config *old = d->config;
	free(fresh->listen);
	fresh->listen = xstrdup(old->listen);
	free(fresh->unix_socket);
	fresh->unix_socket = old->unix_socket != NULL ? xstrdup(old->unix_socket) : NULL;
	free(fresh->url);
	fresh->url = old->url != NULL ? xstrdup(old->url) : NULL;
	free(fresh->data_dir);
	fresh->data_dir = xstrdup(old->data_dir);
	fresh->pool = old->pool;
	fresh->max_connections = old->max_connections;

	log_set_level(fresh->log_level);
	http_server_set_config(d->http, fresh);
	db_pool_set_timeout(d->pool, fresh->request_timeout * 1000);
	db_pool_set_timezone(d->pool, fresh->timezone);
	outbox_set_config(d->app.outbox, fresh);
	scheduler_set_config(d->scheduler, fresh);
	workflow_refresh(d->pool);
	token_cache_set_capacity(d->tokens, fresh->token_cache);
	d->config = fresh;
	config_free(old);
	log_info("event=reload result=ok file=%s", log_quote(d->config_path));
	notify_systemd("READY=1");
}

/* Stop accepting, let requests in flight finish (bounded), then leave the loop. */
static void begin_stop(struct daemon *d, int sig)
{
	if (d->stopping) {
		log_info("event=stop_forced signal=%d", sig);
		event_base_loopbreak(d->base);
		return;
	}
	d->stopping = true;
	notify_systemd("STOPPING=1");
	log_info("event=stopping signal=%d inflight=%u", sig, http_server_inflight(d->http));
	http_server_stop_accepting(d->http);
	scheduler_stop(d->scheduler);
	outbox_stop(d->app.outbox);
	d->drain_waited_ms = 0;
	drain_cb(-1, 0, d);
}

static void drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	/* Requests, and hooks whose outcome is not recorded yet. */
	unsigned inflight = http_server_inflight(d->http) + outbox_inflight(d->app.outbox);

	if (inflight == 0 || d->drain_waited_ms >= DRAIN_BOUND_MS) {
		if (inflight > 0)
			log_warnx("event=drain_timeout inflight=%u", inflight);
		event_base_loopexit(d->base, NULL);
		return;
	}
	d->drain_waited_ms += DRAIN_POLL_MS;
	struct timeval tv = {0, DRAIN_POLL_MS * 1000};
	evtimer_add(d->drain_timer, &tv);
}

static void notify_systemd(const char *state)
{
#ifdef HAVE_SYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}
