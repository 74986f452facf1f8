/* test-web.h — what the two files of the web suite share: test-web.c (static files, sessions,
 * CSRF; main and the daemons) and test-web-more.c (sign-in links, the dashboard). */
#ifndef SUIVI_TEST_WEB_H
#define SUIVI_TEST_WEB_H

#include <check.h>

#include "apitest.h"

/* The second daemon, on the same database: web = off, public_url https. */
extern int web_port_b;

/* "Cookie: suivi_session=…\r\n" plus extra (may be NULL); caller frees. */
char *cookie_headers(const char *secret, const char *extra);
/* The secret of a Set-Cookie header of suivi_session (caller frees), NULL when absent. */
char *set_cookie_secret(const struct http_response *r);
/* POST /v1/sessions with token on port; fails unless 201; returns the secret. */
char *sign_in(int port, const char *token);

void test_web_add_more(TCase *tc);

#endif
