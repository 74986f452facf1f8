/* apitest.h — helpers of the HTTP-level suites (test-api, test-roles, test-concurrency): one
 * throwaway PostgreSQL database and one real suivid per program, started in main before Check
 * forks (every test talks to the same daemon over real sockets, each with its own meetings
 * and owners), tokens for each role, bounded requests whose status is checked, and what the
 * database holds, read directly, to prove that a refused write left no trace. */
#ifndef SUIVI_APITEST_H
#define SUIVI_APITEST_H

#include <stdbool.h>

#include <jansson.h>

#include "harness.h"
#include "util.h"

/* The daemon of the program, and a token for each role but owner (owner tokens need an
 * owner: tests make them through POST /v1/tokens). */
struct apitest {
	struct pg_cluster *pg;
	const char *db; /* conninfo of the daemon's database */
	struct suivid_proc *d;
	int port;
	char *admin;
	char *secretariat;
	char *viewer;
};
extern struct apitest at;

/* In main: cluster, database, suivid (log level warn: nobody drains its stderr while Check's
 * children run), tokens. */
void apitest_start(void);
void apitest_stop(void);
/* suivid's configuration for database conninfo (the %PORT% and %DIR% of harness.h). */
char *apitest_conf(const char *conninfo);

/* One request (10 s bound); fails the test when no answer came or the answer is a 5xx. */
struct http_response *hreq(const char *token, const char *method, const char *path,
			   const char *ctype, const char *body, const char *headers);
/* A JSON request: fails unless the status is expect (the answer is shown); returns the body
 * as JSON (caller decrefs; fails when a body that should be JSON is not). */
json_t *hcall(const char *token, const char *method, const char *path, const char *body,
	      int expect);
/* The same with extra headers ("If-Match: \"3\"\r\n"). */
json_t *hcallh(const char *token, const char *method, const char *path, const char *body,
	       const char *headers, int expect);
/* Whether a problem's "errors" names field (exact match). */
bool problem_names(const json_t *problem, const char *field);
/* Number of entries of a problem's "errors". */
size_t problem_errors(const json_t *problem);

/* The first value of a query on the daemon's database (caller frees), as a number. */
char *dbval(const char *fmt, ...) PRINTFLIKE(1, 2);
long long dbnum(const char *fmt, ...) PRINTFLIKE(1, 2);
/* Everything a write can change, as one text (row digests of owners, meetings,
 * recommendations, supporters, history, tokens). Caller frees. */
char *state_digest(void);
#define assert_same_state(before)                                                                  \
	do {                                                                                       \
		char *after_ = state_digest();                                                     \
		ck_assert_msg(strcmp((before), after_) == 0,                                       \
			      "a refused write changed the database:\n%s\n%s", (before), after_);  \
		free(after_);                                                                      \
	} while (0)

/* Short cuts through the API as the secretariat; each fails the test when refused. */
void mk_owner(const char *handle);
void mk_meeting(const char *code, const char *starts_on, const char *series);
/* POST /v1/recommendations with body (JSON text); returns the new recommendation. */
json_t *mk_rec(const char *body);
/* The same, returning only its id. */
long long mk_rec_id(const char *meeting, const char *owner, const char *due_on);
/* An owner token for handle through POST /v1/tokens (caller frees). */
char *mk_owner_token(const char *handle);

/* A JSON value (stolen) as compact text (caller frees). */
char *jdump(json_t *j);
/* Percent-encode everything but unreserved characters (caller frees). */
char *urlenc(const char *s);
/* A file of $SUIVI_TEST_DATA (caller frees). */
char *read_data(const char *name, size_t *len);

#define JSTR(j, key) json_string_value(json_object_get((j), (key)))
#define JINT(j, key) json_integer_value(json_object_get((j), (key)))

#endif
