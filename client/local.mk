# suivi, the command-line client: every module but main.c goes into libsuivi.a so the unit
# tests link them directly. It links jansson and libc only: the document converter, the one
# user of libxml2 and libarchive, is a program of its own (suivi-convert, below).
noinst_LIBRARIES += client/libsuivi.a
client_libsuivi_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/client $(JANSSON_CFLAGS) \
	-DSUIVI_PKGLIBEXECDIR='"$(pkglibexecdir)"'
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
	client/convert-child.c client/convert-child.h \
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

SUIVI_CLIENT_LIBS = client/libsuivi.a common/libcommon.a $(JANSSON_LIBS)

bin_PROGRAMS += client/suivi
client_suivi_CPPFLAGS = $(client_libsuivi_a_CPPFLAGS)
client_suivi_SOURCES = client/main.c
client_suivi_LDADD = $(SUIVI_CLIENT_LIBS)

# suivi-convert: .docx, .odt and HTML into minutes text (convert-doc.c), run by suivi import
# as a child process, found beside suivi (the build tree) or in $(pkglibexecdir). The parsing
# of an outside file is isolated in it, and its libraries (libxml2, libarchive, and ICU,
# libstdc++ and the compressors behind them) stay out of every other command's start-up.
# libconvert.a is what the fuzzer links directly (tests/fuzz/fuzz-convert.c).
noinst_LIBRARIES += client/libconvert.a
client_libconvert_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/client $(LIBXML2_CFLAGS) \
	$(LIBARCHIVE_CFLAGS)
client_libconvert_a_SOURCES = client/convert-doc.c
SUIVI_CONVERT_LIBS = client/libconvert.a $(SUIVI_CLIENT_LIBS) $(LIBXML2_LIBS) $(LIBARCHIVE_LIBS)

pkglibexec_PROGRAMS = client/suivi-convert
client_suivi_convert_CPPFLAGS = $(client_libconvert_a_CPPFLAGS)
client_suivi_convert_SOURCES = client/suivi-convert.c
client_suivi_convert_LDADD = client/libconvert.a common/libcommon.a $(LIBXML2_LIBS) \
	$(LIBARCHIVE_LIBS)

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
