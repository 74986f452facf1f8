/* test-log.c — placeholder suite until written. */
#include "suites.h"

Suite *make_log_suite(void)
{
	return suite_create("log");
}
