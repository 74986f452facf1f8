# Fuzzing: one libFuzzer target per parser (tests/fuzz/fuzz-<name>.c, see fuzz.h).
#
# Always: each target is also linked with replay.c (tests/fuzz/replay-<name>), which runs
# the seed corpus (corpus/<name>/) and the crash inputs kept as regressions
# (regressions/<name>/) once each, so that plain `make check` replays them with any compiler.
# With ./configure --enable-fuzzing CC=clang: the libFuzzer binaries (tests/fuzz/fuzz-<name>),
# a short pass of each in `make check` (FUZZ_CHECK_SECONDS) and `make fuzz` (FUZZ_SECONDS
# each, default 60). tests/fuzz/run.sh runs them and turns libFuzzer's exit codes (77 for a
# crash, 70 for a timeout) into failures: automake would count 77 as a skip.
FUZZ_SECONDS = 60
FUZZ_CHECK_SECONDS = 10
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon -I$(top_srcdir)/client \
	-I$(top_srcdir)/tests/fuzz $(LIBPQ_CFLAGS) $(LIBEVENT_CFLAGS) $(JANSSON_CFLAGS)
FUZZ_COMMON = tests/fuzz/fuzz.h tests/fuzz/fuzz-util.c
FUZZ_IMPORT = tests/fuzz/fuzz-import.c tests/fuzz/fuzz-import.h
FUZZ_REPLAYS =
FUZZ_TARGETS =
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/make-corpus.py tests/fuzz/corpus tests/fuzz/regressions

# the router: paths, percent-decoding, {ref} forms, query strings
FUZZ_REPLAYS += tests/fuzz/replay-router
tests_fuzz_replay_router_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"router"'
tests_fuzz_replay_router_SOURCES = tests/fuzz/fuzz-router.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_router_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-router
tests_fuzz_fuzz_router_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_router_SOURCES = tests/fuzz/fuzz-router.c $(FUZZ_COMMON)
tests_fuzz_fuzz_router_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_router_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# request bodies against field tables (api/validate.c)
FUZZ_REPLAYS += tests/fuzz/replay-validate
tests_fuzz_replay_validate_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"validate"'
tests_fuzz_replay_validate_SOURCES = tests/fuzz/fuzz-validate.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_validate_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-validate
tests_fuzz_fuzz_validate_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_validate_SOURCES = tests/fuzz/fuzz-validate.c $(FUZZ_COMMON)
tests_fuzz_fuzz_validate_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_validate_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# the importers: minutes text
FUZZ_REPLAYS += tests/fuzz/replay-import-minutes
tests_fuzz_replay_import_minutes_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"import-minutes"'
tests_fuzz_replay_import_minutes_SOURCES = tests/fuzz/fuzz-import-minutes.c tests/fuzz/replay.c $(FUZZ_COMMON) $(FUZZ_IMPORT)
tests_fuzz_replay_import_minutes_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-import-minutes
tests_fuzz_fuzz_import_minutes_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_import_minutes_SOURCES = tests/fuzz/fuzz-import-minutes.c $(FUZZ_COMMON) $(FUZZ_IMPORT)
tests_fuzz_fuzz_import_minutes_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_import_minutes_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# CSV
FUZZ_REPLAYS += tests/fuzz/replay-import-csv
tests_fuzz_replay_import_csv_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"import-csv"'
tests_fuzz_replay_import_csv_SOURCES = tests/fuzz/fuzz-import-csv.c tests/fuzz/replay.c $(FUZZ_COMMON) $(FUZZ_IMPORT)
tests_fuzz_replay_import_csv_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-import-csv
tests_fuzz_fuzz_import_csv_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_import_csv_SOURCES = tests/fuzz/fuzz-import-csv.c $(FUZZ_COMMON) $(FUZZ_IMPORT)
tests_fuzz_fuzz_import_csv_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_import_csv_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# JSON
FUZZ_REPLAYS += tests/fuzz/replay-import-json
tests_fuzz_replay_import_json_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"import-json"'
tests_fuzz_replay_import_json_SOURCES = tests/fuzz/fuzz-import-json.c tests/fuzz/replay.c $(FUZZ_COMMON) $(FUZZ_IMPORT)
tests_fuzz_replay_import_json_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-import-json
tests_fuzz_fuzz_import_json_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_import_json_SOURCES = tests/fuzz/fuzz-import-json.c $(FUZZ_COMMON) $(FUZZ_IMPORT)
tests_fuzz_fuzz_import_json_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_import_json_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# page cursors and base64url
FUZZ_REPLAYS += tests/fuzz/replay-cursor
tests_fuzz_replay_cursor_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"cursor"'
tests_fuzz_replay_cursor_SOURCES = tests/fuzz/fuzz-cursor.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_cursor_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-cursor
tests_fuzz_fuzz_cursor_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_cursor_SOURCES = tests/fuzz/fuzz-cursor.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cursor_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_cursor_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# suivid.conf
FUZZ_REPLAYS += tests/fuzz/replay-config
tests_fuzz_replay_config_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"config"'
tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz-config.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_config_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-config
tests_fuzz_fuzz_config_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c $(FUZZ_COMMON)
tests_fuzz_fuzz_config_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# notification mail: RFC 2047, quoted-printable, folding
FUZZ_REPLAYS += tests/fuzz/replay-mail
tests_fuzz_replay_mail_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"mail"'
tests_fuzz_replay_mail_SOURCES = tests/fuzz/fuzz-mail.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_mail_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-mail
tests_fuzz_fuzz_mail_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_mail_SOURCES = tests/fuzz/fuzz-mail.c $(FUZZ_COMMON)
tests_fuzz_fuzz_mail_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_mail_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# reminder digests, overdue report and escalation mails
FUZZ_REPLAYS += tests/fuzz/replay-digest
tests_fuzz_replay_digest_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"digest"'
tests_fuzz_replay_digest_SOURCES = tests/fuzz/fuzz-digest.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_digest_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-digest
tests_fuzz_fuzz_digest_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_digest_SOURCES = tests/fuzz/fuzz-digest.c $(FUZZ_COMMON)
tests_fuzz_fuzz_digest_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_digest_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# report text and CSV
FUZZ_REPLAYS += tests/fuzz/replay-report
tests_fuzz_replay_report_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"report"'
tests_fuzz_replay_report_SOURCES = tests/fuzz/fuzz-report.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_report_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-report
tests_fuzz_fuzz_report_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_report_SOURCES = tests/fuzz/fuzz-report.c $(FUZZ_COMMON)
tests_fuzz_fuzz_report_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_report_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# the client's tables: display width with any UTF-8
FUZZ_REPLAYS += tests/fuzz/replay-table
tests_fuzz_replay_table_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"table"'
tests_fuzz_replay_table_SOURCES = tests/fuzz/fuzz-table.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_table_LDADD = $(SUIVI_CLIENT_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-table
tests_fuzz_fuzz_table_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_table_SOURCES = tests/fuzz/fuzz-table.c $(FUZZ_COMMON)
tests_fuzz_fuzz_table_LDADD = $(SUIVI_CLIENT_LIBS)
tests_fuzz_fuzz_table_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# the candidates of minutes: list items and recommendations found in prose (import-prose.c)
FUZZ_REPLAYS += tests/fuzz/replay-import-prose
tests_fuzz_replay_import_prose_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"import-prose"'
tests_fuzz_replay_import_prose_SOURCES = tests/fuzz/fuzz-import-prose.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_import_prose_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-import-prose
tests_fuzz_fuzz_import_prose_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_import_prose_SOURCES = tests/fuzz/fuzz-import-prose.c $(FUZZ_COMMON)
tests_fuzz_fuzz_import_prose_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_import_prose_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# the client's documents: .docx, .odt and HTML into minutes text (client/convert.c)
FUZZ_REPLAYS += tests/fuzz/replay-convert
tests_fuzz_replay_convert_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"convert"'
tests_fuzz_replay_convert_SOURCES = tests/fuzz/fuzz-convert.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_convert_LDADD = $(SUIVI_CONVERT_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-convert
tests_fuzz_fuzz_convert_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_convert_SOURCES = tests/fuzz/fuzz-convert.c $(FUZZ_COMMON)
tests_fuzz_fuzz_convert_LDADD = $(SUIVI_CONVERT_LIBS)
tests_fuzz_fuzz_convert_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# the inbound mail line parser: an owner's reply to its reminder (import/mail-reply.c)
FUZZ_REPLAYS += tests/fuzz/replay-mail-reply
tests_fuzz_replay_mail_reply_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"mail-reply"'
tests_fuzz_replay_mail_reply_SOURCES = tests/fuzz/fuzz-mail-reply.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_mail_reply_LDADD = $(SUIVID_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-mail-reply
tests_fuzz_fuzz_mail_reply_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_mail_reply_SOURCES = tests/fuzz/fuzz-mail-reply.c $(FUZZ_COMMON)
tests_fuzz_fuzz_mail_reply_LDADD = $(SUIVID_LIBS)
tests_fuzz_fuzz_mail_reply_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)

# The HTTP fuzzer against the real daemon (http-storm.c): 30 s in make check (its default),
# a million requests in make fuzz-http (STORM_REQUESTS, STORM_SECONDS, STORM_SEED,
# STORM_CONNECTIONS, STORM_CHECK_EVERY: requests between two refusal checks).
check_PROGRAMS += tests/fuzz/http-storm
TESTS += tests/fuzz/http-storm
tests_fuzz_http_storm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/harness \
	$(LIBPQ_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_http_storm_SOURCES = tests/fuzz/http-storm.c tests/fuzz/storm.c tests/fuzz/storm.h
tests_fuzz_http_storm_LDADD = tests/harness/libharness.a common/libcommon.a \
	$(LIBPQ_LIBS) $(JANSSON_LIBS)
FUZZ_HTTP_REQUESTS = 1000000
FUZZ_HTTP_SECONDS = 3600
FUZZ_HTTP_CONNECTIONS = 128
FUZZ_HTTP_CHECK_EVERY = 5000
fuzz-http: all tests/fuzz/http-storm
	@$(AM_TESTS_ENVIRONMENT) STORM_SEED=$${STORM_SEED:-$$$$} \
	STORM_REQUESTS='$(FUZZ_HTTP_REQUESTS)' \
	STORM_SECONDS='$(FUZZ_HTTP_SECONDS)' \
	STORM_CONNECTIONS='$(FUZZ_HTTP_CONNECTIONS)' \
	STORM_CHECK_EVERY='$(FUZZ_HTTP_CHECK_EVERY)' \
	./tests/fuzz/http-storm
.PHONY: fuzz-http

if ENABLE_FUZZING
check_PROGRAMS += $(FUZZ_TARGETS)
TESTS += tests/fuzz/short-pass
check_SCRIPTS = tests/fuzz/short-pass
CLEANFILES += tests/fuzz/short-pass
# The short pass of make check: every target for FUZZ_CHECK_SECONDS, in one TAP test.
tests/fuzz/short-pass: Makefile
	@$(MKDIR_P) tests/fuzz
	$(AM_V_GEN){ \
	  echo '#!/bin/sh'; \
	  echo '# Generated by make (tests/fuzz/local.mk): every fuzz target for a short while.'; \
	  echo 'FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) FUZZ_WORK=$(abs_top_builddir)/tests/fuzz/work \'; \
	  echo '  exec $(SHELL) $(abs_top_srcdir)/tests/fuzz/run.sh $(FUZZ_TARGETS:%=$(abs_top_builddir)/%)'; \
	} >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# make fuzz: every target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600); the corpus grows in
# tests/fuzz/work/corpus/<name>/, crashes land in tests/fuzz/work/crashes/.
fuzz: $(FUZZ_TARGETS)
	SUIVI_SRCDIR='$(abs_top_srcdir)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	FUZZ_WORK='$(abs_top_builddir)/tests/fuzz/work' \
	$(SHELL) $(top_srcdir)/tests/fuzz/run.sh $(FUZZ_TARGETS:%=$(abs_top_builddir)/%)
else
fuzz:
	@echo "make fuzz: configure with --enable-fuzzing CC=clang (needs clang and libclang-rt-14-dev)" >&2; exit 1
endif

clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work
.PHONY: fuzz clean-fuzz
