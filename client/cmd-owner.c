/* cmd-owner.c — suivi owner add|list|show: the organisations and people who own items. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "request.h"
#include "table.h"

static int cmd_owner_exec(struct client *c, int argc, char **argv);
static int owner_add(struct client *c, const char *handle, const char *name,
		     const char *email, const char *locale);
static int owner_list(struct client *c);
static int owner_show(struct client *c, const char *handle);

const struct cmd_entry cmd_owner_entry = {
	.name = "owner",
	.alias = "owners",
	.usage = "owner add HANDLE --name NAME [--email ADDR] [--locale en|fr]\n"
		 "owner list\n"
		 "owner show HANDLE",
	.summary = "add, list or show the owners of recommendations",
	.options = "  --name NAME      the owner's full name (add)\n"
		   "  --email ADDR     where reminders go (add)\n"
		   "  --locale LANG    en or fr: the language of its reminders (add)\n",
	.exec = cmd_owner_exec,
};

static int cmd_owner_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"email", required_argument, NULL, 'e'},
		{"locale", required_argument, NULL, 'l'},
		CMD_OPT_END,
	};
	const char *name = NULL, *email = NULL, *locale = NULL;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_owner_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'h':
			return EXIT_DONE;
		case 'n':
			name = optarg;
			break;
		case 'e':
			email = optarg;
			break;
		case 'l':
			locale = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	const char *sub = argc > 0 ? argv[0] : "list";
	if (strcmp(sub, "add") == 0) {
		if (argc != 2)
			return cmd_usage(c, &cmd_owner_entry, "owner add needs one HANDLE");
		if (name == NULL)
			return cmd_usage(c, &cmd_owner_entry, "owner add needs --name");
		if (locale != NULL && strcmp(locale, "en") != 0 && strcmp(locale, "fr") != 0)
			return cmd_usage(c, &cmd_owner_entry, "--locale is en or fr");
		return owner_add(c, argv[1], name, email, locale);
	}
	if (name != NULL || email != NULL || locale != NULL)
		return cmd_usage(c, &cmd_owner_entry, "--name, --email and --locale go with add");
	if (strcmp(sub, "list") == 0) {
		if (argc > 1)
			return cmd_usage(c, &cmd_owner_entry, "owner list takes no argument");
		return owner_list(c);
	}
	if (strcmp(sub, "show") == 0) {
		if (argc != 2)
			return cmd_usage(c, &cmd_owner_entry, "owner show needs one HANDLE");
		return owner_show(c, argv[1]);
	}
	return cmd_usage(c, &cmd_owner_entry, "unknown subcommand \"%s\"", sub);
}

static int owner_add(struct client *c, const char *handle, const char *name,
		     const char *email, const char *locale)
{
	json_t *body = json_object();
	struct request_reply r;

	json_object_set_new(body, "handle", json_string(handle));
	json_object_set_new(body, "name", json_string(name));
	if (email != NULL)
		json_object_set_new(body, "email", json_string(email));
	if (locale != NULL)
		json_object_set_new(body, "locale", json_string(locale));
	int code = request_json(c, "POST", "/v1/owners", body, &r);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "owner %s added\n", client_str(r.json, "handle"));
	request_reply_free(&r);
	return EXIT_DONE;
}

static int owner_list(struct client *c)
{
	json_t *items;
	bool more;
	char *next;

	int code = request_list(c, "/v1/owners", 0, &items, &more, &next);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		json_t *doc = json_pack("{s:O,s:s?}", "items", items, "next", next);
		client_print_json(c, doc);
		json_decref(doc);
	} else {
		struct table *t = table_new(5);
		size_t i;
		json_t *o;
		table_header(t, 0, "HANDLE");
		table_header(t, 1, "LOCALE");
		table_header(t, 2, "ACTIVE");
		table_header(t, 3, "EMAIL");
		table_header(t, 4, "NAME");
		table_shrink_column(t, 4);
		json_array_foreach(items, i, o) {
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
	json_decref(items);
	free(next);
	return EXIT_DONE;
}

static int owner_show(struct client *c, const char *handle)
{
	char *h = client_escape(handle, false);
	char *path = xasprintf("/v1/owners/%s", h);
	struct request_reply r;

	int code = request_json(c, "GET", path, NULL, &r);
	free(h);
	free(path);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		render_owner(c, r.json);
	request_reply_free(&r);
	return EXIT_DONE;
}
