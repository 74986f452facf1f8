/* api-workflow.h — GET /v1/workflow. */
#ifndef SUIVI_API_WORKFLOW_H
#define SUIVI_API_WORKFLOW_H

#include "http/http.h"

extern const struct route api_workflow_routes[];
extern const struct db_stmt api_workflow_stmts[];

#endif
