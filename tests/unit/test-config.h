/* test-config.h — what the two files of the config suite share: test-config.c (accepted
 * values, loading, command splitting, restart detection; it defines the helpers below and
 * make_config_suite) and test-config-errors.c (every refusal with its message). */
#ifndef SUIVI_TEST_CONFIG_H
#define SUIVI_TEST_CONFIG_H

#include <stddef.h>

#include <check.h>

#include "core/config.h"

/* Parse text as "suivid.conf"; the test fails with the cause if it does not parse. */
struct config *test_config_parse_ok(const char *text);
/* Parse text as "suivid.conf" and expect exactly this message. */
void test_config_parse_err(const char *text, const char *expected);
/* A file under /tmp holding exactly len bytes of data. Caller unlinks and frees. */
char *test_config_write_temp(const char *data, size_t len);
/* The tests of test-config-errors.c, added to the config suite's one test case. */
void test_config_add_errors(TCase *tc);

#endif
