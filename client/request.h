/* request.h — one API call with its answer mapped to the contract: an exit code (0 done,
 * 1 refused, 3 unreachable or server failure, 4 not authenticated or not allowed) and one
 * plain sentence on stderr built from the problem+json. */
#ifndef SUIVI_REQUEST_H
#define SUIVI_REQUEST_H

#include <stddef.h>

#include <jansson.h>

#include "client.h"

struct request_reply {
	int status;
	char *content_type;
	char *location;
	char *body;
	size_t body_len;
	json_t *json; /* the body parsed, when it is JSON */
};

/* Exit code for an HTTP status. */
int request_exit_code(int status);
/* The sentence for a failed answer, without "suivi: " (caller frees): the problem's detail
 * (else title, else the status), the invalid fields, and for a refused transition the
 * statuses allowed from here. */
char *request_error_sentence(int status, const char *content_type, const char *body,
			     size_t body_len);
/* Send a JSON request (body may be NULL) and expect JSON. Returns 0 with r filled on 2xx;
 * otherwise prints the error and returns the exit code (r is then empty). */
int request_json(struct client *c, const char *method, const char *path, const json_t *body,
		 struct request_reply *r);
/* The same with a raw body and the Accept header of one's choice. */
int request_raw(struct client *c, const char *method, const char *path, const char *accept,
		const char *content_type, const char *body, size_t body_len,
		struct request_reply *r);
/* GET a list and follow its "next" cursor until limit items or the end; limit 0 takes every
 * page at the server's default size (no limit parameter sent).
 * path may already hold a query. Returns 0 with *items (caller decrefs) and *more set when
 * the server had more than limit. */
int request_list(struct client *c, const char *path, size_t limit, json_t **items, bool *more,
		 char **next);
void request_reply_free(struct request_reply *r);

#endif
