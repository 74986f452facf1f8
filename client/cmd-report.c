/* cmd-report.c — suivi report: the server's reports (overdue, summary, follow-up brief) as
 * text (as mailed), JSON or CSV, exactly as the server writes them. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "table.h"

static int cmd_report_exec(struct client *c, int argc, char **argv);
static void print_body(struct client *c, const struct request_reply *r);
static void print_summary(struct client *c, const json_t *s);

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.alias = NULL,
	.usage = "report overdue [--owner HANDLE] [--meeting CODE] [--as-of DATE] [--format F]\n"
		 "report summary [--as-of DATE] [--format F]\n"
		 "report brief --meeting CODE [--format F]",
	.summary = "print a report: overdue, summary or the follow-up brief of a meeting",
	.options = "  --meeting CODE   the meeting (brief: the one the brief prepares)\n"
		   "  --owner HANDLE   only this owner's items (overdue)\n"
		   "  --as-of DATE     as if today were DATE\n"
		   "  --format F       text (as mailed), json or csv; summary defaults to a\n"
		   "                   table, the others to text\n",
	.exec = cmd_report_exec,
};

/* Printed as received; on a terminal only, control characters other than line ends go. */
static void print_body(struct client *c, const struct request_reply *r)
{
	if (c->width > 0) {
		char *clean = table_clean(r->body, true);
		fputs(clean, c->out);
		free(clean);
	} else {
		fwrite(r->body, 1, r->body_len, c->out);
	}
}

static void print_summary(struct client *c, const json_t *s)
{
	static const char *const statuses[] = {
		"proposed",    "accepted",     "in_progress", "blocked",
		"implemented", "not_accepted", "obsolete",
	};
	json_t *by = json_object_get(s, "by_status");
	size_t i;
	json_t *v;

	fprintf(c->out, "As of %s: %lld open, %lld overdue\n", client_str(s, "as_of"),
		(long long)json_integer_value(json_object_get(s, "open")),
		(long long)json_integer_value(json_object_get(s, "overdue")));
	for (i = 0; i < ARRAY_LEN(statuses); i++)
		fprintf(c->out, "  %-13s %lld\n", statuses[i],
			(long long)json_integer_value(json_object_get(by, statuses[i])));

	struct table *t = table_new(4);
	table_header(t, 0, "MEETING");
	table_header(t, 1, "OPEN");
	table_header(t, 2, "OVERDUE");
	table_header(t, 3, "TITLE");
	table_shrink_column(t, 3);
	json_array_foreach(json_object_get(s, "meetings"), i, v) {
		json_int_t overdue = json_integer_value(json_object_get(v, "overdue"));
		table_add_row(t, overdue > 0 ? TABLE_RED : TABLE_PLAIN);
		table_cell(t, 0, client_str(v, "code"));
		table_cellf(t, 1, "%lld", (long long)json_integer_value(json_object_get(v, "open")));
		table_cellf(t, 2, "%lld", (long long)overdue);
		table_cell(t, 3, client_str(v, "title"));
	}
	fputc('\n', c->out);
	table_print(t, c->out, c->width, c->colour);
	table_free(t);

	t = table_new(4);
	table_header(t, 0, "OWNER");
	table_header(t, 1, "OPEN");
	table_header(t, 2, "OVERDUE");
	table_header(t, 3, "NAME");
	table_shrink_column(t, 3);
	json_array_foreach(json_object_get(s, "owners"), i, v) {
		json_int_t overdue = json_integer_value(json_object_get(v, "overdue"));
		table_add_row(t, overdue > 0 ? TABLE_RED : TABLE_PLAIN);
		table_cell(t, 0, client_str(v, "handle"));
		table_cellf(t, 1, "%lld", (long long)json_integer_value(json_object_get(v, "open")));
		table_cellf(t, 2, "%lld", (long long)overdue);
		table_cell(t, 3, client_str(v, "name"));
	}
	fputc('\n', c->out);
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

static int cmd_report_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"meeting", required_argument, NULL, 'm'},
		{"owner", required_argument, NULL, 'o'},
		{"as-of", required_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		CMD_OPT_END,
	};
	const char *meeting = NULL, *owner = NULL, *as_of = NULL, *format = NULL;
	char *query = NULL;
	char date[11];
	struct request_reply r;
	int ch, code = EXIT_USAGE;

	while ((ch = cmd_getopt(c, &cmd_report_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'm':
			meeting = optarg;
			break;
		case 'o':
			owner = optarg;
			break;
		case 'a':
			as_of = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			return EXIT_DONE;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cmd_usage(c, &cmd_report_entry, "report needs overdue, summary or brief");
	const char *kind = argv[optind];
	if (strcmp(kind, "overdue") != 0 && strcmp(kind, "summary") != 0 &&
	    strcmp(kind, "brief") != 0)
		return cmd_usage(c, &cmd_report_entry, "unknown report \"%s\"", kind);
	if (c->json && format == NULL)
		format = "json";
	const char *accept;
	if (format == NULL)
		accept = strcmp(kind, "summary") == 0 ? "application/json" : "text/plain";
	else if (strcmp(format, "text") == 0)
		accept = "text/plain";
	else if (strcmp(format, "json") == 0)
		accept = "application/json";
	else if (strcmp(format, "csv") == 0)
		accept = "text/csv";
	else
		return cmd_usage(c, &cmd_report_entry, "--format is text, json or csv");
	if (strcmp(kind, "brief") == 0 && meeting == NULL)
		return cmd_usage(c, &cmd_report_entry, "report brief needs --meeting");
	if (owner != NULL && strcmp(kind, "overdue") != 0)
		return cmd_usage(c, &cmd_report_entry, "--owner goes with report overdue");
	if (as_of != NULL && !client_date(c, "--as-of", as_of, false, date))
		return EXIT_USAGE;

	if (as_of != NULL)
		client_query_add(&query, "as_of", date);
	if (owner != NULL)
		client_query_add(&query, "owner", owner);
	if (meeting != NULL)
		client_query_add(&query, "meeting", meeting);
	char *path = xasprintf("/v1/reports/%s%s", kind, query != NULL ? query : "");
	code = request_raw(c, "GET", path, accept, NULL, NULL, 0, &r);
	free(path);
	free(query);
	if (code != EXIT_DONE)
		return code;
	if (format == NULL && strcmp(kind, "summary") == 0 && r.json != NULL)
		print_summary(c, r.json);
	else if (strcmp(accept, "application/json") == 0 && r.json != NULL)
		client_print_json(c, r.json);
	else
		print_body(c, &r);
	request_reply_free(&r);
	return EXIT_DONE;
}
