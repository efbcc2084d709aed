#!/bin/sh
# region.sh: veche serve --region at a million reports (docs/scaling.md,
# "Many cities in one deployment").  Two cities in one process: a copy of
# the 1,000,000-report database (BENCH_DB) and a small second city, and the
# region's staff store.
#
#  1. The Host dispatch: GET /open311/v2/services.json (a cached answer)
#     at the big city's host through --region, against the same database
#     served by --db, against nginx serving the same bytes; req/s, p50,
#     p99 and the server's CPU time per request (/proc/PID/stat).
#  2. The region's pages at the region's host, uncached (each reads every
#     city's store): the median and the slowest of RUNS requests each,
#     beside the big city's own /api/v1/ratings.json at its host.
#
# usage: BENCH_DB=/work/bench/cities/r1m.db sh bench/region.sh
# The database is served (written to): give a copy.
set -eu
. bench/wrk.sh
bench_settings 18640 region
RUNS=${BENCH_RUNS:-5}
mkdir -p "$OUT"
trap cleanup EXIT INT TERM
HOST=big.example

# The second city and the region's store, next to the outputs.
rm -f "$OUT"/small.db* "$OUT"/staff.db*
$VECHE city import --db "$OUT/small.db" tests/api/region/vtorograd.json >/dev/null 2>&1
$VECHE seed --db "$OUT/small.db" --reports 2000 --days 120 >/dev/null 2>&1
printf 'bench password 1\n' | VECHE_PWHASH_FAST=1 $VECHE user create \
    --db "$OUT/staff.db" --login oblast --role admin >/dev/null 2>&1
case $DB in /*) dbabs=$DB ;; *) dbabs=$PWD/$DB ;; esac
cat > "$OUT/region.json" <<JSON
{"name_ru": "Область", "host": "region.example", "staff_db": "staff.db",
 "cities": [{"db": "$dbabs", "host": "$HOST", "name_ru": "Большой"},
            {"db": "small.db", "host": "small.example", "name_ru": "Малый"}]}
JSON

# cpu PID: the process's utime + stime, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# per_request NAME PID TICKS_BEFORE: CPU ms per request of the last run.
per_request() {
	n=$(awk '/requests in/ { print $1 }' "$OUT/$1.wrk")
	t=$(( $(cpu "$2") - $3 ))
	echo "$1 cpu|$(echo "$t $n $(getconf CLK_TCK)" |
	    awk '{ printf "%.3f ms/request", $1 * 1000 / $3 / $2 }')"
}

serve_region() {
	[ -n "${VPID:-}" ] && { kill "$VPID"; wait "$VPID" 2>/dev/null || true; }
	$VECHE serve --region "$OUT/region.json" --listen 127.0.0.1:$VPORT \
	    --threads "$THREADS" --data-dir '' --suggest-hours 0 \
	    > "$OUT/veche.log" 2>&1 &
	VPID=$!
	for _ in $(seq 600); do
		grep -q listening "$OUT/veche.log" 2>/dev/null && return 0
		sleep 0.2
	done
	cat "$OUT/veche.log" >&2
	exit 1
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "name|req/s|p50|p99|non-2xx"
URL=/open311/v2/services.json

serve "$VECHE" "$DB" --suggest-hours 0
curl -s "http://127.0.0.1:$VPORT$URL" > "$OUT/services.json"
mkdir -p "$OUT/www/open311/v2" && cp "$OUT/services.json" "$OUT/www$URL"
start_nginx
run_wrk nginx "$CONNS" "http://127.0.0.1:$NPORT$URL"
t0=$(cpu "$VPID")
run_wrk db "$CONNS" "http://127.0.0.1:$VPORT$URL"
per_request db "$VPID" "$t0"

serve_region
curl -s -H "Host: $HOST" "http://127.0.0.1:$VPORT$URL" |
    cmp -s - "$OUT/services.json" || echo "bench: --region answers other bytes" >&2
t0=$(cpu "$VPID")
run_wrk region "$CONNS" "http://127.0.0.1:$VPORT$URL" bench/host.lua "$HOST"
per_request region "$VPID" "$t0"
stop_nginx

# timed HOST PATH [curl options]: "median s / slowest s" of RUNS requests.
timed() {
	h=$1
	p=$2
	shift 2
	for _ in $(seq "$RUNS"); do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
		    -H "Host: $h" "$@" "http://127.0.0.1:$VPORT$p"
	done | sort -k2 -n | awk -v n="$RUNS" '
	    $1 != 200 { bad++ }
	    { t[NR] = $2 }
	    END { printf "%s s median / %s s slowest%s\n", t[int((n + 1) / 2)],
	        t[n], bad ? " (" bad " not 200)" : "" }'
}

echo "page|median / slowest of $RUNS"
echo "big city's /api/v1/ratings.json|$(timed $HOST /api/v1/ratings.json)"
for p in / /cities.json /ratings.json /ratings /data; do
	echo "region $p|$(timed region.example $p)"
done
curl -s -c "$OUT/jar" -H "Host: region.example" \
    --data 'login=oblast&password=bench+password+1' \
    "http://127.0.0.1:$VPORT/api/v1/login" > /dev/null
echo "region /desk|$(timed region.example /desk -b "$OUT/jar")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
