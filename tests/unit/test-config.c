/* test-config.c — placeholder suite until written. */
#include "suites.h"

Suite *make_config_suite(void)
{
	return suite_create("config");
}
