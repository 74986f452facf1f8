/* cmd-overdue.c — suivi overdue: what is late, by owner then meeting, from the server's
 * overdue report (the server's time zone decides what "today" is). */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "request.h"
#include "table.h"

static int cmd_overdue_exec(struct client *c, int argc, char **argv);
static void add_items(struct table *t, const char *owner, const char *meeting,
		      const json_t *items);

const struct cmd_entry cmd_overdue_entry = {
	.name = "overdue",
	.alias = NULL,
	.usage = "overdue [--owner HANDLE] [--meeting CODE] [--as-of DATE]",
	.summary = "show overdue recommendations by owner and meeting",
	.options = "  --owner HANDLE   only this owner's items\n"
		   "  --meeting CODE   only this meeting's items\n"
		   "  --as-of DATE     as if today were DATE\n",
	.exec = cmd_overdue_exec,
};

static void add_items(struct table *t, const char *owner, const char *meeting,
		      const json_t *items)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it) {
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

static int cmd_overdue_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"owner", required_argument, NULL, 'o'},
		{"meeting", required_argument, NULL, 'm'},
		{"as-of", required_argument, NULL, 'a'},
		CMD_OPT_END,
	};
	char *query = NULL;
	char date[11];
	struct request_reply r;
	int ch, code = EXIT_USAGE;

	while ((ch = cmd_getopt(c, &cmd_overdue_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'o':
			client_query_add(&query, "owner", optarg);
			break;
		case 'm':
			client_query_add(&query, "meeting", optarg);
			break;
		case 'a':
			if (!client_date(c, "--as-of", optarg, false, date))
				goto out;
			client_query_add(&query, "as_of", date);
			break;
		case 'h':
			code = EXIT_DONE;
			goto out;
		default:
			goto out;
		}
	}
	if (optind < argc) {
		cmd_usage(c, &cmd_overdue_entry, "unexpected argument \"%s\"", argv[optind]);
		goto out;
	}
	char *path = xasprintf("/v1/reports/overdue%s", query != NULL ? query : "");
	code = request_json(c, "GET", path, NULL, &r);
	free(path);
	if (code != EXIT_DONE)
		goto out;
	if (c->json) {
		client_print_json(c, r.json);
		request_reply_free(&r);
		goto out;
	}
	struct table *t = table_new(7);
	static const char *const headers[] = {"OWNER", "MEETING", "REF", "DAYS",
					      "DUE",   "STATUS",  "TEXT"};
	for (int i = 0; i < 7; i++)
		table_header(t, i, headers[i]);
	table_shrink_column(t, 6);
	size_t i, j;
	json_t *o, *m;
	json_array_foreach(json_object_get(r.json, "owners"), i, o) {
		const char *handle = client_str(json_object_get(o, "owner"), "handle");
		json_array_foreach(json_object_get(o, "meetings"), j, m) {
			add_items(t, handle, client_str(m, "code"), json_object_get(m, "items"));
		}
	}
	add_items(t, "(none)", NULL, json_object_get(r.json, "unowned"));
	int n = table_rows(t);
	if (n > 0)
		table_print(t, c->out, c->width, c->colour);
	fprintf(c->out, "%d overdue item%s as of %s (%s)\n", n, n == 1 ? "" : "s",
		client_str(r.json, "as_of"), client_str(r.json, "timezone"));
	table_free(t);
	request_reply_free(&r);
out:
	free(query);
	return code;
}
