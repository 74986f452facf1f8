# The web view's static files, served by suivid at / from [server] web_dir (default
# $(pkgdatadir)/web). No build step: these are the files the browser gets. A new file goes in
# the list of its folder here (tests/browser/test-browser.py fails until it is).
webdir = $(pkgdatadir)/web
dist_web_DATA = web/index.html web/favicon.svg
webcssdir = $(webdir)/css
dist_webcss_DATA = web/css/suivi.css
webjsdir = $(webdir)/js
dist_webjs_DATA = \
	web/js/api.js \
	web/js/app.js \
	web/js/boot.js \
	web/js/charts.js \
	web/js/dom.js \
	web/js/i18n.js \
	web/js/ui.js
webpagesdir = $(webdir)/js/pages
dist_webpages_DATA = \
	web/js/pages/dashboard.js \
	web/js/pages/meeting.js \
	web/js/pages/meetings.js \
	web/js/pages/owner.js \
	web/js/pages/owners.js \
	web/js/pages/recommendation.js \
	web/js/pages/recommendations.js \
	web/js/pages/reports.js \
	web/js/pages/signin.js
# The README shows these (made by make doc-screenshots, tests/browser/local.mk).
EXTRA_DIST += web/local.mk \
	doc/screenshots/dashboard-en.png doc/screenshots/dashboard-fr.png \
	doc/screenshots/meeting-en.png doc/screenshots/meeting-fr.png \
	doc/screenshots/recommendation-en.png doc/screenshots/recommendation-fr.png
