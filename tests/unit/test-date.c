/* test-date.c — placeholder suite until written. */
#include "suites.h"

Suite *make_date_suite(void)
{
	return suite_create("date");
}
