# suivid: every module but main.c goes into libsuivid.a so the unit tests link them directly.
# Layers, lowest first (see HACKING.md): core, db, http, render, import, notify, api; main.c on top.
noinst_LIBRARIES += daemon/libsuivid.a
daemon_libsuivid_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon \
	$(LIBPQ_CFLAGS) $(LIBEVENT_CFLAGS) $(JANSSON_CFLAGS) $(SYSTEMD_CFLAGS) \
	$(GMIME_CFLAGS) $(LIBXML2_CFLAGS)
daemon_libsuivid_a_SOURCES = \
	daemon/core/config.c daemon/core/config.h daemon/core/config-internal.h \
	daemon/core/config-keys.c \
	daemon/core/config-value.c daemon/core/config-value.h \
	daemon/core/log.c daemon/core/log.h \
	daemon/core/metrics.c daemon/core/metrics.h \
	daemon/core/schedule.c daemon/core/schedule.h \
	daemon/db/db.c daemon/db/db.h \
	daemon/db/db-conn.c \
	daemon/db/db-listen.c daemon/db/db-listen.h \
	daemon/db/db-internal.h \
	daemon/db/embedded-pg.c daemon/db/embedded-pg.h \
	daemon/db/migrate.c daemon/db/migrate.h daemon/db/migrate-internal.h \
	daemon/db/sqlapi.c daemon/db/sqlapi.h \
	daemon/db/workflow.c daemon/db/workflow.h \
	daemon/http/auth.c daemon/http/auth.h \
	daemon/http/http.c daemon/http/http.h \
	daemon/http/http-internal.h \
	daemon/http/http-path.c \
	daemon/http/http-listen.c \
	daemon/http/http-reply.c \
	daemon/http/http-web.c \
	daemon/http/token-cache.c daemon/http/token-cache.h \
	daemon/render/calendar.c daemon/render/calendar.h \
	daemon/render/confirm.c daemon/render/confirm.h \
	daemon/render/digest.c daemon/render/digest.h \
	daemon/render/mail.c daemon/render/mail.h \
	daemon/render/report.c daemon/render/report.h \
	daemon/import/import.c daemon/import/import.h \
	daemon/import/inbound.c daemon/import/inbound.h \
	daemon/import/mail-reply.c daemon/import/mail-reply.h \
	daemon/import/import-buf.c daemon/import/import-buf.h \
	daemon/import/import-csv.c daemon/import/import-csv.h \
	daemon/import/import-item.c daemon/import/import-item.h \
	daemon/import/import-json.c daemon/import/import-json.h \
	daemon/import/import-minutes.c daemon/import/import-minutes.h \
	daemon/import/import-prose.c daemon/import/import-prose.h \
	daemon/notify/hook.c daemon/notify/hook.h \
	daemon/notify/outbox.c daemon/notify/outbox.h \
	daemon/notify/remind.c daemon/notify/remind.h daemon/notify/remind-internal.h \
	daemon/notify/remind-decide.c \
	daemon/notify/scheduler.c daemon/notify/scheduler.h \
	daemon/api/api-calendar.c daemon/api/api-calendar.h \
	daemon/api/api-dashboard.c daemon/api/api-dashboard.h \
	daemon/api/api-health.c daemon/api/api-health.h \
	daemon/api/api-import.c daemon/api/api-import.h \
	daemon/api/api-mail.c daemon/api/api-mail.h \
	daemon/api/api-meetings.c daemon/api/api-meetings.h \
	daemon/api/api-metrics.c daemon/api/api-metrics.h \
	daemon/api/api-notifications.c daemon/api/api-notifications.h \
	daemon/api/api-openapi.c daemon/api/api-openapi.h daemon/api/openapi-doc.c \
	daemon/api/api-owners.c daemon/api/api-owners.h \
	daemon/api/api-recommendations.c daemon/api/api-recommendations.h \
	daemon/api/api-reports.c daemon/api/api-reports.h \
	daemon/api/api-sessions.c daemon/api/api-sessions.h \
	daemon/api/api-tokens.c daemon/api/api-tokens.h \
	daemon/api/api-util.c daemon/api/api-util.h \
	daemon/api/api-workflow.c daemon/api/api-workflow.h \
	daemon/api/app.h \
	daemon/api/rec-list.c daemon/api/rec-list.h \
	daemon/api/validate.c daemon/api/validate.h

# GET /v1/openapi.json serves doc/openapi.yaml compiled in as JSON. The generated file is
# distributed, so that a build from the tarball needs no Python.
daemon/api/openapi-doc.c: $(top_srcdir)/doc/openapi.yaml $(top_srcdir)/doc/openapi-embed.py
	$(AM_V_GEN)$(MKDIR_P) daemon/api && \
	$(PYTHON3) $(top_srcdir)/doc/openapi-embed.py $(top_srcdir)/doc/openapi.yaml > $@.tmp && \
	mv $@.tmp $@
EXTRA_DIST += doc/openapi.yaml doc/openapi-embed.py

SUIVID_LIBS = daemon/libsuivid.a common/libcommon.a \
	$(LIBPQ_LIBS) $(LIBEVENT_LIBS) $(JANSSON_LIBS) $(SYSTEMD_LIBS) \
	$(GMIME_LIBS) $(LIBXML2_LIBS)

sbin_PROGRAMS += daemon/suivid
daemon_suivid_CPPFLAGS = $(daemon_libsuivid_a_CPPFLAGS)
daemon_suivid_SOURCES = daemon/main.c
daemon_suivid_LDADD = $(SUIVID_LIBS)

# The layer rules stated in each folder's main header, checked against every #include.
TESTS += tests/check-layers.sh
EXTRA_DIST += tests/check-layers.sh
