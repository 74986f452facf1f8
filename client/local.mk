# suivi, the command-line client: every module but main.c goes into libsuivi.a so the unit
# tests link them directly.
noinst_LIBRARIES += client/libsuivi.a
client_libsuivi_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/client $(JANSSON_CFLAGS) \
	$(LIBXML2_CFLAGS) $(LIBARCHIVE_CFLAGS)
client_libsuivi_a_SOURCES = \
	client/client.c client/client.h \
	client/config.c client/config.h \
	client/conn.c client/conn.h \
	client/request.c client/request.h \
	client/reldate.c client/reldate.h \
	client/table.c client/table.h \
	client/render.c client/render.h \
	client/workflow.c client/workflow.h \
	client/complete.c client/complete.h \
	client/cmd.c client/cmd.h \
	client/cmd-owner.c \
	client/cmd-meeting.c \
	client/cmd-add.c \
	client/cmd-import.c client/import-review.c client/import-review.h \
	client/convert.c client/convert-pdf.c client/convert.h \
	client/cmd-list.c \
	client/cmd-show.c \
	client/cmd-history.c \
	client/cmd-status.c \
	client/cmd-assign.c \
	client/cmd-due.c \
	client/cmd-comment.c \
	client/cmd-edit.c \
	client/cmd-overdue.c \
	client/cmd-report.c \
	client/cmd-remind.c \
	client/cmd-notifications.c \
	client/cmd-token.c \
	client/cmd-calendar-url.c \
	client/cmd-workflow.c \
	client/cmd-mail-in.c

SUIVI_CLIENT_LIBS = client/libsuivi.a common/libcommon.a $(JANSSON_LIBS) $(LIBXML2_LIBS) \
	$(LIBARCHIVE_LIBS)

bin_PROGRAMS += client/suivi
client_suivi_CPPFLAGS = $(client_libsuivi_a_CPPFLAGS)
client_suivi_SOURCES = client/main.c
client_suivi_LDADD = $(SUIVI_CLIENT_LIBS)

# Bash completion, installed under the name bash-completion looks up: the command's.
bashcompletiondir = $(datadir)/bash-completion/completions
EXTRA_DIST += contrib/suivi.bash-completion
install-data-local: install-suivi-completion
uninstall-local: uninstall-suivi-completion
install-suivi-completion:
	$(MKDIR_P) "$(DESTDIR)$(bashcompletiondir)"
	$(INSTALL_DATA) "$(srcdir)/contrib/suivi.bash-completion" "$(DESTDIR)$(bashcompletiondir)/suivi"
uninstall-suivi-completion:
	rm -f "$(DESTDIR)$(bashcompletiondir)/suivi"
.PHONY: install-suivi-completion uninstall-suivi-completion
