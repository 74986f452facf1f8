# One Check runner for every unit suite (tests/unit/test-<module>.c).
check_PROGRAMS += tests/unit/unit-tests
TESTS += tests/unit/unit-tests
tests_unit_unit_tests_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon -I$(top_srcdir)/tests/harness \
	$(LIBPQ_CFLAGS) $(LIBEVENT_CFLAGS) $(JANSSON_CFLAGS) $(CHECK_CFLAGS)
tests_unit_unit_tests_SOURCES = tests/unit/runner.c tests/unit/suites.h \
	tests/unit/test-util.c \
	tests/unit/test-date.c \
	tests/unit/test-utf8.c \
	tests/unit/test-base64.c \
	tests/unit/test-zone.c \
	tests/unit/test-sha256.c \
	tests/unit/test-config.c tests/unit/test-config-errors.c tests/unit/test-config.h \
	tests/unit/test-log.c \
	tests/unit/test-migrate.c \
	tests/unit/test-embedded-pg.c \
	tests/unit/test-auth.c \
	tests/unit/test-http.c \
	tests/unit/test-schedule.c \
	tests/unit/test-mail.c \
	tests/unit/test-hook.c \
	tests/unit/test-digest.c \
	tests/unit/test-remind-sim.c \
	tests/unit/test-mail-reply.c \
	tests/unit/test-import.c tests/unit/test-import.h \
	tests/unit/test-import-items.c \
	tests/unit/test-import-prose.c \
	tests/unit/test-rec-list.c \
	tests/unit/test-validate.c \
	tests/unit/test-report.c \
	tests/unit/test-calendar.c \
	tests/unit/test-metrics.c \
	tests/unit/test-client-table.c \
	tests/unit/test-client-reldate.c \
	tests/unit/test-client-config.c \
	tests/unit/test-client-conn.c \
	tests/unit/test-client-request.c \
	tests/unit/test-client-complete.c \
	tests/unit/test-client-review.c
tests_unit_unit_tests_LDADD = tests/harness/libharness.a client/libsuivi.a $(SUIVID_LIBS) $(CHECK_LIBS) \
	$(LIBXML2_LIBS) $(LIBARCHIVE_LIBS)

# Data of the import suite (test-import.c): minutes, CSV, JSON, bad files, and the seeds it reads.
EXTRA_DIST += \
	tests/data/minutes/bad-column.csv \
	tests/data/minutes/bad-control.txt \
	tests/data/minutes/bad-date.csv \
	tests/data/minutes/bad-duplicate.json \
	tests/data/minutes/bad-empty.txt \
	tests/data/minutes/bad-fields.csv \
	tests/data/minutes/bad-key.json \
	tests/data/minutes/bad-owner.json \
	tests/data/minutes/bad-status.json \
	tests/data/minutes/bad-type.json \
	tests/data/minutes/bad-unbalanced.csv \
	tests/data/minutes/bad-utf8.txt \
	tests/data/minutes/bamako-2019.txt \
	tests/data/minutes/benelux-postal-2024.txt \
	tests/data/minutes/cosi-clasi-2024.txt \
	tests/data/minutes/eu-ca-2023.txt \
	tests/data/minutes/eu-ca-ct-2015.txt \
	tests/data/minutes/excel-fr.csv \
	tests/data/minutes/recommendations.csv \
	tests/data/minutes/recommendations.json \
	tests/data/prose/000.expected \
	tests/data/prose/001.expected \
	tests/data/prose/002.expected \
	tests/data/prose/003.expected \
	tests/data/prose/004.expected \
	tests/data/seeds/000_22a1b08ae9fa8f8a.txt \
	tests/data/seeds/001_e6407ce75b95ac61.txt \
	tests/data/seeds/002_676df5a59a77bd76.txt \
	tests/data/seeds/003_478cbb3d9346e4ba.txt \
	tests/data/seeds/004_93118d7436fa3c47.txt
