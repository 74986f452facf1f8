# make bench — suivid under wrk against pgbench running the same SQL, plus batch timings
# (tests/bench/run.sh says what and how). Not part of make check: it loads a million
# recommendations and runs for several minutes. Results: tests/bench/results.md.
# make check runs it at a tiny size instead (check-tiny.sh: every part once, about 40 s), so
# that the benchmark keeps working; not under valgrind (tests/valgrind/local.mk lists its
# suites).
check_PROGRAMS += tests/bench/bench-sql
tests_bench_bench_sql_CPPFLAGS = $(daemon_libsuivid_a_CPPFLAGS)
tests_bench_bench_sql_SOURCES = tests/bench/bench-sql.c
tests_bench_bench_sql_LDADD = $(SUIVID_LIBS)
# The HTTP ceiling: a minimal evhttp server answering a fixed body (http-ceiling.c).
check_PROGRAMS += tests/bench/http-ceiling
tests_bench_http_ceiling_CPPFLAGS = $(AM_CPPFLAGS) $(LIBEVENT_CFLAGS)
tests_bench_http_ceiling_SOURCES = tests/bench/http-ceiling.c
tests_bench_http_ceiling_LDADD = $(LIBEVENT_LIBS)
TESTS += tests/bench/check-tiny.sh
CLEANFILES += tests/bench/check-tiny.md tests/bench/check-tiny.md.out

EXTRA_DIST += \
	tests/bench/run.sh \
	tests/bench/check-tiny.sh \
	tests/bench/results.md \
	tests/bench/sql/load.sql \
	tests/bench/sql/history.sql \
	tests/bench/sql/gin.sql \
	tests/bench/sql/finish.sql \
	tests/bench/lua/common.lua \
	tests/bench/lua/get.lua \
	tests/bench/lua/overdue.lua \
	tests/bench/lua/page.lua \
	tests/bench/lua/transition.lua \
	tests/bench/lua/comment.lua

BENCH_RESULTS = $(abs_top_srcdir)/tests/bench/results.md
bench: daemon/suivid client/suivi tests/bench/bench-sql tests/bench/http-ceiling
	SUIVID='$(abs_top_builddir)/daemon/suivid' \
	HTTP_CEILING='$(abs_top_builddir)/tests/bench/http-ceiling' \
	SUIVI='$(abs_top_builddir)/client/suivi' \
	BENCH_SQL='$(abs_top_builddir)/tests/bench/bench-sql' \
	SUIVI_MIGRATIONS_DIR='$(abs_top_srcdir)/migrations' \
	SUIVI_SQL_DIR='$(abs_top_srcdir)/sql' \
	PG_BINDIR='$(PG_BINDIR)' \
	BENCH_RESULTS='$(BENCH_RESULTS)' \
	bash '$(abs_top_srcdir)/tests/bench/run.sh'
.PHONY: bench
