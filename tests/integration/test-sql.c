/* test-sql.c — the SQL API of migrations/0002_tracking.sql against a real PostgreSQL: every
 * write's success path and refusals (SQLSTATE, HINT, DETAIL, and that a refusal changes
 * nothing), representations, numbering, history, search, list pieces and reports.
 * Concurrency, bulk import timing and query plans are in test-sql-load.c. */
#include "suivi-config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sqltest.h"
#include "util.h"

static void assert_ts(const char *ts);
static json_t *list(const char *where, int n, const char *const *params, bool by_due,
		    const char *lim);
static void seed_three(void);

#define REC_CREATE "SELECT suivi_rec_create('sec', $1, '" TODAY "')"
#define REC_PATCH "SELECT suivi_rec_patch('sec', $1, $2, $3::int, '" TODAY "')"
#define REC_MOVE "SELECT suivi_rec_transition('sec', $1, $2, $3, $4::int, '" TODAY "')"
#define REC_COMMENT "SELECT suivi_rec_comment('sec', $1, $2, $3::int, '" TODAY "')"

static void assert_ts(const char *ts)
{
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	ck_assert_msg(ts != NULL && regexec(&re, ts, 0, NULL, 0) == 0, "not RFC 3339 UTC: %s",
		      ts ? ts : "(null)");
	regfree(&re);
}

/* The list statement as the daemon composes it (see the top of 0002): $1 today, $2 limit,
 * then the pieces' parameters from $3. */
static json_t *list(const char *where, int n, const char *const *params, bool by_due,
		    const char *lim)
{
	char *sql = xasprintf("SELECT suivi_rec_page(ARRAY(SELECT r.id FROM recommendations r "
			      "WHERE %s ORDER BY %s LIMIT $2 + 1), $2, $1::date, %s)",
			      where, by_due ? "r.due_on, r.id" : "r.id", by_due ? "true" : "false");
	const char *all[16] = {TODAY, lim};
	for (int i = 0; i < n && i < 14; i++)
		all[2 + i] = params[i];
	json_t *j = sqj(sql, n + 2, all);
	free(sql);
	return j;
}

/* Owners a, b, c; meetings m1 (series s) and m2; three recommendations in m1. */
static void seed_three(void)
{
	mk_owner("ocrtis", "Office central");
	mk_owner("unodc", "UNODC");
	mk_owner("zeta", "Zeta");
	mk_meeting("bamako-2019", "2019-10-01", "sahel");
	mk_meeting("dakar-2020", "2020-03-01", NULL);
	json_decref(mk_rec("{\"meeting\":\"bamako-2019\",\"text\":\"Mettre en place une base de "
			   "données régionale.\",\"owner\":\"ocrtis\",\"supporting\":[\"zeta\","
			   "\"unodc\",\"ocrtis\"],\"due_on\":\"2026-03-31\",\"tags\":[\"data\","
			   "\"data\",\"x\"]}"));
	json_decref(mk_rec("{\"meeting\":\"bamako-2019\",\"text\":\"Tenir un séminaire annuel.\","
			   "\"details\":\"DONNÉES de saisie\",\"status\":\"accepted\","
			   "\"owner\":\"unodc\",\"due_on\":\"2027-01-01\"}"));
	json_decref(mk_rec("{\"meeting\":\"bamako-2019\",\"text\":\"Former 100% des agents_x.\"}"));
}

/* --- owners and meetings ------------------------------------------------------------------ */

START_TEST(test_owners)
{
	json_t *o = SQJ("SELECT suivi_owner_create('t', $1)",
			"{\"handle\":\"ocrtis\",\"name\":\"Office\",\"locale\":\"fr\"}");
	ck_assert_str_eq(JSTR(o, "handle"), "ocrtis");
	ck_assert_str_eq(JSTR(o, "email"), "");
	ck_assert_str_eq(JSTR(o, "locale"), "fr");
	ck_assert(json_is_true(json_object_get(o, "active")));
	assert_ts(JSTR(o, "created_at"));
	json_decref(o);
	mk_owner("unodc", "UNODC");
	mk_owner("alpha", "Alpha");

	char *before = state_digest();
	char *msg;
	json_t *d =
	    refused("SELECT suivi_owner_create('t', $1)", 1,
		    P("{\"handle\":\"ocrtis\",\"name\":\"Again\"}"), "SU409", "duplicate", &msg);
	ck_assert_str_eq(msg, "there is already an owner 'ocrtis'");
	free(msg);
	json_decref(d);
	json_decref(refused("SELECT suivi_owner_patch('t', 'nobody', $1)", 1, P("{\"name\":\"x\"}"),
			    "SU404", "not_found", NULL));
	d = refused("SELECT suivi_owner_patch('t', 'ocrtis', $1)", 1, P("{\"handle\":\"x\"}"),
		    "SU422", "invalid", NULL);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(d, "errors"), 0), "field"), "handle");
	json_decref(d);
	json_decref(
	    refused("SELECT suivi_owner_get('nobody')", 0, NULL, "SU404", "not_found", NULL));
	assert_same_state(before);
	free(before);

	o = SQJ("SELECT suivi_owner_patch('t', 'ocrtis', $1)",
		"{\"name\":\"Office central\",\"email\":\"o@example.org\",\"active\":false}");
	ck_assert_str_eq(JSTR(o, "name"), "Office central");
	ck_assert_str_eq(JSTR(o, "email"), "o@example.org");
	ck_assert(json_is_false(json_object_get(o, "active")));
	ck_assert_str_eq(JSTR(o, "locale"), "fr");
	json_decref(o);

	json_t *page = SQJ("SELECT suivi_owner_list($1, $2::int)", NULL, "2");
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 2);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(page, "items"), 0), "handle"),
			 "alpha");
	ck_assert_str_eq(JSTR(page, "next"), "ocrtis");
	json_t *page2 = SQJ("SELECT suivi_owner_list($1, $2::int)", JSTR(page, "next"), "2");
	ck_assert_int_eq(json_array_size(json_object_get(page2, "items")), 1);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(page2, "items"), 0), "handle"),
			 "unodc");
	ck_assert(json_is_null(json_object_get(page2, "next")));
	json_decref(page);
	json_decref(page2);
	json_decref(refused("SELECT suivi_owner_list('Bad Cursor', 2)", 0, NULL, "SU400",
			    "bad_cursor", NULL));
}
END_TEST

START_TEST(test_meetings)
{
	json_t *m =
	    SQJ("SELECT suivi_meeting_create('t', $1)",
		"{\"code\":\"bamako-2019\",\"title\":\"Atelier\",\"starts_on\":\"2019-10-01\","
		"\"organisers\":[\"OCS\",\"Ambassade\"],\"place\":\"Bamako\"}");
	ck_assert_str_eq(JSTR(m, "ends_on"), "2019-10-01");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "organisers"), 1)),
			 "Ambassade");
	ck_assert(json_is_null(json_object_get(m, "series")));
	json_decref(m);
	mk_meeting("dakar-2020", "2020-03-01", "sahel");
	mk_meeting("accra-2020", "2020-03-01", NULL);

	char *before = state_digest();
	json_t *d = refused("SELECT suivi_meeting_create('t', $1)", 1,
			    P("{\"code\":\"x\",\"title\":\"X\",\"starts_on\":\"2020-01-02\","
			      "\"ends_on\":\"2020-01-01\"}"),
			    "SU422", "invalid", NULL);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(d, "errors"), 0), "field"), "ends_on");
	json_decref(d);
	json_decref(
	    refused("SELECT suivi_meeting_create('t', $1)", 1,
		    P("{\"code\":\"dakar-2020\",\"title\":\"X\",\"starts_on\":\"2020-01-02\"}"),
		    "SU409", "duplicate", NULL));
	/* Moving the start after the stored end: only the database can see it. */
	json_decref(refused("SELECT suivi_meeting_patch('t', 'bamako-2019', $1)", 1,
			    P("{\"starts_on\":\"2019-10-05\"}"), "SU422", "invalid", NULL));
	json_decref(refused("SELECT suivi_meeting_patch('t', 'nope', $1)", 1, P("{}"), "SU404",
			    "not_found", NULL));
	json_decref(refused("SELECT suivi_meeting_json('nope', $1)", 1, P(TODAY), "SU404",
			    "not_found", NULL));
	assert_same_state(before);
	free(before);

	m = SQJ("SELECT suivi_meeting_patch('t', 'bamako-2019', $1)",
		"{\"ends_on\":\"2019-10-03\",\"series\":\"sahel\",\"notes\":\"n\"}");
	ck_assert_str_eq(JSTR(m, "ends_on"), "2019-10-03");
	ck_assert_str_eq(JSTR(m, "series"), "sahel");
	json_decref(m);

	/* starts_on descending, then code. */
	json_t *page = SQJ("SELECT suivi_meeting_list($1, $2::int)", NULL, "2");
	json_t *items = json_object_get(page, "items");
	ck_assert_str_eq(JSTR(json_array_get(items, 0), "code"), "accra-2020");
	ck_assert_str_eq(JSTR(json_array_get(items, 1), "code"), "dakar-2020");
	ck_assert_str_eq(JSTR(page, "next"), "2020-03-01,dakar-2020");
	json_t *page2 = SQJ("SELECT suivi_meeting_list($1, $2::int)", JSTR(page, "next"), "2");
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(page2, "items"), 0), "code"),
			 "bamako-2019");
	ck_assert(json_is_null(json_object_get(page2, "next")));
	json_decref(page);
	json_decref(page2);
}
END_TEST

/* --- recommendations ---------------------------------------------------------------------- */

START_TEST(test_create_and_represent)
{
	seed_three();
	json_t *r = SQJ("SELECT suivi_rec_get($1, $2)", "bamako-2019/1", TODAY);
	ck_assert_str_eq(JSTR(r, "ref"), "bamako-2019/1");
	ck_assert_str_eq(JSTR(r, "meeting"), "bamako-2019");
	ck_assert_int_eq(JINT(r, "n"), 1);
	ck_assert_str_eq(JSTR(r, "owner"), "ocrtis");
	json_t *sup = json_object_get(r, "supporting"); /* sorted, without the lead, once each */
	ck_assert_int_eq(json_array_size(sup), 2);
	ck_assert_str_eq(json_string_value(json_array_get(sup, 0)), "unodc");
	ck_assert_str_eq(json_string_value(json_array_get(sup, 1)), "zeta");
	ck_assert_int_eq(json_array_size(json_object_get(r, "tags")), 2);
	ck_assert_str_eq(JSTR(r, "status"), "proposed");
	ck_assert_str_eq(JSTR(r, "priority"), "normal");
	ck_assert_str_eq(JSTR(r, "due_on"), "2026-03-31");
	ck_assert(json_is_true(json_object_get(r, "open")));
	ck_assert(json_is_true(json_object_get(r, "overdue")));
	ck_assert_int_eq(JINT(r, "days_overdue"), 236);
	ck_assert_int_eq(JINT(r, "version"), 1);
	assert_ts(JSTR(r, "created_at"));
	assert_ts(JSTR(r, "updated_at"));
	ck_assert(json_is_null(json_object_get(r, "closed_at")));
	ck_assert_int_eq(json_object_size(r), 19);
	long id = JINT(r, "id");
	json_decref(r);

	/* Not overdue: no days_overdue at all; by id too. */
	char *id2 = SQ0("SELECT id FROM recommendations WHERE n = 2");
	r = SQJ("SELECT suivi_rec_get($1, $2)", id2, TODAY);
	ck_assert_str_eq(JSTR(r, "ref"), "bamako-2019/2");
	ck_assert(json_is_false(json_object_get(r, "overdue")));
	ck_assert_ptr_null(json_object_get(r, "days_overdue"));
	ck_assert_int_eq(json_object_size(r), 18);
	json_decref(r);
	free(id2);

	/* History: one "created" event, before null, after the editable fields. */
	json_t *h = SQJ0("SELECT suivi_rec_history('bamako-2019/1', NULL, 10)");
	json_t *ev = json_array_get(json_object_get(h, "items"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(h, "items")), 1);
	ck_assert_str_eq(JSTR(ev, "kind"), "created");
	ck_assert_str_eq(JSTR(ev, "actor"), "sec");
	ck_assert_int_eq(JINT(ev, "version"), 1);
	ck_assert(json_is_null(json_object_get(ev, "before")));
	json_t *after = json_object_get(ev, "after");
	ck_assert_int_eq(json_object_size(after), 8);
	ck_assert_str_eq(JSTR(after, "owner"), "ocrtis");
	ck_assert_str_eq(JSTR(after, "due_on"), "2026-03-31");
	json_decref(h);
	/* The representation and history agree on every editable field of every item. */
	char *agree = SQ("SELECT bool_and(f.fields = (SELECT jsonb_object_agg(e.key, e.value) "
			 "FROM jsonb_each(suivi_rec_json(f.id, $1)::jsonb) AS e "
			 "WHERE f.fields ? e.key)) "
			 "FROM recommendations r, suivi_recs_fields(ARRAY[r.id]) AS f",
			 TODAY);
	ck_assert_str_eq(agree, "t");
	free(agree);

	/* Refusals name every problem, change nothing, and do not take a number. */
	char *before = state_digest();
	char *msg;
	json_t *d = refused(REC_CREATE, 1,
			    P("{\"meeting\":\"nope\",\"text\":\"x\",\"owner\":\"zz\","
			      "\"supporting\":[\"unodc\",\"yy\"],\"status\":\"implemented\"}"),
			    "SU422", "unknown_meeting", &msg);
	json_t *errs = json_object_get(d, "errors");
	ck_assert_int_eq(json_array_size(errs), 4);
	ck_assert_str_eq(JSTR(json_array_get(errs, 0), "field"), "meeting");
	ck_assert_str_eq(JSTR(json_array_get(errs, 1), "field"), "owner");
	ck_assert_str_eq(JSTR(json_array_get(errs, 1), "message"), "there is no owner 'zz'");
	ck_assert_str_eq(JSTR(json_array_get(errs, 2), "message"), "there is no owner 'yy'");
	ck_assert_str_eq(JSTR(json_array_get(errs, 3), "field"), "status");
	ck_assert_str_eq(msg, "meeting: there is no meeting 'nope' (and 3 more problems)");
	free(msg);
	json_decref(d);
	json_decref(refused(REC_CREATE, 1,
			    P("{\"meeting\":\"bamako-2019\",\"text\":\"x\","
			      "\"owner\":\"zz\"}"),
			    "SU422", "unknown_owner", NULL));
	json_decref(refused(REC_CREATE, 1,
			    P("{\"meeting\":\"bamako-2019\",\"text\":\"x\","
			      "\"colour\":\"red\"}"),
			    "SU422", "invalid", NULL));
	json_decref(refused(REC_CREATE, 1,
			    P("{\"meeting\":\"bamako-2019\",\"text\":\"x\","
			      "\"status\":\"done\"}"),
			    "SU422", "unknown_status", NULL));
	assert_same_state(before);
	free(before);

	/* Numbers: per meeting from 1, consecutive, the refused ones not consumed. */
	json_t *r4 = mk_rec("{\"meeting\":\"bamako-2019\",\"text\":\"Quatre\"}");
	json_t *d1 = mk_rec("{\"meeting\":\"dakar-2020\",\"text\":\"Un\"}");
	ck_assert_str_eq(JSTR(r4, "ref"), "bamako-2019/4");
	ck_assert_str_eq(JSTR(d1, "ref"), "dakar-2020/1");
	ck_assert(json_is_null(json_object_get(d1, "owner")));
	ck_assert_int_gt(JINT(r4, "id"), id);
	json_decref(r4);
	json_decref(d1);
	char *last = SQ0("SELECT last_n FROM meetings WHERE code = 'bamako-2019'");
	ck_assert_str_eq(last, "4");
	free(last);
}
END_TEST

START_TEST(test_resolve)
{
	seed_three();
	char *id = SQ0("SELECT id FROM recommendations WHERE n = 3");
	char *v = SQ("SELECT suivi_rec_resolve($1)", "bamako-2019/3");
	ck_assert_str_eq(v, id);
	free(v);
	v = SQ("SELECT suivi_rec_resolve($1)", id);
	ck_assert_str_eq(v, id);
	free(v);
	free(id);
	const char *none[] = {"bamako-2019/9",
			      "nope/1",
			      "bamako-2019/",
			      "/1",
			      "",
			      "12a",
			      "bamako-2019/1/1",
			      "99999999999999999999",
			      "bamako-2019/99999999999"};
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		v = SQ("SELECT suivi_rec_resolve($1)", none[i]);
		ck_assert_msg(v == NULL, "'%s' resolved to %s", none[i], v);
	}
	json_decref(refused("SELECT suivi_rec_get($1, $2)", 2, P("nope/1", TODAY), "SU404",
			    "not_found", NULL));
}
END_TEST

START_TEST(test_patch)
{
	seed_three();
	char *before = state_digest();
	char *msg;
	json_t *d = refused(REC_PATCH, 3, P("bamako-2019/1", "{\"text\":\"x\"}", "7"), "SU412",
			    "stale_version", &msg);
	ck_assert_str_eq(msg, "bamako-2019/1 is at version 1, not 7");
	ck_assert_int_eq(JINT(d, "current_version"), 1);
	free(msg);
	json_decref(d);
	json_decref(
	    refused(REC_PATCH, 3, P("bamako-2019/9", "{}", NULL), "SU404", "not_found", NULL));
	d = refused(REC_PATCH, 3, P("bamako-2019/1", "{\"owner\":\"nobody\"}", NULL), "SU422",
		    "unknown_owner", NULL);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(d, "errors"), 0), "field"), "owner");
	json_decref(d);
	json_decref(refused(REC_PATCH, 3, P("bamako-2019/1", "{\"status\":\"accepted\"}", NULL),
			    "SU422", "invalid", NULL));
	assert_same_state(before);

	/* Nothing really changes: no version, no history. */
	json_t *r = SQJ(REC_PATCH, "bamako-2019/1",
			"{\"text\":\"Mettre en place une base de données régionale.\","
			"\"supporting\":[\"zeta\",\"unodc\"],\"due_on\":\"2026-03-31\"}",
			"1");
	ck_assert_int_eq(JINT(r, "version"), 1);
	json_decref(r);
	assert_same_state(before);
	free(before);

	/* The new lead was a supporter: it leaves "supporting". */
	r = SQJ(REC_PATCH, "bamako-2019/1",
		"{\"owner\":\"unodc\",\"due_on\":null,\"priority\":"
		"\"high\"}",
		"1");
	ck_assert_int_eq(JINT(r, "version"), 2);
	ck_assert_str_eq(JSTR(r, "owner"), "unodc");
	ck_assert(json_is_null(json_object_get(r, "due_on")));
	ck_assert(json_is_false(json_object_get(r, "overdue")));
	ck_assert_int_eq(json_array_size(json_object_get(r, "supporting")), 1);
	json_decref(r);
	json_t *ev = SQJ0("SELECT suivi_history_json(h) FROM history h ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(JSTR(ev, "kind"), "edit");
	ck_assert_int_eq(JINT(ev, "version"), 2);
	json_t *b = json_object_get(ev, "before"), *a = json_object_get(ev, "after");
	ck_assert_int_eq(json_object_size(b), 4);
	ck_assert_int_eq(json_object_size(a), 4);
	ck_assert_str_eq(JSTR(b, "owner"), "ocrtis");
	ck_assert_str_eq(JSTR(a, "owner"), "unodc");
	ck_assert_str_eq(JSTR(b, "due_on"), "2026-03-31");
	ck_assert(json_is_null(json_object_get(a, "due_on")));
	ck_assert_str_eq(JSTR(a, "priority"), "high");
	ck_assert_int_eq(json_array_size(json_object_get(b, "supporting")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(a, "supporting"), 0)),
			 "zeta");
	json_decref(ev);
	/* What history says is what is stored. */
	char *same =
	    SQ0("SELECT (SELECT h.after FROM history h ORDER BY h.id DESC LIMIT 1) <@ "
		"(SELECT f.fields FROM recommendations r, suivi_recs_fields(ARRAY[r.id]) f "
		"WHERE r.n = 1)");
	ck_assert_str_eq(same, "t");
	free(same);

	/* null clears the owner; no If-Match means no check. */
	r = SQJ(REC_PATCH, "bamako-2019/1", "{\"owner\":null,\"tags\":[]}", NULL);
	ck_assert(json_is_null(json_object_get(r, "owner")));
	ck_assert_int_eq(JINT(r, "version"), 3);
	json_decref(r);
}
END_TEST

START_TEST(test_transitions)
{
	seed_three();
	char *before = state_digest();
	char *msg;
	json_t *d = refused(REC_MOVE, 4, P("bamako-2019/1", "implemented", NULL, NULL), "SU409",
			    "invalid_transition", &msg);
	ck_assert_str_eq(msg, "cannot move bamako-2019/1 from proposed to implemented");
	char *allowed = json_dumps(json_object_get(d, "allowed"), JSON_COMPACT);
	ck_assert_str_eq(allowed, "[\"accepted\",\"not_accepted\",\"obsolete\"]");
	free(allowed);
	free(msg);
	json_decref(d);
	json_decref(refused(REC_MOVE, 4, P("bamako-2019/1", "proposed", NULL, NULL), "SU409",
			    "invalid_transition", NULL));
	d = refused(REC_MOVE, 4, P("bamako-2019/1", "done", NULL, NULL), "SU422", "unknown_status",
		    NULL);
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(d, "errors"), 0), "field"), "to");
	json_decref(d);
	json_decref(refused(REC_MOVE, 4, P("bamako-2019/1", "obsolete", " \t", NULL), "SU422",
			    "comment_required", NULL));
	json_decref(refused(REC_MOVE, 4, P("bamako-2019/1", "accepted", NULL, "2"), "SU412",
			    "stale_version", NULL));
	json_decref(
	    refused(REC_MOVE, 4, P("nope/1", "accepted", NULL, NULL), "SU404", "not_found", NULL));
	assert_same_state(before);
	free(before);

	json_t *r = SQJ(REC_MOVE, "bamako-2019/2", "implemented", "Voté.", "1");
	ck_assert_str_eq(JSTR(r, "status"), "implemented");
	ck_assert(json_is_false(json_object_get(r, "open")));
	assert_ts(JSTR(r, "closed_at"));
	ck_assert_int_eq(JINT(r, "version"), 2);
	json_decref(r);
	d = refused(REC_MOVE, 4, P("bamako-2019/2", "blocked", "x", NULL), "SU409",
		    "invalid_transition", &msg);
	ck_assert_str_eq(msg, "cannot move bamako-2019/2 from implemented to blocked");
	allowed = json_dumps(json_object_get(d, "allowed"), JSON_COMPACT);
	ck_assert_str_eq(allowed, "[\"in_progress\"]");
	free(allowed);
	free(msg);
	json_decref(d);
	r = SQJ(REC_MOVE, "bamako-2019/2", "in_progress", NULL, NULL);
	ck_assert(json_is_null(json_object_get(r, "closed_at")));
	json_decref(r);
	r = SQJ(REC_MOVE, "bamako-2019/2", "blocked", "Budget gelé.", NULL);
	ck_assert_int_eq(JINT(r, "version"), 4);
	json_decref(r);
	json_t *ev = SQJ0("SELECT suivi_history_json(h) FROM history h ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(JSTR(ev, "kind"), "transition");
	ck_assert_str_eq(JSTR(json_object_get(ev, "before"), "status"), "in_progress");
	ck_assert_str_eq(JSTR(json_object_get(ev, "after"), "status"), "blocked");
	ck_assert_str_eq(JSTR(ev, "comment"), "Budget gelé.");
	ck_assert_int_eq(JINT(ev, "version"), 4);
	json_decref(ev);
	json_t *m = SQJ("SELECT suivi_meeting_json('bamako-2019', $1)", TODAY);
	json_t *c = json_object_get(m, "counts");
	ck_assert_int_eq(JINT(c, "blocked"), 1);
	ck_assert_int_eq(JINT(c, "accepted"), 0);
	ck_assert_int_eq(JINT(c, "proposed"), 2);
	ck_assert_int_eq(JINT(c, "total"), 3);
	ck_assert_int_eq(JINT(c, "open"), 3);
	ck_assert_int_eq(JINT(c, "overdue"), 1);
	json_decref(m);
}
END_TEST

START_TEST(test_comments_and_history)
{
	seed_three();
	char *before = state_digest();
	json_decref(
	    refused(REC_COMMENT, 3, P("bamako-2019/1", "  ", NULL), "SU422", "invalid", NULL));
	json_decref(
	    refused(REC_COMMENT, 3, P("bamako-2019/1", "x", "5"), "SU412", "stale_version", NULL));
	json_decref(
	    refused(REC_COMMENT, 3, P("bamako-2019/7", "x", NULL), "SU404", "not_found", NULL));
	assert_same_state(before);
	free(before);
	for (int i = 0; i < 3; i++)
		json_decref(SQJ(REC_COMMENT, "bamako-2019/1", "Relancé.", NULL));
	json_t *h = SQJ0("SELECT suivi_rec_history('bamako-2019/1', NULL, 2)");
	json_t *items = json_object_get(h, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_str_eq(JSTR(json_array_get(items, 0), "kind"), "created");
	ck_assert_str_eq(JSTR(json_array_get(items, 1), "kind"), "comment");
	ck_assert(json_is_null(json_object_get(json_array_get(items, 1), "before")));
	ck_assert_int_eq(JINT(json_array_get(items, 1), "version"), 2);
	json_t *h2 = SQJ("SELECT suivi_rec_history('bamako-2019/1', $1, 2)", JSTR(h, "next"));
	items = json_object_get(h2, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_int_eq(JINT(json_array_get(items, 1), "version"), 4);
	ck_assert(json_is_null(json_object_get(h2, "next")));
	json_decref(h);
	json_decref(h2);

	/* Append-only, even for the owner of the tables. */
	json_decref(refused("UPDATE history SET actor = 'x'", 0, NULL, "42501", NULL, NULL));
	json_decref(refused("DELETE FROM history", 0, NULL, "42501", NULL, NULL));
	char *n = SQ0("SELECT count(*) FROM history WHERE actor = 'sec'");
	ck_assert_str_eq(n, "6");
	free(n);
}
END_TEST

START_TEST(test_search_and_lists)
{
	seed_three();
	const char *q = "suivi_fold(r.text || ' ' || r.details) LIKE suivi_like_pattern($3)";
	struct {
		const char *q;
		int found;
	} cases[] = {{"donnees", 2},   {"DONNÉES", 2}, {"Données régionale", 1},
		     {"séminaire", 1}, {"0%", 1},      {"%", 1},
		     {"s_x", 1},       {"n_e", 0},     {"zzz", 0}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *page = list(q, 1, P(cases[i].q), false, "50");
		ck_assert_msg((int)json_array_size(json_object_get(page, "items")) ==
				  cases[i].found,
			      "q=%s", cases[i].q);
		json_decref(page);
	}
	json_decref(mk_rec("{\"meeting\":\"dakar-2020\",\"text\":\"Un\",\"owner\":\"ocrtis\","
			   "\"due_on\":\"2025-01-01\",\"tags\":[\"x\"]}"));

	/* Overdue, in due-date order, one per page. */
	json_t *page = list("r.is_open AND r.due_on < $1::date", 0, NULL, true, "1");
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(page, "items"), 0), "ref"),
			 "dakar-2020/1");
	char *next = xstrdup(JSTR(page, "next"));
	json_decref(page);
	page = list("r.is_open AND r.due_on < $1::date AND (r.due_on, r.id) > "
		    "(suivi_cursor_due($3), suivi_cursor_due_id($3))",
		    1, P(next), true, "1");
	ck_assert_str_eq(JSTR(json_array_get(json_object_get(page, "items"), 0), "ref"),
			 "bamako-2019/1");
	ck_assert(json_is_null(json_object_get(page, "next")));
	json_decref(page);
	free(next);

	struct {
		const char *where, *param;
		int found;
	} f[] = {
	    {"r.status = ANY($3::text[])", "{accepted,blocked}", 1},
	    {"r.owner_id = (SELECT o.id FROM owners o WHERE o.handle = $3)", "ocrtis", 2},
	    {"r.owner_id = (SELECT o.id FROM owners o WHERE o.handle = $3)", "nobody", 0},
	    {"r.meeting_id = (SELECT m.id FROM meetings m WHERE m.code = $3)", "bamako-2019", 3},
	    {"r.tags @> ARRAY[$3::text]", "x", 2},
	    {"r.due_on < $3::date", "2026-03-31", 1},
	    {"r.due_on > $3::date", "2026-03-31", 1},
	    {"r.id > suivi_cursor_id($3)", "0", 4},
	};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		page = list(f[i].where, 1, P(f[i].param), false, "50");
		ck_assert_msg((int)json_array_size(json_object_get(page, "items")) == f[i].found,
			      "%s with %s", f[i].where, f[i].param);
		json_decref(page);
	}
	page = list("NOT r.is_open", 0, NULL, false, "50");
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 0);
	ck_assert(json_is_null(json_object_get(page, "next")));
	json_decref(page);
	json_decref(refused("SELECT suivi_cursor_id('2020-01-01,3')", 0, NULL, "SU400",
			    "bad_cursor", NULL));
	json_decref(refused("SELECT suivi_cursor_due('2020-02-30,3')", 0, NULL, "SU400",
			    "bad_cursor", NULL));
}
END_TEST

START_TEST(test_reports)
{
	seed_three();
	mk_meeting("niamey-2021", "2021-06-01", "sahel");
	json_decref(mk_rec("{\"meeting\":\"niamey-2021\",\"text\":\"Sans chef.\","
			   "\"due_on\":\"2026-01-01\"}"));
	json_t *o = SQJ("SELECT suivi_report_overdue($1, NULL, NULL, 'Europe/Brussels')", TODAY);
	ck_assert_int_eq(JINT(o, "total"), 2);
	ck_assert_str_eq(JSTR(o, "timezone"), "Europe/Brussels");
	json_t *owner = json_array_get(json_object_get(o, "owners"), 0);
	ck_assert_str_eq(JSTR(json_object_get(owner, "owner"), "handle"), "ocrtis");
	ck_assert_int_eq(JINT(owner, "total"), 1);
	json_t *mt = json_array_get(json_object_get(owner, "meetings"), 0);
	ck_assert_str_eq(JSTR(mt, "code"), "bamako-2019");
	json_t *item = json_array_get(json_object_get(mt, "items"), 0);
	ck_assert_str_eq(JSTR(item, "ref"), "bamako-2019/1");
	ck_assert_int_eq(JINT(item, "days_overdue"), 236);
	json_t *unowned = json_object_get(o, "unowned");
	ck_assert_int_eq(json_array_size(unowned), 1);
	ck_assert_str_eq(JSTR(json_array_get(unowned, 0), "ref"), "niamey-2021/1");
	json_decref(o);
	o = SQJ("SELECT suivi_report_overdue($1, 'unodc', NULL)", TODAY);
	ck_assert_int_eq(JINT(o, "total"), 0);
	json_decref(o);
	json_decref(refused("SELECT suivi_report_overdue($1, 'nobody', NULL)", 1, P(TODAY), "SU422",
			    "unknown_owner", NULL));

	json_t *s = SQJ("SELECT suivi_report_summary($1)", TODAY);
	ck_assert_int_eq(JINT(json_object_get(s, "by_status"), "proposed"), 3);
	ck_assert_int_eq(JINT(json_object_get(s, "by_status"), "accepted"), 1);
	ck_assert_int_eq(JINT(json_object_get(s, "by_status"), "obsolete"), 0);
	ck_assert_int_eq(JINT(s, "open"), 4);
	ck_assert_int_eq(JINT(s, "overdue"), 2);
	json_t *sm = json_array_get(json_object_get(s, "meetings"), 0);
	ck_assert_str_eq(JSTR(sm, "code"), "niamey-2021");
	ck_assert_int_eq(JINT(sm, "overdue"), 1);
	ck_assert_int_eq(JINT(json_object_get(sm, "counts"), "total"), 1);
	ck_assert_int_eq(JINT(json_object_get(s, "unowned"), "open"), 2);
	json_decref(s);
	char *ok =
	    SQ0("SELECT bool_and(c.n = coalesce(r.n, 0)) FROM (SELECT meeting_id, owner_key, "
		"status, n FROM recommendation_counts) c FULL JOIN (SELECT meeting_id, "
		"coalesce(owner_id, 0) AS owner_key, status, count(*) AS n FROM "
		"recommendations GROUP BY 1, 2, 3) r USING (meeting_id, owner_key, status)");
	ck_assert_str_eq(ok, "t");
	free(ok);

	/* Brief: earlier meetings of the series, the previous one, changes since it started. */
	json_decref(SQJ(REC_MOVE, "bamako-2019/1", "obsolete", "Dépassé.", NULL));
	json_t *b = SQJ("SELECT suivi_report_brief('niamey-2021', current_date + $1::int)", "0");
	ck_assert_str_eq(JSTR(json_object_get(b, "previous"), "code"), "bamako-2019");
	ck_assert_int_eq(json_array_size(json_object_get(b, "open")), 2);
	json_t *changes = json_object_get(b, "changes");
	ck_assert_int_eq(json_array_size(changes), 3); /* all created since 2019-10-01 */
	ck_assert_int_eq(json_array_size(json_object_get(json_array_get(changes, 0), "events")), 2);
	json_decref(b);
	free(SQ0("SELECT suivi_meeting_patch('t', 'bamako-2019', "
		 "'{\"starts_on\":\"2100-01-01\",\"ends_on\":\"2100-01-01\"}')"));
	free(SQ0("SELECT suivi_meeting_patch('t', 'niamey-2021', "
		 "'{\"starts_on\":\"2100-02-01\",\"ends_on\":\"2100-02-01\"}')"));
	b = SQJ("SELECT suivi_report_brief('niamey-2021', current_date + $1::int)", "0");
	ck_assert_int_eq(json_array_size(json_object_get(b, "changes")), 0);
	json_decref(b);
	json_decref(refused("SELECT suivi_report_brief('dakar-2020', $1)", 1, P(TODAY), "SU422",
			    "not_in_series", NULL));
	json_decref(refused("SELECT suivi_report_brief('nope', $1)", 1, P(TODAY), "SU404",
			    "not_found", NULL));
}
END_TEST

static Suite *make_sql_suite(void)
{
	Suite *s = suite_create("sql");
	TCase *tc = tcase_create("api");
	tcase_add_checked_fixture(tc, sqltest_setup, sqltest_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_owners);
	tcase_add_test(tc, test_meetings);
	tcase_add_test(tc, test_create_and_represent);
	tcase_add_test(tc, test_resolve);
	tcase_add_test(tc, test_patch);
	tcase_add_test(tc, test_transitions);
	tcase_add_test(tc, test_comments_and_history);
	tcase_add_test(tc, test_search_and_lists);
	tcase_add_test(tc, test_reports);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	sqltest_cluster = pg_cluster_start();
	SRunner *sr = srunner_create(make_sql_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(sqltest_cluster);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
