/* cmd-status.c — suivi status: move a recommendation along the workflow. */
#include "suivi-config.h"

#include "cmd.h"

static int cmd_status_exec(struct client *c, const struct cmd_args *a);
static void cmd_status_print(struct client *c, const struct cmd_args *a, const json_t *rec);

static const struct cmd_arg cmd_status_args[] = {
    {.name = "REF", .kind = CMD_REF},
    {.name = "NEW_STATUS", .kind = CMD_STATUS},
    CMD_ARG_END,
};

static const struct cmd_option cmd_status_options[] = {
    {.short_name = 'm',
     .name = "comment",
     .alias = "message",
     .kind = CMD_TEXT,
     .value = "TEXT",
     .key = "comment",
     .help = "why; some statuses need one (suivi workflow says which)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_status_entry = {
    .name = "status",
    .alias = "move",
    .usage = "status REF NEW_STATUS",
    .summary = "move a recommendation to a new status",
    .args = cmd_status_args,
    .options = cmd_status_options,
    .notes = "Statuses and the moves between them: suivi workflow.",
    .exec = cmd_status_exec,
};

static void cmd_status_print(struct client *c, const struct cmd_args *a, const json_t *rec)
{
	(void)a;
	fprintf(c->out, "%s is now %s\n", client_str(rec, "ref"), client_str(rec, "status"));
}

static int cmd_status_exec(struct client *c, const struct cmd_args *a)
{
	json_t *body = cmd_body(a);
	json_object_set_new(body, "to", json_string(cmd_arg(a, 1)));
	return cmd_request_rec(c, a, "POST", cmd_arg(a, 0), "/transitions", body, cmd_status_print);
}
