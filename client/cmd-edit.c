/* cmd-edit.c — suivi edit: change a recommendation's text, details, priority, tags or
 * supporting owners (the lead owner and deadline have assign and due). */
#include "suivi-config.h"

#include "cmd.h"
#include "render.h"

static int cmd_edit_exec(struct client *c, const struct cmd_args *a);

static const struct cmd_arg cmd_edit_args[] = {
    {.name = "REF", .kind = CMD_REF},
    CMD_ARG_END,
};

static const struct cmd_option cmd_edit_options[] = {
    {.name = "text", .kind = CMD_TEXT, .value = "TEXT", .key = "text", .help = "the new text"},
    {.name = "details",
     .kind = CMD_TEXT,
     .value = "TEXT",
     .key = "details",
     .help = "the new details"},
    {.name = "priority",
     .kind = CMD_PRIORITY,
     .value = "P",
     .key = "priority",
     .help = "the new priority (suivi workflow lists them)"},
    {.name = "tag",
     .kind = CMD_TEXT,
     .arity = CMD_REPEAT,
     .value = "TAG",
     .key = "tags",
     .help = "the tags become those given; repeat for more"},
    {.name = "no-tags", .kind = CMD_FLAG, .help = "remove every tag"},
    {.name = "support",
     .kind = CMD_OWNER,
     .arity = CMD_REPEAT,
     .value = "HANDLE",
     .key = "supporting",
     .help = "the supporting owners become those given; repeat"},
    {.name = "no-support", .kind = CMD_FLAG, .help = "remove every supporting owner"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_edit_entry = {
    .name = "edit",
    .usage = "edit REF",
    .summary = "change the text, details, priority, tags or supporting owners",
    .args = cmd_edit_args,
    .options = cmd_edit_options,
    .exec = cmd_edit_exec,
};

static int cmd_edit_exec(struct client *c, const struct cmd_args *a)
{
	json_t *body = cmd_body(a);

	/* --no-tags alone empties the list; with --tag, the tags given are the list. */
	if (cmd_flag(a, "no-tags") && json_object_get(body, "tags") == NULL)
		json_object_set_new(body, "tags", json_array());
	if (cmd_flag(a, "no-support") && json_object_get(body, "supporting") == NULL)
		json_object_set_new(body, "supporting", json_array());
	if (json_object_size(body) == 0) {
		json_decref(body);
		return cmd_usage(c, &cmd_edit_entry, "nothing to change");
	}
	return cmd_request_rec(c, a, "PATCH", cmd_arg(a, 0), "", body, render_rec_print);
}
