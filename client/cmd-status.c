/* cmd-status.c — suivi status: move a recommendation along the workflow. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "request.h"

static int cmd_status_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.alias = "move",
	.usage = "status REF NEW_STATUS [-m COMMENT]",
	.summary = "move a recommendation to a new status",
	.options = "  -m, --comment TEXT  why; required for blocked, not_accepted, obsolete\n"
		   "\n"
		   "Statuses: proposed accepted in_progress blocked (open),\n"
		   "          implemented not_accepted obsolete (closed).\n",
	.exec = cmd_status_exec,
};

static int cmd_status_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"comment", required_argument, NULL, 'm'},
		{"message", required_argument, NULL, 'm'},
		CMD_OPT_END,
	};
	const char *comment = NULL;
	struct request_reply r;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_status_entry, argc, argv, "m:", opts)) != -1) {
		if (ch == 'm')
			comment = optarg;
		else
			return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	}
	if (argc - optind != 2)
		return cmd_usage(c, &cmd_status_entry, "status needs a REF and the NEW_STATUS");
	const char *ref = argv[optind], *to = argv[optind + 1];
	c->subject = ref;
	char *path = client_rec_path(c, ref, "/transitions");
	if (path == NULL)
		return EXIT_USAGE;
	json_t *body = json_pack("{s:s}", "to", to);
	if (comment != NULL)
		json_object_set_new(body, "comment", json_string(comment));
	int code = request_json(c, "POST", path, body, &r);
	free(path);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "%s is now %s\n", client_str(r.json, "ref"),
			client_str(r.json, "status"));
	request_reply_free(&r);
	return EXIT_DONE;
}
