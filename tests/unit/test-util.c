/* test-util.c — placeholder suite until written. */
#include "suites.h"

Suite *make_util_suite(void)
{
	return suite_create("util");
}
