/* cmd-show.c — suivi show: one recommendation in full. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "render.h"
#include "request.h"

static int cmd_show_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.alias = NULL,
	.usage = "show REF",
	.summary = "show one recommendation (by ref such as bamako-2019/3, or id)",
	.options = NULL,
	.exec = cmd_show_exec,
};

static int cmd_show_exec(struct client *c, int argc, char **argv)
{
	struct request_reply r;
	int ch;

	while ((ch = cmd_getopt(c, &cmd_show_entry, argc, argv, "", NULL)) != -1)
		return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	if (argc - optind != 1)
		return cmd_usage(c, &cmd_show_entry, "show needs one REF");
	c->subject = argv[optind];
	char *path = client_rec_path(c, argv[optind], "");
	if (path == NULL)
		return EXIT_USAGE;
	int code = request_json(c, "GET", path, NULL, &r);
	free(path);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		render_rec(c, r.json);
	request_reply_free(&r);
	return EXIT_DONE;
}
