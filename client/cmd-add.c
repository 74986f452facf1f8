/* cmd-add.c — suivi add: record one recommendation of a meeting; prints its new ref. */
#include "suivi-config.h"

#include "cmd.h"

static int cmd_add_exec(struct client *c, const struct cmd_args *a);
static void cmd_add_print(struct client *c, const struct cmd_args *a, const json_t *rec);

static const struct cmd_arg cmd_add_args[] = {
    {.name = "MEETING", .kind = CMD_MEETING},
    {.name = "TEXT", .kind = CMD_TEXT},
    CMD_ARG_END,
};

static const struct cmd_option cmd_add_options[] = {
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .key = "owner",
     .help = "the lead owner"},
    {.name = "due", .kind = CMD_DATE, .value = "DATE", .key = "due_on", .help = "the deadline"},
    {.name = "priority",
     .kind = CMD_PRIORITY,
     .value = "P",
     .key = "priority",
     .help = "the priority (suivi workflow lists them)"},
    {.name = "tag",
     .kind = CMD_TEXT,
     .arity = CMD_REPEAT,
     .value = "TAG",
     .key = "tags",
     .help = "a tag; repeat for more"},
    {.name = "support",
     .kind = CMD_OWNER,
     .arity = CMD_REPEAT,
     .value = "HANDLE",
     .key = "supporting",
     .help = "a supporting owner; repeat for more"},
    {.name = "details",
     .kind = CMD_TEXT,
     .value = "TEXT",
     .key = "details",
     .help = "longer explanation"},
    {.name = "status",
     .kind = CMD_STATUS,
     .value = "STATUS",
     .key = "status",
     .help = "an open status to start from (default: the first)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_add_entry = {
    .name = "add",
    .usage = "add MEETING TEXT",
    .summary = "record a recommendation of a meeting and print its ref",
    .args = cmd_add_args,
    .options = cmd_add_options,
    .exec = cmd_add_exec,
};

static void cmd_add_print(struct client *c, const struct cmd_args *a, const json_t *rec)
{
	(void)a;
	fprintf(c->out, "%s\n", client_str(rec, "ref"));
}

static int cmd_add_exec(struct client *c, const struct cmd_args *a)
{
	json_t *body = cmd_body(a);
	json_object_set_new(body, "meeting", json_string(cmd_arg(a, 0)));
	json_object_set_new(body, "text", json_string(cmd_arg(a, 1)));
	return cmd_request(c, a, "POST", "/v1/recommendations", body, cmd_add_print);
}
