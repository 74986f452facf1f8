/* suites.h — every unit suite; the runner adds them all. One line per module. */
#ifndef SUIVI_TEST_SUITES_H
#define SUIVI_TEST_SUITES_H

#include <check.h>

/* Each tests/unit/test-<module>.c defines make_<module>_suite(). */
#define UNIT_SUITES(X)                                                                             \
	X(util)                                                                                    \
	X(date)                                                                                    \
	X(utf8)                                                                                    \
	X(base64)                                                                                  \
	X(zone)                                                                                    \
	X(sha256)                                                                                  \
	X(config)                                                                                  \
	X(log)                                                                                     \
	X(migrate)                                                                                 \
	X(embedded_pg)                                                                             \
	X(auth)                                                                                    \
	X(http)                                                                                    \
	X(schedule)                                                                                \
	X(import)                                                                                  \
	X(import_items)                                                                            \
	X(import_prose)                                                                            \
	X(remind_sim)                                                                              \
	X(mail_reply)                                                                              \
	X(rec_list)                                                                                \
	X(validate)                                                                                \
	X(report)                                                                                  \
	X(calendar)                                                                                \
	X(metrics)                                                                                 \
	X(mail)                                                                                    \
	X(hook)                                                                                    \
	X(digest)                                                                                  \
	X(client_table)                                                                            \
	X(client_reldate)                                                                          \
	X(client_config)                                                                           \
	X(client_conn)                                                                             \
	X(client_request)                                                                          \
	X(client_complete)                                                                         \
	X(client_review)

#define DECLARE_SUITE(name) Suite *make_##name##_suite(void);
UNIT_SUITES(DECLARE_SUITE)
#undef DECLARE_SUITE

#endif
