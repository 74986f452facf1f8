/* workflow.h — the server's workflow (GET /v1/workflow): its statuses (order, labels, open
 * or closed, whether moving there needs a comment), the transitions between them, the
 * priorities and the limits of texts. The client keeps no list of its own: it asks the
 * server at most once a run, only when a command needs the answer, and does without it
 * (leaving the checks to the server, printing in the server's order) when the server cannot
 * say — an older suivid, no token, no network. */
#ifndef SUIVI_WORKFLOW_H
#define SUIVI_WORKFLOW_H

#include <jansson.h>

#include "client.h"

/* The workflow document, asked at the first call of a run and kept in c; NULL when it
 * cannot be had. Silent: a failure here is the command's own request's to report. */
const json_t *workflow_get(struct client *c);
/* The members of list ("statuses" or "priorities") ordered by position (caller decrefs);
 * empty when wf is NULL. */
json_t *workflow_sorted(const json_t *wf, const char *list);
/* The names of list by position, joined by sep (caller frees). */
char *workflow_names(const json_t *wf, const char *list, const char *sep);
/* EXIT_DONE when value is a name of list, or when the workflow cannot be had (the server
 * will judge); else says so with the names there are and returns EXIT_REFUSED. */
int workflow_check(struct client *c, const char *list, const char *value);

#endif
