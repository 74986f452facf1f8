/* request.c — API calls and the mapping of their answers to exit codes and sentences. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "table.h"

#define MAX_PAGE 500 /* the server's largest page */

static bool is_json_type(const char *ct);
static char *append(char *s, const char *fmt, ...) PRINTFLIKE(2, 3);

static bool is_json_type(const char *ct)
{
	if (ct == NULL)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	       (n == 24 && strncasecmp(ct, "application/problem+json", 24) == 0);
}

static char *append(char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *tail = xvasprintf(fmt, ap);
	va_end(ap);
	char *n = xasprintf("%s%s", s, tail);
	free(s);
	free(tail);
	return n;
}

int request_exit_code(int status)
{
	if (status >= 200 && status < 300)
		return EXIT_DONE;
	if (status == 401 || status == 403)
		return EXIT_AUTH;
	if (status >= 400 && status < 500)
		return EXIT_REFUSED;
	return EXIT_UNREACHABLE;
}

char *request_error_sentence(int status, const char *content_type, const char *body,
			     size_t body_len)
{
	json_t *p = NULL;
	char *s;

	if (body != NULL && body_len > 0 && is_json_type(content_type))
		p = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(p)) {
		json_decref(p);
		if (status >= 500)
			return xasprintf("the server failed (HTTP %d)", status);
		return xasprintf("the server refused the request (HTTP %d)", status);
	}
	const char *detail = json_string_value(json_object_get(p, "detail"));
	const char *title = json_string_value(json_object_get(p, "title"));
	const char *code = json_string_value(json_object_get(p, "code"));
	if (detail != NULL && detail[0] != '\0')
		s = xstrdup(detail);
	else if (title != NULL && title[0] != '\0')
		s = xasprintf("%s (HTTP %d)", title, status);
	else
		s = xasprintf("HTTP %d", status);
	/* One sentence: the pieces below are joined with ": " and "; ". */
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ' '))
		s[--len] = '\0';

	json_t *errors = json_object_get(p, "errors");
	size_t i;
	json_t *e;
	int shown = 0;
	json_array_foreach (errors, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (msg == NULL)
			continue;
		/* The detail often repeats the only error already. */
		if (strstr(s, msg) != NULL)
			continue;
		s = append(s, "%s%s%s%s", shown++ == 0 ? ": " : "; ", field != NULL ? field : "",
			   field != NULL ? ": " : "", msg);
	}
	if (code != NULL && strcmp(code, "invalid_transition") == 0) {
		json_t *allowed = json_object_get(p, "allowed");
		char *list = client_join(allowed);
		s = append(s, ": allowed: %s", list[0] != '\0' ? list : "none");
		free(list);
	}
	json_decref(p);
	/* Server text goes to a terminal: no control characters. */
	char *clean = table_clean(s, false);
	free(s);
	return clean;
}

int request_raw(struct client *c, const char *method, const char *path, const char *accept,
		const char *content_type, const char *body, size_t body_len,
		struct request_reply *r)
{
	struct conn_request req = {
	    .method = method,
	    .path = path,
	    .token = c->token,
	    .accept = accept,
	    .content_type = content_type,
	    .body = body,
	    .body_len = body_len,
	};
	struct conn_response resp;
	char *cause = NULL;

	memset(r, 0, sizeof *r);
	if (conn_do(&c->url, &req, &resp, &cause) < 0) {
		client_fail(c, EXIT_UNREACHABLE, "cannot reach suivid at %s: %s", c->url_text,
			    cause);
		free(cause);
		return EXIT_UNREACHABLE;
	}
	int code = request_exit_code(resp.status);
	if (code != EXIT_DONE) {
		char *sentence = request_error_sentence(resp.status, resp.content_type, resp.body,
							resp.body_len);
		if (c->subject != NULL && strstr(sentence, c->subject) == NULL) {
			char *named = xasprintf("%s: %s", c->subject, sentence);
			free(sentence);
			sentence = named;
		}
		if (resp.status == 401 && c->token == NULL)
			client_fail(c, code,
				    "%s: no token is configured (--token, SUIVI_TOKEN or "
				    "client.conf)",
				    sentence);
		else
			client_fail(c, code, "%s", sentence);
		free(sentence);
		conn_response_free(&resp);
		return code;
	}
	r->status = resp.status;
	r->content_type = resp.content_type;
	r->location = resp.location;
	r->body = resp.body;
	r->body_len = resp.body_len;
	if (is_json_type(r->content_type) && r->body_len > 0)
		r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL);
	return EXIT_DONE;
}

int request_json(struct client *c, const char *method, const char *path, const json_t *body,
		 struct request_reply *r)
{
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	int code = request_raw(c, method, path, "application/json",
			       text != NULL ? "application/json" : NULL, text,
			       text != NULL ? strlen(text) : 0, r);
	free(text);
	if (code == EXIT_DONE && r->status != 204 && r->json == NULL) {
		request_reply_free(r);
		return client_fail(c, EXIT_UNREACHABLE, "the server's answer to %s %s is not JSON",
				   method, path);
	}
	return code;
}

int request_list(struct client *c, const char *path, size_t limit, json_t **items, bool *more,
		 char **next)
{
	json_t *all = json_array();
	char *cursor = NULL;
	int code = EXIT_DONE;

	*more = false;
	if (next != NULL)
		*next = NULL;
	for (;;) {
		char *q = NULL;
		if (limit > 0) {
			size_t want = limit - json_array_size(all);
			char num[32];
			snprintf(num, sizeof num, "%zu", want < MAX_PAGE ? want : MAX_PAGE);
			client_query_add(&q, "limit", num);
		}
		if (cursor != NULL)
			client_query_add(&q, "after", cursor);
		/* path may carry its own query already: continue it with '&'. */
		char *url = q == NULL
				? xstrdup(path)
				: xasprintf("%s%s%s", path, strchr(path, '?') ? "&" : "?", q + 1);
		free(q);
		struct request_reply r;
		code = request_json(c, "GET", url, NULL, &r);
		free(url);
		if (code != EXIT_DONE)
			break;
		json_t *page = json_object_get(r.json, "items");
		const char *n = json_string_value(json_object_get(r.json, "next"));
		if (!json_is_array(page)) {
			request_reply_free(&r);
			code = client_fail(c, EXIT_UNREACHABLE, "the server's list has no items");
			break;
		}
		json_array_extend(all, page);
		free(cursor);
		cursor = n != NULL && n[0] != '\0' ? xstrdup(n) : NULL;
		request_reply_free(&r);
		if (cursor == NULL)
			break;
		if (limit > 0 && json_array_size(all) >= limit) {
			*more = true;
			break;
		}
	}
	if (code != EXIT_DONE) {
		json_decref(all);
		free(cursor);
		*items = NULL;
		return code;
	}
	*items = all;
	if (next != NULL)
		*next = cursor;
	else
		free(cursor);
	return EXIT_DONE;
}

void request_reply_free(struct request_reply *r)
{
	free(r->content_type);
	free(r->location);
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}
