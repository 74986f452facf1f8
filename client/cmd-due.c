/* cmd-due.c — suivi due: set or clear a recommendation's deadline. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"

static int cmd_due_exec(struct client *c, const struct cmd_args *a);
static void cmd_due_print(struct client *c, const struct cmd_args *a, const json_t *rec);

static const struct cmd_arg cmd_due_args[] = {
    {.name = "REF", .kind = CMD_REF},
    {.name = "DATE|none", .kind = CMD_DATE, .words = "none"},
    CMD_ARG_END,
};

const struct cmd_entry cmd_due_entry = {
    .name = "due",
    .usage = "due REF DATE|none",
    .summary = "set the deadline of a recommendation (none clears it)",
    .args = cmd_due_args,
    .exec = cmd_due_exec,
};

static void cmd_due_print(struct client *c, const struct cmd_args *a, const json_t *rec)
{
	(void)a;
	if (client_str(rec, "due_on")[0] == '\0') {
		fprintf(c->out, "%s has no deadline now\n", client_str(rec, "ref"));
	} else {
		char *words = client_due_words(c, rec);
		fprintf(c->out, "%s is due %s\n", client_str(rec, "ref"), words);
		free(words);
	}
}

static int cmd_due_exec(struct client *c, const struct cmd_args *a)
{
	const char *date = cmd_arg(a, 1); /* "" for none */
	json_t *body =
	    json_pack("{s:o}", "due_on", date[0] != '\0' ? json_string(date) : json_null());
	return cmd_request_rec(c, a, "PATCH", cmd_arg(a, 0), "", body, cmd_due_print);
}
