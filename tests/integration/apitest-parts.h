/* apitest-parts.h — the parts of the test-api program (test-api.c runs them all). */
#ifndef SUIVI_APITEST_PARTS_H
#define SUIVI_APITEST_PARTS_H

#include <check.h>

/* test-api-recs.c: recommendations (create, read, edit, If-Match, workflow, history). */
void api_recs_tcases(Suite *s);
/* test-api-list.c: recommendation lists and import. */
void api_list_tcases(Suite *s);
/* test-api-more.c: reports, tokens and request validation. */
void api_more_tcases(Suite *s);

#endif
