#!/bin/sh
# check-config-docs.sh - keep the docs in step with the key table of daemon/core/config-keys.c (TAP).
#
# Every key of the table must be described in doc/suivid.conf.5 (a ".TP" / ".B key" entry under
# ".SS [section]") and shown in contrib/suivid.conf as "#key = default" under "[section]", with
# the table's default when it is a plain string; neither file may describe a key the table no
# longer has.
set -u

top=${SUIVI_SRCDIR:-${srcdir:-$(dirname "$0")/..}}
table=$top/daemon/core/config-keys.c
man=$top/doc/suivid.conf.5
example=$top/contrib/suivid.conf
tab=$(printf '\t')
tmp=${TMPDIR:-/tmp}/check-config-docs.$$
trap 'rm -f "$tmp".*' EXIT INT TERM

for f in "$table" "$man" "$example"; do
	if [ ! -r "$f" ]; then
		# Not a skip: a check that cannot read what it checks has checked nothing.
		echo "Bail out! cannot read $f (set SUIVI_SRCDIR or srcdir to the source tree)"
		exit 1
	fi
done

# section TAB key TAB default, where default is "-" when unset and "?" when not a plain string.
awk '
	/^const struct cf_key config_keys\[\] = \{/ { intable = 1; next }
	intable && /^\};/ { intable = 0 }
	!intable { next }
	{ entry = entry " " $0 }
	/\},[ \t]*$/ {
		if (match(entry, /\.section = "[^"]*"/)) {
			section = substr(entry, RSTART + 12, RLENGTH - 13)
			match(entry, /\.key = "[^"]*"/)
			key = substr(entry, RSTART + 8, RLENGTH - 9)
			def = "-"
			if (match(entry, /\.def = "[^"]*" *[,}]/)) {
				def = substr(entry, RSTART + 8)
				def = substr(def, 1, index(def, "\"") - 1)
			} else if (entry ~ /\.def = /) {
				def = "?"
			}
			print section "\t" key "\t" def
		}
		entry = ""
	}
' "$table" >"$tmp.table"

# section TAB key for every entry of the KEYS part of the man page.
awk '
	/^\.SH / { inkeys = ($0 ~ /^\.SH "?KEYS"?$/) }
	inkeys && /^\.SS \[[a-z_]+\]/ {
		section = $2
		gsub(/[\[\]"]/, "", section)
	}
	inkeys && previous == ".TP" && /^\.B [a-z_0-9]+$/ { print section "\t" $2 }
	{ previous = $0 }
' "$man" >"$tmp.man"

# section TAB key TAB value for every "key = value" line, commented out or not.
awk '
	/^\[[a-z_]+\][ \t]*$/ {
		section = $0
		gsub(/[\[\] \t]/, "", section)
	}
	/^#?[a-z_0-9]+ =( |$)/ {
		line = $0
		sub(/^#/, "", line)
		key = line
		sub(/ =.*/, "", key)
		value = line
		sub(/^[a-z_0-9]+ = ?/, "", value)
		if (value ~ /^".*"$/)
			value = substr(value, 2, length(value) - 2)
		print section "\t" key "\t" value
	}
' "$example" >"$tmp.example"

n=0
failed=0
result() { # ok|not ok, description
	n=$((n + 1))
	echo "$1 $n - $2"
	[ "$1" = ok ] || failed=1
}

count=$(wc -l <"$tmp.table")
if [ "$count" -ge 20 ]; then
	result ok "the key table of daemon/core/config-keys.c has $count keys"
else
	result "not ok" "only $count keys read from daemon/core/config-keys.c: has the table's layout changed?"
fi

while IFS="$tab" read -r section key def; do
	if grep -qx "$section$tab$key" "$tmp.man"; then
		result ok "[$section] $key is described in doc/suivid.conf.5"
	else
		result "not ok" "[$section] $key is missing from doc/suivid.conf.5"
	fi
	shown=$(awk -F "$tab" -v s="$section" -v k="$key" \
	    '$1 == s && $2 == k { print "yes"; exit }' "$tmp.example")
	value=$(awk -F "$tab" -v s="$section" -v k="$key" \
	    '$1 == s && $2 == k { print $3; exit }' "$tmp.example")
	if [ "$shown" != yes ]; then
		result "not ok" "[$section] $key is missing from contrib/suivid.conf"
	elif [ "$def" = "-" ] || [ "$def" = "?" ] || [ "$value" = "$def" ]; then
		result ok "[$section] $key is shown in contrib/suivid.conf"
	else
		result "not ok" "[$section] $key is shown in contrib/suivid.conf as '$value', default is '$def'"
	fi
done <"$tmp.table"

cut -f1,2 "$tmp.table" >"$tmp.known"
for doc in man example; do
	name=doc/suivid.conf.5
	[ "$doc" = example ] && name=contrib/suivid.conf
	stale=$(cut -f1,2 "$tmp.$doc" | grep -vxF -f "$tmp.known" | tr '\t' ' ' | tr '\n' ';')
	if [ -z "$stale" ]; then
		result ok "$name describes no unknown key"
	else
		result "not ok" "$name describes keys the table does not have: $stale"
	fi
done

echo "1..$n"
exit $failed
