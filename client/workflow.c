/* workflow.c — the server's statuses, transitions, priorities and limits, asked once. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "workflow.h"

static int by_position(const void *a, const void *b);
static bool workflow_valid(const json_t *wf);

/* The shape the commands rely on: named statuses and priorities. */
static bool workflow_valid(const json_t *wf)
{
	static const char *const lists[] = {"statuses", "priorities"};

	if (!json_is_object(wf))
		return false;
	for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
		json_t *list = json_object_get(wf, lists[l]);
		size_t i;
		json_t *v;
		if (!json_is_array(list))
			return false;
		json_array_foreach (list, i, v) {
			if (!json_is_string(json_object_get(v, "name")))
				return false;
		}
	}
	return true;
}

const json_t *workflow_get(struct client *c)
{
	if (c->workflow_asked)
		return c->workflow;
	c->workflow_asked = true;
	/* conn_do rather than request_json: a failure here prints nothing. */
	struct conn_request req = {.method = "GET", .path = "/v1/workflow", .token = c->token};
	struct conn_response resp;
	char *cause = NULL;
	if (c->token == NULL)
		return NULL;
	if (conn_do(&c->url, &req, &resp, &cause) < 0) {
		free(cause);
		return NULL;
	}
	json_t *wf = NULL;
	if (resp.status == 200)
		wf = json_loadb(resp.body, resp.body_len, JSON_REJECT_DUPLICATES, NULL);
	conn_response_free(&resp);
	if (!workflow_valid(wf)) {
		json_decref(wf);
		return NULL;
	}
	c->workflow = wf;
	return wf;
}

static int by_position(const void *a, const void *b)
{
	json_int_t pa = json_integer_value(json_object_get(*(json_t *const *)a, "position"));
	json_int_t pb = json_integer_value(json_object_get(*(json_t *const *)b, "position"));
	return (pa > pb) - (pa < pb);
}

json_t *workflow_sorted(const json_t *wf, const char *list)
{
	json_t *members = json_object_get(wf, list);
	size_t n = json_array_size(members);
	json_t **v = xcalloc(n + 1, sizeof *v);
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(members, i);
	/* The server sends them in order already; a stable order costs nothing to ensure. */
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && by_position(&v[j - 1], &v[j]) > 0; j--) {
			json_t *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

char *workflow_names(const json_t *wf, const char *list, const char *sep)
{
	json_t *sorted = workflow_sorted(wf, list);
	char *out = xstrdup("");
	size_t i;
	json_t *v;

	json_array_foreach (sorted, i, v) {
		char *n = xasprintf("%s%s%s", out, i > 0 ? sep : "", client_str(v, "name"));
		free(out);
		out = n;
	}
	json_decref(sorted);
	return out;
}

int workflow_check(struct client *c, const char *list, const char *value)
{
	const json_t *wf = workflow_get(c);
	size_t i;
	json_t *v;

	if (wf == NULL)
		return EXIT_DONE;
	json_array_foreach (json_object_get(wf, list), i, v) {
		if (strcmp(client_str(v, "name"), value) == 0)
			return EXIT_DONE;
	}
	char *names = workflow_names(wf, list, ", ");
	/* "statuses" -> "status", "priorities" -> "priority" */
	const char *one = strcmp(list, "statuses") == 0 ? "status" : "priority";
	client_fail(c, EXIT_REFUSED, "\"%s\" is not a %s here; %s: %s", value, one, list, names);
	free(names);
	return EXIT_REFUSED;
}
