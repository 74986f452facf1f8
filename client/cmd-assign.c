/* cmd-assign.c — suivi assign: give a recommendation its lead owner. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "request.h"

static int cmd_assign_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_assign_entry = {
	.name = "assign",
	.alias = NULL,
	.usage = "assign REF OWNER",
	.summary = "make an owner the lead of a recommendation",
	.options = NULL,
	.exec = cmd_assign_exec,
};

static int cmd_assign_exec(struct client *c, int argc, char **argv)
{
	struct request_reply r;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_assign_entry, argc, argv, "", NULL)) != -1)
		return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	if (argc - optind != 2)
		return cmd_usage(c, &cmd_assign_entry, "assign needs a REF and an OWNER");
	c->subject = argv[optind];
	char *path = client_rec_path(c, argv[optind], "");
	if (path == NULL)
		return EXIT_USAGE;
	json_t *body = json_pack("{s:s}", "owner", argv[optind + 1]);
	int code = request_json(c, "PATCH", path, body, &r);
	free(path);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "%s is now led by %s\n", client_str(r.json, "ref"),
			client_str(r.json, "owner"));
	request_reply_free(&r);
	return EXIT_DONE;
}
