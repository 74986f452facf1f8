/* cmd-list.c — suivi list: recommendations by status, owner, meeting, tag, deadline or
 * words, following the server's pages up to --limit. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "request.h"

#define LIST_DEFAULT_LIMIT 200

static int cmd_list_exec(struct client *c, int argc, char **argv);

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.alias = "ls",
	.usage = "list [--status STATUS]... [--open] [--overdue] [--owner HANDLE]\n"
		 "     [--meeting CODE] [--tag TAG] [--due-before DATE] [--due-after DATE]\n"
		 "     [--search WORDS] [--limit N]",
	.summary = "list recommendations, filtered",
	.options = "  --status STATUS    only this status; repeat for several\n"
		   "  --open             only open items (proposed, accepted, in_progress,\n"
		   "                     blocked)\n"
		   "  --overdue          only overdue items (open, due before today)\n"
		   "  --owner HANDLE     only items this owner leads\n"
		   "  --meeting CODE     only this meeting's items\n"
		   "  --tag TAG          only items with this tag\n"
		   "  --due-before DATE  only items due before DATE\n"
		   "  --due-after DATE   only items due after DATE\n"
		   "  --search WORDS     text search\n"
		   "  --limit N          at most N items (default 200, 0 for all)\n",
	.exec = cmd_list_exec,
};

static int cmd_list_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", required_argument, NULL, 's'},
		{"open", no_argument, NULL, 'O'},
		{"overdue", no_argument, NULL, 'V'},
		{"owner", required_argument, NULL, 'o'},
		{"meeting", required_argument, NULL, 'm'},
		{"tag", required_argument, NULL, 't'},
		{"due-before", required_argument, NULL, 'b'},
		{"due-after", required_argument, NULL, 'a'},
		{"search", required_argument, NULL, 'q'},
		{"limit", required_argument, NULL, 'l'},
		CMD_OPT_END,
	};
	char *query = NULL;
	char date[11];
	long limit = LIST_DEFAULT_LIMIT;
	char *end;
	int ch, code = EXIT_USAGE;

	while ((ch = cmd_getopt(c, &cmd_list_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 's':
			client_query_add(&query, "status", optarg);
			break;
		case 'O':
			client_query_add(&query, "open", "true");
			break;
		case 'V':
			client_query_add(&query, "overdue", "true");
			break;
		case 'o':
			client_query_add(&query, "owner", optarg);
			break;
		case 'm':
			client_query_add(&query, "meeting", optarg);
			break;
		case 't':
			client_query_add(&query, "tag", optarg);
			break;
		case 'b':
		case 'a':
			if (!client_date(c, ch == 'b' ? "--due-before" : "--due-after", optarg,
					 false, date))
				goto out;
			client_query_add(&query, ch == 'b' ? "due_before" : "due_after", date);
			break;
		case 'q':
			client_query_add(&query, "q", optarg);
			break;
		case 'l':
			limit = strtol(optarg, &end, 10);
			if (optarg[0] == '\0' || *end != '\0' || limit < 0 || limit > 1000000) {
				cmd_usage(c, &cmd_list_entry, "--limit takes a number of items");
				goto out;
			}
			break;
		case 'h':
			code = EXIT_DONE;
			goto out;
		default:
			goto out;
		}
	}
	if (optind < argc) {
		cmd_usage(c, &cmd_list_entry, "unexpected argument \"%s\"", argv[optind]);
		goto out;
	}

	char *path = xasprintf("/v1/recommendations%s", query != NULL ? query : "");
	json_t *items;
	bool more;
	char *next;
	code = request_list(c, path, (size_t)limit, &items, &more, &next);
	free(path);
	if (code != EXIT_DONE)
		goto out;
	if (c->json) {
		json_t *doc = json_pack("{s:O,s:s?}", "items", items, "next", next);
		client_print_json(c, doc);
		json_decref(doc);
	} else {
		render_recs(c, items);
	}
	if (more)
		fprintf(c->err, "suivi: more than %ld items; use --limit to see more\n", limit);
	json_decref(items);
	free(next);
out:
	free(query);
	return code;
}
