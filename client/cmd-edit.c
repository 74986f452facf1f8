/* cmd-edit.c — suivi edit: change a recommendation's text, details, priority, tags or
 * supporting owners (the lead owner and deadline have assign and due). */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "render.h"
#include "request.h"

static int cmd_edit_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_edit_entry = {
	.name = "edit",
	.alias = NULL,
	.usage = "edit REF [--text TEXT] [--details TEXT] [--priority low|normal|high]\n"
		 "     [--tag TAG]... [--no-tags] [--support HANDLE]... [--no-support]",
	.summary = "change the text, details, priority, tags or supporting owners",
	.options = "  --text TEXT        the new text\n"
		   "  --details TEXT     the new details\n"
		   "  --priority P       low, normal or high\n"
		   "  --tag TAG          the tags become those given; repeat for more\n"
		   "  --no-tags          remove every tag\n"
		   "  --support HANDLE   the supporting owners become those given; repeat\n"
		   "  --no-support       remove every supporting owner\n",
	.exec = cmd_edit_exec,
};

static int cmd_edit_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"text", required_argument, NULL, 'T'},
		{"details", required_argument, NULL, 'D'},
		{"priority", required_argument, NULL, 'p'},
		{"tag", required_argument, NULL, 't'},
		{"no-tags", no_argument, NULL, 'x'},
		{"support", required_argument, NULL, 's'},
		{"no-support", no_argument, NULL, 'X'},
		CMD_OPT_END,
	};
	json_t *body = json_object();
	json_t *tags = NULL, *support = NULL;
	struct request_reply r;
	int ch, code = EXIT_USAGE;

	while ((ch = cmd_getopt(c, &cmd_edit_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'T':
			json_object_set_new(body, "text", json_string(optarg));
			break;
		case 'D':
			json_object_set_new(body, "details", json_string(optarg));
			break;
		case 'p':
			json_object_set_new(body, "priority", json_string(optarg));
			break;
		case 't':
		case 'x':
			if (tags == NULL)
				tags = json_array();
			if (ch == 't')
				json_array_append_new(tags, json_string(optarg));
			break;
		case 's':
		case 'X':
			if (support == NULL)
				support = json_array();
			if (ch == 's')
				json_array_append_new(support, json_string(optarg));
			break;
		case 'h':
			code = EXIT_DONE;
			goto out;
		default:
			goto out;
		}
	}
	if (argc - optind != 1) {
		cmd_usage(c, &cmd_edit_entry, "edit needs one REF");
		goto out;
	}
	if (tags != NULL)
		json_object_set(body, "tags", tags);
	if (support != NULL)
		json_object_set(body, "supporting", support);
	if (json_object_size(body) == 0) {
		cmd_usage(c, &cmd_edit_entry, "nothing to change");
		goto out;
	}
	c->subject = argv[optind];
	char *path = client_rec_path(c, argv[optind], "");
	if (path == NULL)
		goto out;
	code = request_json(c, "PATCH", path, body, &r);
	free(path);
	if (code != EXIT_DONE)
		goto out;
	if (c->json)
		client_print_json(c, r.json);
	else
		render_rec(c, r.json);
	request_reply_free(&r);
out:
	json_decref(body);
	json_decref(tags);
	json_decref(support);
	return code;
}
