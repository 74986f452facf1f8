/* api-openapi.c — GET /v1/openapi.json: the API described for tools (code generators, API
 * explorers). Public like /v1/health: it says what the API is, not what it holds. The text is
 * doc/openapi.yaml as JSON, compiled in so that what is served is what was built and tested
 * (test-openapi compares it with the source). */
#include "suivi-config.h"

#include "api/api-openapi.h"
#include "api/api-util.h"

static void openapi_get(struct api_request *r);

const struct route api_openapi_routes[] = {
    {EVHTTP_REQ_GET, "/v1/openapi.json", ROLE_PUBLIC, BODY_NONE, 0, openapi_get},
    {0, NULL, 0, 0, 0, NULL},
};

static void openapi_get(struct api_request *r)
{
	static const char *const allowed[] = {NULL};
	json_t *errors = NULL;
	if (!api_check_query(r, allowed, &errors)) {
		api_problem(r, 422, "invalid_query", errors, "this resource takes no parameters");
		return;
	}
	api_set_header(r, "Cache-Control", "public, max-age=3600");
	api_reply_bytes(r, 200, "application/json", api_openapi_doc, api_openapi_doc_len);
}
