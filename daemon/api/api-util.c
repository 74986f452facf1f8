/* api-util.c — helpers shared by the API resource files. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api-util.h"
#include "base64.h"
#include "core/config.h"
#include "date.h"
#include "core/log.h"
#include "util.h"
#include "api/validate.h"
#include "utf8.h"

void api_reply_json_text(struct api_request *r, int status, const char *json, size_t len)
{
	api_reply_bytes(r, status, "application/json", json, len);
}

void api_reply_row(struct api_request *r, int status, PGresult *res, const char *what,
		   const char *location)
{
	if (res == NULL || PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		api_problem(r, 404, "not_found", NULL, "no such %s", what);
		return;
	}
	const char *json = PQgetvalue(res, 0, 0);
	if (location != NULL)
		api_set_header(r, "Location", location);
	api_reply_json_text(r, status, json, (size_t)PQgetlength(res, 0, 0));
}

void api_reply_page(struct api_request *r, const char *items, const char *next_key)
{
	char *cursor = next_key != NULL ? api_cursor_encode(next_key) : NULL;
	char *body = cursor != NULL ? xasprintf("{\"items\":%s,\"next\":\"%s\"}", items, cursor)
				    : xasprintf("{\"items\":%s,\"next\":null}", items);

	api_reply_json_text(r, 200, body, strlen(body));
	free(body);
	free(cursor);
}

void api_problem_ext(struct api_request *r, int status, const char *code, json_t *ext,
		     const char *detail)
{
	json_t *p = json_object();

	json_object_set_new(p, "type", json_string("about:blank"));
	json_object_set_new(p, "title", json_string(http_status_phrase(status)));
	json_object_set_new(p, "status", json_integer(status));
	json_t *d = json_string(detail != NULL ? detail : "");
	json_object_set_new(p, "detail", d != NULL ? d : json_string("(detail not UTF-8)"));
	json_object_set_new(p, "code", json_string(code != NULL ? code : "error"));
	if (json_is_object(ext)) {
		const char *k;
		json_t *v;
		json_object_foreach (ext, k, v) {
			if (json_object_get(p, k) == NULL)
				json_object_set(p, k, v);
		}
	}
	json_decref(ext);
	char *text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (text == NULL) {
		api_problem(r, status, code, NULL, "%s", detail != NULL ? detail : "");
		return;
	}
	api_reply_bytes(r, status, "application/problem+json", text, strlen(text));
	free(text);
}

void api_fail_db(struct api_request *r, const struct db_error *err)
{
	const char *s = err != NULL && err->sqlstate != NULL ? err->sqlstate : "";

	if (err != NULL && err->status == DB_ERROR && s[0] == 'S' && s[1] == 'U') {
		int status = atoi(s + 2);
		if (status < 400 || status > 499)
			status = 422;
		json_t *ext = NULL;
		if (err->detail != NULL && err->detail[0] == '{')
			ext = json_loads(err->detail, 0, NULL);
		api_problem_ext(r, status, err->hint != NULL ? err->hint : "refused", ext,
				err->message);
		return;
	}
	api_problem_db(r, err);
}

char *api_checked_body(struct api_request *r, const struct field_spec *specs)
{
	json_t *errors = NULL;

	if (!validate_object(api_body_json(r), specs, &errors)) {
		api_problem(r, 422, "invalid_fields", errors, "some fields are invalid");
		return NULL;
	}
	char *text = json_dumps(api_body_json(r), JSON_COMPACT);
	if (text == NULL)
		api_problem(r, 500, "internal", NULL, "cannot encode the body");
	return text;
}

/* What exec_reply_done needs besides the result. */
struct exec_reply {
	struct api_request *r;
	int status;
	char *location;
};

static void exec_reply_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct exec_reply *e = arg;

	if (err != NULL)
		api_fail_db(e->r, err);
	else
		api_reply_row(e->r, e->status, res, "resource", e->location);
	free(e->location);
	free(e);
}

void api_exec_reply(struct api_request *r, const char *stmt, int nparams, const char *const *params,
		    int status, const char *location)
{
	struct exec_reply *e = xcalloc(1, sizeof *e);

	e->r = r;
	e->status = status;
	e->location = location != NULL ? xstrdup(location) : NULL;
	if (db_exec(api_pool(r), stmt, nparams, params, exec_reply_done, e) == -1) {
		free(e->location);
		free(e);
		api_problem(r, 500, "internal", NULL, "unknown statement");
	}
}

void api_today(struct api_request *r, char out[11])
{
	/* date_today() switches TZ and so reads the zone file twice: on the request path,
	 * do that once a second at most (the answer only changes at midnight). */
	static char cached_tz[128], cached_day[11];
	static time_t cached_at = -1;
	const char *tz = api_config(r)->timezone;
	time_t now = time(NULL);
	struct date d;

	if (now != cached_at || strcmp(tz, cached_tz) != 0) {
		if (date_today(tz, &d)) {
			date_format(&d, cached_day);
		} else {
			/* Loading the configuration refused an unknown zone: its file has gone
			 * since. Not silently: keep the last day known (UTC's before any), and say
			 * so once a second while it lasts. */
			if (cached_day[0] == '\0' && date_today("UTC", &d))
				date_format(&d, cached_day);
			log_warnx(
			    "event=timezone_unknown timezone=%s today=%s cause=\"no zone file\"",
			    log_quote(tz), cached_day);
		}
		snprintf(cached_tz, sizeof cached_tz, "%s", tz);
		cached_at = now;
	}
	memcpy(out, cached_day, sizeof cached_day);
}

struct query_check {
	const char *const *allowed;
	json_t **errors;
	bool ok;
};

static void query_check_one(const char *key, const char *value, void *arg)
{
	struct query_check *c = arg;

	for (const char *const *a = c->allowed; *a != NULL; a++)
		if (strcmp(*a, key) == 0)
			return;
	validate_error_add(c->errors, key, "is not a known parameter");
	c->ok = false;
}

bool api_check_query(struct api_request *r, const char *const *allowed, json_t **errors)
{
	struct query_check c = {allowed, errors, true};

	api_query_each(r, query_check_one, &c);
	return c.ok;
}

char *api_cursor_encode(const char *key)
{
	char *plain = xasprintf("k:%s", key);
	size_t n = strlen(plain);
	char *out = xmalloc(BASE64_URL_LEN(n) + 1);

	base64_url_encode(plain, n, out);
	free(plain);
	return out;
}

char *api_cursor_decode(const char *cursor)
{
	size_t n = strlen(cursor), o;

	if (n == 0 || n > 512)
		return NULL;
	char *out = base64_url_decode(cursor, n, &o);
	if (out == NULL)
		return NULL;
	if (o < 2 || out[0] != 'k' || out[1] != ':' || memchr(out, '\0', o) != NULL ||
	    !utf8_valid(out, o)) {
		free(out);
		return NULL;
	}
	memmove(out, out + 2, o - 1);
	return out;
}

int api_if_match(struct api_request *r, char out[16])
{
	const char *h = api_header(r, "If-Match");
	size_t n;

	if (h == NULL)
		return 0;
	while (*h == ' ')
		h++;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	n = strspn(h, "0123456789");
	if (n == 0 || n > 9 || (h[n] != '"' && h[n] != '\0' && h[n] != ' ')) {
		api_problem(r, 400, "bad_if_match", NULL,
			    "If-Match must be the quoted version from the ETag, like \"3\"");
		return -1;
	}
	memcpy(out, h, n);
	out[n] = '\0';
	return 1;
}

void api_set_etag_from_json(struct api_request *r, const char *json)
{
	/* The representation is ours: "version" : N appears once at top level (json and jsonb
	 * put the blanks differently around the colon). A string value cannot match: its
	 * quotes would be escaped. */
	const char *v = strstr(json, "\"version\"");
	char tag[24];

	if (v == NULL)
		return;
	v += strlen("\"version\"");
	while (*v == ' ')
		v++;
	if (*v++ != ':')
		return;
	while (*v == ' ')
		v++;
	size_t n = strspn(v, "0123456789");
	if (n == 0 || n > 9)
		return;
	snprintf(tag, sizeof tag, "\"%.*s\"", (int)n, v);
	api_set_header(r, "ETag", tag);
}

static void list_simple_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL)
		api_fail_db(r, err);
	else
		api_reply_row(r, 200, res, "list", NULL);
}

void api_list_simple(struct api_request *r, const char *stmt)
{
	static const char *const allowed[] = {"limit", "after", NULL};
	json_t *errors = NULL;
	long limit = 50;
	char limit_text[16];

	api_check_query(r, allowed, &errors);
	validate_query_int("limit", api_query(r, "limit"), 1, 500, &limit, &errors);
	const char *after = api_query(r, "after");
	if (after != NULL && (after[0] == '\0' || strlen(after) > 200))
		validate_error_add(&errors, "after", "is not a cursor from a previous page");
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	snprintf(limit_text, sizeof limit_text, "%ld", limit);
	const char *params[] = {after, limit_text};
	if (db_exec(api_pool(r), stmt, 2, params, list_simple_done, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
}
