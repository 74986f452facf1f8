/* test-http.c — the router and the reply helpers, through real HTTP on loopback: a server
 * with public test routes and libevent's own client on the same event loop. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "harness.h"
#include "http/http.h"
#include "core/log.h"
#include "db/migrate.h"
#include "db/sqlapi.h"
#include "suites.h"

#define REPLY_BOUND_S 5

struct reply {
	bool done;
	int status;
	char allow[128];
	char type[128];
	char location[128];
	char www_auth[128];
	char *body;
};

static struct event_base *base;
static struct config *config;
static struct http_server *server;
static int port;
static const char *client_token; /* sent as Authorization: Bearer when set */
/* The database part: one cluster for the suite, a fresh database per test. */
static struct pg_cluster *cluster;
static struct db_pool *pool;
static struct auth *auth;
static char *tok_admin, *tok_viewer, *tok_alice, *tok_revoked;

static int free_port(void);
static void setup(void);
static void teardown(void);
static void echo(struct api_request *r);
static void echo_query(const char *key, const char *value, void *arg);
static void reply_bad_header(struct api_request *r);
static void reply_created(struct api_request *r);
static void reply_null(struct api_request *r);
static void cluster_setup(void);
static void cluster_teardown(void);
static void auth_setup(void);
static void auth_teardown(void);
static char *make_token(PGconn *conn, const char *name, enum role role, const char *owner);
static void client_done(struct evhttp_request *req, void *arg);
static void client_timeout(evutil_socket_t fd, short what, void *arg);
static struct reply *do_request(enum evhttp_cmd_type method, const char *uri,
				const char *content_type, const char *body, size_t len);
static void reply_free(struct reply *r);
static json_t *reply_json(const struct reply *r);

static const struct route test_routes[] = {
    {EVHTTP_REQ_GET, "/t/items", ROLE_PUBLIC, BODY_NONE, 0, echo},
    {EVHTTP_REQ_POST, "/t/items", ROLE_PUBLIC, BODY_JSON, 0, echo},
    {EVHTTP_REQ_GET, "/t/items/{name}", ROLE_PUBLIC, BODY_NONE, 0, echo},
    {EVHTTP_REQ_GET, "/t/recs/{ref}", ROLE_PUBLIC, BODY_NONE, 0, echo},
    {EVHTTP_REQ_POST, "/t/recs/{ref}/comments", ROLE_PUBLIC, BODY_JSON, 0, echo},
    {EVHTTP_REQ_GET, "/t/recs/{ref}/notes/{name}", ROLE_PUBLIC, BODY_NONE, 0, echo},
    {EVHTTP_REQ_POST, "/t/import", ROLE_PUBLIC, BODY_IMPORT, 0, echo},
    {EVHTTP_REQ_GET, "/t/bad-header", ROLE_PUBLIC, BODY_NONE, 0, reply_bad_header},
    {EVHTTP_REQ_POST, "/t/created", ROLE_PUBLIC, BODY_NONE, 0, reply_created},
    {EVHTTP_REQ_GET, "/t/null", ROLE_PUBLIC, BODY_NONE, 0, reply_null},
    {0},
};
static const struct route *const test_tables[] = {test_routes, NULL};

static const struct route auth_routes[] = {
    {EVHTTP_REQ_GET, "/t/read", ROLE_VIEWER, BODY_NONE, 0, echo},
    {EVHTTP_REQ_POST, "/t/write", ROLE_SECRETARIAT, BODY_JSON, 0, echo},
    {EVHTTP_REQ_POST, "/t/recs/{ref}/act", ROLE_OWNER, BODY_JSON, ROUTE_OWNER_SCOPED, echo},
    {0},
};
static const struct route *const auth_tables[] = {auth_routes, NULL};
static const struct db_stmt pool_stmts[] = {
    {"t_ping", "SELECT 1"},
    {"t_slow", "SELECT pg_sleep(0.2)"},
    {NULL, NULL},
};
static const struct db_stmt *const auth_stmt_tables[] = {auth_stmts, pool_stmts, NULL};

/* A port the kernel just gave out and took back: free for the test in practice. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void setup(void)
{
	log_set_level(LOG_LEVEL_ERROR); /* one request line per check is noise here */
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	port = free_port();
	char *text = xasprintf("[server]\nlisten = 127.0.0.1:%d\nmax_body = 2048\n", port);
	char *cause = NULL;
	ck_assert_msg(config_parse("test.conf", text, &config, &cause) == 0, "%s", cause);
	free(text);
	struct http_server_options opt = {
	    .base = base, .config = config, .route_tables = test_tables};
	server = http_server_new(&opt, &cause);
	ck_assert_msg(server != NULL, "%s", cause);
}

static void teardown(void)
{
	http_server_free(server);
	config_free(config);
	event_base_free(base);
}

static void cluster_setup(void)
{
	cluster = pg_cluster_start();
}

static void cluster_teardown(void)
{
	pg_cluster_destroy(cluster);
}

static char *make_token(PGconn *conn, const char *name, enum role role, const char *owner)
{
	char *token = NULL, *cause = NULL;
	int64_t id;
	ck_assert_msg(auth_create_token_blocking(conn, name, role, owner, &token, &id, &cause) == 0,
		      "%s", cause);
	return token;
}

/* A migrated database with owners alice and bob, recommendations bamako-2019/1 (id 1,
 * alice), /2 (id 2, bob), /3 (id 3, no owner), tokens of each kind, and a server on it. */
static void auth_setup(void)
{
	log_set_level(LOG_LEVEL_ERROR);
	const char *conninfo = pg_cluster_new_database(cluster);
	PGconn *conn = PQconnectdb(conninfo);
	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	char *cause = NULL;
	int applied;
	ck_assert_msg(
	    migrate_run(conn, migrate_default_dir(), sqlapi_default_dir(), &applied, &cause) == 0,
	    "%s", cause);
	pg_exec(conninfo,
		"INSERT INTO owners (handle, name) VALUES ('alice', 'Alice'), ('bob', 'Bob');"
		"INSERT INTO meetings (code, title, starts_on, ends_on)"
		" VALUES ('bamako-2019', 'Atelier', '2019-10-01', '2019-10-03');"
		"INSERT INTO recommendations (meeting_id, n, text, owner_id)"
		" SELECT m.id, v.n, 'text', (SELECT id FROM owners WHERE handle = v.h)"
		" FROM meetings m, (VALUES (1, 'alice'), (2, 'bob'), (3, NULL)) v(n, h)"
		" ORDER BY v.n",
		false);
	tok_admin = make_token(conn, "the-admin", ROLE_ADMIN, NULL);
	tok_viewer = make_token(conn, "the-viewer", ROLE_VIEWER, NULL);
	tok_alice = make_token(conn, "alice-token", ROLE_OWNER, "alice");
	tok_revoked = make_token(conn, "gone", ROLE_ADMIN, NULL);
	PGresult *res = PQexec(conn, "UPDATE tokens SET revoked_at = now() WHERE name = 'gone'");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(conn);

	base = event_base_new();
	port = free_port();
	char *text = xasprintf("[server]\nlisten = 127.0.0.1:%d\n", port);
	ck_assert_msg(config_parse("test.conf", text, &config, &cause) == 0, "%s", cause);
	free(text);
	struct db_pool_options po = {.conninfo = conninfo,
				     .size = 2,
				     .queue_max = 16,
				     .timeout_ms = 5000,
				     .stmt_tables = auth_stmt_tables};
	pool = db_pool_new(base, &po);
	auth = auth_new(base, pool);
	struct http_server_options opt = {.base = base,
					  .pool = pool,
					  .config = config,
					  .route_tables = auth_tables,
					  .auth = auth};
	server = http_server_new(&opt, &cause);
	ck_assert_msg(server != NULL, "%s", cause);
}

static void auth_teardown(void)
{
	db_pool_free(pool); /* first: it answers what still waits on it */
	http_server_free(server);
	auth_free(auth);
	config_free(config);
	event_base_free(base);
	free(tok_admin);
	free(tok_viewer);
	free(tok_alice);
	free(tok_revoked);
	client_token = NULL;
}

/* Answers what the router handed over: params, query, body. */
static void echo(struct api_request *r)
{
	json_t *params = json_array();
	for (unsigned i = 0; api_param(r, i) != NULL; i++)
		json_array_append_new(params, json_string(api_param(r, i)));
	json_t *query = json_object();
	api_query_each(r, echo_query, query);
	json_t *out = json_pack("{s:o, s:o}", "params", params, "query", query);
	if (api_identity(r) != NULL)
		json_object_set_new(out, "actor", json_string(api_identity(r)->name));
	if (api_body_json(r) != NULL)
		json_object_set(out, "json", api_body_json(r));
	size_t len;
	if (api_body(r, &len) != NULL) {
		json_object_set_new(out, "body", json_stringn(api_body(r, &len), len));
		json_object_set_new(out, "body_type", json_string(api_body_type(r)));
	}
	api_reply_json(r, 200, out);
}

static void echo_query(const char *key, const char *value, void *arg)
{
	json_object_set_new(arg, key, json_string(value));
}

static void reply_bad_header(struct api_request *r)
{
	api_set_header(r, "X-Test", "a\r\nInjected: yes");
	api_set_header(r, "X-Fine", "ok");
	api_reply_empty(r, 204);
}

static void reply_created(struct api_request *r)
{
	api_reply_created(r, json_pack("{s:i}", "id", 7), "/t/items/7");
}

static void reply_null(struct api_request *r)
{
	api_reply_json(r, 200, NULL); /* a builder that failed */
}

static void client_done(struct evhttp_request *req, void *arg)
{
	struct reply *r = arg;
	r->done = true;
	if (req != NULL) {
		r->status = evhttp_request_get_response_code(req);
		struct evkeyvalq *h = evhttp_request_get_input_headers(req);
		const char *v;
		if ((v = evhttp_find_header(h, "Allow")) != NULL)
			snprintf(r->allow, sizeof r->allow, "%s", v);
		if ((v = evhttp_find_header(h, "Content-Type")) != NULL)
			snprintf(r->type, sizeof r->type, "%s", v);
		if ((v = evhttp_find_header(h, "WWW-Authenticate")) != NULL)
			snprintf(r->www_auth, sizeof r->www_auth, "%s", v);
		if ((v = evhttp_find_header(h, "Location")) != NULL)
			snprintf(r->location, sizeof r->location, "%s", v);
		if (evhttp_find_header(h, "Injected") != NULL)
			snprintf(r->type, sizeof r->type, "INJECTED");
		struct evbuffer *b = evhttp_request_get_input_buffer(req);
		size_t n = evbuffer_get_length(b);
		r->body = xmalloc(n + 1);
		evbuffer_remove(b, r->body, n);
		r->body[n] = '\0';
	}
	event_base_loopbreak(base);
}

static void client_timeout(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(base);
}

/* One request on a fresh connection; runs the loop until the answer (bounded). */
static struct reply *do_request(enum evhttp_cmd_type method, const char *uri,
				const char *content_type, const char *body, size_t len)
{
	struct reply *r = xcalloc(1, sizeof *r);
	struct evhttp_connection *conn =
	    evhttp_connection_base_new(base, NULL, "127.0.0.1", (unsigned short)port);
	ck_assert_ptr_nonnull(conn);
	struct evhttp_request *req = evhttp_request_new(client_done, r);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", "127.0.0.1");
	if (content_type != NULL)
		evhttp_add_header(h, "Content-Type", content_type);
	if (client_token != NULL) {
		char *v = xasprintf("Bearer %s", client_token);
		evhttp_add_header(h, "Authorization", v);
		free(v);
	}
	if (body != NULL)
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	ck_assert_int_eq(evhttp_make_request(conn, req, method, uri), 0);
	struct event *timer = evtimer_new(base, client_timeout, NULL);
	struct timeval tv = {REPLY_BOUND_S, 0};
	evtimer_add(timer, &tv);
	event_base_dispatch(base);
	event_free(timer);
	evhttp_connection_free(conn);
	ck_assert_msg(r->done, "no answer to %s within %d s", uri, REPLY_BOUND_S);
	if (r->body == NULL)
		r->body = xstrdup("");
	return r;
}

static void reply_free(struct reply *r)
{
	free(r->body);
	free(r);
}

static json_t *reply_json(const struct reply *r)
{
	json_error_t e;
	json_t *j = json_loads(r->body, 0, &e);
	ck_assert_msg(j != NULL, "not JSON: %s (%s)", r->body, e.text);
	return j;
}

/* Checks a problem+json answer: status, code, and the RFC 9457 members. */
#define ASSERT_PROBLEM(rep, want_status, want_code)                                                \
	do {                                                                                       \
		ck_assert_int_eq((rep)->status, want_status);                                      \
		ck_assert_str_eq((rep)->type, "application/problem+json");                         \
		json_t *p_ = reply_json(rep);                                                      \
		ck_assert_str_eq(json_string_value(json_object_get(p_, "type")), "about:blank");   \
		ck_assert_int_eq(json_integer_value(json_object_get(p_, "status")), want_status);  \
		ck_assert_str_eq(json_string_value(json_object_get(p_, "code")), want_code);       \
		ck_assert_ptr_nonnull(json_string_value(json_object_get(p_, "title")));            \
		ck_assert_ptr_nonnull(json_string_value(json_object_get(p_, "detail")));           \
		json_decref(p_);                                                                   \
	} while (0)

START_TEST(test_not_found)
{
	struct reply *r = do_request(EVHTTP_REQ_GET, "/t/nothing", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 404, "not_found");
	ck_assert_ptr_null(strstr(r->body, "\"errors\""));
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/items/", NULL, NULL, 0); /* empty segment */
	ASSERT_PROBLEM(r, 404, "not_found");
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/items/a/b", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 404, "not_found");
	reply_free(r);
}
END_TEST

START_TEST(test_method_not_allowed)
{
	struct reply *r = do_request(EVHTTP_REQ_DELETE, "/t/items", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 405, "method_not_allowed");
	ck_assert_str_eq(r->allow, "GET, HEAD, POST");
	reply_free(r);
	r = do_request(EVHTTP_REQ_PATCH, "/t/recs/4/comments", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 405, "method_not_allowed");
	ck_assert_str_eq(r->allow, "POST");
	reply_free(r);
	r = do_request(EVHTTP_REQ_OPTIONS, "/t/items", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 204);
	ck_assert_str_eq(r->allow, "GET, HEAD, POST, OPTIONS");
	reply_free(r);
}
END_TEST

START_TEST(test_params_decoded)
{
	struct reply *r = do_request(EVHTTP_REQ_GET, "/t/items/caf%C3%A9%20noir", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(r->type, "application/json");
	/* UTF-8 goes out as is, not as \u escapes. */
	ck_assert_ptr_nonnull(strstr(r->body, "\"params\":[\"café noir\"]"));
	reply_free(r);
}
END_TEST

START_TEST(test_ref_forms)
{
	static const struct {
		const char *uri, *param;
	} ok[] = {
	    {"/t/recs/42", "42"},
	    {"/t/recs/bamako-2019/3", "bamako-2019/3"},
	    {"/t/recs/bamako-2019%2F3", "bamako-2019/3"},
	    {"/t/recs/5/3", "5/3"}, /* a meeting code may be all digits */
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct reply *r = do_request(EVHTTP_REQ_GET, ok[i].uri, NULL, NULL, 0);
		ck_assert_msg(r->status == 200, "%s: %d", ok[i].uri, r->status);
		json_t *j = reply_json(r);
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "params"), 0)),
				 ok[i].param);
		json_decref(j);
		reply_free(r);
	}
	struct reply *r = do_request(EVHTTP_REQ_POST, "/t/recs/bamako-2019/3/comments",
				     "application/json", "{\"comment\":\"ok\"}", 16);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "\"params\":[\"bamako-2019/3\"]"));
	reply_free(r);
	/* A parameter after a {ref} counts from the path's start, whichever form the ref
	 * took (fuzz-router found it counted from the ref). */
	r = do_request(EVHTTP_REQ_GET, "/t/recs/bamako-2019/3/notes/first", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(strstr(r->body, "\"params\":[\"bamako-2019/3\",\"first\"]") != NULL, "%s",
		      r->body);
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/recs/42/notes/second", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(strstr(r->body, "\"params\":[\"42\",\"second\"]") != NULL, "%s", r->body);
	reply_free(r);
	static const char *const refused[] = {"/t/recs/abc", "/t/recs/bamako-2019/x",
					      "/t/recs/a/b/3", "/t/recs/bamako-2019%2F"};
	for (size_t i = 0; i < ARRAY_LEN(refused); i++) {
		r = do_request(EVHTTP_REQ_GET, refused[i], NULL, NULL, 0);
		ck_assert_msg(r->status == 404, "%s: %d", refused[i], r->status);
		reply_free(r);
	}
}
END_TEST

START_TEST(test_bad_paths)
{
	static const char *const bad[] = {"/t/items/%zz", "/t/items/%4", "/t/items/a%00b",
					  "/t/items/%C3", "/t/items/%ED%A0%80"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct reply *r = do_request(EVHTTP_REQ_GET, bad[i], NULL, NULL, 0);
		ck_assert_msg(r->status == 400, "%s: %d", bad[i], r->status);
		ASSERT_PROBLEM(r, 400, "malformed_path");
		reply_free(r);
	}
}
END_TEST

START_TEST(test_query)
{
	struct reply *r = do_request(EVHTTP_REQ_GET, "/t/items?a=1&b=x%20y", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "\"query\":{\"a\":\"1\",\"b\":\"x y\"}"));
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/items?flag", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 400, "malformed_query");
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/items?a=%FF", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 400, "malformed_query");
	reply_free(r);
}
END_TEST

START_TEST(test_json_body)
{
	struct reply *r = do_request(EVHTTP_REQ_POST, "/t/items", "text/plain", "{}", 2);
	ASSERT_PROBLEM(r, 415, "unsupported_media_type");
	reply_free(r);
	r = do_request(EVHTTP_REQ_POST, "/t/items", "application/json; charset=latin1", "{}", 2);
	ASSERT_PROBLEM(r, 415, "unsupported_media_type");
	reply_free(r);
	r = do_request(EVHTTP_REQ_POST, "/t/items", "Application/JSON; charset=UTF-8",
		       "{\"k\":\"é\"}", strlen("{\"k\":\"é\"}"));
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "\"json\":{\"k\":\"é\"}"));
	reply_free(r);
	static const char *const bad[] = {"{\"a\":1,\"a\":2}", "{\"a\":",          "{} x",
					  "\"str\"",           "{\"a\":\"\xff\"}", ""};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		r = do_request(EVHTTP_REQ_POST, "/t/items", "application/json", bad[i],
			       strlen(bad[i]));
		ASSERT_PROBLEM(r, 400, "malformed_json");
		reply_free(r);
	}
	/* No body and no type: an empty object, for POSTs whose fields are all optional. */
	r = do_request(EVHTTP_REQ_POST, "/t/items", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "\"json\":{}"));
	reply_free(r);
}
END_TEST

START_TEST(test_import_body)
{
	const char text[] = "- one\n- deux é\n";
	struct reply *r = do_request(EVHTTP_REQ_POST, "/t/import", "text/plain; charset=utf-8",
				     text, strlen(text));
	ck_assert_int_eq(r->status, 200);
	json_t *j = reply_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "body")), text);
	ck_assert_str_eq(json_string_value(json_object_get(j, "body_type")), "text/plain");
	json_decref(j);
	reply_free(r);
	r = do_request(EVHTTP_REQ_POST, "/t/import", "text/csv", "a,b\n", 4);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "\"body_type\":\"text/csv\""));
	reply_free(r);
	r = do_request(EVHTTP_REQ_POST, "/t/import", "application/xml", "<a/>", 4);
	ASSERT_PROBLEM(r, 415, "unsupported_media_type");
	reply_free(r);
	r = do_request(EVHTTP_REQ_POST, "/t/import", "text/plain", "caf\xe9", 4);
	ASSERT_PROBLEM(r, 400, "malformed_body");
	reply_free(r);
}
END_TEST

START_TEST(test_body_too_large)
{
	char *big = xmalloc(4096);
	memset(big, ' ', 4096);
	big[0] = '{';
	big[4095] = '}';
	struct reply *r = do_request(EVHTTP_REQ_POST, "/t/items", "application/json", big, 4096);
	/* Ours, not libevent's HTML page: 4096 is under libevent's cap for max_body 2048. */
	ASSERT_PROBLEM(r, 413, "body_too_large");
	reply_free(r);
	/* Exactly max_body is taken. */
	big[2047] = '}';
	r = do_request(EVHTTP_REQ_POST, "/t/items", "application/json", big, 2048);
	ck_assert_int_eq(r->status, 200);
	reply_free(r);
	free(big);
}
END_TEST

START_TEST(test_reply_helpers)
{
	struct reply *r = do_request(EVHTTP_REQ_GET, "/t/bad-header", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 204);
	ck_assert_str_ne(r->type, "INJECTED");
	reply_free(r);
	r = do_request(EVHTTP_REQ_POST, "/t/created", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 201);
	ck_assert_str_eq(r->location, "/t/items/7");
	ck_assert_str_eq(r->body, "{\"id\":7}\n");
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/null", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 500, "internal_error");
	reply_free(r);
	/* Every answer was counted out again. */
	ck_assert_uint_eq(http_server_inflight(server), 0);
}
END_TEST

START_TEST(test_head_served_by_get)
{
	struct reply *r = do_request(EVHTTP_REQ_HEAD, "/t/items", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(r->body, "");
	reply_free(r);
}
END_TEST

START_TEST(test_token_required)
{
	struct reply *r = do_request(EVHTTP_REQ_GET, "/t/read", NULL, NULL, 0);
	ASSERT_PROBLEM(r, 401, "missing_token");
	ck_assert_ptr_nonnull(strstr(r->www_auth, "Bearer"));
	reply_free(r);
	static const char *const bad[] = {"suivi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nope",
					  "suivi_x y", NULL};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		client_token = bad[i] != NULL ? bad[i] : tok_revoked;
		r = do_request(EVHTTP_REQ_GET, "/t/read", NULL, NULL, 0);
		ASSERT_PROBLEM(r, 401, "invalid_token");
		ck_assert_ptr_nonnull(strstr(r->www_auth, "Bearer"));
		reply_free(r);
	}
	/* The scheme is case-insensitive. */
	client_token = NULL;
	struct evhttp_connection *conn =
	    evhttp_connection_base_new(base, NULL, "127.0.0.1", (unsigned short)port);
	struct reply *lr = xcalloc(1, sizeof *lr);
	struct evhttp_request *req = evhttp_request_new(client_done, lr);
	char *v = xasprintf("bEaReR  %s", tok_viewer);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Authorization", v);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "x");
	free(v);
	ck_assert_int_eq(evhttp_make_request(conn, req, EVHTTP_REQ_GET, "/t/read"), 0);
	event_base_dispatch(base);
	ck_assert(lr->done);
	ck_assert_int_eq(lr->status, 200);
	ck_assert_ptr_nonnull(strstr(lr->body, "\"actor\":\"the-viewer\""));
	evhttp_connection_free(conn);
	reply_free(lr);
}
END_TEST

START_TEST(test_roles_ordered)
{
	client_token = tok_viewer;
	struct reply *r = do_request(EVHTTP_REQ_POST, "/t/write", "application/json", "{}", 2);
	ASSERT_PROBLEM(r, 403, "forbidden");
	reply_free(r);
	client_token = tok_alice;
	r = do_request(EVHTTP_REQ_POST, "/t/write", "application/json", "{}", 2);
	ASSERT_PROBLEM(r, 403, "forbidden");
	reply_free(r);
	r = do_request(EVHTTP_REQ_GET, "/t/read", NULL, NULL, 0); /* owner reads */
	ck_assert_int_eq(r->status, 200);
	reply_free(r);
	client_token = tok_admin; /* admin is above secretariat */
	r = do_request(EVHTTP_REQ_POST, "/t/write", "application/json", "{}", 2);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "\"actor\":\"the-admin\""));
	reply_free(r);
	/* A forbidden request never reaches the body checks. */
	client_token = tok_viewer;
	r = do_request(EVHTTP_REQ_POST, "/t/write", "text/plain", "x", 1);
	ASSERT_PROBLEM(r, 403, "forbidden");
	reply_free(r);
}
END_TEST

START_TEST(test_owner_scope)
{
	static const struct {
		const char *uri;
		int status;
	} cases[] = {
	    {"/t/recs/1/act", 200},             /* alice leads it */
	    {"/t/recs/bamako-2019/1/act", 200}, /* same by ref */
	    {"/t/recs/2/act", 403},             /* bob's */
	    {"/t/recs/bamako-2019/2/act", 403},
	    {"/t/recs/3/act", 403},   /* nobody's */
	    {"/t/recs/999/act", 200}, /* does not exist: the handler's 404 */
	    {"/t/recs/bamako-2019/99/act", 200},
	    {"/t/recs/nowhere/1/act", 200},
	    {"/t/recs/99999999999999999999999/act", 200},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		client_token = tok_alice;
		struct reply *r =
		    do_request(EVHTTP_REQ_POST, cases[i].uri, "application/json", "{}", 2);
		ck_assert_msg(r->status == cases[i].status, "%s: %d %s", cases[i].uri, r->status,
			      r->body);
		if (cases[i].status == 403)
			ASSERT_PROBLEM(r, 403, "not_your_recommendation");
		reply_free(r);
		/* Roles above owner are not scoped. */
		client_token = tok_admin;
		r = do_request(EVHTTP_REQ_POST, cases[i].uri, "application/json", "{}", 2);
		ck_assert_msg(r->status == 200, "admin %s: %d", cases[i].uri, r->status);
		reply_free(r);
	}
}
END_TEST

START_TEST(test_database_down_is_503)
{
	client_token = tok_viewer;
	struct reply *r = do_request(EVHTTP_REQ_GET, "/t/read", NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	reply_free(r);
	pg_cluster_stop(cluster);
	r = do_request(EVHTTP_REQ_GET, "/t/read", NULL, NULL, 0);
	pg_cluster_restart(cluster);
	ASSERT_PROBLEM(r, 503, "database_unavailable");
	reply_free(r);
}
END_TEST

/* The order in which the pool's work came back: arg is the work's number. */
static int finished[8], nfinished;

static void note_finished(PGresult *res, const struct db_error *err, void *arg)
{
	ck_assert_msg(res != NULL, "work %d failed: %s", (int)(intptr_t)arg,
		      err != NULL ? err->message : "?");
	finished[nfinished++] = (int)(intptr_t)arg;
	if (nfinished == 5)
		event_base_loopbreak(base);
}

/* Work sent with db_exec_first runs before the work already waiting: GET /v1/health's ping
 * measures the database, not the queue (behind a busy pool's waiting requests the HTTP
 * fuzzer saw it miss its 1.5 s deadline and answer 503 "unavailable", the database up). */
START_TEST(test_first_goes_ahead_of_the_queue)
{
	nfinished = 0;
	/* Both connections busy (or still connecting) and work waiting behind them. */
	for (intptr_t i = 1; i <= 4; i++)
		ck_assert_int_eq(db_exec(pool, "t_slow", 0, NULL, note_finished, (void *)i), 0);
	ck_assert_int_eq(db_exec_first(pool, "t_ping", 0, NULL, note_finished, (void *)9), 0);
	struct event *timer = evtimer_new(base, client_timeout, NULL);
	struct timeval tv = {REPLY_BOUND_S, 0};
	evtimer_add(timer, &tv);
	event_base_dispatch(base);
	event_free(timer);
	ck_assert_int_eq(nfinished, 5);
	int ping_at = -1, third_at = -1, fourth_at = -1;
	for (int i = 0; i < nfinished; i++) {
		if (finished[i] == 9)
			ping_at = i;
		else if (finished[i] == 3)
			third_at = i;
		else if (finished[i] == 4)
			fourth_at = i;
	}
	ck_assert_msg(ping_at < third_at && ping_at < fourth_at,
		      "the ping came back after queued work: %d %d %d %d %d", finished[0],
		      finished[1], finished[2], finished[3], finished[4]);
}
END_TEST

Suite *make_http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("router");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_method_not_allowed);
	tcase_add_test(tc, test_params_decoded);
	tcase_add_test(tc, test_ref_forms);
	tcase_add_test(tc, test_bad_paths);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_json_body);
	tcase_add_test(tc, test_import_body);
	tcase_add_test(tc, test_body_too_large);
	tcase_add_test(tc, test_reply_helpers);
	tcase_add_test(tc, test_head_served_by_get);
	suite_add_tcase(s, tc);

	tc = tcase_create("auth");
	tcase_add_unchecked_fixture(tc, cluster_setup, cluster_teardown);
	tcase_add_checked_fixture(tc, auth_setup, auth_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_token_required);
	tcase_add_test(tc, test_roles_ordered);
	tcase_add_test(tc, test_owner_scope);
	tcase_add_test(tc, test_database_down_is_503);
	tcase_add_test(tc, test_first_goes_ahead_of_the_queue);
	suite_add_tcase(s, tc);
	return s;
}
