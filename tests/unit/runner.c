/* runner.c — runs every unit suite and reports in TAP for automake. */
#include <stdlib.h>

#include <check.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(NULL);
#define ADD_SUITE(name) srunner_add_suite(sr, make_##name##_suite());
	UNIT_SUITES(ADD_SUITE)
#undef ADD_SUITE
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
