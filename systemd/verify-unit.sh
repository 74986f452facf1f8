#!/bin/sh
# verify-unit.sh — TAP test: the generated suivid.service passes `systemd-analyze verify`
# and keeps its hardening (`systemd-analyze security --offline`). Skipped where
# systemd-analyze is missing. Runs from the build directory (make check).
set -u
unit=systemd/suivid.service
echo "1..2"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "ok 1 # SKIP systemd-analyze not installed"
	echo "ok 2 # SKIP systemd-analyze not installed"
	exit 0
fi
if [ ! -f "$unit" ]; then
	echo "not ok 1 - $unit was not generated"
	echo "not ok 2 - $unit was not generated"
	exit 0
fi
tmp=$(mktemp -d /tmp/suivi-unit-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart exists: point it at the binary just built.
sed -e "s|^\(Exec[A-Za-z]*=\)[^ ]*/suivid |\1${SUIVID:-$PWD/daemon/suivid} |" \
	"$unit" >"$tmp/suivid.service"
if out=$(systemd-analyze verify --man=no "$tmp/suivid.service" 2>&1) && [ -z "$out" ]; then
	echo "ok 1 - systemd-analyze verify"
else
	echo "not ok 1 - systemd-analyze verify"
	printf '%s\n' "$out" | sed 's/^/# /'
fi
# "OK"-rated exposure is at most 2.9 out of 10; fail when hardening is lost.
if out=$(systemd-analyze security --offline=yes --threshold=29 "$tmp/suivid.service" 2>&1); then
	echo "ok 2 - systemd-analyze security: $(printf '%s\n' "$out" | tail -n 1)"
else
	echo "not ok 2 - systemd-analyze security above the threshold"
	printf '%s\n' "$out" | sed 's/^/# /'
fi
