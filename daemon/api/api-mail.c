/* api-mail.c — POST /v1/mail/inbound: an owner's reply to its reminder, handed over by the
 * MTA's pipe (suivi mail-in, role mail); GET /v1/mail/inbound: what became of recent ones.
 *
 * The message is read with GMime (import/inbound.h), the owner's own words kept and read as
 * commands (import/mail-reply.h) against the statuses of the database; then one transaction
 * checks the signed reply address and the sender, applies each command as the owner would
 * through the API, records the message, and writes the confirmation to the outbox
 * (sql/api/55-mail.sql). Answers: 200 accepted (something applied or not), 200
 * {"outcome":"replay"} for a message already applied (an MTA retrying gets no bounce),
 * 422 bad_recipient / unknown_sender (the MTA bounces, no confirmation: no backscatter),
 * 422 malformed, 413 message_too_large. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api/api-mail.h"
#include "api/api-util.h"
#include "api/app.h"
#include "core/log.h"
#include "db/workflow.h"
#include "import/inbound.h"
#include "import/mail-reply.h"
#include "notify/outbox.h"
#include "render/confirm.h"
#include "util.h"

enum mail_step {
	MAIL_BEGIN,
	MAIL_APPLY,
	MAIL_CONFIRM,
	MAIL_COMMIT,
};

struct mail_run {
	struct api_request *r;
	struct db_conn *conn;
	enum mail_step step;
	char *params[9];
	char *sender;
	char *subject;
	json_t *outcome; /* suivi_mail_inbound()'s answer */
	int status;      /* the HTTP answer once committed */
	json_t *answer;
};

static void mail_post(struct api_request *r);
static void mail_list(struct api_request *r);
static void mail_acquired(struct db_conn *conn, const struct db_error *err, void *arg);
static void mail_step_done(PGresult *res, const struct db_error *err, void *arg);
static void mail_confirm(struct mail_run *run);
static void mail_fail(struct mail_run *run, const struct db_error *err);
static void mail_run_free(struct mail_run *run);
static json_t *commands_json(const struct mail_reply *reply);

const struct db_stmt api_mail_stmts[] = {
    {"mail_apply", "SELECT suivi_mail_inbound($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7::jsonb, "
		   "$8::integer, $9::date)::text"},
    {"mail_confirm", "SELECT suivi_mail_confirm($1::bigint, $2::jsonb)"},
    {"mail_list", "SELECT suivi_mail_inbound_list($1, $2::int)::text"},
    {NULL, NULL},
};

const struct route api_mail_routes[] = {
    {EVHTTP_REQ_POST, "/v1/mail/inbound", ROLE_MAIL, BODY_MAIL, ROUTE_MAIL_ONLY, mail_post},
    {EVHTTP_REQ_GET, "/v1/mail/inbound", ROLE_SECRETARIAT, BODY_NONE, 0, mail_list},
    {0, NULL, 0, 0, 0, NULL},
};

static void mail_list(struct api_request *r)
{
	api_list_simple(r, "mail_list");
}

/* [{"line","ref","action","status","comment"}] of the commands read. */
static json_t *commands_json(const struct mail_reply *reply)
{
	json_t *a = json_array();
	for (size_t i = 0; i < reply->n; i++) {
		const struct mail_command *c = &reply->commands[i];
		json_t *o = json_pack("{s:i,s:s,s:s}", "line", c->line, "ref", c->ref, "action",
				      c->action == MAIL_ACTION_STATUS ? "status" : "comment");
		if (o == NULL)
			continue;
		if (c->status != NULL)
			json_object_set_new(o, "status", json_string(c->status));
		if (c->comment != NULL)
			json_object_set_new(o, "comment", json_string(c->comment));
		json_array_append_new(a, o);
	}
	return a;
}

static void mail_post(struct api_request *r)
{
	const struct config *config = api_config(r);
	size_t len = 0;
	const char *data = api_body(r, &len);
	struct inbound_message m;
	char *cause = NULL;

	if (config->mail_reply_address == NULL || config->mail_reply_address[0] == '\0') {
		api_problem(r, 422, "replies_off", NULL,
			    "replies by mail are off here ([mail] reply_address is not set)");
		return;
	}
	if (len > config->mail_inbound_max_bytes) {
		log_info("event=mail_refused code=message_too_large bytes=%zu", len);
		api_problem(r, 413, "message_too_large", NULL,
			    "the message has %zu bytes, more than [mail] inbound_max_bytes (%zu)",
			    len, config->mail_inbound_max_bytes);
		return;
	}
	if (inbound_parse(data, len, &m, &cause) != 0) {
		log_info("event=mail_refused code=malformed cause=%s", log_quote(cause));
		api_problem(r, 422, "malformed", NULL, "%s", cause);
		free(cause);
		return;
	}

	/* The words of the statuses, from the database's workflow. */
	size_t n_words = 0;
	const struct workflow_word *ww = workflow_words(workflow_current(), &n_words);
	struct mail_status_word *words = xcalloc(n_words + 1, sizeof *words);
	for (size_t i = 0; i < n_words; i++)
		words[i] = (struct mail_status_word){ww[i].status, ww[i].word};
	char *kept = mail_reply_strip(m.text);
	struct mail_reply reply;
	mail_reply_parse(kept, words, n_words, &reply);

	json_t *recipients = json_array();
	for (size_t i = 0; i < m.n_recipients; i++)
		json_array_append_new(recipients, json_string(m.recipients[i]));
	json_t *unknown = json_array();
	for (size_t i = 0; i < reply.n_not_understood; i++) {
		json_t *s = json_string(reply.not_understood[i]);
		if (s != NULL)
			json_array_append_new(unknown, s);
	}
	json_t *commands = commands_json(&reply);
	char today[11];
	api_today(r, today);

	struct mail_run *run = xcalloc(1, sizeof *run);
	run->r = r;
	run->sender = xstrdup(m.from);
	run->subject = xstrdup(m.subject);
	run->params[0] = xstrdup(m.message_id);
	run->params[1] = xstrdup(m.from);
	run->params[2] = xstrdup(m.subject);
	run->params[3] = json_dumps(recipients, JSON_COMPACT);
	run->params[4] = xstrdup(config->mail_reply_address);
	run->params[5] = json_dumps(commands, JSON_COMPACT);
	run->params[6] = json_dumps(unknown, JSON_COMPACT);
	run->params[7] = xasprintf("%d", config->mail_reply_grace);
	run->params[8] = xstrdup(today);
	json_decref(recipients);
	json_decref(unknown);
	json_decref(commands);
	mail_reply_free(&reply);
	free(kept);
	free(words);
	inbound_free(&m);
	db_acquire(api_pool(r), mail_acquired, run);
}

static void mail_acquired(struct db_conn *conn, const struct db_error *err, void *arg)
{
	struct mail_run *run = arg;

	if (conn == NULL) {
		mail_fail(run, err);
		return;
	}
	run->conn = conn;
	run->step = MAIL_BEGIN;
	if (db_conn_exec_sql(conn, "BEGIN", 0, NULL, mail_step_done, run) != 0)
		mail_fail(run, NULL);
}

static void mail_step_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct mail_run *run = arg;

	if (res == NULL) {
		mail_fail(run, err);
		return;
	}
	switch (run->step) {
	case MAIL_BEGIN:
		run->step = MAIL_APPLY;
		if (db_conn_exec(run->conn, "mail_apply", 9, (const char *const *)run->params,
				 mail_step_done, run) != 0)
			mail_fail(run, NULL);
		return;
	case MAIL_APPLY:
		run->outcome = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		mail_confirm(run);
		return;
	case MAIL_CONFIRM:
		json_object_set_new(run->answer, "confirmation",
				    json_integer(strtoll(PQgetvalue(res, 0, 0), NULL, 10)));
		run->step = MAIL_COMMIT;
		if (db_conn_exec_sql(run->conn, "COMMIT", 0, NULL, mail_step_done, run) != 0)
			mail_fail(run, NULL);
		return;
	case MAIL_COMMIT:
		break;
	}
	db_release(run->conn);
	run->conn = NULL;
	struct app *app = api_app(run->r);
	const char *outcome = json_string_value(json_object_get(run->answer, "outcome"));
	if (app != NULL && app->outbox != NULL && outcome != NULL &&
	    strcmp(outcome, "refused") != 0 && strcmp(outcome, "replay") != 0)
		outbox_kick(app->outbox);
	if (run->status == 200) {
		api_reply_json(run->r, 200, run->answer);
	} else {
		json_t *ext =
		    json_pack("{s:O}", "outcome", json_object_get(run->answer, "outcome"));
		api_problem_ext(run->r, run->status,
				json_string_value(json_object_get(run->answer, "code")), ext,
				json_string_value(json_object_get(run->answer, "reason")));
		json_decref(run->answer);
	}
	run->answer = NULL;
	mail_run_free(run);
}

/* Refused: commit the record and answer; accepted: the confirmation to the outbox first. */
static void mail_confirm(struct mail_run *run)
{
	const json_t *o = run->outcome;
	const char *outcome = json_string_value(json_object_get(o, "outcome"));
	const char *code = json_string_value(json_object_get(o, "code"));

	if (outcome == NULL) {
		mail_fail(run, NULL);
		return;
	}
	if (strcmp(outcome, "refused") == 0) {
		bool replay = code != NULL && strcmp(code, "replay") == 0;
		log_info("event=mail_refused code=%s sender=%s reason=%s",
			 code != NULL ? code : "?", log_quote(run->sender),
			 log_quote(json_string_value(json_object_get(o, "reason"))));
		run->status = replay ? 200 : 422;
		run->answer = replay ? json_pack("{s:s,s:s}", "outcome", "replay", "reason",
						 "this message was already applied")
				     : json_deep_copy(o);
		run->step = MAIL_COMMIT;
		if (db_conn_exec_sql(run->conn, "COMMIT", 0, NULL, mail_step_done, run) != 0)
			mail_fail(run, NULL);
		return;
	}
	const json_t *owner = json_object_get(o, "owner");
	enum report_lang lang =
	    report_lang_parse(json_string_value(json_object_get(owner, "locale")));
	char *subject = confirm_subject(run->subject, lang);
	char *body = confirm_body(o, lang);
	json_int_t inbound = json_integer_value(json_object_get(o, "inbound_id"));
	char *key = xasprintf("confirmation:%lld", (long long)inbound);
	json_t *n =
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "dedup_key", key, "kind",
		      "confirmation", "recipient", run->sender, "subject", subject, "body", body,
		      "payload", "owner", json_string_value(json_object_get(owner, "handle")),
		      "to_name", json_string_value(json_object_get(owner, "name")), "lang",
		      lang == REPORT_FR ? "fr" : "en");
	char *ntext = n != NULL ? json_dumps(n, JSON_COMPACT) : NULL;
	char *id = xasprintf("%lld", (long long)inbound);
	run->status = 200;
	run->answer = json_deep_copy(o);
	log_info("event=mail_accepted sender=%s outcome=%s lines=%zu", log_quote(run->sender),
		 outcome, json_array_size(json_object_get(o, "results")));
	run->step = MAIL_CONFIRM;
	const char *v[] = {id, ntext};
	if (ntext == NULL ||
	    db_conn_exec(run->conn, "mail_confirm", 2, v, mail_step_done, run) != 0)
		mail_fail(run, NULL);
	json_decref(n);
	free(ntext);
	free(id);
	free(key);
	free(subject);
	free(body);
}

static void mail_fail(struct mail_run *run, const struct db_error *err)
{
	if (run->conn != NULL)
		db_release(run->conn); /* rolls back */
	run->conn = NULL;
	if (err != NULL)
		api_fail_db(run->r, err);
	else
		api_problem(run->r, 500, "internal_error", NULL, "internal error");
	mail_run_free(run);
}

static void mail_run_free(struct mail_run *run)
{
	for (size_t i = 0; i < ARRAY_LEN(run->params); i++)
		free(run->params[i]);
	free(run->sender);
	free(run->subject);
	json_decref(run->outcome);
	json_decref(run->answer);
	free(run);
}
