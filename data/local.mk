# Demonstration data for the quick start (dev/run), installed for operators who want to try
# suivi: psql -v ON_ERROR_STOP=1 -f $(pkgdatadir)/demo.sql on a freshly migrated database.
demodir = $(pkgdatadir)
dist_demo_DATA = data/demo.sql
