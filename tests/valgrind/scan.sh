#!/bin/sh
# scan.sh DIR — the verdict of make check-valgrind on the valgrind logs DIR/vg.<pid>.log:
# prints every log that holds a memory error or a definite leak and exits 1; exits 1 too
# when there is no log at all (the wrappers were not used, so nothing was checked).
# A log without "ERROR SUMMARY" belongs to a process killed by SIGKILL (the tests do it on
# purpose): its errors up to the kill are in it and scanned; it has no leak summary.
dir=${1:?usage: scan.sh DIR}
total=0
bad=0
unfinished=0
for log in "$dir"/vg.*.log; do
	[ -f "$log" ] || continue
	total=$((total + 1))
	grep -q 'ERROR SUMMARY:' "$log" || unfinished=$((unfinished + 1))
	# --errors-for-leak-kinds=definite makes a definite leak count in ERROR SUMMARY too; the
	# other patterns catch errors of a process that never reached its summary.
	if grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|Invalid (read|write|free)|uninitialised|Mismatched free|Source and destination overlap' \
		"$log"; then
		bad=$((bad + 1))
		echo "===== check-valgrind: memory errors in $log"
		grep -m1 'Command:' "$log"
		cat "$log"
	fi
done
if [ "$total" -eq 0 ]; then
	echo "check-valgrind: no valgrind log in $dir: nothing ran under valgrind" >&2
	exit 1
fi
echo "check-valgrind: $total processes under valgrind ($unfinished killed before their" \
	"summary), $bad with memory errors"
[ "$bad" -eq 0 ]
