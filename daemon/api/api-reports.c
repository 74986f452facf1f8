/* api-reports.c — GET /v1/reports/overdue, /v1/reports/summary, /v1/reports/brief.
 *
 * PostgreSQL builds each report as JSON; text and CSV are rendered from that document by
 * report.c, the same code the mailer uses. The format comes from Accept (application/json,
 * text/plain, text/csv) or, for links and scripts, ?format=json|text|csv; ?lang=fr|en picks
 * the language of the text form. */
#include "suivi-config.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-reports.h"
#include "api/api-util.h"
#include "render/report.h"
#include "util.h"
#include "api/validate.h"

enum report_kind {
	REPORT_OVERDUE,
	REPORT_SUMMARY,
	REPORT_BRIEF,
};

enum report_format {
	FORMAT_JSON,
	FORMAT_TEXT,
	FORMAT_CSV,
};

/* What report_done needs besides the result: the request and how to render. */
struct report_call {
	struct api_request *r;
	enum report_kind kind;
	enum report_format format;
	enum report_lang lang;
};

static void reports_overdue(struct api_request *r);
static void reports_summary(struct api_request *r);
static void reports_brief(struct api_request *r);
static void report_done(PGresult *res, const struct db_error *err, void *arg);
static void render(struct api_request *r, const struct report_call *c, PGresult *res,
		   const struct db_error *err);

const struct db_stmt api_reports_stmts[] = {
    {"reports_overdue", "SELECT suivi_report_overdue($1::date, $2, $3, $4)::text"},
    {"reports_summary", "SELECT suivi_report_summary($1::date)::text"},
    {"reports_brief", "SELECT suivi_report_brief($1, $2::date)::text"},
    {NULL, NULL},
};

const struct route api_reports_routes[] = {
    {EVHTTP_REQ_GET, "/v1/reports/overdue", ROLE_VIEWER, BODY_NONE, 0, reports_overdue},
    {EVHTTP_REQ_GET, "/v1/reports/summary", ROLE_VIEWER, BODY_NONE, 0, reports_summary},
    {EVHTTP_REQ_GET, "/v1/reports/brief", ROLE_VIEWER, BODY_NONE, 0, reports_brief},
    {0, NULL, 0, 0, 0, NULL},
};

/* The wanted format: ?format= wins, then the first acceptable type in Accept. Returns 1,
 * 0 when ?format= is wrong (added to errors), -1 when nothing we make is acceptable (406).
 * It answers nothing: prepare answers once (a 406 and a 422 for the same request answered
 * it twice, a use after free that http-storm found). */
static int pick_format(struct api_request *r, enum report_format *out, json_t **errors)
{
	const char *f = api_query(r, "format");

	if (f != NULL) {
		if (strcmp(f, "json") == 0)
			*out = FORMAT_JSON;
		else if (strcmp(f, "text") == 0)
			*out = FORMAT_TEXT;
		else if (strcmp(f, "csv") == 0)
			*out = FORMAT_CSV;
		else {
			validate_error_add(errors, "format", "must be one of json, text, csv");
			return 0;
		}
		return 1;
	}
	const char *accept = api_header(r, "Accept");
	*out = FORMAT_JSON;
	if (accept == NULL)
		return 1;
	/* Types in the order the client listed them; q-values are not weighed. */
	const char *p = accept;
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		if (n == 0)
			break;
		if (strncmp(p, "application/json", n) == 0 && n == 16)
			return (*out = FORMAT_JSON), 1;
		if (strncmp(p, "text/plain", n) == 0 && n == 10)
			return (*out = FORMAT_TEXT), 1;
		if (strncmp(p, "text/csv", n) == 0 && n == 8)
			return (*out = FORMAT_CSV), 1;
		if ((strncmp(p, "*/*", n) == 0 && n == 3) ||
		    (strncmp(p, "application/*", n) == 0 && n == 13))
			return (*out = FORMAT_JSON), 1;
		if (strncmp(p, "text/*", n) == 0 && n == 6)
			return (*out = FORMAT_TEXT), 1;
		p += n;
		p += strcspn(p, ",");
	}
	return -1;
}

/* Common parameter checks; answers and returns NULL on error. */
static struct report_call *prepare(struct api_request *r, enum report_kind kind,
				   const char *const *allowed, char as_of[11])
{
	json_t *errors = NULL;
	enum report_format format = FORMAT_JSON;
	const char *lang = api_query(r, "lang");

	api_check_query(r, allowed, &errors);
	const char *a = api_query(r, "as_of");
	if (a != NULL && validate_query_date("as_of", a, &errors))
		snprintf(as_of, 11, "%s", a);
	else
		api_today(r, as_of);
	if (lang != NULL && strcmp(lang, "en") != 0 && strcmp(lang, "fr") != 0)
		validate_error_add(&errors, "lang", "must be en or fr");
	int picked = pick_format(r, &format, &errors);
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return NULL;
	}
	if (picked < 0) {
		api_problem(r, 406, "not_acceptable", NULL,
			    "reports are available as application/json, text/plain or text/csv");
		return NULL;
	}
	struct report_call *c = xcalloc(1, sizeof *c);
	c->r = r;
	c->kind = kind;
	c->format = format;
	c->lang = report_lang_parse(lang);
	return c;
}

static void reports_overdue(struct api_request *r)
{
	static const char *const allowed[] = {"as_of", "owner", "meeting", "format", "lang", NULL};
	char as_of[11];
	json_t *errors = NULL;

	const char *owner = api_query(r, "owner"), *meeting = api_query(r, "meeting");
	validate_query_slug("owner", owner, &errors);
	validate_query_slug("meeting", meeting, &errors);
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	struct report_call *c = prepare(r, REPORT_OVERDUE, allowed, as_of);
	if (c == NULL)
		return;
	const char *params[] = {as_of, owner, meeting, api_config(r)->timezone};
	if (db_exec(api_pool(r), "reports_overdue", 4, params, report_done, c) == -1) {
		free(c);
		api_problem(r, 500, "internal", NULL, "unknown statement");
		return;
	}
}

static void reports_summary(struct api_request *r)
{
	static const char *const allowed[] = {"as_of", "format", "lang", NULL};
	char as_of[11];
	struct report_call *c = prepare(r, REPORT_SUMMARY, allowed, as_of);

	if (c == NULL)
		return;
	const char *params[] = {as_of};
	if (db_exec(api_pool(r), "reports_summary", 1, params, report_done, c) == -1) {
		free(c);
		api_problem(r, 500, "internal", NULL, "unknown statement");
		return;
	}
}

static void reports_brief(struct api_request *r)
{
	static const char *const allowed[] = {"meeting", "as_of", "format", "lang", NULL};
	char as_of[11];
	json_t *errors = NULL;
	const char *meeting = api_query(r, "meeting");

	if (meeting == NULL)
		validate_error_add(&errors, "meeting", "is required");
	else
		validate_query_slug("meeting", meeting, &errors);
	if (errors != NULL) {
		api_problem(r, 422, "invalid_parameters", errors, "invalid query parameters");
		return;
	}
	struct report_call *c = prepare(r, REPORT_BRIEF, allowed, as_of);
	if (c == NULL)
		return;
	const char *params[] = {meeting, as_of};
	if (db_exec(api_pool(r), "reports_brief", 2, params, report_done, c) == -1) {
		free(c);
		api_problem(r, 500, "internal", NULL, "unknown statement");
		return;
	}
}

static void report_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct report_call *c = arg;
	struct api_request *r = c->r;

	render(r, c, res, err);
	free(c);
}

static void render(struct api_request *r, const struct report_call *c, PGresult *res,
		   const struct db_error *err)
{
	if (err != NULL) {
		api_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		api_problem(r, 404, "not_found", NULL, "no such report");
		return;
	}
	const char *json = PQgetvalue(res, 0, 0);
	if (c->format == FORMAT_JSON) {
		api_reply_json_text(r, 200, json, (size_t)PQgetlength(res, 0, 0));
		return;
	}
	json_t *doc = json_loads(json, 0, NULL);
	char *out = NULL;
	switch (c->kind) {
	case REPORT_OVERDUE:
		out = c->format == FORMAT_TEXT ? report_overdue_text(doc, c->lang)
					       : report_overdue_csv(doc);
		break;
	case REPORT_SUMMARY:
		out = c->format == FORMAT_TEXT ? report_summary_text(doc, c->lang)
					       : report_summary_csv(doc);
		break;
	case REPORT_BRIEF:
		out = c->format == FORMAT_TEXT ? report_brief_text(doc, c->lang)
					       : report_brief_csv(doc);
		break;
	}
	json_decref(doc);
	/* The document was as many small blocks as the report has lines; freed, they are free
	 * pages in the middle of the heap that glibc does not return by itself. */
	malloc_trim(0);
	if (out == NULL) {
		api_problem(r, 500, "internal", NULL, "cannot render the report");
		return;
	}
	api_set_header(r, "Vary", "Accept");
	api_reply_bytes(r, 200,
			c->format == FORMAT_TEXT ? "text/plain; charset=utf-8"
						 : "text/csv; charset=utf-8; header=present",
			out, strlen(out));
	free(out);
}
