/* cmd-notifications.c — suivi notifications: the outbox of reminders and reports, and
 * delivering now one, or every one not sent. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "table.h"

static int cmd_notifications_exec(struct client *c, const struct cmd_args *a);
static void notifications_print(struct client *c, const struct cmd_args *a, const json_t *items);
static void notifications_print_retried(struct client *c, const struct cmd_args *a,
					const json_t *n);
static int notifications_retry_all(struct client *c);

static const struct cmd_arg notifications_id_args[] = {
    {.name = "ID", .kind = CMD_NUMBER, .arity = CMD_OPTIONAL},
    CMD_ARG_END,
};

static const struct cmd_sub cmd_notifications_subs[] = {
    {"list", NULL, true, NULL},
    {"retry", notifications_id_args, false, NULL},
    CMD_SUB_END,
};

static const struct cmd_option cmd_notifications_options[] = {
    {.name = "state",
     .kind = CMD_WORDS,
     .value = "STATE",
     .words = "pending sending sent failed",
     .with = "list",
     .key = "state",
     .help = "only notifications in this state"},
    {.name = "all",
     .kind = CMD_FLAG,
     .with = "retry",
     .help = "every notification not sent (pending or failed), instead of one ID"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_notifications_entry = {
    .name = "notifications",
    .alias = "notif",
    .usage = "notifications [list]\n"
	     "notifications retry [ID]",
    .summary = "list notifications, or deliver now one or all not sent",
    .subs = cmd_notifications_subs,
    .options = cmd_notifications_options,
    .exec = cmd_notifications_exec,
};

static void notifications_print(struct client *c, const struct cmd_args *a, const json_t *items)
{
	(void)a;
	struct table *t = table_new(7);
	static const char *const headers[] = {"ID",        "STATE",   "KIND",           "TRIES",
					      "RECIPIENT", "CREATED", "SUBJECT / ERROR"};
	size_t i;
	json_t *n;
	for (int col = 0; col < 7; col++)
		table_header(t, col, headers[col]);
	table_shrink_column(t, 6);
	json_array_foreach (items, i, n) {
		const char *st = client_str(n, "state");
		const char *error = client_str(n, "last_error");
		table_add_row(t, strcmp(st, "failed") == 0 ? TABLE_RED
				 : strcmp(st, "sent") == 0 ? TABLE_DIM
							   : TABLE_PLAIN);
		table_cellf(t, 0, "%lld", (long long)json_integer_value(json_object_get(n, "id")));
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

static void notifications_print_retried(struct client *c, const struct cmd_args *a, const json_t *n)
{
	fprintf(c->out, "notification %s is %s again\n", cmd_arg(a, 0), client_str(n, "state"));
}

static int cmd_notifications_exec(struct client *c, const struct cmd_args *a)
{
	if (strcmp(cmd_subcommand(a), "retry") == 0) {
		if (cmd_flag(a, "all") == (cmd_arg(a, 0) != NULL))
			return cmd_usage(c, &cmd_notifications_entry,
					 "retry takes either an ID or --all");
		if (cmd_flag(a, "all"))
			return notifications_retry_all(c);
		char *path = xasprintf("/v1/notifications/%s/retry", cmd_arg(a, 0));
		/* An empty object, not an empty body: the server reads a POST's JSON body. */
		int code =
		    cmd_request(c, a, "POST", path, json_object(), notifications_print_retried);
		free(path);
		return code;
	}
	char *query = cmd_query(a);
	char *path = xasprintf("/v1/notifications%s", query);
	int code = cmd_list(c, a, path, 0, notifications_print);
	free(path);
	free(query);
	return code;
}

/* The failed and pending notifications, listed first and then each retried in turn (a
 * retried one is pending again: listing as we go would meet it twice). The server decides one
 * by one: one delivered meanwhile answers 409, which is reported. */
static int notifications_retry_all(struct client *c)
{
	static const char *const lists[] = {"/v1/notifications?state=failed",
					    "/v1/notifications?state=pending"};
	json_t *todo = json_array(), *done = json_array(), *items, *n;
	bool more;
	size_t i;
	int code = EXIT_DONE;

	for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
		code = request_list(c, lists[l], 0, &items, &more, NULL);
		if (code != EXIT_DONE)
			goto out;
		json_array_extend(todo, items);
		json_decref(items);
	}
	json_array_foreach (todo, i, n) {
		struct request_reply r;
		char *path = xasprintf("/v1/notifications/%lld/retry",
				       (long long)json_integer_value(json_object_get(n, "id")));
		json_t *empty = json_object();
		int one = request_json(c, "POST", path, empty, &r);
		json_decref(empty);
		free(path);
		if (one != EXIT_DONE) {
			code = one;
			continue;
		}
		json_array_append(done, r.json);
		request_reply_free(&r);
	}
	if (c->json) {
		client_print_json(c, done);
	} else {
		json_array_foreach (done, i, n)
			fprintf(c->out, "notification %lld is %s again\n",
				(long long)json_integer_value(json_object_get(n, "id")),
				client_str(n, "state"));
		fprintf(c->out, "%zu notification%s retried\n", json_array_size(done),
			json_array_size(done) == 1 ? "" : "s");
	}
out:
	json_decref(todo);
	json_decref(done);
	return code;
}
