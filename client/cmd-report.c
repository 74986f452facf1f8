/* cmd-report.c — suivi report: the server's reports (overdue, summary, follow-up brief) as
 * text (as mailed), JSON or CSV, exactly as the server writes them. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "table.h"
#include "workflow.h"

static int cmd_report_exec(struct client *c, const struct cmd_args *a);
static void print_body(struct client *c, const struct request_reply *r);
static void print_summary(struct client *c, const json_t *s);
static void print_by_status(struct client *c, const json_t *by);
static void print_counts(struct client *c, const json_t *rows, const char *const head[4],
			 const char *key, const char *name_key);

static const struct cmd_sub cmd_report_subs[] = {
    {"overdue", NULL, false, NULL},
    {"summary", NULL, false, NULL},
    {"brief", NULL, false, "meeting"},
    CMD_SUB_END,
};

static const struct cmd_option cmd_report_options[] = {
    {.name = "meeting",
     .kind = CMD_MEETING,
     .value = "CODE",
     .with = "overdue brief",
     .key = "meeting",
     .help = "the meeting (brief: the one the brief prepares)"},
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .with = "overdue",
     .key = "owner",
     .help = "only this owner's items (overdue)"},
    {.name = "as-of",
     .kind = CMD_DATE,
     .value = "DATE",
     .key = "as_of",
     .help = "as if today were DATE"},
    {.name = "format",
     .kind = CMD_WORDS,
     .value = "F",
     .words = "text json csv",
     .help = "text (as mailed), json or csv; summary defaults to a\n"
	     "table, the others to text"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_report_entry = {
    .name = "report",
    .usage = "report overdue\n"
	     "report summary\n"
	     "report brief",
    .summary = "print a report: overdue, summary or the follow-up brief of a meeting",
    .subs = cmd_report_subs,
    .options = cmd_report_options,
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

/* "  accepted      3": the workflow's statuses in its order, else as the server sent them. */
static void print_by_status(struct client *c, const json_t *by)
{
	json_t *statuses = workflow_sorted(workflow_get(c), "statuses");
	const char *key;
	size_t i;
	json_t *v;

	json_array_foreach (statuses, i, v) {
		const char *name = client_str(v, "name");
		fprintf(c->out, "  %-13s %lld\n", name,
			(long long)json_integer_value(json_object_get(by, name)));
	}
	if (json_array_size(statuses) == 0) {
		json_object_foreach ((json_t *)by, key, v)
			fprintf(c->out, "  %-13s %lld\n", key, (long long)json_integer_value(v));
	}
	json_decref(statuses);
}

/* One table of the summary: a meeting or owner a row, with its open and overdue counts. */
static void print_counts(struct client *c, const json_t *rows, const char *const head[4],
			 const char *key, const char *name_key)
{
	struct table *t = table_new(4);
	size_t i;
	json_t *v;

	for (int col = 0; col < 4; col++)
		table_header(t, col, head[col]);
	table_shrink_column(t, 3);
	json_array_foreach (rows, i, v) {
		json_int_t overdue = json_integer_value(json_object_get(v, "overdue"));
		table_add_row(t, overdue > 0 ? TABLE_RED : TABLE_PLAIN);
		table_cell(t, 0, client_str(v, key));
		table_cellf(t, 1, "%lld",
			    (long long)json_integer_value(json_object_get(v, "open")));
		table_cellf(t, 2, "%lld", (long long)overdue);
		table_cell(t, 3, client_str(v, name_key));
	}
	fputc('\n', c->out);
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

static void print_summary(struct client *c, const json_t *s)
{
	static const char *const meetings[4] = {"MEETING", "OPEN", "OVERDUE", "TITLE"};
	static const char *const owners[4] = {"OWNER", "OPEN", "OVERDUE", "NAME"};

	fprintf(c->out, "As of %s: %lld open, %lld overdue\n", client_str(s, "as_of"),
		(long long)json_integer_value(json_object_get(s, "open")),
		(long long)json_integer_value(json_object_get(s, "overdue")));
	print_by_status(c, json_object_get(s, "by_status"));
	print_counts(c, json_object_get(s, "meetings"), meetings, "code", "title");
	print_counts(c, json_object_get(s, "owners"), owners, "handle", "name");
}

static int cmd_report_exec(struct client *c, const struct cmd_args *a)
{
	const char *kind = cmd_subcommand(a), *format = cmd_opt(a, "format");
	struct request_reply r;

	if (c->json && format == NULL)
		format = "json";
	const char *accept;
	if (format == NULL)
		accept = strcmp(kind, "summary") == 0 ? "application/json" : "text/plain";
	else if (strcmp(format, "text") == 0)
		accept = "text/plain";
	else if (strcmp(format, "json") == 0)
		accept = "application/json";
	else
		accept = "text/csv";
	char *query = cmd_query(a);
	char *path = xasprintf("/v1/reports/%s%s", kind, query);
	int code = request_raw(c, "GET", path, accept, NULL, NULL, 0, &r);
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
