/* api-calendar.c — GET /v1/calendar.ics: one all-day event per open recommendation with a
 * deadline, filtered by owner, meeting and tag, for calendar programs to subscribe to.
 *
 * Calendar programs cannot send a bearer header: the route also takes a feed token as
 * ?key= (ROUTE_FEED_KEY, decided by the router). A feed token's own filters are applied by
 * suivi_calendar() (sql/api/80-calendar.sql), which refuses a query that asks for others.
 * PostgreSQL picks the rows, render/calendar.c writes the text; the ETag is a hash of that
 * text, so If-None-Match answers 304 until something in the feed changes. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-calendar.h"
#include "api/api-util.h"
#include "db/workflow.h"
#include "render/calendar.h"
#include "sha256.h"
#include "utf8.h"
#include "util.h"
#include "api/validate.h"

static void calendar_feed(struct api_request *r);
static void calendar_done(PGresult *res, const struct db_error *err, void *arg);
static char *link_base(struct api_request *r);

const struct db_stmt api_calendar_stmts[] = {
    {"calendar_feed", "SELECT suivi_calendar($1::bigint, $2, $3, $4)::text"},
    {NULL, NULL},
};

const struct route api_calendar_routes[] = {
    {EVHTTP_REQ_GET, "/v1/calendar.ics", ROLE_VIEWER, BODY_NONE, ROUTE_FEED_KEY, calendar_feed},
    {0, NULL, 0, 0, 0, NULL},
};

static void calendar_feed(struct api_request *r)
{
	static const char *const allowed[] = {"owner", "meeting", "tag", "key", NULL};
	json_t *errors = NULL;
	const char *owner = api_query(r, "owner"), *meeting = api_query(r, "meeting");
	const char *tag = api_query(r, "tag");

	api_check_query(r, allowed, &errors);
	if (owner != NULL)
		validate_query_slug("owner", owner, &errors);
	if (meeting != NULL)
		validate_query_slug("meeting", meeting, &errors);
	if (tag != NULL) {
		/* The same limit as a recommendation's tags: a longer one matches nothing. */
		long max = workflow_limit(workflow_current(), "tag", 50);
		size_t n = strlen(tag);
		if (n == 0 || (long)utf8_count(tag) > max || strcspn(tag, "\r\n\t") != n)
			validate_error_add(&errors, "tag", "must be one tag of 1 to %ld characters",
					   max);
	}
	if (errors != NULL) {
		api_problem(r, 422, "invalid_query", errors, "invalid query parameters");
		return;
	}
	char caller[24];
	snprintf(caller, sizeof caller, "%lld", (long long)api_identity(r)->token_id);
	const char *values[] = {caller, owner, meeting, tag};
	if (db_exec(api_pool(r), "calendar_feed", 4, values, calendar_done, r) != 0)
		api_problem(r, 500, "internal_error", NULL, "internal error");
}

static void calendar_done(PGresult *res, const struct db_error *err, void *arg)
{
	struct api_request *r = arg;
	if (res == NULL) {
		api_fail_db(r, err);
		return;
	}
	json_t *doc = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	char *base = link_base(r);
	size_t len = 0;
	char *ics = doc != NULL ? calendar_ics(doc, base, &len) : NULL;
	json_decref(doc);
	free(base);
	if (ics == NULL) {
		api_problem(r, 500, "internal_error", NULL, "internal error");
		return;
	}
	char hex[2 * SHA256_DIGEST_LEN + 1], etag[40];
	sha256_hex(ics, len, hex);
	snprintf(etag, sizeof etag, "\"%.32s\"", hex);
	api_set_header(r, "ETag", etag);
	/* The key is in the URL: keep shared caches from storing a private feed. */
	api_set_header(r, "Cache-Control", "private, no-cache");
	if (api_if_none_match(r, etag))
		api_reply_empty(r, 304);
	else
		api_reply_bytes(r, 200, "text/calendar; charset=utf-8", ics, len);
	free(ics);
}

/* "http://" + Host for the events' links: the address the calendar program used. A Host
 * with anything but host-name characters gives no link rather than odd text. */
static char *link_base(struct api_request *r)
{
	const char *host = api_header(r, "Host");
	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
		strlen(host))
		return NULL;
	return xasprintf("http://%s", host);
}
