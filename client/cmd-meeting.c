/* cmd-meeting.c — suivi meeting add|list|show: the meetings that make recommendations. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "table.h"

static int cmd_meeting_exec(struct client *c, const struct cmd_args *a);
static int meeting_add(struct client *c, const struct cmd_args *a);
static void meeting_print_added(struct client *c, const struct cmd_args *a, const json_t *m);
static void meeting_print_list(struct client *c, const struct cmd_args *a, const json_t *items);

static const struct cmd_arg meeting_code_args[] = {
    {.name = "CODE", .kind = CMD_MEETING},
    CMD_ARG_END,
};

static const struct cmd_sub cmd_meeting_subs[] = {
    {"add", meeting_code_args, false, "title date"},
    {"list", NULL, true, NULL},
    {"show", meeting_code_args, false, NULL},
    CMD_SUB_END,
};

static const struct cmd_option cmd_meeting_options[] = {
    {.name = "title",
     .kind = CMD_TEXT,
     .value = "TITLE",
     .with = "add",
     .key = "title",
     .help = "the meeting's title (add)"},
    {.name = "date",
     .kind = CMD_DATE,
     .value = "DATE",
     .with = "add",
     .key = "starts_on",
     .help = "its first day (add)"},
    {.name = "end",
     .kind = CMD_DATE,
     .value = "DATE",
     .with = "add",
     .key = "ends_on",
     .help = "its last day, default the first (add)"},
    {.name = "place",
     .kind = CMD_TEXT,
     .value = "PLACE",
     .with = "add",
     .key = "place",
     .help = "where it was held (add)"},
    {.name = "organiser",
     .alias = "organizer",
     .kind = CMD_TEXT,
     .arity = CMD_REPEAT,
     .value = "NAME",
     .with = "add",
     .key = "organisers",
     .help = "an organiser; repeat for more (add)"},
    {.name = "series",
     .kind = CMD_TEXT,
     .value = "SERIES",
     .with = "add",
     .key = "series",
     .help = "the periodic framework it belongs to (add)"},
    {.name = "notes",
     .kind = CMD_TEXT,
     .value = "TEXT",
     .with = "add",
     .key = "notes",
     .help = "free notes (add)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_meeting_entry = {
    .name = "meeting",
    .alias = "meetings",
    .usage = "meeting add CODE\n"
	     "meeting list\n"
	     "meeting show CODE",
    .summary = "add, list or show meetings",
    .subs = cmd_meeting_subs,
    .options = cmd_meeting_options,
    .exec = cmd_meeting_exec,
};

static void meeting_print_added(struct client *c, const struct cmd_args *a, const json_t *m)
{
	(void)a;
	fprintf(c->out, "meeting %s added\n", client_str(m, "code"));
}

static void meeting_print_list(struct client *c, const struct cmd_args *a, const json_t *items)
{
	(void)a;
	struct table *t = table_new(4);
	size_t i;
	json_t *m;
	table_header(t, 0, "CODE");
	table_header(t, 1, "DATES");
	table_header(t, 2, "PLACE");
	table_header(t, 3, "TITLE");
	table_shrink_column(t, 3);
	json_array_foreach (items, i, m) {
		char *dates = render_dates(m);
		table_add_row(t, TABLE_PLAIN);
		table_cell(t, 0, client_str(m, "code"));
		table_cell(t, 1, dates);
		table_cell(t, 2, client_str(m, "place"));
		table_cell(t, 3, client_str(m, "title"));
		free(dates);
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

static int meeting_add(struct client *c, const struct cmd_args *a)
{
	const char *start = cmd_opt(a, "date"), *end = cmd_opt(a, "end");

	if (end != NULL && strcmp(end, start) < 0)
		return client_fail(c, EXIT_USAGE, "--end %s is before --date %s", end, start);
	json_t *body = cmd_body(a);
	json_object_set_new(body, "code", json_string(cmd_arg(a, 0)));
	return cmd_request(c, a, "POST", "/v1/meetings", body, meeting_print_added);
}

static int cmd_meeting_exec(struct client *c, const struct cmd_args *a)
{
	const char *sub = cmd_subcommand(a);

	if (strcmp(sub, "add") == 0)
		return meeting_add(c, a);
	if (strcmp(sub, "list") == 0)
		return cmd_list(c, a, "/v1/meetings", 0, meeting_print_list);
	char *code = client_escape(cmd_arg(a, 0), false);
	char *path = xasprintf("/v1/meetings/%s", code);
	int status = cmd_request(c, a, "GET", path, NULL, render_meeting_print);
	free(code);
	free(path);
	return status;
}
