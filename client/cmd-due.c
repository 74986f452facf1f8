/* cmd-due.c — suivi due: set or clear a recommendation's deadline. */
#include "suivi-config.h"

#include <stdlib.h>

#include "cmd.h"
#include "request.h"

static int cmd_due_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_due_entry = {
	.name = "due",
	.alias = NULL,
	.usage = "due REF DATE|none",
	.summary = "set the deadline of a recommendation (none clears it)",
	.options = NULL,
	.exec = cmd_due_exec,
};

static int cmd_due_exec(struct client *c, int argc, char **argv)
{
	struct request_reply r;
	char date[11];
	int ch;

	while ((ch = cmd_getopt(c, &cmd_due_entry, argc, argv, "", NULL)) != -1)
		return ch == 'h' ? EXIT_DONE : EXIT_USAGE;
	if (argc - optind != 2)
		return cmd_usage(c, &cmd_due_entry, "due needs a REF and a DATE (or none)");
	/* A bad date is a usage error found before anything is sent. */
	if (!client_date(c, "due", argv[optind + 1], true, date))
		return EXIT_USAGE;
	c->subject = argv[optind];
	char *path = client_rec_path(c, argv[optind], "");
	if (path == NULL)
		return EXIT_USAGE;
	json_t *body = json_object();
	json_object_set_new(body, "due_on", date[0] != '\0' ? json_string(date) : json_null());
	int code = request_json(c, "PATCH", path, body, &r);
	free(path);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		client_print_json(c, r.json);
	} else if (client_str(r.json, "due_on")[0] == '\0') {
		fprintf(c->out, "%s has no deadline now\n", client_str(r.json, "ref"));
	} else {
		char *words = client_due_words(c, r.json);
		fprintf(c->out, "%s is due %s\n", client_str(r.json, "ref"), words);
		free(words);
	}
	request_reply_free(&r);
	return EXIT_DONE;
}
