/* api-notifications.c — run the reminder and report job now (or preview it), list the outbox,
 * deliver a pending or failed notification now. Roles are the router's business. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-notifications.h"
#include "api/api-util.h"
#include "api/app.h"
#include "core/log.h"
#include "notify/outbox.h"
#include "notify/remind.h"
#include "api/validate.h"

#define NOTIF_LIMIT_DEFAULT 50
#define NOTIF_LIMIT_MAX 500

/* The notification representation of doc/api.md, from alias n. */
#define NOTIF_JSON(n)                                                                              \
	"jsonb_build_object('id', " n ".id, 'kind', " n ".kind, 'dedup_key', " n ".dedup_key,"     \
	" 'recipient', " n ".recipient, 'subject', " n ".subject, 'state', " n ".state,"           \
	" 'attempts', " n ".attempts, 'last_error', " n ".last_error,"                             \
	" 'created_at', " SQL_TS(n ".created_at") ", 'updated_at', " SQL_TS(                       \
	    n ".updated_at") ", 'next_attempt_at', " SQL_TS(n ".next_attempt_at") ", "             \
										  "'sent_at',"     \
										  " " SQL_TS(      \
										      n ".sent_"   \
											"at") ")"

static void reminders_run(struct api_request *r);
static void reminders_run_done(struct evbuffer *answer, const struct db_error *err, void *arg);
static void notifications_list(struct api_request *r);
static void notifications_list_done(PGresult *res, const struct db_error *err, void *arg);
static void notifications_retry(struct api_request *r);
static void notifications_retry_done(PGresult *res, const struct db_error *err, void *arg);
static bool all_digits(const char *s, size_t max);

const struct db_stmt api_notifications_stmts[] = {
    /* Newest first; $1 state or NULL, $2 id to start below or NULL, $3 limit. */
    {"notifications_list",
     "WITH page AS (SELECT * FROM notifications n"
     "  WHERE ($1::text IS NULL OR n.state = $1) AND ($2::bigint IS NULL OR n.id < $2::bigint)"
     "  ORDER BY n.id DESC LIMIT $3::integer + 1),"
     " shown AS (SELECT * FROM page ORDER BY id DESC LIMIT $3::integer)"
     " SELECT (SELECT coalesce(jsonb_agg(" NOTIF_JSON(
	 "s") " ORDER BY s.id DESC), '[]')::text"
	      "         FROM shown s),"
	      " CASE WHEN (SELECT count(*) FROM page) > $3::integer"
	      "  THEN (SELECT min(id)::text FROM shown) END"},
    /* "Deliver now" (postqueue -f): a failed notification and a pending one waiting for its
     * next attempt alike are due at once with a fresh count of attempts; a sent one stays
     * sent, and one being delivered is left to its hook. Column 0: the notification after
     * the update (NULL when it was not retried); column 1: its state before (NULL when
     * there is no such notification). */
    {"notifications_retry",
     "WITH u AS (UPDATE notifications SET state = 'pending', attempts = 0,"
     "  next_attempt_at = now(), updated_at = now(), claimed_by = NULL"
     "  WHERE id = $1::bigint AND state IN ('failed', 'pending') RETURNING *)"
     " SELECT (SELECT " NOTIF_JSON("u") "::text FROM u),"
					" (SELECT state FROM notifications WHERE id = $1::bigint)"},
    {NULL, NULL},
};

const struct route api_notifications_routes[] = {
    {EVHTTP_REQ_POST, "/v1/reminders/run", ROLE_SECRETARIAT, BODY_JSON, 0, reminders_run},
    {EVHTTP_REQ_GET, "/v1/notifications", ROLE_SECRETARIAT, BODY_NONE, 0, notifications_list},
    {EVHTTP_REQ_POST, "/v1/notifications/{id}/retry", ROLE_SECRETARIAT, BODY_JSON, 0,
     notifications_retry},
    {0},
};

static const struct field_spec run_fields[] = {
    {"dry_run", FIELD_BOOL, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {"as_of", FIELD_DATE, 0, 0, 0, NULL, 0, NULL, NULL, 0},
    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0},
};

static const char *const state_choices[] = {"pending", "sending", "sent", "failed", NULL};

/* --- POST /v1/reminders/run ----------------------------------------------------------- */

static void reminders_run(struct api_request *r)
{
	json_t *body = api_body_json(r);
	json_t *errors = NULL;
	char today[11];

	if (!json_is_object(body)) {
		api_problem(r, 400, "invalid_body", NULL, "the body must be a JSON object");
		return;
	}
	if (!validate_object(body, run_fields, &errors)) {
		api_problem(r, 422, "invalid_fields", errors, "the run cannot be started");
		return;
	}
	const char *as_of = json_string_value(json_object_get(body, "as_of"));
	if (as_of == NULL) {
		api_today(r, today);
		as_of = today;
	}
	struct app *app = api_app(r);
	struct remind_request req = {
	    .as_of = as_of,
	    .dry_run = json_is_true(json_object_get(body, "dry_run")),
	    .reminders = true,
	    .report = true,
	};
	remind_run(api_pool(r), api_config(r), app != NULL ? app->outbox : NULL, &req,
		   reminders_run_done, r);
}

static void reminders_run_done(struct evbuffer *answer, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (answer == NULL) {
		api_fail_db(r, err);
		return;
	}
	api_reply_json_buffer(r, 200, answer);
}

/* --- GET /v1/notifications ------------------------------------------------------------- */

static void notifications_list(struct api_request *r)
{
	static const char *const allowed[] = {"state", "limit", "after", NULL};
	json_t *errors = NULL;
	long limit = NOTIF_LIMIT_DEFAULT;
	char *after = NULL, limit_text[16];
	const char *state = api_query(r, "state");

	api_check_query(r, allowed, &errors);
	validate_query_int("limit", api_query(r, "limit"), 1, NOTIF_LIMIT_MAX, &limit, &errors);
	if (state != NULL) {
		bool known = false;
		for (const char *const *c = state_choices; *c != NULL; c++)
			known = known || strcmp(*c, state) == 0;
		if (!known)
			validate_error_add(&errors, "state",
					   "must be pending, sending, sent or failed");
	}
	const char *cursor = api_query(r, "after");
	if (cursor != NULL &&
	    ((after = api_cursor_decode(cursor)) == NULL || !all_digits(after, 18)))
		validate_error_add(&errors, "after", "is not a cursor from a previous page");
	if (errors != NULL) {
		free(after);
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	snprintf(limit_text, sizeof limit_text, "%ld", limit);
	const char *v[] = {state, after, limit_text};
	if (db_exec(api_pool(r), "notifications_list", 3, v, notifications_list_done, r) != 0)
		api_problem(r, 500, "internal", NULL, "unknown statement");
	free(after);
}

static void notifications_list_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (res == NULL) {
		api_fail_db(r, err);
		return;
	}
	api_reply_page(r, PQgetvalue(res, 0, 0),
		       PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1));
}

/* --- POST /v1/notifications/{id}/retry --------------------------------------------------- */

static void notifications_retry(struct api_request *r)
{
	const char *id = api_param(r, 0);

	if (!all_digits(id, 18)) {
		api_problem(r, 404, "not_found", NULL, "there is no notification '%s'", id);
		return;
	}
	const char *v[] = {id};
	if (db_exec(api_pool(r), "notifications_retry", 1, v, notifications_retry_done, r) != 0)
		api_problem(r, 500, "internal", NULL, "unknown statement");
}

static void notifications_retry_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (res == NULL) {
		api_fail_db(r, err);
		return;
	}
	const char *id = api_param(r, 0);
	if (PQgetisnull(res, 0, 1)) {
		api_problem(r, 404, "not_found", NULL, "there is no notification %s", id);
		return;
	}
	if (PQgetisnull(res, 0, 0)) {
		api_problem(r, 409, "not_retryable", NULL,
			    "notification %s is %s: only a pending or failed notification can be "
			    "retried",
			    id, PQgetvalue(res, 0, 1));
		return;
	}
	const char *json = PQgetvalue(res, 0, 0);
	log_info("event=notification_retry id=%s", id);
	struct app *app = api_app(r);
	api_reply_json_text(r, 200, json, strlen(json));
	if (app != NULL)
		outbox_kick(app->outbox);
}

static bool all_digits(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}
