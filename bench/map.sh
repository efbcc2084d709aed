#!/bin/sh
# The public map and varied area reads at scale (issue 11): veche without
# its response cache (every request rendered anew) against nginx serving one
# response of the same kind as a static file.
#
#   bench/map.sh            (after a release build: make build)
#
# Uses BENCH_DB (default bench/out/bench.db, seeded with BENCH_REPORTS
# reports over 365 days as bench/run.sh does when missing), then runs wrk:
#   map    GET /map/clusters.json: a random 1280 x 800 px viewport at a
#          random zoom from 10 to 17 anywhere in the city (bench/map.lua)
#   bbox   GET /open311/v2/requests.json?bbox=...&page=1..3&page_size=50:
#          a random 0.01 x 0.006 degree box in the city (bench/bbox.lua)
# each with one connection (a request alone) and with BENCH_CONNS, and
# nginx serving one map and one bbox response as static files.  Prints a
# Markdown table for docs/performance.md, the time of the map's first view
# (its index read from the database) and veche's resident memory.
set -eu
cd "$(dirname "$0")/.."

REPORTS=${BENCH_REPORTS:-1000000}
DURATION=${BENCH_DURATION:-15s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}
WORKERS=${BENCH_WORKERS:-$(nproc)}
VPORT=${BENCH_PORT:-18090}
NPORT=$((VPORT + 1))
OUT=bench/out/map
DB=${BENCH_DB:-bench/out/bench.db}
VECHE=${VECHE:-./build/veche}
CITY=data/demo/city.json
# The demo city's box: min_long min_lat max_long max_lat.
BOX="39.75 57.56 40.02 57.70"

mkdir -p "$OUT/www/map" "$OUT/tmp"
[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
for t in wrk nginx curl; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done
if [ ! -f "$DB" ]; then
	echo "bench: seeding $REPORTS reports into $DB (once)"
	mkdir -p "$(dirname "$DB")"
	$VECHE city import --db "$DB" "$CITY"
	$VECHE seed --db "$DB" --reports "$REPORTS" --days 365
fi

cleanup() {
	[ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null || true
	[ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

$VECHE serve --db "$DB" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
    --no-cache > "$OUT/veche.log" 2>&1 &
VPID=$!
for _ in $(seq 300); do
	grep -q listening "$OUT/veche.log" 2>/dev/null && break
	sleep 0.2
done
grep -q listening "$OUT/veche.log" || { cat "$OUT/veche.log" >&2; exit 1; }

V=http://127.0.0.1:$VPORT
MAP="/map/clusters.json?bbox=39.837,57.612,39.933,57.648&zoom=13"
BBOX="/open311/v2/requests.json?bbox=39.880,57.625,39.890,57.631&page=2&page_size=50"
first=$(curl -sf -o "$OUT/www/map/view.json" -w '%{time_total}' "$V$MAP")
curl -sf "$V$BBOX" > "$OUT/www/bbox.json"
echo "bench: first map view (the index read from the database): ${first} s"

. bench/wrk.sh
start_nginx "$NPORT"

# run NAME CONNS URL [script args]: prints "NAME|req/s|p50|p99|non-2xx"
run() {
	run_wrk "$@"
}

echo "bench: wrk -t1 -d$DURATION, veche --threads $THREADS --no-cache, nginx workers $WORKERS"
: > "$OUT/results.txt"
# shellcheck disable=SC2086
{
	run nginx_map "$CONNS" "http://127.0.0.1:$NPORT/map/view.json"
	run nginx_bbox "$CONNS" "http://127.0.0.1:$NPORT/bbox.json"
	run map_alone 1 "$V" bench/map.lua $BOX
	run map "$CONNS" "$V" bench/map.lua $BOX
	run bbox_alone 1 "$V" bench/bbox.lua $BOX
	run bbox "$CONNS" "$V" bench/bbox.lua $BOX
} >> "$OUT/results.txt"
rss=$(awk '/VmRSS/ {print $2}' /proc/$VPID/status)
cat "$OUT/results.txt"

awk -F'|' -v conns="$CONNS" '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5 }
	END {
		print "| test | connections | requests/s | p50 | p99 | non-2xx |"
		print "|---|---:|---:|---:|---:|---:|"
		n = split("nginx_map map_alone map nginx_bbox bbox_alone bbox", t, " ")
		for (i = 1; i <= n; i++)
			printf "| %s | %s | %s | %s | %s | %s |\n", t[i],
			    t[i] ~ /alone/ ? 1 : conns, rps[t[i]], p50[t[i]],
			    p99[t[i]], err[t[i]]
		printf "\nveche/nginx: map %.2f, bbox %.2f\n",
		    rps["map"] / rps["nginx_map"], rps["bbox"] / rps["nginx_bbox"]
	}' "$OUT/results.txt" | tee "$OUT/results.md"
echo "bench: veche resident memory after the runs: $((rss / 1024)) MB"
