# Shared harness: throwaway PostgreSQL, real suivid, small HTTP client (libharness.a).
# The fixtures of some suites live beside it in tests/harness/ and are compiled into the
# programs that use them: apitest (HTTP suites), sqltest (SQL suites), client-run (the suivi
# client), notify-util (test-notify). tests/integration/ holds only suites.
check_LIBRARIES += tests/harness/libharness.a
tests_harness_libharness_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBPQ_CFLAGS) $(JANSSON_CFLAGS)
tests_harness_libharness_a_SOURCES = tests/harness/harness.c tests/harness/harness.h \
	tests/harness/harness-pg.c tests/harness/harness-daemon.c \
	tests/harness/harness-http.c tests/harness/harness-internal.h

# Integration suites: each its own program, run against real PostgreSQL and suivid.
INTEGRATION_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/harness \
	$(LIBPQ_CFLAGS) $(JANSSON_CFLAGS) $(CHECK_CFLAGS)
INTEGRATION_LDADD = tests/harness/libharness.a common/libcommon.a \
	$(LIBPQ_LIBS) $(JANSSON_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/integration/test-foundation
TESTS += tests/integration/test-foundation
tests_integration_test_foundation_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_foundation_SOURCES = tests/integration/test-foundation.c
tests_integration_test_foundation_LDADD = $(INTEGRATION_LDADD)

# The suivi client end to end.
check_PROGRAMS += tests/integration/test-client
TESTS += tests/integration/test-client
tests_integration_test_client_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_client_SOURCES = tests/integration/test-client.c \
	tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_client_LDADD = $(INTEGRATION_LDADD)

# The SQL API of migrations/0002_tracking.sql, called directly (no suivid).
check_PROGRAMS += tests/integration/test-sql tests/integration/test-sql-load
TESTS += tests/integration/test-sql tests/integration/test-sql-load
tests_integration_test_sql_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_sql_SOURCES = tests/integration/test-sql.c \
	tests/harness/sqltest.c tests/harness/sqltest.h
tests_integration_test_sql_LDADD = $(INTEGRATION_LDADD)
tests_integration_test_sql_load_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_sql_load_SOURCES = tests/integration/test-sql-load.c \
	tests/harness/sqltest.c tests/harness/sqltest.h
tests_integration_test_sql_load_LDADD = $(INTEGRATION_LDADD)

# Reminders, the overdue report and delivery through the hook (needs msmtp, python3-aiosmtpd).
check_PROGRAMS += tests/integration/test-notify
TESTS += tests/integration/test-notify
tests_integration_test_notify_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_notify_SOURCES = tests/integration/test-notify.c \
	tests/harness/notify-util.c tests/harness/notify-util.h
tests_integration_test_notify_LDADD = $(INTEGRATION_LDADD)
# Around the outbox: UTC timestamps in a far zone, retry now, display names, never schedules.
check_PROGRAMS += tests/integration/test-notify-ops
TESTS += tests/integration/test-notify-ops
tests_integration_test_notify_ops_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_notify_ops_SOURCES = tests/integration/test-notify-ops.c \
	tests/harness/notify-util.c tests/harness/notify-util.h \
	tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_notify_ops_LDADD = $(INTEGRATION_LDADD)

# The HTTP API over real sockets: every endpoint, the role matrix, concurrent writers.
APITEST_SOURCES = tests/harness/apitest.c tests/harness/apitest.h
check_PROGRAMS += tests/integration/test-api
TESTS += tests/integration/test-api
tests_integration_test_api_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_api_SOURCES = tests/integration/test-api.c \
	tests/integration/test-api-recs.c tests/integration/test-api-list.c \
	tests/integration/test-api-more.c \
	tests/integration/apitest-parts.h $(APITEST_SOURCES)
tests_integration_test_api_LDADD = $(INTEGRATION_LDADD)
check_PROGRAMS += tests/integration/test-roles
TESTS += tests/integration/test-roles
tests_integration_test_roles_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_roles_SOURCES = tests/integration/test-roles.c $(APITEST_SOURCES)
tests_integration_test_roles_LDADD = $(INTEGRATION_LDADD)
check_PROGRAMS += tests/integration/test-concurrency
TESTS += tests/integration/test-concurrency
tests_integration_test_concurrency_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_concurrency_SOURCES = tests/integration/test-concurrency.c \
	$(APITEST_SOURCES)
tests_integration_test_concurrency_LDADD = $(INTEGRATION_LDADD)
# One source for the domain values (GET /v1/workflow, a status added with SQL) and the SQL
# API's versions.
check_PROGRAMS += tests/integration/test-workflow
TESTS += tests/integration/test-workflow
tests_integration_test_workflow_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_workflow_SOURCES = tests/integration/test-workflow.c $(APITEST_SOURCES) \
	tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_workflow_LDADD = $(INTEGRATION_LDADD)
# Every status suivid sends, errors as problem+json (413, 501 included), and the cases
# libevent 2.1 still answers itself.
check_PROGRAMS += tests/integration/test-problem
TESTS += tests/integration/test-problem
tests_integration_test_problem_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_problem_SOURCES = tests/integration/test-problem.c $(APITEST_SOURCES)
tests_integration_test_problem_LDADD = $(INTEGRATION_LDADD)
# The calendar feed read by python3-icalendar (ical-check.py) and libical (ical-strict), feed
# tokens, the client's calendar-url.
check_PROGRAMS += tests/integration/test-calendar tests/integration/ical-strict
TESTS += tests/integration/test-calendar
tests_integration_test_calendar_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_calendar_SOURCES = tests/integration/test-calendar.c $(APITEST_SOURCES) \
	tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_calendar_LDADD = $(INTEGRATION_LDADD)
tests_integration_ical_strict_CPPFLAGS = $(AM_CPPFLAGS) $(LIBICAL_CFLAGS)
tests_integration_ical_strict_SOURCES = tests/integration/ical-strict.c
tests_integration_ical_strict_LDADD = $(LIBICAL_LIBS)
EXTRA_DIST += tests/integration/ical-check.py
# doc/openapi.yaml: valid OpenAPI 3.1 (validate-api, npm), served as it is, every route both
# ways, real answers against its schemas (openapi-check.py: python3-yaml, python3-jsonschema).
check_PROGRAMS += tests/integration/test-openapi
TESTS += tests/integration/test-openapi
tests_integration_test_openapi_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_openapi_SOURCES = tests/integration/test-openapi.c $(APITEST_SOURCES)
tests_integration_test_openapi_LDADD = $(INTEGRATION_LDADD)
EXTRA_DIST += tests/integration/openapi-check.py
# GET /metrics read by promtool (prometheus), values that move, who may scrape; the alert
# rules and the dashboard of contrib/.
check_PROGRAMS += tests/integration/test-metrics
TESTS += tests/integration/test-metrics
tests_integration_test_metrics_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_metrics_SOURCES = tests/integration/test-metrics.c $(APITEST_SOURCES)
tests_integration_test_metrics_LDADD = $(INTEGRATION_LDADD)
EXTRA_DIST += contrib/prometheus/suivi-alerts.yml contrib/grafana/suivi-dashboard.json

# Reminders that never miss an item: the ledger, cc copies, escalation (real hook, msmtp).
check_PROGRAMS += tests/integration/test-remind
TESTS += tests/integration/test-remind
tests_integration_test_remind_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_remind_SOURCES = tests/integration/test-remind.c \
	tests/harness/notify-util.c tests/harness/notify-util.h \
	tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_remind_LDADD = $(INTEGRATION_LDADD)

# Import candidates reviewed before they are recorded: mode=candidates, --dry-run, --pick,
# --min-confidence, --review with a scripted $EDITOR, provenance in suivi show.
check_PROGRAMS += tests/integration/test-import-review
TESTS += tests/integration/test-import-review
tests_integration_test_import_review_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_import_review_SOURCES = tests/integration/test-import-review.c \
	$(APITEST_SOURCES) tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_import_review_LDADD = $(INTEGRATION_LDADD)

# Owners answer by replying to their reminder: replies built with Python's email package,
# piped into suivi mail-in, applied; every refusal.
check_PROGRAMS += tests/integration/test-mailin
TESTS += tests/integration/test-mailin
tests_integration_test_mailin_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_mailin_SOURCES = tests/integration/test-mailin.c \
	tests/harness/notify-util.c tests/harness/notify-util.h \
	tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_mailin_LDADD = $(INTEGRATION_LDADD)
EXTRA_DIST += tests/integration/mail-reply.py
# suivi import reads .docx, .odt, .html and .pdf (fixtures made by make-documents.py from the
# seeds with zipfile, groff -Tpdf and qpdf) and refuses bad files with one sentence.
check_PROGRAMS += tests/integration/test-import-files
TESTS += tests/integration/test-import-files
tests_integration_test_import_files_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_import_files_SOURCES = tests/integration/test-import-files.c \
	$(APITEST_SOURCES) tests/harness/client-run.c tests/harness/client-run.h
tests_integration_test_import_files_LDADD = $(INTEGRATION_LDADD)
EXTRA_DIST += tests/integration/make-documents.py
# Chaos under write load: PostgreSQL restarted (fast, immediate), suivid killed with SIGKILL,
# a failover to a promoted streaming standby; every acknowledged write kept, only 201 or 503.
check_PROGRAMS += tests/integration/test-chaos
TESTS += tests/integration/test-chaos
tests_integration_test_chaos_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_chaos_SOURCES = tests/integration/test-chaos.c
tests_integration_test_chaos_LDADD = $(INTEGRATION_LDADD)
# Notifications under chaos: the hook killed mid-delivery, suivid killed while a hook runs, the
# scheduler's leadership across a failover to a promoted synchronous standby; each
# notification delivered exactly once.
check_PROGRAMS += tests/integration/test-chaos-notify
TESTS += tests/integration/test-chaos-notify
tests_integration_test_chaos_notify_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_chaos_notify_SOURCES = tests/integration/test-chaos-notify.c \
	tests/harness/notify-util.c tests/harness/notify-util.h
tests_integration_test_chaos_notify_LDADD = $(INTEGRATION_LDADD)
# The web view's server side: static files and their headers, sessions and CSRF, the
# digests' sign-in links, the dashboard against SQL.
check_PROGRAMS += tests/integration/test-web
TESTS += tests/integration/test-web
tests_integration_test_web_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_web_SOURCES = tests/integration/test-web.c \
	tests/integration/test-web-more.c tests/integration/test-web.h $(APITEST_SOURCES)
tests_integration_test_web_LDADD = $(INTEGRATION_LDADD)

# The token cache across two suivids: revocation through the other daemon, the LISTEN
# connection lost (every token looked up) and back (the cache emptied), changes in SQL.
check_PROGRAMS += tests/integration/test-token-cache
TESTS += tests/integration/test-token-cache
tests_integration_test_token_cache_CPPFLAGS = $(INTEGRATION_CPPFLAGS)
tests_integration_test_token_cache_SOURCES = tests/integration/test-token-cache.c
tests_integration_test_token_cache_LDADD = $(INTEGRATION_LDADD)
