/* test-auth.c — placeholder suite until written. */
#include "suites.h"

Suite *make_auth_suite(void)
{
	return suite_create("auth");
}
