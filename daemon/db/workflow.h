/* workflow.h — the domain values of the database, cached: statuses (open or closed),
 * priorities and field limits, as suivi_api.suivi_workflow() returns them.
 *
 * C keeps no list of its own: request checks ask the current workflow. It is read once at
 * start, before the loop (workflow_load_blocking), then again every WORKFLOW_REFRESH_S
 * seconds, on reload and whenever GET /v1/workflow runs, so a status a deployment adds with
 * SQL is accepted within seconds without a restart. The database stays the judge: its
 * functions and constraints refuse what a stale cache would let through.
 *
 * Pointers returned here are valid until the next refresh: use them within one callback. */
#ifndef SUIVI_WORKFLOW_H
#define SUIVI_WORKFLOW_H

#include <stdbool.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "util.h"

#define WORKFLOW_REFRESH_S 10

enum workflow_statuses {
	WORKFLOW_ALL,
	WORKFLOW_OPEN,
	WORKFLOW_CLOSED,
};

struct workflow;

/* {"workflow_get", …}: to be prepared on every pool connection. */
extern const struct db_stmt workflow_stmts[];

/* Parse the document of suivi_workflow(); NULL with a cause when it is not one. */
struct workflow *workflow_parse(const char *json, char **cause);
void workflow_free(struct workflow *w);

/* The current workflow of this process, NULL before the first load. */
const struct workflow *workflow_current(void);
/* Make doc (suivi_workflow()'s text) current; a document equal to the current one changes
 * nothing. -1 with a cause when doc is not a workflow. */
int workflow_update(const char *doc, char **cause) WUR;

/* Load at start on a blocking connection. */
int workflow_load_blocking(PGconn *conn, char **cause) WUR;
/* Refresh now, without blocking (a failure keeps the current one and is logged). */
void workflow_refresh(struct db_pool *pool);
/* Refresh every WORKFLOW_REFRESH_S seconds until workflow_unwatch. */
void workflow_watch(struct event_base *base, struct db_pool *pool);
void workflow_unwatch(void);
/* Drop the current workflow (at exit, so that leak checkers see nothing left). */
void workflow_clear(void);

/* A word that names a status: its name or one of its labels. */
struct workflow_word {
	const char *status;
	const char *word;
};
/* Every status's name and labels (en, fr), *n of them; for the words owners write. */
const struct workflow_word *workflow_words(const struct workflow *w, size_t *n);

/* NULL-terminated names, in the workflow's order. */
const char *const *workflow_statuses(const struct workflow *w, enum workflow_statuses which);
const char *const *workflow_priorities(const struct workflow *w);
/* The limit of that name, or fallback when the workflow or the name is missing. */
long workflow_limit(const struct workflow *w, const char *name, long fallback);

#endif
