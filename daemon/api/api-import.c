/* api-import.c — POST /v1/meetings/{code}/import.
 *
 * The body is parsed and every item validated here (import.c); then one call to
 * suivi_rec_import() checks owners and the meeting and inserts everything in one statement,
 * or, with dry_run=true, answers what it would create and leaves no trace. With
 * mode=candidates it answers the candidates a secretariat reviews (list items and what
 * import-prose.c finds in prose, each with its line, confidence and source sentence) once the
 * meeting is found, and creates nothing: the client posts the chosen ones back as JSON. */
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
static void import_options_of(struct api_request *r, struct import_options *opts);
static void candidates_done(PGresult *res, const struct db_error *err, void *arg);
static void fail_parse(struct api_request *r, struct import_error *perr);
static const char *unit_of(const char *type);

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

/* The statuses and limits of the database (db/workflow.h), as POST /v1/recommendations
 * checks them; without a workflow nothing is open, and the parse says so. */
static void import_options_of(struct api_request *r, struct import_options *opts)
{
	static const char *const none[] = {NULL};
	const struct workflow *wf = workflow_current();
	const char *const *open = workflow_statuses(wf, WORKFLOW_OPEN);
	*opts = (struct import_options){
	    .owner = api_query(r, "owner"),
	    .due_on = api_query(r, "due_on"),
	    .open_statuses = open != NULL ? open : none,
	    .closed_statuses = workflow_statuses(wf, WORKFLOW_CLOSED),
	    .priorities = workflow_priorities(wf),
	    .text_max = (size_t)workflow_limit(wf, "text", 0),
	    .details_max = (size_t)workflow_limit(wf, "details", 0),
	    .tag_max = (size_t)workflow_limit(wf, "tag", 0),
	    .tags_max = (size_t)workflow_limit(wf, "tags", 0),
	    .supporting_max = (size_t)workflow_limit(wf, "supporting", 0),
	};
}

/* A refused parse as a 422 naming the row and field. */
static void fail_parse(struct api_request *r, struct import_error *perr)
{
	char *where = import_error_string(perr);
	json_t *ext = json_object();
	json_t *errs = json_array();
	json_t *e = json_object();
	char *field = perr->row > 0 ? xasprintf("%s %d%s%s", perr->unit, perr->row,
						perr->field != NULL ? ": " : "",
						perr->field != NULL ? perr->field : "")
				    : xstrdup(perr->field != NULL ? perr->field : "body");
	json_object_set_new(e, "field", json_string(field));
	json_object_set_new(e, "message", json_string(perr->message));
	json_array_append_new(errs, e);
	json_object_set_new(ext, "errors", errs);
	if (perr->row > 0)
		json_object_set_new(ext, "row", json_integer(perr->row));
	api_problem_ext(r, 422, "invalid_import", ext, where);
	free(field);
	free(where);
	import_error_clear(perr);
}

/* What the rows of a body are called, as the parser names them. */
static const char *unit_of(const char *type)
{
	return strcmp(type, "text/plain") == 0 ? "line"
	       : strcmp(type, "text/csv") == 0 ? "row"
					       : "element";
}

static void import_post(struct api_request *r)
{
	static const char *const allowed[] = {"dry_run", "owner", "due_on", "mode", NULL};
	json_t *errors = NULL;
	bool dry_run = false;
	size_t len;
	const char *data = api_body(r, &len);
	const char *owner = api_query(r, "owner"), *due_on = api_query(r, "due_on");
	const char *mode = api_query(r, "mode");

	api_check_query(r, allowed, &errors);
	validate_query_bool("dry_run", api_query(r, "dry_run"), &dry_run, &errors);
	validate_query_slug("owner", owner, &errors);
	validate_query_date("due_on", due_on, &errors);
	if (mode != NULL && strcmp(mode, "items") != 0 && strcmp(mode, "candidates") != 0)
		validate_error_add(&errors, "mode", "must be items or candidates");
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}

	struct import_options opts;
	import_options_of(r, &opts);
	struct import_result parsed = {0};
	struct import_error perr = {0};
	if (mode != NULL && strcmp(mode, "candidates") == 0) {
		/* Refuse a bad body first; the candidates are read again once the meeting is
		 * found (parsing is pure and cheap next to keeping them per request). */
		struct import_cands cands;
		if (import_candidates(api_body_type(r), data, len, &opts, &cands, &perr) == -1) {
			fail_parse(r, &perr);
			return;
		}
		import_cands_free(&cands);
		char today[11];
		api_today(r, today);
		const char *params[] = {api_param(r, 0), today};
		if (db_exec(api_pool(r), "meetings_get", 2, params, candidates_done, r) == -1)
			api_problem(r, 500, "internal", NULL, "unknown statement");
		return;
	}
	if (import_parse(api_body_type(r), data, len, &opts, &parsed, &perr) == -1) {
		fail_parse(r, &perr);
		return;
	}

	const char *unit = unit_of(api_body_type(r));
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

/* The meeting exists: answer {"meeting": code, "candidates": [{n, line, unit, confidence,
 * list, text, source}]}, numbered from 1 in line order. */
static void candidates_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	(void)res;

	if (err != NULL) {
		api_fail_db(r, err);
		return;
	}
	struct import_options opts;
	import_options_of(r, &opts);
	struct import_cands cands;
	struct import_error perr = {0};
	size_t len;
	const char *data = api_body(r, &len);
	if (import_candidates(api_body_type(r), data, len, &opts, &cands, &perr) == -1) {
		fail_parse(r, &perr);
		return;
	}
	const char *unit = unit_of(api_body_type(r));
	json_t *list = json_array();
	for (size_t i = 0; i < cands.n; i++) {
		const struct import_cand *c = &cands.v[i];
		json_t *o = json_object();
		json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(o, "line", json_integer(c->line));
		json_object_set_new(o, "unit", json_string(unit));
		json_object_set_new(o, "confidence", json_integer(c->confidence));
		json_object_set_new(o, "list", json_boolean(c->list));
		json_object_set_new(o, "text", json_string(c->text));
		json_object_set_new(o, "source", json_string(c->source));
		json_array_append_new(list, o);
	}
	import_cands_free(&cands);
	json_t *reply = json_object();
	json_object_set_new(reply, "meeting", json_string(api_param(r, 0)));
	json_object_set_new(reply, "candidates", list);
	char *text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (text == NULL) {
		api_problem(r, 500, "internal", NULL, "cannot encode the candidates");
		return;
	}
	api_reply_json_text(r, 200, text, strlen(text));
	free(text);
}
