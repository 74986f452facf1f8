# Migrations are installed where the installed suivid looks for them.
migrationsdir = $(pkgdatadir)/migrations
dist_migrations_DATA = migrations/0001_init.sql migrations/0002_tracking.sql
dist_migrations_DATA += migrations/0003_notifications.sql
