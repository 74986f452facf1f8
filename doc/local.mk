# Documentation: man pages, the example configuration and the check that keeps them in step
# with the configuration key table of daemon/core/config-keys.c.
dist_man_MANS += doc/suivi.1
dist_man_MANS += doc/suivid.conf.5
dist_man_MANS += doc/suivid.8

TESTS += tests/check-config-docs.sh
EXTRA_DIST += tests/check-config-docs.sh

# The example configuration: always under the documentation, and as the live configuration
# only when there is none yet (an installed suivid.conf is the administrator's).
examplesdir = $(docdir)/examples
dist_examples_DATA = contrib/suivid.conf

suivi_confdir = $(sysconfdir)/suivi
install-data-local: install-suivid-conf
uninstall-local: uninstall-suivid-conf
.PHONY: install-suivid-conf uninstall-suivid-conf

install-suivid-conf:
	$(MKDIR_P) '$(DESTDIR)$(suivi_confdir)'
	@if test -f '$(DESTDIR)$(suivi_confdir)/suivid.conf'; then \
	  echo "keeping the existing $(DESTDIR)$(suivi_confdir)/suivid.conf"; \
	else \
	  echo " $(INSTALL_DATA) $(srcdir)/contrib/suivid.conf '$(DESTDIR)$(suivi_confdir)/suivid.conf'"; \
	  $(INSTALL_DATA) '$(srcdir)/contrib/suivid.conf' '$(DESTDIR)$(suivi_confdir)/suivid.conf'; \
	fi

# Remove it only when it is still the untouched example: never delete a configuration.
uninstall-suivid-conf:
	@if test -f '$(DESTDIR)$(suivi_confdir)/suivid.conf' && \
	    cmp -s '$(srcdir)/contrib/suivid.conf' '$(DESTDIR)$(suivi_confdir)/suivid.conf'; then \
	  echo " rm -f '$(DESTDIR)$(suivi_confdir)/suivid.conf'"; \
	  rm -f '$(DESTDIR)$(suivi_confdir)/suivid.conf'; \
	  rmdir '$(DESTDIR)$(suivi_confdir)' 2>/dev/null || :; \
	elif test -f '$(DESTDIR)$(suivi_confdir)/suivid.conf'; then \
	  echo "keeping the modified $(DESTDIR)$(suivi_confdir)/suivid.conf"; \
	fi
