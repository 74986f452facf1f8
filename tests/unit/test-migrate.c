/* test-migrate.c — placeholder suite until written. */
#include "suites.h"

Suite *make_migrate_suite(void)
{
	return suite_create("migrate");
}
