/* cmd-comment.c — suivi comment: add a comment to a recommendation's history. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "request.h"

static int cmd_comment_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_comment_entry = {
	.name = "comment",
	.alias = NULL,
	.usage = "comment REF TEXT",
	.summary = "add a comment to a recommendation",
	.options = NULL,
	.exec = cmd_comment_exec,
};

static int cmd_comment_exec(struct client *c, int argc, char **argv)
{
	struct request_reply r;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_comment_entry, argc, argv, "", NULL)) != -1)
		return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	if (argc - optind != 2)
		return cmd_usage(c, &cmd_comment_entry, "comment needs a REF and the TEXT, quoted");
	c->subject = argv[optind];
	char *path = client_rec_path(c, argv[optind], "/comments");
	if (path == NULL)
		return EXIT_USAGE;
	json_t *body = json_pack("{s:s}", "comment", argv[optind + 1]);
	int code = request_json(c, "POST", path, body, &r);
	free(path);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "comment added to %s\n", client_str(r.json, "ref"));
	request_reply_free(&r);
	return EXIT_DONE;
}
