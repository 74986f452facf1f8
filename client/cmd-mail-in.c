/* cmd-mail-in.c — suivi mail-in: the MTA's end of owners' replies by mail. Reads one RFC 5322
 * message on standard input, as Postfix's pipe(8), an /etc/aliases pipe or Exim's pipe
 * transport hand it, posts it to suivid (POST /v1/mail/inbound, a token of role mail) and
 * exits with the sysexits code the MTA acts on:
 *   0  accepted (something applied, nothing applied, or already applied: a retry)
 *   65 EX_DATAERR   a message one cannot read, or too large (the MTA bounces)
 *   67 EX_NOUSER    no valid reply address among the recipients, or a sender that is not
 *                   the owner's (bounced; suivid sends no confirmation to such senders)
 *   75 EX_TEMPFAIL  suivid unreachable, 5xx, or the token refused (the MTA keeps the
 *                   message and tries again, so none is lost while an operator fixes it) */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "request.h"

#define EX_OK 0
#define EX_DATAERR 65
#define EX_NOUSER 67
#define EX_TEMPFAIL 75

/* Read at most this much: suivid refuses more than [mail] inbound_max_bytes anyway, and a
 * pipe must not make the client hold a mailbox in memory. */
#define MAIL_IN_MAX (64L * 1024 * 1024)

static int cmd_mail_in_exec(struct client *c, const struct cmd_args *a);

const struct cmd_entry cmd_mail_in_entry = {
    .name = "mail-in",
    .usage = "mail-in",
    .summary = "hand one message on standard input (an owner's reply) to suivid, for an MTA's "
	       "pipe; exits 0, 65, 67 or 75 (sysexits)",
    .exec = cmd_mail_in_exec,
};

/* The problem's "code" member, "" when none. */
static const char *problem_code(const struct conn_response *resp, json_t **owned)
{
	*owned = resp->body != NULL ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	const char *code = json_string_value(json_object_get(*owned, "code"));
	return code != NULL ? code : "";
}

static int cmd_mail_in_exec(struct client *c, const struct cmd_args *a)
{
	(void)a;
	size_t cap = 65536, len = 0;
	char *buf = xmalloc(cap);
	size_t got;

	while ((got = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += got;
		if (len == cap) {
			if (cap >= (size_t)MAIL_IN_MAX) {
				free(buf);
				fprintf(stderr,
					"suivi mail-in: the message is larger than %ld bytes\n",
					MAIL_IN_MAX);
				return EX_DATAERR;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(stdin) || len == 0) {
		free(buf);
		fprintf(stderr, "suivi mail-in: %s\n",
			len == 0 ? "no message on standard input" : "cannot read standard input");
		return EX_DATAERR;
	}

	struct conn_request req = {
	    .method = "POST",
	    .path = "/v1/mail/inbound",
	    .token = c->token,
	    .content_type = "message/rfc822",
	    .body = buf,
	    .body_len = len,
	};
	struct conn_response resp;
	char *cause = NULL;
	if (conn_do(&c->url, &req, &resp, &cause) < 0) {
		fprintf(stderr, "suivi mail-in: cannot reach suivid at %s: %s\n", c->url_text,
			cause);
		free(cause);
		free(buf);
		return EX_TEMPFAIL;
	}
	free(buf);
	int code;
	json_t *j = NULL;
	if (resp.status >= 200 && resp.status < 300) {
		code = EX_OK;
		j = json_loadb(resp.body, resp.body_len, 0, NULL);
		if (c->json)
			client_print_json(c, j);
		else
			fprintf(c->out, "suivi mail-in: %s\n",
				json_string_value(json_object_get(j, "outcome")) != NULL
				    ? json_string_value(json_object_get(j, "outcome"))
				    : "accepted");
	} else {
		const char *pc = problem_code(&resp, &j);
		if (resp.status == 413 || strcmp(pc, "malformed") == 0 || resp.status == 400 ||
		    resp.status == 415)
			code = EX_DATAERR;
		else if (strcmp(pc, "bad_recipient") == 0 || strcmp(pc, "unknown_sender") == 0 ||
			 strcmp(pc, "replies_off") == 0)
			code = EX_NOUSER;
		else
			code = EX_TEMPFAIL; /* 401/403 (a token to fix), 5xx, anything else */
		char *sentence = request_error_sentence(resp.status, resp.content_type, resp.body,
							resp.body_len);
		fprintf(stderr, "suivi mail-in: %s\n", sentence);
		free(sentence);
	}
	json_decref(j);
	conn_response_free(&resp);
	return code;
}
