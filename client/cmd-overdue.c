/* cmd-overdue.c — suivi overdue: what is late, by owner then meeting, from the server's
 * overdue report (the server's time zone decides what "today" is). */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "table.h"

static int cmd_overdue_exec(struct client *c, const struct cmd_args *a);
static void cmd_overdue_print(struct client *c, const struct cmd_args *a, const json_t *report);
static void add_items(struct table *t, const char *owner, const char *meeting, const json_t *items);

static const struct cmd_option cmd_overdue_options[] = {
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .key = "owner",
     .help = "only this owner's items"},
    {.name = "meeting",
     .kind = CMD_MEETING,
     .value = "CODE",
     .key = "meeting",
     .help = "only this meeting's items"},
    {.name = "as-of",
     .kind = CMD_DATE,
     .value = "DATE",
     .key = "as_of",
     .help = "as if today were DATE"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_overdue_entry = {
    .name = "overdue",
    .usage = "overdue",
    .summary = "show overdue recommendations by owner and meeting",
    .options = cmd_overdue_options,
    .exec = cmd_overdue_exec,
};

static void add_items(struct table *t, const char *owner, const char *meeting, const json_t *items)
{
	size_t i;
	json_t *it;

	json_array_foreach (items, i, it) {
		const char *m = meeting != NULL ? meeting : client_str(it, "meeting");
		table_add_row(t, TABLE_RED);
		table_cell(t, 0, owner);
		table_cell(t, 1, m[0] != '\0' ? m : "-");
		table_cell(t, 2, client_str(it, "ref"));
		table_cellf(t, 3, "%lld",
			    (long long)json_integer_value(json_object_get(it, "days_overdue")));
		table_cell(t, 4, client_str(it, "due_on"));
		table_cell(t, 5, client_str(it, "status"));
		table_cell(t, 6, client_str(it, "text"));
	}
}

static void cmd_overdue_print(struct client *c, const struct cmd_args *a, const json_t *report)
{
	(void)a;
	struct table *t = table_new(7);
	static const char *const headers[] = {"OWNER", "MEETING", "REF", "DAYS",
					      "DUE",   "STATUS",  "TEXT"};
	for (int i = 0; i < 7; i++)
		table_header(t, i, headers[i]);
	table_shrink_column(t, 6);
	size_t i, j;
	json_t *o, *m;
	json_array_foreach (json_object_get(report, "owners"), i, o) {
		const char *handle = client_str(json_object_get(o, "owner"), "handle");
		json_array_foreach (json_object_get(o, "meetings"), j, m) {
			add_items(t, handle, client_str(m, "code"), json_object_get(m, "items"));
		}
	}
	add_items(t, "(none)", NULL, json_object_get(report, "unowned"));
	int n = table_rows(t);
	if (n > 0)
		table_print(t, c->out, c->width, c->colour);
	fprintf(c->out, "%d overdue item%s as of %s (%s)\n", n, n == 1 ? "" : "s",
		client_str(report, "as_of"), client_str(report, "timezone"));
	table_free(t);
}

static int cmd_overdue_exec(struct client *c, const struct cmd_args *a)
{
	char *query = cmd_query(a);
	char *path = xasprintf("/v1/reports/overdue%s", query);
	int code = cmd_request(c, a, "GET", path, NULL, cmd_overdue_print);
	free(path);
	free(query);
	return code;
}
