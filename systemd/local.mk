# The systemd unit, generated with the configured paths; Type= follows --with-systemd.
systemdsystemunit_DATA = systemd/suivid.service
CLEANFILES += systemd/suivid.service
EXTRA_DIST += systemd/suivid.service.in systemd/verify-unit.sh

if WITH_SYSTEMD
SUIVID_SERVICE_TYPE = notify
else
SUIVID_SERVICE_TYPE = simple
endif

systemd/suivid.service: $(srcdir)/systemd/suivid.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@localstatedir[@]|$(localstatedir)|g' \
	    -e 's|@SERVICE_TYPE[@]|$(SUIVID_SERVICE_TYPE)|g' \
	    $(srcdir)/systemd/suivid.service.in >$@.tmp && mv $@.tmp $@

# systemd-analyze verify on the generated unit (skipped where systemd-analyze is missing).
TESTS += systemd/verify-unit.sh
