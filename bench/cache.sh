#!/bin/sh
# What a cache hit costs: the cached Open311 list of bench/run.sh, served
# by veche (and, if VECHE_BEFORE names another build, by that one too, the
# runs alternating) beside nginx serving the same bytes, with the server's
# CPU time per request (utime + stime from /proc, the figure load disturbs
# least) and the load average.
#
#   VECHE_BEFORE=/path/to/old/veche bench/cache.sh
#
# Seeds BENCH_REPORTS (default 20,000) reports into $OUT/cache.db once: a
# hit reads no database, so its size does not matter here.
set -eu
cd "$(dirname "$0")/.."

REPORTS=${BENCH_REPORTS:-20000}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}
WORKERS=${BENCH_WORKERS:-$(nproc)}
ROUNDS=${BENCH_ROUNDS:-2}
VPORT=${BENCH_PORT:-18280}
NPORT=$((VPORT + 1))
OUT=${BENCH_OUT:-bench/out/cache}
DB=$OUT/cache.db
VECHE=${VECHE:-./build/veche}
BEFORE=${VECHE_BEFORE:-}

mkdir -p "$OUT/www"
if [ ! -f "$DB" ] || [ "$(cat "$OUT/reports" 2>/dev/null)" != "$REPORTS" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
	$VECHE city import --db "$DB" data/demo/city.json
	$VECHE seed --db "$DB" --reports "$REPORTS" --days 365
	echo "$REPORTS" > "$OUT/reports"
fi

. bench/wrk.sh
trap cleanup EXIT INT TERM

OPEN="/open311/v2/requests.json?status=open&page_size=50"
HZ=$(getconf CLK_TCK)

# cpu_ticks PID: utime + stime of a process, in clock ticks.
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

# measure NAME BIN: serve with BIN, one wrk run on the cached list; prints
# "NAME|req/s|p50|p99|non-2xx|CPU us/request|load".
measure() {
	serve "$2" "$DB"
	curl -sf "http://127.0.0.1:$VPORT$OPEN" > "$OUT/www/open.json"
	t0=$(cpu_ticks "$VPID")
	line=$(run_wrk "$1" "$CONNS" "http://127.0.0.1:$VPORT$OPEN")
	t1=$(cpu_ticks "$VPID")
	n=$(awk '/requests in/ {print $1}' "$OUT/$1.wrk")
	load=$(cut -d' ' -f1 /proc/loadavg)
	echo "$line|$(awk -v t="$((t1 - t0))" -v hz="$HZ" -v n="$n" \
	    'BEGIN {printf "%.1f", t * 1e6 / hz / n}')|$load"
}

serve "$VECHE" "$DB"
curl -sf "http://127.0.0.1:$VPORT$OPEN" > "$OUT/www/open.json"
start_nginx
echo "bench: wrk -t1 -c$CONNS -d$DURATION, veche --threads $THREADS," \
    "$(nproc) cores"
echo "name|req/s|p50|p99|non-2xx|server CPU us/req|load"
for r in $(seq "$ROUNDS"); do
	line=$(run_wrk "nginx_$r" "$CONNS" "http://127.0.0.1:$NPORT/open.json")
	echo "$line|-|$(cut -d' ' -f1 /proc/loadavg)"
	[ -n "$BEFORE" ] && measure "before_$r" "$BEFORE"
	measure "after_$r" "$VECHE"
done
