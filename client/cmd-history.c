/* cmd-history.c — suivi history: every change of a recommendation, oldest first. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "table.h"

static int cmd_history_exec(struct client *c, const struct cmd_args *a);
static void cmd_history_print(struct client *c, const struct cmd_args *a, const json_t *items);
static char *short_time(const char *rfc3339);

static const struct cmd_arg cmd_history_args[] = {
    {.name = "REF", .kind = CMD_REF},
    CMD_ARG_END,
};

const struct cmd_entry cmd_history_entry = {
    .name = "history",
    .alias = "log",
    .usage = "history REF",
    .summary = "show every change of a recommendation, oldest first",
    .args = cmd_history_args,
    .exec = cmd_history_exec,
};

/* "2026-11-22T18:05:33Z" → "2026-11-22 18:05Z": the minute is enough to read a history. */
static char *short_time(const char *t)
{
	if (strlen(t) >= 16 && t[10] == 'T')
		return xasprintf("%.10s %.5s%s", t, t + 11, t[strlen(t) - 1] == 'Z' ? "Z" : "");
	return xstrdup(t);
}

static void cmd_history_print(struct client *c, const struct cmd_args *a, const json_t *items)
{
	(void)a;
	struct table *t = table_new(4);
	size_t i;
	json_t *ev;
	table_header(t, 0, "AT");
	table_header(t, 1, "ACTOR");
	table_header(t, 2, "KIND");
	table_header(t, 3, "CHANGE");
	table_shrink_column(t, 3);
	json_array_foreach (items, i, ev) {
		char *at = short_time(client_str(ev, "at"));
		const char *kind = client_str(ev, "kind");
		char *change = strcmp(kind, "created") == 0
				   ? xstrdup(client_str(json_object_get(ev, "after"), "text"))
				   : render_change(json_object_get(ev, "before"),
						   json_object_get(ev, "after"));
		const char *comment = client_str(ev, "comment");
		table_add_row(t, TABLE_PLAIN);
		table_cell(t, 0, at);
		/* A change an owner made by replying to its reminder says so. */
		if (strcmp(client_str(ev, "source"), "mail") == 0)
			table_cellf(t, 1, "%s (mail)", client_str(ev, "actor"));
		else
			table_cell(t, 1, client_str(ev, "actor"));
		table_cell(t, 2, kind);
		if (comment[0] != '\0' && change[0] != '\0')
			table_cellf(t, 3, "%s \xe2\x80\x94 \xc2\xab%s\xc2\xbb", change, comment);
		else if (comment[0] != '\0')
			table_cellf(t, 3, "\xc2\xab%s\xc2\xbb", comment);
		else
			table_cell(t, 3, change);
		free(at);
		free(change);
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

static int cmd_history_exec(struct client *c, const struct cmd_args *a)
{
	c->subject = cmd_arg(a, 0);
	char *path = client_rec_path(c, cmd_arg(a, 0), "/history");
	if (path == NULL)
		return EXIT_USAGE;
	int code = cmd_list(c, a, path, 0, cmd_history_print);
	free(path);
	return code;
}
