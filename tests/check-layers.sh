#!/bin/sh
# check-layers.sh - every #include in daemon/, client/ and common/ obeys the layer rules (TAP).
#
# The rules are read from the sentences that state them, at the top of each daemon folder's
# main header ("Layer rule: notify may use db, render and core; ..."), so the code and this
# check cannot disagree. A file in daemon/LAYER/ may include "OTHER/x.h" only when OTHER is
# LAYER itself or named after "may use"; common/ includes nothing of daemon/ or client/;
# client/ includes nothing of daemon/; daemon/main.c may include everything.
set -u

top=${SUIVI_SRCDIR:-${srcdir:-$(dirname "$0")/..}}
d=$top/daemon
n=0
failed=0

result() {
	n=$((n + 1))
	echo "$1 $n - $2"
	[ "$1" = ok ] || failed=1
}

if [ ! -d "$d/api" ]; then
	echo "Bail out! no daemon/api under $top: set SUIVI_SRCDIR to the source tree"
	exit 1
fi

main_header() {
	case $1 in
	core) echo core/config.h ;;
	db) echo db/db.h ;;
	http) echo http/http.h ;;
	render) echo render/report.h ;;
	import) echo import/import.h ;;
	notify) echo notify/outbox.h ;;
	api) echo api/api-util.h ;;
	esac
}

layers="core db http render import notify api"

# Every folder of daemon/ is a known layer.
for dir in "$d"/*/; do
	name=$(basename "$dir")
	case " $layers " in
	*" $name "*) result ok "daemon/$name is a known layer" ;;
	*) result "not ok" "daemon/$name is not a layer this check knows (add its rule)" ;;
	esac
done

for layer in $layers; do
	header=$(main_header "$layer")
	# The words after "may use" up to the first ";", e.g. "db, render and core".
	allowed=$(sed -n "s/.*Layer rule: $layer may use \([^;]*\);.*/\1/p" "$d/$header" |
		tr ',' ' ' | sed 's/\band\b/ /g; s/only//; s/([^)]*)//g')
	if [ -z "$allowed" ]; then
		result "not ok" "$header states no rule 'Layer rule: $layer may use ...;'"
		continue
	fi
	result ok "$header: $layer may use$(printf ' %s' $allowed)"
	bad=0
	for f in "$d/$layer"/*.c "$d/$layer"/*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z]*\)\/[^"]*".*/\1/p' "$f" | sort -u); do
			[ "$inc" = "$layer" ] && continue
			case " $allowed " in
			*" $inc "*) ;;
			*)
				result "not ok" "daemon/$layer/$(basename "$f") includes $inc/, which $layer may not use"
				bad=1
				;;
			esac
		done
	done
	[ "$bad" = 0 ] && result ok "daemon/$layer includes only$(printf ' %s' $allowed)"
done

# common/ is below everything; client/ never reaches into the daemon.
if grep -n '#include "\(core\|db\|http\|render\|import\|notify\|api\|client\)/' \
	"$top"/common/*.c "$top"/common/*.h >/dev/null 2>&1; then
	result "not ok" "common/ includes a daemon or client header"
else
	result ok "common/ includes no daemon or client header"
fi
if grep -n '#include "\(core\|db\|http\|render\|import\|notify\|api\)/' \
	"$top"/client/*.c "$top"/client/*.h >/dev/null 2>&1; then
	result "not ok" "client/ includes a daemon header"
else
	result ok "client/ includes no daemon header"
fi

echo "1..$n"
exit $failed
