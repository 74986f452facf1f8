# The web view in a real browser: headless Chromium (Debian's chromium, chromium-driver,
# python3-selenium; dev/deps installs them) against a real suivid with its embedded
# PostgreSQL and the demo data, serving the source tree's web/. Missing packages fail the
# test, they do not skip it. Screenshots go to tests/browser/screenshots/.
TESTS += tests/browser/test-browser.py
EXTRA_DIST += tests/browser/test-browser.py tests/browser/webenv.py tests/browser/perf.py \
	tests/browser/local.mk

# The README's screenshots (doc/screenshots/: dashboard, a meeting, a recommendation, in
# English and French), made by the browser tests themselves; optipng shrinks them when
# installed. Not part of make check.
doc-screenshots: daemon/suivid
	rm -rf tests/browser/doc-screenshots
	SUIVI_DOC_SCREENSHOTS='$(abs_top_builddir)/tests/browser/doc-screenshots' \
	SUIVI_WEB_TESTS=languages $(MAKE) $(AM_MAKEFLAGS) check TESTS=tests/browser/test-browser.py
	if command -v optipng >/dev/null; then optipng -quiet -o5 tests/browser/doc-screenshots/*.png; fi
	cp tests/browser/doc-screenshots/*.png '$(srcdir)/doc/screenshots/'

# The dashboard's first render in headless Chromium: time to content, API requests, bytes
# (tests/browser/perf.py). PERF_URL and PERF_TOKEN measure a running suivid instead of a
# throwaway one with the demo data.
perf-web: daemon/suivid
	SUIVID='$(abs_top_builddir)/daemon/suivid' SUIVI_SRCDIR='$(abs_top_srcdir)' \
	SUIVI_MIGRATIONS_DIR='$(abs_top_srcdir)/migrations' SUIVI_SQL_DIR='$(abs_top_srcdir)/sql' \
	SUIVI_PG_BINDIR='$(PG_BINDIR)' /usr/bin/python3 '$(srcdir)/tests/browser/perf.py'

clean-local: clean-browser
clean-browser:
	rm -rf tests/browser/screenshots tests/browser/doc-screenshots
.PHONY: doc-screenshots perf-web clean-browser
