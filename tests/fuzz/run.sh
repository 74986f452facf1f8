#!/bin/sh
# run.sh TARGET… — run each libFuzzer target for $FUZZ_SECONDS (default 60) and print TAP:
# one line per target with its executions, coverage (edges) and corpus size, "not ok" with
# the crash's log and input when it found one.
#
# libFuzzer exits 77 on a crash, a leak or a deadly signal and 70 on a timeout; automake's
# test driver would count 77 as a skip, so every target runs with -error_exitcode=1 and
# -timeout_exitcode=1, and this script exits 1 whenever one failed (its TAP says which).
# Each target reads the tree's seeds and regressions (read only: distcheck) and grows its own
# corpus in $FUZZ_WORK/corpus/<name>/; crashes are written to $FUZZ_WORK/crashes/.
set -u
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-tests/fuzz/work}
src=${SUIVI_SRCDIR:?SUIVI_SRCDIR must name the source tree}
# Bounds per input: a slow input is a bug too, but not on a loaded machine at 1 s.
timeout=${FUZZ_TIMEOUT:-20}

echo "1..$#"
i=0
rc=0
for target in "$@"; do
	i=$((i + 1))
	name=$(basename "$target")
	name=${name#fuzz-}
	mkdir -p "$work/corpus/$name" "$work/crashes" || exit 1
	log=$work/$name.log
	set -- "$work/corpus/$name" "$src/tests/fuzz/corpus/$name"
	if [ -d "$src/tests/fuzz/regressions/$name" ]; then
		set -- "$@" "$src/tests/fuzz/regressions/$name"
	fi
	dict=
	if [ -f "$src/tests/fuzz/$name.dict" ]; then
		dict=-dict=$src/tests/fuzz/$name.dict
	fi
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$target" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
		-max_len=65536 -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
		-artifact_prefix="$work/crashes/$name-" $dict "$@" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corpus=$(ls "$work/corpus/$name" | wc -l)
	if [ "$status" -eq 0 ]; then
		echo "ok $i - $name: ${runs:-?} runs in ${seconds}s, ${cov:-?} edges, $corpus new inputs"
	else
		echo "not ok $i - $name: exit $status after ${runs:-?} runs (log $log)"
		grep -aE 'ERROR|property failed|SUMMARY|Test unit written|^artifact' "$log" |
			head -n 20 | sed 's/^/# /'
		rc=1
	fi
	set --
done
exit $rc
