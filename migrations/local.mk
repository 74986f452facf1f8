# Migrations are installed where the installed suivid looks for them.
migrationsdir = $(pkgdatadir)/migrations
dist_migrations_DATA = migrations/0001_baseline.sql migrations/0002_reminders.sql \
	migrations/0003_feed_tokens.sql \
	migrations/0005_metrics_tokens.sql migrations/0004_mail_replies.sql \
	migrations/0006_sessions.sql migrations/0007_dashboard_index.sql \
	migrations/0008_token_notify.sql \
	migrations/0009_page_index.sql
