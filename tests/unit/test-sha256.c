/* test-sha256.c — placeholder suite until written. */
#include "suites.h"

Suite *make_sha256_suite(void)
{
	return suite_create("sha256");
}
