/* cmd-assign.c — suivi assign: give a recommendation its lead owner. */
#include "suivi-config.h"

#include "cmd.h"

static int cmd_assign_exec(struct client *c, const struct cmd_args *a);
static void cmd_assign_print(struct client *c, const struct cmd_args *a, const json_t *rec);

static const struct cmd_arg cmd_assign_args[] = {
    {.name = "REF", .kind = CMD_REF},
    {.name = "OWNER", .kind = CMD_OWNER},
    CMD_ARG_END,
};

const struct cmd_entry cmd_assign_entry = {
    .name = "assign",
    .usage = "assign REF OWNER",
    .summary = "make an owner the lead of a recommendation",
    .args = cmd_assign_args,
    .exec = cmd_assign_exec,
};

static void cmd_assign_print(struct client *c, const struct cmd_args *a, const json_t *rec)
{
	(void)a;
	fprintf(c->out, "%s is now led by %s\n", client_str(rec, "ref"), client_str(rec, "owner"));
}

static int cmd_assign_exec(struct client *c, const struct cmd_args *a)
{
	json_t *body = json_pack("{s:s}", "owner", cmd_arg(a, 1));
	return cmd_request_rec(c, a, "PATCH", cmd_arg(a, 0), "", body, cmd_assign_print);
}
