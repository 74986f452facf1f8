/* cmd-add.c — suivi add: record one recommendation of a meeting; prints its new ref. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"

static int cmd_add_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_add_entry = {
	.name = "add",
	.alias = NULL,
	.usage = "add MEETING TEXT [--owner HANDLE] [--due DATE] [--priority low|normal|high]\n"
		 "    [--tag TAG]... [--support HANDLE]... [--details TEXT] [--status STATUS]",
	.summary = "record a recommendation of a meeting and print its ref",
	.options = "  --owner HANDLE     the lead owner\n"
		   "  --due DATE         the deadline\n"
		   "  --priority P       low, normal (default) or high\n"
		   "  --tag TAG          a tag; repeat for more\n"
		   "  --support HANDLE   a supporting owner; repeat for more\n"
		   "  --details TEXT     longer explanation\n"
		   "  --status STATUS    an open status to start from (default proposed)\n",
	.exec = cmd_add_exec,
};

static int cmd_add_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"owner", required_argument, NULL, 'o'},
		{"due", required_argument, NULL, 'd'},
		{"priority", required_argument, NULL, 'p'},
		{"tag", required_argument, NULL, 't'},
		{"support", required_argument, NULL, 's'},
		{"details", required_argument, NULL, 'D'},
		{"status", required_argument, NULL, 'S'},
		CMD_OPT_END,
	};
	json_t *body = json_object();
	json_t *tags = json_array();
	json_t *support = json_array();
	const char *due = NULL;
	char due_buf[11];
	struct request_reply r;
	int ch, code = EXIT_USAGE;

	while ((ch = cmd_getopt(c, &cmd_add_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'o':
			json_object_set_new(body, "owner", json_string(optarg));
			break;
		case 'd':
			due = optarg;
			break;
		case 'p':
			json_object_set_new(body, "priority", json_string(optarg));
			break;
		case 't':
			json_array_append_new(tags, json_string(optarg));
			break;
		case 's':
			json_array_append_new(support, json_string(optarg));
			break;
		case 'D':
			json_object_set_new(body, "details", json_string(optarg));
			break;
		case 'S':
			json_object_set_new(body, "status", json_string(optarg));
			break;
		case 'h':
			code = EXIT_DONE;
			goto out;
		default:
			goto out;
		}
	}
	if (argc - optind != 2) {
		cmd_usage(c, &cmd_add_entry, "add needs a MEETING and the TEXT, quoted");
		goto out;
	}
	if (due != NULL) {
		if (!client_date(c, "--due", due, false, due_buf))
			goto out;
		json_object_set_new(body, "due_on", json_string(due_buf));
	}
	json_object_set_new(body, "meeting", json_string(argv[optind]));
	json_object_set_new(body, "text", json_string(argv[optind + 1]));
	if (json_array_size(tags) > 0)
		json_object_set(body, "tags", tags);
	if (json_array_size(support) > 0)
		json_object_set(body, "supporting", support);
	code = request_json(c, "POST", "/v1/recommendations", body, &r);
	if (code != EXIT_DONE)
		goto out;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "%s\n", client_str(r.json, "ref"));
	request_reply_free(&r);
out:
	json_decref(body);
	json_decref(tags);
	json_decref(support);
	return code;
}
