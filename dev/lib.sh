# shellcheck shell=bash
# dev/lib.sh — shared by dev/deps, dev/run and dev/test: Debian packages, building, small
# helpers. Source it (". dev/lib.sh"); it does nothing by itself.

SUIVI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything needed to build, test and run suivi on Debian 12.
SUIVI_DEPS=(
	build-essential autoconf automake libtool pkg-config
	libevent-dev libjansson-dev libpq-dev check libsubunit-dev libsystemd-dev
	libgmime-3.0-dev libxml2-dev
	postgresql postgresql-contrib curl ca-certificates
	msmtp python3-aiosmtpd valgrind clang-format
	python3-icalendar libical-dev python3-yaml python3-jsonschema prometheus
	debhelper lintian
	clang libclang-rt-14-dev
	libarchive-dev poppler-utils groff qpdf
	chromium chromium-driver python3-selenium
	wrk
)

# npm packages the tests need where Debian has none, pinned: the OpenAPI validator
# (validate-api, test-openapi). Installed globally with the machine's Node.js and npm.
SUIVI_NPM_DEPS=(
	@seriousme/openapi-schema-validator@2.11.0
)

say() {
	printf '%s\n' "$*" >&2
}

die() {
	say "error: $*"
	exit 1
}

# Run a command as root: directly when we are root (CI), else through sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

# Print the packages of SUIVI_DEPS that are not installed, one a line.
missing_packages() {
	local pkg status
	for pkg in "${SUIVI_DEPS[@]}"; do
		# shellcheck disable=SC2016 # ${…} is dpkg-query's format, not the shell's
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		if [ "$status" != installed ]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# Install the npm packages of SUIVI_NPM_DEPS that are missing (at their pinned versions).
ensure_npm_deps() {
	local pkg name version missing=()
	command -v npm >/dev/null 2>&1 ||
		die "npm is needed for ${SUIVI_NPM_DEPS[*]} (install Node.js with npm)"
	for pkg in "${SUIVI_NPM_DEPS[@]}"; do
		name=${pkg%@*}
		version=${pkg##*@}
		if ! npm ls -g --depth=0 "$name" 2>/dev/null | grep -qF "$name@$version"; then
			missing+=("$pkg")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		say "deps: all ${#SUIVI_NPM_DEPS[@]} npm packages installed"
		return 0
	fi
	say "deps: npm install -g ${missing[*]}"
	as_root npm install -g --no-audit --no-fund "${missing[@]}" >&2
}

# Install what is missing; a second run installs (and updates) nothing.
ensure_deps() {
	command -v dpkg-query >/dev/null 2>&1 ||
		die "this needs a Debian-based system (no dpkg-query); install by hand: ${SUIVI_DEPS[*]}"
	ensure_npm_deps
	local missing
	mapfile -t missing < <(missing_packages)
	if [ "${#missing[@]}" -eq 0 ]; then
		say "deps: all ${#SUIVI_DEPS[@]} packages installed"
		return 0
	fi
	say "deps: installing ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
}

# Generate ./configure when it is missing or older than its inputs.
ensure_configure() {
	local f
	if [ -x "$SUIVI_ROOT/configure" ] && [ -f "$SUIVI_ROOT/Makefile.in" ]; then
		for f in "$SUIVI_ROOT/configure.ac" "$SUIVI_ROOT/Makefile.am"; do
			if [ "$f" -nt "$SUIVI_ROOT/configure" ]; then
				break
			fi
			f=
		done
		if [ -z "$f" ]; then
			return 0
		fi
	fi
	say "autoreconf: generating ./configure"
	(cd "$SUIVI_ROOT" && autoreconf -fi)
}

# Configure (once) and build in directory $1, out of the source tree; more arguments go to
# configure.
build_in() {
	local dir=$1
	shift
	ensure_configure
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		say "configure: $dir $*"
		(cd "$dir" && "$SUIVI_ROOT/configure" -q "$@") >&2
	fi
	say "make: $dir"
	make -C "$dir" -j"$(nproc)" >&2
}

# Wait up to $2 seconds for GET $1 to answer 200; fails early when process $3 is gone.
wait_http_ok() {
	local url=$1 seconds=$2 pid=${3:-} tries
	tries=$((seconds * 5))
	while [ "$tries" -gt 0 ]; do
		if curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null; then
			return 0
		fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.2
		tries=$((tries - 1))
	done
	return 1
}
