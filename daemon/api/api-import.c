/* api-import.c — POST /v1/meetings/{code}/import.
 *
 * The body is parsed and every item validated here (import.c); then one call to
 * suivi_rec_import() checks owners and the meeting and inserts everything in one statement,
 * or, with dry_run=true, answers what it would create and leaves no trace. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "api/api-import.h"
#include "api/api-util.h"
#include "http/auth.h"
#include "import/import.h"
#include "util.h"
#include "api/validate.h"
#include "db/workflow.h"

static void import_post(struct api_request *r);
static void import_done(PGresult *res, const struct db_error *err, void *arg);
static json_t *item_json(const struct import_item *it, const char *unit);

const struct db_stmt api_import_stmts[] = {
    {"recs_import", "SELECT suivi_rec_import($1, $2, $3::jsonb, $4::boolean, $5::date)::text"},
    {NULL, NULL},
};

const struct route api_import_routes[] = {
    {EVHTTP_REQ_POST, "/v1/meetings/{code}/import", ROLE_SECRETARIAT, BODY_IMPORT, 0, import_post},
    {0, NULL, 0, 0, 0, NULL},
};

static json_t *string_list(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The item as suivi_rec_import() reads it: create fields plus its row, and the unit its row
 * counts in, so that the database's refusals name it as the parser's do ("line 18: owner"
 * for minutes, "element 3: owner" for JSON). */
static json_t *item_json(const struct import_item *it, const char *unit)
{
	json_t *o = json_object();

	json_object_set_new(o, "row", json_integer(it->row));
	json_object_set_new(o, "unit", json_string(unit));
	json_object_set_new(o, "text", json_string(it->text));
	if (it->details != NULL)
		json_object_set_new(o, "details", json_string(it->details));
	if (it->owner != NULL)
		json_object_set_new(o, "owner", json_string(it->owner));
	if (it->due_on != NULL)
		json_object_set_new(o, "due_on", json_string(it->due_on));
	if (it->priority != NULL)
		json_object_set_new(o, "priority", json_string(it->priority));
	if (it->status != NULL)
		json_object_set_new(o, "status", json_string(it->status));
	json_object_set_new(o, "tags", string_list(it->tags, it->ntags));
	json_object_set_new(o, "supporting", string_list(it->supporting, it->nsupporting));
	return o;
}

static void import_post(struct api_request *r)
{
	static const char *const allowed[] = {"dry_run", "owner", "due_on", NULL};
	json_t *errors = NULL;
	bool dry_run = false;
	size_t len;
	const char *data = api_body(r, &len);
	const char *owner = api_query(r, "owner"), *due_on = api_query(r, "due_on");

	api_check_query(r, allowed, &errors);
	validate_query_bool("dry_run", api_query(r, "dry_run"), &dry_run, &errors);
	validate_query_slug("owner", owner, &errors);
	validate_query_date("due_on", due_on, &errors);
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}

	/* The statuses and limits of the database (db/workflow.h), as POST /v1/recommendations
	 * checks them; without a workflow nothing is open, and the parse says so. */
	static const char *const none[] = {NULL};
	const struct workflow *wf = workflow_current();
	const char *const *open = workflow_statuses(wf, WORKFLOW_OPEN);
	struct import_options opts = {
	    .owner = owner,
	    .due_on = due_on,
	    .open_statuses = open != NULL ? open : none,
	    .closed_statuses = workflow_statuses(wf, WORKFLOW_CLOSED),
	    .priorities = workflow_priorities(wf),
	    .text_max = (size_t)workflow_limit(wf, "text", 0),
	    .details_max = (size_t)workflow_limit(wf, "details", 0),
	    .tag_max = (size_t)workflow_limit(wf, "tag", 0),
	    .tags_max = (size_t)workflow_limit(wf, "tags", 0),
	    .supporting_max = (size_t)workflow_limit(wf, "supporting", 0),
	};
	struct import_result parsed = {0};
	struct import_error perr = {0};
	if (import_parse(api_body_type(r), data, len, &opts, &parsed, &perr) == -1) {
		char *where = import_error_string(&perr);
		json_t *ext = json_object();
		json_t *errs = json_array();
		json_t *e = json_object();
		char *field = perr.row > 0 ? xasprintf("%s %d%s%s", perr.unit, perr.row,
						       perr.field != NULL ? ": " : "",
						       perr.field != NULL ? perr.field : "")
					   : xstrdup(perr.field != NULL ? perr.field : "body");
		json_object_set_new(e, "field", json_string(field));
		json_object_set_new(e, "message", json_string(perr.message));
		json_array_append_new(errs, e);
		json_object_set_new(ext, "errors", errs);
		if (perr.row > 0)
			json_object_set_new(ext, "row", json_integer(perr.row));
		api_problem_ext(r, 422, "invalid_import", ext, where);
		free(field);
		free(where);
		import_error_clear(&perr);
		return;
	}

	const char *type = api_body_type(r);
	const char *unit = strcmp(type, "text/plain") == 0 ? "line"
			   : strcmp(type, "text/csv") == 0 ? "row"
							   : "element";
	json_t *items = json_array();
	for (size_t i = 0; i < parsed.n; i++)
		json_array_append_new(items, item_json(&parsed.items[i], unit));
	import_result_free(&parsed);
	char *items_text = json_dumps(items, JSON_COMPACT);
	json_decref(items);
	if (items_text == NULL) {
		api_problem(r, 500, "internal", NULL, "cannot encode the items");
		return;
	}
	char today[11];
	api_today(r, today);
	const char *params[] = {api_identity(r)->name, api_param(r, 0), items_text,
				dry_run ? "true" : "false", today};
	if (db_exec(api_pool(r), "recs_import", 5, params, import_done, r) == -1)
		api_problem(r, 500, "internal", NULL, "unknown statement");
	free(items_text);
}

static void import_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;

	if (err != NULL) {
		api_fail_db(r, err);
		return;
	}
	bool dry =
	    strcmp(api_query(r, "dry_run") != NULL ? api_query(r, "dry_run") : "", "true") == 0 ||
	    strcmp(api_query(r, "dry_run") != NULL ? api_query(r, "dry_run") : "", "1") == 0;
	api_reply_row(r, dry ? 200 : 201, res, "meeting", NULL);
}
