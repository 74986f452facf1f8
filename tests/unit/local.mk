# One Check runner for every unit suite (tests/unit/test-<module>.c).
check_PROGRAMS += tests/unit/unit-tests
TESTS += tests/unit/unit-tests
tests_unit_unit_tests_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon -I$(top_srcdir)/tests/harness \
	$(LIBPQ_CFLAGS) $(LIBEVENT_CFLAGS) $(JANSSON_CFLAGS) $(CHECK_CFLAGS)
tests_unit_unit_tests_SOURCES = tests/unit/runner.c tests/unit/suites.h \
	tests/unit/test-util.c \
	tests/unit/test-date.c \
	tests/unit/test-sha256.c \
	tests/unit/test-config.c \
	tests/unit/test-log.c \
	tests/unit/test-migrate.c \
	tests/unit/test-auth.c \
	tests/unit/test-schedule.c \
	tests/unit/test-mail.c
tests_unit_unit_tests_LDADD = tests/harness/libharness.a $(SUIVID_LIBS) $(CHECK_LIBS)
