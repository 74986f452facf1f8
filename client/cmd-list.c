/* cmd-list.c — suivi list: recommendations by status, owner, meeting, tag, deadline or
 * words, following the server's pages up to --limit. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "render.h"

#define LIST_DEFAULT_LIMIT 200
#define LIST_MAX_LIMIT 1000000

static int cmd_list_exec(struct client *c, const struct cmd_args *a);

static const struct cmd_option cmd_list_options[] = {
    {.name = "status",
     .kind = CMD_STATUS,
     .arity = CMD_REPEAT,
     .value = "STATUS",
     .key = "status",
     .help = "only this status; repeat for several"},
    {.name = "open", .kind = CMD_FLAG, .key = "open", .help = "only items in an open status"},
    {.name = "overdue",
     .kind = CMD_FLAG,
     .key = "overdue",
     .help = "only overdue items (open, due before today)"},
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .key = "owner",
     .help = "only items this owner leads"},
    {.name = "meeting",
     .kind = CMD_MEETING,
     .value = "CODE",
     .key = "meeting",
     .help = "only this meeting's items"},
    {.name = "tag",
     .kind = CMD_TEXT,
     .value = "TAG",
     .key = "tag",
     .help = "only items with this tag"},
    {.name = "due-before",
     .kind = CMD_DATE,
     .value = "DATE",
     .key = "due_before",
     .help = "only items due before DATE"},
    {.name = "due-after",
     .kind = CMD_DATE,
     .value = "DATE",
     .key = "due_after",
     .help = "only items due after DATE"},
    {.name = "search", .kind = CMD_TEXT, .value = "WORDS", .key = "q", .help = "text search"},
    {.name = "limit",
     .kind = CMD_NUMBER,
     .value = "N",
     .help = "at most N items (default 200, 0 for all)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_list_entry = {
    .name = "list",
    .alias = "ls",
    .usage = "list",
    .summary = "list recommendations, filtered",
    .options = cmd_list_options,
    .notes = "Statuses, open or closed: suivi workflow.",
    .exec = cmd_list_exec,
};

static int cmd_list_exec(struct client *c, const struct cmd_args *a)
{
	const char *limit_text = cmd_opt(a, "limit");
	long limit = limit_text != NULL ? strtol(limit_text, NULL, 10) : LIST_DEFAULT_LIMIT;

	if (limit_text != NULL && (limit_text[0] == '\0' || limit > LIST_MAX_LIMIT))
		return cmd_usage(c, &cmd_list_entry, "--limit takes a number of items");
	char *query = cmd_query(a);
	char *path = xasprintf("/v1/recommendations%s", query);
	int code = cmd_list(c, a, path, (size_t)limit, render_recs_print);
	free(path);
	free(query);
	return code;
}
