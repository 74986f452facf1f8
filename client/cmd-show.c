/* cmd-show.c — suivi show: one recommendation in full. */
#include "suivi-config.h"

#include "cmd.h"
#include "render.h"

static int cmd_show_exec(struct client *c, const struct cmd_args *a);

static const struct cmd_arg cmd_show_args[] = {
    {.name = "REF", .kind = CMD_REF},
    CMD_ARG_END,
};

const struct cmd_entry cmd_show_entry = {
    .name = "show",
    .usage = "show REF",
    .summary = "show one recommendation (by ref such as bamako-2019/3, or id)",
    .args = cmd_show_args,
    .exec = cmd_show_exec,
};

static int cmd_show_exec(struct client *c, const struct cmd_args *a)
{
	return cmd_request_rec(c, a, "GET", cmd_arg(a, 0), "", NULL, render_rec_print);
}
