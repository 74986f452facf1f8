/* api-workflow.c — GET /v1/workflow: the deployment's statuses (open or closed, labels in
 * en/fr, whether a comment is required), transitions, priorities and field limits, as the
 * database holds them (sql/api/70-workflow.sql). Any role may read it: the client builds its
 * completion, labels and local checks from it. Each answer also refreshes this daemon's
 * cached copy (db/workflow.h). */
#include "suivi-config.h"

#include <stdlib.h>

#include "api/api-util.h"
#include "api/api-workflow.h"
#include "core/log.h"
#include "db/workflow.h"

static void workflow_get(struct api_request *r);
static void workflow_result(PGresult *res, const struct db_error *err, void *arg);

const struct db_stmt api_workflow_stmts[] = {
    {"api_workflow_get", "SELECT suivi_workflow()::text"},
    {NULL, NULL},
};

const struct route api_workflow_routes[] = {
    {EVHTTP_REQ_GET, "/v1/workflow", ROLE_VIEWER, BODY_NONE, 0, workflow_get},
    {0, NULL, 0, 0, 0, NULL},
};

static void workflow_get(struct api_request *r)
{
	static const char *const allowed[] = {NULL};
	json_t *errors = NULL;

	if (!api_check_query(r, allowed, &errors)) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	if (db_exec(api_pool(r), "api_workflow_get", 0, NULL, workflow_result, r) != 0)
		api_problem(r, 500, "internal", NULL, "statement api_workflow_get unknown");
}

static void workflow_result(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	char *cause = NULL;

	if (res == NULL) {
		api_fail_db(r, err);
		return;
	}
	if (PQntuples(res) == 1 && workflow_update(PQgetvalue(res, 0, 0), &cause) != 0) {
		log_warnx("event=workflow_refresh_failed cause=%s", log_quote(cause));
		free(cause);
	}
	api_reply_row(r, 200, res, "workflow", NULL);
}
