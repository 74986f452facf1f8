/* cmd-notifications.c — suivi notifications: the outbox of reminders and reports, and
 * retrying one that failed. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "table.h"

static int cmd_notifications_exec(struct client *c, int argc, char **argv);
static int notifications_list(struct client *c, const char *state);
static int notifications_retry(struct client *c, const char *id);

const struct cmd_entry cmd_notifications_entry = {
	.name = "notifications",
	.alias = "notif",
	.usage = "notifications [list] [--state pending|sending|sent|failed]\n"
		 "notifications retry ID",
	.summary = "list notifications, or retry one that failed",
	.options = "  --state STATE    only notifications in this state\n",
	.exec = cmd_notifications_exec,
};

static int cmd_notifications_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"state", required_argument, NULL, 's'},
		CMD_OPT_END,
	};
	const char *state = NULL;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_notifications_entry, argc, argv, "", opts)) != -1) {
		if (ch == 's')
			state = optarg;
		else
			return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (argc == 1 && strcmp(argv[0], "list") == 0))
		return notifications_list(c, state);
	if (strcmp(argv[0], "retry") == 0) {
		if (argc != 2 || state != NULL)
			return cmd_usage(c, &cmd_notifications_entry,
					 "notifications retry needs one ID");
		return notifications_retry(c, argv[1]);
	}
	return cmd_usage(c, &cmd_notifications_entry, "unknown subcommand \"%s\"", argv[0]);
}

static int notifications_list(struct client *c, const char *state)
{
	char *query = NULL;
	json_t *items;
	bool more;
	char *next;

	if (state != NULL)
		client_query_add(&query, "state", state);
	char *path = xasprintf("/v1/notifications%s", query != NULL ? query : "");
	int code = request_list(c, path, 0, &items, &more, &next);
	free(path);
	free(query);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		json_t *doc = json_pack("{s:O,s:s?}", "items", items, "next", next);
		client_print_json(c, doc);
		json_decref(doc);
	} else {
		struct table *t = table_new(7);
		static const char *const headers[] = {"ID",	   "STATE",	"KIND",   "TRIES",
						      "RECIPIENT", "CREATED", "SUBJECT / ERROR"};
		size_t i;
		json_t *n;
		for (int col = 0; col < 7; col++)
			table_header(t, col, headers[col]);
		table_shrink_column(t, 6);
		json_array_foreach(items, i, n) {
			const char *st = client_str(n, "state");
			const char *error = client_str(n, "last_error");
			table_add_row(t, strcmp(st, "failed") == 0 ? TABLE_RED
					 : strcmp(st, "sent") == 0 ? TABLE_DIM
								   : TABLE_PLAIN);
			table_cellf(t, 0, "%lld",
				    (long long)json_integer_value(json_object_get(n, "id")));
			table_cell(t, 1, st);
			table_cell(t, 2, client_str(n, "kind"));
			table_cellf(t, 3, "%lld",
				    (long long)json_integer_value(json_object_get(n, "attempts")));
			table_cell(t, 4, client_str(n, "recipient"));
			table_cellf(t, 5, "%.10s", client_str(n, "created_at"));
			if (strcmp(st, "sent") != 0 && error[0] != '\0')
				table_cellf(t, 6, "%s (%s)", client_str(n, "subject"), error);
			else
				table_cell(t, 6, client_str(n, "subject"));
		}
		table_print(t, c->out, c->width, c->colour);
		table_free(t);
	}
	json_decref(items);
	free(next);
	return EXIT_DONE;
}

static int notifications_retry(struct client *c, const char *id)
{
	struct request_reply r;

	if (id[0] == '\0' || strspn(id, "0123456789") != strlen(id))
		return cmd_usage(c, &cmd_notifications_entry, "\"%s\" is not a notification id", id);
	char *path = xasprintf("/v1/notifications/%s/retry", id);
	int code = request_json(c, "POST", path, NULL, &r);
	free(path);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "notification %s is %s again\n", id, client_str(r.json, "state"));
	request_reply_free(&r);
	return EXIT_DONE;
}
