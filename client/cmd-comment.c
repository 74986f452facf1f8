/* cmd-comment.c — suivi comment: add a comment to a recommendation's history. */
#include "suivi-config.h"

#include "cmd.h"

static int cmd_comment_exec(struct client *c, const struct cmd_args *a);
static void cmd_comment_print(struct client *c, const struct cmd_args *a, const json_t *rec);

static const struct cmd_arg cmd_comment_args[] = {
    {.name = "REF", .kind = CMD_REF},
    {.name = "TEXT", .kind = CMD_TEXT},
    CMD_ARG_END,
};

const struct cmd_entry cmd_comment_entry = {
    .name = "comment",
    .usage = "comment REF TEXT",
    .summary = "add a comment to a recommendation",
    .args = cmd_comment_args,
    .exec = cmd_comment_exec,
};

static void cmd_comment_print(struct client *c, const struct cmd_args *a, const json_t *rec)
{
	(void)a;
	fprintf(c->out, "comment added to %s\n", client_str(rec, "ref"));
}

static int cmd_comment_exec(struct client *c, const struct cmd_args *a)
{
	json_t *body = json_pack("{s:s}", "comment", cmd_arg(a, 1));
	return cmd_request_rec(c, a, "POST", cmd_arg(a, 0), "/comments", body, cmd_comment_print);
}
