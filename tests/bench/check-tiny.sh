#!/usr/bin/env bash
# tests/bench/check-tiny.sh — make check keeps `make bench` working (TAP): run.sh at a tiny size
# (BENCH_TINY=1: 2,000 recommendations, 1 s per wrk run, a few pgbench transactions a client,
# every part once), then its results must hold, for every scenario, a row whose two ratio
# columns (suivid ÷ limit, suivid ÷ pgbench on its own SQL) are positive numbers at 16 and 64
# connections. The figures of such a run measure nothing; what fails here is a broken script,
# a statement bench-sql no longer prints, a scenario suivid answers with errors, a report
# with holes.
#
# Needs wrk and pgbench as make bench does: a missing tool fails the test, it does not skip it
# (as the other tests of make check). Run from the top of the build tree by make check, which
# sets SUIVID, SUIVI, SUIVI_SRCDIR, SUIVI_MIGRATIONS_DIR, SUIVI_SQL_DIR and SUIVI_PG_BINDIR;
# BENCH_SQL and HTTP_CEILING default to the build tree's programs.
set -uo pipefail

: "${SUIVI_SRCDIR:?set SUIVI_SRCDIR to the source tree}"
pg_bindir=${SUIVI_PG_BINDIR:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
results=$PWD/tests/bench/check-tiny.md
scenarios=("GET one recommendation" "GET overdue list of one owner (50)"
	"GET filtered page after a cursor" "POST transition" "POST comment")

echo "1..$((1 + ${#scenarios[@]}))"

for tool in wrk "$pg_bindir/pgbench"; do
	if ! command -v "$tool" >/dev/null; then
		echo "Bail out! $tool is missing (make bench needs it; dev/deps installs it)"
		exit 1
	fi
done

rm -f "$results"
started=$EPOCHREALTIME
if BENCH_TINY=1 BENCH_RECS=2000 BENCH_DURATION=1 \
	BENCH_SQL=${BENCH_SQL:-$PWD/tests/bench/bench-sql} \
	HTTP_CEILING=${HTTP_CEILING:-$PWD/tests/bench/http-ceiling} \
	PG_BINDIR=$pg_bindir BENCH_RESULTS=$results \
	bash "$SUIVI_SRCDIR/tests/bench/run.sh" >"$results.out" 2>&1; then
	echo "ok 1 - run.sh at a tiny size ($(awk -v a="$started" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%.0f", b - a }') s)"
else
	echo "not ok 1 - run.sh at a tiny size failed; its last lines:"
	tail -25 "$results.out" | sed 's/^/# /'
fi

# The limit table: its header names the columns; each scenario's row is read by those names.
# Prints "title<TAB>suivid ÷ limit<TAB>suivid ÷ pgbench" for each row.
ratios() {
	awk -F'|' '
		function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
		!head && /^\|/ && /suivid ÷ limit/ {
			for (i = 2; i < NF; i++) {
				h = trim($i)
				if (h ~ /^suivid ÷ limit/) lim = i
				if (h ~ /^suivid ÷ pgbench/) pgb = i
			}
			head = 1
			next
		}
		head && /^\|---/ { next }
		head && !/^\|/ { exit }
		head && lim && pgb { print trim($2) "\t" trim($lim) "\t" trim($pgb) }
	' "$results" 2>/dev/null
}

# "a / b" with both positive decimal numbers.
two_positive() {
	[[ $1 =~ ^([0-9]+\.[0-9]+)\ /\ ([0-9]+\.[0-9]+)$ ]] &&
		awk -v a="${BASH_REMATCH[1]}" -v b="${BASH_REMATCH[2]}" 'BEGIN { exit !(a > 0 && b > 0) }'
}

table=$(ratios)
n=1
for s in "${scenarios[@]}"; do
	n=$((n + 1))
	row=$(awk -F'\t' -v s="$s" '$1 == s' <<<"$table")
	limit=$(cut -f2 <<<"$row")
	own=$(cut -f3 <<<"$row")
	if [ -n "$row" ] && two_positive "$limit" && two_positive "$own"; then
		echo "ok $n - $s: suivid ÷ limit $limit, suivid ÷ pgbench $own"
	else
		echo "not ok $n - $s: no row with both ratios in $results (row: '${row//$'\t'/ | }')"
	fi
done
