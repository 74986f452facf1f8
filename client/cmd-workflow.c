/* cmd-workflow.c — suivi workflow: the server's statuses (open or closed, labels, whether
 * moving there needs a comment), the moves between them, the priorities and the limits of
 * texts — the values every other command takes from the server. */
#include "suivi-config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "table.h"
#include "workflow.h"

static int cmd_workflow_exec(struct client *c, const struct cmd_args *a);
static void workflow_print(struct client *c, const struct cmd_args *a, const json_t *wf);
static json_t *label_languages(const json_t *wf);
static void print_named(struct client *c, const json_t *wf, const char *list, const json_t *langs);
static void print_transitions(struct client *c, const json_t *wf);
static void print_limits(struct client *c, const json_t *wf);

const struct cmd_entry cmd_workflow_entry = {
    .name = "workflow",
    .usage = "workflow",
    .summary = "show the server's statuses, their moves, priorities and limits",
    .exec = cmd_workflow_exec,
};

/* The languages of the labels, in the order met: one column each. */
static json_t *label_languages(const json_t *wf)
{
	static const char *const lists[] = {"statuses", "priorities"};
	json_t *langs = json_array();

	for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
		size_t i;
		json_t *v;
		json_array_foreach (json_object_get(wf, lists[l]), i, v) {
			const char *lang;
			json_t *label;
			json_object_foreach (json_object_get(v, "labels"), lang, label) {
				bool seen = false;
				size_t j;
				json_t *have;
				json_array_foreach (langs, j, have) {
					seen = seen || strcmp(json_string_value(have), lang) == 0;
				}
				if (!seen)
					json_array_append_new(langs, json_string(lang));
			}
		}
	}
	return langs;
}

/* The statuses or priorities, by position: name, [open or closed, comment], labels. */
static void print_named(struct client *c, const json_t *wf, const char *list, const json_t *langs)
{
	bool statuses = strcmp(list, "statuses") == 0;
	int fixed = statuses ? 3 : 1;
	struct table *t = table_new(fixed + (int)json_array_size(langs));
	json_t *sorted = workflow_sorted(wf, list);
	size_t i;
	json_t *v, *lang;

	table_header(t, 0, statuses ? "STATUS" : "PRIORITY");
	if (statuses) {
		table_header(t, 1, "STATE");
		table_header(t, 2, "COMMENT");
	}
	json_array_foreach (langs, i, lang) {
		char *head = xstrdup(json_string_value(lang));
		for (char *p = head; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		table_header(t, fixed + (int)i, head);
		free(head);
	}
	json_array_foreach (sorted, i, v) {
		bool open = json_is_true(json_object_get(v, "open"));
		table_add_row(t, statuses && !open ? TABLE_DIM : TABLE_PLAIN);
		table_cell(t, 0, client_str(v, "name"));
		if (statuses) {
			table_cell(t, 1, open ? "open" : "closed");
			table_cell(t, 2,
				   json_is_true(json_object_get(v, "comment_required")) ? "required"
											: "-");
		}
		size_t j;
		json_array_foreach (langs, j, lang) {
			const char *label =
			    client_str(json_object_get(v, "labels"), json_string_value(lang));
			table_cell(t, fixed + (int)j, label[0] != '\0' ? label : "-");
		}
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
	json_decref(sorted);
}

/* FROM, TO: one row a status that can be left, its destinations in the workflow's order. */
static void print_transitions(struct client *c, const json_t *wf)
{
	json_t *sorted = workflow_sorted(wf, "statuses");
	struct table *t = table_new(2);
	size_t i, j;
	json_t *from, *to, *move;

	table_header(t, 0, "FROM");
	table_header(t, 1, "TO");
	table_shrink_column(t, 1);
	json_array_foreach (sorted, i, from) {
		char *dests = xstrdup("");
		json_array_foreach (sorted, j, to) {
			size_t k;
			json_array_foreach (json_object_get(wf, "transitions"), k, move) {
				if (strcmp(client_str(move, "from"), client_str(from, "name")) !=
					0 ||
				    strcmp(client_str(move, "to"), client_str(to, "name")) != 0)
					continue;
				char *n = xasprintf("%s%s%s", dests, dests[0] != '\0' ? ", " : "",
						    client_str(to, "name"));
				free(dests);
				dests = n;
			}
		}
		if (dests[0] != '\0') {
			table_add_row(t, TABLE_PLAIN);
			table_cell(t, 0, client_str(from, "name"));
			table_cell(t, 1, dests);
		}
		free(dests);
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
	json_decref(sorted);
}

/* "Limits: text 4000, details 20000, …" as the server lists them, wrapped under the
 * first. */
static void print_limits(struct client *c, const json_t *wf)
{
	const char *key;
	json_t *v;
	int col;

	if (json_object_size(json_object_get(wf, "limits")) == 0)
		return;
	col = fprintf(c->out, "\nLimits:") - 1;
	json_object_foreach (json_object_get(wf, "limits"), key, v) {
		char *item = xasprintf("%s %lld", key, (long long)json_integer_value(v));
		if (col > 7 && col + 2 + (int)strlen(item) >= 80)
			col = fprintf(c->out, ",\n       ") - 2;
		else if (col > 7)
			col += fprintf(c->out, ",");
		col += fprintf(c->out, " %s", item);
		free(item);
	}
	fputc('\n', c->out);
}

static void workflow_print(struct client *c, const struct cmd_args *a, const json_t *wf)
{
	json_t *langs = label_languages(wf);

	(void)a;
	print_named(c, wf, "statuses", langs);
	fputc('\n', c->out);
	print_transitions(c, wf);
	fputc('\n', c->out);
	print_named(c, wf, "priorities", langs);
	print_limits(c, wf);
	json_decref(langs);
}

static int cmd_workflow_exec(struct client *c, const struct cmd_args *a)
{
	return cmd_request(c, a, "GET", "/v1/workflow", NULL, workflow_print);
}
