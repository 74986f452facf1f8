#!/usr/bin/env bash
# tests/bench/run.sh — `make bench`: suivid under wrk, side by side with pgbench running the
# very SQL suivid runs, on a throwaway PostgreSQL loaded with a million recommendations; then
# the batch jobs and the client's round trip. Prints a table and writes it to $BENCH_RESULTS.
#
# What is compared. For every request suivid runs one statement on its pool, the handler's:
# the token's identity comes from suivid's token cache (http/token-cache.c; the benchmark's
# one token is looked up once, auth.c's auth_token_lookup, then always found). The pgbench
# script of a scenario runs that statement, with the same parameters, in its own implicit
# transaction as suivid does, so "ratio" is what the HTTP layer, the pool and the JSON
# pass-through cost on top of the database work. pgbench's tps counts requests: the
# transition script does two transitions (to blocked and back) and counts twice. A pgbench
# run of the token lookup alone is reported too. The statements come from the daemon itself
# (bench-sql prints its statement tables and rec-list.c's composition), written for pgbench
# -M prepared ($n becomes a variable); a parameter suivid sends as NULL is written NULL.
#
# The machine's limit. Beside that comparison, each scenario is also measured against what
# the machine can do at all: the HTTP ceiling (http-ceiling, a minimal evhttp server answering
# a fixed body as large as suivid's average answer to that scenario, under the same wrk script
# and settings) and the SQL floor (pgbench running the smallest SQL that serves the request:
# one prepared statement returning the row or the page, or the one transaction a write must
# commit; its best of 16 and 64 clients). Composed, limit = 1 / (1/http + 1/sql): the req/s
# of a server whose only costs were those two; suivid ÷ limit says how close suivid comes.
#
# Environment (make bench sets the first seven): SUIVID, SUIVI, BENCH_SQL, HTTP_CEILING (binaries),
# SUIVI_MIGRATIONS_DIR, PG_BINDIR, BENCH_RESULTS (results file); optional: BENCH_DURATION
# (seconds per measurement, 10), BENCH_RECS (1000000), BENCH_POOL (suivid's pool, 16),
# BENCH_KEEP=1 (leave the temporary directory for inspection), BENCH_ONLY=batch (the reminder
# runs alone), reads or writes (those scenarios and their limits alone, printed in the log
# only: no results file) or serve (the dataset served until interrupted, the web view included),
# BENCH_TINY=1 (every part once, as briefly as it can run: no warm-ups, no repetitions, a
# dataset scaled to BENCH_RECS — make check's tests/bench/check-tiny.sh keeps the benchmark
# working with it; its figures measure nothing).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SUIVID:?set SUIVID to the suivid binary}" "${SUIVI:?set SUIVI to the suivi binary}"
: "${BENCH_SQL:?set BENCH_SQL to the bench-sql binary}"
: "${HTTP_CEILING:?set HTTP_CEILING to the http-ceiling binary}"
: "${SUIVI_MIGRATIONS_DIR:=$here/../../migrations}"
: "${PG_BINDIR:=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}"
: "${BENCH_RESULTS:=$here/results.md}"
duration=${BENCH_DURATION:-10}
recs=${BENCH_RECS:-1000000}
# One owner and half a meeting per 100 recommendations (10,000 and 5,000 at 1M): the skewed
# load of load.sql then gives owners with 50 overdue items at any size from 100,000.
owners=$((recs / 100))
meetings=$((recs / 200))
writes=20000 # the last ids, all in_progress, for the transition scenario
wrk_span=4096 # write ids a wrk run of the transition scenario owns
pool=${BENCH_POOL:-16} # suivid's default ([database] pool)
pgbench_warm=5
# Timed runs of each batch part (medians), rows of the CSV import and its meeting, runs of the
# client and of curl.
runs=3
import_rows=10000
import_meeting=m-00042
client_runs=50
curl_runs=20
tiny=${BENCH_TINY:-0}
if [ "$tiny" = 1 ]; then
	runs=1 import_rows=500 import_meeting=m-00001 client_runs=5 curl_runs=3
	# Few owners so that some still have the 50 overdue items the overdue scenario reads;
	# pgbench's pace is its whole run (no warm-up to leave out).
	owners=10
	meetings=20
	writes=$((recs / 2))
	wrk_span=$((writes / 8))
	pgbench_warm=0
fi
export SUIVI_MIGRATIONS_DIR
: "${SUIVI_SQL_DIR:=$here/../../sql}"
export SUIVI_SQL_DIR
# psql and pgbench call the SQL API by name, as suivid does (daemon/db/sqlapi.h).
export PGOPTIONS="-c search_path=suivi_api,public"

for tool in wrk curl "$PG_BINDIR/pgbench" "$PG_BINDIR/initdb" "$PG_BINDIR/psql"; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

started=$EPOCHREALTIME
dir=$(mktemp -d /tmp/suivi-bench.XXXXXX)
pg_pid=
suivid_pid=

log() { printf '[%5.0fs] %s\n' "$(elapsed)" "$*" >&2; }
elapsed() { awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# As root, PostgreSQL runs as the unprivileged postgres user (initdb and pg_ctl refuse root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	local rc=$?
	if [ -n "${ceiling_pid:-}" ]; then kill -TERM "$ceiling_pid" 2>/dev/null || true; fi
	if [ -n "$suivid_pid" ] && kill -0 "$suivid_pid" 2>/dev/null; then
		kill -TERM "$suivid_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$suivid_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$suivid_pid" 2>/dev/null || true
	fi
	if [ -n "$pg_pid" ] && [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$PG_BINDIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $dir" >&2
	else
		rm -rf "$dir"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port on 127.0.0.1 that nothing listens on (bounded tries).
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "bench: no free port found" >&2
	return 1
}

# --- PostgreSQL -------------------------------------------------------------------------------

start_postgres() {
	if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
	as_pg "$PG_BINDIR/initdb" -D "$dir/data" -A trust -N -E UTF8 --locale=C.UTF-8 -U suivi \
		>"$dir/initdb.log"
	pg_port=$((20000 + RANDOM % 40000)) # names the socket file only: no TCP listener
	# Tuned for the benchmark, honestly: durability as in production (fsync and
	# synchronous_commit on, every write waits for its WAL flush); no checkpoint during the
	# run; JIT off as in suivid's embedded PostgreSQL; wal_level minimal (no replica) so that
	# index builds skip the WAL. shared_buffers stays small (the 1.7 GB dataset is served from
	# the page cache): every new backend maps each shared buffer it touches page by page, and
	# with gigabytes of shared_buffers pgbench's fresh 64 backends take tens of seconds to
	# reach their pace while suivid's pool is long warm — the small setting is pgbench's best.
	cat >>"$dir/data/postgresql.conf" <<-EOF
		listen_addresses = ''
		unix_socket_directories = '$dir'
		port = $pg_port
		max_connections = 300
		shared_buffers = 256MB
		work_mem = 16MB
		maintenance_work_mem = 1GB
		wal_level = minimal
		max_wal_senders = 0
		max_wal_size = 16GB
		checkpoint_timeout = 1h
		jit = off
		synchronous_commit = on
		fsync = on
	EOF
	as_pg "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
	pg_pid=$(head -1 "$dir/data/postmaster.pid")
	"$PG_BINDIR/createdb" -h "$dir" -p "$pg_port" -U suivi suivi
}

psql_bench() {
	"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$pg_port" -U suivi -d suivi "$@"
}

load_dataset() {
	local vars=(-v "recs=$recs" -v "owners=$owners" -v "meetings=$meetings"
		-v "writes=$writes" -v "today=$today")
	psql_bench "${vars[@]}" -f "$here/sql/load.sql"
	log "recommendations loaded; history and indexes"
	# The two GIN indexes take as long as everything else: build them on the other core.
	psql_bench -f "$here/sql/gin.sql" &
	local gin=$!
	psql_bench "${vars[@]}" -f "$here/sql/history.sql"
	wait "$gin"
	psql_bench -f "$here/sql/finish.sql"
	"$PG_BINDIR/vacuumdb" -q -z -j 2 -h "$dir" -p "$pg_port" -U suivi -d suivi
	# Into the page cache, as on a server that has been running for a while.
	cat "$dir"/data/base/*/* >/dev/null 2>&1 || true
}

# --- suivid -----------------------------------------------------------------------------------

start_suivid() {
	http_port=$(free_port)
	# The scheduled jobs are set twelve hours away so that none runs during the benchmark.
	local hour
	hour=$(( (10#$(date -u +%H) + 12) % 24 ))
	mkdir -p "$dir/state"
	cat >"$dir/suivid.conf" <<-EOF
		[server]
		listen = 127.0.0.1:$http_port
		web_dir = $(cd "$here/../../web" && pwd)
		max_body = 16M
		request_timeout = 300
		max_connections = 1024
		[database]
		url = host=$dir port=$pg_port user=suivi dbname=suivi
		pool = $pool
		queue = 4096
		data_dir = $dir/state
		[schedule]
		timezone = UTC
		reminders = daily $(printf '%02d' "$hour"):00
		overdue_report = daily $(printf '%02d' "$hour"):30
		report_to = secretariat@example.org
		[hook]
		command = /bin/true
		[log]
		level = warn
	EOF
	"$SUIVID" -c "$dir/suivid.conf" migrate 2>>"$dir/suivid.log"
}

serve_suivid() {
	local ok=0 try
	# A port free_port found free may be taken before suivid binds it (a busy machine has
	# thousands of connections' local ports in that range): then another port, a few times.
	for try in 1 2 3 4 5; do
		"$SUIVID" -c "$dir/suivid.conf" serve 2>>"$dir/suivid.log" &
		suivid_pid=$!
		for _ in $(seq 100); do
			if curl -sf -o /dev/null "http://127.0.0.1:$http_port/v1/health"; then
				ok=1
				break
			fi
			kill -0 "$suivid_pid" 2>/dev/null || break
			sleep 0.1
		done
		[ "$ok" = 1 ] && break
		if kill -0 "$suivid_pid" 2>/dev/null ||
			! tail -3 "$dir/suivid.log" | grep -q 'Address already in use'; then
			break
		fi
		wait "$suivid_pid" 2>/dev/null || true
		http_port=$(free_port)
		sed -i "s/^listen = 127.0.0.1:.*/listen = 127.0.0.1:$http_port/" "$dir/suivid.conf"
		log "port taken, suivid tries $http_port (attempt $((try + 1)))"
	done
	if [ "$ok" != 1 ]; then
		echo "bench: suivid did not answer /v1/health; its log:" >&2
		tail -20 "$dir/suivid.log" >&2
		exit 1
	fi
}

rss_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$suivid_pid/status"; }
# Start a new peak: writing 5 to clear_refs resets VmHWM to the current RSS.
rss_reset() { echo 5 >"/proc/$suivid_pid/clear_refs"; }


# --- pgbench scripts --------------------------------------------------------------------------

pgb_defs=()
pgb_const=0

# pgb_sql SQL VALUE... — one statement for pgbench -M prepared, in pgb_out (not printed: the
# constants must reach pgb_defs, which a command substitution's subshell would lose): $n
# becomes :v for a value "@v" (a variable the script draws), NULL for "NULL" (suivid sends a
# NULL parameter there), else a constant variable defined with -D. Highest numbers first, so
# that $1 never eats the start of $12.
pgb_sql() {
	local sql=$1 i v name
	shift
	for ((i = $#; i >= 1; i--)); do
		v=${!i}
		case $v in
		@*) name=":${v#@}" ;;
		NULL) name=NULL ;;
		*)
			pgb_const=$((pgb_const + 1))
			name=":k$pgb_const"
			pgb_defs+=(-D "k$pgb_const=$v")
			;;
		esac
		sql=${sql//\$$i/$name}
	done
	pgb_out="$sql;"
}

# pgb_list KEY=VALUE... — the list statement rec-list.c composes for these query parameters,
# in pgb_out.
pgb_list() {
	local out sql
	out=$("$BENCH_SQL" list "$@")
	sql=$(head -1 <<<"$out")
	local -a values=()
	mapfile -t values < <(tail -n +2 <<<"$out" | cut -f2-)
	pgb_sql "$sql" "${values[@]}"
}

write_pgbench_scripts() {
	local auth stmt
	pgb_sql "$("$BENCH_SQL" stmt auth_token_lookup)" "$token_hash"
	auth=$pgb_out
	printf '%s\n' "$auth" >"$dir/auth.pgb"
	pgb_sql "$("$BENCH_SQL" stmt recs_get)" @id "$today"
	printf '%s\n' "\\set id random(1, $recs)" "$pgb_out" >"$dir/get.pgb"
	pgb_list "today=$today" overdue=true owner=@h limit=50
	printf '%s\n' "\\set h random(1, $owners_50)" "$pgb_out" >"$dir/overdue.pgb"
	pgb_list "today=$today" status=in_progress tag=climate limit=50 after=@c
	printf '%s\n' "\\set c random(1, $cursor_max)" "$pgb_out" >"$dir/page.pgb"
	# Each client owns its span of ids, so no two clients race on one; the script moves its
	# item to blocked and back (two requests).
	stmt=$("$BENCH_SQL" stmt recs_transition)
	local to_blocked to_progress
	pgb_sql "$stmt" bench @id blocked "Waiting for the budget line to be approved." NULL \
		"$today"
	to_blocked=$pgb_out
	pgb_sql "$stmt" bench @id in_progress NULL NULL "$today"
	to_progress=$pgb_out
	printf '%s\n' "\\set id $pgb_write_lo + :client_id * $pgb_span + random(0, $pgb_span - 1)" \
		"$to_blocked" "$to_progress" >"$dir/transition.pgb"
	pgb_sql "$("$BENCH_SQL" stmt recs_comment)" bench @id \
		"Discussed at the follow-up call; the report is expected next month." NULL "$today"
	printf '%s\n' "\\set id random(1, $comment_max)" "$pgb_out" >"$dir/comment.pgb"
}

# The smallest SQL that serves each scenario (the SQL floor of the limit): what a server with
# no overhead of its own would have to ask PostgreSQL, written by hand for pgbench -M prepared.
# Reads return the columns of the answer (the row; the page of 50); writes commit the one
# statement that must happen (the change and its history event; the comment event).
write_floor_scripts() {
	local cols="r.id, m.code, r.n, r.text, r.details, o.handle, r.status, r.priority,
		r.due_on, r.tags, r.version, r.created_at, r.updated_at, r.closed_at"
	local from="recommendations r JOIN meetings m ON m.id = r.meeting_id
		LEFT JOIN owners o ON o.id = r.owner_id"
	printf '%s\n' "\\set id random(1, $recs)" \
		"SELECT $cols FROM $from WHERE r.id = :id;" >"$dir/floor-get.pgb"
	printf '%s\n' "\\set h random(1, $owners_50)" \
		"SELECT $cols FROM $from WHERE o.handle = :h::text AND r.is_open
		AND r.due_on < '$today' ORDER BY r.due_on, r.id LIMIT 50;" >"$dir/floor-overdue.pgb"
	printf '%s\n' "\\set c random(1, $cursor_max)" \
		"SELECT $cols FROM $from WHERE r.status = 'in_progress' AND r.tags @> '{climate}'
		AND r.id > :c ORDER BY r.id LIMIT 50;" >"$dir/floor-page.pgb"
	local move="WITH u AS (UPDATE recommendations SET status = :'to', version = version + 1,
		updated_at = now() WHERE id = :id RETURNING id, version)
		INSERT INTO history (rec_id, version, actor, kind, before, after, comment)
		SELECT id, version, 'bench', 'transition', jsonb_build_object('status', :'from'),
		jsonb_build_object('status', :'to'), :comment FROM u;"
	printf '%s\n' "\\set id $pgb_write_lo + :client_id * $pgb_span + random(0, $pgb_span - 1)" \
		"$(sed "s/:'to'/'blocked'/g; s/:'from'/'in_progress'/;
			s/:comment/'Waiting for the budget line to be approved.'/" <<<"$move")" \
		"$(sed "s/:'to'/'in_progress'/g; s/:'from'/'blocked'/; s/:comment/NULL/" <<<"$move")" \
		>"$dir/floor-transition.pgb"
	printf '%s\n' "\\set id random(1, $comment_max)" \
		"INSERT INTO history (rec_id, version, actor, kind, comment) SELECT id, version,
		'bench', 'comment', 'Discussed at the follow-up call; the report is expected next
		month.' FROM recommendations WHERE id = :id;" >"$dir/floor-comment.pgb"
	# pgbench reads one statement per line: join each statement's lines.
	local f
	for f in "$dir"/floor-*.pgb; do
		awk '/^\\/ { if (acc != "") print acc; acc = ""; print; next }
			{ gsub(/^[ \t]+/, ""); acc = acc (acc == "" ? "" : " ") $0 }
			/;$/ { print acc; acc = "" } END { if (acc != "") print acc }' "$f" >"$f.tmp"
		mv "$f.tmp" "$f"
	done
}

# --- measurements -----------------------------------------------------------------------------

# wrk_run SCENARIO CONNECTIONS [SECONDS] — sets w_rps w_p50 w_p99 w_non2xx w_sockerr w_statuses
# (latencies in ms).
wrk_run() {
	local out line secs=${3:-$duration} cpu0 busy0
	# The server measured: suivid, or http-ceiling when run_limit sets wrk_port and wrk_pid.
	local port=${wrk_port:-$http_port} pid=${wrk_pid:-$suivid_pid}
	cpu0=$(cpu_ticks "$pid")
	busy0=$(machine_ticks)
	out=$(wrk -t 1 -c "$2" -d "${secs}s" --timeout 10s --latency \
		-s "$here/lua/$1.lua" "http://127.0.0.1:$port" 2>&1) || {
		echo "bench: wrk failed: $out" >&2
		exit 1
	}
	line=$(grep '^BENCH ' <<<"$out") || { echo "bench: wrk said: $out" >&2; exit 1; }
	w_rps=$(awk '{ split($2, r, "="); split($3, d, "="); printf "%.0f", r[2] / (d[2] / 1e6) }' \
		<<<"$line")
	w_p50=$(sed -E 's/.* p50_us=([0-9]+).*/\1/' <<<"$line" | awk '{ printf "%.1f", $1 / 1000 }')
	w_p99=$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$line" | awk '{ printf "%.1f", $1 / 1000 }')
	w_non2xx=$(sed -E 's/.* non2xx=([0-9]+).*/\1/' <<<"$line")
	w_sockerr=$(sed -E 's/.* socket_errors=([0-9]+).*/\1/' <<<"$line")
	w_statuses=$(sed -E 's/.* statuses=([^ ]+).*/\1/' <<<"$line")
	w_requests=$(sed -E 's/^BENCH requests=([0-9]+).*/\1/' <<<"$line")
	# Bytes per answer, headers included.
	w_bytes=$(sed -E 's/.* bytes=([0-9]+).*/\1/' <<<"$line" |
		awk -v n="$w_requests" '{ printf "%.0f", (n > 0 ? $1 / n : 0) }')
	# suivid's own CPU per request (µs) and how busy the whole machine was (%).
	w_cpu_us=$(awk -v a="$cpu0" -v b="$(cpu_ticks "$pid")" -v n="$w_requests" \
		-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / n }')
	w_busy=$(busy_pct "$busy0" "$(machine_ticks)")
}

# CPU time of a process in clock ticks (user + system).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Busy and total ticks of the machine, "busy total".
machine_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' \
		/proc/stat
}
busy_pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
		printf "%.0f", (y[2] > x[2] ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0) }'
}

# Wait (bounded) until suivid's connections run nothing: a request wrk gave up on at the end
# of its run may still be in the database.
wait_quiet() {
	local n
	for _ in $(seq 100); do
		n=$(psql_bench -Atc "SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND pid <> pg_backend_pid()
			  AND backend_type = 'client backend'")
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
}

# pgbench_run SCRIPT CLIENTS [MODE] — sets p_tps (transactions per second) and p_failed. Every
# pgbench run opens fresh backends, which take a few seconds to warm up (catalog caches,
# shared memory mappings) where suivid's pool connections are long warm: the run lasts
# pgbench_warm seconds longer and p_tps is the mean of the per-second progress reports after
# them. MODE: prepared (default) or extended (unnamed statements, planned on every execution,
# as suivid sends the list statement).
pgbench_run() {
	local out rc=0 length=(-T $((duration + pgbench_warm)))
	# BENCH_TINY: a few transactions a client, not seconds.
	if [ "$tiny" = 1 ]; then length=(-t 5); fi
	out=$("$PG_BINDIR/pgbench" -n -M "${3:-prepared}" -c "$2" -j 1 -P 1 \
		"${length[@]}" -f "$dir/$1.pgb" "${pgb_defs[@]}" \
		-h "$dir" -p "$pg_port" -U suivi suivi 2>&1) || rc=$?
	if [ "$tiny" = 1 ]; then
		# A few transactions: their pace from the summary (without the connections' opening;
		# a progress report may cover only the opening and say 0).
		p_tps=$(awk '$1 == "tps" && $2 == "=" { printf "%.1f", $3; exit }' <<<"$out")
	else
		p_tps=$(awk -v w="$pgbench_warm" '$1 == "progress:" && $2 + 0 > w + 0.5 {
			n++; t += $4 } END { if (n) printf "%.1f", t / n }' <<<"$out")
	fi
	p_failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$out")
	if [ "$rc" -ne 0 ] || [ -z "$p_tps" ]; then
		echo "bench: pgbench $1 failed (exit $rc):" >&2
		grep -v '^progress' <<<"$out" | tail -15 >&2
		exit 1
	fi
	: "${p_failed:=0}"
}

# Each wrk run of the transition scenario takes its own span of the write items (all still
# in_progress): a request wrk gave up on at the end of a run may be answered after it, and
# must not find its item moved under the next run.
wrk_slot() {
	[ "$1" = transition ] || return 0
	export BENCH_WRITE_LO=$((recs - writes + 1 + wrk_slots * wrk_span))
	wrk_slots=$((wrk_slots + 1))
}

# Move every benchmark write item left blocked back to in_progress, through the API's own
# function, so that each pgbench transition run starts from known states.
reset_write_items() {
	wait_quiet
	psql_bench -c "SELECT count(suivi_rec_transition('bench-reset', id::text, 'in_progress',
		NULL, NULL, '$today'::date)) FROM recommendations
		WHERE id > $recs - $writes AND status = 'blocked'" >/dev/null
}

declare -A res
scenarios=(get overdue page transition comment)
declare -A title=(
	[get]="GET one recommendation"
	[overdue]="GET overdue list of one owner (50)"
	[page]="GET filtered page after a cursor"
	[transition]="POST transition"
	[comment]="POST comment"
)
declare -A per_request=([get]=1 [overdue]=1 [page]=1 [transition]=2 [comment]=1)

# pgbench mode per scenario: suivid sends the list statement unnamed (planned with its values
# on every request, as migration 0002 asks), the others as prepared statements.
declare -A mode=([get]=prepared [overdue]=extended [page]=extended [transition]=prepared
	[comment]=prepared)

# One scenario, alternating suivid and pgbench (ABBA: wrk 16, pgbench 16, pgbench 64, wrk 64)
# so that a drift of the machine weighs on both sides alike. For the lists, one more pgbench
# run at 16 with -M prepared shows what a cached plan would give.
run_scenario() {
	local s=$1
	wrk_slot "$s"
	if [ "$tiny" != 1 ]; then wrk_run "$s" 16 2; fi # warm-up, not measured
	wrk_slot "$s"
	wrk_run "$s" 16
	save_wrk "$s" 16
	if [ "$s" = transition ]; then reset_write_items; fi
	pgbench_run "$s" 16 "${mode[$s]}"
	save_pgbench "$s" 16
	if [ "$s" = transition ]; then reset_write_items; fi
	pgbench_run "$s" 64 "${mode[$s]}"
	save_pgbench "$s" 64
	wrk_slot "$s"
	wrk_run "$s" 64
	save_wrk "$s" 64
	wait_quiet
	if [ "${mode[$s]}" = extended ] && [ "$tiny" != 1 ]; then
		pgbench_run "$s" 16 prepared
		res[$s,prepared]=$(printf '%.0f' "$p_tps")
	fi
	log "$s: suivid ${res[$s,16,rps]} / ${res[$s,64,rps]} req/s," \
		"pgbench ${res[$s,16,tps]} / ${res[$s,64,tps]} req/s," \
		"p99 ${res[$s,16,p99]} / ${res[$s,64,p99]} ms, non-2xx" \
		"$((res[$s,16,non2xx] + res[$s,64,non2xx]))"
}

# The limit of scenario s: the HTTP ceiling at 16 and 64 connections (the scenario's wrk script
# against http-ceiling, its body sized so that whole answers weigh what suivid's weighed at 16
# connections) and the SQL floor (pgbench on the smallest SQL, the best of 16 and 64 clients;
# BENCH_TINY: 16 only).
run_limit() {
	local s=$1 hdr c t16 t64
	start_ceiling 0
	hdr=$(curl -s -o /dev/null -w '%{size_header}' "http://127.0.0.1:$ceiling_port/")
	stop_ceiling
	start_ceiling $((res[$s,16,bytes] > hdr ? res[$s,16,bytes] - hdr : 0))
	wrk_port=$ceiling_port wrk_pid=$ceiling_pid
	if [ "$tiny" != 1 ]; then wrk_run "$s" 16 2; fi # warm-up, not measured
	for c in 16 64; do
		wrk_run "$s" "$c"
		res[$s,$c,http]=$w_rps
		res[$s,$c,http_cpu]=$w_cpu_us
	done
	unset wrk_port wrk_pid
	stop_ceiling
	if [ "$s" = transition ]; then reset_write_items; fi
	pgbench_run "floor-$s" 16 prepared
	t16=$p_tps
	t64=0
	if [ "$tiny" != 1 ]; then
		if [ "$s" = transition ]; then reset_write_items; fi
		pgbench_run "floor-$s" 64 prepared
		t64=$p_tps
	fi
	if [ "$s" = transition ]; then reset_write_items; fi
	res[$s,sql]=$(awk -v a="$t16" -v b="$t64" -v k="${per_request[$s]}" \
		'BEGIN { printf "%.0f", (a > b ? a : b) * k }')
	for c in 16 64; do
		res[$s,$c,limit]=$(awk -v h="${res[$s,$c,http]}" -v q="${res[$s,sql]}" \
			'BEGIN { printf "%.0f", (h > 0 && q > 0 ? 1 / (1 / h + 1 / q) : 0) }')
	done
	log "$s: HTTP ceiling ${res[$s,16,http]} / ${res[$s,64,http]} req/s" \
		"(${res[$s,16,bytes]} bytes an answer), SQL floor ${res[$s,sql]} req/s, limit" \
		"${res[$s,16,limit]} / ${res[$s,64,limit]}, suivid ÷ limit" \
		"$(ratio "${res[$s,16,rps]}" "${res[$s,16,limit]}") /" \
		"$(ratio "${res[$s,64,rps]}" "${res[$s,64,limit]}")"
}

ceiling_pid=
# start_ceiling BODY-BYTES — http-ceiling on a port of the kernel's choice: ceiling_port.
start_ceiling() {
	: >"$dir/ceiling.port"
	"$HTTP_CEILING" 0 "$1" >"$dir/ceiling.port" 2>>"$dir/ceiling.log" &
	ceiling_pid=$!
	for _ in $(seq 100); do
		ceiling_port=$(awk '$1 == "port" { print $2 }' "$dir/ceiling.port")
		if [ -n "$ceiling_port" ] &&
			curl -sf -o /dev/null "http://127.0.0.1:$ceiling_port/"; then
			return 0
		fi
		kill -0 "$ceiling_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench: http-ceiling did not answer; its log:" >&2
	tail -5 "$dir/ceiling.log" >&2
	exit 1
}
stop_ceiling() {
	kill -TERM "$ceiling_pid" 2>/dev/null || true
	wait "$ceiling_pid" 2>/dev/null || true
	ceiling_pid=
}

save_wrk() {
	res[$1,$2,bytes]=$w_bytes
	res[$1,$2,rps]=$w_rps
	res[$1,$2,p50]=$w_p50
	res[$1,$2,p99]=$w_p99
	res[$1,$2,non2xx]=$((w_non2xx + w_sockerr))
	res[$1,$2,requests]=$w_requests
	res[$1,$2,statuses]=$w_statuses
	res[$1,$2,cpu]=$w_cpu_us
	res[$1,$2,busy]=$w_busy
}

save_pgbench() {
	res[$1,$2,tps]=$(awk -v t="$p_tps" -v k="${per_request[$1]}" 'BEGIN { printf "%.0f", t * k }')
	res[$1,$2,failed]=$p_failed
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# --- batch work -------------------------------------------------------------------------------

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# curl_time METHOD PATH BODY-FILE CONTENT-TYPE EXPECTED-STATUS — seconds, or fail.
curl_time() {
	local out code secs
	out=$(curl -s -o "$dir/answer" -w '%{http_code} %{time_total}' --max-time 120 -X "$1" \
		-H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: $4" \
		--data-binary "@$3" "http://127.0.0.1:$http_port$2")
	code=${out% *}
	secs=${out#* }
	if [ "$code" != "$5" ]; then
		echo "bench: $1 $2 answered $code, not $5:" >&2
		head -c 600 "$dir/answer" >&2
		echo >&2
		exit 1
	fi
	echo "$secs"
}

# sql_secs NAME VALUE... — seconds PostgreSQL takes to execute the daemon's statement NAME with
# these parameters (EXPLAIN ANALYZE: the result is built, including its text, but not sent).
sql_secs() {
	local name=$1
	shift
	sql_secs_of "$("$BENCH_SQL" stmt "$name")" "$@"
}

# sql_secs_of SQL VALUE... — the same for a statement given as SQL.
sql_secs_of() {
	local sql=$1 args="" v
	shift
	for v in "$@"; do args+="${args:+, }'$v'"; done
	psql_bench -c "PREPARE q AS $sql" \
		-c "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) EXECUTE q($args)" |
		awk '/Execution Time:/ { printf "%.2f", $3 / 1000 }'
}

# perf_works — whether perf can sample here (software clock; no hardware counters needed).
perf_works() {
	command -v perf >/dev/null && perf record -q -e cpu-clock -o "$dir/perf.probe" true \
		>/dev/null 2>&1
}

run_batch() {
	local t i
	# Reminder digests and overdue report, decided without writing (dry run), three times;
	# the third under perf when it works here.
	printf '{"dry_run":true}' >"$dir/remind.json"
	for i in $(seq "$runs"); do
		local perf_pid=
		if [ "$i" = 3 ] && perf_works; then
			perf record -q -e cpu-clock -F 99 --call-graph dwarf,8192 -p "$suivid_pid" \
				-o "$dir/perf.data" >/dev/null 2>&1 &
			perf_pid=$!
		fi
		t=$(curl_time POST /v1/reminders/run "$dir/remind.json" application/json 200)
		echo "$t" >>"$dir/remind.times"
		if [ -n "$perf_pid" ]; then
			kill -INT "$perf_pid"
			wait "$perf_pid" || true
		fi
	done
	batch_remind=$(median <"$dir/remind.times")
	hwm_dry=$(rss_kib VmHWM)
	# The candidates are read through a cursor (remind.c): their query, whole.
	local cands='SELECT * FROM suivi_remind_candidates($1::date, $2::integer, $3::boolean, NULL)'
	sql_candidates=$(sql_secs_of "$cands" "$today" 14 false)
	sql_report=$(sql_secs remind_report "$today" UTC 20 3 50)
	remind_profile=
	if [ -f "$dir/perf.data" ]; then
		# Functions by share of suivid's samples, callees included (top of the tree).
		# (awk stops itself: a head would kill perf with SIGPIPE, and pipefail the script.)
		local skip='^(0x|_start$|__libc_|main$|cmd_serve$|event_base_loop$)'
		remind_profile=$(perf report -i "$dir/perf.data" --children --sort symbol -g none \
			--stdio 2>/dev/null | awk -v skip="$skip" '
				$1 ~ /%$/ && $4 != "" && $4 !~ skip && n++ < 20 {
					printf "%7s %s\n", $1, $4 }')
	fi
	batch_remind_what=$(grep -o '"kind": *"[a-z_]*"' "$dir/answer" | sort | uniq -c |
		awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $NF }' | tr -d '"')
	log "reminders dry run: ${batch_remind}s (${batch_remind_what:-nothing decided})"

	# The steady state of a deployment: the dry runs above decide against an empty reminder
	# ledger (every overdue item is due its first overdue reminder). One real run writes the
	# digests and the ledger; once the outbox has delivered them (/bin/true), the next day's
	# dry run decides against the ledger, three times.
	printf '{"dry_run":false}' >"$dir/remind-real.json"
	rss_reset
	batch_remind_real=$(curl_time POST /v1/reminders/run "$dir/remind-real.json" \
		application/json 200)
	local tomorrow
	tomorrow=$(date -u -d "$today + 1 day" +%F)
	for i in $(seq 600); do
		[ "$(psql_bench -Atc "SELECT count(*) FROM notifications
			WHERE state IN ('pending', 'sending')")" = 0 ] && break
		sleep 0.2
	done
	ledger_rows=$(psql_bench -Atc "SELECT count(*) FROM reminder_ledger")
	hwm_real=$(rss_kib VmHWM)
	rss_reset
	printf '{"dry_run":true,"as_of":"%s"}' "$tomorrow" >"$dir/remind-next.json"
	for i in $(seq "$runs"); do
		t=$(curl_time POST /v1/reminders/run "$dir/remind-next.json" application/json 200)
		echo "$t" >>"$dir/remind-next.times"
	done
	batch_remind_next=$(median <"$dir/remind-next.times")
	batch_remind_next_what=$(grep -o '"kind": *"[a-z_]*"' "$dir/answer" | sort | uniq -c |
		awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $NF }' | tr -d '"')
	log "reminders: real run ${batch_remind_real}s (ledger $ledger_rows rows), next day's" \
		"dry run ${batch_remind_next}s (${batch_remind_next_what:-nothing decided})"
	hwm_next=$(rss_kib VmHWM)
	# Peak RSS of each part, and of the whole (the largest: VmHWM was reset between parts).
	batch_hwm=$(printf '%s\n' "$hwm_dry" "$hwm_real" "$hwm_next" | sort -n | tail -1)
	log "suivid VmHWM: dry runs $(mib "$hwm_dry") MiB, real run $(mib "$hwm_real") MiB," \
		"next day's dry runs $(mib "$hwm_next") MiB"
	if [ "${BENCH_ONLY:-}" = batch ]; then
		return
	fi

	# Import of 10,000 recommendations as CSV into an existing meeting, three times (tiny:
	# the figures above).
	awk -v today="$today" -v owners="$owners" -v rows="$import_rows" 'BEGIN {
		print "text,owner,due_on,priority,tags"
		split("climate;finance|gender|health;data|urgent||training", tags, "|")
		for (i = 1; i <= rows; i++)
			printf "\"Imported recommendation %d: strengthen the national reporting on " \
				"item %d, with a progress review before the next session.\"," \
				"%d,%s,%s,%s\n", i, i % 97, 1 + (i * 37) % owners, today,
				(i % 3 ? "normal" : "high"), tags[1 + i % 6]
	}' >"$dir/import.csv"
	for i in $(seq "$runs"); do
		t=$(curl_time POST "/v1/meetings/$import_meeting/import" "$dir/import.csv" text/csv 201)
		echo "$t" >>"$dir/import.times"
	done
	batch_import=$(median <"$dir/import.times")
	log "import of $import_rows: ${batch_import}s"

	# The client: process start to exit, median of 50 runs; beside it the same list fetched by
	# curl (the server's part) and the client's start alone (--version).
	local h=$owners_50 t0 t1
	SUIVI_URL="http://127.0.0.1:$http_port" SUIVI_TOKEN=$BENCH_TOKEN \
		"$SUIVI" list --overdue --owner "$h" >"$dir/client.out"
	for i in $(seq "$client_runs"); do
		t0=$EPOCHREALTIME
		SUIVI_URL="http://127.0.0.1:$http_port" SUIVI_TOKEN=$BENCH_TOKEN \
			"$SUIVI" list --overdue --owner "$h" >/dev/null
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) * 1000 }' \
			>>"$dir/client.times"
	done
	batch_client=$(median <"$dir/client.times")
	for i in $(seq "$curl_runs"); do
		curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $BENCH_TOKEN" \
			"http://127.0.0.1:$http_port/v1/recommendations?overdue=true&owner=$h&limit=200" |
			awk '{ printf "%.4f\n", $1 * 1000 }' >>"$dir/curl.times"
		t0=$EPOCHREALTIME
		"$SUIVI" --version >/dev/null
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) * 1000 }' \
			>>"$dir/version.times"
	done
	batch_curl=$(median <"$dir/curl.times")
	batch_version=$(median <"$dir/version.times")
	batch_client_items=$(($(wc -l <"$dir/client.out") - 1))
	log "suivi list --overdue --owner $h: ${batch_client} ms (median of $client_runs)"
}

# --- report -----------------------------------------------------------------------------------

# verdict SCENARIO — the targets of issue 12: reads ≥ 0.8 × their limit (suivid ÷ limit) at 16
# and 64 connections, with p99 < 5 ms at 64 for one recommendation and < 20 ms at 16 for the
# filtered page; writes ≥ 0.9 × pgbench running the same SQL, with p99 < 30 ms at 64; no
# non-2xx answer anywhere.
verdict() {
	local s=$1 why=() of=tps name=ratio min=0.8 c r p99_at='' p99_max=''
	case $s in
	transition | comment) min=0.9 p99_at=64 p99_max=30 ;;
	*) of=limit name="÷ limit" ;;
	esac
	case $s in
	get) p99_at=64 p99_max=5 ;;
	page) p99_at=16 p99_max=20 ;;
	esac
	for c in 16 64; do
		r=$(ratio "${res[$s,$c,rps]}" "${res[$s,$c,$of]}")
		ge "$r" "$min" || why+=("$name@$c $r < $min")
	done
	if [ -n "$p99_at" ]; then
		lt "${res[$s,$p99_at,p99]}" "$p99_max" ||
			why+=("p99@$p99_at ${res[$s,$p99_at,p99]} ms ≥ $p99_max")
	fi
	[ $((res[$s,16,non2xx] + res[$s,64,non2xx])) -eq 0 ] || why+=("non-2xx answers")
	if [ ${#why[@]} -eq 0 ]; then
		echo "yes"
	else
		local IFS=';'
		echo "no: ${why[*]}"
	fi
}

yesno() { if "$@"; then echo yes; else echo no; fi; }

report() {
	local s model mem
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "# suivi benchmark"
	echo
	echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') by \`make bench\` (tests/bench/run.sh)," \
		"$(elapsed) s end to end. Machine: $(nproc) CPUs ($model), $mem RAM."
	echo "PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{ print $3 }') on a Unix socket" \
		"(shared_buffers 256MB, data in the page cache, fsync and synchronous_commit on, JIT" \
		"off); suivid pool $pool; wrk and pgbench on the same machine, one thread each," \
		"${duration} s per measurement."
	echo "Dataset: $recs recommendations ($overdue_count overdue), $owners owners," \
		"$meetings meetings, $history_count history rows; built and analysed in ${load_secs} s."
	echo
	echo "pgbench runs, per request, the statement suivid runs (the handler's, from the" \
		"daemon's own statement tables; the token comes from suivid's cache) with as many" \
		"connections as wrk: -M prepared, except -M extended for the two lists, which suivid" \
		"sends unnamed and so has planned on every request; ratio = suivid req/s ÷ pgbench" \
		"req/s. pgbench's figure is its pace after ${pgbench_warm} s of warm-up (fresh" \
		"backends); suivid's pool is warm (a 2 s wrk run precedes each scenario). The token" \
		"lookup alone: pgbench ${auth_tps[16]} / ${auth_tps[64]} tps at 16 / 64 connections." \
		"With -M prepared (a cached plan) at 16 connections the lists would reach" \
		"${res[overdue,prepared]:-—} (overdue) and ${res[page,prepared]:-—} (page) req/s in" \
		"pgbench."
	echo
	echo "| scenario | suivid req/s @16 / @64 | pgbench req/s @16 / @64 | ratio @16 / @64" \
		"| p50 ms @16 / @64 | p99 ms @16 | p99 ms @64 | non-2xx | target met? |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for s in "${scenarios[@]}"; do
		echo "| ${title[$s]} | ${res[$s,16,rps]} / ${res[$s,64,rps]}" \
			"| ${res[$s,16,tps]} / ${res[$s,64,tps]}" \
			"| $(ratio "${res[$s,16,rps]}" "${res[$s,16,tps]}") /" \
			"$(ratio "${res[$s,64,rps]}" "${res[$s,64,tps]}")" \
			"| ${res[$s,16,p50]} / ${res[$s,64,p50]} | ${res[$s,16,p99]}" \
			"| ${res[$s,64,p99]} | $((res[$s,16,non2xx] + res[$s,64,non2xx]))" \
			"| $(verdict "$s") |"
	done
	echo
	echo "Targets (issue 12): reads ≥ 0.8 × their limit (the table below) at 16 and 64" \
		"connections, p99 < 5 ms at 64 for one recommendation and < 20 ms at 16 for the" \
		"filtered page; writes ≥ 0.9 × pgbench on the same SQL, p99 < 30 ms at 64; no non-2xx" \
		"answer."
	echo
	echo "How close to the machine's limit: the HTTP ceiling (http-ceiling, a minimal evhttp" \
		"server answering a fixed body, under the scenario's wrk script; answers as large as" \
		"suivid's), the SQL floor (pgbench on the smallest SQL that serves the request, best" \
		"of 16 and 64 clients), limit = 1 / (1/http + 1/sql), and suivid ÷ limit; beside it" \
		"the ratio above (suivid ÷ pgbench running suivid's own SQL)."
	echo
	echo "| scenario | bytes an answer | HTTP ceiling req/s @16 / @64 | SQL floor req/s" \
		"| limit req/s @16 / @64 | suivid req/s @16 / @64 | suivid ÷ limit @16 / @64" \
		"| suivid ÷ pgbench (its SQL) @16 / @64 |"
	echo "|---|---|---|---|---|---|---|---|"
	for s in "${scenarios[@]}"; do
		echo "| ${title[$s]} | ${res[$s,16,bytes]}" \
			"| ${res[$s,16,http]} / ${res[$s,64,http]} | ${res[$s,sql]}" \
			"| ${res[$s,16,limit]} / ${res[$s,64,limit]}" \
			"| ${res[$s,16,rps]} / ${res[$s,64,rps]}" \
			"| $(ratio "${res[$s,16,rps]}" "${res[$s,16,limit]}") /" \
			"$(ratio "${res[$s,64,rps]}" "${res[$s,64,limit]}")" \
			"| $(ratio "${res[$s,16,rps]}" "${res[$s,16,tps]}") /" \
			"$(ratio "${res[$s,64,rps]}" "${res[$s,64,tps]}") |"
	done
	echo
	echo "Writes by answer status (wrk @16 + @64): transition" \
		"${res[transition,16,statuses]} + ${res[transition,64,statuses]}; comment" \
		"${res[comment,16,statuses]} + ${res[comment,64,statuses]}." \
		"pgbench failed transactions: $((res[transition,16,failed] + res[transition,64,failed]))" \
		"(transition), $((res[comment,16,failed] + res[comment,64,failed])) (comment)."
	echo
	echo "| figure | measured | target | met? |"
	echo "|---|---|---|---|"
	echo "| suivid peak RSS (VmHWM) under wrk -c256, overdue lists | $(mib "$rss_256") MiB" \
		"| < 32 MiB | $(yesno lt "$(mib "$rss_256")" 32) |"
	echo "| suivid peak RSS over the scenarios above | $(mib "$rss_scenarios") MiB | — | — |"
	echo "| suivid peak RSS during the batch work below | $(mib "$rss_batch") MiB | — | — |"
	echo "| reminders + overdue report, dry run, $recs items (median of $runs)" \
		"| ${batch_remind} s | < 10 s | $(yesno lt "$batch_remind" 10) |"
	echo "| import of $import_rows recommendations, one CSV request (median of $runs)" \
		"| ${batch_import} s | < 2 s | $(yesno lt "$batch_import" 2) |"
	echo "| \`suivi list --overdue --owner $owners_50\` ($batch_client_items items)," \
		"process start to exit (median of $client_runs) | ${batch_client} ms | < 10 ms" \
		"| $(yesno lt "$batch_client" 10) |"
	echo
	echo "After one real run (the digests and ${ledger_rows} rows of the reminder ledger" \
		"written in ${batch_remind_real} s), the next day's dry run takes" \
		"${batch_remind_next} s (median of $runs) and decides: ${batch_remind_next_what:-nothing}."
	echo
	echo "The dry run decided: ${batch_remind_what:-nothing}. Of its time, PostgreSQL" \
		"spends ${sql_candidates} s on the reminder candidates and ${sql_report} s building" \
		"the overdue report and its changes (remind_candidates, remind_report, run alone);" \
		"the rest is suivid. The client's list: the same list through curl takes" \
		"${batch_curl} ms, \`suivi --version\` ${batch_version} ms (medians of $curl_runs)."
	echo
	echo "Where the time goes, per scenario: suivid's own CPU per request and how busy the" \
		"two CPUs were during the wrk runs (the rest is PostgreSQL and wrk)."
	echo
	echo "| scenario | suivid CPU µs/request @16 / @64 | machine busy % @16 / @64 |"
	echo "|---|---|---|"
	for s in "${scenarios[@]}"; do
		echo "| ${title[$s]} | ${res[$s,16,cpu]} / ${res[$s,64,cpu]}" \
			"| ${res[$s,16,busy]} / ${res[$s,64,busy]} |"
	done
	if [ -n "$remind_profile" ]; then
		echo
		echo "suivid during one reminders dry run (perf, cpu-clock at 99 Hz, share of samples" \
			"in each function and its callees):"
		echo
		echo '```'
		echo "$remind_profile"
		echo '```'
	fi
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

main() {
	today=$(date -u +%F)
	log "PostgreSQL and suivid in $dir"
	start_postgres
	start_suivid
	log "loading $recs recommendations"
	local t0=$EPOCHREALTIME
	load_dataset
	load_secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
	log "dataset ready in ${load_secs}s"

	BENCH_TOKEN=$("$SUIVID" -c "$dir/suivid.conf" token create bench --role secretariat \
		2>>"$dir/suivid.log" | tail -1)
	token_hash=$(printf '%s' "$BENCH_TOKEN" | sha256sum | cut -d' ' -f1)
	overdue_count=$(psql_bench -Atc "SELECT count(*) FROM recommendations
		WHERE is_open AND due_on < '$today'")
	history_count=$(psql_bench -Atc "SELECT count(*) FROM history")
	# Owners 1..owners_50 all have 50 or more overdue items (handles are numbers).
	owners_50=$(psql_bench -Atc "SELECT min(o.id) - 1 FROM owners o
		LEFT JOIN (SELECT owner_id, count(*) AS n FROM recommendations
			   WHERE is_open AND due_on < '$today' GROUP BY owner_id) c
		ON c.owner_id = o.id WHERE coalesce(c.n, 0) < 50")
	if [ "${owners_50:-0}" -lt 1 ]; then
		echo "bench: no owner has 50 overdue items" >&2
		exit 1
	fi
	cursor_max=$((recs * 9 / 10))
	comment_max=$((recs - writes))
	# Write items: three spans for wrk's transition runs (warm-up, 16, 64), the rest split
	# between pgbench's 64 clients.
	wrk_slots=0
	pgb_write_lo=$((recs - writes + 3 * wrk_span + 1))
	pgb_span=$(((writes - 3 * wrk_span) / 64))
	export BENCH_TOKEN BENCH_LUA="$here/lua" BENCH_RECS=$recs BENCH_OWNERS_50=$owners_50 \
		BENCH_CURSOR_MAX=$cursor_max BENCH_COMMENT_MAX=$comment_max \
		BENCH_SPAN=$wrk_span
	write_pgbench_scripts
	write_floor_scripts

	serve_suivid
	# BENCH_ONLY=serve: the dataset served until interrupted, for measurements by hand (the web
	# view's dashboard at 1M: tests/browser/perf.py with PERF_URL and PERF_TOKEN).
	if [ "${BENCH_ONLY:-}" = serve ]; then
		printf 'PERF_URL=http://127.0.0.1:%s\nPERF_TOKEN=%s\n' "$http_port" "$BENCH_TOKEN" \
			>"$dir/serve.env"
		log "serving on http://127.0.0.1:$http_port (web view at /); token and URL in" \
			"$dir/serve.env; interrupt to stop"
		wait "$suivid_pid" || true
		return
	fi
	# BENCH_ONLY=batch: the reminder runs alone (dataset, then run_batch's first part).
	if [ "${BENCH_ONLY:-}" = batch ]; then
		rss_reset
		run_batch
		log "batch only: suivid VmHWM $(mib "$batch_hwm") MiB"
		return
	fi
	log "suivid on 127.0.0.1:$http_port (pool $pool); scenarios, ${duration}s per run"
	local s
	# BENCH_ONLY=reads or writes: those scenarios alone, to measure one path quickly.
	local only=
	case ${BENCH_ONLY:-} in
	reads) only="get overdue page" ;;
	writes) only="transition comment" ;;
	esac
	if [ -n "$only" ]; then
		for s in $only; do
			run_scenario "$s"
			run_limit "$s"
		done
		return
	fi
	# Warm suivid's pool backends (catalog caches, shared memory) on the reads first.
	if [ "$tiny" != 1 ]; then
		for s in get overdue page; do wrk_run "$s" 16 5; done
	fi
	for s in "${scenarios[@]}"; do
		run_scenario "$s"
		run_limit "$s"
	done
	declare -gA auth_tps
	pgbench_run auth 16
	auth_tps[16]=$(printf '%.0f' "$p_tps")
	auth_tps[64]=—
	if [ "$tiny" != 1 ]; then
		pgbench_run auth 64
		auth_tps[64]=$(printf '%.0f' "$p_tps")
	fi
	rss_scenarios=$(rss_kib VmHWM)

	rss_reset
	wrk_run overdue 256
	rss_256=$(rss_kib VmHWM)
	log "wrk -c256 overdue: $w_rps req/s, p99 $w_p99 ms, non-2xx $w_non2xx;" \
		"VmHWM $(mib "$rss_256") MiB"

	rss_reset
	run_batch
	rss_batch=$(printf '%s\n' "$batch_hwm" "$(rss_kib VmHWM)" | sort -n | tail -1)

	report >"$dir/results.md"
	cat "$dir/results.md"
	cp "$dir/results.md" "$BENCH_RESULTS"
	log "written to $BENCH_RESULTS"
}

main "$@"
