/* render.c — the API's objects for people. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "table.h"
#include "workflow.h"

static char *value_text(const json_t *v);
static char *count_line(struct client *c, const json_t *counts);

void render_recs(struct client *c, const json_t *items)
{
	struct table *t = table_new(5);
	size_t i;
	json_t *it;

	table_header(t, 0, "REF");
	table_header(t, 1, "STATUS");
	table_header(t, 2, "OWNER");
	table_header(t, 3, "DUE");
	table_header(t, 4, "TEXT");
	table_shrink_column(t, 4);
	json_array_foreach (items, i, it) {
		enum table_colour colour = TABLE_PLAIN;
		if (json_is_true(json_object_get(it, "overdue")))
			colour = TABLE_RED;
		else if (json_is_false(json_object_get(it, "open")))
			colour = TABLE_DIM;
		table_add_row(t, colour);
		const char *ref = client_str(it, "ref");
		if (ref[0] != '\0')
			table_cell(t, 0, ref);
		else if (json_is_integer(json_object_get(it, "id")))
			table_cellf(t, 0, "%lld",
				    (long long)json_integer_value(json_object_get(it, "id")));
		else
			table_cell(t, 0, "(new)");
		table_cell(t, 1, client_str(it, "status"));
		const char *owner = client_str(it, "owner");
		table_cell(t, 2, owner[0] != '\0' ? owner : "-");
		char *due = client_due_words(c, it);
		table_cell(t, 3, due);
		free(due);
		table_cell(t, 4, client_str(it, "text"));
	}
	table_print(t, c->out, c->width, c->colour);
	table_free(t);
}

void render_rec(struct client *c, const json_t *rec)
{
	char *due = client_due_words(c, rec);
	char *supporting = client_join(json_object_get(rec, "supporting"));
	char *tags = client_join(json_object_get(rec, "tags"));
	char version[32];

	snprintf(version, sizeof version, "%lld",
		 (long long)json_integer_value(json_object_get(rec, "version")));
	client_kv(c, "Ref", client_str(rec, "ref"));
	client_kv(c, "Meeting", client_str(rec, "meeting"));
	client_kv(c, "Status", client_str(rec, "status"));
	client_kv(c, "Owner", client_str(rec, "owner"));
	client_kv(c, "Supporting", supporting);
	client_kv(c, "Priority", client_str(rec, "priority"));
	if (c->colour && json_is_true(json_object_get(rec, "overdue"))) {
		char *red = xasprintf("\033[31m%s\033[0m", due);
		/* client_kv cleans control characters: print this one line itself. */
		fprintf(c->out, "Due:          %s\n", red);
		free(red);
	} else {
		client_kv(c, "Due", due);
	}
	client_kv(c, "Tags", tags);
	client_kv(c, "Version", version);
	client_kv(c, "Created", client_str(rec, "created_at"));
	client_kv(c, "Updated", client_str(rec, "updated_at"));
	if (client_str(rec, "closed_at")[0] != '\0')
		client_kv(c, "Closed", client_str(rec, "closed_at"));
	client_kv(c, "Text", client_str(rec, "text"));
	if (client_str(rec, "details")[0] != '\0')
		client_kv(c, "Details", client_str(rec, "details"));
	free(due);
	free(supporting);
	free(tags);
}

void render_owner(struct client *c, const json_t *o)
{
	client_kv(c, "Handle", client_str(o, "handle"));
	client_kv(c, "Name", client_str(o, "name"));
	client_kv(c, "Email", client_str(o, "email"));
	if (json_array_size(json_object_get(o, "cc")) > 0) {
		char *cc = client_join(json_object_get(o, "cc"));
		client_kv(c, "Cc", cc);
		free(cc);
	}
	client_kv(c, "Reminders", json_is_false(json_object_get(o, "reminders")) ? "paused" : "on");
	client_kv(c, "Locale", client_str(o, "locale"));
	client_kv(c, "Active", json_is_false(json_object_get(o, "active")) ? "no" : "yes");
	client_kv(c, "Created", client_str(o, "created_at"));
	client_kv(c, "Updated", client_str(o, "updated_at"));
}

char *render_dates(const json_t *m)
{
	const char *start = client_str(m, "starts_on");
	const char *end = client_str(m, "ends_on");

	if (end[0] == '\0' || strcmp(start, end) == 0)
		return xstrdup(start);
	return xasprintf("%s \xe2\x80\x93 %s", start, end);
}

void render_meeting(struct client *c, const json_t *m)
{
	char *dates = render_dates(m);
	char *organisers = client_join(json_object_get(m, "organisers"));

	client_kv(c, "Code", client_str(m, "code"));
	client_kv(c, "Title", client_str(m, "title"));
	client_kv(c, "Dates", dates);
	client_kv(c, "Place", client_str(m, "place"));
	client_kv(c, "Organisers", organisers);
	client_kv(c, "Series", client_str(m, "series"));
	if (client_str(m, "notes")[0] != '\0')
		client_kv(c, "Notes", client_str(m, "notes"));
	json_t *counts = json_object_get(m, "counts");
	if (json_is_object(counts)) {
		char *line = count_line(c, counts);
		client_kv(c, "Items", line);
		free(line);
	}
	free(dates);
	free(organisers);
}

/* "total 3, open 2, overdue 0, proposed 1, …": the totals, then the statuses in the
 * workflow's order (the server's order of the counts when the workflow cannot be had). */
static char *count_line(struct client *c, const json_t *counts)
{
	static const char *const totals[] = {"total", "open", "overdue"};
	json_t *keys = json_array();
	json_t *statuses = workflow_sorted(workflow_get(c), "statuses");
	char *line = xstrdup("");
	const char *key;
	size_t i;
	json_t *v;

	for (i = 0; i < ARRAY_LEN(totals); i++)
		json_array_append_new(keys, json_string(totals[i]));
	json_array_foreach (statuses, i, v) {
		json_array_append(keys, json_object_get(v, "name"));
	}
	if (json_array_size(statuses) == 0) {
		json_object_foreach ((json_t *)counts, key, v) {
			bool total = false;
			for (size_t t = 0; t < ARRAY_LEN(totals); t++)
				total = total || strcmp(key, totals[t]) == 0;
			if (!total)
				json_array_append_new(keys, json_string(key));
		}
	}
	json_array_foreach (keys, i, v) {
		const char *k = json_string_value(v);
		json_t *n = json_object_get(counts, k);
		if (!json_is_integer(n))
			continue;
		char *longer = xasprintf("%s%s%s %lld", line, line[0] != '\0' ? ", " : "", k,
					 (long long)json_integer_value(n));
		free(line);
		line = longer;
	}
	json_decref(keys);
	json_decref(statuses);
	return line;
}

void render_recs_print(struct client *c, const struct cmd_args *a, const json_t *items)
{
	(void)a;
	render_recs(c, items);
}

void render_rec_print(struct client *c, const struct cmd_args *a, const json_t *rec)
{
	(void)a;
	render_rec(c, rec);
}

void render_owner_print(struct client *c, const struct cmd_args *a, const json_t *owner)
{
	(void)a;
	render_owner(c, owner);
}

void render_meeting_print(struct client *c, const struct cmd_args *a, const json_t *meeting)
{
	(void)a;
	render_meeting(c, meeting);
}

/* Strings bare, null as "none", the rest as compact JSON. */
static char *value_text(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return xstrdup("none");
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_array(v)) {
		bool strings = true;
		size_t i;
		json_t *e;
		json_array_foreach (v, i, e) {
			strings = strings && json_is_string(e);
		}
		if (strings) {
			char *list = client_join(v);
			char *r = xasprintf("[%s]", list);
			free(list);
			return r;
		}
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *r = xstrdup(s != NULL ? s : "?");
	free(s);
	return r;
}

char *render_change(const json_t *before, const json_t *after)
{
	char *out = xstrdup("");
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)after, key, v) {
		char *a = value_text(v);
		char *n;
		if (json_is_object(before) && json_object_get(before, key) != NULL) {
			char *b = value_text(json_object_get(before, key));
			n = xasprintf("%s%s%s: %s \xe2\x86\x92 %s", out, out[0] ? "; " : "", key, b,
				      a);
			free(b);
		} else {
			n = xasprintf("%s%s%s: %s", out, out[0] ? "; " : "", key, a);
		}
		free(a);
		free(out);
		out = n;
	}
	return out;
}
