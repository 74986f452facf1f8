# The SQL API (functions of the schema suivi_api), installed where the installed suivid looks
# for it; re-created by suivid whenever it changes (daemon/db/sqlapi.h).
sqldir = $(pkgdatadir)/sql
dist_sql_DATA = sql/VERSION
sqlapidir = $(pkgdatadir)/sql/api
dist_sqlapi_DATA = \
	sql/api/00-helpers.sql \
	sql/api/05-workflow.sql \
	sql/api/10-owners.sql \
	sql/api/15-sessions.sql \
	sql/api/20-meetings.sql \
	sql/api/30-recommendations.sql \
	sql/api/40-import.sql \
	sql/api/50-reports.sql \
	sql/api/52-dashboard.sql \
	sql/api/55-mail.sql \
	sql/api/60-notify.sql \
	sql/api/80-calendar.sql \
	sql/api/90-metrics.sql
