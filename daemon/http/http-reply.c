/* http-reply.c — what handlers see of a request (parameters, query, headers, body) and
 * how they answer it: JSON, bytes, 204, and RFC 9457 problem+json. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "http/http-internal.h"
#include "http/http.h"
#include "core/log.h"
#include "utf8.h"

/* --- accessors -------------------------------------------------------------------------- */

struct db_pool *api_pool(struct api_request *r)
{
	return r->server->pool;
}

const struct config *api_config(struct api_request *r)
{
	return r->server->config;
}

struct event_base *api_base(struct api_request *r)
{
	return r->server->base;
}

void *api_app(struct api_request *r)
{
	return r->server->app;
}

const struct identity *api_identity(struct api_request *r)
{
	return r->authenticated ? &r->identity : NULL;
}

enum evhttp_cmd_type api_method(struct api_request *r)
{
	return r->method;
}

const char *api_param(struct api_request *r, unsigned i)
{
	return i < r->nparams ? r->params[i] : NULL;
}

const char *api_query(struct api_request *r, const char *key)
{
	return evhttp_find_header(&r->query, key);
}

size_t api_query_all(struct api_request *r, const char *key, const char **out, size_t max)
{
	size_t n = 0;
	struct evkeyval *kv;
	TAILQ_FOREACH (kv, &r->query, next) {
		if (strcmp(kv->key, key) == 0 && n < max)
			out[n++] = kv->value;
	}
	return n;
}

void api_query_each(struct api_request *r,
		    void (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	struct evkeyval *kv;
	TAILQ_FOREACH (kv, &r->query, next)
		fn(kv->key, kv->value, arg);
}

const char *api_header(struct api_request *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->req), name);
}

json_t *api_body_json(struct api_request *r)
{
	return r->body_json;
}

const char *api_body(struct api_request *r, size_t *len)
{
	if (len != NULL)
		*len = r->body_len;
	return r->body;
}

const char *api_body_type(struct api_request *r)
{
	return r->body_type;
}

/* --- replies ---------------------------------------------------------------------------- */

void api_set_header(struct api_request *r, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		log_warnx("event=header_refused name=%s", log_quote(name));
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(r->req), name, value);
}

void api_reply_json(struct api_request *r, int status, json_t *body)
{
	/* No JSON_ENSURE_ASCII: UTF-8 text goes out byte for byte as it came in. */
	char *text = body == NULL ? NULL : json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	if (text == NULL) {
		log_warnx("event=reply_build_failed path=%s", log_quote(r->path));
		api_problem(r, 500, "internal_error", NULL, "internal error");
		return;
	}
	size_t len = strlen(text);
	text[len] = '\n'; /* replaces the NUL: the length is what counts */
	http_request_send(r, status, "application/json", text, len + 1);
	free(text);
}

void api_reply_json_buffer(struct api_request *r, int status, struct evbuffer *buf)
{
	http_request_send_buffer(r, status, "application/json", buf);
}

void api_reply_created(struct api_request *r, json_t *body, const char *location)
{
	api_set_header(r, "Location", location);
	api_reply_json(r, 201, body);
}

void api_reply_bytes(struct api_request *r, int status, const char *content_type, const char *data,
		     size_t len)
{
	http_request_send(r, status, content_type, data, len);
}

void api_reply_empty(struct api_request *r, int status)
{
	http_request_send(r, status, NULL, NULL, 0);
}

void api_problem(struct api_request *r, int status, const char *code, json_t *errors,
		 const char *detail_fmt, ...)
{
	va_list ap;
	va_start(ap, detail_fmt);
	char *detail = xvasprintf(detail_fmt, ap);
	va_end(ap);
	if (!utf8_valid(detail, strlen(detail))) {
		free(detail);
		detail = xstrdup("(detail not shown: not UTF-8)");
	}
	json_t *p = json_object();
	json_object_set_new(p, "type", json_string("about:blank"));
	json_object_set_new(p, "title", json_string(http_status_phrase(status)));
	json_object_set_new(p, "status", json_integer(status));
	json_object_set_new(p, "detail", json_string(detail));
	json_object_set_new(p, "code", json_string(code));
	if (errors != NULL)
		json_object_set_new(p, "errors", errors);
	free(detail);
	char *text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (text == NULL) {
		/* Out of memory or a code that is not UTF-8: still answer something valid. */
		text = xasprintf("{\"type\":\"about:blank\",\"status\":%d}", status);
	}
	size_t len = strlen(text);
	text[len] = '\n';
	http_request_send(r, status, "application/problem+json", text, len + 1);
	free(text);
}

void api_problem_db(struct api_request *r, const struct db_error *err)
{
	int status = err == NULL ? 500 : db_error_http_status(err);
	switch (status) {
	case 503:
		api_set_header(r, "Retry-After", "5");
		api_problem(r, 503, "database_unavailable", NULL,
			    "the database is unavailable; try again later");
		break;
	case 409:
		api_problem(r, 409, "conflict", NULL, "%s",
			    err->detail != NULL ? err->detail : err->message);
		break;
	case 422:
		api_problem(r, 422, "invalid", NULL, "%s", err->message);
		break;
	default:
		log_warnx("event=db_error path=%s sqlstate=%s message=%s", log_quote(r->path),
			  err == NULL ? "-" : err->sqlstate,
			  log_quote(err == NULL || err->message == NULL ? "" : err->message));
		api_problem(r, 500, "internal_error", NULL, "internal error");
		break;
	}
}

const char *http_status_phrase(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 409:
		return "Conflict";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 428:
		return "Precondition Required";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Server Error";
	}
}

/* Whether If-None-Match lists etag (or is "*"); weak validators compare too (RFC 9110
 * 13.1.2 uses the weak comparison for If-None-Match). */
bool api_if_none_match(struct api_request *r, const char *etag)
{
	const char *header = api_header(r, "If-None-Match");
	if (header == NULL)
		return false;
	size_t elen = strlen(etag);
	for (const char *p = header; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		size_t len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == elen && memcmp(p, etag, elen) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}
