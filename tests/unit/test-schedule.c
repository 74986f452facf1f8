/* test-schedule.c — placeholder suite until written. */
#include "suites.h"

Suite *make_schedule_suite(void)
{
	return suite_create("schedule");
}
