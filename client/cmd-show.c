/* cmd-show.c — suivi show: one recommendation in full, and the reminders sent about it. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "request.h"

static int cmd_show_exec(struct client *c, const struct cmd_args *a);
static void show_reminders(struct client *c, const char *ref);
static void show_mail_changes(struct client *c, const char *ref);

static const struct cmd_arg cmd_show_args[] = {
    {.name = "REF", .kind = CMD_REF},
    CMD_ARG_END,
};

const struct cmd_entry cmd_show_entry = {
    .name = "show",
    .usage = "show REF",
    .summary = "show one recommendation (by ref such as bamako-2019/3, or id) and the "
	       "reminders sent about it",
    .args = cmd_show_args,
    .exec = cmd_show_exec,
};

/* "Reminders" lines from GET …/reminders (the reminder ledger), newest first; nothing when
 * none was sent. A failure here has been said on stderr already and changes no exit code:
 * the recommendation itself was shown. */
static void show_reminders(struct client *c, const char *ref)
{
	char *path = client_rec_path(c, ref, "/reminders");
	struct request_reply r = {0};

	if (path == NULL || request_json(c, "GET", path, NULL, &r) != 0) {
		free(path);
		return;
	}
	const json_t *items = json_object_get(r.json, "items");
	size_t i;
	json_t *e;
	json_array_foreach (items, i, e) {
		const char *reason = client_str(e, "reason");
		char *what;
		if (json_is_integer(json_object_get(e, "horizon")))
			what =
			    xasprintf("%lld-day notice",
				      (long long)json_integer_value(json_object_get(e, "horizon")));
		else
			what = xasprintf("%s", reason);
		char *line = xasprintf("%s  %s to %s (%s, %s)", client_str(e, "sent_on"), what,
				       client_str(e, "owner"), client_str(e, "recipient"),
				       client_str(e, "state"));
		client_kv(c, i == 0 ? "Reminders" : "", line);
		free(line);
		free(what);
	}
	request_reply_free(&r);
	free(path);
}

/* "By mail" lines: the changes its owner made by replying to a reminder (history events of
 * source mail), so the secretariat sees what came in that way. */
static void show_mail_changes(struct client *c, const char *ref)
{
	char *path = client_rec_path(c, ref, "/history?limit=500");
	struct request_reply r = {0};

	if (path == NULL || request_json(c, "GET", path, NULL, &r) != 0) {
		free(path);
		return;
	}
	size_t i, shown = 0;
	json_t *e;
	json_array_foreach (json_object_get(r.json, "items"), i, e) {
		if (strcmp(client_str(e, "source"), "mail") != 0)
			continue;
		const json_t *after = json_object_get(e, "after");
		const char *status = client_str(after, "status");
		char *line = xasprintf("%.10s  %s %s%s%s%s", client_str(e, "at"),
				       client_str(e, "actor"), status[0] != '\0' ? "→ " : "",
				       status, client_str(e, "comment")[0] != '\0' ? " — " : "",
				       client_str(e, "comment"));
		client_kv(c, shown++ == 0 ? "By mail" : "", line);
		free(line);
	}
	request_reply_free(&r);
	free(path);
}

static int cmd_show_exec(struct client *c, const struct cmd_args *a)
{
	int code = cmd_request_rec(c, a, "GET", cmd_arg(a, 0), "", NULL, render_rec_print);
	if (code == 0 && !c->json) {
		show_reminders(c, cmd_arg(a, 0));
		show_mail_changes(c, cmd_arg(a, 0));
	}
	return code;
}
