/* apitest.c — see apitest.h. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <libpq-fe.h>
#include <unistd.h>

#include "apitest.h"

#define REQUEST_TIMEOUT_MS 10000

struct apitest at;

static char *query(const char *sql);
static json_t *call(const char *token, const char *method, const char *path, const char *body,
		    const char *headers, int expect);

char *apitest_conf(const char *conninfo)
{
	/* The hook is /bin/true: a reminder run at start (a "missed run") must not try a real
	 * sendmail. */
	return xasprintf("[server]\n"
			 "listen = 127.0.0.1:%%PORT%%\n"
			 "request_timeout = 30\n"
			 "max_connections = 1000\n"
			 "[database]\n"
			 "url = %s\n"
			 "pool = 4\n"
			 "data_dir = %%DIR%%/d\n"
			 "[schedule]\n"
			 "timezone = Europe/Brussels\n"
			 "[mail]\n"
			 "reply_address = suivi@example.org\n"
			 "[hook]\n"
			 "command = /bin/true\n"
			 "[log]\n"
			 "level = warn\n",
			 conninfo);
}

void apitest_start(void)
{
	at.pg = pg_cluster_start();
	at.db = pg_cluster_new_database(at.pg);
	char *conf = apitest_conf(at.db);
	at.d = suivid_start(conf, NULL, true);
	free(conf);
	at.port = suivid_port(at.d);
	at.admin = suivid_make_token(at.d, "admin-test", "admin", NULL);
	at.secretariat = suivid_make_token(at.d, "secretariat-bruxelles", "secretariat", NULL);
	at.viewer = suivid_make_token(at.d, "viewer-test", "viewer", NULL);
}

void apitest_stop(void)
{
	suivid_stop(at.d);
	pg_cluster_destroy(at.pg);
	free(at.admin);
	free(at.secretariat);
	free(at.viewer);
}

struct http_response *hreq(const char *token, const char *method, const char *path,
			   const char *ctype, const char *body, const char *headers)
{
	struct http_response *r =
	    http_do(at.port, method, path, token, ctype, body, headers, REQUEST_TIMEOUT_MS);
	ck_assert_msg(r->status != 0, "%s %s: no answer within %d ms", method, path,
		      REQUEST_TIMEOUT_MS);
	ck_assert_msg(r->status < 500, "%s %.200s: %d %.2000s", method, path, r->status, r->body);
	return r;
}

static json_t *call(const char *token, const char *method, const char *path, const char *body,
		    const char *headers, int expect)
{
	struct http_response *r = hreq(token, method, path, NULL, body, headers);
	ck_assert_msg(r->status == expect, "%s %.200s %.300s: expected %d, got %d %.2000s", method,
		      path, body != NULL ? body : "", expect, r->status, r->body);
	json_t *j = NULL;
	if (r->body_len > 0) {
		j = http_json(r);
		ck_assert_msg(j != NULL, "%s %s: the answer is not JSON: %s", method, path,
			      r->body);
	}
	if (expect >= 400) {
		char *ct = http_header(r, "Content-Type");
		ck_assert_msg(ct != NULL && strncmp(ct, "application/problem+json", 24) == 0,
			      "%s %s: a %d as %s", method, path, expect, ct != NULL ? ct : "?");
		ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), expect);
		free(ct);
	}
	http_response_free(r);
	return j;
}

json_t *hcall(const char *token, const char *method, const char *path, const char *body, int expect)
{
	return call(token, method, path, body, NULL, expect);
}

json_t *hcallh(const char *token, const char *method, const char *path, const char *body,
	       const char *headers, int expect)
{
	return call(token, method, path, body, headers, expect);
}

bool problem_names(const json_t *problem, const char *field)
{
	json_t *errors = json_object_get(problem, "errors");
	size_t i;
	json_t *e;

	json_array_foreach (errors, i, e) {
		const char *f = json_string_value(json_object_get(e, "field"));
		if (f != NULL && strcmp(f, field) == 0)
			return true;
	}
	return false;
}

size_t problem_errors(const json_t *problem)
{
	return json_array_size(json_object_get(problem, "errors"));
}

/* The first value of sql on one connection per process (Check's children do not share the
 * parent's): a new connection per query would cost more than the query. */
static char *query(const char *sql)
{
	static PGconn *conn;
	static pid_t conn_pid;

	if (conn == NULL || conn_pid != getpid()) {
		conn = PQconnectdb(at.db);
		conn_pid = getpid();
		ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "connect: %s", PQerrorMessage(conn));
	}
	PGresult *res = PQexec(conn, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
		      PQresultErrorMessage(res));
	char *v =
	    PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return v;
}

char *dbval(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *sql = xvasprintf(fmt, ap);
	va_end(ap);
	char *v = query(sql);
	free(sql);
	return v;
}

long long dbnum(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *sql = xvasprintf(fmt, ap);
	va_end(ap);
	char *v = query(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	free(sql);
	return n;
}

char *state_digest(void)
{
	return dbval(
	    "SELECT concat_ws(' ',"
	    " (SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY id),"
	    "  '')) FROM owners t),"
	    " (SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY id),"
	    "  '')) FROM meetings t),"
	    " (SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY id),"
	    "  '')) FROM recommendations t),"
	    " (SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|'"
	    "  ORDER BY rec_id, owner_id), '')) FROM recommendation_supporters t),"
	    " (SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY id),"
	    "  '')) FROM history t),"
	    " (SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY id),"
	    "  '')) FROM tokens t))");
}

void mk_owner(const char *handle)
{
	char *body = xasprintf("{\"handle\":\"%s\",\"name\":\"Owner %s\","
			       "\"email\":\"%s@example.org\"}",
			       handle, handle, handle);
	json_decref(hcall(at.secretariat, "POST", "/v1/owners", body, 201));
	free(body);
}

void mk_meeting(const char *code, const char *starts_on, const char *series)
{
	char *s = series != NULL ? xasprintf(",\"series\":\"%s\"", series) : xstrdup("");
	char *body = xasprintf("{\"code\":\"%s\",\"title\":\"Meeting %s\",\"starts_on\":\"%s\"%s}",
			       code, code, starts_on, s);
	json_decref(hcall(at.secretariat, "POST", "/v1/meetings", body, 201));
	free(body);
	free(s);
}

json_t *mk_rec(const char *body)
{
	return hcall(at.secretariat, "POST", "/v1/recommendations", body, 201);
}

long long mk_rec_id(const char *meeting, const char *owner, const char *due_on)
{
	char *o = owner != NULL ? xasprintf(",\"owner\":\"%s\"", owner) : xstrdup("");
	char *d = due_on != NULL ? xasprintf(",\"due_on\":\"%s\"", due_on) : xstrdup("");
	char *body =
	    xasprintf("{\"meeting\":\"%s\",\"text\":\"A recommendation.\"%s%s}", meeting, o, d);
	json_t *rec = mk_rec(body);
	long long id = JINT(rec, "id");
	ck_assert_int_gt(id, 0);
	json_decref(rec);
	free(body);
	free(o);
	free(d);
	return id;
}

char *mk_owner_token(const char *handle)
{
	char *body = xasprintf("{\"name\":\"owner-%s\",\"role\":\"owner\",\"owner\":\"%s\"}",
			       handle, handle);
	json_t *j = hcall(at.admin, "POST", "/v1/tokens", body, 201);
	const char *t = JSTR(j, "token");
	ck_assert_msg(t != NULL && strncmp(t, "suivi_", 6) == 0, "token %s", t != NULL ? t : "?");
	char *token = xstrdup(t);
	json_decref(j);
	free(body);
	return token;
}

char *jdump(json_t *j)
{
	ck_assert_msg(j != NULL, "cannot build a JSON body");
	char *s = json_dumps(j, JSON_COMPACT);
	ck_assert_ptr_nonnull(s);
	json_decref(j);
	return s;
}

char *urlenc(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1);
	char *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

char *read_data(const char *name, size_t *len)
{
	const char *dir = getenv("SUIVI_TEST_DATA");
	ck_assert_msg(dir != NULL, "SUIVI_TEST_DATA is not set");
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	char *buf = xmalloc(1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	free(path);
	if (len != NULL)
		*len = n;
	return buf;
}
