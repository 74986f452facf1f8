/* cmd-token.c — suivi token create|list|revoke: API tokens (admin only). */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "table.h"

static int cmd_token_exec(struct client *c, const struct cmd_args *a);
static void token_print_created(struct client *c, const struct cmd_args *a, const json_t *t);
static void token_print_list(struct client *c, const struct cmd_args *a, const json_t *items);
static void token_print_revoked(struct client *c, const struct cmd_args *a, const json_t *r);

static const struct cmd_arg token_name_args[] = {
    {.name = "NAME", .kind = CMD_TEXT},
    CMD_ARG_END,
};

static const struct cmd_arg token_id_args[] = {
    {.name = "ID", .kind = CMD_NUMBER},
    CMD_ARG_END,
};

static const struct cmd_sub cmd_token_subs[] = {
    {"create", token_name_args, false, "role"},
    {"list", NULL, true, NULL},
    {"revoke", token_id_args, false, NULL},
    CMD_SUB_END,
};

static const struct cmd_option cmd_token_options[] = {
    {.name = "role",
     .kind = CMD_WORDS,
     .value = "ROLE",
     .words = "admin secretariat owner viewer feed metrics mail",
     .with = "create",
     .key = "role",
     .help = "admin, secretariat, owner, viewer, feed, metrics or mail (create)"},
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .with = "create",
     .key = "owner",
     .help = "the owner an owner token acts for, or a feed token's owner (create)"},
    {.name = "meeting",
     .kind = CMD_MEETING,
     .value = "CODE",
     .with = "create",
     .key = "meeting",
     .help = "a feed token's meeting (create)"},
    {.name = "tag",
     .kind = CMD_TEXT,
     .value = "TAG",
     .with = "create",
     .key = "tag",
     .help = "a feed token's tag (create)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_token_entry = {
    .name = "token",
    .alias = "tokens",
    .usage = "token create NAME\n"
	     "token list\n"
	     "token revoke ID",
    .summary = "create, list or revoke API tokens (admin)",
    .subs = cmd_token_subs,
    .options = cmd_token_options,
    .exec = cmd_token_exec,
};

static void token_print_created(struct client *c, const struct cmd_args *a, const json_t *t)
{
	(void)a;
	/* Like suivid token create: the token alone on the last line, for scripts. */
	fprintf(c->out, "token %lld (%s, role %s) created; it is shown only this once:\n%s\n",
		(long long)json_integer_value(json_object_get(t, "id")), client_str(t, "name"),
		client_str(t, "role"), client_str(t, "token"));
}

static void token_print_list(struct client *c, const struct cmd_args *a, const json_t *items)
{
	(void)a;
	struct table *t = table_new(6);
	static const char *const headers[] = {"ID", "ROLE", "OWNER", "CREATED", "REVOKED", "NAME"};
	size_t i;
	json_t *tk;
	for (int col = 0; col < 6; col++)
		table_header(t, col, headers[col]);
	table_shrink_column(t, 5);
	json_array_foreach (items, i, tk) {
		const char *revoked = client_str(tk, "revoked_at");
		const char *owner = client_str(tk, "owner");
		table_add_row(t, revoked[0] != '\0' ? TABLE_DIM : TABLE_PLAIN);
		table_cellf(t, 0, "%lld", (long long)json_integer_value(json_object_get(tk, "id")));
		table_cell(t, 1, client_str(tk, "role"));
		table_cell(t, 2, owner[0] != '\0' ? owner : "-");
		table_cellf(t, 3, "%.10s", client_str(tk, "created_at"));
		table_cellf(t, 4, "%.10s", revoked[0] != '\0' ? revoked : "-");
		table_cell(t, 5, client_str(tk, "name"));
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

static void token_print_revoked(struct client *c, const struct cmd_args *a, const json_t *r)
{
	(void)r;
	fprintf(c->out, "token %s revoked\n", cmd_arg(a, 0));
}

static int cmd_token_exec(struct client *c, const struct cmd_args *a)
{
	const char *sub = cmd_subcommand(a);

	if (strcmp(sub, "create") == 0) {
		json_t *body = cmd_body(a);
		json_object_set_new(body, "name", json_string(cmd_arg(a, 0)));
		return cmd_request(c, a, "POST", "/v1/tokens", body, token_print_created);
	}
	if (strcmp(sub, "list") == 0)
		return cmd_list(c, a, "/v1/tokens", 0, token_print_list);
	char *path = xasprintf("/v1/tokens/%s", cmd_arg(a, 0));
	int code = cmd_request(c, a, "DELETE", path, NULL, token_print_revoked);
	free(path);
	return code;
}
