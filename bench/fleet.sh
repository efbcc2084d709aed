#!/bin/sh
# SQLite with one `veche serve` against PostgreSQL with three (issue 16;
# docs/performance.md, "SQLite with one process and PostgreSQL with
# three"): the same Open311 reads (bench/bbox.lua, bench/updated.lua) and
# durable writes (bench/post.lua) at 1,000,000 reports, side by side in one
# run, beside nginx serving one bbox answer as a static file and raw SQLite
# doing the same inserts (bench/writes_ref.py).
#
#   BENCH_DB=/work/bench/pgfleet/r1m.db bench/fleet.sh
#
# BENCH_DB is WRITTEN TO (deadline notices, API keys, new reports): a copy
# (cp /work/bench/r1m.db there first), never the shared database.  Before
# the clock runs:
#   - its first deadline scan (`veche deadlines scan`, once; BENCH_DB.scanned
#     marks it), so no scan runs beside the loads on either side;
#   - a throw-away PostgreSQL (scripts/pg.sh start BENCH_OUT/pg) and
#     `veche migrate --from BENCH_DB --to URL` into it, with pg.sh's
#     fsync=off; then the server is restarted for the bench with fsync and
#     synchronous_commit on and BENCH_PG_OPTS (shared_buffers 2GB ...).
#     BENCH_KEEP_PG=1 keeps it (and the copy) for the next run.
# Each workload: a warm-up of BENCH_WARMUP (5s), then BENCH_DURATION (15s)
# of wrk -t1 with BENCH_CONNS (30) connections against the one SQLite
# process, and three wrk -t1 at once with BENCH_CONNS/3 each against the
# three PostgreSQL processes (rates summed, the worst p50 and p99); every
# server with --threads BENCH_THREADS (8) and --no-cache.  For each run:
# the load average, and the CPU time (utime + stime, /proc) per request of
# veche's processes and of PostgreSQL's (the postmaster and its children,
# live and exited); PostgreSQL's costliest statements of each run
# (pg_stat_statements) in BENCH_OUT/NAME-pg.statements.  Then `veche audit
# verify` on both.  Prints a Markdown table, kept in BENCH_OUT/results.md.
#
# VECHE_BEFORE=path/to/older/veche adds a row "post before": the same
# PostgreSQL POST run by three processes of that binary, first (its schema
# must be the database's: migrate with it, and it runs before VECHE's
# processes add their migrations), then the rest with VECHE as usual.
set -eu
cd "$(dirname "$0")/.."

DB=${BENCH_DB:?BENCH_DB: a copy of a 1,000,000-report database (it is written to)}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-5s}
CONNS=${BENCH_CONNS:-30}
THREADS=${BENCH_THREADS:-8}
VPORT=${BENCH_PORT:-18250}
NPORT=$((VPORT + 9))
REF_REPORTS=${BENCH_REF_REPORTS:-20000}
VECHE=${VECHE:-./build/veche}
mkdir -p "${BENCH_OUT:-bench/out/fleet}"
OUT=$(cd "${BENCH_OUT:-bench/out/fleet}" && pwd)
PGDIR=$OUT/pg
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_OPTS=${BENCH_PG_OPTS:-"-c shared_buffers=2GB -c effective_cache_size=8GB -c work_mem=16MB -c max_connections=200 -c max_wal_size=8GB -c checkpoint_timeout=30min"}
NAMES="a b c"
# The demo city's box: min_long min_lat max_long max_lat.
BOX="39.75 57.56 40.02 57.70"
BBOX="/open311/v2/requests.json?bbox=39.880,57.625,39.890,57.631&page=2&page_size=50"
export VECHE_DATADIR=${VECHE_DATADIR:-$PWD/data}

[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
for t in wrk nginx curl sqlite3 psql; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done
. bench/wrk.sh

SPID=
PPIDS=
cleanup() {
	for p in $SPID $PPIDS; do kill "$p" 2>/dev/null || true; done
	stop_nginx || true
	[ -n "${BENCH_KEEP_PG:-}" ] || sh scripts/pg.sh stop "$PGDIR"
}
trap cleanup EXIT INT TERM

say() { echo "bench: $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }

# as_pg CMD...: a PostgreSQL program as the server's user (pg.sh runs the
# server as nobody when started by root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

# The first deadline scan, once: a year of seeded reports are overdue.
if [ ! -f "$DB.scanned" ]; then
	say "the first deadline scan of $DB"
	$VECHE deadlines scan --db "$DB" > /dev/null
	touch "$DB.scanned"
fi

# PostgreSQL: a copy of DB, then the server restarted with the bench's
# settings (durable commits).
if [ -z "${BENCH_KEEP_PG:-}" ] || [ ! -f "$PGDIR/url" ] ||
    ! psql -X -At "$(cat "$PGDIR/url" | sed 's|/veche?|/fleet?|')" \
    -c 'SELECT 1 FROM reports LIMIT 1' > /dev/null 2>&1; then
	sh scripts/pg.sh start "$PGDIR" > /dev/null
	U0=$(cat "$PGDIR/url")
	psql -X -q "$U0" -c "CREATE DATABASE fleet"
	say "veche migrate into PostgreSQL"
	/usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$OUT/migrate.time" \
	    $VECHE migrate --from "$DB" --to "$(echo "$U0" | sed 's|/veche?|/fleet?|')" \
	    > "$OUT/migrate.log" 2>&1 || {
		tail -n 20 "$OUT/migrate.log" >&2
		exit 1
	}
	say "migrated in $(cat "$OUT/migrate.time")"
fi
URL=$(sed 's|/veche?|/fleet?|' "$PGDIR/url")
HOME_PG=$(readlink -f "$PGDIR/home")
PORT_PG=$(sed 's/.*port=//' "$PGDIR/url")
as_pg "$PGBIN/pg_ctl" -D "$HOME_PG/data" -m fast -w stop > /dev/null
as_pg "$PGBIN/pg_ctl" -D "$HOME_PG/data" -l "$HOME_PG/server.log" -w -o \
    "-p $PORT_PG -k $HOME_PG -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c shared_preload_libraries=pg_stat_statements $PG_OPTS" \
    start > /dev/null
psql -X -q "$URL" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
psql -X -At "$URL" -c "SHOW fsync" -c "SHOW synchronous_commit" \
    -c "SHOW shared_buffers" | tr '\n' ' ' > "$OUT/pg.settings"
say "PostgreSQL restarted: fsync, synchronous_commit, shared_buffers: $(cat "$OUT/pg.settings")"
PM=$(sed -n 1p "$HOME_PG/data/postmaster.pid")

# ticks PID...: utime + stime (and, for the postmaster, its reaped
# children's) of the processes, in clock ticks.
ticks() {
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && sed 's/.*) //' "/proc/$p/stat"
	done | awk '{ s += $12 + $13 + $14 + $15 } END { print s + 0 }'
}
pg_ticks() { ticks "$PM" $(ps -o pid= --ppid "$PM"); }

# start_one NAME PORT DB [options]: veche serve in the background, its pid
# printed once it listens.
start_one() {
	name=$1
	port=$2
	db=$3
	shift 3
	${BIN:-$VECHE} serve --db "$db" --listen 127.0.0.1:$port --threads "$THREADS" \
	    --data-dir '' --no-cache --suggest-hours 0 "$@" \
	    > "$OUT/veche-$name.log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -q listening "$OUT/veche-$name.log" 2>/dev/null && {
			echo "$pid"
			return 0
		}
		sleep 0.2
	done
	echo "bench: veche $name did not start:" >&2
	cat "$OUT/veche-$name.log" >&2
	exit 1
}

# ms TIME: wrk's latency (us, ms or s) in milliseconds.
ms() {
	echo "$1" | awk '/us$/ { printf "%.2f", $1 / 1000; next }
	    /ms$/ { printf "%.2f", $1 + 0; next }
	    /s$/ { printf "%.2f", $1 * 1000; next } { print $1 }'
}

# measure NAME SIDE URLPATH [script and args]: a warm-up, then the
# measured run; SIDE sqlite (one wrk, CONNS connections), pg (three wrk,
# CONNS/3 each) or nginx.  Prints
# "NAME|SIDE|req/s|p50 ms|p99 ms|non-2xx|veche µs/req|PostgreSQL µs/req|load".
measure() {
	name=$1
	side=$2
	path=$3
	shift 3
	case $side in
	sqlite) ports=$VPORT; conns=$CONNS; pids=$SPID ;;
	pg) ports="$((VPORT + 1)) $((VPORT + 2)) $((VPORT + 3))"
	    conns=$((CONNS / 3)); pids=$PPIDS ;;
	nginx) ports=$NPORT; conns=$CONNS
	    pids="$(cat "$OUT/nginx.pid") $(ps -o pid= --ppid "$(cat "$OUT/nginx.pid")")" ;;
	esac
	measured=$DURATION
	for phase in warmup run; do
		[ $phase = warmup ] && DURATION=$WARMUP || DURATION=$measured
		[ $side = pg ] && [ $phase = run ] &&
		    psql -X -q "$URL" -c "SELECT pg_stat_statements_reset()" > /dev/null
		v0=$(ticks $pids)
		p0=$(pg_ticks)
		load=$(cut -d' ' -f1 /proc/loadavg)
		j=0
		for port in $ports; do
			j=$((j + 1))
			run_wrk "$name-$side-$phase-$j" "$conns" \
			    "http://127.0.0.1:$port$path" "$@" > /dev/null &
		done
		wait
		v1=$(ticks $pids)
		p1=$(pg_ticks)
	done
	DURATION=$measured
	# Where PostgreSQL's time went: the run's costliest statements.
	[ $side = pg ] && psql -X "$URL" -c "SELECT round(total_exec_time::numeric) AS ms,
	    calls, round((total_exec_time / calls)::numeric, 3) AS ms_a_call,
	    round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct,
	    left(regexp_replace(query, '\s+', ' ', 'g'), 1500) AS statement
	    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6" \
	    > "$OUT/$name-pg.statements"
	hz=$(getconf CLK_TCK)
	for f in "$OUT/$name-$side-run-"*.wrk; do
		n=$(awk '/requests in/ { print $1 }' "$f")
		r=$(awk '/Requests\/sec/ { print $2 }' "$f")
		p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$f")")
		p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$f")")
		e=$(awk '/Non-2xx/ { print $NF }' "$f")
		echo "$n $r $p50 $p99 ${e:-0}"
	done | awk -v name="$name" -v side="$side" -v load="$load" \
	    -v dv=$((v1 - v0)) -v dp=$((p1 - p0)) -v hz="$hz" '
		{ n += $1; r += $2; if ($3 > p50) p50 = $3
		  if ($4 > p99) p99 = $4; e += $5 }
		END { printf "%s|%s|%.0f|%.2f|%.2f|%d|%.0f|%.0f|%s\n", name,
		    side, r, p50, p99, e, dv * 1e6 / hz / n,
		    side == "pg" ? dp * 1e6 / hz / n : 0, load }'
}

SKEY=$($VECHE apikey create --db "$DB" --name bench-fleet 2>/dev/null)
PKEY=$(${VECHE_BEFORE:-$VECHE} apikey create --db "$URL" --name bench-fleet \
    2>/dev/null)
NEWEST=$(sqlite3 "$DB" 'SELECT max(updated) FROM reports')
mkdir -p "$OUT/media"
# start_pg: the three PostgreSQL processes (of BIN, default VECHE).
start_pg() {
	i=0
	for n in $NAMES; do
		i=$((i + 1))
		PPIDS="$PPIDS $(start_one "$n" $((VPORT + i)) "$URL" \
		    --instance "$n" --media "$OUT/media")"
	done
}
# stop_pg: stop them (started in subshells: not this shell's to wait for).
stop_pg() {
	for p in $PPIDS; do
		kill "$p"
		while kill -0 "$p" 2>/dev/null; do sleep 0.2; done
	done
	PPIDS=
}
if [ -n "${VECHE_BEFORE:-}" ]; then
	BIN=$VECHE_BEFORE
	start_pg
	BIN=
	# Their map indexes loaded, as VECHE's are for its POST run.
	for i in 1 2 3; do
		curl -sf --max-time 600 "http://127.0.0.1:$((VPORT + i))$BBOX" \
		    > /dev/null
	done
	say "$VECHE_BEFORE: POST on PostgreSQL first"
	BEFORE_ROW=$(measure postbefore pg /open311/v2/requests.json \
	    bench/post.lua "$PKEY")
	stop_pg
fi
SPID=$(start_one sqlite "$VPORT" "$DB")
start_pg
# Each process loads its map index (every report's point; the area reads
# come from it) at its first list: seconds at a million, not measured.
mkdir -p "$OUT/www"
curl -sf --max-time 600 "http://127.0.0.1:$VPORT$BBOX" > "$OUT/www/bbox.json"
for i in 1 2 3; do
	curl -sf --max-time 600 "http://127.0.0.1:$((VPORT + i))$BBOX" \
	    > "$OUT/pg-bbox.json"
done
say "map indexes loaded: $(grep -h 'map index' "$OUT"/veche-*.log | wc -l) of 4"
cmp -s "$OUT/www/bbox.json" "$OUT/pg-bbox.json" ||
    echo "bench: the bbox answers of SQLite and PostgreSQL differ" >&2
WORKERS=${BENCH_WORKERS:-$(nproc)} start_nginx "$NPORT" "$OUT/www"

say "wrk -t1, $CONNS connections (PostgreSQL: 3 x $((CONNS / 3))), $DURATION after $WARMUP, veche --threads $THREADS --no-cache; $(sqlite3 "$DB" 'SELECT count(*) FROM reports') reports"
R=$OUT/results.txt
: > "$R"
measure nginx nginx /bbox.json >> "$R"
for side in sqlite pg; do
	measure bbox $side "" bench/bbox.lua $BOX >> "$R"
done
for side in sqlite pg; do
	measure updated $side "" bench/updated.lua $((NEWEST - 86400)) \
	    "$NEWEST" >> "$R"
done
say "raw SQLite inserts"
python3 bench/writes_ref.py "$DB" --reports "$REF_REPORTS" --batch 50 |
    awk -F'|' -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    '{ printf "ref|sqlite|%s||||%s||%s\n", $2, $5, load }' >> "$R"
measure post sqlite /open311/v2/requests.json bench/post.lua "$SKEY" >> "$R"
[ -z "${BEFORE_ROW:-}" ] || echo "$BEFORE_ROW" >> "$R"
measure post pg /open311/v2/requests.json bench/post.lua "$PKEY" >> "$R"
say "done"

# The servers were started in subshells: not this shell's to wait for.
for p in $SPID $PPIDS; do
	kill "$p"
	while kill -0 "$p" 2>/dev/null; do sleep 0.2; done
done
SPID=
PPIDS=
audit() {
	if $VECHE audit verify --db "$1" > "$OUT/audit-$2.txt" 2>&1; then
		echo "$2: $(head -n 1 "$OUT/audit-$2.txt")"
	else
		echo "$2: BROKEN: $(tail -n 1 "$OUT/audit-$2.txt")"
	fi
}
{ audit "$DB" sqlite; audit "$URL" pg; } > "$OUT/audit.txt"

awk -F'|' -v audit="$(cat "$OUT/audit.txt" | tr '\n' ';')" '
	BEGIN {
		what["nginx"] = "nginx, one bbox answer as a static file"
		what["bbox"] = "varied area reads (bbox.lua)"
		what["updated"] = "updated_after polling (updated.lua)"
		what["ref"] = "raw SQLite inserts (writes_ref.py, batches of 50)"
		what["post"] = "durable POST (post.lua)"
		what["postbefore"] = "durable POST (post.lua), VECHE_BEFORE"
		who["nginx"] = "nginx"
		who["sqlite"] = "SQLite, 1 process"
		who["pg"] = "PostgreSQL, 3 processes"
		print "| workload | server | req/s | p50 ms | p99 ms | non-2xx | veche CPU µs/req | PostgreSQL CPU µs/req | load |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	}
	{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", what[$1],
	    ($1 == "ref" ? "python sqlite3" : who[$2]), $3, $4, $5, $6, $7,
	    ($2 == "pg" ? $8 : ""), $9 }
	END { print ""; print "audit verify: " audit }' "$R" | tee "$OUT/results.md"
