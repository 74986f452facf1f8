/* cmd-remind.c — suivi remind: run the reminder and report job now, or see what it would
 * send. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "request.h"
#include "table.h"

static int cmd_remind_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_remind_entry = {
	.name = "remind",
	.alias = NULL,
	.usage = "remind [--dry-run] [--as-of DATE]",
	.summary = "send the reminders and reports due now (or list them with --dry-run)",
	.options = "  --dry-run        list what would be sent, send nothing\n"
		   "  --as-of DATE     as if today were DATE\n",
	.exec = cmd_remind_exec,
};

static int cmd_remind_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"as-of", required_argument, NULL, 'a'},
		CMD_OPT_END,
	};
	bool dry_run = false;
	const char *as_of = NULL;
	char date[11];
	struct request_reply r;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_remind_entry, argc, argv, "n", opts)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = true;
			break;
		case 'a':
			as_of = optarg;
			break;
		case 'h':
			return EXIT_DONE;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cmd_usage(c, &cmd_remind_entry, "unexpected argument \"%s\"", argv[optind]);
	if (as_of != NULL && !client_date(c, "--as-of", as_of, false, date))
		return EXIT_USAGE;
	json_t *body = json_pack("{s:b}", "dry_run", dry_run);
	if (as_of != NULL)
		json_object_set_new(body, "as_of", json_string(date));
	int code = request_json(c, "POST", "/v1/reminders/run", body, &r);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		client_print_json(c, r.json);
		request_reply_free(&r);
		return EXIT_DONE;
	}
	json_t *list = json_object_get(r.json, "notifications");
	struct table *t = table_new(4);
	size_t i;
	json_t *n;
	table_header(t, 0, "KIND");
	table_header(t, 1, "RECIPIENT");
	table_header(t, 2, "ITEMS");
	table_header(t, 3, "SUBJECT");
	table_shrink_column(t, 3);
	json_array_foreach(list, i, n) {
		table_add_row(t, TABLE_PLAIN);
		table_cell(t, 0, client_str(n, "kind"));
		table_cell(t, 1, client_str(n, "recipient"));
		table_cellf(t, 2, "%lld", (long long)json_integer_value(json_object_get(n, "items")));
		table_cell(t, 3, client_str(n, "subject"));
	}
	if (table_rows(t) > 0)
		table_print(t, c->out, c->width, c->colour);
	size_t count = json_array_size(list);
	fprintf(c->out, "%s%zu notification%s %s as of %s\n", dry_run ? "dry run: " : "", count,
		count == 1 ? "" : "s", dry_run ? "would be sent" : "queued",
		client_str(r.json, "as_of"));
	table_free(t);
	request_reply_free(&r);
	return EXIT_DONE;
}
