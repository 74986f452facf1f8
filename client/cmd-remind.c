/* cmd-remind.c — suivi remind: run the reminder and report job now, or see what it would
 * send, and why each item is in it. */
#include "suivi-config.h"

#include "cmd.h"
#include "table.h"

static int cmd_remind_exec(struct client *c, const struct cmd_args *a);
static void cmd_remind_print(struct client *c, const struct cmd_args *a, const json_t *reply);

static const struct cmd_option cmd_remind_options[] = {
    {.short_name = 'n',
     .name = "dry-run",
     .kind = CMD_FLAG,
     .help = "list what would be sent, send nothing"},
    {.name = "as-of",
     .kind = CMD_DATE,
     .value = "DATE",
     .key = "as_of",
     .help = "as if today were DATE"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_remind_entry = {
    .name = "remind",
    .usage = "remind",
    .summary = "send the reminders and reports due now (or list them with --dry-run)",
    .options = cmd_remind_options,
    .exec = cmd_remind_exec,
};

static void cmd_remind_print(struct client *c, const struct cmd_args *a, const json_t *reply)
{
	json_t *list = json_object_get(reply, "notifications");
	struct table *t = table_new(4);
	size_t i;
	json_t *n;
	table_header(t, 0, "KIND");
	table_header(t, 1, "RECIPIENT");
	table_header(t, 2, "ITEMS");
	table_header(t, 3, "SUBJECT");
	table_shrink_column(t, 3);
	json_array_foreach (list, i, n) {
		table_add_row(t, TABLE_PLAIN);
		table_cell(t, 0, client_str(n, "kind"));
		table_cell(t, 1, client_str(n, "recipient"));
		table_cellf(t, 2, "%lld",
			    (long long)json_integer_value(json_object_get(n, "items")));
		table_cell(t, 3, client_str(n, "subject"));
	}
	if (table_rows(t) > 0)
		table_print(t, c->out, c->width, c->colour);
	/* Why each item is in: per recipient, the reason the daemon decided from the ledger. */
	json_array_foreach (list, i, n) {
		const json_t *lines = json_object_get(n, "lines");
		size_t k;
		json_t *l;
		if (json_array_size(lines) == 0)
			continue;
		fprintf(c->out, "\n%s to %s:\n", client_str(n, "kind"), client_str(n, "recipient"));
		json_array_foreach (lines, k, l)
			fprintf(c->out, "  %-24s %s\n", client_str(l, "ref"),
				client_str(l, "reason"));
	}
	if (table_rows(t) > 0)
		fprintf(c->out, "\n");
	size_t count = json_array_size(list);
	bool dry_run = cmd_flag(a, "dry-run");
	fprintf(c->out, "%s%zu notification%s %s as of %s\n", dry_run ? "dry run: " : "", count,
		count == 1 ? "" : "s", dry_run ? "would be sent" : "queued",
		client_str(reply, "as_of"));
	table_free(t);
}

static int cmd_remind_exec(struct client *c, const struct cmd_args *a)
{
	json_t *body = cmd_body(a);
	json_object_set_new(body, "dry_run", json_boolean(cmd_flag(a, "dry-run")));
	return cmd_request(c, a, "POST", "/v1/reminders/run", body, cmd_remind_print);
}
