/* test-api-list.c — GET /v1/recommendations (every filter, limits, keyset paging) and
 * POST /v1/meetings/{code}/import (minutes, CSV, JSON, dry runs, refusals) over HTTP. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "apitest.h"
#include "apitest-parts.h"
#include "util.h"

#define MAX_IDS 600

static void ensure_owner(const char *handle);
static char *list_refs(const char *query);
static char *walk_ids(const char *query, int limit, void (*between)(void));

/* POST an owner unless it exists (several tests use the owners of the sample files). */
static void ensure_owner(const char *handle)
{
	char *body = jdump(json_pack("{s:s, s:s}", "handle", handle, "name", handle));
	struct http_response *r = hreq(at.secretariat, "POST", "/v1/owners", NULL, body, NULL);
	ck_assert_msg(r->status == 201 || r->status == 409, "owner %s: %d %s", handle, r->status,
		      r->body);
	http_response_free(r);
	free(body);
}

/* The refs of one page of GET /v1/recommendations?query (limit 500), comma-separated, in
 * the order given. */
static char *list_refs(const char *query)
{
	char *path = xasprintf("/v1/recommendations?limit=500&%s", query);
	json_t *page = hcall(at.viewer, "GET", path, NULL, 200);
	json_t *items = json_object_get(page, "items");
	ck_assert_msg(json_is_array(items), "%s: no items", path);
	ck_assert_msg(json_is_null(json_object_get(page, "next")), "%s: a next page", path);
	char *out = xstrdup("");
	size_t i;
	json_t *it;
	json_array_foreach (items, i, it) {
		char *o = xasprintf("%s%s%s", out, i > 0 ? "," : "", JSTR(it, "ref"));
		free(out);
		out = o;
	}
	json_decref(page);
	free(path);
	return out;
}

/* --- lists ------------------------------------------------------------------------------- */

/* ls-m/1 … ls-m/8: statuses, owners, deadlines and tags that every filter tells apart. */
static void make_list_fixture(void)
{
	static const struct {
		const char *text, *details, *owner, *status, *due_on, *tags;
		const char *moves[2]; /* transitions after creation ("to:comment") */
	} recs[] = {
	    {"Mettre en place une base de données régionale.",
	     "",
	     "ls-o1",
	     "accepted",
	     "2020-06-01",
	     "[\"data\"]",
	     {NULL}},
	    {"Élaborer un guide pratique.",
	     "",
	     "ls-o2",
	     "proposed",
	     "2099-01-01",
	     "[\"guide\"]",
	     {NULL}},
	    {"Organiser des opérations conjointes.",
	     "",
	     "ls-o1",
	     "in_progress",
	     NULL,
	     "[\"data\",\"terrain\"]",
	     {NULL}},
	    {"Institutionnaliser un séminaire.", "", NULL, "proposed", "2021-01-01", "[]", {NULL}},
	    {"Renforcer la coopération.",
	     "",
	     "ls-o2",
	     "accepted",
	     "2020-01-01",
	     "[\"data\"]",
	     {"implemented:", NULL}},
	    {"Assurer la surveillance des flux.",
	     "",
	     "ls-o1",
	     "accepted",
	     "2022-05-05",
	     "[\"terrain\"]",
	     {"blocked:Fonds gelés.", NULL}},
	    {"Plaidoyer national.",
	     "",
	     "ls-o2",
	     "proposed",
	     NULL,
	     "[]",
	     {"obsolete:Dépassé.", NULL}},
	    {"Registre des saisies.",
	     "Deuxième base de DONNÉES",
	     "ls-o1",
	     "proposed",
	     "2098-06-30",
	     "[\"data\"]",
	     {NULL}},
	};
	mk_meeting("ls-m", "2019-01-01", NULL);
	mk_meeting("ls-empty", "2019-01-02", NULL);
	mk_owner("ls-o1");
	mk_owner("ls-o2");
	for (size_t i = 0; i < ARRAY_LEN(recs); i++) {
		json_t *b =
		    json_pack("{s:s, s:s, s:s, s:s}", "meeting", "ls-m", "text", recs[i].text,
			      "details", recs[i].details, "status", recs[i].status);
		json_object_set_new(b, "owner",
				    recs[i].owner ? json_string(recs[i].owner) : json_null());
		json_object_set_new(b, "due_on",
				    recs[i].due_on ? json_string(recs[i].due_on) : json_null());
		json_object_set_new(b, "tags", json_loads(recs[i].tags, 0, NULL));
		char *body = jdump(b);
		json_t *rec = mk_rec(body);
		char *path = xasprintf("/v1/recommendations/%lld/transitions", JINT(rec, "id"));
		for (size_t k = 0; k < 2 && recs[i].moves[k] != NULL; k++) {
			const char *colon = strchr(recs[i].moves[k], ':');
			char *to = xstrndup(recs[i].moves[k], (size_t)(colon - recs[i].moves[k]));
			char *tb = jdump(json_pack("{s:s, s:s}", "to", to, "comment", colon + 1));
			json_decref(hcall(at.secretariat, "POST", path, tb, 200));
			free(tb);
			free(to);
		}
		free(path);
		json_decref(rec);
		free(body);
	}
}

START_TEST(list_every_filter)
{
	make_list_fixture();
	static const struct {
		const char *query, *refs;
	} cases[] = {
	    {"meeting=ls-m", "ls-m/1,ls-m/2,ls-m/3,ls-m/4,ls-m/5,ls-m/6,ls-m/7,ls-m/8"},
	    {"meeting=ls-empty", ""},
	    {"meeting=no-such-meeting", ""},
	    {"meeting=ls-m&status=accepted", "ls-m/1"},
	    {"meeting=ls-m&status=accepted&status=blocked", "ls-m/1,ls-m/6"},
	    {"meeting=ls-m&status=implemented&status=obsolete", "ls-m/5,ls-m/7"},
	    {"meeting=ls-m&status=nothing_like_this", ""},
	    {"meeting=ls-m&open=true", "ls-m/1,ls-m/2,ls-m/3,ls-m/4,ls-m/6,ls-m/8"},
	    {"meeting=ls-m&open=false", "ls-m/5,ls-m/7"},
	    /* overdue and due_* order by due date, then id */
	    {"meeting=ls-m&overdue=true", "ls-m/1,ls-m/4,ls-m/6"},
	    {"meeting=ls-m&overdue=false", "ls-m/2,ls-m/3,ls-m/5,ls-m/7,ls-m/8"},
	    {"owner=ls-o1", "ls-m/1,ls-m/3,ls-m/6,ls-m/8"},
	    {"owner=ls-o2&open=true", "ls-m/2"},
	    {"owner=no-such-owner", ""},
	    {"meeting=ls-m&tag=data", "ls-m/1,ls-m/3,ls-m/5,ls-m/8"},
	    {"meeting=ls-m&tag=data&tag=terrain", "ls-m/3"},
	    {"meeting=ls-m&due_before=2022-01-01", "ls-m/5,ls-m/1,ls-m/4"},
	    {"meeting=ls-m&due_after=2022-05-05", "ls-m/8,ls-m/2"},
	    {"meeting=ls-m&due_after=2020-01-01&due_before=2099-01-01",
	     "ls-m/1,ls-m/4,ls-m/6,ls-m/8"},
	    {"meeting=ls-m&q=donnees", "ls-m/1,ls-m/8"},
	    {"meeting=ls-m&q=DONN%C3%89ES", "ls-m/1,ls-m/8"},
	    {"meeting=ls-m&q=base%20de%20donn%C3%A9es%20r%C3%A9gionale", "ls-m/1"},
	    {"meeting=ls-m&q=cooperation", "ls-m/5"},
	    {"meeting=ls-m&q=deuxieme", "ls-m/8"},
	    {"owner=ls-o1&status=blocked&overdue=true&tag=terrain&q=surveillance", "ls-m/6"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = list_refs(cases[i].query);
		ck_assert_msg(strcmp(got, cases[i].refs) == 0, "?%s gave [%s], expected [%s]",
			      cases[i].query, got, cases[i].refs);
		free(got);
	}
	/* The items are full recommendations, overdue ones with days_overdue. */
	json_t *page =
	    hcall(at.viewer, "GET", "/v1/recommendations?meeting=ls-m&overdue=true", NULL, 200);
	json_t *first = json_array_get(json_object_get(page, "items"), 0);
	ck_assert(json_is_true(json_object_get(first, "overdue")));
	ck_assert_int_gt(JINT(first, "days_overdue"), 300);
	ck_assert_str_eq(JSTR(first, "owner"), "ls-o1");
	json_decref(page);
}
END_TEST

START_TEST(list_refuses_bad_parameters)
{
	static const struct {
		const char *query, *field;
	} cases[] = {
	    {"limit=0", "limit"},
	    {"limit=501", "limit"},
	    {"limit=abc", "limit"},
	    {"limit=-1", "limit"},
	    {"status=NOT%20A%20STATUS", "status"},
	    {"open=maybe", "open"},
	    {"overdue=2", "overdue"},
	    {"due_before=2019-02-30", "due_before"},
	    {"due_after=tomorrow", "due_after"},
	    {"owner=Not%20A%20Handle", "owner"},
	    {"q=ab", "q"},
	    {"colour=red", "colour"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *path = xasprintf("/v1/recommendations?%s", cases[i].query);
		json_t *p = hcall(at.viewer, "GET", path, NULL, 422);
		ck_assert_msg(problem_names(p, cases[i].field), "?%s does not name %s",
			      cases[i].query, cases[i].field);
		json_decref(p);
		free(path);
	}
	/* Every bad parameter is named in one answer. */
	json_t *p = hcall(at.viewer, "GET",
			  "/v1/recommendations?limit=0&open=maybe&due_before=2019-02-30&colour=red",
			  NULL, 422);
	ck_assert(problem_names(p, "limit") && problem_names(p, "open") &&
		  problem_names(p, "due_before") && problem_names(p, "colour"));
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/recommendations?after=not-a-cursor", NULL, 400);
	ck_assert_str_eq(JSTR(p, "code"), "bad_cursor");
	json_decref(p);
	p = hcall(at.viewer, "GET", "/v1/recommendations?due_after=2000-01-01&after=12", NULL, 400);
	json_decref(p);
}
END_TEST

/* Import n short recommendations into meeting with due dates that repeat. */
static void import_many(const char *meeting, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		char text[64], due[16];
		snprintf(text, sizeof text, "Item %d of %s.", i + 1, meeting);
		snprintf(due, sizeof due, "2030-01-%02d", 1 + (i * 7) % 5);
		json_array_append_new(a, json_pack("{s:s, s:s}", "text", text, "due_on", due));
	}
	char *body = jdump(a);
	char *path = xasprintf("/v1/meetings/%s/import", meeting);
	struct http_response *r =
	    hreq(at.secretariat, "POST", path, "application/json", body, NULL);
	ck_assert_msg(r->status == 201, "import: %d %s", r->status, r->body);
	http_response_free(r);
	free(path);
	free(body);
}

static const char *walk_meeting;

static void add_one_during_walk(void)
{
	char *body = xasprintf("{\"meeting\":\"%s\",\"text\":\"Added between pages.\","
			       "\"due_on\":\"2029-12-31\"}",
			       walk_meeting);
	json_decref(mk_rec(body));
	free(body);
}

/* Ids of every page of GET /v1/recommendations?query with limit, following next; calls
 * between after the first page. Fails on a duplicate. */
static char *walk_ids(const char *query, int limit, void (*between)(void))
{
	char *out = xstrdup("");
	char *after = NULL;
	long long seen[MAX_IDS];
	size_t nseen = 0;

	for (int pages = 0;; pages++) {
		ck_assert_int_lt(pages, 200);
		char *path;
		if (after != NULL) {
			char *enc = urlenc(after);
			path = xasprintf("/v1/recommendations?%s&limit=%d&after=%s", query, limit,
					 enc);
			free(enc);
		} else {
			path = xasprintf("/v1/recommendations?%s&limit=%d", query, limit);
		}
		json_t *page = hcall(at.viewer, "GET", path, NULL, 200);
		json_t *items = json_object_get(page, "items");
		size_t i;
		json_t *it;
		json_array_foreach (items, i, it) {
			long long id = JINT(it, "id");
			for (size_t k = 0; k < nseen; k++)
				ck_assert_msg(seen[k] != id, "%s: id %lld twice", query, id);
			ck_assert_uint_lt(nseen, MAX_IDS);
			seen[nseen++] = id;
			char *o = xasprintf("%s%s%lld", out, *out != '\0' ? "," : "", id);
			free(out);
			out = o;
		}
		json_t *next = json_object_get(page, "next");
		ck_assert_msg(json_is_null(next) || json_array_size(items) == (size_t)limit,
			      "%s: a short page with a next cursor", path);
		free(after);
		after = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		json_decref(page);
		free(path);
		if (pages == 0 && between != NULL)
			between();
		if (after == NULL)
			break;
	}
	return out;
}

START_TEST(list_keyset_paging)
{
	mk_meeting("pg-m", "2019-02-01", NULL);
	import_many("pg-m", 23);
	const char *by_id =
	    "SELECT string_agg(r.id::text, ',' ORDER BY r.id) FROM recommendations r"
	    " JOIN meetings m ON m.id = r.meeting_id WHERE m.code = 'pg-m'";
	const char *by_due = "SELECT string_agg(r.id::text, ',' ORDER BY r.due_on, r.id)"
			     " FROM recommendations r JOIN meetings m ON m.id = r.meeting_id"
			     " WHERE m.code = 'pg-m' AND r.due_on > '2000-01-01'";
	for (int limit = 1; limit <= 24; limit += limit < 5 ? 1 : 6) {
		char *want = dbval("%s", by_id);
		char *got = walk_ids("meeting=pg-m", limit, NULL);
		ck_assert_msg(strcmp(got, want) == 0, "limit %d by id:\n%s\nexpected\n%s", limit,
			      got, want);
		free(got);
		free(want);
		want = dbval("%s", by_due);
		got = walk_ids("meeting=pg-m&due_after=2000-01-01", limit, NULL);
		ck_assert_msg(strcmp(got, want) == 0, "limit %d by due date:\n%s\nexpected\n%s",
			      limit, got, want);
		free(got);
		free(want);
	}
	/* A recommendation created between two pages: by id it comes last, exactly once; by
	 * due date (before the cursor) it is not seen and nothing else moves. */
	walk_meeting = "pg-m";
	char *got = walk_ids("meeting=pg-m", 5, add_one_during_walk);
	char *want = dbval("%s", by_id);
	ck_assert_msg(strcmp(got, want) == 0, "by id with an insert:\n%s\nexpected\n%s", got, want);
	free(got);
	free(want);
	want = dbval("%s", by_due);
	got = walk_ids("meeting=pg-m&due_after=2000-01-01", 5, add_one_during_walk);
	ck_assert_msg(strcmp(got, want) == 0, "by due with an insert:\n%s\nexpected\n%s", got,
		      want);
	free(got);
	free(want);

	/* Default limit 50, maximum 500. */
	mk_meeting("pg-big", "2019-02-02", NULL);
	import_many("pg-big", 55);
	json_t *page = hcall(at.viewer, "GET", "/v1/recommendations?meeting=pg-big", NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(page, "items")), 50);
	ck_assert(json_is_string(json_object_get(page, "next")));
	json_decref(page);
	page = hcall(at.viewer, "GET", "/v1/recommendations?meeting=pg-big&limit=500", NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(page, "items")), 55);
	ck_assert(json_is_null(json_object_get(page, "next")));
	json_decref(page);
	page = hcall(at.viewer, "GET", "/v1/recommendations?meeting=pg-big&limit=55", NULL, 200);
	ck_assert(json_is_null(json_object_get(page, "next")));
	json_decref(page);
}
END_TEST

/* --- import ------------------------------------------------------------------------------ */

/* POST body to /v1/meetings/meeting/import[?query] as ctype; returns the answer checked
 * against expect. */
static json_t *import(const char *meeting, const char *query, const char *ctype, const char *body,
		      int expect)
{
	char *path = xasprintf("/v1/meetings/%s/import%s%s", meeting, query != NULL ? "?" : "",
			       query != NULL ? query : "");
	struct http_response *r = hreq(at.secretariat, "POST", path, ctype, body, NULL);
	ck_assert_msg(r->status == expect, "import into %s (%s): %d %s", meeting, ctype, r->status,
		      r->body);
	json_t *j = http_json(r);
	ck_assert_msg(j != NULL, "import answer is not JSON: %s", r->body);
	http_response_free(r);
	free(path);
	return j;
}

static long long count_in(const char *meeting)
{
	return dbnum("SELECT count(*) FROM recommendations r JOIN meetings m"
		     " ON m.id = r.meeting_id WHERE m.code = '%s'",
		     meeting);
}

START_TEST(import_minutes_exact_counts_and_dry_run)
{
	static const struct {
		const char *file;
		size_t n;
	} files[] = {
	    {"minutes/bamako-2019.txt", 8},         {"minutes/eu-ca-2023.txt", 7},
	    {"minutes/benelux-postal-2024.txt", 6}, {"minutes/cosi-clasi-2024.txt", 6},
	    {"minutes/eu-ca-ct-2015.txt", 6},
	};
	for (size_t f = 0; f < ARRAY_LEN(files); f++) {
		char code[32];
		snprintf(code, sizeof code, "mi-%zu", f);
		mk_meeting(code, "2020-03-01", NULL);
		char *text = read_data(files[f].file, NULL);

		char *before = state_digest();
		json_t *dry = import(code, "dry_run=true", "text/plain", text, 200);
		assert_same_state(before);
		free(before);
		ck_assert(json_is_true(json_object_get(dry, "dry_run")));
		ck_assert_int_eq(JINT(dry, "created"), (long long)files[f].n);
		json_t *ditems = json_object_get(dry, "items");
		ck_assert_msg(json_array_size(ditems) == files[f].n, "%s: %zu items in the dry run",
			      files[f].file, json_array_size(ditems));
		ck_assert_ptr_null(json_object_get(json_array_get(ditems, 0), "id"));

		json_t *real = import(code, NULL, "text/plain; charset=utf-8", text, 201);
		ck_assert(json_is_false(json_object_get(real, "dry_run")));
		ck_assert_int_eq(JINT(real, "created"), (long long)files[f].n);
		ck_assert_int_eq(count_in(code), (long long)files[f].n);
		json_t *items = json_object_get(real, "items");
		for (size_t i = 0; i < files[f].n; i++) {
			json_t *it = json_array_get(items, i), *d = json_array_get(ditems, i);
			char ref[80];
			snprintf(ref, sizeof ref, "%s/%zu", code, i + 1);
			ck_assert_str_eq(JSTR(it, "ref"), ref);
			ck_assert_str_eq(JSTR(d, "ref"), ref);
			ck_assert_str_eq(JSTR(it, "text"), JSTR(d, "text"));
			ck_assert_str_eq(JSTR(it, "status"), "proposed");
		}
		ck_assert_int_eq(dbnum("SELECT count(*) FROM history h JOIN recommendations r"
				       " ON r.id = h.rec_id JOIN meetings m ON m.id = r.meeting_id"
				       " WHERE m.code = '%s' AND h.kind = 'created'",
				       code),
				 (long long)files[f].n);
		if (f == 0) {
			ck_assert_str_eq(JSTR(json_array_get(items, 0), "text"),
					 "Mettre en place un cadre de concertation périodique des "
					 "acteurs de la lutte contre les stupéfiants, au niveau "
					 "national et régional.");
			ck_assert_str_eq(JSTR(json_array_get(items, 2), "text"),
					 "désigner dans chaque pays un point de contact joignable "
					 "en permanence ;");
		}
		json_decref(real);
		json_decref(dry);
		free(text);
	}
}
END_TEST

START_TEST(import_defaults_numbering_and_csv_json)
{
	static const char *const owners[] = {"ocrtis",   "ocs-mali", "minusma", "unodc",
					     "interpol", "cosi",     "clasi",   "europol"};
	for (size_t i = 0; i < ARRAY_LEN(owners); i++)
		ensure_owner(owners[i]);

	/* Defaults from the query; numbers continue after the meeting's last one, and a dry run
	 * takes none. */
	mk_meeting("ic-txt", "2020-03-01", NULL);
	mk_rec_id("ic-txt", NULL, NULL);
	char *text = read_data("minutes/bamako-2019.txt", NULL);
	json_t *dry = import("ic-txt", "dry_run=true&owner=ocrtis", "text/plain", text, 200);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(dry, "items"), 0), "ref"), "ic-txt/2");
	json_decref(dry);
	json_t *real = import("ic-txt", "owner=ocrtis&due_on=2027-06-30", "text/plain", text, 201);
	json_t *items = json_object_get(real, "items");
	ck_assert_str_eq(JSTR(json_array_get(items, 0), "ref"), "ic-txt/2");
	ck_assert_str_eq(JSTR(json_array_get(items, 7), "ref"), "ic-txt/9");
	size_t i;
	json_t *it;
	json_array_foreach (items, i, it) {
		ck_assert_str_eq(JSTR(it, "owner"), "ocrtis");
		ck_assert_str_eq(JSTR(it, "due_on"), "2027-06-30");
	}
	json_decref(real);
	free(text);

	mk_meeting("ic-csv", "2020-03-01", NULL);
	char *csv = read_data("minutes/recommendations.csv", NULL);
	real = import("ic-csv", NULL, "text/csv", csv, 201);
	ck_assert_int_eq(JINT(real, "created"), 4);
	ck_assert_int_eq(count_in("ic-csv"), 4);
	json_t *first = json_array_get(json_object_get(real, "items"), 0);
	ck_assert_str_eq(JSTR(first, "text"),
			 "Mettre en place une base de données régionale partagée sur les saisies.");
	ck_assert_str_eq(JSTR(first, "details"),
			 "Hébergée par l’OCS ; accès pour les six pays.\nVoir le compte rendu, "
			 "« Recommandations », point 3 b).");
	ck_assert_str_eq(JSTR(first, "owner"), "ocrtis");
	ck_assert_str_eq(JSTR(first, "status"), "accepted");
	ck_assert_str_eq(JSTR(first, "priority"), "high");
	ck_assert_str_eq(JSTR(first, "due_on"), "2026-03-31");
	json_t *want = json_pack("[s,s]", "données", "coopération");
	ck_assert(json_equal(json_object_get(first, "tags"), want));
	json_decref(want);
	want = json_pack("[s,s]", "interpol", "unodc");
	ck_assert(json_equal(json_object_get(first, "supporting"), want));
	json_decref(want);
	json_t *second = json_array_get(json_object_get(real, "items"), 1);
	ck_assert_str_eq(JSTR(second, "text"), "Élaborer un guide \"trafic de stupéfiants\" à "
					       "l’usage des enquêteurs, des magistrats et des "
					       "douaniers.");
	json_t *fourth = json_array_get(json_object_get(real, "items"), 3);
	ck_assert_str_eq(JSTR(fourth, "owner"), "minusma");
	json_decref(real);
	free(csv);

	mk_meeting("ic-json", "2020-03-01", NULL);
	char *js = read_data("minutes/recommendations.json", NULL);
	real = import("ic-json", NULL, "application/json", js, 201);
	ck_assert_int_eq(JINT(real, "created"), 3);
	items = json_object_get(real, "items");
	ck_assert_str_eq(JSTR(json_array_get(items, 0), "owner"), "cosi");
	want = json_pack("[s,s]", "clasi", "europol");
	ck_assert(json_equal(json_object_get(json_array_get(items, 0), "supporting"), want));
	json_decref(want);
	ck_assert(json_is_null(json_object_get(json_array_get(items, 1), "owner")));
	ck_assert_str_eq(JSTR(json_array_get(items, 2), "text"),
			 "Étudier l’usage criminel des plateformes de cryptographie.");
	json_decref(real);
	free(js);
	json_t *rec = hcall(at.viewer, "GET", "/v1/recommendations/ic-json/3", NULL, 200);
	ck_assert_str_eq(JSTR(rec, "text"),
			 "Étudier l’usage criminel des plateformes de cryptographie.");
	json_decref(rec);
}
END_TEST

START_TEST(import_refusals_create_nothing)
{
	ensure_owner("ocrtis");
	mk_meeting("ir-m", "2020-03-01", NULL);
	mk_rec_id("ir-m", NULL, NULL);
	char *before = state_digest();

	/* Parse errors name the item and the field. */
	static const struct {
		const char *file, *ctype, *field;
	} bad[] = {
	    {"minutes/bad-owner.json", "application/json", "element 2: owner"},
	    {"minutes/bad-date.csv", "text/csv", "row 3: due_on"},
	    {"minutes/bad-column.csv", "text/csv", "row 1: responsable"},
	    {"minutes/bad-control.txt", "text/plain", "line 3: text"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *data = read_data(bad[i].file, NULL);
		json_t *p = import("ir-m", NULL, bad[i].ctype, data, 422);
		ck_assert_msg(problem_names(p, bad[i].field), "%s: %s not named in %s", bad[i].file,
			      bad[i].field, json_dumps(json_object_get(p, "errors"), 0));
		json_decref(p);
		free(data);
	}
	/* The database refuses an unknown owner on the third element: nothing of the first
	 * two is kept. */
	json_t *p = import("ir-m", NULL, "application/json",
			   "[{\"text\":\"Un.\",\"owner\":\"ocrtis\"},{\"text\":\"Deux.\"},"
			   "{\"text\":\"Trois.\",\"owner\":\"ghost-owner\"}]",
			   422);
	ck_assert_str_eq(JSTR(p, "code"), "unknown_owner");
	ck_assert_uint_eq(problem_errors(p), 1);
	/* Named as the parser names JSON items: the element. */
	const char *field = JSTR(json_array_get(json_object_get(p, "errors"), 0), "field");
	ck_assert_msg(strcmp(field, "element 3: owner") == 0, "the refusal names %s", field);
	json_decref(p);
	/* The same with minutes and an unknown default owner. */
	char *text = read_data("minutes/bamako-2019.txt", NULL);
	p = import("ir-m", "owner=ghost-owner", "text/plain", text, 422);
	ck_assert_str_eq(JSTR(p, "code"), "unknown_owner");
	field = JSTR(json_array_get(json_object_get(p, "errors"), 0), "field");
	ck_assert_msg(strcmp(field, "line 18: owner") == 0, "the refusal names %s", field);
	json_decref(p);
	p = import("ir-m", "due_on=2019-02-30", "text/plain", text, 422);
	ck_assert(problem_names(p, "due_on"));
	json_decref(p);
	p = import("ir-m", "dry_run=perhaps", "text/plain", text, 422);
	ck_assert(problem_names(p, "dry_run"));
	json_decref(p);
	p = import("no-such-meeting", NULL, "text/plain", text, 404);
	json_decref(p);
	/* Other media types, bad UTF-8, nothing to import. */
	p = import("ir-m", NULL, "application/xml", "<r>Renforcer.</r>", 415);
	ck_assert_str_eq(JSTR(p, "code"), "unsupported_media_type");
	json_decref(p);
	p = import("ir-m", NULL, "text/html", text, 415);
	json_decref(p);
	char *utf8 = read_data("minutes/bad-utf8.txt", NULL);
	struct http_response *r =
	    hreq(at.secretariat, "POST", "/v1/meetings/ir-m/import", "text/plain", utf8, NULL);
	ck_assert_msg(r->status == 400 || r->status == 422, "invalid UTF-8: %d %s", r->status,
		      r->body);
	http_response_free(r);
	p = import("ir-m", NULL, "text/plain", "Des phrases, aucune liste.\n", 422);
	json_decref(p);
	p = import("ir-m", NULL, "application/json", "[]", 422);
	json_decref(p);
	free(utf8);
	free(text);

	assert_same_state(before);
	free(before);
	ck_assert_int_eq(count_in("ir-m"), 1);
	ck_assert_int_eq(dbnum("SELECT last_n FROM meetings WHERE code = 'ir-m'"), 1);
	/* And the next import still numbers from 2. */
	json_t *ok = import("ir-m", NULL, "application/json", "[{\"text\":\"Deux.\"}]", 201);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(ok, "items"), 0), "ref"), "ir-m/2");
	json_decref(ok);
}
END_TEST

void api_list_tcases(Suite *s)
{
	TCase *tc = tcase_create("lists");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, list_every_filter);
	tcase_add_test(tc, list_refuses_bad_parameters);
	tcase_add_test(tc, list_keyset_paging);
	suite_add_tcase(s, tc);
	tc = tcase_create("import");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, import_minutes_exact_counts_and_dry_run);
	tcase_add_test(tc, import_defaults_numbering_and_csv_json);
	tcase_add_test(tc, import_refusals_create_nothing);
	suite_add_tcase(s, tc);
}
