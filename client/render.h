/* render.h — how the API's objects look to people: tables of recommendations, and the
 * key/value views of one recommendation, owner or meeting (its counts by status in the order
 * of the server's workflow). */
#ifndef SUIVI_RENDER_H
#define SUIVI_RENDER_H

#include <jansson.h>

#include "client.h"

struct cmd_args;

/* REF, STATUS, OWNER, DUE (with relative words), TEXT (cut to the terminal); overdue rows
 * in red, closed ones dimmed. */
void render_recs(struct client *c, const json_t *items);
void render_rec(struct client *c, const json_t *rec);
void render_owner(struct client *c, const json_t *owner);
void render_meeting(struct client *c, const json_t *meeting);
/* The same as printers of cmd_request and cmd_list (cmd.h). */
void render_recs_print(struct client *c, const struct cmd_args *a, const json_t *items);
void render_rec_print(struct client *c, const struct cmd_args *a, const json_t *rec);
void render_owner_print(struct client *c, const struct cmd_args *a, const json_t *owner);
void render_meeting_print(struct client *c, const struct cmd_args *a, const json_t *meeting);
/* "2019-10-01" or "2019-10-01 – 2019-10-03" (caller frees). */
char *render_dates(const json_t *meeting);
/* The value of a history before/after object in one line: "status=accepted" (caller frees). */
char *render_change(const json_t *before, const json_t *after);

#endif
