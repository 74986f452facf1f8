/* cmd-owner.c — suivi owner add|edit|list|show|revoke-links: the organisations and people who
 * own items, where their reminders go, whether they get any, and the sign-in links of their
 * digests. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "table.h"

static int cmd_owner_exec(struct client *c, const struct cmd_args *a);
static void owner_print_added(struct client *c, const struct cmd_args *a, const json_t *o);
static void owner_print_list(struct client *c, const struct cmd_args *a, const json_t *items);
static void owner_print_revoked(struct client *c, const struct cmd_args *a, const json_t *r);

static const struct cmd_arg owner_handle_args[] = {
    {.name = "HANDLE", .kind = CMD_OWNER},
    CMD_ARG_END,
};

static const struct cmd_sub cmd_owner_subs[] = {
    {"add", owner_handle_args, false, "name"},
    {"edit", owner_handle_args, false, NULL},
    {"list", NULL, true, NULL},
    {"show", owner_handle_args, false, NULL},
    {"revoke-links", owner_handle_args, false, NULL},
    CMD_SUB_END,
};

static const struct cmd_option cmd_owner_options[] = {
    {.name = "name",
     .kind = CMD_TEXT,
     .value = "NAME",
     .with = "add edit",
     .key = "name",
     .help = "the owner's full name (add, edit)"},
    {.name = "email",
     .kind = CMD_TEXT,
     .value = "ADDR",
     .with = "add edit",
     .key = "email",
     .help = "where reminders go (add, edit)"},
    {.name = "locale",
     .kind = CMD_WORDS,
     .value = "LANG",
     .words = "en fr",
     .with = "add edit",
     .key = "locale",
     .help = "en or fr: the language of its reminders (add, edit)"},
    {.name = "cc",
     .kind = CMD_TEXT,
     .arity = CMD_REPEAT,
     .value = "ADDR",
     .with = "add edit",
     .key = "cc",
     .help = "also send its reminders to ADDR, a copy each (repeat; edit: replaces the list)"},
    {.name = "no-cc",
     .kind = CMD_FLAG,
     .with = "edit",
     .help = "no more copies of its reminders (edit)"},
    {.name = "reminders",
     .kind = CMD_WORDS,
     .value = "on|off",
     .words = "on off",
     .with = "add edit",
     .help = "off pauses its reminders; the overdue report says so (add, edit)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_owner_entry = {
    .name = "owner",
    .alias = "owners",
    .usage = "owner add HANDLE\n"
	     "owner edit HANDLE\n"
	     "owner list\n"
	     "owner show HANDLE\n"
	     "owner revoke-links HANDLE",
    .summary = "add, edit, list or show the owners of recommendations; void the sign-in "
	       "links of an owner's digests",
    .subs = cmd_owner_subs,
    .options = cmd_owner_options,
    .exec = cmd_owner_exec,
};

static void owner_print_added(struct client *c, const struct cmd_args *a, const json_t *o)
{
	(void)a;
	fprintf(c->out, "owner %s added\n", client_str(o, "handle"));
}

static void owner_print_list(struct client *c, const struct cmd_args *a, const json_t *items)
{
	(void)a;
	struct table *t = table_new(5);
	size_t i;
	json_t *o;
	table_header(t, 0, "HANDLE");
	table_header(t, 1, "LOCALE");
	table_header(t, 2, "ACTIVE");
	table_header(t, 3, "EMAIL");
	table_header(t, 4, "NAME");
	table_shrink_column(t, 4);
	json_array_foreach (items, i, o) {
		bool active = !json_is_false(json_object_get(o, "active"));
		table_add_row(t, active ? TABLE_PLAIN : TABLE_DIM);
		table_cell(t, 0, client_str(o, "handle"));
		table_cell(t, 1, client_str(o, "locale"));
		table_cell(t, 2, active ? "yes" : "no");
		table_cell(t, 3, client_str(o, "email"));
		table_cell(t, 4, client_str(o, "name"));
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

static void owner_print_revoked(struct client *c, const struct cmd_args *a, const json_t *r)
{
	(void)a;
	fprintf(c->out, "sign-in links of %s revoked (%lld session%s ended)\n",
		client_str(r, "owner"),
		(long long)json_integer_value(json_object_get(r, "sessions_revoked")),
		json_integer_value(json_object_get(r, "sessions_revoked")) == 1 ? "" : "s");
}

static int cmd_owner_exec(struct client *c, const struct cmd_args *a)
{
	const char *sub = cmd_subcommand(a);

	if (strcmp(sub, "add") == 0 || strcmp(sub, "edit") == 0) {
		json_t *body = cmd_body(a);
		const char *reminders = cmd_opt(a, "reminders");
		if (reminders != NULL)
			json_object_set_new(body, "reminders",
					    json_boolean(strcmp(reminders, "on") == 0));
		if (cmd_flag(a, "no-cc")) {
			if (cmd_flag(a, "cc")) {
				json_decref(body);
				return cmd_usage(c, &cmd_owner_entry,
						 "--cc and --no-cc contradict");
			}
			json_object_set_new(body, "cc", json_array());
		}
		if (strcmp(sub, "add") == 0) {
			json_object_set_new(body, "handle", json_string(cmd_arg(a, 0)));
			return cmd_request(c, a, "POST", "/v1/owners", body, owner_print_added);
		}
		if (json_object_size(body) == 0) {
			json_decref(body);
			return cmd_usage(c, &cmd_owner_entry, "nothing to change");
		}
		char *handle = client_escape(cmd_arg(a, 0), false);
		char *path = xasprintf("/v1/owners/%s", handle);
		int code = cmd_request(c, a, "PATCH", path, body, render_owner_print);
		free(handle);
		free(path);
		return code;
	}
	if (strcmp(sub, "list") == 0)
		return cmd_list(c, a, "/v1/owners", 0, owner_print_list);
	char *handle = client_escape(cmd_arg(a, 0), false);
	bool revoke = strcmp(sub, "revoke-links") == 0;
	char *path = xasprintf(revoke ? "/v1/owners/%s/revoke-links" : "/v1/owners/%s", handle);
	int code = revoke ? cmd_request(c, a, "POST", path, NULL, owner_print_revoked)
			  : cmd_request(c, a, "GET", path, NULL, render_owner_print);
	free(handle);
	free(path);
	return code;
}
