# suivid: every module but main.c goes into libsuivid.a so the unit tests link them directly.
noinst_LIBRARIES += daemon/libsuivid.a
daemon_libsuivid_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon \
	$(LIBPQ_CFLAGS) $(LIBEVENT_CFLAGS) $(JANSSON_CFLAGS) $(SYSTEMD_CFLAGS)
daemon_libsuivid_a_SOURCES = \
	daemon/log.c daemon/log.h \
	daemon/config.c daemon/config.h \
	daemon/config-value.c daemon/config-value.h \
	daemon/db.c daemon/db.h daemon/db-conn.c daemon/db-internal.h \
	daemon/http.c daemon/http.h \
	daemon/http-reply.c daemon/http-internal.h \
	daemon/auth.c daemon/auth.h \
	daemon/api-health.c daemon/api-health.h \
	daemon/api-tokens.c daemon/api-tokens.h \
	daemon/migrate.c daemon/migrate.h \
	daemon/embedded-pg.c daemon/embedded-pg.h \
	daemon/schedule.c daemon/schedule.h \
	daemon/validate.c daemon/validate.h \
	daemon/api-util.c daemon/api-util.h \
	daemon/api-owners.c daemon/api-owners.h \
	daemon/api-meetings.c daemon/api-meetings.h \
	daemon/api-import.c daemon/api-import.h \
	daemon/rec-list.c daemon/rec-list.h \
	daemon/report.c daemon/report.h \
	daemon/api-reports.c daemon/api-reports.h \
	daemon/api-recommendations.c daemon/api-recommendations.h \
	daemon/mail.c daemon/mail.h \
	daemon/hook.c daemon/hook.h \
	daemon/digest.c daemon/digest.h \
	daemon/remind.c daemon/remind.h \
	daemon/outbox.c daemon/outbox.h \
	daemon/scheduler.c daemon/scheduler.h \
	daemon/api-notifications.c daemon/api-notifications.h daemon/app.h \
	daemon/import.c daemon/import.h daemon/import-internal.h \
	daemon/import-minutes.c daemon/import-csv.c daemon/import-json.c

SUIVID_LIBS = daemon/libsuivid.a common/libcommon.a \
	$(LIBPQ_LIBS) $(LIBEVENT_LIBS) $(JANSSON_LIBS) $(SYSTEMD_LIBS)

sbin_PROGRAMS += daemon/suivid
daemon_suivid_CPPFLAGS = $(daemon_libsuivid_a_CPPFLAGS)
daemon_suivid_SOURCES = daemon/main.c
daemon_suivid_LDADD = $(SUIVID_LIBS)
