/* api-dashboard.c — GET /v1/dashboard?as_of=DATE: open, overdue and due-soon counts, counts
 * by status, overdue by owner, meeting and age, and the oldest overdue items, for the web
 * view's first page. One statement (sql/api/52-dashboard.sql) builds the document. */
#include "suivi-config.h"

#include <stdio.h>

#include "api/api-dashboard.h"
#include "api/api-util.h"

static void dashboard_get(struct api_request *r);

const struct db_stmt api_dashboard_stmts[] = {
    {"dashboard_get", "SELECT suivi_dashboard($1::date, $2::integer)::text"},
    {NULL, NULL},
};

const struct route api_dashboard_routes[] = {
    {EVHTTP_REQ_GET, "/v1/dashboard", ROLE_VIEWER, BODY_NONE, 0, dashboard_get},
    {0},
};

static void dashboard_get(struct api_request *r)
{
	static const char *const allowed[] = {"as_of", NULL};
	json_t *errors = NULL;
	char as_of[11];

	api_check_query(r, allowed, &errors);
	const char *a = api_query(r, "as_of");
	if (a != NULL && validate_query_date("as_of", a, &errors))
		snprintf(as_of, sizeof as_of, "%s", a);
	else
		api_today(r, as_of);
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	/* "Due soon" reaches as far as the first reminder does: the longest remind_before
	 * (kept in descending order), none when reminders before the deadline are off. */
	const struct config *c = api_config(r);
	char horizon[16];
	snprintf(horizon, sizeof horizon, "%d", c->n_remind_before > 0 ? c->remind_before[0] : 0);
	const char *params[] = {as_of, horizon};
	api_exec_reply(r, "dashboard_get", 2, params, 200, NULL);
}
