#!/bin/sh
# The public map's JSON zoom by zoom (issue 11): for each zoom, random
# views at that zoom only (bench/map.lua with ZMIN = ZMAX), and the
# server's CPU time per request, the figure a loaded machine disturbs
# least.  With VECHE_BEFORE, the same for another build, in the same run.
#
#   BENCH_DB=/path/m1.db VECHE_BEFORE=/path/old/veche bench/map_zoom.sh
#
# Views are snapped to the zoom's cells as the page asks for them;
# BENCH_MODE=unaligned asks for the viewports themselves (bench/map.lua).
#
# Prints one line a zoom: zoom, label, requests/s, CPU per request.
set -eu
cd "$(dirname "$0")/.."

DB=${BENCH_DB:-bench/out/bench.db}
VECHE=${VECHE:-./build/veche}
BEFORE=${VECHE_BEFORE:-}
PORT=${BENCH_PORT:-18090}
CONNS=${BENCH_CONNS:-8}
DURATION=${BENCH_DURATION:-3}
ZOOMS=${BENCH_ZOOMS:-10 11 12 13 14 15 16 17}
MODE=${BENCH_MODE:-aligned}
OUT=bench/out/map_zoom
BOX="39.75 57.56 40.02 57.70"
VIEW="/map/clusters.json?bbox=39.837,57.612,39.933,57.648&zoom=13"

mkdir -p "$OUT"
[ -f "$DB" ] ||
    { echo "bench: no database $DB (bench/map.sh seeds one)" >&2; exit 1; }

# zooms BINARY LABEL: serve BINARY, then one wrk run a zoom.
zooms() {
	"$1" serve --db "$DB" --listen 127.0.0.1:$PORT --threads 8 --no-cache \
	    --suggest-hours 0 --data-dir '' > "$OUT/veche-$2.log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do
		grep -q listening "$OUT/veche-$2.log" 2>/dev/null && break
		sleep 0.2
	done
	grep -q listening "$OUT/veche-$2.log" ||
	    { cat "$OUT/veche-$2.log" >&2; kill "$pid" 2>/dev/null; exit 1; }
	curl -sf -o /dev/null "http://127.0.0.1:$PORT$VIEW"
	for z in $ZOOMS; do
		t0=$(sed 's/.*) //' /proc/$pid/stat | awk '{print $12 + $13}')
		# shellcheck disable=SC2086
		n=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" -s bench/map.lua \
		    "http://127.0.0.1:$PORT" -- $BOX "$z" "$z" 1280 800 11 "$MODE" |
		    awk '/requests in/ {print $1}')
		t1=$(sed 's/.*) //' /proc/$pid/stat | awk '{print $12 + $13}')
		awk -v z="$z" -v l="$2" -v n="$n" -v d="$DURATION" -v t="$((t1 - t0))" \
		    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "zoom %d %s: " \
		    "%d requests/s, server CPU per request %.3f ms\n", z, l, \
		    n / d, t * 1000 / hz / n }'
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

[ -z "$BEFORE" ] || zooms "$BEFORE" before
zooms "$VECHE" after
echo "bench: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
