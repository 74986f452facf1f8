/* cmd-token.c — suivi token create|list|revoke: API tokens (admin only). */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "table.h"

static int cmd_token_exec(struct client *c, int argc, char **argv);
static int token_create(struct client *c, const char *name, const char *role,
			const char *owner);
static int token_list(struct client *c);
static int token_revoke(struct client *c, const char *id);

const struct cmd_entry cmd_token_entry = {
	.name = "token",
	.alias = "tokens",
	.usage = "token create NAME --role admin|secretariat|owner|viewer [--owner HANDLE]\n"
		 "token list\n"
		 "token revoke ID",
	.summary = "create, list or revoke API tokens (admin)",
	.options = "  --role ROLE      admin, secretariat, owner or viewer (create)\n"
		   "  --owner HANDLE   the owner an owner token acts for (create)\n",
	.exec = cmd_token_exec,
};

static int cmd_token_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'},
		{"owner", required_argument, NULL, 'o'},
		CMD_OPT_END,
	};
	const char *role = NULL, *owner = NULL;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_token_entry, argc, argv, "", opts)) != -1) {
		if (ch == 'r')
			role = optarg;
		else if (ch == 'o')
			owner = optarg;
		else
			return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	const char *sub = argc > 0 ? argv[0] : "list";
	if (strcmp(sub, "create") == 0) {
		if (argc != 2 || role == NULL)
			return cmd_usage(c, &cmd_token_entry, "token create needs a NAME and --role");
		return token_create(c, argv[1], role, owner);
	}
	if (role != NULL || owner != NULL)
		return cmd_usage(c, &cmd_token_entry, "--role and --owner go with token create");
	if (strcmp(sub, "list") == 0 && argc <= 1)
		return token_list(c);
	if (strcmp(sub, "revoke") == 0 && argc == 2)
		return token_revoke(c, argv[1]);
	return cmd_usage(c, &cmd_token_entry, "unknown or incomplete subcommand \"%s\"", sub);
}

static int token_create(struct client *c, const char *name, const char *role,
			const char *owner)
{
	json_t *body = json_pack("{s:s,s:s}", "name", name, "role", role);
	struct request_reply r;

	if (owner != NULL)
		json_object_set_new(body, "owner", json_string(owner));
	int code = request_json(c, "POST", "/v1/tokens", body, &r);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		client_print_json(c, r.json);
	} else {
		/* Like suivid token create: the token alone on the last line, for scripts. */
		fprintf(c->out, "token %lld (%s, role %s) created; it is shown only this once:\n%s\n",
			(long long)json_integer_value(json_object_get(r.json, "id")),
			client_str(r.json, "name"), client_str(r.json, "role"),
			client_str(r.json, "token"));
	}
	request_reply_free(&r);
	return EXIT_DONE;
}

static int token_list(struct client *c)
{
	json_t *items;
	bool more;
	char *next;

	int code = request_list(c, "/v1/tokens", 0, &items, &more, &next);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		json_t *doc = json_pack("{s:O,s:s?}", "items", items, "next", next);
		client_print_json(c, doc);
		json_decref(doc);
	} else {
		struct table *t = table_new(6);
		static const char *const headers[] = {"ID",    "ROLE",	  "OWNER",
						      "CREATED", "REVOKED", "NAME"};
		size_t i;
		json_t *tk;
		for (int col = 0; col < 6; col++)
			table_header(t, col, headers[col]);
		table_shrink_column(t, 5);
		json_array_foreach(items, i, tk) {
			const char *revoked = client_str(tk, "revoked_at");
			const char *owner = client_str(tk, "owner");
			table_add_row(t, revoked[0] != '\0' ? TABLE_DIM : TABLE_PLAIN);
			table_cellf(t, 0, "%lld",
				    (long long)json_integer_value(json_object_get(tk, "id")));
			table_cell(t, 1, client_str(tk, "role"));
			table_cell(t, 2, owner[0] != '\0' ? owner : "-");
			table_cellf(t, 3, "%.10s", client_str(tk, "created_at"));
			table_cellf(t, 4, "%.10s", revoked[0] != '\0' ? revoked : "-");
			table_cell(t, 5, client_str(tk, "name"));
		}
		table_print(t, c->out, c->width, c->colour);
		table_free(t);
	}
	json_decref(items);
	free(next);
	return EXIT_DONE;
}

static int token_revoke(struct client *c, const char *id)
{
	struct request_reply r;

	if (id[0] == '\0' || strspn(id, "0123456789") != strlen(id))
		return cmd_usage(c, &cmd_token_entry, "\"%s\" is not a token id", id);
	char *path = xasprintf("/v1/tokens/%s", id);
	int code = request_json(c, "DELETE", path, NULL, &r);
	free(path);
	if (code != EXIT_DONE)
		return code;
	if (!c->json)
		fprintf(c->out, "token %s revoked\n", id);
	request_reply_free(&r);
	return EXIT_DONE;
}
